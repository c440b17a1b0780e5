/* Khung "Trả lời": câu trả lời của POST /ask và nguồn của nó. Liên kết dựng từ citations[].doc_id/section_id
 * (tương đối, #doc/…), không lấy từ chữ của câu trả lời. Nhiều nguồn: mỗi trích dẫn kèm nguồn riêng. */
import { $, h, docHref, SCANNED_NOTE } from "./dom.js";
import { highlight } from "./highlight.js";

const box = $("answer"), body = $("answer-body"), title = $("answer-title");
// Bản cũ của máy chủ còn viết "Xem đầy đủ: http://…" vào câu trả lời: trang tự dựng liên kết nên bỏ dòng đó.
const LINK_LINE = /\n?Xem đầy đủ:[ \t]*\S+[ \t]*$/gm;

export function hideAnswer() { box.hidden = true; }

function sourceLink(c) {
  const link = h("a", { href: docHref(c.doc_id, c.section_id), className: "cite", text: c.citation });
  // một trích dẫn từ văn bản quét (OCR) mang dấu như trên trang văn bản: chữ có thể sai chính tả
  return c.scanned ? h("span", null, [link, h("span", { className: "ocr-note scanned-cite", text: " — " + SCANNED_NOTE })])
    : link;
}

/** Một nguồn: liên kết, đoạn văn đầy đủ thu gọn bên dưới. */
function singleSource(c, terms) {
  return h("ul", { className: "sources" }, [h("li", null, [
    h("span", { className: "source-label", text: "Nguồn: " }),
    sourceLink(c),
    h("details", { className: "context" }, [
      h("summary", { text: "Xem cả đoạn văn" }),
      h("p", { className: "passage-text" }, [highlight(c.text, terms)])
    ])
  ])]);
}

/** Nhiều nguồn: mỗi trích dẫn là một khối riêng, nguồn ngay dưới trích dẫn. */
function manySources(citations, terms) {
  return h("ol", { className: "sources multi" }, citations.map((c) => h("li", { className: "source" }, [
    h("blockquote", { className: "quote" }, [highlight(c.text, terms)]),
    h("p", { className: "quote-source" }, [h("span", { className: "source-label", text: "Nguồn: " }), sourceLink(c)])
  ])));
}

const TITLES = { smalltalk: "Sổ tay", card: "Thông tin văn bản", facts: "Thông tin văn bản" };

/** Thẻ văn bản: liên kết mở từng văn bản (trang văn bản có mục lục và toàn văn). */
function documentLinks(citations) {
  return h("ul", { className: "sources" }, citations.map((c) => h("li", null, [
    h("span", { className: "source-label", text: "Mở văn bản: " }),
    h("a", { href: docHref(c.doc_id), className: "cite", text: c.citation })
  ])));
}

export function renderAnswer(a, terms) {
  body.replaceChildren();
  const chat = a.mode === "smalltalk";
  box.classList.toggle("not-found", !a.found && !chat);
  box.classList.toggle("chat", chat);
  title.textContent = TITLES[a.mode] && (a.found || chat) ? TITLES[a.mode]
    : a.found ? "Trả lời" : "Chưa tìm thấy câu trả lời";
  const text = (a.answer || "").replace(LINK_LINE, "").trim();
  body.appendChild(h("p", { className: "answer-text" }, [highlight(text, a.found ? terms : null)]));
  const cites = a.citations || [];
  if (a.mode === "card") body.appendChild(documentLinks(cites));
  else if (cites.length === 1) body.appendChild(singleSource(cites[0], terms));
  else if (cites.length > 1) body.appendChild(manySources(cites, terms));
  box.hidden = false;
}
