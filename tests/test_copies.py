"""One outlet's text stored once, whatever address it comes under (`retrieval.corpus.copies`):
the store's rule, the ingest's report of it, the migration that sketches stored articles."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.cli.ingest import _print_ingest
from bot.cli.main import main
from retrieval.corpus.copies import Copy
from retrieval.corpus.ingest_report import LISTED_DUPLICATES, Duplicate, IngestReport
from retrieval.corpus.sketches import NEAR_IDENTICAL, resemblance, shingle_hashes, text_keys
from retrieval.corpus.text import normal_words
from retrieval.engine import Engine
from retrieval.models import ArticleDraft
from retrieval.without_index import corpus_stats, remove_articles

from .conftest import run_sql, write_jsonl

BODY = """\
Ferries stayed in harbour at Dover for a third day on Saturday as the gale that closed the
port on Thursday night blew on, and the coastguard warned drivers to keep away from the
seafront.

The port said about 4,000 lorries were queued on the M20 and the A20, some of them since
Wednesday, and that the first sailings to Calais would leave once the wind fell below 50
miles an hour. Operation Brock, the contraflow kept ready for such closures, was in force
between Maidstone and Folkestone.

Eurotunnel ran extra shuttles from Cheriton, though its terminal too was full by noon, a
spokeswoman said. Passengers with tickets for cancelled ferries could use them on the
trains without charge until Tuesday.

Forecasters at the Met Office expect the storm to move north towards the Wash overnight.
Gusts of 84 mph were recorded at the Needles on the Isle of Wight, and 72 mph at Langdon
Bay, just east of the harbour wall.

Kent County Council opened two rest centres, in Ashford and in Dover town hall, for drivers
who had run out of food and water. Volunteers from the Rotary club handed out 1,200 hot
meals on Friday evening alone.

The harbour master, Captain Ruth Penhaligon, said the breakwater had held, but that divers
would inspect the eastern arm before any ship berthed there. Repairs after the storm of
2014 took eleven weeks and cost the port more than £7 million.
"""
# CNN's page under its directory's index page and under a syndication feed's ?cid=, a date
# line apart: a `cid` may name other content elsewhere, so the address alone cannot tell
INDEX = "https://www.cnn.com/2025/02/01/europe/dover-gale/index.html"
CID = "https://www.cnn.com/2025/02/01/europe/dover-gale?cid=external-feeds_iluminar_yahoo"


def dover(source: str | None, url: str | None, date_line: str = "Feb. 1, 2025") -> ArticleDraft:
    return ArticleDraft("Dover waits out the gale", f"{date_line}\n\n{BODY}", source, url=url)


def alike(a: ArticleDraft, b: ArticleDraft) -> float:
    return resemblance(shingle_hashes(normal_words(a.text)), shingle_hashes(normal_words(b.text)))


async def test_one_outlets_near_identical_text_at_another_address_is_a_duplicate(
    engine: Engine,
) -> None:
    """news-qa-dev and news-1m held 14 such pairs: the same story at two addresses, a date
    line, a promotion line or a few words apart, each quoted twice."""
    first, again = dover("CNN", INDEX), dover("CNN", CID, "Feb. 3, 2025 Updated 11:30 a.m.")
    assert NEAR_IDENTICAL <= alike(first, again) < 1
    [stored] = await engine.add_articles([first])
    [copy] = await engine.add_articles([again])
    assert (copy.added, copy.article_id) == (False, stored.article_id)
    assert copy.copy is not None
    assert copy.copy.alike == pytest.approx(alike(first, again))
    assert (copy.copy.url, copy.copy.title) == (INDEX, first.title)
    assert (await corpus_stats(engine.db_path)).articles == 1


async def test_another_outlets_copy_and_a_rewrite_around_a_new_fact_are_stored(
    engine: Engine,
) -> None:
    """A syndicated story carried by another outlet is a source of its own; a story
    rewritten around news (news-qa-dev: "A federal judge ruled Tuesday that...", 0.906
    alike) is news; spellings of one outlet ("CNN", "cnn.") are one outlet."""
    news = "A federal judge ruled on Tuesday that the port must stay shut until the spring."
    rewrite = ArticleDraft("Judge shuts Dover", f"{news}\n\n{BODY}", "CNN", url=CID + "&x=1")
    assert alike(dover("CNN", INDEX), rewrite) < NEAR_IDENTICAL
    results = await engine.add_articles(
        [
            dover("CNN", INDEX),
            dover("Fox News", "https://www.foxnews.com/world/dover-gale", "Feb. 2, 2025"),
            rewrite,
            dover("cnn.", CID, "Feb. 3, 2025"),  # in the same batch: the first one's copy
        ]
    )
    assert [r.added for r in results] == [True, True, True, False]
    assert results[3].article_id == results[0].article_id


async def test_articles_of_no_outlet_are_compared_by_their_words_alone(engine: Engine) -> None:
    """Nothing says two texts that name no outlet are one outlet's: near-identical, both
    are stored; the same words are one article, whoever gives them, as before."""
    results = await engine.add_articles(
        [
            dover(None, None),
            dover(None, None, "Feb. 3, 2025"),
            ArticleDraft("Copy", f"FEB 3 2025 {BODY}", "Reuters", url="https://r.test/a"),
        ]
    )
    assert [r.added for r in results] == [True, True, False]
    # the same words at another address: named, as a copy found by its text
    assert results[2].copy == Copy(results[1].article_id, 1.0, None, "Dover waits out the gale")


async def test_a_page_given_again_with_new_text_is_the_article_stored_first(
    engine: Engine,
) -> None:
    """An update under the same address stays what it was: the first text kept, not named
    as a copy found by its text."""
    [stored] = await engine.add_articles([dover("CNN", INDEX)])
    update = ArticleDraft("Dover reopens", "The port reopened on Sunday.", "CNN", url=INDEX)
    [again] = await engine.add_articles([update])
    assert (again.added, again.article_id, again.copy) == (False, stored.article_id, None)


async def test_a_removed_articles_sketch_goes_with_it(engine: Engine) -> None:
    [stored] = await engine.add_articles([dover("CNN", INDEX)])
    assert run_sql(engine.db_path, "SELECT count(*) FROM article_sketches") == [(6,)]
    await remove_articles(engine.db_path, [str(stored.article_id)])
    assert run_sql(engine.db_path, "SELECT count(*) FROM article_sketches") == [(0,)]
    [again] = await engine.add_articles([dover("CNN", CID, "Feb. 3, 2025")])
    assert again.added


async def test_the_migration_sketches_the_articles_stored_before(db_path: Path) -> None:
    """A database stored before the rule finds the near copies of its articles too."""
    engine = await Engine.open(db_path)
    try:
        [stored] = await engine.add_articles([dover("CNN", INDEX)])
    finally:
        await engine.close()
    run_sql(db_path, "DROP TABLE article_sketches")
    run_sql(db_path, "DELETE FROM schema_migrations WHERE version = 37")
    engine = await Engine.open(db_path)  # migrates again
    try:
        assert run_sql(db_path, "SELECT key FROM article_sketches ORDER BY key") == sorted(
            (key,) for key in text_keys("CNN", dover("CNN", INDEX).text)
        )
        [copy] = await engine.add_articles([dover("CNN", CID, "Feb. 3, 2025")])
        assert (copy.added, copy.article_id) == (False, stored.article_id)
    finally:
        await engine.close()


def test_the_sketch_keys_are_the_stored_ones() -> None:
    """The keys are stored: a change to what makes them (the hash functions, the bands, the
    words) would find no stored near copy until a migration made every article's again.
    Spacing, case and punctuation aside, as the fingerprint."""
    keys = text_keys("CNN", "The gale closed Dover's port on Friday.")
    assert keys == (
        2811619053819560623,
        8461501179117533130,
        2927850217277208352,
        1520907860698901338,
        -4056195420642643425,
        3391230922065736422,
    )
    assert text_keys("cnn", "the  GALE closed Dover s port, on Friday") == keys
    assert text_keys("Fox News", "The gale closed Dover's port on Friday.") != keys
    assert text_keys(None, BODY) == text_keys("CNN", "—") == ()


def test_ingest_names_the_stored_article_a_copy_duplicates(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def record(draft: ArticleDraft) -> dict[str, object]:
        return {"title": draft.title, "text": draft.text, "source": draft.source, "url": draft.url}

    lines = [record(dover("CNN", INDEX)), record(dover("CNN", CID, "Feb. 3, 2025"))]
    path = write_jsonl(tmp_path / "a.jsonl", lines)
    assert main(["--db", str(db_path), "ingest", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "added 1 article (21 sentences), 1 duplicate, 0 failed" in out
    assert (
        f"duplicate: {path}:2: nearly the same text (98% of its word 3-grams) as article 1, "
        f"'Dover waits out the gale', stored at {INDEX}\n"
    ) in err
    again = write_jsonl(tmp_path / "b.jsonl", [record(dover("CNN", "https://cnn.com/x"))])
    assert main(["--db", str(db_path), "ingest", "--quiet", str(again)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")  # --quiet: a duplicate is no failure, nor a note


def test_past_the_first_hundred_the_duplicates_are_counted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An archive published twice would print a line for each of its articles."""
    report = IngestReport(duplicates=LISTED_DUPLICATES + 2)
    for line in range(LISTED_DUPLICATES + 2):
        report.list_copy(Duplicate("a.jsonl", line, Copy(1, 0.97, None, "Dover")))
    _print_ingest(report, argparse.Namespace(quiet=False, archive=False))
    err = capsys.readouterr().err.splitlines()
    assert len(err) == LISTED_DUPLICATES + 1
    assert err[0] == (
        "duplicate: a.jsonl:0: nearly the same text (97% of its word 3-grams) as article 1, "
        "'Dover', stored with no address"
    )
    assert err[-1] == (
        f"duplicate: 2 more articles found by their text, not listed (the first "
        f"{LISTED_DUPLICATES} are)"
    )
