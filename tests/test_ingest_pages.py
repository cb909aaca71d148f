"""`newsbot ingest URL`: a web page fetched and read as a feed's page is, stored as one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.feed_server import FeedServer, Route

from .conftest import SEEDS, run_sql


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("NEWSBOT_DB", "NEWSBOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "1")  # the page server is on loopback


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_reads_web_pages_by_address_among_its_files(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    """`ask` with a link that is no stored article said "an admin can add its page to the
    corpus", and no command could: `ingest` takes http(s) addresses among its paths."""
    feed_server.routes["/go/ferry"] = Route(
        status=301, headers={"Location": "/pages/ferry.html?utm_source=x&token=SECRET1"}
    )
    feed_server.routes["/episode.mp3"] = Route(body=b"ID3" + bytes(50), content_type="audio/mpeg")
    given = [
        feed_server.url("/go/ferry?token=SECRET1"),
        feed_server.url("/pages/gone.html"),
        feed_server.url("/episode.mp3"),
        str(SEEDS),
    ]
    code, out, err = run(capsys, db_path, "ingest", "--quiet", *given)
    assert code == 1
    assert out.startswith("added 2 articles (") and out.endswith(", 0 duplicates, 2 failed\n")
    assert err.splitlines() == [
        f"newsbot ingest: there was no database at {db_path}: made one (--db or NEWSBOT_DB "
        "names another)",  # a failed quiet ingest says it, as one that did not fail says all
        f"failed: {feed_server.url('/pages/gone.html')}: HTTP 404 Not Found",
        f"failed: {feed_server.url('/episode.mp3')}: audio/mpeg, not a web page",
    ]
    [(title, source, url, origin, text, extra)] = run_sql(
        db_path,
        "SELECT title, source, url, origin, text, extra FROM articles WHERE origin LIKE 'http%'",
    )
    # as a feed's page is stored: at the address fetched in the end, without its token
    # or tracking, its outlet the page's; its origin the address given, its token masked
    assert (title, source) == (
        "Night ferry to the outer islands returns after repairs",
        "Port Ellery Post",
    )
    assert url == feed_server.url("/pages/ferry.html")
    assert origin == feed_server.url("/go/ferry?token=***")
    assert text.startswith("The night ferry between Port Ellery and the outer islands")
    assert json.loads(extra)["text_from"] == "page"
    assert "SECRET1" not in repr(run_sql(db_path, "SELECT * FROM articles"))
    code, out, _ = run(capsys, db_path, "ingest", feed_server.url("/pages/ferry.html"))
    assert code == 0 and out.startswith("added 0 articles (0 sentences), 1 duplicate, 0 failed")


def test_ask_names_the_command_that_adds_a_linked_page(
    capsys: pytest.CaptureFixture[str], db_path: Path, feed_server: FeedServer
) -> None:
    link = feed_server.url("/pages/ferry.html")
    assert run(capsys, db_path, "ingest", "--quiet", str(SEEDS))[0] == 0
    code, out, _ = run(capsys, db_path, "ask", link)
    assert code == 0 and "(an admin can add its page to the corpus: newsbot ingest URL)" in out
    assert run(capsys, db_path, "ingest", "--quiet", link)[0] == 0
    code, out, _ = run(capsys, db_path, "ask", link)
    assert code == 0 and "That link is a stored article" in out


def test_ingest_fetches_no_private_address_unless_the_settings_allow_it(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NEWSBOT_ALLOW_PRIVATE_URLS")
    link = feed_server.url("/pages/ferry.html")
    code, out, err = run(capsys, db_path, "ingest", "--quiet", link)
    assert code == 1 and out.startswith("added 0 articles")
    assert err == (
        f"newsbot ingest: there was no database at {db_path}: made one (--db or NEWSBOT_DB "
        "names another)\n"
        f"failed: {link}: 127.0.0.1 is a private or local address: refused (add it to "
        "NEWSBOT_ALLOW_PRIVATE_URLS, e.g. NEWSBOT_ALLOW_PRIVATE_URLS=127.0.0.1, to fetch from "
        "your own network)\n"
    )
    assert feed_server.requests == []


# Published late on a Saturday evening in New York: 03:30 UTC on the Sunday
LATE_PAGE = b"""<!doctype html><html><head>
<title>Quokka council votes to ban night flights | Metro Times</title>
<meta property="og:site_name" content="Metro Times">
<meta property="article:published_time" content="2024-06-01T23:30:00-04:00">
</head><body><article><h1>Quokka council votes to ban night flights</h1>
<p>The quokka council voted late on Saturday night to ban night flights over the harbour,
after a four-hour debate that ran past eleven in the evening.</p>
<p>Councillors said the quokka colony had been disturbed by aircraft noise for months, and
residents cheered the decision in the packed chamber.</p>
</article></body></html>"""


def test_a_page_keeps_the_time_of_day_it_was_published_at(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_path: Path, feed_server: FeedServer
) -> None:
    """trafilatura gives a page's day alone: "2024-06-01", counted from 10:00 UTC, and the
    article was quoted as of noon UTC that day, 15.5 hours before it was published. A page
    fetched and a page saved keep the time and offset the page gives."""
    feed_server.routes["/late.html"] = Route(body=LATE_PAGE)
    saved = tmp_path / "late.html"
    saved.write_bytes(LATE_PAGE)
    question = "quokka night flights ban"
    for db, given in ((db_path, feed_server.url("/late.html")), (tmp_path / "saved.db", saved)):
        assert run(capsys, db, "ingest", "--quiet", str(given))[0] == 0
        assert run_sql(db, "SELECT published FROM articles") == [("2024-06-02T03:30:00+00:00",)]
        for before in ("2024-06-01T12:00Z", "2024-06-02T03:29Z"):
            code, out, _ = run(capsys, db, "ask", "--json", "--as-of", before, question)
            assert json.loads(out)["results"] == []
        code, out, _ = run(capsys, db, "ask", "--json", "--as-of", "2024-06-02T03:30Z", question)
        assert len(json.loads(out)["results"]) == 1
