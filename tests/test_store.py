import asyncio
import json
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from retrieval.corpus import sentences as sentence_rules
from retrieval.corpus.attributions import LATEST_DATED, LATEST_UNDATED, newest_rows
from retrieval.corpus.dates import to_timestamp
from retrieval.corpus.db import connect
from retrieval.corpus.prepare import identify_articles, prepare_articles
from retrieval.corpus.read_connections import ReadConnections
from retrieval.corpus.reader import CorpusReader
from retrieval.corpus.schema import MIGRATIONS, Migration
from retrieval.corpus.store import CorpusStore
from retrieval.corpus.text import fingerprint
from retrieval.engine import Engine
from retrieval.errors import StoreError
from retrieval.index.files import index_dir
from retrieval.indexing import article_index_dir
from retrieval.models import ArticleDraft
from retrieval.without_index import corpus_stats, remove_articles

from .conftest import corpus_file, run_sql, shared_articles, write_jsonl


def store_by_hand(db_path: Path, layouts: dict[int, list[tuple[int, int]]]) -> None:
    """Articles and their sentences written otherwise than newsbot writes them: article id
    -> its (sentence id, position) pairs."""
    for article_id, sentences in layouts.items():
        run_sql(
            db_path,
            "INSERT INTO articles (id, title, text, content_hash, ingested_ts)"
            " VALUES (?, 't', 'x', ?, 0)",
            article_id,
            f"hash{article_id}",
        )
        for sentence_id, position in sentences:
            run_sql(
                db_path,
                "INSERT INTO sentences (id, article_id, position, paragraph, text)"
                " VALUES (?, ?, ?, 0, 's')",
                sentence_id,
                article_id,
                position,
            )


async def test_new_database_is_migrated_in_wal_mode(db_path: Path) -> None:
    conn = await connect(db_path)
    try:
        async with conn.execute("SELECT version FROM schema_migrations ORDER BY version") as c:
            versions = [r[0] for r in await c.fetchall()]
        async with conn.execute("PRAGMA journal_mode") as c:
            row = await c.fetchone()
    finally:
        await conn.close()
    assert versions == [m.version for m in MIGRATIONS]
    assert row is not None and row[0] == "wal"


async def test_database_from_a_newer_newsbot_is_refused(db_path: Path) -> None:
    conn = await connect(db_path)
    await conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    await conn.close()
    with pytest.raises(StoreError, match="newer than this newsbot"):
        await connect(db_path)


async def test_duplicates_by_url_or_by_text_are_stored_once(engine: Engine) -> None:
    first = ArticleDraft(
        "Title", "Shares rose sharply on Monday.", url="https://x.com/a?utm_source=t"
    )
    same_url = ArticleDraft("Other title", "Completely different words.", url="HTTPS://X.com/a/")
    same_text = ArticleDraft("Copy", "shares  rose sharply on MONDAY.", url="https://y.com/b")
    results = await engine.add_articles([first, same_url, same_text])
    assert [r.added for r in results] == [True, False, False]
    assert {r.article_id for r in results} == {results[0].article_id}
    again = await engine.add_articles([first])
    assert again[0].added is False
    assert (await corpus_stats(engine.db_path)).articles == 1
    # a Java server's session in the path changes with each visit: the same page
    session = ArticleDraft("S", "Ferries sailed.", url="https://z.com/p/1.html;jsessionid=AB1?x=1")
    other = ArticleDraft("T", "Trams ran late.", url="https://z.com/p/1.html;JSESSIONID=CD2?x=1")
    stored = await engine.add_articles([session, other])
    assert [r.added for r in stored] == [True, False]
    [(url,)] = run_sql(engine.db_path, "SELECT url FROM articles WHERE title = 'S'")
    assert url == "https://z.com/p/1.html?x=1"


async def test_an_address_percent_encoded_or_in_punycode_is_one_article(engine: Engine) -> None:
    """A browser copies "straßburg" as "stra%C3%9Fburg" and a feed may give "bücher.de" as
    "xn--bcher-kva.de": each pair was stored as two articles. Stored as a reader reads it,
    but for a host in another script, kept in punycode (a look-alike would read as the real
    host); what changes the address's meaning (a "%2F", a bidi override) stays encoded."""
    pairs = [
        ("https://www.bz.de/nachrichten/straßburg-demo-ärger", "Police cleared a square."),
        ("https://www.bz.de/nachrichten/stra%c3%9Fburg-demo-%C3%A4rger/", "Police left."),
        ("https://xn--bcher-kva.de/messe/leipzig?q=%C3%A4&r=a%26b", "The book fair opened."),
        ("https://Bücher.de/messe/leipzig?q=ä&r=a%26b", "Book fair shut."),
        ("https://x.test/a%2fb%7e%E2%80%AEc%E4", "Trams ran late."),
    ]
    results = await engine.add_articles([ArticleDraft("T", text, url=u) for u, text in pairs])
    assert [r.added for r in results] == [True, False, True, False, True]
    assert run_sql(engine.db_path, "SELECT url FROM articles ORDER BY id") == [
        ("https://www.bz.de/nachrichten/straßburg-demo-ärger",),
        ("https://xn--bcher-kva.de/messe/leipzig?q=ä&r=a%26b",),
        ("https://x.test/a%2Fb~%E2%80%AEc%E4",),
    ]


async def test_an_ipv6_host_keeps_its_brackets(engine: Engine) -> None:
    """`hostname` gives an IPv6 address without its brackets: "https://[::1]:8080/a" was
    stored as "https://::1:8080/a", no address at all."""
    urls = ["https://[::1]:8080/a", "http://[2001:DB8::1]:80/b/"]
    await engine.add_articles([ArticleDraft("T", f"Text {u}.", url=u) for u in urls])
    assert run_sql(engine.db_path, "SELECT url FROM articles ORDER BY id") == [
        ("https://[::1]:8080/a",),
        ("http://[2001:db8::1]/b",),
    ]


async def test_a_directorys_index_page_is_the_directorys_page(engine: Engine) -> None:
    """CNN serves a story at ".../salvador-ramos" and ".../salvador-ramos/index.html": 6 of
    news-qa-dev's stories of 2022-05-15..08-20 were stored twice under the two, their texts
    a few words apart (an "Editor's Note", a caption), so their fingerprints differed."""
    base = "https://www.cnn.com/2022/05/25/us/uvalde-shooting"
    stored = await engine.add_articles(
        [
            ArticleDraft("Uvalde suspect was a loner", "The suspect bought two rifles.", url=base),
            ArticleDraft(
                "Ramos: Uvalde suspect",
                "CNN - The suspect bought rifles.",
                url=base + "/index.html",
            ),
            ArticleDraft("Other", "Trams ran late.", url="https://a.example/news/index.htm"),
        ]
    )
    later = await engine.add_articles(
        [
            ArticleDraft("Again", "The suspect, 18, bought two rifles.", url=base + "/"),
            ArticleDraft("Same", "Trams ran very late.", url="https://a.example/news"),
            ArticleDraft("Another page", "Buses ran late.", url=base + "-timeline/index.html"),
        ]
    )
    assert [r.added for r in stored + later] == [True, False, True, False, False, True]
    assert later[1].article_id == stored[2].article_id
    urls = run_sql(engine.db_path, "SELECT url FROM articles ORDER BY id")
    assert urls == [
        (base,),
        ("https://a.example/news/index.htm",),
        (base + "-timeline/index.html",),
    ]


async def test_a_page_over_http_or_https_with_www_or_without_is_one_page(
    engine: Engine,
) -> None:
    """An ops review stored "https://www.example.com/story/123" and, from a feed,
    "http://example.com/story/123/" with " Updated at 5pm." added: two articles, quoted as
    results 1 and 2. One page, looked up both ways (a database that holds either form); each
    article keeps the address it came with."""
    text = "The council approved the new terrace tax on Monday."
    stored = await engine.add_articles(
        [
            ArticleDraft("Tax", text, url="https://www.example.com/story/123"),
            ArticleDraft("Bare", "Ferries sailed at dawn.", url="http://example.com/story/9"),
        ]
    )
    later = await engine.add_articles(
        [
            ArticleDraft("Tax", text + " Updated at 5pm.", url="http://example.com/story/123/"),
            ArticleDraft("Www", "Ferries sailed late.", url="https://WWW.example.com/story/9"),
            ArticleDraft("Other", "Buses ran late.", url="https://www.example.com/story/12"),
            ArticleDraft("Not www", "Trams ran.", url="https://www2.example.com/story/123"),
        ]
    )
    assert [r.added for r in stored + later] == [True, True, False, False, True, True]
    assert later[0].article_id == stored[0].article_id
    assert later[1].article_id == stored[1].article_id
    urls = run_sql(engine.db_path, "SELECT url FROM articles ORDER BY id")
    assert urls == [
        ("https://www.example.com/story/123",),
        ("http://example.com/story/9",),
        ("https://www.example.com/story/12",),
        ("https://www2.example.com/story/123",),
    ]


async def test_a_large_batch_finds_stored_and_earlier_copies_and_numbers_the_rest(
    engine: Engine,
) -> None:
    """Duplicates are looked up for a whole batch at once, past one IN list of ids (500):
    copies of stored articles, by URL or by words, and of earlier ones of the same batch;
    new articles get the ids SQLite would give them, one past the largest, in order."""
    stored = await engine.add_articles(
        [
            ArticleDraft(f"Stored {i}", f"Stored story number {i}.", url=f"https://s.com/{i}")
            for i in range(3)
        ]
    )
    stored_ids = [r.article_id for r in stored]
    fresh = [
        ArticleDraft(
            f"New {i}", f"Fresh story {i} here. It has two sentences.", url=f"https://n.com/{i}"
        )
        for i in range(1200)
    ]
    batch = [
        *fresh[:700],
        ArticleDraft("Moved", "Other words entirely.", url="https://s.com/1"),  # URL of 1
        ArticleDraft("Copy", "STORED story  number 2.", url="https://elsewhere.com/x"),  # words
        ArticleDraft("Again", "Fresh story 5 here. It has two sentences.", url=None),  # batch
        *fresh[700:],
    ]
    results = await engine.add_articles(batch)
    added = [r for r in results if r.added]
    assert [r.article_id for r in added] == list(
        range(max(stored_ids) + 1, max(stored_ids) + 1201)
    )
    assert [r.article_id for r in results[700:703]] == [
        stored_ids[1],
        stored_ids[2],
        added[5].article_id,
    ]
    assert not any(r.added for r in results[700:703])
    assert all(r.sentences == 2 for r in added)
    stats = await corpus_stats(engine.db_path)
    assert (stats.articles, stats.sentences) == (1203, 3 + 2400)


async def test_a_failed_batch_writes_nothing(engine: Engine) -> None:
    good = ArticleDraft("Good", "A perfectly fine article.")
    bad = ArticleDraft(None, "No title at all.")  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):
        await engine.add_articles([good, bad])
    stats = await corpus_stats(engine.db_path)
    assert (stats.articles, stats.sentences) == (0, 0)


async def test_batch_with_broken_files_keeps_the_good_ones(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    write_jsonl(folder / "good.jsonl", list(shared_articles("bbc-news", limit=3)))
    (folder / "sub" / "broken.json").write_text("{oops")
    (folder / "sub" / "story.txt").write_text("Headline\n\nBody sentence here.\n")
    (folder / "ignored.csv").write_text("a,b")  # unsupported formats in folders are skipped
    report = await engine.ingest([folder, tmp_path / "missing.txt"])
    assert (report.added, report.duplicates) == (4, 0)
    assert [str(f) for f in report.failures] == [
        f"{folder / 'sub' / 'broken.json'}: invalid JSON: expecting property name enclosed in "
        "double quotes at line 1, column 2",
        f"{tmp_path / 'missing.txt'}: no such file or directory",
    ]


CRASHING_INGEST = """
import asyncio, sys
from pathlib import Path
from retrieval.engine import Engine

async def main():
    engine = await Engine.open(sys.argv[1])
    print("ready", flush=True)
    await engine.ingest([Path(sys.argv[2])])
    await engine.refresh()
    await engine.save_index()

asyncio.run(main())
"""


async def test_a_crash_mid_ingest_leaves_no_half_article(db_path: Path, tmp_path: Path) -> None:
    """Kill -9 an ingest while it writes; the database and index stay consistent."""
    source = corpus_file("reuters-21578.jsonl.gz")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CRASHING_INGEST,
        str(db_path),
        str(source),
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parent.parent,
    )
    assert proc.stdout is not None
    assert (await proc.stdout.readline()).strip() == b"ready"
    # Let it commit some batches, then kill it while it is writing.
    count = 0
    for _ in range(1200):  # up to a minute on a loaded machine
        await asyncio.sleep(0.05)
        check = sqlite3.connect(db_path)
        count = check.execute("SELECT count(*) FROM articles").fetchone()[0]
        check.close()
        if count >= 1000:
            break
    assert count >= 1000, "the ingest never got going"
    os.kill(proc.pid, signal.SIGKILL)
    await proc.wait()
    engine = await Engine.open(db_path)
    try:
        orphans = run_sql(
            db_path,
            "SELECT count(*) FROM articles a WHERE NOT EXISTS"
            " (SELECT 1 FROM sentences s WHERE s.article_id = a.id)",
        )
        assert orphans == [(0,)]
        stats = await corpus_stats(engine.db_path)
        assert 0 < stats.articles < 14_946
        assert len(engine.index) == stats.sentences  # the index covers what was committed
        report = await engine.ingest([source])
        # Everything committed before the crash is recognized; nothing is stored twice.
        assert report.duplicates >= stats.articles and not report.failures
        after = await corpus_stats(engine.db_path)
        assert after.articles == stats.articles + report.added
    finally:
        await engine.close()


async def test_store_reads_back_attribution(engine: Engine) -> None:
    [result] = await engine.add_articles(
        [
            ArticleDraft(
                "T",
                "One. Two.",
                source="Wire",
                authors=("A B",),
                published="2024-02-03",
                url="https://e.com/x",
            )
        ]
    )
    found = await engine.article_text(result.article_id)
    assert found is not None
    attribution, text = found
    assert (
        attribution.title,
        attribution.source,
        attribution.authors,
        attribution.published,
        attribution.url,
        text,
    ) == ("T", "Wire", ("A B",), "2024-02-03", "https://e.com/x", "One. Two.")
    assert await engine.sources() == [("Wire", 1)]
    assert [a.id for a in await engine.latest(5)] == [result.article_id]


async def test_spellings_of_one_outlet_count_as_one(engine: Engine) -> None:
    """/sources listed "USA Today — 5,831" and "USA TODAY — 3" apart, and stats counted
    them as two outlets: names that differ in case, spacing or punctuation are one outlet,
    under its most frequent spelling."""
    sources = [
        *("USA Today", "USA TODAY", "USA Today", "The Hill", "the  hill.", None, "CNN"),
        # run together or with its initials' dots; a tie shown in mixed case, whatever came
        # first
        *("FoxNews", "Fox News", "AP", "A.P.", "NBC NEWS", "NBC News"),
    ]
    await engine.add_articles(
        [
            ArticleDraft(f"Story {n}", f"Report number {n} of the day.", source=source)
            for n, source in enumerate(sources)
        ]
    )
    assert await engine.sources() == [
        ("USA Today", 3),
        ("A.P.", 2),
        ("Fox News", 2),
        ("NBC News", 2),
        ("The Hill", 2),
        ("CNN", 1),
        (None, 1),
    ]
    assert (await corpus_stats(engine.db_path)).outlets == 6


async def test_an_article_reads_back_in_paragraphs_its_wire_copy_unwrapped(
    engine: Engine,
) -> None:
    """The full article sent to a chat kept Reuters' line breaks at 70 columns: on a phone,
    every line broke mid-sentence."""
    wrapped = (
        "The oil price collapse of 1986 put\n"
        "development of a vast petroleum resource -- heavy and extra\n"
        "heavy oils -- on hold, the energy ministry said on Monday in\n"
        "its annual report to the national congress in Caracas.\n"
        "    Output of the Orinoco belt fell by a third over the year,\n"
        "the report said, and the ministry expects no recovery soon\n"
        "while world prices stay under eighteen dollars a barrel now.\n"
    )
    [result] = await engine.add_articles([ArticleDraft("Heavy oils on hold", wrapped)])
    found = await engine.article_text(result.article_id)
    assert found is not None and found[1] == (
        "The oil price collapse of 1986 put development of a vast petroleum resource -- heavy "
        "and extra heavy oils -- on hold, the energy ministry said on Monday in its annual "
        "report to the national congress in Caracas.\n\nOutput of the Orinoco belt fell by a "
        "third over the year, the report said, and the ministry expects no recovery soon "
        "while world prices stay under eighteen dollars a barrel now."
    )


async def test_a_migration_missed_by_another_build_is_still_applied(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database made by a build with migrations 1 and 3 still gets 2 from a later build."""
    import retrieval.corpus.db

    base = list(MIGRATIONS)
    top = base[-1].version
    second = Migration(top + 1, "second", "CREATE TABLE second_table (x INTEGER)")
    third = Migration(top + 2, "third", "CREATE TABLE third_table (x INTEGER)")
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", (*base, third))
    conn = await connect(db_path)
    await conn.close()
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", (*base, second, third))
    conn = await connect(db_path)
    try:
        async with conn.execute("SELECT version FROM schema_migrations ORDER BY version") as c:
            versions = [r[0] for r in await c.fetchall()]
        async with conn.execute("SELECT count(*) FROM second_table") as c:
            assert await c.fetchone() is not None
    finally:
        await conn.close()
    assert versions[-2:] == [top + 1, top + 2]


async def test_two_processes_opening_a_new_database_both_succeed(db_path: Path) -> None:
    first, second = await asyncio.gather(connect(db_path), connect(db_path))
    try:
        async with first.execute("SELECT count(*) FROM schema_migrations") as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == len(MIGRATIONS)
    finally:
        await first.close()
        await second.close()


async def test_nul_characters_never_reach_the_database(db_path: Path, tmp_path: Path) -> None:
    batch = write_jsonl(
        tmp_path / "nul.jsonl",
        [
            {
                "title": "Harbour\u0000 reopens",
                "text": "The harbour\u0000 reopened on Monday.\u0000",
                "source": "Port\u0000 Post",
                "authors": ["Ann\u0000 Lee", "\u0000"],
            }
        ],
    )
    page = tmp_path / "nul.txt"
    page.write_bytes(b"Ferry\x00 resumes\n\nThe ferry\x00 resumed its crossings on Tuesday.\n")
    engine = await Engine.open(db_path)
    try:
        report = await engine.ingest([batch, page])
    finally:
        await engine.close()
    assert report.added == 2, report
    rows = run_sql(db_path, "SELECT title, text, source, authors FROM articles ORDER BY id")
    sentences = [text for (text,) in run_sql(db_path, "SELECT text FROM sentences")]
    assert rows == [
        ("Harbour reopens", "The harbour reopened on Monday.", "Port Post", '["Ann Lee"]'),
        ("Ferry resumes", "The ferry resumed its crossings on Tuesday.", None, "[]"),
    ]
    assert sentences and not any("\x00" in s for s in sentences)


async def stored_fields(
    db_path: Path, tmp_path: Path, record: Mapping[str, object]
) -> list[tuple[object, ...]]:
    """The title, text, source, authors and address `record` is stored with, ingested from a
    file as `newsbot ingest` would."""
    engine = await Engine.open(db_path)
    try:
        report = await engine.ingest([write_jsonl(tmp_path / "record.jsonl", [dict(record)])])
    finally:
        await engine.close()
    assert report.added == 1, report
    return run_sql(db_path, "SELECT title, text, source, authors, url FROM articles")


async def test_control_characters_never_reach_the_database(db_path: Path, tmp_path: Path) -> None:
    """ESC and BEL from a file or a feed were printed as they were by ask, digest and feeds
    list: a terminal cleared its screen, or showed a line that looked like newsbot's own."""
    record = {
        "title": "Evil\u001b[31mRED\n  9  ok   fake line\u001b]0;pwned\u0007",
        "text": "The harbour\u001b[2J reopened on Monday.\nIt was\tbusy.\u009b",
        "source": "Port\r\nPost",
        "authors": ["Ann\u0007 Lee"],
        "url": "https://news.test/a\u001b[0m",
    }
    assert await stored_fields(db_path, tmp_path, record) == [
        (
            "Evil [31mRED 9 ok fake line ]0;pwned",  # each control character a space
            "The harbour [2J reopened on Monday.\nIt was\tbusy. ",
            "Port Post",
            '["Ann Lee"]',
            "https://news.test/a[0m",
        )
    ]


async def test_bidi_overrides_and_isolates_never_reach_the_database(
    db_path: Path, tmp_path: Path
) -> None:
    """`ask --json` gave an outlet "Reuters\u202e sweN lakoL", which Telegram and terminals
    show as "Reuters Local News": bidi embeddings, overrides and isolates are spaces, as
    control characters are. The marks (LRM, RLM), which Arabic copy needs, stay."""
    record = {
        "title": "Minister resigns \u202eskeen tuo\u202c today",
        "text": "The minister resigned \u2067over\u2069 the budget, \u200f2024\u200f.",
        "source": "Reuters\u202e sweN lakoL",
        "authors": ["\u202aAnn Lee\u202c", "\u2066\u2069"],
        "url": "https://news.test/a\u202e",
    }
    assert await stored_fields(db_path, tmp_path, record) == [
        (
            "Minister resigns skeen tuo today",
            "The minister resigned  over  the budget, \u200f2024\u200f.",
            "Reuters sweN lakoL",
            '["Ann Lee"]',
            "https://news.test/a",
        )
    ]
    [(sentence,)] = run_sql(db_path, "SELECT text FROM sentences")
    assert sentence == "The minister resigned over the budget, \u200f2024\u200f."


async def test_the_migration_spaces_the_bidi_controls_of_articles_stored_before(
    db_path: Path,
) -> None:
    """Articles stored before ingest spaced bidi overrides and isolates keep showing the
    spoofed outlet: migration 40 makes their fields what ingest makes them now, a text and
    its sentences one character for one (their words and offsets stay)."""
    engine = await Engine.open(db_path)
    try:
        await engine.add_articles(
            [ArticleDraft("Minister resigns", "The minister resigned over the budget.")]
        )
    finally:
        await engine.close()
    run_sql(
        db_path,
        "UPDATE articles SET title = ?, source = ?, authors = ?, text = ?, url = ?",
        "Minister resigns \u202eskeen tuo\u202c today",
        "Reuters\u202e sweN lakoL",
        json.dumps(["\u2067Ann Lee\u2069", "\u202a", "Bo Li"]),
        "The minister \u2066resigned\u2069 over the budget, \u200f2024\u200f.",
        "https://news.test/a\u202egnp.exe/story",  # shown as ".../aexe.png/story"
    )
    run_sql(db_path, "UPDATE sentences SET text = ?", "The minister \u202dresigned.")
    run_sql(db_path, "DELETE FROM schema_migrations WHERE version = 40")
    engine = await Engine.open(db_path)  # migrates again
    await engine.close()
    assert run_sql(db_path, "SELECT title, source, authors, text FROM articles") == [
        (
            "Minister resigns skeen tuo today",
            "Reuters sweN lakoL",
            '["Ann Lee", "Bo Li"]',
            "The minister  resigned  over the budget, \u200f2024\u200f.",
        )
    ]
    assert run_sql(db_path, "SELECT text FROM sentences") == [("The minister  resigned.",)]
    # the address as ingest makes it now, so the same page found again is this one
    assert run_sql(db_path, "SELECT url FROM articles") == [("https://news.test/agnp.exe/story",)]


async def test_the_migration_drops_the_addresses_stored_before_that_are_not_http(
    db_path: Path,
) -> None:
    """Migration 50: an address of another scheme a file gave (javascript:, data:) was
    stored, and given out as the article's link; dropped as ingest drops it now, the
    article kept."""
    engine = await Engine.open(db_path)
    try:
        await engine.add_articles(
            [
                ArticleDraft("Script", "The council met.", url="https://news.test/a"),
                ArticleDraft("Data", "The harbour reopened.", url="https://news.test/b"),
                ArticleDraft("Web", "The tram ran late.", url="https://news.test/c"),
            ]
        )
    finally:
        await engine.close()
    run_sql(db_path, "UPDATE articles SET url = 'JaVaScRiPt:alert(1)' WHERE title = 'Script'")
    run_sql(db_path, "UPDATE articles SET url = 'data:text/html,x' WHERE title = 'Data'")
    run_sql(db_path, "DELETE FROM schema_migrations WHERE version = 50")
    engine = await Engine.open(db_path)  # migrates again
    await engine.close()
    assert run_sql(db_path, "SELECT title, url FROM articles ORDER BY id") == [
        ("Script", None),
        ("Data", None),
        ("Web", "https://news.test/c"),
    ]


async def test_separators_stay_breaks_and_a_text_keeps_its_words(engine: Engine) -> None:
    """Dropped outright, a vertical tab or form feed merged two sentences, and a C1
    character two words ("ministry\x92s", windows-1252 read as Latin-1): the text lost
    sentences, and its fingerprint changed, so the same file was stored again."""
    raw = (
        "Costs rose.\x0bThe minister said prices would fall.\x0cPage two: the ministry\x92s"
        " plan\x97announced Monday\x97was dropped.\x1eA record ended there."
    )
    [result] = await engine.add_articles([ArticleDraft("Prices", raw)])
    assert result.sentences == 4
    [(text, content_hash)] = run_sql(
        engine.db_path, "SELECT text, content_hash FROM articles WHERE id = ?", result.article_id
    )
    assert text == (
        "Costs rose.\nThe minister said prices would fall.\nPage two: the ministry s plan "
        "announced Monday was dropped.\nA record ended there."
    )
    assert content_hash == fingerprint(raw)  # as the code before stored it


async def test_sentences_of_articles_are_read_right_however_their_ids_run(
    engine: Engine,
) -> None:
    """Sentences stored by newsbot have ids their article's first id plus their position,
    and are read a row per article; any article whose ids run otherwise (interleaved with
    another's, reversed, with gaps) must still get its own ids in position order."""
    await engine.add_articles(
        [ArticleDraft(title="Ferry", text="The ferry sailed. It came back. Then it rained.")]
    )
    db_path = engine.db_path
    layouts = {  # article id -> (sentence id, position) pairs
        11: [(1001, 0), (1003, 1)],  # interleaved with 12
        12: [(1002, 0), (1004, 1)],
        13: [(2001, 1), (2002, 0)],  # reversed
        14: [(3000, 0), (3002, 1)],  # a gap in ids
        15: [(4000, 0), (4002, 2)],  # a gap in positions
        16: [(5000, 0), (5001, 1), (5002, 2)],  # a run, as newsbot stores them
    }
    store_by_hand(db_path, layouts)
    stored = {1: [(1, 0), (2, 1), (3, 2)], **layouts}
    readers = ReadConnections(db_path)
    try:
        reader = CorpusReader(readers.get)
        for last in (1, 10):
            found = reader.sentences_of_articles([1, *layouts, 99], last)
            expected = {
                article_id: sorted((p, i) for i, p in sentences if p <= last)
                for article_id, sentences in stored.items()
            }
            read = {
                a: list(zip(p.tolist(), i.tolist(), strict=True)) for a, (i, p) in found.items()
            }
            assert read == expected
    finally:
        readers.close()


async def test_a_stored_article_is_read_once_then_remembered(engine: Engine) -> None:
    """What answering needs of an article (attribution, time, sentence ids and positions) is
    read once: an article never changes once stored. Asked again, no statement runs; the
    oldest are forgotten past the reader's limit, and read again when asked."""
    await engine.add_articles(
        [
            ArticleDraft(
                title=f"Ferry {n}",
                text=f"Ferry {n} sailed. It came back.",
                source="Wire",
                published=None if n else "2024-05-01",
            )
            for n in range(3)
        ]
    )
    readers = ReadConnections(engine.db_path)
    statements: list[str] = []
    try:
        reader = CorpusReader(readers.get, remembered=2)
        readers.get().set_trace_callback(statements.append)
        first = reader.stored_articles([1, 2, 99], last=10)
        assert sorted(first) == [1, 2]  # no article 99
        assert first[1].attribution.title == "Ferry 0" and first[1].attribution.source == "Wire"
        assert first[1].positions.tolist() == [0, 1] and first[1].time == 1714557600.0
        assert first[2].sentence_ids.tolist() == [3, 4]
        assert first[2].time is None  # undated: no time for recency
        read = len(statements)
        assert read > 0
        again = reader.stored_articles([2, 1], last=10)
        assert len(statements) == read  # remembered: nothing read
        assert again == {2: first[2], 1: first[1]}
        reader.stored_articles([3], last=10)  # the limit is two: 2, asked least lately, goes
        read = len(statements)
        reader.stored_articles([1], last=10)
        assert len(statements) == read
        reader.stored_articles([2], last=10)
        assert len(statements) > read  # forgotten, read again
        assert reader.stored_articles([1], last=0)[1].positions.tolist() == [0]
    finally:
        readers.close()


async def test_the_newest_articles_are_remembered_ahead_as_a_question_reads_them(
    engine: Engine,
) -> None:
    """`remember_newest` reads the newest articles, as many as the reader remembers, as
    `stored_articles` reads them: a question's candidates among them then take no statement;
    an older one is read when asked."""
    await engine.add_articles(
        [
            ArticleDraft(title=f"Ferry {n}", text=f"Ferry {n} sailed. It came back.")
            for n in range(3)
        ]
    )
    readers = ReadConnections(engine.db_path)
    statements: list[str] = []
    try:
        reader = CorpusReader(readers.get, remembered=2)
        assert reader.remember_newest(last=10) == 2
        readers.get().set_trace_callback(statements.append)
        ahead = reader.stored_articles([3, 2], last=10)
        assert statements == []  # remembered: nothing read
        asked = CorpusReader(readers.get).stored_articles([3, 2], last=10)
        for article_id in (2, 3):
            a, b = ahead[article_id], asked[article_id]
            assert (a.attribution, a.time, a.title_terms) == (b.attribution, b.time, b.title_terms)
            assert a.sentence_ids.tolist() == b.sentence_ids.tolist()
            assert a.positions.tolist() == b.positions.tolist()
        read = len(statements)
        assert reader.stored_articles([1], last=10)[1].attribution.title == "Ferry 0"
        assert len(statements) > read  # the oldest was not read
    finally:
        readers.close()


async def test_an_article_row_says_where_its_sentences_run(engine: Engine) -> None:
    """newsbot gives a batch's sentences their ids itself, so each article's row names its
    run (first id, count); ids still grow past any ever given, as AUTOINCREMENT's would
    (the index's watermark relies on it), after a deletion too. Reading a candidate
    article then takes its row alone: no statement gathers its sentences."""

    def drafts(*texts: str) -> list[ArticleDraft]:
        return [ArticleDraft(title=f"T {text[:9]}", text=text) for text in texts]

    await engine.add_articles(drafts("Ferry one sailed. It came back.", "Rain fell. Then snow."))
    for table, key in (("sentences", "article_id"), ("articles", "id")):  # sentences 3, 4 go
        run_sql(engine.db_path, f"DELETE FROM {table} WHERE {key} = 2")
    await engine.add_articles(drafts("A third story. It has three. Sentences here.", "Empty"))
    db_path = engine.db_path
    rows = run_sql(db_path, "SELECT id, first_sentence, sentence_count FROM articles")
    assert rows == [(1, 1, 2), (2, 5, 3), (3, 8, 1)]  # article id 2 is given again, not 3, 4
    sentences = run_sql(db_path, "SELECT article_id, position, id FROM sentences ORDER BY id")
    assert sentences == [(1, 0, 1), (1, 1, 2), (2, 0, 5), (2, 1, 6), (2, 2, 7), (3, 0, 8)]
    readers = ReadConnections(db_path)
    statements: list[str] = []
    try:
        readers.get().set_trace_callback(statements.append)
        found = CorpusReader(readers.get).stored_articles([1, 2, 3], last=1)
        assert {a: s.sentence_ids.tolist() for a, s in found.items()} == {
            1: [1, 2],
            2: [5, 6],
            3: [8],
        }
        assert found[2].positions.tolist() == [0, 1]
        assert statements and not any("FROM sentences" in s for s in statements)
    finally:
        readers.close()


async def test_the_migration_moves_an_article_dated_ahead_to_when_it_was_stored(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles stored before migration 9 with a date ahead of when they were stored count
    from then; the others, and the date as given, are left as they were."""
    import retrieval.corpus.db

    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS[:8])
    conn = await connect(db_path)
    await conn.close()
    for article_id, published_ts in ((1, 500.0), (2, 50.0), (3, None)):
        run_sql(
            db_path,
            "INSERT INTO articles (id, title, text, content_hash, published, published_ts,"
            " ingested_ts) VALUES (?, 't', 'x', ?, 'as given', ?, 100)",
            article_id,
            f"hash{article_id}",
            published_ts,
        )
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)
    conn = await connect(db_path)
    await conn.close()
    assert run_sql(db_path, "SELECT id, published, published_ts FROM articles ORDER BY id") == [
        (1, "as given", 100.0),
        (2, "as given", 50.0),
        (3, "as given", None),
    ]


async def test_the_migration_times_an_article_dated_days_ahead_by_its_date(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 24: an article stored before it with a date more than a day ahead of when
    it was stored counts from that date (a bare date from 10:00 UTC); one less far ahead,
    or with a date before it was stored, keeps counting as it did."""
    import retrieval.corpus.db

    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS[:23])
    conn = await connect(db_path)
    await conn.close()
    stored = to_timestamp("2024-06-01T00:00:00+00:00")
    assert stored is not None
    rows = (
        (1, "2099-01-01T00:00:00+00:00", stored),  # ahead by decades: clamped then
        (2, "2024-06-03", stored),  # a bare date two days ahead
        (3, "2024-06-01T20:00:00+00:00", stored),  # ahead by hours: stays at stored
        (4, "2024-05-01T00:00:00+00:00", stored - 31 * 86400),  # before: as it was
    )
    for article_id, published, published_ts in rows:
        run_sql(
            db_path,
            "INSERT INTO articles (id, title, text, content_hash, published, published_ts,"
            " ingested_ts) VALUES (?, 't', 'x', ?, ?, ?, ?)",
            article_id,
            f"hash{article_id}",
            published,
            published_ts,
            stored,
        )
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)
    conn = await connect(db_path)
    await conn.close()
    assert run_sql(db_path, "SELECT id, published_ts FROM articles ORDER BY id") == [
        (1, to_timestamp("2099-01-01T00:00:00+00:00")),
        (2, to_timestamp("2024-06-03")),
        (3, stored),
        (4, stored - 31 * 86400),
    ]


async def test_the_migration_gives_each_stored_article_its_run(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database made before articles named their runs gets them for every article whose
    sentences run as newsbot stores them; any other keeps NULL and is read row by row."""
    import retrieval.corpus.db

    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS[:5])  # before the runs
    conn = await connect(db_path)
    await conn.close()
    layouts = {  # article id -> (sentence id, position) pairs
        1: [(1, 0), (2, 1), (3, 2)],  # a run
        2: [(4, 0), (6, 1)],  # a gap in ids
        3: [(7, 1), (8, 2)],  # not from position 0
        4: [(9, 1), (10, 0)],  # reversed
        5: [],  # no sentence
    }
    store_by_hand(db_path, layouts)
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)
    conn = await connect(db_path)
    await conn.close()
    rows = run_sql(db_path, "SELECT id, first_sentence, sentence_count FROM articles")
    assert rows == [(1, 1, 3), (2, None, None), (3, None, None), (4, None, None), (5, None, None)]
    readers = ReadConnections(db_path)
    try:
        found = CorpusReader(readers.get).stored_articles(list(layouts), last=10)
        read = {a: (s.sentence_ids.tolist(), s.positions.tolist()) for a, s in found.items()}
        assert read == {
            1: ([1, 2, 3], [0, 1, 2]),
            2: ([4, 6], [0, 1]),
            3: ([7, 8], [1, 2]),
            4: ([10, 9], [0, 1]),
        }
    finally:
        readers.close()


async def test_the_article_of_a_sentence_comes_from_the_runs_articles_name(
    engine: Engine,
) -> None:
    """`articles_of` finds a sentence's article in the runs the articles' rows name, read
    once and then only for articles stored since; a sentence of an article whose row names
    no run is read from `sentences`, and an unknown id is absent."""
    await engine.add_articles(
        [ArticleDraft(title="Ferry", text="The ferry sailed. It came back.")]  # sentences 1, 2
    )
    db_path = engine.db_path
    store_by_hand(db_path, {7: [(50, 0)]})
    readers = ReadConnections(db_path)
    statements: list[str] = []
    try:
        reader = CorpusReader(readers.get)
        readers.get().set_trace_callback(statements.append)
        assert reader.articles_of([2, 1]) == {1: 1, 2: 1}
        assert not any("FROM sentences" in s for s in statements)
        assert reader.articles_of([50, 1, 999]) == {50: 7, 1: 1}  # 50 read from `sentences`
        await engine.add_articles(
            [ArticleDraft(title="Rain", text="Rain fell. Then snow. Then sun.")]  # 51, 52, 53
        )
        statements.clear()
        assert reader.articles_of([53, 2]) == {53: 8, 2: 1}
        assert not any("FROM sentences" in s for s in statements)
        assert len(statements) == 1  # the articles stored since: the new one
    finally:
        readers.close()


@pytest.mark.parametrize(
    ("before", "undone"),
    [("midnight", (14, 16)), ("noon", (16,))],
    ids=["from before migration 14", "from migration 14's noon"],
)
async def test_bare_dates_count_from_10_utc_after_migrating_and_the_indexes_are_rebuilt(
    db_path: Path, before: str, undone: tuple[int, ...]
) -> None:
    """A database from before counted a bare date from midnight UTC; migration 14 (in no
    release but on main a while) from noon; both end at 10:00 UTC (migration 16)."""
    engine = await Engine.open(db_path)
    try:
        await engine.add_articles(
            [
                ArticleDraft("Dated", "The harbour reopened on Monday.", published="2024-11-25"),
                ArticleDraft("Timed", "The ferry sailed.", published="2024-11-25T08:00:00Z"),
                *(ArticleDraft(f"Other {n}", f"The crane {n} moved cargo.") for n in range(4)),
            ]
        )
        await engine.refresh()
        await engine.save_index()
    finally:
        await engine.close()
    times = {"midnight": 1732492800.0, "noon": 1732536000.0}
    ten, eight = 1732528800.0, 1732521600.0
    assert run_sql(db_path, "SELECT title, published_ts FROM articles ORDER BY id LIMIT 2") == [
        ("Dated", ten),
        ("Timed", eight),
    ]
    # a database from before: the bare date as then, the migrations since not applied, its
    # indexes saved under the signature of then
    run_sql(db_path, "UPDATE articles SET published_ts = ? WHERE title = 'Dated'", times[before])
    for version in undone:
        run_sql(db_path, "DELETE FROM schema_migrations WHERE version = ?", version)
    for folder in (index_dir(db_path), article_index_dir(db_path)):
        manifest = folder / "manifest.json"
        saved = json.loads(manifest.read_text())
        saved["signature"] = saved["signature"].replace(":bare-date-hour=10", "")
        manifest.write_text(json.dumps(saved))
    engine = await Engine.open(db_path)
    try:
        # as of 09:00 UTC on the 25th, the article dated the 25th is not out yet
        early = await engine.ask("harbour reopened", as_of=ten - 3600)
        later = await engine.ask("harbour reopened", as_of=ten + 3600)
    finally:
        await engine.close()
    assert run_sql(db_path, "SELECT title, published_ts FROM articles ORDER BY id LIMIT 2") == [
        ("Dated", ten),
        ("Timed", eight),
    ]
    assert early.passages == () and [p.article.title for p in later.passages] == ["Dated"]


async def test_an_ingest_run_again_splits_no_stored_article_into_sentences(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run again after Ctrl-C, an ingest split every article stored already into sentences
    and read their names and numbers, before finding it a duplicate: most of the first run's
    time again. Only the articles not stored are split now."""
    source = write_jsonl(
        tmp_path / "batch.jsonl",
        [{"title": f"Report {n}", "text": f"The crane {n} moved cargo."} for n in range(5)],
    )
    first = await engine.ingest([source])
    assert first.added == 5
    more = write_jsonl(
        tmp_path / "more.jsonl",
        [{"title": f"Report {n}", "text": f"The crane {n} moved cargo."} for n in range(7)],
    )
    split: list[str] = []
    real = sentence_rules.article_sentences

    def counted_split(text: str) -> list[tuple[int, str]]:
        split.append(text)
        return list(real(text))

    monkeypatch.setattr(sentence_rules, "article_sentences", counted_split)
    again = await engine.ingest([more])
    assert (again.added, again.duplicates) == (2, 5)
    assert split == ["The crane 5 moved cargo.", "The crane 6 moved cargo."]


async def test_an_article_found_stored_but_deleted_since_is_stored_whole(
    db: aiosqlite.Connection,
) -> None:
    """`identify_articles` leaves out the sentences of what it finds stored; if that copy
    is gone by the write (deleted by hand), the article is made whole then."""
    store = CorpusStore(db)
    [draft] = [ArticleDraft("Harbour", "The crane moved cargo. The ferry sailed.")]
    [result] = await store.add_articles(identify_articles([draft]))
    assert result.added and result.sentences == 2
    async with db.execute("SELECT count(*) FROM sentences WHERE finds IS NOT NULL") as cur:
        assert (await cur.fetchone())[0] == 2  # type: ignore[index]


async def test_rows_up_to_a_watermark_are_counted_around_gaps_and_later_rows(
    db: aiosqlite.Connection,
) -> None:
    """What an index load checks: the stored sentences (articles) up to its watermark, ids
    deleted below it not counted, and those stored after it left out."""
    store = CorpusStore(db)
    drafts = [
        ArticleDraft(f"Report {n}", f"The crane {n} moved. The ferry {n} sailed.")
        for n in range(4)
    ]
    await store.add_articles(prepare_articles(drafts))
    await db.execute("DELETE FROM sentences WHERE id = 2")
    assert await store.count_sentences_upto(5) == 4  # 1, 3, 4, 5
    assert await store.count_sentences_upto(100) == 7
    assert await store.count_sentences_upto(0) == 0
    assert await store.count_articles_upto(3) == 3


@pytest.mark.parametrize(
    ("query", "params", "index"),
    [
        (LATEST_DATED, (time.time(), 10), "articles_published"),
        (LATEST_UNDATED, (10,), "articles_newest"),
    ],
)
async def test_the_newest_articles_are_read_through_an_index(
    db: aiosqlite.Connection, query: str, params: tuple[float, ...], index: str
) -> None:
    """/latest read and sorted the whole articles table at every call."""
    async with db.execute(f"EXPLAIN QUERY PLAN {query}", params) as cur:
        plan = " ".join(str(row[3]) for row in await cur.fetchall())
    assert f"USING INDEX {index}" in plan and "TEMP B-TREE" not in plan


async def test_the_newest_articles_are_the_dated_then_the_undated(
    engine: Engine, db: aiosqlite.Connection
) -> None:
    """An undated article counted from when it was stored: a backfill without dates, stored
    after this morning's news, was listed above it as the newest (/latest, a hint's
    example). Its age is unknown: it comes after every dated article, by when it was
    stored, and only where fewer than asked for are dated."""
    hour_ago = datetime.fromtimestamp(time.time() - 3600, UTC).isoformat()
    await engine.add_articles(
        [ArticleDraft("Ferry sails", "The ferry sailed.", published=hour_ago)]
    )
    await engine.add_articles([ArticleDraft("Mill closes", "The old mill closed.")])
    await engine.add_articles([ArticleDraft("Choir sings", "The town choir sang.")])
    rows = await newest_rows(db, 10)
    assert [(r["title"], r["stored"] is None) for r in rows] == [
        ("Ferry sails", True),
        ("Choir sings", False),  # stored last of the undated
        ("Mill closes", False),
    ]
    assert [r["title"] for r in await newest_rows(db, 1)] == ["Ferry sails"]
    assert [a.title for a in await engine.latest(2)] == ["Ferry sails", "Choir sings"]
    stories = await engine.latest_stories(3)
    assert [(s.article.title, s.stored is not None) for s in stories] == [
        ("Ferry sails", False),
        ("Choir sings", True),
        ("Mill closes", True),
    ]


async def test_migration_29_drops_the_credentials_stored_addresses_kept(db_path: Path) -> None:
    """Addresses stored before kept ?token= and the like (a file's did): cleaned as they
    are cleaned now, each stays its article's and finds it again under another token; one
    that is then another's (the same page under two tokens) goes without."""
    engine = await Engine.open(db_path)
    try:
        texts = ["Brora reopened.", "Tain shut.", "Wick grew.", "Dornoch won.", "Golspie lost."]
        await engine.add_articles([ArticleDraft(t[:5], t) for t in texts])
    finally:
        await engine.close()
    await remove_articles(db_path, ["5"])
    old_urls = [
        "https://news.test/a?id=3&token=T0K&API_KEY=K2",
        "https://news.test/a?id=3&token=OTHER",  # the same page: a copy of the first
        "https://news.test/b?story_key=9&session=4",  # no credential: left as it is
        "mailto:x@news.test",
    ]
    for article_id, url in enumerate(old_urls, 1):
        run_sql(db_path, "UPDATE articles SET url = ? WHERE id = ?", url, article_id)
    run_sql(db_path, "UPDATE removed_articles SET url = 'https://news.test/e?sig=S1&id=5'")
    run_sql(db_path, "DELETE FROM schema_migrations WHERE version = 29")

    engine = await Engine.open(db_path)  # migrates again
    try:
        assert run_sql(db_path, "SELECT url FROM articles ORDER BY id") == [
            ("https://news.test/a?id=3",),
            (None,),
            ("https://news.test/b?story_key=9&session=4",),
            ("mailto:x@news.test",),
        ]
        assert run_sql(db_path, "SELECT url FROM removed_articles") == [
            ("https://news.test/e?id=5",)
        ]
        again = ArticleDraft("New", "Other words.", url="https://news.test/a?token=NEW&id=3")
        [result] = await engine.add_articles([again])
        assert (result.added, result.article_id) == (False, 1)
    finally:
        await engine.close()


async def migrated_again(db_path: Path, version: int, old_urls: list[str]) -> Engine:
    """An engine over three articles stored at `old_urls` by the code before migration
    `version`, which it has run again; the caller closes it."""
    engine = await Engine.open(db_path)
    try:
        texts = ["Brora reopened.", "Tain shut.", "Wick grew."]
        await engine.add_articles([ArticleDraft(t[:5], t) for t in texts])
    finally:
        await engine.close()
    for article_id, url in enumerate(old_urls, 1):
        run_sql(db_path, "UPDATE articles SET url = ? WHERE id = ?", url, article_id)
    run_sql(db_path, "DELETE FROM schema_migrations WHERE version = ?", version)
    return await Engine.open(db_path)  # migrates again


async def test_migration_39_writes_stored_addresses_readably(db_path: Path) -> None:
    """Addresses stored before kept the form they came in: "stra%C3%9Fburg" beside
    "straßburg", "bücher.de" beside "xn--bcher-kva.de". Written as they are stored now, each
    stays its article's (and `remove` finds it by either form); one that is then another's
    (the same page in both forms) goes without."""
    old_urls = [
        "https://www.bz.de/nachrichten/straßburg-demo-ärger",
        "https://Bücher.de/messe/leipzig",
        "https://www.bz.de/nachrichten/stra%C3%9Fburg-demo-%C3%A4rger",  # a copy of the first
    ]
    engine = await migrated_again(db_path, 39, old_urls)
    try:
        assert run_sql(db_path, "SELECT url FROM articles ORDER BY id") == [
            ("https://www.bz.de/nachrichten/straßburg-demo-ärger",),
            ("https://xn--bcher-kva.de/messe/leipzig",),
            (None,),
        ]
        again = ArticleDraft("New", "Other words.", url="https://XN--BCHER-KVA.de/messe/leipzig")
        [result] = await engine.add_articles([again])
        assert (result.added, result.article_id) == (False, 2)
    finally:
        await engine.close()


@pytest.mark.parametrize(
    ("version", "old_form", "new_form"),
    [
        (39, "https://www.bz.de/n/stra%C3%9Fburg-bus", "https://www.bz.de/n/straßburg-bus"),
        (38, "https://news.test/a?id=3&auth=A1", "https://news.test/a?id=3"),
        (29, "https://news.test/b?token=T1", "https://news.test/b"),
        (40, "https://news.test/\u202ec", "https://news.test/c"),
    ],
)
async def test_a_migrated_address_stays_the_first_stored_articles(
    db_path: Path, version: int, old_form: str, new_form: str
) -> None:
    """Article 1 stored under a page's old form of address, article 2 (other text) under
    its new form: the migration left article 1 with no address, so `remove ADDRESS` took
    out article 2, and article 1's link was gone from answers. Ingest keeps the first."""
    engine = await migrated_again(db_path, version, [old_form, new_form, "https://news.test/z"])
    try:
        assert run_sql(db_path, "SELECT url FROM articles ORDER BY id") == [
            (new_form,),
            (None,),
            ("https://news.test/z",),
        ]
    finally:
        await engine.close()


async def test_migration_38_drops_the_credentials_of_any_site_stored_addresses_kept(
    db_path: Path,
) -> None:
    """?auth=, ?client_secret= and a signed link's ?X-Amz-Signature= were kept in stored
    addresses (shown in answers and digests, linked by the bot) while ?token= was dropped.
    Addresses stored before lose them; ?story_key= and ?key=, which may name the page, stay."""
    old_urls = [
        "https://news.test/a?id=3&auth=A1&X-Amz-Signature=S1&X-Amz-Credential=AKID",
        "https://news.test/b?story_key=9&key=world&client_secret=C1&x-api-key=K1",
        "https://news.test/a?id=3&auth=A2",  # the same page: a copy of the first
    ]
    engine = await migrated_again(db_path, 38, old_urls)
    try:
        assert run_sql(db_path, "SELECT url FROM articles ORDER BY id") == [
            ("https://news.test/a?id=3",),
            ("https://news.test/b?story_key=9&key=world",),
            (None,),
        ]
    finally:
        await engine.close()


async def test_migration_36_drops_the_session_ids_stored_addresses_kept(db_path: Path) -> None:
    """?session=SESS1 was kept in a stored address (and shown by `ask --json`) while
    ?apiKey= and ?sig= were dropped: a session id is a login while it lasts. Addresses
    stored before lose the ones named so; ?sid=, which may name a section, stays."""
    old_urls = [
        "https://news.test/a?id=3&sessionid=SESS1",
        "https://news.test/b?PHPSESSID=P1&sid=world&JSESSIONID=J1&sessid=S2",
        "https://news.test/a?id=3&sessionid=SESS2",  # the same page: a copy of the first
    ]
    engine = await migrated_again(db_path, 36, old_urls)
    try:
        assert run_sql(db_path, "SELECT url FROM articles ORDER BY id") == [
            ("https://news.test/a?id=3",),
            ("https://news.test/b?sid=world",),
            (None,),
        ]
        again = ArticleDraft("New", "Other words.", url="https://news.test/a?session=NEW&id=3")
        # ?session= is dropped as tracking: the stored article
        [result] = await engine.add_articles([again])
        assert (result.added, result.article_id) == (False, 1)
    finally:
        await engine.close()
