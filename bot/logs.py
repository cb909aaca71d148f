"""Keeping the bot token, and the credentials in addresses, out of every log line.

The token is part of every Bot API URL, so anything that logs a URL leaks it: httpx logs
each request at INFO, python-telegram-bot logs the API URL at DEBUG and puts the token in
`InvalidToken` messages and in `repr(bot)`. Two defences: the loggers that print URLs are
kept at WARNING, and every log record made in this process has the token replaced, in its
message and in its formatted traceback, before any handler sees it. The same pass masks
the credentials of any address a record quotes (user:password@, ?api_key=...): at DEBUG,
python-telegram-bot logs each update whole, an admin's "/addfeed URL" with them.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
from typing import Any
from urllib.parse import quote

from bot.tokens import REDACTED, token_masked
from retrieval.addresses import masked

URL_LOGGERS = ("httpx", "httpcore")
# numba logs every compiler pass at DEBUG: at NEWSBOT_LOG_LEVEL=DEBUG the first query spends
# some 35 s writing them, with the GIL held and the bot frozen. The job queue's scheduler logs
# every run of every job at INFO: two lines for each 5-second index refresh, some 35,000 a
# day burying the warnings that matter.
# aiosqlite logs every statement with its parameters at DEBUG: whole articles, and a feed's
# credentials as it is added.
NOISY_LOGGERS = ("numba", "apscheduler", "aiosqlite")
# trafilatura (and the parsers it drives) logs an ERROR for every page it cannot read
# ("empty HTML tree", "lxml parsing failed"), without saying which: newsbot reports the same
# page itself, with its name ("no article text found in the page").
EXTRACTION_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")

# An address as a log line quotes it: up to a space, a quote or a bracket, and not the
# sentence's mark after it. Found at every scheme, so that an address inside another's
# query (a proxy's ?url=https://user:pw@...) has its own credentials masked too.
_ADDRESS = re.compile(r"(?=\b([A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]*[^\s'\"<>.,;:!?)\]]))")
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None  # any of them, in any letter case
_installed = False


# The scheduler's own logger (its jobs' runs are logged by its executors'): it warns each time a
# job is due while its last run goes on. newsbot's jobs run one at a time by design
# (`run_every`), so a refresh of the index that outlasts its 5 seconds while a long ingest
# stores articles beside the bot made that warning every 5 seconds, for nothing.
SCHEDULER_LOGGER = "apscheduler.scheduler"
STILL_RUNNING = "skipped: maximum number of running instances reached"

# python-telegram-bot's logger of replies it cannot read (its own name, not a child's:
# a logger's filters see only the records made on it)
REPLY_LOGGER = "telegram.request.BaseRequest"
REPLY_SHOWN = 200  # characters of a reply that is not JSON kept in its log line


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class UtcFormatter(logging.Formatter):
    """Log times in UTC, ISO 8601 with its Z: `2024-06-03T19:08:55.123Z`. The server's
    local time, with no zone said, read 14:08:55 for 19:08 UTC under America/New_York,
    beside digest times and Bot API dates that are UTC."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{moment}.{int(record.msecs):03d}Z"


def log_to_stderr(level: int) -> None:
    """What every command logs, from `level` up, to stderr, each line's time in UTC."""
    handler = logging.StreamHandler()  # stderr
    handler.setFormatter(UtcFormatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])


def quiet_http_logs() -> None:
    """Keep request-URL logging (which carries the token), numba's compiler chatter, the
    scheduler's (a job whose last run goes on included) and the extraction libraries'
    complaints about pages below what newsbot logs, and a reply that is not JSON to one
    short line."""
    for name in URL_LOGGERS + NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in EXTRACTION_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    _install()
    replies = logging.getLogger(REPLY_LOGGER)
    if not any(isinstance(f, _ShortReplyErrors) for f in replies.filters):
        replies.addFilter(_ShortReplyErrors())
    scheduler = logging.getLogger(SCHEDULER_LOGGER)
    if not any(isinstance(f, _RunStillGoingOn) for f in scheduler.filters):
        scheduler.addFilter(_RunStillGoingOn())


class _RunStillGoingOn(logging.Filter):
    """Drop the scheduler's warning that a job's run was skipped because its last run goes
    on (every job of newsbot's runs one at a time: no news); its other warnings and errors
    (a job store failing, say) stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return STILL_RUNNING not in record.getMessage()


class _ShortReplyErrors(logging.Filter):
    """python-telegram-bot logs a reply that is not JSON (a proxy's login page: kilobytes of
    HTML) whole, with the JSONDecodeError's traceback, then raises an error that newsbot
    reports itself (at start-up: "what answers at ... is not the Bot API"). The line keeps
    what the reply began with, and no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], ValueError):
            message = record.getMessage()  # already redacted (`hide_secret`)
            if len(message) > REPLY_SHOWN:
                message = message[:REPLY_SHOWN] + "…"
            record.msg, record.args = message, None
            record.exc_info = record.exc_text = None
        return True


def redact(text: str) -> str:
    """`text` with every secret replaced, in any letter case (python-telegram-bot makes a
    Bot API error that opens with "Bad Request: " lower case, the token in it too), any
    other bot token too (one pasted into TELEGRAM_API_BASE_URL, which every request's URL
    holds), and the credentials of the addresses it quotes masked."""
    if _pattern:
        text = _pattern.sub(REDACTED, text)
    text = token_masked(text)
    if "://" in text:
        for address in dict.fromkeys(m.group(1) for m in _ADDRESS.finditer(text)):
            text = masked(text, address)
    return text


# The shortest half of a secret hidden alone: a token's is some 35 characters; a short one
# would hide every such run of letters in a log line
MIN_HIDDEN = 16


def hide_secret(secret: str) -> None:
    """From now on, replace `secret` in every log record this process makes; of a bot token,
    its secret half too (after the colon: the number before it is the bot's public id),
    which is all an error that quotes it apart needs to leak the token."""
    global _pattern
    if not secret:
        return
    _, colon, half = secret.partition(":")
    for hidden in (secret, half) if colon and len(half) >= MIN_HIDDEN else (secret,):
        _secrets.update((hidden, quote(hidden, safe="")))  # as a server may quote a path back
    # the longest first: the whole token, not its half, where both match
    alternatives = sorted(_secrets, key=len, reverse=True)
    _pattern = re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)
    _install()


def _install() -> None:
    """Have every log record made from now on redacted (`_redact_record`), once."""
    global _installed
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
    except Exception:
        # a malformed call (arguments its format does not fit): logging would report it by
        # printing its arguments to stderr as they are, a token in them too
        record.msg, record.args = redact(_unformatted(record)), None
    else:
        if (redacted := redact(message)) != message:
            record.msg, record.args = redacted, None
    if record.exc_info and record.exc_info[1] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if (redacted := redact(text)) != text:
            record.exc_text = redacted
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def _unformatted(record: logging.LogRecord) -> str:
    """A record that cannot be formatted as text: its format and its arguments apart, and
    that it is a call to fix."""
    try:
        return f"malformed log call: {record.msg} % {record.args!r}"
    except Exception:  # a format or an argument that cannot be made text at all
        return f"malformed log call at {record.pathname}:{record.lineno}"
