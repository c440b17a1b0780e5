"""`sotay edit ID --number … --date … --type … --issuer … --title …`: correct a stored document's facts
(index/corrections.py), as `PATCH /documents/{id}` does."""
from __future__ import annotations

import argparse
import sys

from core.settings import Settings

OPTIONS = {"number": "số, ký hiệu đúng, ví dụ 01/CTr-LĐLĐ", "date": "ngày ban hành đúng: YYYY-MM-DD hoặc dd/mm/yyyy",
           "type": "loại văn bản đúng, ví dụ \"Kế hoạch\"", "issuer": "cơ quan ban hành đúng",
           "title": "trích yếu đúng"}


def add_command(s: argparse.ArgumentParser) -> None:
    s.add_argument("id", help="mã văn bản (xem /documents) hoặc số/ký hiệu hiện có, ví dụ 01/CTr-LĐLĐ")
    for name, text in OPTIONS.items():
        s.add_argument(f"--{name}", help=text)


def cmd_edit(args: argparse.Namespace, settings: Settings) -> int:
    from service.edits import correct
    from service.engine import Engine
    from sotay.opening import open_engine

    changes = {("doc_type" if k == "type" else k): getattr(args, k) for k in OPTIONS if getattr(args, k) is not None}
    if not changes:
        print("Lỗi: cần ít nhất một trong --number, --date, --type, --issuer, --title", file=sys.stderr)
        return 2
    with open_engine(Engine, settings, watch=False) as engine:
        after, before = correct(engine, args.id, changes)
    for k in changes:
        was, now = getattr(before.meta, k), getattr(after.meta, k)
        if was != now:
            print(f"  {k}: {was or '(trống)'} → {now}")
    print(f"Đã sửa {after.name} [{after.id}]")
    return 0
