/* "Chỉ tiêu": bảng GET /targets (đối tượng, giá trị kèm "trên / phấn đấu / trở lên", thời hạn, kết quả báo cáo,
 * nguồn). Lọc theo chủ đề do máy chủ làm (/targets?topic=, không phân biệt dấu — cùng cách lọc của CLI và bot);
 * sắp xếp theo cột làm ngay trên trang, bấm lần nữa để đảo chiều. */
import { $, h, showError, errText, docHref } from "./dom.js";
import { api } from "./api.js";

const FILTER_DELAY_MS = 300;   // gõ liền tay thì chỉ hỏi máy chủ một lần
const el = {
  form: $("targets-form"), topic: $("t-topic"), btn: $("targets-btn"), csv: $("t-csv"),
  status: $("targets-status"), error: $("targets-error"), table: $("targets-table"), body: $("targets-body"),
  heads: Array.from(document.querySelectorAll("#targets-table th[data-key]"))
};
const state = { rows: [], total: null, topic: null, seq: 0, sort: null, dir: 1, timer: 0 };

/** Số đầu tiên của giá trị, đọc theo cách viết Việt Nam: "24.500" → 24500, "từ 1,5 đến 2" → 1.5, "01" → 1. */
export function valueNumber(value) {
  const m = /\d[\d.,]*/.exec(value || "");
  if (!m) return NaN;
  let s = m[0].replace(/[.,]+$/, "");
  if (/^\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, "");
  else s = s.replace(",", ".");
  return parseFloat(s);
}

const text = (a, b) => a.localeCompare(b, "vi", { sensitivity: "base" });
// giá trị khác đơn vị không so như một số (24.500 đoàn viên không "lớn hơn" 100%): tỷ lệ trước, rồi bội số, rồi số lượng
const UNITS = { "%": 0, "lần": 1, "số": 2 };
const unitOf = (r) => r.unit || (/%/.test(r.value || "") ? "%" : "số");
// mỗi cột: giá trị để so (rỗng / NaN luôn xuống cuối) và cách so
const COLUMNS = {
  subject: { of: (r) => r.subject, cmp: text },
  value: { of: (r) => { const n = valueNumber(r.value); return isNaN(n) ? NaN : [UNITS[unitOf(r)] ?? 3, n]; },
    cmp: (a, b) => a[0] - b[0] || a[1] - b[1] },
  period: { of: (r) => r.period, cmp: text },
  verdict: { of: (r) => r.verdict, cmp: text },
  source: { of: (r) => r.date || "", cmp: text }
};

const blank = (v) => v === "" || v === null || v === undefined || (typeof v === "number" && isNaN(v));

function sorted(rows) {
  const col = COLUMNS[state.sort];
  const indexed = rows.map((r, i) => ({ r, i, v: col ? col.of(r) : 0 }));
  if (col) {
    indexed.sort((a, b) => {
      if (blank(a.v) || blank(b.v)) return (blank(a.v) - blank(b.v)) || a.i - b.i;
      return state.dir * col.cmp(a.v, b.v) || a.i - b.i;
    });
  }
  return indexed.map((x) => x.r);
}

// trên điện thoại mỗi dòng thành một thẻ, mỗi ô ghi tên cột của nó (style.css, data-label)
function row(r) {
  return h("tr", { "data-doc-id": r.doc_id, "data-unit": unitOf(r) }, [
    h("td", { className: "t-subject", "data-label": "Đối tượng" }, [
      r.subject,
      h("details", { className: "t-line" }, [h("summary", { text: "Nguyên văn" }), h("p", { text: r.text })])
    ]),
    h("td", { className: "t-value", "data-label": "Giá trị", text: r.stated }),
    h("td", { className: "t-period", "data-label": "Thời hạn", text: r.period }),
    h("td", { className: "t-verdict", "data-label": "Kết quả" }, [
      r.verdict,
      r.verdict_source ? h("span", { className: "meta t-verdict-source", text: "theo " + r.verdict_source }) : null
    ]),
    h("td", { className: "t-source", "data-label": "Nguồn" }, [
      h("a", { href: docHref(r.doc_id, r.section_id), className: "cite", text: r.citation }),
      r.heading ? h("span", { className: "meta t-heading", text: r.heading }) : null
    ])
  ]);
}

function renderRows() {
  el.body.replaceChildren(...sorted(state.rows).map(row));
  el.heads.forEach((th) => {
    const on = th.dataset.key === state.sort;
    if (on) th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  });
}

function sortBy(key) {
  if (state.sort === key) state.dir = -state.dir;
  else { state.sort = key; state.dir = 1; }
  renderRows();
}

function csvHref(topic) {
  return "/targets?" + new URLSearchParams(topic ? { topic: topic, format: "csv" } : { format: "csv" }).toString();
}

/** Tải bảng (cả bảng, hoặc theo chủ đề) — bỏ qua khi đúng chủ đề ấy đã hiện. */
export function loadTargets(topic) {
  topic = (topic || "").trim();
  el.topic.value = topic;
  el.csv.setAttribute("href", csvHref(topic));
  if (topic === state.topic) return;
  state.topic = topic;
  const seq = ++state.seq;
  showError(el.error, "");
  el.status.textContent = "Đang tải bảng chỉ tiêu…";
  api("/targets" + (topic ? "?" + new URLSearchParams({ topic: topic }).toString() : "")).then((data) => {
    if (seq !== state.seq) return;
    state.rows = data.targets || [];
    if (!topic) state.total = state.rows.length;
    renderRows();
    el.table.hidden = state.rows.length === 0;
    el.status.textContent = !topic ? state.rows.length + " chỉ tiêu trong các văn bản."
      : state.rows.length ? state.rows.length + " chỉ tiêu về “" + topic + "”" +
        (state.total !== null ? " (trên tổng số " + state.total + ")." : ".")
        : "Không có chỉ tiêu nào về “" + topic + "”.";
  }).catch((e) => {
    if (seq !== state.seq) return;
    state.topic = null;
    el.status.textContent = "";
    showError(el.error, "Không tải được bảng chỉ tiêu. " + errText(e));
  });
}

/** Lọc theo ô chủ đề; địa chỉ trang giữ chủ đề (#chitieu?topic=…) để gửi cho người khác. */
function applyFilter() {
  clearTimeout(state.timer);
  const topic = el.topic.value.trim();
  history.replaceState(null, "", topic ? "#chitieu?" + new URLSearchParams({ topic: topic }).toString() : "#chitieu");
  $("tab-targets").setAttribute("href", location.hash);
  loadTargets(topic);
}

el.heads.forEach((th) => th.querySelector("button").addEventListener("click", () => sortBy(th.dataset.key)));
el.form.addEventListener("submit", (ev) => { ev.preventDefault(); applyFilter(); });
el.topic.addEventListener("input", () => {
  clearTimeout(state.timer);
  state.timer = setTimeout(applyFilter, FILTER_DELAY_MS);
});
