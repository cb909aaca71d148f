"""The token is replaced in every log record: its message, its traceback, its stack; and
the credentials of the addresses a record quotes are masked."""

from __future__ import annotations

import io
import logging
import re
import time

import pytest

from bot.logs import LOG_FORMAT, UtcFormatter, hide_secret, quiet_http_logs
from bot.tokens import REDACTED

TOKEN = "123456:SECRET-of-the-logs-test-xxxxxxxxxxxxxx"


def test_a_traceback_and_a_stack_that_quote_the_token_are_logged_without_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hide_secret(TOKEN)
    log = logging.getLogger("newsbot.test_logs")
    with caplog.at_level(logging.INFO, logger="newsbot.test_logs"):
        try:
            raise RuntimeError(f"GET /bot{TOKEN}/getMe failed")
        except RuntimeError:
            log.exception("the request failed")
        log.info("here", stack_info=True)  # 123456:SECRET-of-the-logs-test-xxxxxxxxxxxxxx
    failed, here = caplog.records
    assert failed.exc_text is not None and REDACTED in failed.exc_text
    assert here.stack_info is not None and REDACTED in here.stack_info
    assert "SECRET-of-the-logs-test" not in caplog.text


def test_the_tokens_secret_half_alone_is_logged_without_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Only the whole token was replaced: a server's error that quoted its secret half
    (after the colon), which is all one needs with the bot's public id, was logged as it
    came."""
    hide_secret(TOKEN)
    secret = TOKEN.partition(":")[2]
    log = logging.getLogger("newsbot.test_logs")
    with caplog.at_level(logging.INFO, logger="newsbot.test_logs"):
        log.warning("Bad Request: can't parse entities: %s", secret.upper())
        log.warning("refused /bot%s/getMe", TOKEN)
    half, whole = (record.getMessage() for record in caplog.records)
    assert half == f"Bad Request: can't parse entities: {REDACTED}"
    assert whole == f"refused /bot{REDACTED}/getMe"


def test_credentials_in_an_address_are_masked_in_any_record(
    caplog: pytest.LogCaptureFixture,
) -> None:
    quiet_http_logs()  # what every command sets up, token or not
    log = logging.getLogger("newsbot.test_logs")
    with caplog.at_level(logging.DEBUG, logger="newsbot.test_logs"):
        log.debug("update %r", {"text": "/addfeed https://ann:pw77@x.test/f?token=t0k3n&p=2"})
        try:
            raise OSError("cannot reach http://ann:pw77@x.test/f")
        except OSError:
            log.exception("fetch failed")
    update, failed = caplog.records
    assert (
        update.getMessage() == "update {'text': '/addfeed https://ann:***@x.test/f?token=***&p=2'}"
    )
    assert failed.exc_text is not None and "http://ann:***@x.test/f" in failed.exc_text
    assert "pw77" not in caplog.text and "t0k3n" not in caplog.text
    with caplog.at_level(logging.INFO, logger="newsbot.test_logs"):
        log.info("fetch https://bridge.test/?url=https://bo:pw88@y.test/f?api_key=k3y9, again")
    assert caplog.records[-1].getMessage() == (
        "fetch https://bridge.test/?url=https://bo:***@y.test/f?api_key=***, again"
    )


def test_a_log_line_has_its_time_in_utc_with_a_z_whatever_the_servers_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under TZ=America/New_York a line read 14:08:55 for 19:08 UTC, no zone said."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        record = logging.LogRecord("bot.app", logging.INFO, __file__, 1, "is up", None, None)
        record.created, record.msecs = 1_717_441_735.25, 250.0  # 2024-06-03 19:08:55.25 UTC
        line = UtcFormatter(LOG_FORMAT).format(record)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert line == "2024-06-03T19:08:55.250Z INFO bot.app: is up"


class Unprintable:
    """An argument that cannot be made text."""

    def __repr__(self) -> str:
        raise ValueError("cannot be shown")


def test_a_malformed_log_call_that_quotes_the_token_is_logged_without_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A format its arguments do not fit was left as it was: logging then reported the call
    on stderr with its arguments as they came, the token in them, and its traceback too."""
    hide_secret(TOKEN)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log = logging.getLogger("newsbot.test_logs.malformed")
    log.addHandler(handler)
    log.propagate = False  # pytest's own handlers raise on a malformed record
    try:
        log.warning("malformed %d %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
        try:
            raise RuntimeError(f"GET /bot{TOKEN}/getMe failed")
        except RuntimeError:
            log.exception("failed %s %s", TOKEN)
        log.warning("unprintable %d", Unprintable())
    finally:
        log.removeHandler(handler)
        log.propagate = True
    written = stream.getvalue() + capsys.readouterr().err
    assert "SECRET-of-the-logs-test" not in written
    assert written.startswith(
        f"malformed log call: malformed %d %s % ('https://api.telegram.org/bot{REDACTED}/getMe',)\n"
        f"malformed log call: failed %s %s % ('{REDACTED}',)\nTraceback"
    )
    assert re.search(f"\nmalformed log call at {re.escape(__file__)}:\\d+\n$", written)
