"""The docs cannot drift silently: every repository path the README and docs/ name in backticks exists, every
setting in core/settings.py is in the README's table, every SOTAY_* variable the docs name is read somewhere,
and every named constant the docs give a value (`MAX_ANSWER` = 1,200) has that value in the code."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHARED_PREFIX = "../shared/"
# top-level entries a backticked path may start with; anything else in backticks is a name, a command or an
# example ("01/CTr-LĐLĐ", "md|docx", "SOTAY_DATA_DIR/lexical"), not a path to check
NOT_TRACKED = {".git", ".venv", "data", ".pytest_cache", "sotay.egg-info"}
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_SPAN = re.compile(r"`([^`\n]+)`")
_PATHLIKE = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*")
_VARIABLE = re.compile(r"\bSOTAY_[A-Z0-9_]*[A-Z0-9]\b")
_VALUE = re.compile(r"`([A-Z][A-Z0-9_]+)` =\s+(\d[\d,]*(?:\.\d+)?)")
PACKAGES = ("core", "ingest", "index", "query", "answer", "service", "api", "bot", "sotay")


def spans(doc: Path) -> list[str]:
    """Inline code spans, outside fenced blocks."""
    return _SPAN.findall(_FENCE.sub("", doc.read_text(encoding="utf-8")))


def paths_named(doc: Path) -> list[str]:
    tops = {p.name for p in ROOT.iterdir()} - NOT_TRACKED
    named = []
    for span in spans(doc):
        for word in span.split():
            word = word.rstrip(",.;:)")
            if word.startswith(SHARED_PREFIX) or (
                    _PATHLIKE.fullmatch(word) and word.split("/")[0] in tops and ("/" in word or "." in word)):
                named.append(word)
    return named


def shared_dir() -> Path | None:
    for candidate in (ROOT.parent / "shared", Path("/work/shared")):
        if candidate.is_dir():
            return candidate
    return None


def exists(path: str) -> bool:
    if path.startswith(SHARED_PREFIX):
        shared = shared_dir()
        return shared is None or (shared / path.removeprefix(SHARED_PREFIX)).exists()
    return (ROOT / path).exists()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_path_named_in_backticks_exists(doc):
    missing = sorted({p for p in paths_named(doc) if not exists(p)})
    assert not missing, f"{doc.relative_to(ROOT)} names paths that do not exist: {missing}"


def test_the_path_check_sees_paths_and_skips_names(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("`index/lexical.py` `Lexical`, `index/nothing.py`, `01/CTr-LDLD`, `md|docx`, "
                   "`SOTAY_DATA_DIR/lexical`, `../shared/eval/dev.jsonl`\n```\nindex/in_a_block.py\n```\n")
    assert paths_named(doc) == ["index/lexical.py", "index/nothing.py", "../shared/eval/dev.jsonl"]
    assert [p for p in paths_named(doc) if not exists(p)] == ["index/nothing.py"]


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {m.group(1) for m in re.finditer(r"^\| `(SOTAY_[A-Z0-9_]+)` \|", readme, re.M)}
    settings = {f"SOTAY_{name.upper()}" for name in Settings.model_fields}
    assert settings - table == set(), "settings missing from the README's table"
    assert table - settings == set(), "the README's table lists variables that are not settings"


def test_every_variable_the_docs_name_is_read_somewhere():
    code = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py")
                     if not set(p.relative_to(ROOT).parts) & NOT_TRACKED)
    code += (ROOT / "Makefile").read_text(encoding="utf-8")
    settings = {f"SOTAY_{name.upper()}" for name in Settings.model_fields}
    named = {v for doc in DOCS for v in _VARIABLE.findall(doc.read_text(encoding="utf-8"))}
    unknown = sorted(v for v in named - settings if v not in code)
    assert not unknown, f"the docs name variables nothing reads: {unknown}"


def constants() -> dict[str, set[float]]:
    """Module-level numeric constants of the product packages, by name (a name may live in several)."""
    found: dict[str, set[float]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
                    node.target if isinstance(node, ast.AnnAssign) else None
                value = getattr(node, "value", None)
                if isinstance(target, ast.Name) and isinstance(value, ast.Constant) \
                        and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
                    found.setdefault(target.id, set()).add(float(value.value))
    return found


def test_every_constant_the_docs_give_a_value_has_it():
    code = constants()
    defaults = {f"SOTAY_{name.upper()}": field.default for name, field in Settings.model_fields.items()}
    wrong = []
    for doc in DOCS:
        for name, written in _VALUE.findall(doc.read_text(encoding="utf-8")):
            value = float(written.replace(",", ""))
            actual = {float(defaults[name])} if name in defaults else code.get(name, set())
            if value not in actual:
                has = sorted(actual) or "no such constant"
                wrong.append(f"{doc.relative_to(ROOT)}: {name} = {written}, the code has {has}")
    assert not wrong, "\n".join(wrong)
