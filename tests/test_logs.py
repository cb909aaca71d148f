"""The token is replaced in every log record: its message, its traceback, its stack; and
the credentials of the addresses a record quotes are masked."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, hide_secret, quiet_http_logs

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
