/* "Hồ sơ chủ đề" cho giảng viên: GET /dossier?topic=&type=&year= → tóm lược ở trên (văn bản nào, mục nào),
 * rồi các đoạn nhóm theo văn bản (mới nhất trước), mỗi đoạn kèm đường dẫn mục, trích dẫn và ghi chú
 * "Cũng có trong …". Hai liên kết tải cùng hồ sơ đó dạng Word (.docx) và Markdown (.md). */
import { $, h, showError, errText, docHref, docMetaLine } from "./dom.js";
import { api } from "./api.js";
import { queryTerms, highlight } from "./highlight.js";
import { setSelect } from "./documents.js";

const el = {
  form: $("dossier-form"), topic: $("d-topic"), type: $("d-type"), year: $("d-year"), btn: $("dossier-btn"),
  docx: $("d-docx"), md: $("d-md"), status: $("dossier-status"), error: $("dossier-error"),
  box: $("dossier"), outline: $("dossier-outline-list"), groups: $("dossier-groups")
};
const state = { lastKey: null, seq: 0 };
// đuôi câu hỏi bỏ đi khi lấy chủ đề từ ô hỏi đáp: "chỉ tiêu đào tạo chủ tịch CĐCS là gì?" → "chỉ tiêu đào tạo chủ tịch CĐCS"
const QUESTION_TAIL = /\s*(là gì|là bao nhiêu|gồm những gì|gồm những nội dung gì|như thế nào|thế nào|ra sao|thì sao|ở đâu)?\s*[?.!]*\s*$/i;

/** Tham số của hồ sơ đang nhập trong biểu mẫu (topic, type, year). */
function formParams() {
  const p = new URLSearchParams();
  p.set("topic", el.topic.value.trim());
  if (el.type.value) p.set("type", el.type.value);
  if (el.year.value) p.set("year", el.year.value);
  return p;
}

function setDownload(link, params, format) {
  if (!params.get("topic")) {
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
    return;
  }
  const p = new URLSearchParams(params);
  p.set("format", format);
  link.setAttribute("href", "/dossier?" + p.toString());
  link.removeAttribute("aria-disabled");
}

/** Liên kết tải .docx / .md luôn theo đúng chủ đề và bộ lọc đang nhập. */
export function updateDownloads() {
  const p = formParams();
  setDownload(el.docx, p, "docx");
  setDownload(el.md, p, "md");
}

/** Mở trang hồ sơ: chủ đề trống thì lấy từ ô hỏi đáp (bỏ đuôi câu hỏi) và bộ lọc đang chọn ở đó. */
export function prefill(question, type, year) {
  if (el.topic.value.trim() || !question) return;
  el.topic.value = question.replace(QUESTION_TAIL, "");
  if (type) setSelect(el.type, type);
  if (year) setSelect(el.year, year);
  updateDownloads();
}

export function submitDossier() {
  if (!el.topic.value.trim()) { el.topic.focus(); return; }
  const hash = "#hoso?" + formParams().toString();
  if (location.hash === hash) runDossier(formParams(), true);
  else location.hash = hash;
}

export function runDossier(params, force) {
  const topic = (params.get("topic") || "").trim();
  el.topic.value = topic;
  setSelect(el.type, params.get("type") || "");
  setSelect(el.year, params.get("year") || "");
  updateDownloads();
  if (!topic) return;
  const key = params.toString();
  if (!force && key === state.lastKey) return;
  state.lastKey = key;
  $("tab-dossier").setAttribute("href", "#hoso?" + key);
  const seq = ++state.seq;
  showError(el.error, "");
  el.box.hidden = true;
  el.btn.disabled = true;
  el.status.textContent = "Đang lập hồ sơ…";
  const p = new URLSearchParams(params);
  p.set("format", "json");
  api("/dossier?" + p.toString()).then((d) => {
    if (seq !== state.seq) return;
    render(d);
  }).catch((e) => {
    if (seq !== state.seq) return;
    state.lastKey = null;
    el.status.textContent = "";
    showError(el.error, "Không lập được hồ sơ. " + errText(e));
  }).then(() => { if (seq === state.seq) el.btn.disabled = false; });
}

function sectionLabel(p) {
  return p.heading_path.length ? p.heading_path[p.heading_path.length - 1] : p.section_id;
}

/** Một dòng tóm lược: tên văn bản, số đoạn, các mục (mỗi mục một liên kết, không lặp). */
function outlineItem(doc) {
  const seen = new Set(), links = [];
  doc.passages.forEach((p) => {
    if (seen.has(p.section_id)) return;
    seen.add(p.section_id);
    if (links.length) links.push("; ");
    links.push(h("a", { href: docHref(doc.id, p.section_id), text: sectionLabel(p) }));
  });
  return h("li", { "data-doc-id": doc.id }, [
    h("a", { href: docHref(doc.id), className: "doc-link", text: doc.name }),
    " — " + doc.passages.length + " đoạn: ",
    h("span", { className: "outline-sections" }, links)
  ]);
}

function passageItem(doc, p, terms) {
  return h("li", { className: "dossier-passage", "data-passage-id": p.passage_id }, [
    h("h3", { className: "heading-path", text: p.heading_path.join(" › ") || p.section_id }),
    h("blockquote", { className: "quote" }, [highlight(p.text, terms)]),
    h("p", { className: "quote-source" }, [
      h("span", { className: "source-label", text: "Nguồn: " }),
      h("a", { href: docHref(doc.id, p.section_id), className: "cite", text: p.citation })
    ]),
    p.also_in.length ? h("p", { className: "also-in", text: "Cũng có trong: " + p.also_in.join("; ") }) : null
  ]);
}

function groupNode(doc, terms) {
  const title = doc.title && doc.name.indexOf(doc.title) < 0 ? doc.title : "";
  return h("section", { className: "dossier-group", "data-doc-id": doc.id, "aria-label": doc.name }, [
    h("h2", null, [h("a", { href: docHref(doc.id), text: doc.name })]),
    title ? h("p", { className: "doc-sub", text: title }) : null,
    h("p", { className: "meta", text: docMetaLine(doc) }),
    h("ol", { className: "dossier-passages" }, doc.passages.map((p) => passageItem(doc, p, terms)))
  ]);
}

function render(d) {
  const docs = d.documents || [];
  el.outline.replaceChildren(...docs.map(outlineItem));
  const terms = queryTerms(d.topic);
  el.groups.replaceChildren(...docs.map((doc) => groupNode(doc, terms)));
  el.box.hidden = docs.length === 0;
  el.status.textContent = docs.length
    ? "Hồ sơ “" + d.topic + "”: " + d.passages + " đoạn trích từ " + docs.length + " văn bản, văn bản mới nhất trước."
    : "Không tìm thấy đoạn văn bản nào về chủ đề này.";
}

el.form.addEventListener("submit", (ev) => { ev.preventDefault(); submitDossier(); });
[el.topic, el.type, el.year].forEach((c) => c.addEventListener("input", updateDownloads));
[el.type, el.year].forEach((s) => s.addEventListener("change", () => { s.dataset.want = s.value; updateDownloads(); }));
