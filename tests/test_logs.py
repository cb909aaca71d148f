"""The token is replaced in every log record: its message, its traceback, its stack."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, hide_secret

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
