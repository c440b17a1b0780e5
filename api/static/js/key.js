/* Khóa quản trị (X-API-Key = SOTAY_API_KEY của máy chủ): nhập ở biểu mẫu của trang, giữ trong sessionStorage
 * đến khi đóng thẻ. */
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

/** Một biểu mẫu khóa của trang (ô mật khẩu, "Lưu khóa", "Quên khóa", dòng trạng thái); mọi biểu mẫu khóa
 * cùng hiện một trạng thái. Khóa chỉ được nhập ở đây, không bao giờ bằng hộp thoại của trình duyệt. */
export function bindKeyForm(f) {
  const render = () => {
    const have = Boolean(storedKey());
    f.state.textContent = have ? "Đã lưu khóa cho phiên làm việc này." : "Chưa nhập khóa.";
    f.forget.hidden = !have;
    f.input.value = "";
  };
  render();
  document.addEventListener("sotay:key", render);
  f.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    saveKey(f.input.value.trim());
  });
  f.forget.addEventListener("click", () => saveKey(""));
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
