"""Scanned seeds, measured: render each seed to an image-only PDF (300 dpi, light noise, slight rotation),
OCR it, compare the text and the header facts with the original, then ingest the scans alone into a
fresh index and score the dev set on it beside the text seeds.

    python scripts/ocr_bench.py [--out /tmp/ocr-bench] [--dpi 300]

Prints a table and writes OUT/ocr-bench.json. On demand, not part of make test (about a minute a page
of OCR on a busy 2-core machine... see the README for the last run).
"""
from __future__ import annotations

import argparse
import difflib
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from score import SHARED, ingest, serve_and_score  # noqa: E402

from ingest.parse import parse_document  # noqa: E402
from ingest.readers import extract, read_text  # noqa: E402
from tests.ingest.scans import image_pdf, render_pages  # noqa: E402


def similarity(a: str, b: str) -> float:
    """Character similarity of two texts with whitespace folded (difflib ratio, line by line blocks)."""
    a, b = " ".join(a.split()), " ".join(b.split())
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="/tmp/ocr-bench")
    p.add_argument("--dpi", type=int, default=300)
    args = p.parse_args()
    out = Path(args.out)
    scans = out / "scans"
    shutil.rmtree(out, ignore_errors=True)
    scans.mkdir(parents=True)
    rows = []
    for i, seed in enumerate(sorted((ROOT / "corpus").glob("*.txt"))):
        text = read_text(seed)
        pages = render_pages(text, dpi=args.dpi, seed=i)
        pdf = scans / (seed.stem + ".pdf")
        pdf.write_bytes(image_pdf(pages, dpi=args.dpi))
        started = time.perf_counter()
        found = extract(pdf.read_bytes(), pdf.name)
        seconds = time.perf_counter() - started
        original, scanned = parse_document(text, seed.name).meta, parse_document(found.text, pdf.name).meta
        facts = {k: (getattr(original, k), getattr(scanned, k)) for k in ("number", "date", "doc_type")}
        rows.append({"document": seed.name, "pages": len(pages), "ocr_s_per_page": round(seconds / len(pages), 1),
                     "char_similarity": round(similarity(text, found.text), 4),
                     "confidence": found.ocr_confidence,
                     "header_facts_kept": all(a == b for a, b in facts.values()), "facts": facts})
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    questions = SHARED / "eval/dev.jsonl"
    ingest(out / "data-text", [ROOT / "corpus"])
    text_eval = serve_and_score(out / "data-text", questions)
    ingest(out / "data-scan", [scans])
    scan_eval = serve_and_score(out / "data-scan", questions)
    print("\n| document | pages | OCR s/page | char similarity | confidence | header facts |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['document']} | {r['pages']} | {r['ocr_s_per_page']} | {r['char_similarity']:.3f} "
              f"| {r['confidence']} | {'yes' if r['header_facts_kept'] else r['facts']} |")
    print(f"\ntext seeds: {text_eval}\nscanned seeds: {scan_eval}")
    (out / "ocr-bench.json").write_text(json.dumps({"documents": rows, "text": text_eval, "scan": scan_eval},
                                                   ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
