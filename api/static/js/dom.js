/* Dựng DOM an toàn: mọi chữ từ API vào trang qua textContent / createElement, không bao giờ innerHTML. */

export const $ = (id) => document.getElementById(id);

/** h("a", {href, className, text}, [children]) — bộ dựng phần tử duy nhất của trang. */
export function h(tag, attrs, children) {
  const node = document.createElement(tag);
  if (attrs) Object.keys(attrs).forEach((k) => {
    if (k === "text") node.textContent = attrs[k];
    else if (k === "className") node.className = attrs[k];
    else if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
  });
  (children || []).forEach((c) => {
    if (c === null || c === undefined) return;
    node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  });
  return node;
}

export function showError(box, message) {
  box.textContent = message;
  box.hidden = !message;
}

export function errText(e) { return (e && e.message) || String(e); }

/** Bỏ dấu tiếng Việt, đ→d, chữ thường: "Chủ tịch CĐCS" → "chu tich cdcs". */
export function fold(s) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
    .toLowerCase();
}

/** Liên kết tương đối tới một văn bản (và một mục): #doc/<doc_id>/<section_id>. */
export function docHref(docId, sectionId) {
  return "#doc/" + encodeURIComponent(docId) + (sectionId ? "/" + encodeURIComponent(sectionId) : "");
}

export function formatDate(d) {
  if (!d) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  return m ? m[3] + "/" + m[2] + "/" + m[1] : d;
}

export function docMetaLine(doc) {
  const bits = [];
  if (doc.doc_type) bits.push(doc.doc_type);
  if (doc.number) bits.push("số " + doc.number);
  if (doc.date) bits.push("ngày " + formatDate(doc.date));
  if (doc.issuer) bits.push(doc.issuer);
  if (STATUS_NOTE[doc.status]) bits.push(STATUS_NOTE[doc.status]);
  return bits.join(" · ");
}

/** Hiệu lực (index/validity.py): chỉ nói khi văn bản không còn là văn bản hiện hành. */
export const STATUS_NOTE = { replaced: "đã bị thay thế", term_ended: "đã hết nhiệm kỳ, giai đoạn" };
export const STATUS_LABEL = { in_force: "Còn hiệu lực", replaced: "Đã bị thay thế", term_ended: "Đã hết nhiệm kỳ, giai đoạn",
  unknown: "" };

/** Văn bản nạp qua OCR (ảnh, PDF quét): metadata có ocr / ocr_confidence. */
export function isScanned(doc) {
  return Boolean(doc && (doc.ocr || (doc.ocr_confidence !== null && doc.ocr_confidence !== undefined)));
}

export const SCANNED_NOTE = "văn bản quét — có thể có lỗi chính tả";
