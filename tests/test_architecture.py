"""The shape of the code: imports follow the pipeline core → ingest → index → query → answer → service → api / bot, and
no product module grows past about 400 lines. Read from the source with ast, so a lazy import inside a
function counts as much as one at the top."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("core", "ingest", "index", "query", "answer", "service", "api", "bot", "sotay")
# what each package must never import (sotay/ is the CLI on top: it may import every stage)
FORBIDDEN = {
    "core": {"ingest", "index", "query", "answer", "service", "api", "bot", "sotay"},
    "ingest": {"index", "query", "answer", "service", "api", "bot", "sotay"},
    "index": {"query", "answer", "service", "api", "bot", "sotay"},
    "query": {"answer", "service", "api", "bot", "sotay"},
    "answer": {"service", "api", "bot", "sotay"},
    "service": {"api", "bot", "sotay"},
    "api": {"bot", "sotay"},
    "bot": {"api", "sotay"},
}
MAX_LINES = 400


def product_modules() -> list[Path]:
    return sorted(p for stage in STAGES for p in (ROOT / stage).rglob("*.py"))


def imported_packages(path: Path) -> set[str]:
    """Top-level package names a module imports (absolute imports; relative ones stay in the package)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_tree_has_the_stages():
    found = {p.relative_to(ROOT).parts[0] for p in product_modules()}
    assert found == set(STAGES)


@pytest.mark.parametrize("stage", sorted(FORBIDDEN))
def test_imports_follow_the_pipeline(stage):
    wrong = [f"{p.relative_to(ROOT)} imports {', '.join(sorted(bad))}"
             for p in sorted((ROOT / stage).rglob("*.py"))
             if (bad := imported_packages(p) & FORBIDDEN[stage])]
    assert not wrong, "imports against the pipeline:\n" + "\n".join(wrong)


def test_the_checker_sees_lazy_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    from service.engine import Engine\n    import index.search\n")
    assert imported_packages(module) == {"os", "service", "index"}


def test_no_product_module_is_over_400_lines():
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in product_modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, "split these by job:\n" + "\n".join(long)


def imported_modules(path: Path) -> set[str]:
    """Product modules a module imports, by dotted name ("index.search"; "from index import fuse" counts as
    index.fuse when that is a module), lazy imports included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.split(".")[0] in STAGES}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_cycles() -> list[list[str]]:
    modules = {module_name(p): p for p in product_modules()}
    graph = {m: sorted(n for n in imported_modules(p) if n in modules and n != m) for m, p in modules.items()}
    cycles, state = [], {}

    def visit(m: str, stack: list[str]) -> None:
        state[m] = "open"
        for n in graph[m]:
            if state.get(n) == "open":
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n, stack + [n])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return cycles


def test_no_import_cycle_between_modules():
    cycles = import_cycles()
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_the_cycle_check_finds_a_cycle(tmp_path, monkeypatch):
    for stage in STAGES:
        (tmp_path / stage).mkdir()
        (tmp_path / stage / "__init__.py").write_text("")
    (tmp_path / "answer" / "a.py").write_text("from answer.b import x\n")
    (tmp_path / "answer" / "b.py").write_text("def f():\n    from answer import a\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert import_cycles() == [["answer.a", "answer.b", "answer.a"]]
