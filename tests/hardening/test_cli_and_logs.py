"""The CLI with odd input, a bad data dir, and the access log's privacy (over the real app)."""
from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.redact import QueryFreeAccess, Redactor
from sotay import cli
from tests.conftest import seed_files


@pytest.fixture(scope="module")
def data_env(tmp_path_factory, cache_dir):
    data = tmp_path_factory.mktemp("cli-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOTAY_DATA_DIR", str(data))
        mp.setenv("SOTAY_CACHE_DIR", str(cache_dir))
        assert cli.main(["ingest", "-q", str(seed_files()[0])]) == 0
        yield mp


@pytest.mark.parametrize("query", ["ß", "Привет", "công đoàn ı ŋ", "?!", "ʼ"])
def test_cli_search_with_foreign_letters_has_no_traceback(data_env, query, capsys):
    assert cli.main(["search", query]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("k", ["-1", "0", "abc"])
def test_cli_search_k_must_be_at_least_one(k, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["search", "công đoàn", "--k", k])
    assert exit_.value.code == 2 and "≥ 1" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["search", "công đoàn"], ["serve", "--port", "9"]])
def test_cli_data_dir_blocked_by_a_file_is_one_line(tmp_path, monkeypatch, capsys, command):
    blocker = tmp_path / "data"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SOTAY_DATA_DIR", str(blocker))
    assert cli.main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and "Traceback" not in err and str(blocker) in err


def test_access_log_has_no_query_text_unless_enabled(seed_settings, seed_engine, caplog):
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:1", "GET", "/search?q=l%C6%B0%C6%A1ng+t%C3%B4i", "1.1", 200), None)
    assert QueryFreeAccess().filter(record) and "q=" not in record.getMessage()
    with TestClient(create_app(seed_settings, engine=seed_engine)):
        filters = logging.getLogger("uvicorn.access").filters
        assert any(isinstance(f, QueryFreeAccess) for f in filters)
    on = seed_settings.model_copy(update={"log_queries": True})
    logging.getLogger("uvicorn.access").filters.clear()
    with TestClient(create_app(on, engine=seed_engine)):
        assert not any(isinstance(f, QueryFreeAccess) for f in logging.getLogger("uvicorn.access").filters)


def test_redactor_masks_exception_text_and_tracebacks():
    token = "987654321:ZZsecretZZsecretZZsecretZZsecret123"
    redactor = Redactor([token, "khóa-admin"])
    try:
        raise ValueError(f"bad url https://x/bot{token}/getMe with khóa-admin")
    except ValueError:
        import sys
        record = logging.LogRecord("telegram", logging.ERROR, "", 0, "failed %s", (token,), sys.exc_info())
    redactor.filter(record)
    text = logging.Formatter().format(record)
    assert "ZZsecret" not in text and "khóa-admin" not in text and text.count("<đã ẩn>") >= 3
