/* Tô sáng cụm từ của câu hỏi trong đoạn văn: cặp âm tiết trở lên, không phân biệt dấu và hoa/thường.
 * Một âm tiết đứng riêng (công, đoàn, cán, bộ) quá phổ biến nên không tô; chỉ tô riêng chữ viết tắt
 * (CĐCS, LĐLĐ, BHXH — không có nguyên âm) và con số (2030). */
import { fold } from "./dom.js";

// Từ để hỏi / hư từ (đã bỏ dấu): ngắt cụm, không bao giờ nằm trong cụm được tô.
const STOP = new Set(("la gi nao bao nhieu sao the nhu khong co cua va cac nhung duoc cho voi o ai dau " +
  "hay a vay thi ma de trong ra sao tai vi").split(" "));
const WORD = /[\p{L}\p{N}]+/gu;
const GAP = /^[^\S\n]+$/;          // giữa hai âm tiết của một cụm: chỉ khoảng trắng, không xuống dòng
const MAX_PHRASE = 8;              // cụm dài nhất được so (âm tiết); câu hỏi tối đa 500 ký tự

function distinctive(f) {
  return (/\d/.test(f) && f.length >= 2) || (f.length >= 3 && !/[aeiouy]/.test(f));
}

/** Cụm từ của câu hỏi: mọi dãy liên tiếp ≥ 2 âm tiết không chứa từ để hỏi, cùng các chữ viết tắt / số. */
export function queryTerms(q) {
  const phrases = new Set(), singles = new Set();
  let run = [];
  const flush = () => {
    for (let i = 0; i < run.length; i++) {
      for (let n = 2; n <= Math.min(MAX_PHRASE, run.length - i); n++) phrases.add(run.slice(i, i + n).join(" "));
    }
    run = [];
  };
  (q.match(WORD) || []).forEach((w) => {
    const f = fold(w);
    if (distinctive(f)) singles.add(f);
    if (f.length < 2 && !/\d/.test(f) || STOP.has(f)) flush();
    else run.push(f);
  });
  flush();
  return { phrases, singles, size: phrases.size + singles.size };
}

function tokens(text) {
  const out = [];
  let m;
  WORD.lastIndex = 0;
  while ((m = WORD.exec(text)) !== null) out.push({ start: m.index, end: m.index + m[0].length, f: fold(m[0]) });
  return out;
}

/** Số âm tiết của cụm dài nhất bắt đầu ở toks[i] có trong câu hỏi (0 nếu không có). */
function matchAt(text, toks, i, terms) {
  let key = toks[i].f, best = terms.singles.has(key) ? 1 : 0;
  for (let j = i + 1; j < toks.length && j - i < MAX_PHRASE; j++) {
    if (!GAP.test(text.slice(toks[j - 1].end, toks[j].start))) break;
    key += " " + toks[j].f;
    if (terms.phrases.has(key)) best = j - i + 1;
  }
  return best;
}

/** Một DocumentFragment chứa text, các cụm khớp được bọc trong <mark>. */
export function highlight(text, terms) {
  const frag = document.createDocumentFragment();
  if (!terms || terms.size === 0) { frag.appendChild(document.createTextNode(text)); return frag; }
  const toks = tokens(text);
  let last = 0;
  for (let i = 0; i < toks.length; i++) {
    const n = matchAt(text, toks, i, terms);
    if (!n) continue;
    const start = toks[i].start, end = toks[i + n - 1].end;
    if (start > last) frag.appendChild(document.createTextNode(text.slice(last, start)));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    frag.appendChild(mark);
    last = end;
    i += n - 1;
  }
  if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
  return frag;
}
