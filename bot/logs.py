"""Keeping the bot token out of every log line.

The token is part of every Bot API URL, so anything that logs a URL leaks it: httpx logs
each request at INFO, python-telegram-bot logs the API URL at DEBUG and puts the token in
`InvalidToken` messages and in `repr(bot)`. Two defences: the loggers that print URLs are
kept at WARNING, and every log record made in this process has the token replaced, in its
message and in its formatted traceback, before any handler sees it.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

REDACTED = "<TELEGRAM_BOT_TOKEN>"
URL_LOGGERS = ("httpx", "httpcore")

_secrets: set[str] = set()
_installed = False


def quiet_http_logs() -> None:
    """Keep request-URL logging (which carries the token) below what the bot logs."""
    for name in URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, REDACTED)
    return text


def hide_secret(secret: str) -> None:
    """From now on, replace `secret` in every log record this process makes."""
    global _installed
    if not secret:
        return
    _secrets.add(secret)
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(redacting_factory)
    _installed = True


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call; logging reports it when it formats the record
        return
    if any(secret in message for secret in _secrets):
        record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[1] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if any(secret in text for secret in _secrets):
            record.exc_text = redact(text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
