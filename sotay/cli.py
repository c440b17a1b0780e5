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
from sotay.edit import add_command as add_edit
from sotay.edit import cmd_edit
from sotay.opening import open_engine

log = logging.getLogger("sotay")


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Every file is searchable by words as soon as it is read; embeddings follow with a progress bar,
    and an interrupted run resumes where it stopped (already embedded texts come from the cache)."""
    from tqdm import tqdm

    from index.build import FileResult, IngestReport, collect, skipped
    from service.engine import Engine

    paths = [Path(p) for p in args.paths]
    files = collect(paths)
    if not files:
        print("Không có tệp nào để nạp.", file=sys.stderr)
        return 2
    vectors: list[tqdm] = []   # the second bar opens once words are indexed and embedding starts

    def said(result: FileResult) -> None:
        if result.status in ("failed", "updated", "similar") or args.verbose:
            tqdm.write(result.describe(), file=sys.stderr)

    def embedded(done: int, total: int) -> None:
        if not vectors:
            vectors.append(tqdm(desc="Tính vector", unit="đoạn", total=total, disable=args.quiet))
        vectors[0].update(done - vectors[0].n)

    started = time.perf_counter()
    with open_engine(Engine, settings, watch=False) as engine:
        files_bar = tqdm(files, desc="Nạp văn bản", unit="tệp", disable=args.quiet)
        report = IngestReport(engine.add_files(files_bar, said, embedded, embed=not args.words_only))
    for bar in vectors:
        bar.close()
    left_out = skipped(paths)
    if left_out:
        print(f"Bỏ qua {len(left_out)} tệp:", file=sys.stderr)
        for path, reason in left_out:
            print(f"  {path}: {reason}", file=sys.stderr)
    missing = engine.missing_vectors() if args.words_only else 0
    if missing:
        print(f"Chưa tính vector cho {missing} đoạn: chạy lại lệnh không có --words-only, "
              "hoặc để máy chủ (sotay serve) tính dần.", file=sys.stderr)
    s = report.summary()
    similar = f", {s['similar']} có vẻ là văn bản đã có (chưa nạp)" if s["similar"] else ""
    print(f"Đã nạp: {s['added']} mới, {s['updated']} cập nhật, {s['unchanged']} không đổi{similar}, "
          f"{s['failed']} lỗi — {engine.stats()['documents']} văn bản, {engine.stats()['passages']} đoạn, "
          f"{time.perf_counter() - started:.1f} giây")
    return 1 if s["failed"] else 0


def cmd_delete(args: argparse.Namespace, settings: Settings) -> int:
    from service.engine import Engine

    with open_engine(Engine, settings, watch=False) as engine:
        ids = [engine.document(key).id for key in args.ids]   # every key resolved (or refused) first
        for doc_id in ids:
            removed = engine.delete(doc_id)
            print(f"Đã xóa {removed.name} [{removed.id}]")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """A consistent snapshot while the server runs: writers wait for it (index/snapshot.py)."""
    from index.snapshot import backup

    snap = backup(settings, Path(args.file))
    print(f"Đã sao lưu {settings.data_dir} vào {snap.path}: {snap.describe()}")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from index.snapshot import restore

    target = Path(args.target) if args.target else settings.data_dir
    snap = restore(settings, Path(args.file), target, force=args.force)
    print(f"Đã khôi phục {args.file} vào {snap.path}: {snap.describe()}")
    return 0


def cmd_reread(args: argparse.Namespace, settings: Settings) -> int:
    """Read documents again from their kept originals with this version's readers."""
    from service.engine import Engine
    from service.originals import address_of, reread

    if not args.ids and not args.all:
        raise SotayError("Cần mã văn bản (hoặc số/ký hiệu), hoặc --all cho mọi văn bản")
    failed = 0
    with open_engine(Engine, settings, watch=False) as engine:
        if args.all:
            ids = [d.id for d in engine.documents() if address_of(engine, d.id)]
            without = len(engine.documents()) - len(ids)
            if without:
                print(f"{without} văn bản chưa có tệp gốc (nạp trước khi Sổ tay giữ tệp gốc): bỏ qua", file=sys.stderr)
        else:
            ids = [engine.document(key).id for key in args.ids]   # every key resolved (or refused) first
        for doc_id in ids:
            result = reread(engine, doc_id)
            failed += result.status == "failed"
            print(result.describe(), file=sys.stderr if result.status == "failed" else sys.stdout)
    return 1 if failed else 0


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
    from service.engine import Engine

    with open_engine(Engine, settings, watch=False) as engine:
        hits = engine.search(args.query, k=args.k, filters=_filters(args))
    if args.json:
        rows = [{"passage_id": h.passage_id, "doc_id": h.doc_id, "section_id": h.section_id, "score": h.score,
                 "citation": h.citation, "heading_path": list(h.heading_path), "text": h.text,
                 "document": h.document.name, "doc_type": h.document.meta.doc_type,
                 "date": h.document.meta.date, "status": h.document.validity.status} for h in hits]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("Không tìm thấy đoạn nào.")
    for rank, h in enumerate(hits, 1):
        print(f"{rank}. [{h.score:.3f}] {h.citation}\n   {h.text[:300].replace(chr(10), ' ')}\n")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from service.engine import Engine

    with open_engine(Engine, settings, watch=False) as engine:
        answer = engine.ask(args.question, filters=_filters(args))
    if args.json:
        print(json.dumps({"answer": answer.answer, "found": answer.found, "mode": answer.mode,
                          "citations": [c.citation for c in answer.citations],
                          **({"explain": answer.explanation()} if args.explain else {})}, ensure_ascii=False, indent=1))
        return 0
    print(answer.answer)
    if args.explain:
        print("\n— Cách đọc câu hỏi và chọn câu trả lời —")
        print(json.dumps(answer.explanation(), ensure_ascii=False, indent=1))
    return 0


def cmd_dossier(args: argparse.Namespace, settings: Settings) -> int:
    from answer import export
    from answer.dossier import build_dossier
    from service.engine import Engine

    with open_engine(Engine, settings, watch=False) as engine:
        dossier = build_dossier(engine, args.topic, _filters(args))
    if args.format == "docx":
        if not args.output:
            raise SotayError("Định dạng docx cần tên tệp: thêm -o ho-so.docx")
        Path(args.output).write_bytes(export.dossier_docx(dossier))
    else:
        _write(args.output, export.dossier_markdown(dossier))
    if args.output:
        print(f"Đã ghi {args.output}: {dossier.size} đoạn từ {len(dossier.groups)} văn bản", file=sys.stderr)
    return 0


def cmd_targets(args: argparse.Namespace, settings: Settings) -> int:
    from answer import export
    from answer.targets import target_table
    from service.engine import Engine

    with open_engine(Engine, settings, watch=False) as engine:
        rows = target_table(engine, topic=args.topic, filters=_filters(args))
    if args.format == "csv":
        _write(args.output, export.targets_csv(rows))
    elif args.format == "json":
        _write(args.output, json.dumps(export.target_dicts(rows), ensure_ascii=False, indent=1) + "\n")
    else:
        _write(args.output, export.targets_markdown(rows))
    return 0


def _filters(args: argparse.Namespace):
    from index.records import Filters

    return Filters(doc_type=args.type, year=args.year, status=getattr(args, "status", None))


def _write(output: str | None, text: str) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.server import uvicorn_options
    from service.engine import Engine
    from sotay.app import create_app

    engine = open_engine(Engine, settings)  # before uvicorn: a bad data dir is one line, not a traceback
    try:
        uvicorn.run(create_app(settings, engine=engine), host=args.host, port=args.port, log_level="info",
                    **uvicorn_options())
    finally:
        engine.close()
    return 0


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    from telegram.error import InvalidToken

    from bot.run import channels, run
    from service.engine import Engine

    channels(settings)                      # no token, or only webhooks: one line before the engine loads
    engine = open_engine(Engine, settings)  # before polling: a bad data dir is one line, not a traceback
    try:
        run(settings, engine)
    except InvalidToken as e:
        raise SotayError("Telegram từ chối SOTAY_TELEGRAM_TOKEN (token sai hoặc đã bị thu hồi)") from e
    finally:
        engine.close()
    return 0


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
    p = _with_help(argparse.ArgumentParser(prog="sotay", description="Sổ tay — trợ lý văn bản Công đoàn",
                                           add_help=False))
    sub = p.add_subparsers(dest="command", required=True, title="lệnh")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return _with_help(sub.add_parser(name, help=text, description=text, add_help=False))

    s = command("ingest", "nạp tệp hoặc thư mục vào chỉ mục")
    s.add_argument("paths", nargs="+", help="tệp hoặc thư mục (đọc cả thư mục con)")
    s.add_argument("-q", "--quiet", action="store_true", help="không hiện thanh tiến độ")
    s.add_argument("-v", "--verbose", action="store_true", help="in từng tệp: mới, cập nhật hay không đổi")
    s.add_argument("--words-only", action="store_true",
                   help="chỉ lập chỉ mục từ khóa (tìm được ngay); vector ngữ nghĩa tính sau, khi chạy lại "
                        "sotay ingest hoặc do máy chủ tính dần (nhanh hơn nhiều với kho lớn)")
    s = command("delete", "xóa văn bản khỏi chỉ mục (theo mã hoặc số/ký hiệu)")
    s.add_argument("ids", nargs="+", help="mã văn bản (xem /documents) hoặc số/ký hiệu, ví dụ 01/CTr-LĐLĐ")
    add_edit(command("edit", "sửa số, ngày, loại, cơ quan ban hành hoặc trích yếu của một văn bản đã nạp"))
    s = command("backup", "sao lưu chỉ mục và tệp gốc vào một tệp .tar (chạy được khi máy chủ đang phục vụ)")
    s.add_argument("file", help="tệp sao lưu sẽ ghi, ví dụ sotay-2026-12-02.tar (không ghi đè tệp đã có)")
    s = command("restore", "khôi phục một bản sao lưu vào thư mục dữ liệu")
    s.add_argument("file", help="tệp sao lưu (.tar) do sotay backup ghi")
    s.add_argument("target", nargs="?", help="thư mục dữ liệu đích (mặc định SOTAY_DATA_DIR)")
    s.add_argument("--force", action="store_true",
                   help="thư mục đích không trống thì chuyển nó sang bên cạnh (tên .before-restore-…) rồi khôi phục")
    s = command("reread", "đọc lại văn bản từ tệp gốc đã lưu bằng bộ đọc hiện tại (lỗi thì giữ nguyên bản đang có)")
    s.add_argument("ids", nargs="*", help="mã văn bản hoặc số/ký hiệu")
    s.add_argument("--all", action="store_true", help="mọi văn bản có tệp gốc")
    s = command("inspect", "xem siêu dữ liệu và cây mục của một tệp")
    s.add_argument("files", nargs="+", help="tệp cần xem (không nạp vào chỉ mục)")
    s.add_argument("--json", action="store_true", help="in dạng JSON: siêu dữ liệu, các mục và số đoạn")
    s = command("search", "tìm đoạn văn bản")
    s.add_argument("query", help="từ khóa hoặc câu hỏi, có dấu hay không dấu")
    s.add_argument("--k", type=positive, default=10, help="số đoạn trả về (mặc định 10)")
    s.add_argument("--json", action="store_true", help="in dạng JSON, mỗi đoạn kèm trích dẫn và văn bản")
    _filter_options(s, "")
    s = command("ask", "hỏi một câu, trả lời kèm trích dẫn (như trên web và bot)")
    s.add_argument("question", help="câu hỏi, có dấu hay không dấu")
    s.add_argument("--explain", action="store_true", help="in thêm cách đọc câu hỏi và vì sao chọn câu trả lời")
    s.add_argument("--json", action="store_true", help="in dạng JSON")
    _filter_options(s, "")
    s = command("dossier", "hồ sơ chủ đề cho tập huấn: các đoạn văn bản theo chủ đề, kèm nguồn")
    s.add_argument("topic", help="chủ đề, ví dụ \"đào tạo bồi dưỡng cán bộ công đoàn\"")
    s.add_argument("--format", choices=["md", "docx"], default="md", help="định dạng: md (mặc định) hoặc docx")
    s.add_argument("-o", "--output", help="ghi ra tệp này (docx bắt buộc có)")
    _filter_options(s, ", ví dụ \"Chương trình\"")
    s = command("targets", "bảng chỉ tiêu của các chương trình, kế hoạch, báo cáo")
    s.add_argument("--topic", help="chỉ lấy chỉ tiêu về chủ đề này")
    s.add_argument("--format", choices=["md", "csv", "json"], default="md", help="định dạng: md, csv hoặc json")
    s.add_argument("-o", "--output", help="ghi ra tệp này thay vì màn hình")
    _filter_options(s, "")
    s = command("serve", "chạy API và trang web")
    s.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1: chỉ máy này)")
    s.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
    command("bot", "chạy bot Telegram và/hoặc Zalo (long polling, kênh nào có token)")
    return p


def _with_help(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("-h", "--help", action="help", help="in hướng dẫn này rồi thoát")
    return p


def _filter_options(s: argparse.ArgumentParser, example: str) -> None:
    s.add_argument("--type", help=f"chỉ lấy loại văn bản này{example}")
    s.add_argument("--year", type=int, help="chỉ lấy văn bản của năm này")
    s.add_argument("--status", choices=("in_force", "replaced", "term_ended", "unknown"),
                   help="chỉ lấy văn bản có hiệu lực này: in_force còn hiệu lực, replaced đã bị thay thế, "
                        "term_ended hết nhiệm kỳ/giai đoạn, unknown chưa rõ")


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "chromadb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    handler = {"ingest": cmd_ingest, "inspect": cmd_inspect, "search": cmd_search, "ask": cmd_ask,
               "serve": cmd_serve, "bot": cmd_bot, "delete": cmd_delete, "edit": cmd_edit, "dossier": cmd_dossier,
               "targets": cmd_targets,
               "backup": cmd_backup, "restore": cmd_restore, "reread": cmd_reread}[args.command]
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
