/* Hỏi đáp / tìm kiếm: POST /ask (kèm vài câu hỏi trước) và GET /search song song, phân trang "Kết quả khác". */
import { $, h, showError, errText, docHref, docMetaLine } from "./dom.js";
import { api, postJson } from "./api.js";
import { queryTerms, highlight } from "./highlight.js";
import { renderAnswer, hideAnswer } from "./answer.js";
import { setSelect } from "./documents.js";
import { historyFor, remember, forget } from "./conversation.js";

const PAGE = 10;
const el = {
  q: $("q"), btn: $("search-btn"), type: $("f-type"), year: $("f-year"), validity: $("f-status"),
  examples: $("examples"), status: $("search-status"), error: $("search-error"), results: $("results"),
  passages: $("passages"), passagesTitle: $("passages-title"), list: $("passage-list"),
  more: $("more-btn"), moreStatus: $("more-status"),
  conv: $("conversation"), convText: $("conv-text")
};

export const search = { lastKey: null, seq: 0, terms: null, offset: 0 };

export function searchKey(params) {
  return [(params.get("q") || "").trim(), params.get("type") || "", params.get("year") || "",
    params.get("status") || ""].join("|");
}

function currentParams() {
  const p = new URLSearchParams();
  p.set("q", el.q.value.trim());
  if (el.type.value) p.set("type", el.type.value);
  if (el.year.value) p.set("year", el.year.value);
  if (el.validity.value) p.set("status", el.validity.value);
  return p;
}

export function submitSearch() {
  if (!el.q.value.trim()) { el.q.focus(); return; }
  const hash = "#tim?" + currentParams().toString();
  if (location.hash === hash) runSearch(currentParams(), true);
  else location.hash = hash;
}

function setBusy(busy) {
  el.btn.disabled = busy;
  el.btn.textContent = busy ? "Đang tìm…" : "Tìm";
  el.status.textContent = busy ? "Đang tìm…" : el.status.textContent;
  el.results.setAttribute("aria-busy", busy ? "true" : "false");
}

function filterBody(params) {
  const f = {};
  if (params.get("type")) f.type = params.get("type");
  if (params.get("year")) f.year = parseInt(params.get("year"), 10);
  if (params.get("status")) f.status = params.get("status");
  return Object.keys(f).length ? f : null;
}

function searchUrl(params, offset) {
  const p = new URLSearchParams();
  p.set("q", params.get("q"));
  p.set("k", String(PAGE));
  if (offset) p.set("offset", String(offset));
  if (params.get("type")) p.set("type", params.get("type"));
  if (params.get("year")) p.set("year", params.get("year"));
  if (params.get("status")) p.set("status", params.get("status"));
  return "/search?" + p.toString();
}

/** Dòng "Đang hỏi tiếp theo câu: …" và nút bắt đầu cuộc trò chuyện mới: chỉ khi máy chủ đã đọc câu hỏi
 * này cùng các câu trước (answer.followup); một câu hỏi đầy đủ thì không. */
export function renderConversation(used, previous) {
  el.conv.hidden = !used;
  el.convText.textContent = used && previous ? "Đang hỏi tiếp theo câu trước: “" + previous + "”" : "";
}

export function newConversation() {
  forget();
  search.lastKey = null;
  search.seq++;
  el.q.value = "";
  hideAnswer();
  el.passages.hidden = true;
  showError(el.error, "");
  el.status.textContent = "Đã bắt đầu cuộc trò chuyện mới.";
  el.examples.hidden = false;
  renderConversation(false);
  if (location.hash) history.pushState(null, "", location.pathname);
  el.q.focus();
}

export function runSearch(params, force) {
  const q = (params.get("q") || "").trim();
  const key = searchKey(params);
  el.q.value = q;
  setSelect(el.type, params.get("type") || "");
  setSelect(el.year, params.get("year") || "");
  el.validity.value = params.get("status") || "";
  if (!q) return;
  if (!force && key === search.lastKey) return;
  search.lastKey = key;
  $("tab-search").setAttribute("href", "#tim?" + params.toString());
  const seq = ++search.seq;
  search.terms = queryTerms(q);
  search.offset = 0;

  el.examples.hidden = true;
  showError(el.error, "");
  hideAnswer();
  el.passages.hidden = true;
  el.more.hidden = true;
  el.moreStatus.textContent = "";
  setBusy(true);

  const before = historyFor(q);
  const body = { question: q, history: before };
  const filters = filterBody(params);
  if (filters) body.filters = filters;
  Promise.allSettled([postJson("/ask", body), api(searchUrl(params, 0))]).then(([a, s]) => {
    if (seq !== search.seq) return;   // đã có lần tìm mới hơn
    setBusy(false);
    showResults(a, s);
    const answer = a.status === "fulfilled" ? a.value : null;
    if (answer && answer.mode !== "smalltalk") remember(q);
    renderConversation(Boolean(answer && answer.followup), before[before.length - 1]);
  });
}

function showResults(a, s) {
  let errors = [];
  const answer = a.status === "fulfilled" ? a.value : null;
  if (answer) renderAnswer(answer, search.terms);
  else errors.push("Không lấy được câu trả lời. " + errText(a.reason));

  if (answer && (answer.mode === "smalltalk" || answer.mode === "card")) {
    // lời chào, cảm ơn, thẻ văn bản: không kèm danh sách đoạn văn
    el.passages.hidden = true;
    showError(el.error, errors.join("\n"));
    el.status.textContent = "";
    return;
  }
  let results = s.status === "fulfilled" ? s.value.results : null;
  if (!results) {
    errors.push("Không tải được các đoạn liên quan. " + errText(s.reason));
    if (answer && answer.suggestions && answer.suggestions.length) results = answer.suggestions;
  }
  if (results) renderPassages(results, answer && !answer.found, s.status === "fulfilled");

  if (errors.length === 2) {
    const reasons = [errText(a.reason), errText(s.reason)].filter((r, i, all) => all.indexOf(r) === i);
    errors = ["Tìm kiếm không thành công. " + reasons.join(" ")];
  }
  showError(el.error, errors.join("\n"));
  el.status.textContent = errors.length === 2 ? "Tìm kiếm không thành công."
    : results && results.length ? "Đã tìm thấy " + results.length + (results.length >= PAGE ? "+" : "") +
      " đoạn liên quan." : "Không có đoạn nào khớp.";
}

function renderPassages(results, notFound, pageable) {
  el.passagesTitle.textContent = notFound ? "Có thể liên quan (không phải câu trả lời)" : "Các đoạn liên quan";
  el.list.replaceChildren();
  el.passages.hidden = false;           // visible first: appendPassages measures the text height
  appendPassages(results);
  search.offset = results.length;
  el.more.hidden = !pageable || results.length < PAGE;
  if (!results.length) el.list.appendChild(h("li", { className: "empty", text: "Không có đoạn nào khớp với bộ lọc đã chọn." }));
}

function clampToggle(text) {
  const toggle = h("button", { type: "button", className: "link-btn", "aria-expanded": "false", text: "Xem thêm" });
  toggle.addEventListener("click", () => {
    const open = text.classList.toggle("clamp") === false;
    toggle.textContent = open ? "Thu gọn" : "Xem thêm";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  return toggle;
}

function appendPassages(results) {
  const start = el.list.querySelectorAll("li.hit").length;
  results.forEach((r, i) => {
    const text = h("p", { className: "passage-text clamp" }, [highlight(r.text, search.terms)]);
    const item = h("li", { className: "hit", "data-doc-type": (r.doc && r.doc.doc_type) || "",
      "data-passage-id": r.passage_id }, [
      h("div", { className: "hit-head" }, [
        h("span", { className: "rank", text: String(start + i + 1), "aria-hidden": "true" }),
        h("a", { href: docHref(r.doc_id, r.section_id), className: "cite", text: r.citation })
      ]),
      h("p", { className: "meta", text: docMetaLine(r.doc || {}) }),
      text
    ]);
    el.list.appendChild(item);
    if (text.scrollHeight > text.clientHeight + 4) item.appendChild(clampToggle(text));
    else text.classList.remove("clamp");
  });
}

export function loadMore() {
  const params = new URLSearchParams(location.hash.replace(/^#tim\?/, ""));
  const seq = search.seq;
  el.more.disabled = true;
  el.more.textContent = "Đang tải…";
  el.moreStatus.textContent = "Đang tải thêm kết quả…";
  api(searchUrl(params, search.offset)).then((data) => {
    if (seq !== search.seq) return;
    const res = data.results || [];
    const firstNew = el.list.querySelectorAll("li.hit").length;
    appendPassages(res);
    search.offset += res.length;
    el.more.hidden = res.length < PAGE;
    el.moreStatus.textContent = res.length ? "Đã thêm " + res.length + " đoạn." : "Không còn kết quả nào khác.";
    const first = el.list.querySelectorAll("li.hit")[firstNew];
    if (first) first.querySelector("a").focus();
  }).catch((e) => {
    if (seq !== search.seq) return;
    el.moreStatus.textContent = "";
    showError(el.error, "Không tải được thêm kết quả. " + errText(e));
  }).then(() => {
    el.more.disabled = false;
    el.more.textContent = "Kết quả khác";
  });
}
