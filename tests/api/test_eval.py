"""The product's quality bar, scored by ../shared/eval/run_eval.py against the served API."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import DEV


def test_dev_set_through_the_scorer(server, tmp_path):
    out = tmp_path / "eval.json"
    r = subprocess.run(
        [sys.executable, str(DEV.parent / "run_eval.py"), "--base-url", server, "--questions", str(DEV), "--ask",
         "-q", "--json-out", str(out),
         "--min", "hit@1=0.92", "--min", "hit@5=1.0", "--min", "hit@5[nodiac]=1.0", "--min", "cited=1.0",
         "--min", "answer=0.85", "--min", "abstain=1.0"],
        capture_output=True, text=True, timeout=600,
    )
    print(r.stdout)
    summary = json.loads(out.read_text())["summary"]
    assert r.returncode == 0, r.stdout + r.stderr
    assert summary["n"] == 26
