/* Trang "Văn bản": danh sách, bộ lọc lấy từ danh sách, và một văn bản với mục lục. Nút "Xóa" chỉ hiện khi đã
 * nhập khóa quản trị (ô "Quản trị" của trang); xóa được xác nhận ngay trong danh sách, không bằng hộp thoại. */
import { $, h, showError, errText, docHref, formatDate, docMetaLine, isScanned, SCANNED_NOTE, STATUS_LABEL }
  from "./dom.js";
import { api } from "./api.js";
import { storedKey, bindKeyForm, keyError } from "./key.js";
import { renderEdit } from "./docedit.js";

const el = {
  types: [$("f-type"), $("d-type")], years: [$("f-year"), $("d-year")],   // hỏi đáp và hồ sơ chủ đề
  docsStatus: $("docs-status"), docsError: $("docs-error"), docList: $("doc-list"),
  keyForm: $("docs-key-form"), key: $("docs-api-key"), keyState: $("docs-key-state"), keyForget: $("docs-key-forget"),
  docStatus: $("doc-status"), docError: $("doc-error"), doc: $("doc"),
  docKind: $("doc-kind"), docTitle: $("doc-title"), docMeta: $("doc-meta"),
  outline: $("outline-list"), docBody: $("doc-body"), docEdit: $("doc-edit")
};

const state = { docs: null, docsPromise: null, docCache: new Map(), shownDoc: null, docSeq: 0 };

export function loadDocs() {
  if (!state.docsPromise) {
    state.docsPromise = api("/documents").then((docs) => {
      state.docs = docs;
      fillFilters(docs);
      return docs;
    }).catch((e) => { state.docsPromise = null; throw e; });
  }
  return state.docsPromise;
}

/** Sau khi thêm / xóa: tải lại danh sách, bỏ bản đã nhớ của văn bản đó. */
export function invalidateDocs(docId) {
  state.docsPromise = null;
  state.docs = null;
  if (docId) state.docCache.delete(docId);
  if (docId && state.shownDoc === docId) state.shownDoc = null;
  document.dispatchEvent(new CustomEvent("sotay:docs"));
  return loadDocs();
}

function fillFilters(docs) {
  const types = new Set(), years = new Set();
  docs.forEach((d) => {
    if (d.doc_type) types.add(d.doc_type);
    if (d.date && /^\d{4}/.test(d.date)) years.add(d.date.slice(0, 4));
  });
  const typeList = Array.from(types).sort((a, b) => a.localeCompare(b, "vi"));
  const yearList = Array.from(years).sort().reverse();
  el.types.forEach((s) => fillSelect(s, typeList));
  el.years.forEach((s) => fillSelect(s, yearList));
}

function fillSelect(select, values) {
  const keep = select.value || select.dataset.want || "";
  while (select.options.length > 1) select.remove(1);
  values.forEach((v) => select.appendChild(h("option", { value: v, text: v })));
  if (keep && values.indexOf(keep) < 0) select.appendChild(h("option", { value: keep, text: keep }));
  select.value = keep;
}

export function setSelect(select, value) {
  select.dataset.want = value || "";
  if (value && !Array.prototype.some.call(select.options, (o) => o.value === value)) {
    select.appendChild(h("option", { value: value, text: value }));
  }
  select.value = value || "";
}

function docItem(d) {
  const name = d.name || d.title || d.id;
  let del = null;
  if (storedKey()) {   // khách xem không thấy nút xóa; người quản trị nhập khóa ở ô "Quản trị" phía trên
    del = h("button", { type: "button", className: "link-btn del-btn", "aria-label": "Xóa văn bản " + name,
      text: "Xóa" });
    del.addEventListener("click", () => confirmDelete(d, del));
  }
  return h("li", { className: "doc-item", "data-doc-id": d.id }, [
    h("a", { href: docHref(d.id), className: "doc-link", text: name }),
    d.title && d.title !== d.name ? h("p", { className: "doc-sub", text: d.title }) : null,
    h("p", { className: "meta", text: docMetaLine(d) + (d.n_sections ? " · " + d.n_sections + " mục" : "") }),
    isScanned(d) ? h("p", { className: "ocr-note", text: SCANNED_NOTE }) : null,
    del
  ]);
}

export function renderDocList() {
  showError(el.docsError, "");
  el.docsStatus.textContent = state.docs ? "" : "Đang tải danh sách văn bản…";
  return loadDocs().then((docs) => {
    el.docsStatus.textContent = docs.length ? docs.length + " văn bản" : "Chưa có văn bản nào được nạp.";
    el.docList.replaceChildren(...docs.map(docItem));
  }).catch((e) => {
    el.docsStatus.textContent = "";
    showError(el.docsError, "Không tải được danh sách văn bản. " + errText(e));
  });
}

/** "Xóa" → hỏi lại ngay tại văn bản đó: "Xóa hẳn" hoặc "Hủy" (Hủy được chọn sẵn). */
function confirmDelete(d, button) {
  const name = d.name || d.title || d.id;
  const yes = h("button", { type: "button", className: "btn-danger del-yes", text: "Xóa hẳn" });
  const no = h("button", { type: "button", className: "btn-secondary del-no", text: "Hủy" });
  const box = h("div", { className: "del-confirm", role: "group", "aria-label": "Xác nhận xóa " + name }, [
    h("p", { text: "Xóa văn bản “" + name + "” khỏi Sổ tay? Không thể hoàn tác." }), yes, no]);
  button.hidden = true;
  button.after(box);
  no.focus();
  no.addEventListener("click", () => { box.remove(); button.hidden = false; button.focus(); });
  yes.addEventListener("click", () => deleteDoc(d, box, yes));
}

async function deleteDoc(d, box, yes) {
  const name = d.name || d.title || d.id;
  const key = storedKey();
  if (!key) { box.remove(); showError(el.docsError, "Cần khóa quản trị để xóa văn bản."); return; }
  yes.disabled = true;
  showError(el.docsError, "");
  try {
    const out = await api("/documents/" + encodeURIComponent(d.id), { method: "DELETE", headers: { "X-API-Key": key } });
    await invalidateDocs(d.id).catch(() => null);
    await renderDocList();
    el.docsStatus.textContent = out.message || "Đã xóa văn bản " + name;
  } catch (e) {
    box.remove();
    showError(el.docsError, "Không xóa được văn bản. " + keyError(e));   // sai khóa: khóa bị quên, nút ẩn đi
    if (e.status === 401) el.key.focus();
  }
}

/** Ô "Quản trị" của danh sách; khi khóa đổi, danh sách vẽ lại (hiện hoặc ẩn nút xóa). */
export function initDocs() {
  bindKeyForm({ form: el.keyForm, input: el.key, state: el.keyState, forget: el.keyForget });
  document.addEventListener("sotay:key", () => {
    if (state.docs) el.docList.replaceChildren(...state.docs.map(docItem));
    const shown = state.shownDoc && state.docCache.get(state.shownDoc);
    if (shown) renderEdit(el.docEdit, shown, edited);
  });
}

// ---------- một văn bản ----------

function headingTag(level) { return "h" + Math.min(6, Math.max(2, level + 1)); }

function sectionAnchor(id) { return "sec-" + id; }

export function openDoc(docId, sectionId) {
  if (state.shownDoc === docId) { gotoSection(sectionId); return; }
  showError(el.docError, "");
  el.doc.hidden = true;
  el.docStatus.textContent = "Đang mở văn bản…";
  const seq = ++state.docSeq;
  const p = state.docCache.has(docId) ? Promise.resolve(state.docCache.get(docId))
    : api("/documents/" + encodeURIComponent(docId));
  return p.then((doc) => {
    if (seq !== state.docSeq) return;
    state.docCache.set(docId, doc);
    renderDoc(doc);
    state.shownDoc = docId;
    el.docStatus.textContent = "";
    document.title = (doc.name || doc.title || "Văn bản") + " — Sổ tay";
    gotoSection(sectionId);
  }).catch((e) => {
    if (seq !== state.docSeq) return;
    el.docStatus.textContent = "";
    showError(el.docError, "Không mở được văn bản. " + errText(e));
  });
}

function renderMeta(doc) {
  el.docKind.textContent = [doc.doc_type, doc.number ? "số " + doc.number : ""].filter(Boolean).join(" · ");
  el.docTitle.textContent = doc.name || doc.title || doc.id;
  const meta = [
    ["Trích yếu", doc.title && doc.title !== doc.name ? doc.title : ""],
    ["Ngày ban hành", formatDate(doc.date)],
    ["Nơi ban hành", doc.place],
    ["Cơ quan ban hành", doc.issuer],
    ["Người ký", doc.signer],
    ["Nơi nhận", (doc.recipients || []).join("; ")],
    ["Tệp gốc", doc.has_original ? "" : doc.source],
    ["Lưu ý", isScanned(doc) ? SCANNED_NOTE : ""]
  ];
  el.docMeta.replaceChildren();
  meta.forEach((m) => {
    if (m[1]) el.docMeta.appendChild(h("div", null, [h("dt", { text: m[0] }), h("dd", { text: m[1] })]));
  });
  if (doc.has_original) {   // tải đúng tệp đã nạp (máy chủ gửi kèm tên tệp gốc)
    const link = h("a", { href: "/documents/" + encodeURIComponent(doc.id) + "/original", className: "original-link",
      download: doc.source, text: doc.source + " (tải về)" });
    el.docMeta.appendChild(h("div", { className: "doc-original" }, [h("dt", { text: "Tệp gốc" }), h("dd", null, [link])]));
  }
  const validity = validityText(doc);
  if (validity) el.docMeta.appendChild(h("div", null, [h("dt", { text: "Hiệu lực" }), h("dd", { text: validity })]));
  const rows = RELATIONS.concat(doc.current && doc.status === "term_ended" ? [["current", "Văn bản hiện hành"]] : []);
  rows.forEach((r) => {
    const links = r[0] === "current" ? [doc.current] : (doc[r[0]] || []);
    if (!links.length) return;
    const items = [];
    links.forEach((l, i) => {
      if (i) items.push("; ");
      // văn bản có trong kho: liên kết; chưa có: tên như văn bản ghi, không liên kết
      items.push(l.doc_id ? h("a", { href: docHref(l.doc_id), className: "rel-link", text: l.text }) : l.text);
    });
    el.docMeta.appendChild(h("div", { className: "rel-" + r[0] }, [h("dt", { text: r[1] }), h("dd", null, items)]));
  });
}

const RELATIONS = [["replaces", "Thay thế"], ["replaced_by", "Được thay thế bởi"], ["amends", "Sửa đổi, bổ sung"],
  ["amended_by", "Được sửa đổi, bổ sung bởi"], ["implements", "Thực hiện"], ["implemented_by", "Được thực hiện bởi"]];

/** "Đã hết nhiệm kỳ, giai đoạn (2018 – 2023)", "Còn hiệu lực (từ 01/01/2021)". */
function validityText(doc) {
  const label = STATUS_LABEL[doc.status] || "";
  const from = formatDate(doc.valid_from), to = formatDate(doc.valid_to);   // ngày, hoặc năm của nhiệm kỳ
  const span = from && to ? from + " – " + to : from ? "từ " + from : to ? "đến " + to : "";
  return [label, span ? "(" + span + ")" : ""].filter(Boolean).join(" ");
}

function sectionNode(s, depth) {
  let heading = s.heading || s.id, text = s.text || "";
  // Tiêu đề bị cắt ("… nghiệp vụ…") là dòng đầu của đoạn văn: hiện đầy đủ một lần.
  if (/…$/.test(heading) && text.indexOf(heading.slice(0, -1)) === 0) {
    const nl = text.indexOf("\n");
    heading = nl < 0 ? text : text.slice(0, nl);
    text = nl < 0 ? "" : text.slice(nl + 1);
  }
  const sec = h("section", { id: sectionAnchor(s.id), className: "sec kind-" + s.kind + " lvl-" + Math.min(depth, 4),
    tabindex: "-1", "aria-label": heading }, [h(headingTag(Math.min(depth + 1, 5)), { className: "sec-title", text: heading })]);
  if (text.trim()) sec.appendChild(h("p", { className: "sec-text", text: text }));
  if (s.footnotes && s.footnotes.length) {
    sec.appendChild(h("aside", { className: "footnotes", "aria-label": "Chú thích" }, [
      h("p", { className: "fn-title", text: "Chú thích" }),
      h("ul", null, s.footnotes.map((f) => h("li", { text: f })))
    ]));
  }
  return sec;
}

/** Sau khi sửa: danh sách, bộ lọc và văn bản đang xem được tải lại theo thông tin mới. */
function edited(out) {
  const docId = out.document.id;
  invalidateDocs(docId).catch(() => null);
  Promise.resolve(openDoc(docId)).then(() => { el.docStatus.textContent = out.message; });
}

function renderDoc(doc) {
  renderMeta(doc);
  renderEdit(el.docEdit, doc, edited);
  const minLevel = Math.min(...doc.sections.map((s) => s.level), 9);
  el.outline.replaceChildren();
  el.docBody.replaceChildren();
  doc.sections.forEach((s) => {
    const depth = Math.max(0, s.level - Math.max(minLevel, 1));
    const link = h("a", { href: docHref(doc.id, s.id), text: s.heading || s.id, "data-section": s.id });
    el.outline.appendChild(h("li", { className: "lvl-" + Math.min(depth, 4) }, [link]));
    el.docBody.appendChild(sectionNode(s, depth));
  });
  el.doc.hidden = false;
}

function gotoSection(sectionId) {
  const prev = el.docBody.querySelector(".is-target");
  if (prev) prev.classList.remove("is-target");
  el.outline.querySelectorAll("a[aria-current]").forEach((a) => a.removeAttribute("aria-current"));
  if (!sectionId) { window.scrollTo(0, 0); return; }
  const target = document.getElementById(sectionAnchor(sectionId));
  if (!target) {
    showError(el.docError, "Không thấy mục “" + sectionId + "” trong văn bản này.");
    return;
  }
  showError(el.docError, "");
  target.classList.add("is-target");
  el.outline.querySelectorAll("a[data-section]").forEach((a) => {
    if (a.getAttribute("data-section") === sectionId) a.setAttribute("aria-current", "location");
  });
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "start" });
}
