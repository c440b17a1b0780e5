/* Khóa quản trị (X-API-Key = SOTAY_API_KEY của máy chủ): hỏi một lần, giữ trong sessionStorage đến khi đóng thẻ. */
import { errText } from "./dom.js";

const KEY = "sotay.apiKey";

export const ENABLE_HELP = "Cách bật: người quản trị đặt biến môi trường SOTAY_API_KEY=<một khóa bí mật> " +
  "cho máy chủ (ví dụ trong tệp .env), khởi động lại máy chủ, rồi nhập đúng khóa đó ở đây.";

export function storedKey() {
  try { return sessionStorage.getItem(KEY) || ""; } catch (e) { return ""; }
}

export function saveKey(k) {
  try { if (k) sessionStorage.setItem(KEY, k); else sessionStorage.removeItem(KEY); } catch (e) { /* bỏ qua */ }
  document.dispatchEvent(new CustomEvent("sotay:key"));
}

/** Khóa đã lưu, hoặc hỏi người dùng một lần; null nếu họ không nhập. */
export function askKey() {
  const have = storedKey();
  if (have) return have;
  const k = (window.prompt("Nhập khóa quản trị (SOTAY_API_KEY của máy chủ). Khóa được giữ đến khi đóng thẻ này.") || "").trim();
  if (k) saveKey(k);
  return k || null;
}

/** Lời giải thích cho lỗi của một thao tác cần khóa: sai khóa thì quên nó, chưa bật thì chỉ cách bật. */
export function keyError(e) {
  if (e && e.status === 401) {
    saveKey("");
    return "Sai hoặc thiếu khóa quản trị (X-API-Key). Hãy nhập lại khóa.";
  }
  if (e && e.status === 403) return (e.detail || errText(e)) + ". " + ENABLE_HELP;
  return errText(e);
}
