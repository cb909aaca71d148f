"""`newsbot feeds add|list|remove|poll`, run through the real entry point."""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli.common import EXIT_FAILED
from bot.cli.feeds import FEED_FIELDS, NO_FEEDS
from bot.cli.main import main
from bot.cli.parser import build_parser
from retrieval.engine import Engine
from retrieval.feeds.registry import IDS_NAMED
from retrieval.index.files import index_dir
from retrieval.indexing import article_index_dir
from tests.cli_process import clean_env, run_newsbot
from tests.feed_server import FeedServer, Route

from .conftest import REPO, SEEDS, run_sql


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("NEWSBOT_DB", "NEWSBOT_ALLOW_PRIVATE_URLS", "NEWSBOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "1")  # the feed server is on loopback


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_remove(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, _ = run(
        capsys,
        db_path,
        "feeds",
        "add",
        "--no-check",
        "https://news.test/post.rss",
        "--name",
        "Port Ellery Post",
        "--every",
        "1h30m",
    )
    assert code == 0
    assert out.startswith("added feed 1: Port Ellery Post, every 1h30m; it is due now")
    run(capsys, db_path, "feeds", "add", "--no-check", "https://news.test/notes.atom")
    code, out, _ = run(capsys, db_path, "feeds", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "1",
        "new",
        "every",
        "1h30m",
        "0",
        "articles",
        "last",
        "fetch",
        "never",
        "Port",
        "Ellery",
        "Post",
    ]
    assert lines[1].strip() == "https://news.test/post.rss"
    assert lines[2].split()[:4] == ["2", "new", "every", "15m"]
    code, out, _ = run(capsys, db_path, "feeds", "remove", "https://news.test/post.rss")
    assert (code, out) == (
        0,
        "removed feed 1 (Port Ellery Post); its 0 articles stay in the corpus\n",
    )
    code, out, _ = run(capsys, db_path, "feeds", "remove", "2")
    assert code == 0
    assert run(capsys, db_path, "feeds", "list")[1].startswith("no feeds yet")


def test_remove_takes_several_feeds_and_fails_for_one_that_names_none(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """`feeds remove 3 4` was a usage error ("unrecognized arguments: 4") though `newsbot
    remove` takes several: each is removed and said, one naming no feed is an error."""
    for name in ("a", "b", "c"):
        run(capsys, db_path, "feeds", "add", "--no-check", f"https://news.test/{name}.rss")
    code, out, err = run(capsys, db_path, "feeds", "remove", "1", "9", "https://news.test/c.rss")
    assert code == 1
    assert out == (
        "removed feed 1 (https://news.test/a.rss); its 0 articles stay in the corpus\n"
        "removed feed 3 (https://news.test/c.rss); its 0 articles stay in the corpus\n"
    )
    assert err == "newsbot feeds remove: no feed '9': give a feed's id or URL (ids: 2, 3)\n"
    assert run(capsys, db_path, "feeds", "list")[1].split()[:2] == ["2", "new"]


def test_a_feed_is_removed_by_the_address_it_moved_from_for_good(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """A feed added at an address that has moved for good (301) is polled at the new one;
    `feeds remove` given the address it was added by (a script's) said "no feed": it
    removes the feed, saying where it is polled now."""
    new = feed_server.serve("/feeds/new-home.rss", "gazette.rss")
    old = feed_server.url("/old.rss")
    feed_server.routes["/old.rss"] = Route(status=301, headers={"Location": new})
    run(capsys, db_path, "feeds", "add", "--no-check", old)
    run(capsys, db_path, "feeds", "add", feed_server.serve("/feeds/notes.atom", "notes.atom"))
    run(capsys, db_path, "feeds", "poll", "--quiet")
    assert run_sql(db_path, "SELECT url FROM feeds WHERE id = 1") == [(new,)]

    code, out, err = run(capsys, db_path, "feeds", "remove", old)

    assert (code, err) == (0, "")
    assert out == (
        f"removed feed 1 (The Port Ellery Post), polled at {new} since it moved there for "
        f"good from {old}; its 4 articles stay in the corpus\n"
    )
    assert run_sql(db_path, "SELECT id FROM feeds") == [(2,)]
    assert run_sql(db_path, "SELECT count(*) FROM feed_moves") == [(0,)]  # gone with it
    code, _, err = run(capsys, db_path, "feeds", "remove", old)
    assert (code, err) == (
        1,
        f"newsbot feeds remove: no feed '{old}': give a feed's id or URL (ids: 2)\n",
    )


def test_adding_a_feed_again_says_resumed_only_when_it_was_paused(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """An active feed added again was "updated (and resumed)", as if it had been stopped;
    and "updated" when nothing changed, but that it is due now."""
    url = "https://news.test/post.rss"
    assert run(capsys, db_path, "feeds", "add", "--no-check", url)[1].startswith("added feed 1: ")
    assert run(capsys, db_path, "feeds", "add", "--no-check", url, "--every", "1h")[1].startswith(
        "updated feed 1: https://news.test/post.rss, every 1h; it is due now"
    )
    run_sql(db_path, "UPDATE feeds SET next_poll_ts = 9e9")
    for again in ((), ("--every", "1h")):
        assert run(capsys, db_path, "feeds", "add", "--no-check", url, *again)[1].startswith(
            "feed 1 is already added: https://news.test/post.rss, every 1h; it is due now"
        )
        assert run_sql(db_path, "SELECT next_poll_ts < 9e9 FROM feeds") == [(1,)]  # due, so
        run_sql(db_path, "UPDATE feeds SET next_poll_ts = 9e9")
    run_sql(db_path, "UPDATE feeds SET paused_ts = 1, failures = 5")
    assert run(capsys, db_path, "feeds", "add", "--no-check", url)[1].startswith(
        "resumed feed 1: "
    )
    run_sql(db_path, "UPDATE feeds SET paused_ts = 1, failures = 5")
    assert run(capsys, db_path, "feeds", "add", "--no-check", url, "--name", "Post")[1].startswith(
        "updated and resumed feed 1: Post"
    )


def test_feed_commands_leave_the_indexes_alone(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """None of add, list, remove needs the indexes: they were loaded, or rebuilt from every
    stored sentence and saved, for each (seconds to minutes of a large corpus)."""
    assert main(["--db", str(db_path), "ingest", "--quiet", str(SEEDS)]) == 0
    for folder in (index_dir(db_path), article_index_dir(db_path)):
        shutil.rmtree(folder)
    for command in (
        ("add", "--no-check", "https://news.test/post.rss"),
        ("list",),
        ("remove", "1"),
    ):
        assert run(capsys, db_path, "feeds", *command)[0] == 0
    assert not index_dir(db_path).exists() and not article_index_dir(db_path).exists()


def test_bad_input_is_a_usage_error_naming_what_is_expected(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, _, err = run(capsys, db_path, "feeds", "add", "--no-check", "ftp://news.test/feed")
    assert code == 2 and "only http and https" in err
    with pytest.raises(SystemExit) as info:
        main(
            [
                "--db",
                str(db_path),
                "feeds",
                "add",
                "--no-check",
                "https://news.test/a",
                "--every",
                "soon",
            ]
        )
    assert info.value.code == 2
    assert "use e.g. 15m, 2h, 1h30m or 1d" in capsys.readouterr().err
    code, _, err = run(capsys, db_path, "feeds", "remove", "7")
    assert code == 1 and "no feed '7': there are no feeds" in err  # not "(ids: none yet)"


def test_poll_stores_articles_saves_the_index_and_reports_failures(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    db_path: Path,
    feed_server: FeedServer,
) -> None:
    gazette = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed_server.routes["/feeds/error.rss"] = Route(status=500)
    run(capsys, db_path, "feeds", "add", "--no-check", gazette)
    run(capsys, db_path, "feeds", "add", "--no-check", feed_server.url("/feeds/error.rss"))

    with caplog.at_level(logging.INFO, logger="retrieval.feeds.poll"):
        code, out, _ = run(capsys, db_path, "feeds", "poll")

    assert code == 1  # a feed failed: cron should say so
    assert out.startswith("polled 2 feeds: 4 articles added, 1 feed failed, 0 paused in ")
    logged = [r.getMessage() for r in caplog.records if r.name == "retrieval.feeds.poll"]
    error_feed = feed_server.url("/feeds/error.rss")
    assert f"feed 1 ({gazette}): 4 new entries, 4 articles added, 0 duplicates, 1 problem" in (
        logged
    )
    assert f"feed 2 ({error_feed}): failed: HTTP 500 Internal Server Error" in logged
    assert (Path(f"{db_path}.index") / "manifest.json").is_file()
    # A new process finds the articles in the saved index.
    code, out, _ = run(capsys, db_path, "ask", "night ferry propeller shaft", "--limit", "1")
    assert code == 0 and "Night ferry to the outer islands" in out

    code, out, _ = run(capsys, db_path, "feeds", "list")
    assert "4 articles" in out and "The Port Ellery Post" in out
    assert "last error: HTTP 500 Internal Server Error (next try " in out

    code, out, _ = run(capsys, db_path, "feeds", "poll")
    assert (code, out) == (0, "no feeds are due (use --all to poll them anyway)\n")
    # --all polls every feed that is not paused, even one backing off.
    code, out, _ = run(capsys, db_path, "feeds", "poll", "--all")
    assert code == 1 and out.startswith("polled 2 feeds: 0 articles added, 1 feed failed")
    assert len(feed_server.hits("/feeds/error.rss")) == 2


def test_polls_forced_while_a_feed_backs_off_do_not_pause_it(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """Six `feeds poll --all` in four minutes paused a feed "after 6 failures in a row":
    its back-off, meant to count a failure a period, was skipped and each counted."""
    feed_server.routes["/feeds/error.rss"] = Route(status=500)
    run(capsys, db_path, "feeds", "add", "--no-check", feed_server.url("/feeds/error.rss"))
    for _ in range(7):
        code, out, err = run(capsys, db_path, "feeds", "poll", "--all")
        assert code == 1 and "1 feed failed, 0 paused" in out and "paused" not in err
    assert len(feed_server.hits("/feeds/error.rss")) == 7  # polled each time, as asked
    assert run_sql(db_path, "SELECT failures, paused_ts FROM feeds") == [(1, None)]
    assert "failing (1)" in run(capsys, db_path, "feeds", "list")[1]
    run_sql(db_path, "UPDATE feeds SET next_poll_ts = 0")  # its back-off over: counted
    assert run(capsys, db_path, "feeds", "poll", "--all")[0] == 1
    assert run_sql(db_path, "SELECT failures FROM feeds") == [(2,)]


def test_a_feed_counts_the_articles_it_stored_not_its_duplicates(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    db_path: Path,
    feed_server: FeedServer,
) -> None:
    """The same feed added again under another address stores nothing ("0 articles added,
    4 duplicates"), yet `feeds list` gave it the first one's 4 articles, and `feeds remove`
    said "its 4 articles stay in the corpus"."""
    gazette = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    run(capsys, db_path, "feeds", "add", "--no-check", gazette)
    run(capsys, db_path, "feeds", "add", "--no-check", f"{gazette}?edition=local")
    with caplog.at_level(logging.INFO, logger="retrieval.feeds.poll"):
        assert run(capsys, db_path, "feeds", "poll")[0] == 0
    logged = [r.getMessage() for r in caplog.records if r.name == "retrieval.feeds.poll"]
    assert any("feed 2 (" in m and "0 articles added, 4 duplicates" in m for m in logged)
    _, listed, _ = run(capsys, db_path, "feeds", "list")
    counts = {line.split()[0]: line.split()[4] for line in listed.splitlines() if "every" in line}
    assert counts == {"1": "4", "2": "0"}
    _, removed, _ = run(capsys, db_path, "feeds", "remove", "2")
    assert removed.endswith("; its 0 articles stay in the corpus\n")


@pytest.mark.parametrize("level", ["ERROR", "INFO"])
def test_poll_says_why_a_feed_failed_once_whatever_the_log_level(
    level: str, capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """Under cron with NEWSBOT_LOG_LEVEL=ERROR, a failing feed was "1 feed failed", exit 1,
    and no word of which or why; once it was printed, at the default level it was on
    stderr twice: the poll's warning and the same line printed. (A real process: the log
    level is the process's.)"""
    feed_server.routes["/feeds/error.rss"] = Route(status=500)
    run(capsys, db_path, "feeds", "add", "--no-check", feed_server.url("/feeds/error.rss"))
    env = clean_env(NEWSBOT_LOG_LEVEL=level, NEWSBOT_ALLOW_PRIVATE_URLS="1")
    done = run_newsbot(["--db", str(db_path), "feeds", "poll"], db_path.parent, env)
    assert done.returncode == 1 and "1 feed failed" in done.stdout
    error_feed = feed_server.url("/feeds/error.rss")
    assert done.stderr.count(f"feed 1 ({error_feed}): failed: HTTP 500 Internal Server Error") == 1


def test_a_polls_problem_lines_escape_what_a_feeds_links_would_make_the_terminal_do(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """An entry's link is the feed's to write: one with an ESC sequence (a screen cleared, a
    line recoloured) or a bidi control (U+202E, a line read backwards) reached the terminal
    raw in the poll's problem lines. They are escaped, as an ingest's file names are."""
    link = feed_server.url("/news/quay\u202eside\x1b[2J")
    item = f"<item><guid>q-1</guid><link>{link}</link></item>"
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Quays</title>{item}'
    feed_server.routes["/feeds/q.rss"] = Route(
        body=f"{body}</channel></rss>".encode(), content_type="application/rss+xml"
    )
    run(capsys, db_path, "feeds", "add", "--no-check", feed_server.url("/feeds/q.rss"))
    env = clean_env(NEWSBOT_ALLOW_PRIVATE_URLS="1")
    done = run_newsbot(["--db", str(db_path), "feeds", "poll"], db_path.parent, env)
    shown = feed_server.url("/news/quay\\u202eside\\x1b[2J")
    assert f"page {shown}: " in done.stderr, done.stderr
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr


# A feed whose title and whose server's reason phrase would make a terminal do things: a
# U+202E shows the rest of a line reversed, an ESC sequence clears the screen.
HOSTILE_TITLE = "The \u202eQuays"
HOSTILE_REASON = "Bad\x1b[2J Gateway"
SHOWN_HOSTILE = "feed 1 (The \\u202eQuays): failed: HTTP 500 Bad\\x1b[2J Gateway"


def add_hostile_feed(capsys: pytest.CaptureFixture[str], db: Path, server: FeedServer) -> str:
    """Add a feed titled HOSTILE_TITLE (read by `feeds add`'s check), that then fails with
    HOSTILE_REASON; what `feeds add` said."""
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{HOSTILE_TITLE}</title>'
    server.routes["/feeds/q.rss"] = Route(
        body=f"{body}</channel></rss>".encode(), content_type="application/rss+xml"
    )
    code, out, _ = run(capsys, db, "feeds", "add", server.url("/feeds/q.rss"))
    assert code == 0
    # A title is spaced of its bidi controls as it is read (`clean_line`); one stored by an
    # earlier version kept them, and is what each line below must still show escaped.
    run_sql(db, "UPDATE feeds SET title = ?", HOSTILE_TITLE)
    server.routes["/feeds/q.rss"] = Route(status=500, reason=HOSTILE_REASON)
    return out


@pytest.mark.parametrize("level", ["ERROR", "INFO"])
def test_a_failed_feeds_line_escapes_what_its_title_and_server_would_make_the_terminal_do(
    level: str, capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """A feed's title and its server's reason phrase are theirs to write: a U+202E or an
    ESC sequence in them reached the terminal, and the log, raw in the poll's line for the
    feed (logged, or printed where the log level hides it)."""
    add_hostile_feed(capsys, db_path, feed_server)
    env = clean_env(NEWSBOT_LOG_LEVEL=level, NEWSBOT_ALLOW_PRIVATE_URLS="1")
    done = run_newsbot(["--db", str(db_path), "feeds", "poll"], db_path.parent, env)
    assert done.stderr.count(SHOWN_HOSTILE) == 1, done.stderr
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr


def test_a_paused_feeds_line_escapes_what_its_title_and_server_would_make_the_terminal_do(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """`feeds poll`'s line for a feed it paused gave its title and its last error (its
    server's reason phrase) raw: a U+202E or an ESC sequence in them reached the terminal."""
    add_hostile_feed(capsys, db_path, feed_server)
    run_sql(db_path, "UPDATE feeds SET failures = 5")  # the next failure pauses it
    code, _, err = run(capsys, db_path, "feeds", "poll")
    assert code == EXIT_FAILED
    shown = "paused: feed 1 (The \\u202eQuays) after 6 failures in a row: HTTP 500 Bad\\x1b[2J"
    assert f"{shown} Gateway; `newsbot feeds add {feed_server.url('/feeds/q.rss')}`" in err, err
    assert "\x1b" not in err and "\u202e" not in err


def test_feeds_list_escapes_what_a_feeds_title_and_server_would_make_the_terminal_do(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """`feeds list` gave a feed's label (its title) and its last error (its server's reason
    phrase) raw: a U+202E or an ESC sequence in them reached the terminal. `--json` keeps
    them as they are, for a program, written as JSON's escapes: JSON escapes an ESC
    (\\u001b) itself, `json_text` a U+202E."""
    add_hostile_feed(capsys, db_path, feed_server)
    run(capsys, db_path, "feeds", "poll")
    code, out, _ = run(capsys, db_path, "feeds", "list")
    assert code == 0 and len(out.splitlines()) == 3, out
    assert "last fetch " in out and out.splitlines()[0].endswith("  The \\u202eQuays")
    assert "     last error: HTTP 500 Bad\\x1b[2J Gateway (next try " in out
    assert "\x1b" not in out and "\u202e" not in out
    code, out, _ = run(capsys, db_path, "feeds", "list", "--json")
    (feed,) = json.loads(out)["feeds"]
    assert (feed["label"], feed["last_error"]) == (HOSTILE_TITLE, f"HTTP 500 {HOSTILE_REASON}")
    assert "\x1b" not in out and "\u202e" not in out  # written \\u202e, as JSON reads it


def test_feeds_add_and_remove_escape_what_a_feeds_title_would_make_the_terminal_do(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """`feeds add` named the feed by the title its check read, and `feeds remove` by its
    label, raw: a U+202E in the feed's title reached the terminal. The title read is spaced
    of it now; the one stored before is escaped."""
    added = add_hostile_feed(capsys, db_path, feed_server)
    assert added.startswith("added feed 1: The Quays, every 15m; it is due now"), added
    code, out, _ = run(capsys, db_path, "feeds", "remove", "1")
    assert (code, out.split(";")[0]) == (0, "removed feed 1 (The \\u202eQuays)")


def test_a_quiet_poll_that_went_well_prints_nothing_for_cron(
    db_path: Path, feed_server: FeedServer
) -> None:
    """README's cron line mailed the admin every 15 minutes: `feeds poll --quiet` still
    logged each feed's "not modified" (INFO, the default level) and printed the summary. A
    failure, the only thing to mail, is still said. (Real processes: the log level is the
    process's.)"""
    env = clean_env(NEWSBOT_ALLOW_PRIVATE_URLS="1")  # NEWSBOT_LOG_LEVEL as default: INFO

    def poll(*args: str) -> subprocess.CompletedProcess[str]:
        return run_newsbot(["--db", str(db_path), "feeds", "poll", *args], db_path.parent, env)

    run_sql(db_path, "PRAGMA user_version")  # an empty database: no feeds in it yet
    done = poll("--quiet")
    assert (done.returncode, done.stdout, done.stderr) == (0, NO_FEEDS + "\n", "")
    feed = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss")
    assert main(["--db", str(db_path), "feeds", "add", "--no-check", feed]) == 0
    done = poll("--quiet")  # stores its articles, saves the index
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert run_sql(db_path, "SELECT count(*) FROM articles")[0][0] > 0
    for args in (("--quiet",), ("--quiet", "--all")):  # none due; then "not modified"
        done = poll(*args)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert len(feed_server.hits("/feeds/quayside.rss")) == 2
    done = poll("--all")  # without --quiet, as before
    assert done.stdout.startswith("polled 1 feed: 0 articles added") and "not modified" in (
        done.stderr
    )

    feed_server.routes["/feeds/error.rss"] = Route(status=500)
    assert (
        main(
            [
                "--db",
                str(db_path),
                "feeds",
                "add",
                "--no-check",
                feed_server.url("/feeds/error.rss"),
            ]
        )
        == 0
    )
    done = poll("--quiet")
    assert done.returncode == 1
    assert done.stdout.startswith("polled 1 feed: 0 articles added, 1 feed failed")
    assert done.stderr.count("failed: HTTP 500 Internal Server Error") == 1
    assert "INFO" not in done.stderr


def test_a_quiet_poll_says_an_entry_without_text_once_not_at_every_poll(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    db_path: Path,
    feed_server: FeedServer,
) -> None:
    """A podcast's entry, its audio alone, was warned of at every `feeds poll --quiet` for a
    day (it is tried again that long): a cron mail every 15 minutes. It is said once."""
    podcast = (
        "<item><title>Podcast: the week on the quays</title><guid>ep-12</guid><enclosure "
        f'url="{feed_server.url("/audio/ep12.mp3")}" length="1234" type="audio/mpeg"/></item>'
    )
    body = feed_server.fixture("quayside-1.rss").replace(
        b"</channel>", podcast.encode() + b"</channel>"
    )
    feed_server.routes["/feeds/q.rss"] = Route(body=body, content_type="application/rss+xml")
    run(capsys, db_path, "feeds", "add", feed_server.url("/feeds/q.rss"))
    mailed = []  # what cron would mail: the output, and the log from WARNING up
    for _ in range(2):
        caplog.clear()
        code, out, err = run(capsys, db_path, "feeds", "poll", "--quiet", "--all")
        assert code == 0
        logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        mailed.append([*out.splitlines(), *err.splitlines(), *logged])
    assert [m.split(": ", 1)[1] for m in mailed[0]] == [
        "entry Podcast: the week on the quays: no text (no page, and no summary in the "
        "feed); tried again for a day (3 polls at least), not said again"
    ]
    assert mailed[1] == []


def test_a_poll_with_no_feeds_says_there_are_none_yet(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It said "no feeds are due (use --all to poll them anyway)", as if there were some.
    And it said so only once it had opened the engine, loading or building the search
    index (a second and more, and two INFO lines on stderr) to poll nothing."""
    run_sql(db_path, "PRAGMA user_version")  # an empty database

    async def not_opened(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine is opened to poll no feed")

    with monkeypatch.context() as patched:
        patched.setattr(Engine, "open", not_opened)
        assert run(capsys, db_path, "feeds", "poll") == (0, NO_FEEDS + "\n", "")
        assert run(capsys, db_path, "feeds", "poll", "--all") == (0, NO_FEEDS + "\n", "")
    assert run(capsys, db_path, "feeds", "list")[1] == NO_FEEDS + "\n"
    run(capsys, db_path, "feeds", "add", "--no-check", "https://news.test/post.rss")
    run_sql(db_path, "UPDATE feeds SET next_poll_ts = 9e12")
    assert run(capsys, db_path, "feeds", "poll")[:2] == (
        0,
        "no feeds are due (use --all to poll them anyway)\n",
    )
    run_sql(db_path, "UPDATE feeds SET paused_ts = 1")
    paused = (
        "every feed is paused: `newsbot feeds list` says why, and adding one again"
        " (`newsbot feeds add URL`) resumes it\n"
    )
    for args in ((), ("--all",)):
        assert run(capsys, db_path, "feeds", "poll", *args) == (0, paused, "")
    # cron's --quiet said nothing at all: the admin never heard that nothing is polled
    for quiet in (("--quiet",), ("--quiet", "--all")):
        assert run(capsys, db_path, "feeds", "poll", *quiet) == (0, "", paused)


def test_a_feeds_credentials_are_never_shown_or_logged(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    db_path: Path,
    feed_server: FeedServer,
) -> None:
    """A private feed's address carries its credentials (user:password@, ?token=). With no
    name given, the address was the feed's label: in every log line of every poll, in feeds
    list and add, and in the bot's /feeds and paused notices."""
    feed_server.routes["/private.rss"] = Route(status=500)
    host = feed_server.url("/private.rss").removeprefix("http://")
    url = f"http://alice:hunter2@{host}?token=SEKRET123&page=2"
    with caplog.at_level(logging.DEBUG):  # aiosqlite logged each statement's parameters
        _, added, _ = run(capsys, db_path, "feeds", "add", "--no-check", url)
        code, out, err = run(capsys, db_path, "feeds", "poll")
        _, listed, _ = run(capsys, db_path, "feeds", "list")
    assert code == 1 and "failed" in out
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (added, out, err, listed, logged):
        assert "hunter2" not in text and "SEKRET123" not in text
    assert f"http://alice:***@{host}?token=***&page=2" in listed


def test_a_rotated_token_updates_its_feed_in_place(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    db_path: Path,
    feed_server: FeedServer,
) -> None:
    """A private feed's token rotated: `feeds add` of its address with the new one "added
    feed 2", listed as the first was (`world.rss?token=***`), fetching its entries again as
    duplicates, while the first kept failing until paused; `feeds remove` of that shown
    address then said "2 feeds are shown as ...", and of the old address with a mistyped
    token "no feed '...?token=***'", the very address `list` showed."""
    feed_server.serve("/world.rss", "gazette.rss")
    old, new = (feed_server.url(f"/world.rss?token={t}") for t in ("SECRETTOK", "ROTATED2"))
    run(capsys, db_path, "feeds", "add", "--no-check", old)
    assert run(capsys, db_path, "feeds", "poll")[0] == 0
    feed_server.routes["/world.rss?token=SECRETTOK"] = Route(status=401)  # revoked
    assert run(capsys, db_path, "feeds", "poll", "--all")[0] == 1
    run_sql(db_path, "UPDATE feeds SET paused_ts = 1, failures = 6")
    articles = run_sql(db_path, "SELECT count(*) FROM articles")

    with caplog.at_level(logging.DEBUG):
        code, added, err = run(capsys, db_path, "feeds", "add", "--no-check", new)
        _, listed, _ = run(capsys, db_path, "feeds", "list")
        polled = run(capsys, db_path, "feeds", "poll")
        code_removed, _, not_removed = run(
            capsys, db_path, "feeds", "remove", feed_server.url("/world.rss?token=WRONGTOKEN")
        )
    assert (code, err) == (0, "")
    assert added.startswith(
        "updated feed 1's credentials and resumed it: The Port Ellery Post, every 15m; it is "
        "due now"
    )
    shown = feed_server.url("/world.rss?token=***")
    assert listed.splitlines()[0].split()[:2] == ["1", "ok"] and listed.count(shown) == 1
    assert "last error" not in listed
    # its validators dropped (the new token may see another feed): fetched whole; the
    # entries it delivered are still seen, not stored again
    assert polled[0] == 0 and polled[1].startswith("polled 1 feed: 0 articles added")
    (fetched,) = feed_server.hits("/world.rss?token=ROTATED2")
    assert "if-none-match" not in fetched.headers
    assert run_sql(db_path, "SELECT count(*) FROM articles") == articles
    assert run_sql(db_path, "SELECT id, url, failures, paused_ts, last_error FROM feeds") == [
        (1, new, 0, None, None)
    ]
    assert code_removed == 1 and not_removed == (
        f"newsbot feeds remove: no feed '{shown}' with these credentials: feed 1 has that "
        "address with other credentials (give its id to remove it)\n"
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (added, listed, *polled[1:], not_removed, logged):
        assert "SECRETTOK" not in text and "ROTATED2" not in text and "WRONGTOKEN" not in text
    # with another parameter, it is another feed
    assert run(capsys, db_path, "feeds", "add", "--no-check", f"{new}&edition=local")[
        1
    ].startswith("added feed 2: ")


@pytest.mark.parametrize(
    "credentials", ["?token=ABC123", "?api_key=ABC123&sig=S1G", "?auth=ABC123&x-api-key=K"]
)
def test_a_feed_that_comes_to_need_credentials_is_given_them(
    credentials: str, capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """A feed added without credentials, added again with a token or a password (its site
    came to ask for one), was "added feed 2", a twin polling the same entries: only a token
    put in place of another was taken for the same feed. It is feed 1, given them; and
    given none again (the site stopped asking), they are dropped from it. A ?sid= is no
    credential (it may name a section): still another feed."""
    feed_server.serve("/rss.xml", "gazette.rss")
    plain = feed_server.url("/rss.xml")
    host = plain.removeprefix("http://").split("/")[0]
    run(capsys, db_path, "feeds", "add", "--no-check", plain)
    assert run(capsys, db_path, "feeds", "poll")[0] == 0
    articles = run_sql(db_path, "SELECT count(*) FROM articles")
    for given, said in (
        (f"{plain}{credentials}", "updated feed 1's credentials: "),
        (f"http://alice:hunter2@{host}/rss.xml", "updated feed 1's credentials: "),
        (plain, "dropped feed 1's credentials: "),
    ):
        code, out, err = run(capsys, db_path, "feeds", "add", "--no-check", given)
        assert (code, err) == (0, "") and out.startswith(said), out
        assert run_sql(db_path, "SELECT id, url, etag FROM feeds") == [(1, given, None)]
        assert run(capsys, db_path, "feeds", "poll")[0] == 0  # its entries seen: none again
        assert run_sql(db_path, "SELECT count(*) FROM articles") == articles
    for out in run(capsys, db_path, "feeds", "list")[1:]:
        assert "ABC123" not in out and "hunter2" not in out
    code, out, _ = run(capsys, db_path, "feeds", "add", "--no-check", f"{plain}?sid=politics")
    assert code == 0 and out.startswith("added feed 2: ")


def test_a_token_given_to_a_feed_added_twice_before_goes_to_the_one_with_a_token(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """Feeds a release before added twice, without a token and with one: a rotated token
    goes to the one that had a token; a password, which neither had, names neither. And a
    feed with a token is not removed by its address without one, which names it."""
    plain = "https://news.test/rss.xml"
    run(capsys, db_path, "feeds", "add", "--no-check", plain)
    run_sql(
        db_path,
        "INSERT INTO feeds (id, url, interval_s, added_ts, next_poll_ts) VALUES (2, ?, 900, 0, 0)",
        f"{plain}?token=OLD",
    )
    code, out, _ = run(capsys, db_path, "feeds", "add", "--no-check", f"{plain}?token=NEW")
    assert code == 0 and out.startswith("updated feed 2's credentials: ")
    code, _, err = run(
        capsys, db_path, "feeds", "add", "--no-check", "https://bob:pw@news.test/rss.xml"
    )
    assert code == 1 and "feeds 1, 2 are at 'https://bob:***@news.test/rss.xml' with" in err
    run(capsys, db_path, "feeds", "add", "--no-check", "https://news.test/other.rss?token=T0K")
    code, _, err = run(capsys, db_path, "feeds", "remove", "https://news.test/other.rss")
    assert (code, err) == (
        1,
        "newsbot feeds remove: no feed 'https://news.test/other.rss' without credentials: "
        "feed 3 has that address with credentials (give its id to remove it)\n",
    )


@pytest.mark.parametrize("name", ["sid", "key", "session", "Region_Key"])
def test_addresses_that_differ_in_a_masked_value_that_may_be_no_credential_are_two_feeds(
    name: str, capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """?sid= and ?key= are masked when shown, as they may be a session or a key, and were
    taken for credentials: adding ?sid=sports after ?sid=politics said "updated feed 1's
    credentials", and the politics feed was gone. Listed alike, they are told apart by id.
    (?auth=, which can be nothing but a credential, is one: `is_credential`.)"""
    politics, sports = (f"https://news.example.com/rss?{name}={v}" for v in ("politics", "sports"))
    code, added, _ = run(capsys, db_path, "feeds", "add", "--no-check", politics)
    assert code == 0 and added.startswith("added feed 1: ")
    code, added, err = run(capsys, db_path, "feeds", "add", "--no-check", sports)
    shown = f"https://news.example.com/rss?{name}=***"
    assert (code, err) == (0, "") and added.splitlines() == [
        f"added feed 2: {shown}, every 15m; it is due now (newsbot feeds poll, or the running"
        " bot, fetches it)",
        f"feed 1 is listed at {shown} too (*** hides what differs): a --name tells them apart"
        " in `newsbot feeds list`, and `newsbot feeds remove 2` names this one",
    ]
    assert run_sql(db_path, "SELECT id, url FROM feeds") == [(1, politics), (2, sports)]
    # each is still its own: adding one again updates it, and no other
    assert run(capsys, db_path, "feeds", "add", "--no-check", politics, "--name", "Politics")[
        1
    ].startswith("updated feed 1: Politics")
    listed = run(capsys, db_path, "feeds", "list")[1].splitlines()
    assert [line.split()[0] for line in listed if " every " in line] == ["1", "2"]
    assert listed[0].endswith("Politics") and listed[2].endswith(shown)
    assert "politics" not in "".join(listed) and "sports" not in "".join(listed)
    code, _, err = run(capsys, db_path, "feeds", "remove", shown)
    assert code == 1 and f"2 feeds are shown as '{shown}': give one's id (ids: 1, 2)" in err
    code, out, _ = run(capsys, db_path, "feeds", "remove", "2")
    assert code == 0 and out.startswith("removed feed 2 ")
    assert run_sql(db_path, "SELECT id, url FROM feeds") == [(1, politics)]


def test_many_feeds_listed_alike_are_named_by_their_first_ids_and_a_count(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """A site's every section added by ?sid=: each `feeds add` named every feed listed
    alike, a line that grew without bound."""
    for n in range(1, IDS_NAMED + 6):
        code, added, _ = run(
            capsys, db_path, "feeds", "add", "--no-check", f"https://news.example.com/rss?sid=s{n}"
        )
        assert code == 0
    shown = "https://news.example.com/rss?sid=***"
    first = ", ".join(str(n) for n in range(1, IDS_NAMED + 1))
    assert added.splitlines()[1] == (
        f"feeds {first} and 4 more are listed at {shown} too (*** hides what differs): a "
        f"--name tells them apart in `newsbot feeds list`, and `newsbot feeds remove "
        f"{IDS_NAMED + 5}` names this one"
    )


def test_a_feed_stored_in_an_older_form_added_again_is_not_given_new_credentials(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """Adding again a feed stored by a release that kept addresses as given (upper-case
    host, default port) is no change of credentials, with or without some."""
    for stored, given in (
        ("HTTPS://News.Test:443/a.rss", "https://news.test/a.rss"),
        ("HTTPS://News.Test:443/b.rss?token=T0K", "https://news.test/b.rss?token=T0K"),
    ):
        run(capsys, db_path, "feeds", "add", "--no-check", given)
        run_sql(db_path, "UPDATE feeds SET url = ? WHERE url = ?", stored, given)
        code, out, _ = run(capsys, db_path, "feeds", "add", "--no-check", given)
        assert code == 0 and out.startswith("feed "), out
        assert " is already added: " in out and "credentials" not in out


def test_an_article_is_removed_by_the_link_its_feed_gave_token_and_all(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """A feed's article is stored under its link without credentials: `remove` given the
    link as the feed lists it (?token=, and the ?key= of the feed's own address) said "no
    stored article has that address", and quoted the token back on stderr."""
    link = "/pages/market.html?key=K3YSECRET&amp;token=T0KSECRET&amp;id=5"
    body = feed_server.fixture("quayside-1.rss").replace(
        b"/pages/market.html</link>", f"{link}</link>".encode()
    )
    feed_server.routes["/feeds/paid.rss"] = Route(body=body, content_type="application/rss+xml")
    run(
        capsys,
        db_path,
        "feeds",
        "add",
        "--no-check",
        feed_server.url("/feeds/paid.rss?key=K3YSECRET"),
    )
    assert run(capsys, db_path, "feeds", "poll")[0] == 0
    stored = feed_server.url("/pages/market.html?id=5")
    assert run_sql(db_path, "SELECT id FROM articles WHERE url = ?", stored) == [(1,)]

    given = feed_server.url(link.replace("&amp;", "&"))
    code, out, err = run(capsys, db_path, "remove", given)
    assert code == 0 and out.startswith("removed article 1: ") and err == ""
    code, _, err = run(capsys, db_path, "remove", given, given.replace("id=5", "id=6"))
    masked = feed_server.url("/pages/market.html?key=***&token=***&id=")
    assert code == 1 and err.splitlines() == [
        f"newsbot remove: {masked}5: removed already",
        f"newsbot remove: {masked}6: no stored article has that address",
    ]


def test_a_feed_is_removed_by_its_address_as_listed_credentials_masked(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """`feeds list` shows a feed's credentials masked, and `feeds remove` refused that very
    address ("no feed"): only the id or the address with its credentials would do."""
    first = "http://user:hunter2@news.test/feed.rss?api_key=SECRETKEY"
    run(capsys, db_path, "feeds", "add", "--no-check", first)
    # two feeds shown alike, as a release that did not take a new token as the same feed's
    # added them: adding one with other credentials now updates the feed's
    second = "http://user:other@news.test/feed.rss?api_key=K2"
    run(capsys, db_path, "feeds", "add", "--no-check", f"{second}&then=1")
    run_sql(db_path, "UPDATE feeds SET url = ? WHERE id = 2", second)
    run(capsys, db_path, "feeds", "add", "--no-check", "https://news.test/open.rss")
    shown = "http://user:***@news.test/feed.rss?api_key=***"
    assert run(capsys, db_path, "feeds", "list")[1].count(f"  {shown}\n") == 2
    code, out, err = run(capsys, db_path, "feeds", "add", "--no-check", second.replace("K2", "K3"))
    assert (code, out) == (1, "") and err == (
        f"newsbot feeds add: feeds 1, 2 are at '{shown}' with other credentials: remove all "
        "but one (by id), then add it again to update that one's\n"
    )

    code, _, err = run(capsys, db_path, "feeds", "remove", shown)  # two feeds look alike
    assert code == 1 and f"2 feeds are shown as '{shown}': give one's id (ids: 1, 2)" in err
    code, out, _ = run(capsys, db_path, "feeds", "remove", "2")
    assert code == 0 and out.startswith("removed feed 2 ")
    code, out, _ = run(capsys, db_path, "feeds", "remove", f" {shown} ")  # one now
    assert code == 0 and out.startswith(f"removed feed 1 ({shown})")
    code, _, err = run(capsys, db_path, "feeds", "remove", shown)
    assert code == 1 and err.rstrip().endswith(
        f"no feed '{shown}': give a feed's id or URL (ids: 3); a feed with credentials is "
        "named by its id or its full address"
    )
    assert [row[0] for row in run_sql(db_path, "SELECT id FROM feeds")] == [3]


def test_a_feeds_address_with_other_credentials_names_the_feed_that_has_them(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """`feeds remove` of a feed's address with a wrong token said "no feed
    '.../world.rss?token=***'": the very address `feeds list` shows."""
    run(
        capsys,
        db_path,
        "feeds",
        "add",
        "--no-check",
        "https://news.test/world.rss?token=SECRETTOK",
    )
    run(
        capsys,
        db_path,
        "feeds",
        "add",
        "--no-check",
        "https://news.test/other.rss?token=SECRETTOK",
    )
    code, _, err = run(
        capsys, db_path, "feeds", "remove", "https://news.test/world.rss?token=WRONGTOKEN"
    )
    assert (code, err) == (
        1,
        "newsbot feeds remove: no feed 'https://news.test/world.rss?token=***' with these "
        "credentials: feed 1 has that address with other credentials (give its id to remove "
        "it)\n",
    )
    code, _, err = run(capsys, db_path, "feeds", "remove", "https://news.test/new.rss?token=X1")
    assert code == 1 and "no feed 'https://news.test/new.rss?token=***': give a feed's id" in err
    assert len(run_sql(db_path, "SELECT id FROM feeds")) == 2


def test_a_mistyped_or_malformed_address_is_refused_without_its_credentials(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """`feeds remove` quoted a mistyped address whole, password and all; an address with an
    unclosed IPv6 bracket was a traceback; a port past 65535 was added, then failed every
    poll with an OverflowError's traceback."""
    run(capsys, db_path, "feeds", "add", "--no-check", "http://bob:PW1secret@news.test/x.rss")
    code, _, err = run(capsys, db_path, "feeds", "remove", "http://bob:PW1secret@news.test/x.rss/")
    assert code == 1 and "no feed 'http://bob:***@news.test/x.rss/'" in err
    code, _, err = run(
        capsys, db_path, "feeds", "add", "--no-check", "http://bob:PW@[::1/x?sig=ab"
    )
    assert code == 2 and "Traceback" not in err and "not a valid URL" in err, err
    assert "PW@" not in err and "sig=ab" not in err and "bob:***@" in err
    code, _, err = run(
        capsys, db_path, "feeds", "add", "--no-check", "http://news.test:99999/x.rss"
    )
    assert code == 2 and "port 99999 is not a port (1 to 65535)" in err, err
    _, listed, _ = run(capsys, db_path, "feeds", "list")
    assert "99999" not in listed and "PW" not in listed


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765/feed.rss",
        "http://localhost/feed.rss",
        "http://[::1]/feed",
        "https://10.1.2.3/feed",
        "http://[::ffff:192.168.0.1]/f",
        # what getaddrinfo reads as 127.0.0.1 or 0.0.0.0, as inet_aton does
        "http://2130706433:8765/feed.rss",
        "http://0x7f000001/feed.rss",
        "http://127.1/feed.rss",
        "http://0/feed.rss",
        "http://017700000001/feed.rss",
        "http://[::ffff:0:7f00:1]/feed.rss",
    ],
)
def test_a_feed_at_a_private_address_is_refused_when_added(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    url: str,
) -> None:
    """It was added ("it is due now"), and refused at every poll."""
    monkeypatch.delenv("NEWSBOT_ALLOW_PRIVATE_URLS")
    code, out, err = run(capsys, db_path, "feeds", "add", "--no-check", url)
    assert code == 2 and out == "", out
    assert "is a private or local address" in err
    assert "unless NEWSBOT_ALLOW_PRIVATE_URLS lists it (NEWSBOT_ALLOW_PRIVATE_URLS=" in err
    code, out, _ = run(
        capsys, db_path, "feeds", "add", "--no-check", "http://93.184.216.34/feed.rss"
    )
    assert code == 0 and out.startswith("added feed 1:")  # a public address, and names, pass
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "1")
    code, out, _ = run(capsys, db_path, "feeds", "add", "--no-check", url)
    assert code == 0 and out.startswith("added feed 2:")


def test_a_feed_is_added_at_a_private_address_only_where_the_setting_lists_it(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NEWSBOT_ALLOW_PRIVATE_URLS names the hosts and networks feeds may be on: others are
    refused when added, as without it, and the setting that allows one is the list with it
    added ("NEWSBOT_ALLOW_PRIVATE_URLS=::1" would have replaced what it lists)."""
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "10.0.0.0/8, intranet.example, localhost")
    for url in ("https://10.1.2.3/feed", "http://localhost/feed.rss"):
        code, out, err = run(capsys, db_path, "feeds", "add", "--no-check", url)
        assert code == 0 and out.startswith("added feed"), err
    for url, host in (
        ("http://[::1]/feed", "::1"),
        ("http://2130706433/f.rss", "2130706433"),
        ("http://bob:s3cret@127.0.0.2/feed?token=T0K", "127.0.0.2"),
    ):
        code, out, err = run(capsys, db_path, "feeds", "add", "--no-check", url)
        assert "s3cret" not in err and "T0K" not in err, err
        listed = f"NEWSBOT_ALLOW_PRIVATE_URLS=10.0.0.0/8,intranet.example,localhost,{host}"
        assert code == 2 and f"lists it ({listed})" in err, err


def test_a_feed_added_again_is_already_added_though_the_setting_no_longer_lists_its_host(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Added again once NEWSBOT_ALLOW_PRIVATE_URLS no longer listed its host, a feed was
    refused by the private-address check, as if new, not told it is already added; nor is
    it resumed and made due then, as every poll would refuse it."""
    url = "http://10.1.2.3/feed.rss"
    assert run(capsys, db_path, "feeds", "add", "--no-check", url)[0] == 0
    run_sql(db_path, "UPDATE feeds SET paused_ts = 1, next_poll_ts = 2")
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "localhost")
    code, out, err = run(capsys, db_path, "feeds", "add", url)
    assert (code, out) == (1, "")
    assert "feed 1 is already added, but 10.1.2.3 is a private or local address" in err
    assert run_sql(db_path, "SELECT paused_ts, next_poll_ts FROM feeds") == [(1, 2)]
    # a new address there, its credentials too, is still refused
    for other in ("http://10.1.2.3/other.rss", "http://10.1.2.3/feed.rss?token=T0K"):
        code, _, err = run(capsys, db_path, "feeds", "add", "--no-check", other)
        assert code == 2 and "10.1.2.3 is a private or local address" in err


def test_every_feeds_command_has_help() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    feeds = commands.choices["feeds"]
    actions = next(a for a in feeds._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in actions._choices_actions}
    assert set(helps) == {"add", "list", "remove", "poll"}
    assert all(helps.values())
    assert any(c.dest == "feeds" and c.help for c in commands._choices_actions)


def test_feeds_list_tells_its_times_in_the_zone(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed_server.routes["/down.rss"] = Route(status=500)
    run(capsys, db_path, "feeds", "add", "--no-check", feed_server.url("/down.rss"))
    run(capsys, db_path, "feeds", "poll")
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Asia/Tokyo")
    _, listed, _ = run(capsys, db_path, "feeds", "list")
    assert re.search(r"last fetch \d{4}-\d\d-\d\d \d\d:\d\d JST", listed), listed
    assert re.search(r"next try \d{4}-\d\d-\d\d \d\d:\d\d JST", listed), listed
    assert "UTC" not in listed


def test_a_malformed_feed_is_told_as_its_problem_and_its_readable_entries_kept(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    db_path: Path,
    feed_server: FeedServer,
) -> None:
    """A truncated feed ("...<item><title>x</item></chan") was polled as "1 new entry, 0
    articles added ... 1 problem": that its entry had no text, and `feeds list` said "ok".
    The parser's error is the feed's problem, a warning shown in the list; the entries read
    before the fault that have text are stored."""
    feed_server.routes["/feeds/bad.rss"] = Route(
        body=b'<rss version="2.0"><channel><title>Bad</title><item><title>Ferry</title>'
        b"<guid>f1</guid><description>The Rathlin ferry sails at nine each morning from the"
        b" harbour.</description></item><item><title>x</item></chan",
        content_type="application/rss+xml",
    )
    url = feed_server.url("/feeds/bad.rss")
    run(capsys, db_path, "feeds", "add", "--no-check", url)
    with caplog.at_level(logging.INFO, logger="retrieval.feeds.poll"):
        assert run(capsys, db_path, "feeds", "poll")[0] == 0
    logged = [r.getMessage() for r in caplog.records if r.name == "retrieval.feeds.poll"]
    assert f"feed 1 ({url}): malformed feed, read in part: mismatched tag" in logged
    assert run_sql(db_path, "SELECT title FROM articles") == [("Ferry",)]
    _, listed, _ = run(capsys, db_path, "feeds", "list")
    lines = listed.splitlines()
    assert lines[0].split()[:2] == ["1", "warning"]
    assert lines[2].startswith("     warning: malformed feed, read in part: mismatched tag")
    feed_server.serve("/feeds/bad.rss", "gazette.rss")  # mended: ok again
    assert run(capsys, db_path, "feeds", "poll", "--all")[0] == 0
    _, listed, _ = run(capsys, db_path, "feeds", "list")
    assert listed.split()[:2] == ["1", "ok"] and "warning" not in listed


def test_a_malformed_feeds_warning_outlasts_a_failed_poll_and_its_304(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """A feed read in part, its server down for a poll, then answering 304 (nothing new):
    `feeds list` said "ok", though the document was as malformed as before. The failure
    drops the validators: the next poll reads the document again, and its warning. And a
    failing feed added again (its failures cleared) listed its failure as a "warning", and
    kept it so through every 304."""
    malformed = Route(
        body=b'<rss version="2.0"><channel><title>Bad</title><item><title>Ferry</title>'
        b"<guid>f1</guid><description>The Rathlin ferry sails at nine each morning from the"
        b" harbour.</description></item></chan",
        content_type="application/rss+xml",
        etag='"bad-1"',
    )
    feed_server.routes["/feeds/bad.rss"] = malformed
    run(capsys, db_path, "feeds", "add", "--no-check", feed_server.url("/feeds/bad.rss"))
    warned = "     warning: malformed feed, read in part: unclosed token"

    def polled(code: int = 0) -> list[str]:
        assert run(capsys, db_path, "feeds", "poll", "--all")[0] == code
        return run(capsys, db_path, "feeds", "list")[1].splitlines()

    assert polled()[0].split()[:2] == ["1", "warning"]
    assert polled()[2].startswith(warned)  # a 304 keeps it
    feed_server.routes["/feeds/bad.rss"] = Route(status=503)
    assert polled(1)[0].split()[:2] == ["1", "failing"]
    feed_server.routes["/feeds/bad.rss"] = malformed
    listed = polled()
    assert listed[0].split()[:2] == ["1", "warning"] and listed[2].startswith(warned)
    assert polled()[2].startswith(warned)  # the validators back: a 304 keeps it again
    assert [h.headers.get("if-none-match") for h in feed_server.hits("/feeds/bad.rss")] == [
        None,
        '"bad-1"',
        '"bad-1"',
        None,
        '"bad-1"',
    ]

    feed_server.serve("/feeds/ok.rss", "gazette.rss")
    run(capsys, db_path, "feeds", "add", "--no-check", feed_server.url("/feeds/ok.rss"))
    assert polled()[3].split()[:2] == ["2", "ok"]
    feed_server.routes["/feeds/ok.rss"] = Route(status=503)
    polled(1)
    run(capsys, db_path, "feeds", "add", "--no-check", feed_server.url("/feeds/ok.rss"))  # resumed
    listed = run(capsys, db_path, "feeds", "list")[1].splitlines()
    assert listed[3].split()[:2] == ["2", "ok"]
    assert listed[5].startswith("     last error: HTTP 503 Service Unavailable (next try ")
    feed_server.serve("/feeds/ok.rss", "gazette.rss")
    listed = polled()
    assert listed[3].split()[:2] == ["2", "ok"] and len(listed) == 5  # no error line


def test_feeds_list_json_gives_each_feed_its_documented_fields_and_no_credentials(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """A cron check or a monitor had only the list's text to read which feeds fail: its
    columns, its status words with a count, its error on a line of its own."""
    code, out, err = run(capsys, db_path, "feeds", "list", "--json")
    assert (code, out) == (EXIT_FAILED, "")  # no database: said as `ask --json` says it
    assert err.startswith(f"newsbot feeds list: no database at {db_path}")
    run(capsys, db_path, "feeds", "add", "--no-check", "https://news.test/gone.rss")
    run(capsys, db_path, "feeds", "remove", "1")
    assert run(capsys, db_path, "feeds", "list", "--json")[1] == '{"feeds": []}\n'

    gazette = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed_server.routes["/private.rss"] = Route(status=500)
    host = feed_server.url("/private.rss").removeprefix("http://")
    private = f"http://alice:hunter2@{host}?token=SEKRET123&page=2"
    feed_server.routes["/feeds/bad.rss"] = Route(
        body=b'<rss version="2.0"><channel><title>Bad</title><item><title>Ferry</title>'
        b"<guid>f1</guid><description>The Rathlin ferry sails at nine each morning from the"
        b" harbour.</description></item><item><title>x</item></chan",
        content_type="application/rss+xml",
    )
    run(capsys, db_path, "feeds", "add", gazette, "--name", "Post", "--every", "1h30m")
    run(capsys, db_path, "feeds", "add", "--no-check", private)
    run(capsys, db_path, "feeds", "add", feed_server.url("/feeds/bad.rss"))
    assert run(capsys, db_path, "feeds", "poll")[0] == EXIT_FAILED
    code, out, _ = run(capsys, db_path, "feeds", "list", "--json")
    assert code == 0 and out.count("\n") == 1
    assert "hunter2" not in out and "SEKRET123" not in out
    feeds = json.loads(out)["feeds"]
    assert [tuple(feed) for feed in feeds] == [FEED_FIELDS] * 3
    ok, failing, warned = feeds
    assert {k: ok[k] for k in ("id", "url", "has_credentials", "name", "label")} == {
        "id": 2,
        "url": gazette,
        "has_credentials": False,
        "name": "Post",
        "label": "Post",
    }
    assert (ok["status"], ok["failures"], ok["interval"], ok["articles"]) == ("ok", 0, 5400, 4)
    assert ok["title"] == "The Port Ellery Post"
    assert ok["last_error"] is None and ok["warning"] is None and ok["paused_since"] is None
    for moment in (ok["added"], ok["last_fetch"], ok["last_ok"], ok["next_poll"]):
        # as every --json time: in UTC, to the microsecond when it has a fraction
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", moment), moment
    assert failing["url"] == f"http://alice:***@{host}?token=***&page=2"
    assert failing["has_credentials"] is True and failing["label"] == failing["url"]
    assert (failing["status"], failing["failures"], failing["interval"]) == ("failing", 1, 900)
    assert failing["last_error"] == "HTTP 500 Internal Server Error"
    assert failing["warning"] is None and failing["last_ok"] is None
    assert warned["status"] == "warning" and warned["last_error"] is None
    assert warned["warning"].startswith("malformed feed, read in part: mismatched tag")
    # the fields are named in the README's schema and in --help
    readme = (REPO / "README.md").read_text()
    scripting = readme.split("`feeds list --json`: ")[1].split("\n\n")[0]
    assert set(re.findall(r"`(\w+)`", scripting)) >= set(FEED_FIELDS)
    with pytest.raises(SystemExit):
        main(["feeds", "list", "--help"])
    assert ", ".join(FEED_FIELDS) in " ".join(capsys.readouterr().out.split())


def test_feeds_add_looks_at_a_new_address_and_refuses_what_is_no_feed(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`feeds add` took a 404 or a web page as it came: the feed failed at its first poll,
    and at every one after till it was paused. A new address is fetched once, as a poll
    fetches it; what is no feed is refused, and a page that names its feed says which."""
    run_sql(db_path, "PRAGMA user_version")  # a database there: `add` says when it makes one
    feed = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    link = '<link rel="alternate" type="application/rss+xml" href="{}">'
    feed_server.routes["/news/"] = Route(
        body=f"<html><head>{link.format('/feeds/gazette.rss')}</head><body>News</body></html>".encode()
    )
    feed_server.routes["/blog/"] = Route(
        body=b"<!doctype html><html><head><title>Blog</title></head><body>Hi</body></html>"
    )
    feed_server.routes["/sections/"] = Route(
        body=f"<html><head>{link.format('world.rss')}{link.format('sport.rss')}</head></html>".encode()
    )
    refusals = {
        "/feeds/gone.rss": (
            "HTTP 404 Not Found",
            "a feed that is down for now is added all the same with --no-check",
        ),
        "/news/": (
            f"it is a web page, not an RSS or Atom feed; it names its feed: {feed}",
            f"add its feed: newsbot feeds add {feed}",
        ),
        "/blog/": (
            "it is a web page, not an RSS or Atom feed; it names no feed",
            "a feed that is down for now is added all the same with --no-check",
        ),
        "/sections/": (
            "it is a web page, not an RSS or Atom feed; it names 2 feeds: "
            f"{feed_server.url('/sections/world.rss')}, {feed_server.url('/sections/sport.rss')}",
            "add one of its feeds: newsbot feeds add FEED-URL",
        ),
    }
    for path, (why, hint) in refusals.items():
        url = feed_server.url(path)
        assert run(capsys, db_path, "feeds", "add", url) == (
            1,  # refused after looking, as `feeds remove` of no feed: no usage error
            "",
            f"newsbot feeds add: cannot add {url!r}: {why}\nnewsbot feeds add: {hint}\n",
        )
    assert run(capsys, db_path, "feeds", "list")[1] == NO_FEEDS + "\n"
    code, out, _ = run(capsys, db_path, "feeds", "add", feed, "--name", "Post")
    assert code == 0 and out.startswith("added feed 1: Post, every 15m")
    assert len(feed_server.hits("/feeds/gazette.rss")) == 1
    # a feed added again (resumed, renamed) is not looked at: the polls say how it fares
    assert run(capsys, db_path, "feeds", "add", feed, "--name", "Gazette")[0] == 0
    assert len(feed_server.hits("/feeds/gazette.rss")) == 1
    # a feed down for now, added all the same, without a fetch
    gone = feed_server.url("/feeds/gone.rss")
    assert run(capsys, db_path, "feeds", "add", gone, "--no-check")[:2] == (
        0,
        f"added feed 2: {gone}, every 15m; it is due now (newsbot feeds poll, or the running "
        "bot, fetches it)\n",
    )
    assert len(feed_server.hits("/feeds/gone.rss")) == 1
    # an address refused as it stands is refused before any fetch
    monkeypatch.delenv("NEWSBOT_ALLOW_PRIVATE_URLS")
    code, _, err = run(capsys, db_path, "feeds", "add", feed_server.url("/feeds/other.rss"))
    assert code == 2 and "is a private or local address" in err
    assert feed_server.hits("/feeds/other.rss") == []


def test_a_feed_added_without_a_name_is_named_by_the_title_its_check_read(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """`feeds add URL` fetched the feed to check it, yet said "added feed 1: http://…" and
    `feeds list` showed the address till the first poll stored the feed's title: the title
    the check read is stored as the feed is added. --no-check fetches nothing: the address."""
    feed = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    code, out, _ = run(capsys, db_path, "feeds", "add", feed)
    assert code == 0 and out.startswith("added feed 1: The Port Ellery Post, every 15m")
    listed = run(capsys, db_path, "feeds", "list")[1].splitlines()
    assert listed[0].endswith("never  The Port Ellery Post") and listed[1].strip() == feed
    assert run_sql(db_path, "SELECT title, last_fetch_ts FROM feeds") == [
        ("The Port Ellery Post", None)  # stored where a poll stores it; no poll yet
    ]
    other = feed_server.serve("/feeds/notes.atom", "notes.atom")
    code, out, _ = run(capsys, db_path, "feeds", "add", "--no-check", other)
    assert code == 0 and out.startswith(f"added feed 2: {other}, every 15m")
    assert feed_server.hits("/feeds/notes.atom") == []


def test_a_feed_refused_for_a_private_address_is_told_the_setting_not_no_check(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    feed_server: FeedServer,
) -> None:
    """A feed whose address leads to a private one the setting does not list (here by a
    redirect: a name that resolves to one is refused alike) was told to try --no-check,
    which adds a feed that every poll refuses."""
    run_sql(db_path, "PRAGMA user_version")  # a database there: `add` says when it makes one
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "Localhost")
    feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed_server.routes["/moved.rss"] = Route(
        status=302, headers={"Location": feed_server.url("/feeds/gazette.rss")}
    )
    url = feed_server.url("/moved.rss").replace("127.0.0.1", "localhost")
    code, out, err = run(capsys, db_path, "feeds", "add", url)
    assert (code, out) == (1, "")
    assert err == (
        f"newsbot feeds add: cannot add {url!r}: 127.0.0.1 is a private or local address: "
        "refused (add it to NEWSBOT_ALLOW_PRIVATE_URLS, e.g. "
        "NEWSBOT_ALLOW_PRIVATE_URLS=localhost,127.0.0.1, to fetch from your own network)\n"
    )
    assert feed_server.hits("/feeds/gazette.rss") == []


def test_a_feed_added_again_at_the_address_it_moved_from_is_that_feed(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """A feed moved for good (308) is polled at its new address; adding the address one
    typed again (a deploy script, a resume) added a second feed of the same entries, each
    of its polls then warning of the first. It is the first feed, added again."""
    moved = feed_server.serve("/feeds/moved.rss", "gazette.rss")
    old = feed_server.url("/feeds/old.rss")
    feed_server.routes["/feeds/old.rss"] = Route(status=308, headers={"Location": moved})
    assert run(capsys, db_path, "feeds", "add", old)[0] == 0
    assert run(capsys, db_path, "feeds", "poll")[0] == 0  # moved.rss from now on
    code, out, _ = run(capsys, db_path, "feeds", "add", old, "--name", "World")
    assert code == 0
    assert out.splitlines() == [
        "updated feed 1: World, every 15m; it is due now (newsbot feeds poll, or the running"
        " bot, fetches it)",
        f"{old} has moved for good to {moved}, the address feed 1 polls",
    ]
    assert run_sql(db_path, "SELECT id, url, name FROM feeds") == [(1, moved, "World")]


def test_a_feed_over_the_size_cap_is_refused_without_the_no_check_hint(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """A 10 MB feed was refused with "a feed that is down for now is added all the same
    with --no-check": added so, it would fail every poll alike."""
    run_sql(db_path, "PRAGMA user_version")  # a database there: `add` says when it makes one
    feed_server.routes["/feeds/huge.rss"] = Route(
        body=b" " * (5 * 1024 * 1024 + 1), content_type="application/rss+xml"
    )
    url = feed_server.url("/feeds/huge.rss")
    assert run(capsys, db_path, "feeds", "add", url) == (
        1,
        "",
        f"newsbot feeds add: cannot add {url!r}: response of 5242881 bytes is over the "
        "5242880-byte cap\n",
    )


def test_feeds_add_says_it_made_a_database_where_there_was_none(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`newsbot --db typo.db feeds add --no-check URL` made typo.db and said only "added
    feed 1": the bot, on the real database, never polled it."""
    typo = tmp_path / "typo.db"
    code, out, err = run(capsys, typo, "feeds", "add", "--no-check", "https://news.test/a.rss")
    assert code == 0 and out.startswith("added feed 1: ")
    assert err == (
        f"newsbot feeds add: there was no database at {typo}: made one (--db or NEWSBOT_DB "
        "names another)\n"
    )
    code, _, err = run(capsys, typo, "feeds", "add", "--no-check", "https://news.test/b.rss")
    assert (code, err) == (0, "")  # there is one now
