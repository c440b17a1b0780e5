"""Secrets never reach a log: a logging filter that rewrites the message, the formatted exception text
and the stack of every record, installed on every handler by each entry point (cli, serve, bot)."""
from __future__ import annotations

import logging
import re
import sys
import traceback

# a Telegram bot token: <bot id>:<35-char secret>, wherever it appears (URLs, reprs, tracebacks)
TELEGRAM_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")
MASK = "<đã ẩn>"
# the noisiest third-party loggers keep their own handlers or propagate; all get the filter
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "telegram", "telegram.ext", "httpx", "sotay")


class Redactor(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return TELEGRAM_TOKEN.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            # its formatter unpacks the args: redact them one by one
            record.args = tuple(self.redact(a) if isinstance(a, str) else a for a in record.args)
        else:
            try:
                message = record.getMessage()
            except Exception:  # a bad format string must not lose the record
                message = str(record.msg)
            record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text, record.exc_info = self.redact(text), None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def secrets_of(settings) -> list[str]:
    names = ("telegram_token", "api_key", "llm_api_key", "telegram_webhook_secret", "zalo_token", "zalo_webhook_secret")
    return [getattr(settings, n, None) or "" for n in names]


def install(settings) -> Redactor:
    """Put one Redactor on every handler of the known loggers (call after logging is configured) and
    redact uncaught exceptions printed by the interpreter."""
    redactor = Redactor(secrets_of(settings))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.addFilter(redactor)
        for handler in logger.handlers:
            if not any(isinstance(f, Redactor) for f in handler.filters):
                handler.addFilter(redactor)

    def hook(kind, value, tb) -> None:
        sys.stderr.write(redactor.redact("".join(traceback.format_exception(kind, value, tb))))

    sys.excepthook = hook
    return redactor


class QueryFreeAccess(logging.Filter):
    """uvicorn's access line without the query string (questions can be sensitive)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True
