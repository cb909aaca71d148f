"""`newsbot run` as a process: start-up errors, an answer, a clean stop on SIGINT/SIGTERM."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from bot.logs import REPLY_LOGGER, REPLY_SHOWN, quiet_http_logs
from bot.tokens import REDACTED
from retrieval.seeding import SEEDING_INTERRUPTED, SEEDING_INTERRUPTED_INDEXING
from tests.cli_process import killed_on_exit
from tests.conftest import REPO, write_jsonl
from tests.fake_telegram import TEST_TOKEN, FakeTelegramServer

USER = 1001


def newsbot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The process environment with only our settings (no stray TELEGRAM_/NEWSBOT_ ones)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    env.update(NEWSBOT_DB=str(tmp_path / "newsbot.db"), PTB_TIMEDELTA="true", **settings)
    return env


def start(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """`newsbot run ARGS` in tmp_path (so no .env is read), stderr to tmp_path/stderr.log.

    A file, not a pipe: at DEBUG the log outgrows a pipe's buffer long before the test reads
    it, and a child blocked writing to stderr never answers.
    """
    return started(tmp_path, env, [sys.executable, "-m", "bot.cli", "run", *args])


def started(tmp_path: Path, env: dict[str, str], command: list[str]) -> subprocess.Popen[str]:
    """`command` started as `start` starts `newsbot run`: a script that patches it first."""
    with (tmp_path / "stderr.log").open("w") as err:
        return subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env | {"PYTHONPATH": str(REPO)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            text=True,
        )


@contextmanager
def newsbot_process(
    tmp_path: Path, env: dict[str, str], *args: str
) -> Iterator[subprocess.Popen[str]]:
    """`start`, and the process killed if the test leaves it running (a failed check)."""
    with killed_on_exit(start(tmp_path, env, *args)) as process:
        yield process


def stderr_of(tmp_path: Path) -> str:
    return (tmp_path / "stderr.log").read_text()


def run(tmp_path: Path, env: dict[str, str]) -> tuple[int, str]:
    with newsbot_process(tmp_path, env) as process:
        process.wait(timeout=60)
    return process.returncode, stderr_of(tmp_path)


@pytest.fixture
def fake() -> Iterator[FakeTelegramServer]:
    server = FakeTelegramServer().start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.internal_errors


def test_missing_token_is_a_clear_error(tmp_path: Path) -> None:
    code, err = run(tmp_path, newsbot_env(tmp_path))
    assert code == 1
    assert "newsbot run: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather" in err
    assert "Traceback" not in err


def test_malformed_token_is_a_clear_error_that_does_not_show_it(tmp_path: Path) -> None:
    secret = "12345:this-is-not-a-token"
    code, err = run(tmp_path, newsbot_env(tmp_path, TELEGRAM_BOT_TOKEN=secret))
    assert code == 1
    assert "TELEGRAM_BOT_TOKEN is malformed" in err
    assert secret not in err and "Traceback" not in err


def test_a_start_that_fails_still_warns_of_an_env_file_others_may_read(tmp_path: Path) -> None:
    # the warning came once the bot was up: never where the token in it was mistyped
    env_file = tmp_path / ".env"
    env_file.write_text("TELEGRAM_BOT_TOKEN=12345:this-is-not-a-token\n")
    env_file.chmod(0o644)
    code, err = run(tmp_path, newsbot_env(tmp_path))
    assert code == 1
    assert "TELEGRAM_BOT_TOKEN is malformed" in err
    assert "WARNING bot.app: .env is readable by others than its owner (mode 0644)" in err
    assert "this-is-not-a-token" not in err


def test_rejected_token_is_a_clear_error_that_does_not_show_it(
    tmp_path: Path, fake: FakeTelegramServer
) -> None:
    fake.fail_next("getMe", 401, "Unauthorized")
    env = newsbot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        NEWSBOT_LOG_LEVEL="DEBUG",
    )
    code, err = run(tmp_path, env)
    assert code == 1
    assert "TELEGRAM_BOT_TOKEN was rejected by the Bot API" in err
    # 401 or 404: behind a base URL of one's own, a wrong path answers the same
    assert f", and TELEGRAM_API_BASE_URL ({fake.base_url})" in err
    assert TEST_TOKEN not in err and "Traceback" not in err


def test_unreachable_api_is_a_clear_error(tmp_path: Path) -> None:
    env = newsbot_env(
        tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot"
    )
    code, err = run(tmp_path, env)
    assert code == 1
    assert "cannot reach the Bot API at http://127.0.0.1:9/bot" in err
    assert TEST_TOKEN not in err and "Traceback" not in err


def wait_for_log(tmp_path: Path, line: str, timeout: float = 60) -> None:
    """Wait until the process's stderr holds `line` (polled, never slept blindly)."""
    deadline = time.monotonic() + timeout
    while line not in stderr_of(tmp_path):
        assert time.monotonic() < deadline, f"no {line!r} in the log"
        time.sleep(0.05)


def assert_stopped_at_start_up(
    process: subprocess.Popen[str], tmp_path: Path, stop: signal.Signals
) -> None:
    """Stopped by `stop` before it polled: said so, with a shell's status for the signal,
    and nothing left pending or thrown (asyncio's "Task was destroyed...")."""
    err = stderr_of(tmp_path)
    assert process.returncode == 128 + stop, err
    assert f"WARNING bot.app: stopped by {stop.name} during start-up" in err
    assert "Traceback" not in err and " ERROR " not in err
    assert TEST_TOKEN not in err


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_getme_is_retried_stops_at_once(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """Ctrl-C while the start-up's getMe was retried (the Bot API unreachable) left the
    call pending, said nothing of why it stopped, and SIGTERM killed it without a word;
    else it would go on retrying for CONNECT_AGE, then fail with status 1."""
    env = newsbot_env(
        tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot"
    )
    with newsbot_process(tmp_path, env) as process:
        wait_for_log(tmp_path, "getMe failed")
        process.send_signal(stop)
        process.wait(timeout=60)
    assert_stopped_at_start_up(process, tmp_path, stop)
    assert "cannot reach the Bot API" not in stderr_of(tmp_path)


def test_ctrl_c_while_deletewebhook_is_retried_stops_at_start_up(
    tmp_path: Path, fake: FakeTelegramServer
) -> None:
    """The Bot API failing deleteWebhook (the first step of polling) with 5xx: Ctrl-C then
    exited 0, "stopped", as if the bot had run."""
    fake.outage(120, 502, ("deleteWebhook",))
    env = newsbot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        NEWSBOT_LOG_LEVEL="DEBUG",
    )
    with newsbot_process(tmp_path, env) as process:
        fake.wait_for_calls("deleteWebhook", 2, timeout=60)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    assert_stopped_at_start_up(process, tmp_path, signal.SIGINT)
    assert not fake.calls("getUpdates")


# `newsbot run`, its empty database seeded from NEWSBOT_SEEDS; SIGTERM sent as the seeds'
# one transaction is written (argv[1] "storing") or as the seeds, committed, are indexed
RUN_STOPPED_AS_IT_SEEDS = """
import os, signal, sys
from bot.cli.main import main
from retrieval.corpus.store import CorpusStore
from retrieval.engine import Engine
from tests.cli_process import until_cancelled
async def stopped(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    await until_cancelled()
if sys.argv[1] == "storing":
    CorpusStore.insert_articles = stopped
else:
    Engine.refresh = stopped
sys.exit(main(["run"]))
"""


@pytest.mark.parametrize(
    ("stage", "said", "kept"),
    [("storing", SEEDING_INTERRUPTED, 0), ("indexing", SEEDING_INTERRUPTED_INDEXING, 1)],
)
def test_a_stop_as_the_bot_seeds_its_database_says_what_was_kept(
    tmp_path: Path, fake: FakeTelegramServer, stage: str, said: str, kept: int
) -> None:
    """The bot's first start, stopped as it seeds its empty database, said only that it
    stopped during start-up, not whether the seeds were stored half-way (`newsbot ask`
    says it): none of them is kept, or all, and says so."""
    seeds = tmp_path / "our-seeds"
    seeds.mkdir()
    write_jsonl(seeds / "harbour.jsonl", [{"title": "Pier", "text": "The Brack pier closed."}])
    env = newsbot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        NEWSBOT_SEEDS=str(seeds),
    )
    script = [sys.executable, "-c", RUN_STOPPED_AS_IT_SEEDS, stage]
    with killed_on_exit(started(tmp_path, env, script)) as process:
        process.wait(timeout=60)
    assert_stopped_at_start_up(process, tmp_path, signal.SIGTERM)
    assert f"WARNING bot.app: {said}\n" in stderr_of(tmp_path)
    with closing(sqlite3.connect(tmp_path / "newsbot.db")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (kept,)


class NotTheBotAPI(BaseHTTPRequestHandler):
    """A captive portal's login page, or a server that quotes the path in its error (the
    path holds the token)."""

    def do_POST(self) -> None:
        if "portal" in self.path:
            status, kind, text = 200, "text/html", "<html><body>Log in to the Wi-Fi</body></html>"
        elif "shape" in self.path:  # JSON, not of the Bot API's shape
            status, kind, text = 200, "application/json", '{"ok": true, "result": []}'
        elif "quoted" in self.path:  # the path quoted back, percent-encoded
            description = f"Bad Request: no route {quote(self.path, safe='')}"
            status, kind = 400, "application/json"
            text = json.dumps({"ok": False, "error_code": 400, "description": description})
        else:
            description = f"Bad Request: no such method {self.path}"
            status, kind = 400, "application/json"
            text = json.dumps({"ok": False, "error_code": 400, "description": description})
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/portal/bot", "is not the Bot API"),
        ("/echo/bot", f"refused getMe (No such method /echo/bot{REDACTED}/getme)"),
        ("/shape/bot", "is not the Bot API (TypeError("),
        ("/quoted/bot", f"refused getMe (No route %2fquoted%2fbot{REDACTED}%2fgetme)"),
    ],
)
def test_a_server_that_is_no_bot_api_is_a_clear_error_without_the_token(
    tmp_path: Path, path: str, said: str
) -> None:
    """Start-up ended in a TelegramError traceback for a login page, and Python printed a
    refused getMe's message, path and token, outside the log's redaction."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotTheBotAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # a proxy's credentials in the address are not shown either
        base = f"http://admin:PortalPw99@127.0.0.1:{server.server_address[1]}{path}"
        env = newsbot_env(tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=base)
        code, err = run(tmp_path, env)
    finally:
        server.shutdown()
        server.server_close()
    last = err.rstrip("\n").rsplit("\n", 1)[-1]  # (python-telegram-bot logs the bad JSON)
    assert code == 1 and last.startswith("newsbot run: ") and said in last
    assert "Traceback" not in err  # the login page in one line, then newsbot's
    assert "check TELEGRAM_API_BASE_URL" in last
    assert TEST_TOKEN not in err and TEST_TOKEN.lower() not in err
    assert quote(TEST_TOKEN, safe="").lower() not in err.lower()
    assert "PortalPw99" not in err and "admin:***@127.0.0.1" in last


@pytest.mark.parametrize("token", ["configured", "another"])
def test_a_base_url_holding_a_token_never_shows_it(tmp_path: Path, token: str) -> None:
    """A token pasted into TELEGRAM_API_BASE_URL ahead of its /bot, this bot's or another's
    (an old one): the settings take it (it ends in /bot), and the start-up error that names
    the address, and the log at DEBUG that quotes the requests' URL, showed it whole. It is
    masked as a token pasted into any setting is (`bot.tokens`)."""
    pasted = (
        TEST_TOKEN if token == "configured" else "123456789:AAF-oldTOKENoldTOKENoldTOKEN0123456"
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotTheBotAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/echo/{pasted}/bot"
        env = newsbot_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_BASE_URL=base,
            NEWSBOT_LOG_LEVEL="DEBUG",
        )
        code, err = run(tmp_path, env)
    finally:
        server.shutdown()
        server.server_close()
    last = err.rstrip("\n").rsplit("\n", 1)[-1]
    assert code == 1 and last.startswith("newsbot run: the Bot API at http://127.0.0.1:"), err
    assert f"/echo/{REDACTED}/bot refused getMe" in last
    logged = rf"DEBUG telegram\.ext\.ExtBot: Set Bot API URL: \S+/echo/{REDACTED}/bot"
    assert re.search(logged, err)  # the log line about the address, masked too
    for shown in (pasted, pasted.lower(), quote(pasted, safe="").lower()):
        assert shown not in err.lower()
    assert pasted.partition(":")[2].lower() not in err.lower()  # nor its secret half


def test_a_reply_that_is_not_json_is_logged_as_one_short_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A login page of kilobytes was logged whole, with a JSONDecodeError traceback."""
    quiet_http_logs()
    page = "<html><body>" + "Log in " * 1000
    try:
        json.loads(page)
    except ValueError:
        logging.getLogger(REPLY_LOGGER).exception('Can not load invalid JSON data: "%s"', page)
    [record] = caplog.records
    assert record.exc_info is None and record.exc_text is None
    assert record.getMessage().startswith('Can not load invalid JSON data: "<html><body>Log in')
    assert len(record.getMessage()) == REPLY_SHOWN + 1  # and "…"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_answers_then_stops_cleanly_on_a_signal(
    tmp_path: Path, fake: FakeTelegramServer, stop: signal.Signals
) -> None:
    env = newsbot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        NEWSBOT_LOG_LEVEL="DEBUG",
        TZ="America/New_York",  # the log's times are UTC all the same
    )
    with newsbot_process(tmp_path, env) as process:
        fake.wait_for_calls("getUpdates", 1, timeout=60)
        fake.user_message(USER, "Where did the joint exercise begin?")
        deadline = time.monotonic() + 30
        while not fake.sent_messages(USER):
            assert time.monotonic() < deadline, "no answer from `newsbot run`"
            time.sleep(0.05)
        process.send_signal(stop)
        process.wait(timeout=30)
    err = stderr_of(tmp_path)
    [answer] = fake.sent_messages(USER)
    assert "Aslanduz" in answer["text"]  # from the bundled seed, ingested into the empty db
    assert process.returncode == 0, err
    assert "NEWSBOT_ALLOWED_CHATS is not set" in err
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO bot\.app: stopped$", err, re.M)
    assert "Traceback" not in err
    assert REDACTED in err  # PTB logged its API URL at DEBUG, token replaced
    assert TEST_TOKEN not in err
    assert " INFO httpx" not in err
    assert "apscheduler" not in err  # a line for every run of every job, buried all else


def test_a_token_revoked_while_running_stops_the_bot_with_a_clear_error(
    tmp_path: Path, fake: FakeTelegramServer
) -> None:
    """The Bot API refuses the token mid-run (revoked in @BotFather) and python-telegram-bot
    stops polling. Rather than go on running deaf, where a SIGTERM would leave it hanging on
    the database's threads, the bot stops by itself, closes what it opened, and says why."""
    env = newsbot_env(tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=fake.base_url)
    with newsbot_process(tmp_path, env) as process:
        fake.wait_for_calls("getUpdates", 1, timeout=60)
        fake.fail_next("getUpdates", 401, "Unauthorized", count=1_000_000)
        process.wait(timeout=60)
    err = stderr_of(tmp_path)
    assert process.returncode == 1, err
    assert "the Bot API stopped accepting TELEGRAM_BOT_TOKEN" in err
    assert err.count("Traceback") <= 1  # python-telegram-bot's own log of the refusal
    assert TEST_TOKEN not in err


def test_an_unreadable_update_is_skipped_once_and_sigterm_still_stops_it(
    tmp_path: Path, fake: FakeTelegramServer
) -> None:
    env = newsbot_env(tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=fake.base_url)
    with newsbot_process(tmp_path, env) as process:
        fake.wait_for_calls("getUpdates", 1, timeout=60)
        # python-telegram-bot cannot read this update: unhandled, it fails the whole batch,
        # and the updater fetches the same batch again, and again (568 tracebacks in 30 s).
        bad = fake.enqueue_update({"message": 42})
        fake.user_message(USER, "Where did the joint exercise begin?")
        deadline = time.monotonic() + 30
        while not fake.sent_messages(USER):
            assert time.monotonic() < deadline, "no answer after the unreadable update"
            time.sleep(0.05)
        polls = len(fake.calls("getUpdates"))
        time.sleep(1.0)
        assert len(fake.calls("getUpdates")) < polls + 5  # long polls again, no busy loop
        long_polls = fake.long_polls()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    err = stderr_of(tmp_path)
    assert process.returncode == 0, err
    # it stopped in the long poll it was in: the fake still holds that poll open, and none
    # ended meanwhile (a stop that waited one out would see it answered at its timeout)
    assert fake.long_polls() == long_polls
    assert err.count(f"skipped update {bad['update_id']}") == 1
    assert "Traceback" not in err and "Error while parsing updates" not in err
    assert not fake.pending_updates()  # the bad update was confirmed, not fetched forever


OTHER_TOKEN = "987654321:BBOtherTokenForNewsbotTests_01234-y"


def run_until_polling(
    tmp_path: Path, env: dict[str, str], fake: FakeTelegramServer, *args: str
) -> str:
    """`newsbot run ARGS` until it polls, then SIGTERM; its stderr."""
    polled = len(fake.calls("getUpdates"))
    with newsbot_process(tmp_path, env, *args) as process:
        fake.wait_for_calls("getUpdates", polled + 1, timeout=60)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    err = stderr_of(tmp_path)
    assert process.returncode == 0, err
    return err


def test_a_database_serves_the_first_bot_and_refuses_another_until_handed_over(
    tmp_path: Path, fake: FakeTelegramServer
) -> None:
    """A staging bot pointed at the production database could not reach its chats, and
    stopped every digest subscription of them for good. It is refused, by the database's
    bot, until `run --take-over` hands the database over to it."""
    first = newsbot_env(
        tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=fake.base_url
    )
    run_until_polling(tmp_path, first, fake)
    other = FakeTelegramServer(token=OTHER_TOKEN, username="staging_bot").start()
    try:
        second = first | {
            "TELEGRAM_BOT_TOKEN": OTHER_TOKEN,
            "TELEGRAM_API_BASE_URL": other.base_url,
        }
        code, err = run(tmp_path, second)
        assert code == 1, err
        assert err.splitlines()[-1] == (
            f"newsbot run: the database {tmp_path / 'newsbot.db'} serves bot 123456789 "
            "(@newsbot_test_bot), not this bot 987654321 (@staging_bot): give this bot a "
            "database of its own (NEWSBOT_DB or --db), or hand this one over to it with "
            "`newsbot run --take-over`"
        )
        assert not other.calls("getUpdates") and "Traceback" not in err
        err = run_until_polling(tmp_path, second, other, "--take-over")
        assert (
            "the database served bot 123456789 (@newsbot_test_bot): it serves bot 987654321 "
            "(@staging_bot) from now on"
        ) in err.replace(f" {tmp_path / 'newsbot.db'} ", " ")
        run_until_polling(tmp_path, second, other)  # its database now
    finally:
        other.stop()
    code, err = run(tmp_path, first)
    assert code == 1
    assert "serves bot 987654321 (@staging_bot), not this bot 123456789" in err
    for token in (TEST_TOKEN, OTHER_TOKEN):
        secret = token.split(":")[1]
        assert secret not in err
        for made in tmp_path.glob("newsbot.db*"):  # the database, its -wal: not the indexes
            assert made.is_dir() or secret.encode() not in made.read_bytes()
