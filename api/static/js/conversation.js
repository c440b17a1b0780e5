/* Cuộc trò chuyện: vài câu hỏi gần nhất (giữ trong sessionStorage của thẻ trình duyệt), gửi kèm POST /ask
 * dưới tên "history" (cũ trước, mới sau) để câu hỏi tiếp theo ("còn năm 2025 thì sao?") hiểu được ngữ cảnh. */
const KEY = "sotay.history";
const KEEP = 4;   // câu hỏi trước được gửi kèm; API /ask nhận "history" là vài câu gần nhất

function read() {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) || "[]");
    return Array.isArray(v) ? v.filter((x) => typeof x === "string") : [];
  } catch (e) {
    return [];
  }
}

function write(list) {
  try { sessionStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* chế độ riêng tư: bỏ qua */ }
}

/** Các câu hỏi trước câu `question` (không lặp lại chính nó). */
export function historyFor(question) {
  return read().filter((q) => q !== question).slice(-KEEP);
}

export function remember(question) {
  write(read().filter((q) => q !== question).concat([question]).slice(-KEEP));
}

export function forget() {
  try { sessionStorage.removeItem(KEY); } catch (e) { /* bỏ qua */ }
}

