/* Sổ tay — trang tra cứu. ES module, không thư viện, không bước build, không script nội tuyến.
 *
 * Định tuyến bằng hash:
 *   #  hoặc  #tim?q=…&type=…&year=…   hỏi đáp / tìm kiếm
 *   #hoso[?topic=…&type=…&year=…]       hồ sơ chủ đề (cho giảng viên)
 *   #chitieu[?topic=…]                  bảng chỉ tiêu
 *   #docs                               danh sách văn bản
 *   #them                               thêm văn bản (cán bộ quản trị)
 *   #doc/{doc_id}[/{section_id}]        một văn bản, cuộn tới mục
 */
import { $, errText } from "./dom.js";
import { api } from "./api.js";
import { loadDocs, renderDocList, openDoc, initDocs } from "./documents.js";
import { search, searchKey, runSearch, submitSearch, loadMore, newConversation, renderConversation } from "./search.js";
import { initUpload } from "./upload.js";
import { prefill, runDossier } from "./dossier.js";
import { loadTargets } from "./targets.js";

const VIEWS = ["search", "dossier", "targets", "docs", "doc", "upload"];
const TITLE = "Sổ tay — Tra cứu văn bản Công đoàn";
const nav = { view: "search", searchScroll: 0 };

function setCurrent(link, on) {
  if (on) link.setAttribute("aria-current", "page");
  else link.removeAttribute("aria-current");
}

function show(view) {
  if (nav.view === "search" && view !== "search") nav.searchScroll = window.scrollY;
  VIEWS.forEach((v) => { $("view-" + v).hidden = v !== view; });
  setCurrent($("tab-search"), view === "search");
  setCurrent($("tab-dossier"), view === "dossier");
  setCurrent($("tab-targets"), view === "targets");
  setCurrent($("tab-docs"), view === "docs" || view === "doc");
  setCurrent($("tab-upload"), view === "upload");
  const was = nav.view;
  nav.view = view;
  if (view !== "doc") document.title = TITLE;
  return was;
}

function route() {
  const hash = location.hash.replace(/^#/, "");
  if (hash === "docs") {
    show("docs");
    window.scrollTo(0, 0);
    renderDocList();
  } else if (hash === "hoso" || hash.indexOf("hoso?") === 0) {
    show("dossier");
    const params = new URLSearchParams(hash.slice(5));
    if (params.get("topic")) runDossier(params);
    else prefill($("q").value.trim(), $("f-type").value, $("f-year").value);
  } else if (hash === "chitieu" || hash.indexOf("chitieu?") === 0) {
    show("targets");
    loadTargets(new URLSearchParams(hash.slice(8)).get("topic") || "");
  } else if (hash === "them") {
    show("upload");
    window.scrollTo(0, 0);
  } else if (hash.indexOf("doc/") === 0) {
    const parts = hash.slice(4).split("/");
    show("doc");
    openDoc(decodeURIComponent(parts[0] || ""), parts.length > 1 ? decodeURIComponent(parts.slice(1).join("/")) : "");
  } else {
    const was = show("search");
    const params = new URLSearchParams(hash.indexOf("tim?") === 0 ? hash.slice(4) : "");
    if (params.get("q") && searchKey(params) !== search.lastKey) runSearch(params);
    else if (was !== "search") window.scrollTo(0, nav.searchScroll);
    if (!params.get("q")) $("examples").hidden = search.lastKey !== null;
  }
}

$("search-form").addEventListener("submit", (ev) => { ev.preventDefault(); submitSearch(); });
[$("f-type"), $("f-year"), $("f-status")].forEach((s) => {
  s.addEventListener("change", () => {
    s.dataset.want = s.value;
    if ($("q").value.trim()) submitSearch();
  });
});
$("more-btn").addEventListener("click", loadMore);
$("new-chat").addEventListener("click", newConversation);
$("examples").addEventListener("click", (ev) => {
  const chip = ev.target.closest(".chip");
  if (!chip) return;
  $("q").value = chip.textContent;
  submitSearch();
});
window.addEventListener("hashchange", route);

function showHealth() {
  api("/health").then((hs) => {
    $("health").textContent = "Đang có " + hs.documents + " văn bản, " + hs.passages + " đoạn đã lập chỉ mục.";
  }).catch((e) => {
    $("health").textContent = "Chưa kết nối được máy chủ: " + errText(e);
  });
}

document.addEventListener("sotay:docs", showHealth);   // sau khi thêm / xóa văn bản
showHealth();
loadDocs().catch(() => { /* hiện lỗi khi mở trang Văn bản */ });
initUpload();
initDocs();
renderConversation();
route();
