/* Sổ tay — trang tra cứu. JS thuần, không thư viện, không bước build.
 *
 * Định tuyến bằng hash:
 *   #  hoặc  #tim?q=…&type=…&year=…   hỏi đáp / tìm kiếm
 *   #docs                               danh sách văn bản
 *   #doc/{doc_id}[/{section_id}]        một văn bản, cuộn tới mục
 *
 * Mọi chữ lấy từ API đều được đưa vào trang bằng textContent / createElement, không dùng innerHTML.
 */
(function () {
  "use strict";

  var PAGE = 10;
  // Từ để hỏi / hư từ không tô sáng (đã bỏ dấu).
  var STOP = new Set(("la gi nao bao nhieu sao the nhu khong co cua va cac nhung duoc cho voi o ai dau " +
    "hay a vay thi ma de trong ra sao tai vi").split(" "));

  var $ = function (id) { return document.getElementById(id); };
  var el = {
    form: $("search-form"), q: $("q"), btn: $("search-btn"), type: $("f-type"), year: $("f-year"),
    examples: $("examples"), status: $("search-status"), error: $("search-error"),
    answer: $("answer"), answerBody: $("answer-body"),
    passages: $("passages"), passagesTitle: $("passages-title"), list: $("passage-list"),
    more: $("more-btn"), moreStatus: $("more-status"),
    docsStatus: $("docs-status"), docsError: $("docs-error"), docList: $("doc-list"),
    docStatus: $("doc-status"), docError: $("doc-error"), doc: $("doc"),
    docKind: $("doc-kind"), docTitle: $("doc-title"), docMeta: $("doc-meta"),
    outline: $("outline-list"), docBody: $("doc-body"), health: $("health")
  };

  var state = {
    docs: null,            // danh sách văn bản (GET /documents)
    docsPromise: null,
    docCache: new Map(),   // id → văn bản đầy đủ
    shownDoc: null,        // id văn bản đang hiển thị
    lastSearchKey: null,   // "q|type|year" của lần tìm gần nhất
    searchSeq: 0,
    terms: [],
    offset: 0,
    searchScroll: 0,
    view: "search"
  };

  // ---------- tiện ích ----------

  /** Bỏ dấu tiếng Việt, đ→d, chữ thường: "Chủ tịch CĐCS" → "chu tich cdcs". */
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase();
  }

  var WORD = /[\p{L}\p{N}]+/gu;

  /** Các từ của câu hỏi dùng để tô sáng: đã bỏ dấu, bỏ từ 1 chữ cái và từ để hỏi. */
  function queryTerms(q) {
    var out = new Set();
    (q.match(WORD) || []).forEach(function (w) {
      var f = fold(w);
      if (f.length > 1 && !STOP.has(f)) out.add(f);
    });
    return out;
  }

  /** Một DocumentFragment chứa text, các từ khớp (không phân biệt dấu, hoa/thường) được bọc trong <mark>. */
  function highlight(text, terms) {
    var frag = document.createDocumentFragment();
    if (!terms || terms.size === 0) { frag.appendChild(document.createTextNode(text)); return frag; }
    var last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      if (terms.has(fold(m[0]))) {
        if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
        var mark = document.createElement("mark");
        mark.textContent = m[0];
        frag.appendChild(mark);
        last = m.index + m[0].length;
      }
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function docHref(docId, sectionId) {
    return "#doc/" + encodeURIComponent(docId) + (sectionId ? "/" + encodeURIComponent(sectionId) : "");
  }

  function formatDate(d) {
    if (!d) return "";
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    return m ? m[3] + "/" + m[2] + "/" + m[1] : d;
  }

  function docMetaLine(doc) {
    var bits = [];
    if (doc.doc_type) bits.push(doc.doc_type);
    if (doc.number) bits.push("số " + doc.number);
    if (doc.date) bits.push("ngày " + formatDate(doc.date));
    if (doc.issuer) bits.push(doc.issuer);
    return bits.join(" · ");
  }

  /** Lỗi có thông điệp tiếng Việt: mất mạng, hoặc mã ≠ 2xx kèm "detail" của API. */
  function ApiError(message, status) { this.message = message; this.status = status; }

  function api(path, options) {
    return fetch(path, Object.assign({ headers: { "Accept": "application/json" } }, options || {}))
      .catch(function () {
        throw new ApiError("Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.", 0);
      })
      .then(function (res) {
        return res.text().then(function (body) {
          var data = null;
          try { data = body ? JSON.parse(body) : null; } catch (e) { data = null; }
          if (!res.ok) {
            var detail = data && data.detail;
            if (Array.isArray(detail)) detail = detail.map(function (d) { return d.msg || String(d); }).join("; ");
            if (typeof detail !== "string" || !detail) detail = res.statusText || "lỗi không rõ";
            throw new ApiError("Lỗi " + res.status + ": " + detail, res.status);
          }
          if (data === null) throw new ApiError("Máy chủ trả về dữ liệu không đọc được.", res.status);
          return data;
        });
      });
  }

  function showError(box, message) {
    box.textContent = message;
    box.hidden = !message;
  }

  function errText(e) { return (e && e.message) || String(e); }

  // ---------- danh sách văn bản & bộ lọc ----------

  function loadDocs() {
    if (!state.docsPromise) {
      state.docsPromise = api("/documents").then(function (docs) {
        state.docs = docs;
        fillFilters(docs);
        return docs;
      }).catch(function (e) { state.docsPromise = null; throw e; });
    }
    return state.docsPromise;
  }

  function fillFilters(docs) {
    var types = new Set(), years = new Set();
    docs.forEach(function (d) {
      if (d.doc_type) types.add(d.doc_type);
      if (d.date && /^\d{4}/.test(d.date)) years.add(d.date.slice(0, 4));
    });
    fillSelect(el.type, Array.from(types).sort(function (a, b) { return a.localeCompare(b, "vi"); }));
    fillSelect(el.year, Array.from(years).sort().reverse());
  }

  function fillSelect(select, values) {
    var keep = select.value || select.dataset.want || "";
    while (select.options.length > 1) select.remove(1);
    values.forEach(function (v) { select.appendChild(h("option", { value: v, text: v })); });
    if (keep && values.indexOf(keep) < 0) select.appendChild(h("option", { value: keep, text: keep }));
    select.value = keep;
  }

  function setSelect(select, value) {
    select.dataset.want = value || "";
    if (value && !Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.appendChild(h("option", { value: value, text: value }));
    }
    select.value = value || "";
  }

  function renderDocList() {
    showError(el.docsError, "");
    el.docsStatus.textContent = state.docs ? "" : "Đang tải danh sách văn bản…";
    loadDocs().then(function (docs) {
      el.docsStatus.textContent = docs.length ? docs.length + " văn bản" : "Chưa có văn bản nào được nạp.";
      el.docList.replaceChildren.apply(el.docList, docs.map(function (d) {
        return h("li", { className: "doc-item" }, [
          h("a", { href: docHref(d.id), className: "doc-link", text: d.name || d.title || d.id }),
          d.title && d.title !== d.name ? h("p", { className: "doc-sub", text: d.title }) : null,
          h("p", { className: "meta", text: docMetaLine(d) + (d.n_sections ? " · " + d.n_sections + " mục" : "") })
        ]);
      }));
    }).catch(function (e) {
      el.docsStatus.textContent = "";
      showError(el.docsError, "Không tải được danh sách văn bản. " + errText(e));
    });
  }

  // ---------- hỏi đáp ----------

  function currentParams() {
    var p = new URLSearchParams();
    p.set("q", el.q.value.trim());
    if (el.type.value) p.set("type", el.type.value);
    if (el.year.value) p.set("year", el.year.value);
    return p;
  }

  function submitSearch() {
    var q = el.q.value.trim();
    if (!q) { el.q.focus(); return; }
    var hash = "#tim?" + currentParams().toString();
    if (location.hash === hash) runSearch(currentParams(), true);
    else location.hash = hash;
  }

  function setBusy(busy) {
    el.btn.disabled = busy;
    el.btn.textContent = busy ? "Đang tìm…" : "Tìm";
    el.status.textContent = busy ? "Đang tìm…" : el.status.textContent;
    document.getElementById("results").setAttribute("aria-busy", busy ? "true" : "false");
  }

  function filterBody(params) {
    var f = {};
    if (params.get("type")) f.type = params.get("type");
    if (params.get("year")) f.year = parseInt(params.get("year"), 10);
    return Object.keys(f).length ? f : null;
  }

  function searchUrl(params, offset) {
    var p = new URLSearchParams();
    p.set("q", params.get("q"));
    p.set("k", String(PAGE));
    if (offset) p.set("offset", String(offset));
    if (params.get("type")) p.set("type", params.get("type"));
    if (params.get("year")) p.set("year", params.get("year"));
    return "/search?" + p.toString();
  }

  function runSearch(params, force) {
    var q = (params.get("q") || "").trim();
    var key = [q, params.get("type") || "", params.get("year") || ""].join("|");
    el.q.value = q;
    setSelect(el.type, params.get("type") || "");
    setSelect(el.year, params.get("year") || "");
    if (!q) return;
    if (!force && key === state.lastSearchKey) return;
    state.lastSearchKey = key;
    $("tab-search").setAttribute("href", "#tim?" + params.toString());
    var seq = ++state.searchSeq;
    state.terms = queryTerms(q);
    state.offset = 0;

    el.examples.hidden = true;
    showError(el.error, "");
    el.answer.hidden = true;
    el.passages.hidden = true;
    el.more.hidden = true;
    el.moreStatus.textContent = "";
    setBusy(true);

    var body = { question: q };
    var filters = filterBody(params);
    if (filters) body.filters = filters;
    var ask = api("/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    });
    var search = api(searchUrl(params, 0));

    Promise.allSettled([ask, search]).then(function (out) {
      if (seq !== state.searchSeq) return;   // đã có lần tìm mới hơn
      setBusy(false);
      var a = out[0], s = out[1], errors = [];
      var answer = a.status === "fulfilled" ? a.value : null;
      if (answer) renderAnswer(answer);
      else errors.push("Không lấy được câu trả lời. " + errText(a.reason));

      var results = s.status === "fulfilled" ? s.value.results : null;
      if (!results) {
        errors.push("Không tải được các đoạn liên quan. " + errText(s.reason));
        if (answer && answer.suggestions && answer.suggestions.length) results = answer.suggestions;
      }
      if (results) renderPassages(results, answer && !answer.found, s.status === "fulfilled");

      if (errors.length === 2) {
        var reasons = [errText(a.reason), errText(s.reason)].filter(function (r, i, all) { return all.indexOf(r) === i; });
        errors = ["Tìm kiếm không thành công. " + reasons.join(" ")];
      }
      showError(el.error, errors.join("\n"));
      el.status.textContent = errors.length === 2 ? "Tìm kiếm không thành công."
        : results && results.length ? "Đã tìm thấy " + results.length + (results.length >= PAGE ? "+" : "") +
          " đoạn liên quan." : "Không có đoạn nào khớp.";
    });
  }

  function renderAnswer(a) {
    el.answerBody.replaceChildren();
    el.answer.classList.toggle("not-found", !a.found);
    $("answer-title").textContent = a.found ? "Trả lời" : "Chưa tìm thấy câu trả lời";
    el.answerBody.appendChild(h("p", { className: "answer-text" }, [highlight(a.answer, a.found ? state.terms : null)]));
    if (a.citations && a.citations.length) {
      var list = h("ul", { className: "sources" });
      a.citations.forEach(function (c) {
        var context = h("details", { className: "context" }, [
          h("summary", { text: "Xem cả đoạn văn" }),
          h("p", { className: "passage-text" }, [highlight(c.text, state.terms)])
        ]);
        list.appendChild(h("li", null, [
          h("span", { className: "source-label", text: "Nguồn: " }),
          h("a", { href: docHref(c.doc_id, c.section_id), className: "cite", text: c.citation }),
          context
        ]));
      });
      el.answerBody.appendChild(list);
    }
    el.answer.hidden = false;
  }

  function renderPassages(results, notFound, pageable) {
    el.passagesTitle.textContent = notFound ? "Các đoạn gần nhất" : "Các đoạn liên quan";
    el.list.replaceChildren();
    el.passages.hidden = false;           // visible first: appendPassages measures the text height
    appendPassages(results);
    state.offset = results.length;
    el.more.hidden = !pageable || results.length < PAGE;
    if (!results.length) el.list.appendChild(h("li", { className: "empty", text: "Không có đoạn nào khớp với bộ lọc đã chọn." }));
  }

  function appendPassages(results) {
    var start = el.list.querySelectorAll("li.hit").length;
    results.forEach(function (r, i) {
      var text = h("p", { className: "passage-text clamp" }, [highlight(r.text, state.terms)]);
      var item = h("li", { className: "hit", "data-doc-type": (r.doc && r.doc.doc_type) || "",
        "data-passage-id": r.passage_id }, [
        h("div", { className: "hit-head" }, [
          h("span", { className: "rank", text: String(start + i + 1), "aria-hidden": "true" }),
          h("a", { href: docHref(r.doc_id, r.section_id), className: "cite", text: r.citation })
        ]),
        h("p", { className: "meta", text: docMetaLine(r.doc || {}) }),
        text
      ]);
      el.list.appendChild(item);
      if (text.scrollHeight > text.clientHeight + 4) {
        var toggle = h("button", { type: "button", className: "link-btn", "aria-expanded": "false", text: "Xem thêm" });
        toggle.addEventListener("click", function () {
          var open = text.classList.toggle("clamp") === false;
          toggle.textContent = open ? "Thu gọn" : "Xem thêm";
          toggle.setAttribute("aria-expanded", open ? "true" : "false");
        });
        item.appendChild(toggle);
      } else {
        text.classList.remove("clamp");
      }
    });
  }

  function loadMore() {
    var params = new URLSearchParams(location.hash.replace(/^#tim\?/, ""));
    var seq = state.searchSeq;
    el.more.disabled = true;
    el.more.textContent = "Đang tải…";
    el.moreStatus.textContent = "Đang tải thêm kết quả…";
    api(searchUrl(params, state.offset)).then(function (data) {
      if (seq !== state.searchSeq) return;
      var res = data.results || [];
      var firstNew = el.list.querySelectorAll("li.hit").length;
      appendPassages(res);
      state.offset += res.length;
      el.more.hidden = res.length < PAGE;
      el.moreStatus.textContent = res.length ? "Đã thêm " + res.length + " đoạn." : "Không còn kết quả nào khác.";
      var first = el.list.querySelectorAll("li.hit")[firstNew];
      if (first) first.querySelector("a").focus();
    }).catch(function (e) {
      if (seq !== state.searchSeq) return;
      el.moreStatus.textContent = "";
      showError(el.error, "Không tải được thêm kết quả. " + errText(e));
    }).then(function () {
      el.more.disabled = false;
      el.more.textContent = "Kết quả khác";
    });
  }

  // ---------- một văn bản ----------

  function headingTag(level) { return "h" + Math.min(6, Math.max(2, level + 1)); }

  function sectionAnchor(id) { return "sec-" + id; }

  function openDoc(docId, sectionId) {
    if (state.shownDoc === docId) { gotoSection(sectionId); return; }
    showError(el.docError, "");
    el.doc.hidden = true;
    el.docStatus.textContent = "Đang mở văn bản…";
    var seq = ++state.docSeq;
    var p = state.docCache.has(docId) ? Promise.resolve(state.docCache.get(docId))
      : api("/documents/" + encodeURIComponent(docId));
    p.then(function (doc) {
      if (seq !== state.docSeq) return;
      state.docCache.set(docId, doc);
      renderDoc(doc);
      state.shownDoc = docId;
      el.docStatus.textContent = "";
      document.title = (doc.name || doc.title || "Văn bản") + " — Sổ tay";
      gotoSection(sectionId);
    }).catch(function (e) {
      if (seq !== state.docSeq) return;
      el.docStatus.textContent = "";
      showError(el.docError, "Không mở được văn bản. " + errText(e));
    });
  }
  state.docSeq = 0;

  function renderDoc(doc) {
    el.docKind.textContent = [doc.doc_type, doc.number ? "số " + doc.number : ""].filter(Boolean).join(" · ");
    el.docTitle.textContent = doc.name || doc.title || doc.id;
    var meta = [
      ["Trích yếu", doc.title && doc.title !== doc.name ? doc.title : ""],
      ["Ngày ban hành", formatDate(doc.date)],
      ["Nơi ban hành", doc.place],
      ["Cơ quan ban hành", doc.issuer],
      ["Người ký", doc.signer],
      ["Nơi nhận", (doc.recipients || []).join("; ")],
      ["Tệp gốc", doc.source]
    ];
    el.docMeta.replaceChildren();
    meta.forEach(function (m) {
      if (!m[1]) return;
      el.docMeta.appendChild(h("div", null, [h("dt", { text: m[0] }), h("dd", { text: m[1] })]));
    });

    var minLevel = Math.min.apply(null, doc.sections.map(function (s) { return s.level; }).concat([9]));
    el.outline.replaceChildren();
    el.docBody.replaceChildren();
    doc.sections.forEach(function (s) {
      var depth = Math.max(0, s.level - Math.max(minLevel, 1));
      var link = h("a", { href: docHref(doc.id, s.id), text: s.heading || s.id, "data-section": s.id });
      el.outline.appendChild(h("li", { className: "lvl-" + Math.min(depth, 4) }, [link]));

      var heading = s.heading || s.id, text = s.text || "";
      // Tiêu đề bị cắt ("… nghiệp vụ…") là dòng đầu của đoạn văn: hiện đầy đủ một lần.
      if (/…$/.test(heading) && text.indexOf(heading.slice(0, -1)) === 0) {
        var nl = text.indexOf("\n");
        heading = nl < 0 ? text : text.slice(0, nl);
        text = nl < 0 ? "" : text.slice(nl + 1);
      }
      var sec = h("section", { id: sectionAnchor(s.id), className: "sec kind-" + s.kind + " lvl-" + Math.min(depth, 4),
        tabindex: "-1", "aria-label": heading }, [h(headingTag(Math.min(depth + 1, 5)), { className: "sec-title", text: heading })]);
      if (text.trim()) sec.appendChild(h("p", { className: "sec-text", text: text }));
      if (s.footnotes && s.footnotes.length) {
        sec.appendChild(h("aside", { className: "footnotes", "aria-label": "Chú thích" }, [
          h("p", { className: "fn-title", text: "Chú thích" }),
          h("ul", null, s.footnotes.map(function (f) { return h("li", { text: f }); }))
        ]));
      }
      el.docBody.appendChild(sec);
    });
    el.doc.hidden = false;
  }

  function gotoSection(sectionId) {
    var prev = el.docBody.querySelector(".is-target");
    if (prev) prev.classList.remove("is-target");
    el.outline.querySelectorAll("a[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
    if (!sectionId) { window.scrollTo(0, 0); return; }
    var target = document.getElementById(sectionAnchor(sectionId));
    if (!target) {
      showError(el.docError, "Không thấy mục “" + sectionId + "” trong văn bản này.");
      return;
    }
    showError(el.docError, "");
    target.classList.add("is-target");
    el.outline.querySelectorAll("a[data-section]").forEach(function (a) {
      if (a.getAttribute("data-section") === sectionId) a.setAttribute("aria-current", "location");
    });
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  }

  // ---------- định tuyến ----------

  function show(view) {
    if (state.view === "search" && view !== "search") state.searchScroll = window.scrollY;
    ["search", "docs", "doc"].forEach(function (v) { $("view-" + v).hidden = v !== view; });
    setCurrent($("tab-search"), view === "search");
    setCurrent($("tab-docs"), view === "docs" || view === "doc");
    var was = state.view;
    state.view = view;
    if (view !== "doc") document.title = "Sổ tay — Tra cứu văn bản Công đoàn";
    return was;
  }

  function setCurrent(link, on) {
    if (on) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }

  function route() {
    var hash = location.hash.replace(/^#/, "");
    if (hash === "docs") {
      show("docs");
      window.scrollTo(0, 0);
      renderDocList();
    } else if (hash.indexOf("doc/") === 0) {
      var parts = hash.slice(4).split("/");
      var docId = decodeURIComponent(parts[0] || "");
      var sectionId = parts.length > 1 ? decodeURIComponent(parts.slice(1).join("/")) : "";
      show("doc");
      openDoc(docId, sectionId);
    } else {
      var was = show("search");
      var params = new URLSearchParams(hash.indexOf("tim?") === 0 ? hash.slice(4) : "");
      var key = [(params.get("q") || "").trim(), params.get("type") || "", params.get("year") || ""].join("|");
      if (params.get("q") && key !== state.lastSearchKey) runSearch(params);
      else if (was !== "search") window.scrollTo(0, state.searchScroll);
      if (!params.get("q")) el.examples.hidden = state.lastSearchKey !== null;
    }
  }

  // ---------- sự kiện ----------

  el.form.addEventListener("submit", function (ev) { ev.preventDefault(); submitSearch(); });
  [el.type, el.year].forEach(function (s) {
    s.addEventListener("change", function () {
      s.dataset.want = s.value;
      if (el.q.value.trim()) submitSearch();
    });
  });
  el.more.addEventListener("click", loadMore);
  el.examples.addEventListener("click", function (ev) {
    var chip = ev.target.closest(".chip");
    if (!chip) return;
    el.q.value = chip.textContent;
    submitSearch();
  });
  window.addEventListener("hashchange", route);

  api("/health").then(function (hs) {
    el.health.textContent = "Đang có " + hs.documents + " văn bản, " + hs.passages + " đoạn đã lập chỉ mục.";
  }).catch(function (e) {
    el.health.textContent = "Chưa kết nối được máy chủ: " + errText(e);
  });
  loadDocs().catch(function () { /* hiện lỗi khi mở trang Văn bản */ });
  route();
})();
