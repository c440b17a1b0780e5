/* "Thêm văn bản" (cán bộ quản trị): kéo thả hoặc chọn một hay nhiều tệp → POST /documents (multipart "file",
 * X-API-Key) → 202 {job_id} → hỏi GET /jobs/{id} tới khi xong, rồi hiện những gì đã nhận ra.
 * Máy chủ cũ trả 201 kèm kết quả ngay: cũng hiện được. */
import { $, h, showError, errText, docHref, formatDate, isScanned, SCANNED_NOTE } from "./dom.js";
import { api } from "./api.js";
import { storedKey, bindKeyForm, keyError, ENABLE_HELP } from "./key.js";
import { invalidateDocs } from "./documents.js";

const POLL_MS = 400;          // một lần hỏi tiến độ; nạp một văn bản mất từ dưới 1 s tới vài phút (OCR)
const POLL_LIMIT = 1500;      // 1500 × 0,4 s = 10 phút thì thôi chờ
const POLL_RETRIES = 5;       // lỗi mạng liên tiếp được bỏ qua khi hỏi tiến độ
const STATUS = { added: "Đã thêm", updated: "Đã cập nhật", unchanged: "Không thay đổi", similar: "Chưa nạp" };

const el = {
  keyForm: $("key-form"), key: $("api-key"), keyState: $("key-state"), keyForget: $("key-forget"),
  drop: $("drop"), file: $("file"), list: $("upload-list"), error: $("upload-error"), help: $("upload-help")
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function row(name) {
  const item = {
    progress: h("progress", { max: "1", value: "0", "aria-label": "Tiến độ nạp " + name }),
    stage: h("p", { className: "job-stage", role: "status", text: "Đang gửi tệp…" }),
    out: h("div", { className: "job-out" })
  };
  item.li = h("li", { className: "job", "data-file": name }, [
    h("p", { className: "job-name", text: name }), item.progress, item.stage, item.out]);
  el.list.prepend(item.li);
  return item;
}

function fail(item, message) {
  item.li.classList.add("failed");
  item.progress.remove();
  item.stage.textContent = "";
  item.out.replaceChildren(h("p", { className: "error", role: "alert", text: message }));
}

/** "Có vẻ là văn bản … đã có": chưa ghi gì; người quản trị chọn thêm thành văn bản mới hoặc thay văn bản đó. */
function choices(r, file) {
  const add = h("button", { type: "button", className: "btn-secondary choose-new", text: "Thêm thành văn bản mới" });
  const swap = h("button", { type: "button", className: "btn-danger choose-replace",
    text: "Thay văn bản đã có" });
  const box = h("div", { className: "similar-choice", role: "group", "aria-label": "Chọn cách nạp " + file.name },
    [add, swap]);
  const pick = (choice) => { box.remove(); uploadOne(file, choice); };
  add.addEventListener("click", () => pick({ choice: "new" }));
  swap.addEventListener("click", () => pick({ choice: "replace", target: r.doc_id }));
  return box;
}

/** Kết quả nạp (IngestOut): số/ký hiệu, loại, ngày, cơ quan, số mục, OCR; liên kết tới mục lục. */
function showResult(item, r, file) {
  item.li.classList.add("done", "status-" + r.status);
  item.progress.value = 1;
  item.stage.textContent = (STATUS[r.status] || r.status) + (r.message ? " — " + r.message : "");
  const d = r.document || {};
  const rows = [
    ["Số/ký hiệu", d.number || "không thấy"],
    ["Loại", d.doc_type || "không rõ"],
    ["Ngày", formatDate(d.date) || "không thấy"],
    ["Cơ quan ban hành", d.issuer || "không thấy"],
    ["Số mục", d.n_sections !== undefined ? String(d.n_sections) : ""],
    ["Số đoạn", r.passages !== undefined ? String(r.passages) : ""],
    ["Nhận dạng chữ (OCR)", isScanned(d) ? "Có — " + SCANNED_NOTE : "Không"]
  ];
  const dl = h("dl", { className: "job-meta" }, rows.filter((x) => x[1]).map((x) =>
    h("div", null, [h("dt", { text: x[0] }), h("dd", { text: x[1] })])));
  const link = r.doc_id ? h("a", { href: docHref(r.doc_id), className: "outline-link",
    text: "Xem mục lục: " + (d.name || r.source || r.doc_id) }) : null;
  item.out.replaceChildren(dl, ...(link ? [h("p", null, [link])] : []),
    ...(r.status === "similar" && file ? [choices(r, file)] : []));
  if (r.status !== "similar") invalidateDocs(r.doc_id).catch(() => null);
}

async function follow(item, job, file) {
  let misses = 0;
  for (let i = 0; i < POLL_LIMIT; i++) {
    item.progress.value = job.progress || 0;
    item.stage.textContent = job.stage || "Đang chờ…";
    if (job.status === "done") return showResult(item, job.result || {}, file);
    if (job.status === "failed") return fail(item, job.error || "Nạp văn bản không thành công.");
    await sleep(POLL_MS);
    try {
      job = await api("/jobs/" + encodeURIComponent(job.job_id || job.id));
      misses = 0;
    } catch (e) {
      if (e.status || ++misses > POLL_RETRIES) return fail(item, "Không theo dõi được tiến độ. " + errText(e));
    }
  }
  fail(item, "Quá lâu chưa xong; mở trang Văn bản sau ít phút để kiểm tra.");
}

async function uploadOne(file, choice) {
  const item = row(file.name);
  const form = new FormData();
  form.append("file", file, file.name);
  if (choice) Object.keys(choice).forEach((k) => form.append(k, choice[k]));
  const key = storedKey();
  try {
    const out = await api("/documents", { method: "POST", body: form, headers: key ? { "X-API-Key": key } : {} });
    if (out.job_id) await follow(item, out, file);
    else showResult(item, out, file);        // máy chủ nạp ngay (201)
  } catch (e) {
    if (e.status === 403) el.help.hidden = false;
    fail(item, keyError(e));
    if (e.status === 401) el.key.focus();
  }
}

async function handleFiles(files) {
  showError(el.error, "");
  const list = Array.from(files || []);
  if (!list.length) { showError(el.error, "Không có tệp nào được chọn."); return; }
  for (const f of list) await uploadOne(f);   // lần lượt: máy chủ nạp từng tệp một
}

export function initUpload() {
  el.help.textContent = ENABLE_HELP;
  bindKeyForm({ form: el.keyForm, input: el.key, state: el.keyState, forget: el.keyForget });
  el.file.addEventListener("change", () => { handleFiles(el.file.files).then(() => { el.file.value = ""; }); });
  el.drop.addEventListener("dragover", (ev) => { ev.preventDefault(); el.drop.classList.add("over"); });
  el.drop.addEventListener("dragleave", () => el.drop.classList.remove("over"));
  el.drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    el.drop.classList.remove("over");
    handleFiles(ev.dataTransfer && ev.dataTransfer.files);
  });
}
