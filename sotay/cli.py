"""The `sotay` command: ingest, inspect, search, serve, bot. Domain errors become one line + exit code."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from core import redact
from core.errors import SotayError
from core.settings import Settings

log = logging.getLogger("sotay")


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from index.build import Indexer, IngestReport, collect
    from index.embed import EmbeddingCache, load_embedder
    from index.search import Searcher
    from index.store import Store

    files = collect([Path(p) for p in args.paths])
    if not files:
        print("Không có tệp nào để nạp.", file=sys.stderr)
        return 2
    embedder = load_embedder(settings.embed_model)
    store = Store(settings, embedder.name)
    indexer = Indexer(store, embedder, EmbeddingCache(settings.cache_dir))
    report = IngestReport()
    started = time.perf_counter()
    for path in tqdm(files, desc="Nạp văn bản", unit="tệp", disable=args.quiet):
        result = indexer.add_file(path)
        report.results.append(result)
        if result.status == "failed":
            tqdm.write(f"LỖI {result.error}", file=sys.stderr)
    Searcher(store, embedder, settings.data_dir)   # rebuilds and saves the BM25 leg once
    s = report.summary()
    print(f"Đã nạp: {s['added']} mới, {s['updated']} cập nhật, {s['unchanged']} không đổi, "
          f"{s['failed']} lỗi — {store.document_count()} văn bản, {store.passage_count()} đoạn, "
          f"{time.perf_counter() - started:.1f} giây")
    return 1 if s["failed"] else 0


def cmd_inspect(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.parse import parse_document
    from ingest.passages import build_passages
    from ingest.readers import read_text

    status = 0
    for name in args.files:
        path = Path(name)
        try:
            doc = parse_document(read_text(path), path.name)
        except SotayError as e:
            print(f"LỖI {e}", file=sys.stderr)
            status = 1
            continue
        passages = build_passages(doc)
        if args.json:
            print(json.dumps({**doc.to_dict(), "passages": len(passages)}, ensure_ascii=False, indent=1))
            continue
        m = doc.meta
        print(f"# {doc.name}\n  id: {doc.id}\n  loại: {m.doc_type}  số: {m.number}  ngày: {m.date}  nơi: {m.place}")
        print(f"  cơ quan: {m.issuer}  người ký: {m.signer}\n  trích yếu: {m.title}")
        print(f"  nơi nhận: {'; '.join(m.recipients) or None}")
        print(f"  {len(doc.sections)} mục, {len(passages)} đoạn trích")
        for s in doc.sections:
            notes = f"  [{len(s.footnotes)} chú thích]" if s.footnotes else ""
            print(f"  {'  ' * s.level}{s.id}  {s.heading[:90]}{notes}")
    return status


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from answer.engine import Engine
    from index.records import Filters

    engine = open_engine(Engine, settings)
    hits = engine.search(args.query, k=args.k, filters=Filters(doc_type=args.type, year=args.year))
    if args.json:
        print(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=1, default=list))
        return 0
    if not hits:
        print("Không tìm thấy đoạn nào.")
    for rank, h in enumerate(hits, 1):
        print(f"{rank}. [{h.score:.3f}] {h.citation}\n   {h.text[:300].replace(chr(10), ' ')}\n")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.main import create_app

    from api.middleware import VietnameseH11

    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info", http=VietnameseH11)
    return 0


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import run_polling

    if not settings.telegram_token:
        raise SotayError("Chưa đặt SOTAY_TELEGRAM_TOKEN")
    run_polling(settings)
    return 0


def open_engine(engine_class, settings: Settings):
    """Engine.open, with a data dir that cannot be used (file in the way, unreadable, read-only,
    foreign index files) reported as one clear line instead of a traceback."""
    try:
        return engine_class.open(settings)
    except SotayError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        log.debug("engine open failed", exc_info=exc)
        raise SotayError(f"không mở được thư mục dữ liệu {settings.data_dir} ({type(exc).__name__}: {exc}). "
                         "Kiểm tra quyền ghi, tệp nằm chắn đường dẫn, hoặc xóa chỉ mục để nạp lại.") from exc


def positive(text: str) -> int:
    """argparse type: a whole number ≥ 1 (`--k -1` used to print all results but one)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"cần một số nguyên ≥ 1, nhận được {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"cần một số nguyên ≥ 1, nhận được {value}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sotay", description="Sổ tay — trợ lý văn bản Công đoàn")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("ingest", help="nạp tệp hoặc thư mục vào chỉ mục")
    s.add_argument("paths", nargs="+")
    s.add_argument("-q", "--quiet", action="store_true")
    s = sub.add_parser("inspect", help="xem siêu dữ liệu và cây mục của một tệp")
    s.add_argument("files", nargs="+")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("search", help="tìm đoạn văn bản")
    s.add_argument("query")
    s.add_argument("--k", type=positive, default=10)
    s.add_argument("--json", action="store_true")
    s.add_argument("--type")
    s.add_argument("--year", type=int)
    s = sub.add_parser("serve", help="chạy API và trang web")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    sub.add_parser("bot", help="chạy bot Telegram (long polling)")
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "chromadb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    handler = {"ingest": cmd_ingest, "inspect": cmd_inspect, "search": cmd_search, "serve": cmd_serve,
               "bot": cmd_bot}[args.command]
    try:
        settings = Settings()
        redact.install(settings)
        return handler(args, settings)
    except SotayError as e:
        print(f"Lỗi: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
