"""Backup and restore at scale (issue 26): time and size of `sotay backup`, time of `sotay restore`, and the
same top-5 from the restored copy as from the original for every question of a dev set. Not in `make test`.

    python scripts/backup_bench.py SRC_DATA_DIR WORK_DIR [--questions ../shared/bench/haystack/dev.jsonl]

SRC_DATA_DIR is only read (its own write lock is taken, as a live server's would be); the backup, the
restored copy and a fresh embedding cache for it (the onnx graph copied from SOTAY_CACHE_DIR) go to WORK_DIR,
so the restored copy's passage vectors come from the restored store, not from the embedding cache.
"""
from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from core.settings import Settings
from index.snapshot import backup, restore
from service.engine import Engine

K = 5


def top(settings: Settings, questions: list[str]) -> tuple[list[list[str]], float]:
    started = time.perf_counter()
    with Engine.open(settings, watch=False) as engine:
        opened = time.perf_counter() - started
        return [[h.passage_id for h in engine.search(q, k=K)] for q in questions], opened


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("src", type=Path)
    p.add_argument("work", type=Path)
    p.add_argument("--questions", type=Path, default=Path("../shared/bench/haystack/dev.jsonl"))
    args = p.parse_args()
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    base = Settings(data_dir=args.src, embed_in_background=False)
    args.work.mkdir(parents=True, exist_ok=True)
    archive, target, cache = args.work / "backup.tar", args.work / "restored", args.work / "cache"
    for old in (archive, target, cache):
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)

    snap = backup(base, archive)
    print(f"backup: {snap.seconds:.1f} s (writers held {snap.locked_seconds:.1f} s), {snap.size / 1e6:.1f} MB, "
          f"{snap.documents} documents, {snap.passages} passages, {snap.units} paragraph vectors, "
          f"{snap.originals} originals; data dir {du(args.src) / 1e6:.1f} MB")
    back = restore(base, archive, target)
    print(f"restore: {back.seconds:.1f} s; restored data dir {du(target) / 1e6:.1f} MB")

    (cache / "models").mkdir(parents=True)
    for model in (base.cache_dir / "models").glob("*.onnx"):
        shutil.copy2(model, cache / "models" / model.name)
    before, opened_src = top(base, questions)
    after, opened_restored = top(base.model_copy(update={"data_dir": target, "cache_dir": cache}), questions)
    same = sum(a == b for a, b in zip(before, after))
    print(f"first open: original {opened_src:.1f} s, restored {opened_restored:.1f} s (BM25 rebuilt, vectors "
          f"from the store)")
    print(f"same top-{K}: {same}/{len(questions)}")
    for q, a, b in zip(questions, before, after):
        if a != b:
            print(f"  differs: {q}\n    {a}\n    {b}")


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


if __name__ == "__main__":
    main()
