"""The digest of a period, from a real SQLite file: selection, keywords, stories, ranking."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.bounds import QUOTE_CHARS, TITLE_CHARS
from bot.cli.main import main
from bot.times import published_text
from retrieval import engine as engine_module
from retrieval.digest.digest import (
    LATE_WINDOW,
    Digest,
    Period,
    build_digest,
    keyword_groups,
    keyword_terms,
    typed_keywords,
)
from retrieval.digest.story_articles import StoryArticle
from retrieval.engine import Engine
from retrieval.errors import DigestError
from retrieval.index.tokens import Tokenizer
from retrieval.models import ArticleDraft

from .conftest import corpus_file, run_sql, shared_articles, write_jsonl
from .story_pairs import STRIKE_DAY, STRIKE_WEEK

DAY = datetime(2024, 6, 3, tzinfo=UTC)
PERIOD = Period(DAY, DAY + timedelta(days=1))


def at(hours: float) -> str:
    return (DAY + timedelta(hours=hours)).isoformat()


@pytest.fixture
async def news(engine: Engine, tmp_path: Path) -> Engine:
    """An engine whose corpus has a history (BBC articles, stored now), as a real one does;
    the digest of a period must not depend on it."""
    background = write_jsonl(tmp_path / "bbc.jsonl", list(shared_articles("bbc-news", 300)))
    await engine.ingest([background])
    return engine


async def digest_of(engine: Engine, period: Period = PERIOD, **options: Any) -> Digest:
    """The digest as the bot builds it: over an index caught up with the database."""
    await engine.refresh()
    return await engine.digest(period, **options)


async def add(
    engine: Engine, *drafts: ArticleDraft, ingested: datetime | None = None
) -> list[int]:
    """Store articles; `ingested` backdates when they were stored."""
    results = await engine.add_articles(drafts)
    ids = [r.article_id for r in results]
    if ingested is not None:
        marks = ",".join("?" * len(ids))
        statement = f"UPDATE articles SET ingested_ts = ? WHERE id IN ({marks})"
        run_sql(engine.db_path, statement, ingested.timestamp(), *ids)
    return ids


TRAM = (
    ArticleDraft(
        "Council approves harbour tram line",
        "The city council approved a tram line linking the harbour to the university on "
        "Tuesday. Building starts in spring.",
        source="City Herald",
        published=at(9),
        url="https://herald.example/tram",
    ),
    ArticleDraft(
        "Harbour-university tram line gets council approval",
        "Councillors voted 31 to 12 to approve the harbour tram line to the university. "
        "The line will cost 120 million euros.",
        source="Morning Post",
        published=at(10),
        url="https://post.example/tram",
    ),
    ArticleDraft(
        "Tram to the harbour approved",
        "A new tram line between the harbour and the university was approved by the city "
        "council. Opponents had warned about the cost.",
        source="Radio City",
        published=at(11),
    ),
)
BAKERY = ArticleDraft(
    "Old bakery reopens on Market Street",
    "The bakery on Market Street reopened under new owners after a year of renovation. Queues "
    "formed before dawn.",
    source="City Herald",
    published=at(20),
    url="https://herald.example/bakery",
)
ELECTIONS = ArticleDraft(
    "Mayor calls early elections",
    "The mayor called an early election for September, citing the collapse of her coalition.",
    source="Morning Post",
    published=at(15),
    url="https://post.example/mayor",
)


async def test_stories_carried_by_more_outlets_come_first(news: Engine) -> None:
    engine = news
    await add(engine, *TRAM, BAKERY, ELECTIONS)
    digest = await digest_of(engine)
    assert (digest.articles, digest.stories) == (5, 3)
    tram, bakery, mayor = digest.items
    assert set(tram.outlets) == {"City Herald", "Morning Post", "Radio City"}
    assert tram.outlets[0] == "City Herald"  # who carried it first
    assert len(tram.article_ids) == 3 and tram.published == DAY + timedelta(hours=11)
    assert tram.headline in {d.title for d in TRAM}
    assert tram.url in {d.url for d in TRAM}
    assert "tram line" in tram.extract
    # One outlet each: the newer first.
    assert (bakery.headline, bakery.url, bakery.outlets) == (
        BAKERY.title,
        BAKERY.url,
        ("City Herald",),
    )
    assert bakery.extract.startswith("The bakery on Market Street reopened")
    assert mayor.headline == ELECTIONS.title


async def test_a_story_names_each_outlet_once_however_its_reports_spell_it(
    engine: Engine,
) -> None:
    """ "USA Today" and "USA TODAY" are one outlet (`retrieval.outlets`), as /sources counts
    it: a story they both carried named it twice, and ranked as carried by one more."""
    herald, post, radio = TRAM
    await add(engine, herald, post, replace(radio, source="CITY  HERALD."), BAKERY, ELECTIONS)
    tram = (await digest_of(engine)).items[0]
    assert len(tram.article_ids) == 3
    assert tram.outlets == ("City Herald", "Morning Post")


async def test_latest_lists_each_story_once_by_its_newest_report(engine: Engine) -> None:
    """/latest gave a line to each report: of its ten, six were two stories told by three
    outlets each. It groups the newest articles as the digest does: a story is its newest
    report, with the other outlets that carried it; stories by their newest report."""
    herald, post, radio = await add(engine, *TRAM)
    [bakery, mayor] = await add(engine, BAKERY, ELECTIONS)
    stories = await engine.latest_stories(3)
    assert [s.article.id for s in stories] == [bakery, mayor, radio]
    tram = stories[2]
    assert (tram.others, tram.reports) == (("Morning Post", "City Herald"), 3)
    assert (stories[0].others, stories[0].reports) == ((), 1)
    # the digest groups them alike
    [digest_tram] = [i for i in (await digest_of(engine)).items if len(i.article_ids) > 1]
    assert sorted(digest_tram.article_ids) == sorted((herald, post, radio))


async def test_limit_keeps_the_best_and_counts_the_rest(news: Engine) -> None:
    engine = news
    await add(engine, *TRAM, BAKERY, ELECTIONS)
    digest = await digest_of(engine, limit=1)
    assert [len(i.article_ids) for i in digest.items] == [3]
    assert (digest.articles, digest.stories) == (5, 3)


async def test_period_is_by_publication_else_ingestion(news: Engine) -> None:
    engine = news
    inside, before, after = await add(
        engine,
        ArticleDraft("Inside", "Published inside the period.", published=at(1)),
        ArticleDraft("Before", "Published the day before.", published=at(-2)),
        ArticleDraft("After", "Published the day after.", published=at(25)),
    )
    [undated_inside] = await add(
        engine,
        ArticleDraft("Undated in", "No date; stored during the period."),
        ingested=DAY + timedelta(hours=3),
    )
    await add(
        engine,
        ArticleDraft("Undated out", "No date; stored before the period."),
        ingested=DAY - timedelta(hours=3),
    )
    digest = await digest_of(engine)
    assert sorted(i for item in digest.items for i in item.article_ids) == sorted(
        [inside, undated_inside]
    )
    # A date-only "published" counts from 10:00 UTC of that day.
    [dated] = await add(engine, ArticleDraft("Date only", "Just a date.", published="2024-06-03"))
    digest = await digest_of(engine)
    assert dated in {i for item in digest.items for i in item.article_ids}
    assert before not in {i for item in digest.items for i in item.article_ids}
    assert after not in {i for item in digest.items for i in item.article_ids}


async def test_a_late_arrival_joins_the_next_digest_once(news: Engine) -> None:
    engine = news
    """Dated before the previous digest's end, stored after it was built."""
    first = Period(DAY - timedelta(days=1), DAY, as_of=DAY + timedelta(minutes=1))
    second = Period(
        DAY,
        DAY + timedelta(days=1),
        seen_until=first.as_of,
        as_of=DAY + timedelta(days=1, minutes=1),
    )
    [on_time] = await add(
        engine,
        ArticleDraft("On time", "Stored before the first digest.", published=at(-2)),
        ingested=DAY - timedelta(hours=1),
    )
    [late] = await add(
        engine,
        ArticleDraft("Late", "Dated before, stored after the first digest.", published=at(-0.5)),
        ingested=DAY + timedelta(hours=2),
    )
    [too_old] = await add(
        engine,
        ArticleDraft(
            "Archive",
            "An old article ingested from an archive.",
            published=(DAY - LATE_WINDOW - timedelta(hours=1)).isoformat(),
        ),
        ingested=DAY + timedelta(hours=2),
    )
    [after_build] = await add(
        engine,
        ArticleDraft(
            "Stored while building", "Dated inside, stored after as_of.", published=at(-0.2)
        ),
        ingested=DAY + timedelta(minutes=2),
    )

    def ids(digest_items: object) -> set[int]:
        return {i for item in digest_items for i in item.article_ids}  # type: ignore[attr-defined]

    assert ids((await digest_of(engine, first)).items) == {on_time}
    assert ids((await digest_of(engine, second)).items) == {late, after_build}
    assert too_old not in ids((await digest_of(engine, second)).items)


async def test_a_story_is_timed_by_its_dated_reports_not_an_undated_copy(
    engine: Engine,
) -> None:
    """A dated report and an undated copy stored hours later: the story showed the copy's
    storage time as if it were when the story was published."""
    dated, copy = TRAM[0], replace(TRAM[1], published=None)
    await add(engine, dated)
    await add(engine, copy, ingested=DAY + timedelta(hours=15))
    [story] = (await digest_of(engine)).items
    assert len(story.articles) == 2 and not story.published_stored
    assert story.published == DAY + timedelta(hours=9)


async def test_a_story_of_undated_reports_alone_is_timed_when_stored(engine: Engine) -> None:
    """No report of it gave a date: its time is when the newest was stored, and says so
    (`published_stored`), as the line under its headline shows it."""
    first, second = (replace(draft, published=None) for draft in TRAM[:2])
    await add(engine, first, ingested=DAY + timedelta(hours=9))
    await add(engine, second, ingested=DAY + timedelta(hours=15))
    [story] = (await digest_of(engine)).items
    assert len(story.articles) == 2 and story.published_stored


RESIGNATION = (
    ArticleDraft(
        "استقالة وزير المالية",
        "أعلن وزير المالية سامي الخطيب استقالته من الحكومة يوم الاثنين بعد نشر تقرير عن "
        "الفساد في الوزارة. وقال مسؤولون إن رئيس الوزراء سيعين خلفا له خلال أيام.",
        source="الصباح",
        published=at(8),
    ),
    ArticleDraft(
        "الخطيب يترك الحكومة",
        "قدم وزير المالية سامي الخطيب استقالته من الحكومة الاثنين إثر نشر تقرير عن الفساد في "
        "وزارته. ومن المتوقع أن يعين رئيس الوزراء وزيرا جديدا قريبا.",
        source="النهار",
        published=at(12),
    ),
)
UNCASED = (
    ArticleDraft(
        "财政部长辞职",
        "财政部长周一因一份关于腐败的报告宣布辞职。官员说，总理将在几天内任命继任者。",
        source="新闻日报",
        published=at(13),
    ),
    ArticleDraft(
        "財務相が辞任",
        "財務相は月曜日、汚職に関する報告書の公表を受けて辞任を表明した。",
        source="朝日新報",
        published=at(14),
    ),
    ArticleDraft(
        "वित्त मंत्री का इस्तीफा",
        "वित्त मंत्री ने भ्रष्टाचार की रिपोर्ट के बाद सोमवार को इस्तीफा दे दिया।",
        source="दैनिक समाचार",
        published=at(15),
    ),
    ArticleDraft(
        "שר האוצר התפטר",
        "שר האוצר הודיע ביום שני על התפטרותו לאחר פרסום הדוח על השחיתות במשרד.",
        source="הבוקר",
        published=at(16),
    ),
)


async def test_stories_in_scripts_without_capitals_have_extracts_and_are_grouped(
    engine: Engine,
) -> None:
    """Every sentence of an Arabic, Hebrew, Chinese, Japanese or Hindi article was dropped as
    not prose (no lower case, no five spaced words, no full stop it knew): no extract, and
    two Arabic reports of one resignation, their leads alike, were two bare headlines."""
    [*arabic] = await add(engine, *RESIGNATION)
    others = await add(engine, *UNCASED)
    await add(engine, *TRAM[:2])
    items = {item.article_ids: item for item in (await digest_of(engine)).items}
    assert len(items) == 2 + len(UNCASED)
    resignation = items[tuple(arabic)]
    assert resignation.outlets == ("الصباح", "النهار")
    assert "سامي الخطيب استقالته" in resignation.extract
    for draft, article_id in zip(UNCASED, others, strict=True):
        assert items[(article_id,)].extract.startswith(draft.text[:10])
    # its two sentences as written: no space after the "。"
    assert items[(others[0],)].extract == UNCASED[0].text


async def test_a_subscription_stored_with_more_keywords_than_now_typed_gets_its_digest(
    engine: Engine,
) -> None:
    """Keywords typed now are bounded (20); a subscription stored before with more must not
    fail its digest every day."""
    await add(engine, *TRAM, BAKERY, ELECTIONS)
    many = ["elections", *(f"topic{n}" for n in range(24))]
    with pytest.raises(DigestError, match="at most 20 keywords"):
        typed_keywords(many, Tokenizer())
    digest = await digest_of(engine, keywords=many)
    assert [i.headline for i in digest.items] == [ELECTIONS.title]


def test_typed_keywords_leave_markup_out_and_name_those_with_nothing_to_search() -> None:
    """`<b>oil</b>` was searched as "b" and "oil" in one sentence, and "&" beside "oil" was
    kept as a keyword that matches nothing."""
    typed = ["<b>oil</b>", '<a href="https://x.org">Bank of England</a>', "AT&amp;T", "<oil>"]
    assert typed_keywords(typed, Tokenizer()) == ("oil", "Bank of England", "AT&T", "<oil>")
    with pytest.raises(DigestError, match="^'&' has no words, so it would match nothing"):
        typed_keywords(["<b>oil</b>", "&"], Tokenizer())
    with pytest.raises(DigestError, match="^'the', '<i></i>' have no word to search for"):
        typed_keywords(["the", "oil", "<i></i>"], Tokenizer())
    with pytest.raises(DigestError, match="^'& —' has no words: use names"):
        typed_keywords(["&", "—"], Tokenizer())


def test_a_number_typed_alone_is_one_keyword_with_the_word_before_it() -> None:
    """`/digest apollo 11` was a digest of "apollo" or "11": every article that says
    "slipped 11%" or "Chapter 11". A number is one keyword with the word it goes with."""
    tokens = Tokenizer()
    assert typed_keywords(["apollo", "11", "oil"], tokens) == ("apollo 11", "oil")
    assert typed_keywords(["covid", "19"], tokens) == ("covid 19",)
    assert typed_keywords(["2024", "budget", "oil"], tokens) == ("2024 budget", "oil")
    assert typed_keywords(["Bank of England", "2024"], tokens) == ("Bank of England 2024",)
    assert typed_keywords(["<b>apollo</b>", "11"], tokens) == ("apollo 11",)
    # a number in a word stays that word
    assert typed_keywords(["9/11", "G20", "F-35"], tokens) == ("9/11", "G20", "F-35")
    for numbers in (["11"], ["11", "13"], ["11%"], ["<b>11</b>"]):
        with pytest.raises(DigestError, match="alone would match any article with that number"):
            typed_keywords(numbers, tokens)


async def test_keywords_match_the_words_as_search_does(news: Engine) -> None:
    engine = news
    await add(engine, *TRAM, BAKERY, ELECTIONS)
    # "elections" matches "election" in the text; "Trams" the titles' "tram".
    digest = await digest_of(engine, keywords=["elections"])
    assert [i.headline for i in digest.items] == [ELECTIONS.title]
    assert digest.keywords == ("elections",) and digest.articles == 1
    digest = await digest_of(engine, keywords=["Trams", "bakeries"])
    assert digest.articles == 4 and digest.stories == 2
    assert (await digest_of(engine, keywords=["volcano"])).items == ()
    with pytest.raises(DigestError, match="only very common words"):
        keyword_terms(["the", "and"], Tokenizer())


async def test_a_keyword_digest_is_the_full_digests_stories_that_hold_the_keywords(
    news: Engine,
) -> None:
    """Grouped after the articles were filtered, a keyword digest parted a story whose other
    reports do not say the word: Reason's "marijuana" bill alone, while the full digest
    had it with CNN's, The Hill's and Fox News's. Only the Morning Post's tram report says
    "councillors": the story, all three reports, is the digest's."""
    engine = news
    await add(engine, *TRAM, BAKERY, ELECTIONS)
    full = (await digest_of(engine)).items[0]
    digest = await digest_of(engine, keywords=["councillors"])
    [tram] = digest.items
    assert len(tram.article_ids) == 3 and tram.outlets == full.outlets
    assert (tram.headline, tram.extract) == (full.headline, full.extract)
    assert (digest.articles, digest.stories) == (3, 1)  # the reports of the stories kept


async def test_a_keyword_of_several_words_matches_where_one_sentence_holds_them_all(
    engine: Engine,
) -> None:
    """A keyword "F-35" matched every article that says "35"; "Boris Johnson" every
    Johnson's. A keyword is one thing asked about: its terms together in the title or a
    sentence."""
    jets, fares, ministers, letters = await add(
        engine,
        ArticleDraft(
            "Air force takes delivery of new jets",
            "Four F-35 fighters landed at the base on Monday. Pilots began training.",
            source="Defence Weekly",
            published=at(8),
        ),
        ArticleDraft(
            "Bus fares rise by 35 pence",
            "Fares rise from Monday. The F route is cut back to the depot.",
            source="City Herald",
            published=at(9),
        ),
        ArticleDraft(
            "Boris Johnson returns to parliament",
            "The former prime minister took his seat on Monday.",
            source="Politics Daily",
            published=at(10),
        ),
        ArticleDraft(
            "Letters: the new library",
            "Boris Petrov writes about the opening hours. Ann Johnson asks for a lift.",
            source="City Herald",
            published=at(11),
        ),
    )
    ids = {item.article_ids[0] for item in (await digest_of(engine, keywords=["F-35"])).items}
    assert ids == {jets}
    boris = await digest_of(engine, keywords=["Boris Johnson"])
    assert [item.article_ids for item in boris.items] == [(ministers,)]
    # keywords still match on their own; one-word keywords anywhere in the article
    either = await digest_of(engine, keywords=["Boris Johnson", "fares", "Petrov"])
    assert {item.article_ids[0] for item in either.items} == {ministers, fares, letters}
    assert keyword_groups(["Bank of the England", "the", "F-35"], Tokenizer()) == (
        frozenset({"bank", "england"}),
        frozenset({"f", "35"}),
    )


async def test_a_keyword_of_several_words_is_a_phrase(engine: Engine) -> None:
    """`/digest apollo 11` took in "Apollo Global shares fell 11%": both words in one
    sentence, neither about the mission. A keyword's words are matched together, in any
    order, with at most one other word among them ("oil prices in 2024", "In 2024, oil");
    the common words between them do not count ("Bank of England")."""
    mission, _, bank, _, fuel = await add(
        engine,
        ArticleDraft(
            "Moon rock goes on show",
            "A rock brought back by Apollo 11 went on show in the museum on Monday.",
            source="Science Weekly",
            published=at(8),
        ),
        ArticleDraft(
            "Markets slide",
            "Apollo Global shares fell 11% on Monday after its results.",
            source="Money Wire",
            published=at(9),
        ),
        ArticleDraft(
            "Rates held",
            "The Bank of England held its rate on Thursday.",
            source="City Herald",
            published=at(10),
        ),
        ArticleDraft(
            "Tour of the north",
            "England's cricket team visited a bank in Leeds on Friday.",
            source="Sports Daily",
            published=at(11),
        ),
        ArticleDraft(
            "Fuel outlook",
            "Oil prices in 2024 will stay high, the agency said.",
            source="Energy Wire",
            published=at(12),
        ),
    )
    apollo = await digest_of(engine, keywords=["apollo 11"])
    assert [item.article_ids for item in apollo.items] == [(mission,)]
    england = await digest_of(engine, keywords=["Bank of England"])
    assert [item.article_ids for item in england.items] == [(bank,)]
    oil = await digest_of(engine, keywords=["oil 2024"])
    assert [item.article_ids for item in oil.items] == [(fuel,)]
    # typed the other way round (`/digest 11 apollo` joins the number to the word after it)
    reversed_ = await digest_of(engine, keywords=["11 apollo"])
    assert [item.article_ids for item in reversed_.items] == [(mission,)]


async def test_a_story_holding_more_of_the_keywords_comes_first(engine: Engine) -> None:
    """A digest about monkeypox and vaccine put a Lyme disease vaccine trial that more
    outlets carried first, and the monkeypox vaccine below it."""
    lyme = ArticleDraft(
        "Lyme disease vaccine enters final trial",
        "A vaccine against Lyme disease entered its final trial on Monday, its makers said. "
        "Six thousand volunteers will take part.",
        source="City Herald",
        published=at(12),
    )
    lyme_too = ArticleDraft(
        "Final trial for Lyme disease vaccine",
        "The Lyme disease vaccine entered its final trial on Monday, with six thousand "
        "volunteers, its makers said.",
        source="Coastal Times",
        published=at(13),
    )
    [monkeypox] = await add(
        engine,
        ArticleDraft(
            "Clinics offer monkeypox vaccine",
            "Clinics began offering the monkeypox vaccine to people at risk on Monday.",
            source="Health Wire",
            published=at(8),
        ),
    )
    await add(engine, lyme, lyme_too)
    plain = await digest_of(engine)
    assert plain.items[0].headline == lyme.title and len(plain.items[0].outlets) == 2
    asked = await digest_of(engine, keywords=["monkeypox", "vaccine"])
    assert [item.headline for item in asked.items] == [
        "Clinics offer monkeypox vaccine",
        lyme.title,
    ]
    assert asked.items[0].article_ids == (monkeypox,)


async def test_a_story_about_a_keyword_comes_before_one_naming_it_in_passing(
    engine: Engine,
) -> None:
    """/digest oil put stories that say "snake oil salesman" or "flaxseed oil" once, deep in
    their text, above the fuel duty story: a keyword in a headline, a lead or more than one
    sentence is what a story is about."""
    passing = [
        ArticleDraft(
            title,
            f"{lead} The judges praised the entries. Crowds came from three towns. {mention}",
            source=source,
            published=at(20),
        )
        for title, lead, source, mention in (
            (
                "Baker wins bread contest",
                "A village baker won the bread contest on Saturday.",
                "City Herald",
                "One stall sold flaxseed oil.",
            ),
            (
                "Prize bull shown at spring show",
                "A farmer showed his prize bull at the spring show.",
                "Coastal Times",
                "A man dressed as a snake oil salesman.",
            ),
        )
    ]
    fuel = ArticleDraft(
        "Fuel duty frozen by the chancellor",
        "The chancellor froze fuel duty on Wednesday. Drivers welcomed the news. "
        "Oil companies said pump prices follow crude. Oil fell a dollar on the news.",
        source="Money Wire",
        published=at(8),
    )
    headline = ArticleDraft(
        "Oil output cut agreed",
        "Producers agreed to cut output on Tuesday. Prices rose.",
        source="Energy Desk",
        published=at(6),
    )
    await add(engine, *passing, fuel, headline)
    asked = await digest_of(engine, keywords=["oil"])
    assert [item.headline for item in asked.items] == [
        # oil in its headline (though older), then about oil, then the passing mentions,
        # newest first: "Supreme Court" put a vote on Capitol statues, whose lead named a
        # former Chief Justice, above six rulings headlined with it
        "Oil output cut agreed",
        "Fuel duty frozen by the chancellor",
        "Baker wins bread contest",
        "Prize bull shown at spring show",
    ]


@pytest.mark.slow
async def test_a_reuters_day_digest(engine: Engine, tmp_path: Path) -> None:
    day = [
        a for a in shared_articles("reuters-21578") if (a["published"] or "")[:10] == "1987-03-11"
    ]
    await engine.ingest([write_jsonl(tmp_path / "day.jsonl", day)])
    start = datetime(1987, 3, 11, tzinfo=UTC)
    day_digest = await digest_of(engine, Period(start, start + timedelta(days=1)))
    # the store drops identical reruns (14) and near-identical ones of the wire (3)
    assert day_digest.articles == len(day) - 17
    assert 390 <= day_digest.stories <= 430
    # One wire: stories filed most often lead, the newest first among equals.
    ranks = [(-len(i.article_ids), -i.published.timestamp()) for i in day_digest.items]
    assert ranks == sorted(ranks) and ranks[0][0] <= -3
    hughes = next(i for i in day_digest.items if "HUGHES" in i.headline)
    assert len(hughes.article_ids) >= 2 and "Hughes" in hughes.extract
    assert all(item.outlets == ("Reuters",) for item in day_digest.items)
    period = Period(start, start + timedelta(days=1))
    opec = await digest_of(engine, period, keywords=["OPEC"], limit=100)
    assert 0 < opec.articles < 20 and opec.stories <= opec.articles
    reports = {a.title for i in opec.items for a in i.articles}
    assert "ECUADOR TO ASK OPEC TO RAISE EXPORT QUOTA" in reports
    # the day's stories, as the digest without keywords has them
    every = await digest_of(engine, period, limit=1_000)
    assert {i.article_ids for i in opec.items} <= {i.article_ids for i in every.items}


def lines_of(*drafts: ArticleDraft) -> list[dict[str, Any]]:
    """The drafts as lines of a .jsonl file to ingest."""
    return [
        {
            "title": d.title,
            "text": d.text,
            "source": d.source,
            "published": d.published,
            "url": d.url,
        }
        for d in drafts
    ]


def test_cli_digest_prints_the_period(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = db_path.parent / "news.jsonl"
    write_jsonl(source, [*lines_of(*TRAM, BAKERY), *shared_articles("bbc-news", 300)])
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    period = "--since 2024-06-03 --until 2024-06-04T00:00:00 --limit 1"
    assert main([*db, "digest", *period.split()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "News from 2024-06-03 00:00 to 2024-06-04 00:00 (UTC): 2 stories from 4 articles; "
        "the top 1.\n\n1. "
    )
    assert "City Herald, Morning Post, Radio City · 2024-06-03 11:00" in out
    assert "bakery" not in out.lower()
    period = "--since 3h --until 2024-06-03T12:00 --keywords bakery"
    assert main([*db, "digest", *period.split()]) == 0
    assert capsys.readouterr().out == (
        "No new articles about bakery from 2024-06-03 09:00 to 2024-06-03 12:00 (UTC).\n"
    )


def test_cli_digest_clips_what_it_prints_and_takes_every_keywords_flag(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A title of a million characters was printed whole (ask clipped it to 200), and a
    second --keywords dropped the first."""
    story = "The zebra crossing on Mill Road reopened on Monday after repairs to its lights."
    source = write_jsonl(
        db_path.parent / "long.jsonl",
        [
            {
                "title": "Zebra " * 200_000,
                "text": story,
                "source": "Mill Road Gazette " * 20,
                "published": "2024-06-03T09:00:00Z",
            }
        ],
    )
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    period = ["--since", "2024-06-03", "--until", "2024-06-03"]
    assert main([*db, "digest", *period, "--keywords", "oil", "--keywords", "zebra"]) == 0
    out = capsys.readouterr().out
    assert ", about oil, zebra." in out.splitlines()[0]
    headline = next(line for line in out.splitlines() if line.startswith("1. "))
    assert len(headline) <= len("1. ") + TITLE_CHARS and headline.endswith("Zebra…")
    assert max(len(line) for line in out.splitlines()) <= 3 + max(TITLE_CHARS, QUOTE_CHARS)


def test_cli_digest_reads_a_phrase_typed_in_quotes_as_the_bot_does(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--keywords '"Wend Rovers"'` was a digest about “"Wend Rovers"”, quotes and all."""
    match = {
        "title": "Wend Rovers win the cup",
        "text": "Wend Rovers won the county cup final on Saturday.",
        "published": "2024-06-03T09:00:00Z",
    }
    db = ["--db", str(db_path)]
    source = write_jsonl(db_path.parent / "w.jsonl", [match])
    assert main([*db, "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    period = ["--since", "2024-06-03", "--until", "2024-06-03"]
    for typed, about in [
        (['"Wend Rovers"'], "“Wend Rovers”"),
        (["“Wend Rovers”, final"], "“Wend Rovers”, final"),
        (["Wend Rovers"], "“Wend Rovers”"),  # the shell's quotes, gone: one keyword still
    ]:
        assert main([*db, "digest", *period, "--keywords", *typed]) == 0
        out = capsys.readouterr().out
        assert f", about {about}." in out.splitlines()[0]
        assert "Wend Rovers win the cup" in out


def test_cli_digest_reads_a_number_with_the_word_before_it(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--keywords apollo 11` was a digest of every article that says "11"."""
    lines = [
        {"title": title, "text": text, "published": "2024-06-03T09:00:00Z"}
        for title, text in (
            ("Moon landing remembered", "Apollo 11 landed on the Moon 55 years ago."),
            ("Shares slide", "Shares in the retailer slipped 11% on Monday after a warning."),
        )
    ]
    db = ["--db", str(db_path)]
    assert (
        main([*db, "ingest", "--quiet", str(write_jsonl(db_path.parent / "n.jsonl", lines))]) == 0
    )
    capsys.readouterr()
    period = ["--since", "2024-06-03", "--until", "2024-06-03"]
    assert main([*db, "digest", *period, "--keywords", "apollo", "11"]) == 0
    out = capsys.readouterr().out
    assert ", about “apollo 11”." in out.splitlines()[0]
    assert "Moon landing remembered" in out and "Shares slide" not in out
    assert main([*db, "digest", *period, "--keywords", "11"]) == 2
    assert "'11' alone would match any article with that number" in capsys.readouterr().err


def test_an_archive_is_searched_but_kept_out_of_digests(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Undated articles count from when they are stored: ingested plainly, a backfill is
    the next digest's news (said to be stored then, not published); with --archive it is
    searched as any other and no digest takes it."""
    db = ["--db", str(db_path)]
    strike = {
        "title": "Dockers strike at Tilbury",
        "text": "Dockers at Tilbury walked out over pay on Monday. Ships queued in the estuary.",
    }
    tram = {"title": TRAM[0].title, "text": TRAM[0].text}
    old = write_jsonl(tmp_path / "old.jsonl", [strike])
    new = write_jsonl(tmp_path / "new.jsonl", [tram])
    assert main([*db, "ingest", "--archive", str(old)]) == 0
    assert "had no date" not in capsys.readouterr().err
    assert main([*db, "ingest", str(new)]) == 0
    note = capsys.readouterr().err
    assert (
        "newsbot ingest: 1 article added had no date, so it counts from now: the next digest "
        "takes it"
        " as new."
        in note
        and "it archives this one)" in note
    )
    assert main([*db, "digest", "--since", "1h", "--json"]) == 0
    stories = json.loads(capsys.readouterr().out)["stories"]
    assert [s["title"] for s in stories] == [tram["title"]]
    assert main([*db, "digest", "--since", "1h"]) == 0
    assert "unknown outlet · stored " in capsys.readouterr().out
    assert main([*db, "ask", "--json", "Who walked out at Tilbury?"]) == 0
    [first, *_] = json.loads(capsys.readouterr().out)["results"]
    assert first["article"]["title"] == strike["title"]
    # stored plainly by mistake: the same ingest with --archive archives it
    assert main([*db, "ingest", "--archive", str(new)]) == 0
    # said: the summary counted a duplicate and nothing else
    assert "1 duplicate, 0 failed; 1 article archived (kept out of digests)" in (
        capsys.readouterr().out
    )
    assert main([*db, "digest", "--since", "1h", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stories"] == []
    # counted once, and only when archived by this run (it said 3, then 2, of one article)
    assert main([*db, "ingest", "--archive", str(new), str(new), str(old)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("added 0 articles (0 sentences), 3 duplicates") and "archived" not in out
    tram_again = write_jsonl(tmp_path / "tram-again.jsonl", [tram, tram])
    assert main(["--db", str(tmp_path / "b.db"), "ingest", "--archive", str(tram_again)]) == 0
    assert "1 duplicate, 0 failed; 1 article archived" in capsys.readouterr().out


@pytest.mark.slow
def test_an_undated_backfill_of_two_archives_keeps_their_stories_apart(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """BBC 2004 and Reuters 1987 articles without dates, ingested plainly, all count from
    the moment they were stored: a tsunami report and a loan to Sri Lanka, tennis and a
    bank's CD in Hong Kong, were one story each for two places in common."""
    places = ("sri lanka", "hong kong")
    backfill = [
        {**a, "published": None}
        for name in ("bbc-news", "reuters-21578")
        for a in shared_articles(name)
        if any(p in f"{a['title']} {a['text'][:400]}".lower() for p in places)
    ]
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(write_jsonl(tmp_path / "b.jsonl", backfill))]) == 0
    capsys.readouterr()
    assert main([*db, "digest", "--since", "1h", "--json", "--limit", "1000"]) == 0
    stories = json.loads(capsys.readouterr().out)["stories"]
    assert sum(len(s["articles"]) for s in stories) > 100
    outlets = [{a["source"] for a in s["articles"]} for s in stories]
    assert [s["title"] for s, o in zip(stories, outlets, strict=True) if len(o) > 1] == []


def test_an_article_deleted_by_hand_leaves_no_archived_mark_on_the_next(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deleted with the sqlite3 shell (foreign keys off, no cascade), the newest archived
    article left its mark; the next article stored took its id and no digest showed it."""
    db = ["--db", str(db_path)]
    old = write_jsonl(tmp_path / "old.jsonl", [{"title": "Old", "text": "An old story."}])
    assert main([*db, "ingest", "--quiet", "--archive", str(old)]) == 0
    [(article_id,)] = run_sql(db_path, "SELECT id FROM articles")
    run_sql(db_path, "DELETE FROM sentences WHERE article_id = ?", article_id)
    run_sql(db_path, "DELETE FROM articles WHERE id = ?", article_id)
    tram = {"title": TRAM[0].title, "text": TRAM[0].text}
    assert main([*db, "ingest", "--quiet", str(write_jsonl(tmp_path / "new.jsonl", [tram]))]) == 0
    assert run_sql(db_path, "SELECT id FROM articles") == [(article_id,)]  # the same id
    capsys.readouterr()
    assert main([*db, "digest", "--since", "1h", "--json"]) == 0
    assert [s["title"] for s in json.loads(capsys.readouterr().out)["stories"]] == [tram["title"]]


def test_a_digest_duration_is_elapsed_time_across_a_change_of_clocks(
    seeded_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Berlin's clocks went back an hour on 27 October 2024: the 24 hours before midnight
    on the 28th start at 01:00 on the 27th, where wall-clock arithmetic made them 25."""
    db = ["--db", str(seeded_db)]
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Europe/Berlin")
    capsys.readouterr()
    # through the 27th: to midnight on the 28th
    assert main([*db, "digest", "--since", "24h", "--until", "2024-10-27", "--json"]) == 0
    period = json.loads(capsys.readouterr().out)
    assert (period["since"], period["until"]) == (
        "2024-10-27T01:00:00+02:00",
        "2024-10-28T00:00:00+01:00",
    )
    # near year 1, in a zone east of UTC: before it in UTC, or reaching before it
    assert main([*db, "digest", "--until", "0001-01-01T00:30"]) == 2
    assert "digest: '0001-01-01T00:30' is out of the range of dates" in capsys.readouterr().err
    assert main([*db, "digest", "--since", "2h", "--until", "0001-01-01T01:30"]) == 2
    assert "digest: --since reaches before year 1" in capsys.readouterr().err


def test_a_digest_of_year_ones_first_week_weighs_its_words_from_year_ones_start(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A period ending in year 1's first week: the week of articles that weighs its words
    reached before year 1, an OverflowError and a traceback (`ask --as-of` took the dates)."""
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "UTC")
    early = {"title": TRAM[0].title, "text": TRAM[0].text, "published": "0001-01-02T10:00:00Z"}
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(write_jsonl(tmp_path / "a.jsonl", [early]))]) == 0
    capsys.readouterr()
    assert main([*db, "digest", "--since", "0001-01-01", "--until", "0001-01-03", "--json"]) == 0
    assert [s["title"] for s in json.loads(capsys.readouterr().out)["stories"]] == [early["title"]]
    assert main([*db, "digest", "--until", "0001-01-01"]) == 0
    assert capsys.readouterr() == (
        "No new articles from 0001-01-01 00:00 to 0001-01-02 00:00 (UTC).\n",
        "",
    )


def test_cli_digest_reads_dates_in_newsbot_timezone(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The period is shown in NEWSBOT_TIMEZONE, so it is read in it: from noon to midnight
    in Tokyo is 03:00 to 15:00 UTC, the tram stories (09:00-11:00 UTC) and not the bakery
    (20:00 UTC), where noon to midnight UTC holds only the bakery."""
    source = db_path.parent / "news.jsonl"
    write_jsonl(source, [*lines_of(*TRAM, BAKERY), *shared_articles("bbc-news", 300)])
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(source)]) == 0
    period = ["--since", "2024-06-03T12:00", "--until", "2024-06-03", "--json"]
    capsys.readouterr()
    assert main([*db, "digest", *period]) == 0
    utc = json.loads(capsys.readouterr().out)
    assert [s["title"] for s in utc["stories"]] == [BAKERY.title]
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Asia/Tokyo")
    assert main([*db, "digest", *period]) == 0
    tokyo = json.loads(capsys.readouterr().out)
    assert (tokyo["since"], tokyo["until"]) == (
        "2024-06-03T12:00:00+09:00",
        "2024-06-04T00:00:00+09:00",
    )
    [story] = tokyo["stories"]
    assert story["title"] in {d.title for d in TRAM}


def test_cli_digest_until_a_date_or_a_week_runs_through_its_end_as_ask_as_of(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`digest --until 2022-W23` was that week's Monday, where `ask --as-of 2022-W23` is
    through its Sunday; and `--until 2022-06-12` ended as the 12th began, where `--as-of
    2022-06-12` is through it. Both run through their end now, on both commands."""
    sunday = [replace(d, published="2022-06-12T15:00:00Z") for d in TRAM[:2]]
    source = write_jsonl(db_path.parent / "sunday.jsonl", lines_of(*sunday))
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    for since, until, end in (
        ("2022-W23", "2022-W23", "2022-06-13T00:00:00Z"),
        ("2022-W23", "2022W23", "2022-06-13T00:00:00Z"),
        ("2022-06-12", "2022-06-12", "2022-06-13T00:00:00Z"),
        ("24h", "2022-06-12", "2022-06-13T00:00:00Z"),
        ("2022-06-06", "2022-06-12T16:00", "2022-06-12T16:00:00Z"),  # a time: itself
    ):
        assert main([*db, "digest", "--since", since, "--until", until, "--json"]) == 0
        period = json.loads(capsys.readouterr().out)
        assert period["until"] == end, (since, until)
        assert [len(s["articles"]) for s in period["stories"]] == [2], (since, until)
    assert main([*db, "ask", "--json", "--as-of", "2022-W23", "tram line"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of_moment"] == "2022-06-12T23:59:59.999999Z"
    with pytest.raises(SystemExit) as exited:  # read before the command runs, as --as-of
        main([*db, "digest", "--until", "9999-12-31"])
    assert exited.value.code == 2
    assert "'9999-12-31' is out of the range of dates newsbot can use" in capsys.readouterr().err


def test_cli_digest_reads_a_month_from_its_start_to_its_end(
    seeded_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`digest --until 1987-10` was refused ("not an ISO date or time") where `ask --as-of
    1987-10` is through the 31st: a month is now from its 1st for --since and through its
    last day for --until, in NEWSBOT_TIMEZONE, as a week is from its Monday to its Sunday."""
    db = ["--db", str(seeded_db)]
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Asia/Tokyo")
    for since, until, period in (
        ("2022-06", "2022-06", ("2022-06-01T00:00:00+09:00", "2022-07-01T00:00:00+09:00")),
        ("2022-06-10", "2022-06", ("2022-06-10T00:00:00+09:00", "2022-07-01T00:00:00+09:00")),
        ("2024-02", "2024-W09", ("2024-02-01T00:00:00+09:00", "2024-03-04T00:00:00+09:00")),
        ("2023-W52", "2023-12", ("2023-12-25T00:00:00+09:00", "2024-01-01T00:00:00+09:00")),
    ):
        capsys.readouterr()
        assert main([*db, "digest", "--since", since, "--until", until, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert (shown["since"], shown["until"]) == period, (since, until)


def test_cli_digest_help_names_the_weeks_and_months_its_dates_take(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--since said "an ISO date or time" of what takes a week too, and now a month."""
    with pytest.raises(SystemExit):
        main(["digest", "--help"])
    shown = " ".join(capsys.readouterr().out.split()).partition("options:")[2]
    since = shown[shown.index("--since WHEN") : shown.index("--until WHEN")]
    until = shown[shown.index("--until WHEN") : shown.index("--keywords")]
    assert "an ISO week (2022-W23) or a month (2022-06), from its start" in since
    assert "an ISO week or a month, through its end, as ask --as-of reads it" in until


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/Los_Angeles"])
def test_cli_digest_shows_a_story_dated_by_day_only_without_a_time(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    """Reports dated "2022-11-08" are counted from 10:00 UTC that day; the digest showed
    that as their time: 10:00, 19:00 in Tokyo, 02:00 in Los Angeles."""
    monkeypatch.setenv("NEWSBOT_TIMEZONE", zone)
    election = [
        replace(TRAM[0], source="USA Today", published="2022-11-08", url=None),
        replace(TRAM[1], source="CNN", published="2022-11-08", url=None),
    ]
    source = write_jsonl(db_path.parent / "news.jsonl", lines_of(*election))
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    period = ["--since", "2022-11-08", "--until", "2022-11-08"]
    assert main([*db, "digest", *period]) == 0
    [*_, when_line] = capsys.readouterr().out.rstrip().splitlines()
    assert when_line == "   USA Today, CNN · 2022-11-08"
    assert main([*db, "digest", *period, "--json"]) == 0
    [story] = json.loads(capsys.readouterr().out)["stories"]
    assert [a["published"] for a in story["articles"]] == ["2022-11-08", "2022-11-08"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "neither a duration nor a date: use e.g. 24h, 90m, 2d, "),
        (
            ["--since", "yesterday"],
            "2022-06-10T18:30+02:00, a week, 2022-W23, or a month, 2022-06",
        ),
        # the messages of `ask --as-of`, which reads dates as --until does
        (["--until", "noon"], "'noon' is not a date or date-time newsbot can use: use e.g. "),
        (["--until", "2024-06-03Z"], "not a date or date-time newsbot can use"),
        (["--until", "2022-W53"], "'2022-W53' is no date: 2022 has 52 ISO weeks (2022-W01 to"),
        (["--since", "1987-W54"], "'1987-W54' is no date: 1987 has 53 ISO weeks (1987-W01 to"),
        (["--since", "1987-13"], "'1987-13' is no date: a month is 01 to 12"),
        (["--until", "1987-00"], "'1987-00' is no date: a month is 01 to 12"),
        (["--until", "2022-02-30"], "'2022-02-30' is no date: February 2022 has 28 days"),
        (["--since", "1000000d"], "'1000000d' is too long ago: use at most 36500d"),
        (["--since", "99999999999w"], "too long ago"),
        # with the usage line, as argparse tells "abc"
        (["--limit", "0"], "argument --limit: '0' is not a whole number of at least 1"),
    ],
)
def test_cli_digest_explains_unreadable_times(
    db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(db_path), "digest", *args])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--keywords", "the"], "only very common words"),
        # beside a keyword that matches, one with no word would match nothing, silently
        (["--keywords", "oil", "--keywords", "&"], "'&' has no words, so it would match nothing"),
        (["--since", "2024-06-05", "--until", "2024-06-04"], "--since must be before --until"),
    ],
)
def test_cli_digest_refuses_arguments_it_cannot_use(
    db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["--db", str(db_path), "digest", *args]) == 2
    assert message in capsys.readouterr().err


def test_cli_digest_json_has_every_article_of_every_story(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = db_path.parent / "news.jsonl"
    drafts = (*TRAM, BAKERY, ELECTIONS)
    write_jsonl(source, [*lines_of(*drafts), *shared_articles("bbc-news", 300)])
    assert main(["--db", str(db_path), "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    period = ["--since", "2024-06-03", "--until", "2024-06-03"]  # the 3rd, through its end
    assert main(["--db", str(db_path), "digest", *period, "--json", "--limit", "1"]) == 0
    top = json.loads(capsys.readouterr().out)
    assert set(top) == {"since", "until", "stories"}
    assert (top["since"], top["until"]) == (
        "2024-06-03T00:00:00Z",
        "2024-06-04T00:00:00Z",
    )
    [story] = top["stories"]
    assert set(story) == {"rank", "title", "extract", "articles"} and story["rank"] == 1
    assert story["title"] in {d.title for d in TRAM} and "tram line" in story["extract"]
    assert [(a["title"], a["source"], a["url"], a["published"]) for a in story["articles"]] == [
        (d.title, d.source, d.url, published_text(d.published)) for d in TRAM
    ]
    assert all(
        set(a) == {"id", "title", "source", "url", "published"} and a["id"] > 0
        for a in story["articles"]
    )
    # A large limit gives every story; every article is in exactly one.
    assert main(["--db", str(db_path), "digest", *period, "--json", "--limit", "1000"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert [s["rank"] for s in everything["stories"]] == [1, 2, 3]
    titles = [a["title"] for s in everything["stories"] for a in s["articles"]]
    assert sorted(titles) == sorted(d.title for d in drafts)


@pytest.mark.slow
def test_stories_of_a_week_do_not_depend_on_older_archives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same week of real multi-outlet news, alone in one database and stored after a
    1987 wire archive and a 2004 BBC one in another: the same stories, as `newsbot digest`
    prints them, for the week and for a day of it, whose words are weighed among the week
    up to its end. (Rarity taken from the search index made modern names look rare next to
    those archives, and chains grew.)"""
    roundups = corpus_file("story-roundups-dev/articles.jsonl")
    week = [
        json.loads(line)
        for line in roundups.read_text(encoding="utf-8").splitlines()
        if "2021-06-21" <= json.loads(line)["published"][:10] <= "2021-06-27"
    ]
    archives = [*shared_articles("reuters-21578", 2000), *shared_articles("bbc-news", 500)]

    def stored(name: str, *batches: list[dict[str, Any]]) -> str:
        db = str(tmp_path / f"{name}.db")
        for number, batch in enumerate(batches):
            path = write_jsonl(tmp_path / f"{name}-{number}.jsonl", batch)
            assert main(["--db", db, "ingest", "--quiet", str(path)]) == 0
        return db

    def stories(db: str, since: str, until: str) -> set[frozenset[str]]:
        capsys.readouterr()
        dates = ["--since", since, "--until", until]
        assert main(["--db", db, "digest", *dates, "--json", "--limit", "1000"]) == 0
        printed = json.loads(capsys.readouterr().out)["stories"]
        return {frozenset(a["url"] for a in story["articles"]) for story in printed}

    alone, crowded = stored("alone", week), stored("crowded", archives, week)
    whole = stories(alone, "2021-06-21", "2021-06-28")
    assert sum(len(s) for s in whole) == len(week) and sum(len(s) > 1 for s in whole) >= 15
    assert stories(crowded, "2021-06-21", "2021-06-28") == whole
    day = stories(alone, "2021-06-24", "2021-06-25")
    assert sum(len(s) > 1 for s in day) >= 3
    assert stories(crowded, "2021-06-24", "2021-06-25") == day


def test_a_days_words_are_weighed_among_the_week_up_to_its_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A day's four articles alone: "union", "pay", "inflation" look as rare as "Rostock"
    there, and two reports of the dockers' strike told in those words were two stories
    (`story_pairs.STRIKE_DAY`). The digest weighs them among the articles of the 7 days up
    to the day's end too, read from the database: among the week's strike news they are
    common, and the strike is one story. News after the day, more than 7 days before its
    end, or archived weighs nothing, as the day alone."""

    def day_stories(
        name: str, shift: int | None = None, archive: bool = False
    ) -> set[frozenset[str]]:
        """The titles of each story of the day's digest, the week's strike news stored too,
        `shift` days later (None: not stored)."""
        db = ["--db", str(tmp_path / f"{name}.db")]
        day = write_jsonl(tmp_path / f"{name}-day.jsonl", ingest_lines(STRIKE_DAY))
        assert main([*db, "ingest", "--quiet", str(day)]) == 0
        if shift is not None:
            moved = [replace(a, time=(a.time or 0) + shift * 86_400) for a in STRIKE_WEEK]
            week = write_jsonl(tmp_path / f"{name}-week.jsonl", ingest_lines(moved))
            assert main([*db, "ingest", "--quiet", *["--archive"] * archive, str(week)]) == 0
        capsys.readouterr()
        dates = ["--since", "2021-03-10", "--until", "2021-03-11"]
        assert main([*db, "digest", *dates, "--json", "--limit", "100"]) == 0
        printed = json.loads(capsys.readouterr().out)["stories"]
        return {frozenset(a["title"] for a in story["articles"]) for story in printed}

    alone = {frozenset([a.title]) for a in STRIKE_DAY}
    assert day_stories("alone") == alone
    strike = frozenset(a.title for a in STRIKE_DAY[:2])
    others = {frozenset([a.title]) for a in STRIKE_DAY[2:]}
    assert day_stories("after-a-week-of-strikes", 0) == {strike, *others}
    assert day_stories("a-week-later", 7) == alone
    assert day_stories("more-than-a-week-before", -7) == alone
    assert day_stories("archived", 0, archive=True) == alone


def ingest_lines(reports: Sequence[StoryArticle]) -> list[dict[str, Any]]:
    """Made-up reports (`story_pairs`) as lines of a .jsonl file to ingest."""
    return [
        {
            "title": r.title,
            "text": " ".join(r.sentences),
            "source": r.source,
            "published": datetime.fromtimestamp(r.time or 0, UTC).isoformat(),
        }
        for r in reports
    ]


async def test_digests_asked_at_once_are_built_two_at_a_time(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every chat subscribed for 08:00 asks at 08:00; each build holds its period's articles
    in memory, so ten at once took ten times the memory."""
    await add(engine, *TRAM, BAKERY)
    real = build_digest
    running, most = 0, 0

    async def counted(*args: Any) -> Digest:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await asyncio.sleep(0.05)  # the build takes a while: others may start meanwhile
            return await real(*args)
        finally:
            running -= 1

    monkeypatch.setattr(engine_module, "build_digest", counted)
    digests = await asyncio.gather(*(digest_of(engine) for _ in range(6)))
    assert most == engine_module.DIGEST_BUILDS == 2
    assert len({tuple(i.headline for i in d.items) for d in digests}) == 1 and digests[0].items


async def test_a_digest_cancelled_while_built_keeps_its_turn_until_its_thread_ends(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cancelled build gave its turn back at once, while its worker thread went on
    composing: cancelled ones could hold more than two periods in memory."""
    await add(engine, *TRAM)
    real = build_digest
    active, most = 0, 0
    lock = threading.Lock()

    def compose_for_a_while() -> None:
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        time.sleep(0.3)
        with lock:
            active -= 1

    async def slow(*args: Any) -> Digest:
        await asyncio.to_thread(compose_for_a_while)  # cancelled, its thread goes on
        return await real(*args)

    monkeypatch.setattr(engine_module, "build_digest", slow)
    await engine.refresh()
    first = asyncio.create_task(engine.digest(PERIOD))
    second = asyncio.create_task(engine.digest(PERIOD))
    await asyncio.sleep(0.1)
    first.cancel()
    third = asyncio.create_task(engine.digest(PERIOD))
    done = await asyncio.gather(first, second, third, return_exceptions=True)
    assert isinstance(done[0], asyncio.CancelledError) and done[2].items  # type: ignore[union-attr]
    assert most == 2


async def test_a_story_more_outlets_told_ranks_above_one_outlet_filing_it_thrice(
    engine: Engine,
) -> None:
    wire = [
        ArticleDraft(
            "Ferry runs aground off Skerry lighthouse",
            f"The night ferry ran aground off the Skerry lighthouse. Update {n}: tugs are on "
            f"their way, {n + 2} hours after the alarm.",
            source="Wire",
            published=(DAY + timedelta(hours=9, minutes=10 * n)).isoformat(),
        )
        for n in range(3)
    ]
    festival = [
        ArticleDraft(
            "Orchard festival draws record Kentish crowds",
            f"The orchard festival drew record crowds to Kent this weekend, {outlet} reports.",
            source=outlet,
            published=(DAY + timedelta(hours=8)).isoformat(),
        )
        for outlet in ("Gazette", "Courier")
    ]
    await add(engine, *wire, *festival)
    digest = await digest_of(engine)
    assert [len(item.article_ids) for item in digest.items] == [2, 3]
    assert set(digest.items[0].outlets) == {"Gazette", "Courier"}


async def test_a_headline_without_text_joins_a_story_but_ranks_below_every_story_told(
    engine: Engine,
) -> None:
    """A feed entry of a title alone (a summary of "Read more", or its title again, and no
    page read) ranked as a story of its own: one outlet, the newest, it came before
    reports with text and led the digest with a headline and nothing to say."""
    headlines = (  # as a poll stores such entries: the feed's summary for text
        ArticleDraft(
            "Harbour bridge closed after lorry crash",
            "Read more",
            source="Quay News",
            published=at(22),
        ),
        ArticleDraft(
            "Storm warning for the coast tonight",
            "Storm warning for the coast tonight.",
            source="Coast FM",
            published=at(21),
        ),
        # one that joins a story others tell: it names its outlet there, gives no extract
        ArticleDraft(
            "Council approves the harbour tram line to the university",
            "Council approves the harbour tram line to the university.",
            source="Quay News",
            published=at(12),
        ),
    )
    await add(engine, *TRAM, BAKERY, ELECTIONS, *headlines)
    digest = await digest_of(engine)
    assert [i.headline for i in digest.items][1:] == [
        BAKERY.title,
        ELECTIONS.title,
        headlines[0].title,  # then those of a headline alone, the newest first
        headlines[1].title,
    ]
    tram = digest.items[0]
    assert "Quay News" in tram.outlets and len(tram.article_ids) == 4
    assert tram.headline in {d.title for d in TRAM} and "tram line" in tram.extract
    assert tram.extract != headlines[2].text


async def test_a_digest_headline_is_shown_without_its_outlets_name(engine: Engine) -> None:
    """Answers showed "Who was Shinzo Abe?" from CNN, the digest "Who was Shinzo Abe? | CNN"
    beside the outlet CNN: a headline is shown alike in both."""
    await add(
        engine,
        ArticleDraft(
            "Harbour tram line approved | City Herald",
            "The council approved the harbour tram line on Monday after a long debate.",
            source="City Herald",
            published=at(9),
        ),
        ArticleDraft(
            "Council votes for the harbour tram line | City Herald ...",
            "The council voted for the harbour tram line on Monday after a long debate.",
            source="City Herald",
            published=at(10),
        ),
    )
    [item] = (await digest_of(engine)).items
    assert item.headline == "Harbour tram line approved"
    assert item.outlets == ("City Herald",)
    # every report's title too (`digest --json`), a listing's cut one ("| CNN ...") as well
    assert [a.title for a in item.articles] == [
        "Harbour tram line approved",
        "Council votes for the harbour tram line",
    ]


async def test_a_story_of_price_tables_ranks_below_every_story_told(engine: Engine) -> None:
    """A wire's price tables ("LME METAL AM 1ST RING VOLUMES/PAIDS"), filed several times a
    day, were one story of three reports and led the digest with no extract: a table has
    words but no sentence to tell."""
    rings = [
        ArticleDraft(
            f"LME METAL {session} RING VOLUMES/PAIDS",
            f"COPPER GRADE A - {tonnes} tonnes mainly carries cash nil\n"
            "3months 880.00 STANDARD - Nil\n"
            "    LEAD - 1550 tonnes mainly carries cash nil 3months 299.50\n"
            "    ZINC HIGH GRADE - 450 tonnes mainly carries cash 455.00",
            source="Reuters",
            published=at(hour),
        )
        for session, tonnes, hour in (
            ("AM 1ST", 2650, 21),
            ("AM 2ND", 7750, 22),
            ("PM 1ST", 3250, 23),
        )
    ]
    await add(engine, BAKERY, *rings)
    digest = await digest_of(engine)
    assert [i.headline for i in digest.items][0] == BAKERY.title
    assert all(i.extract == "" for i in digest.items[1:])


async def test_the_line_under_a_headline_gives_its_articles_time(engine: Engine) -> None:
    """The headline's article was published at 09:00, another report of the story at 11:00:
    the line under the headline said 11:00, as if it were the headline's (Reuters' "COASTAL
    RAISES OIL POSTED PRICES" shown at Unocal's 16:59). It gives the headline's own time,
    then the story's latest report, said to be that, in the terminal and in the bot."""
    from bot.cli.digest import render_digest
    from bot.digest_format import digest_messages
    from retrieval.zones import parse_zone

    first, _, last = TRAM
    await add(engine, first, replace(last, source="Radio City", text=last.text[:60] + "."))
    [story] = (await digest_of(engine)).items
    assert story.headline == first.title and story.url == first.url
    assert story.lead_published == DAY + timedelta(hours=9)
    assert story.published == DAY + timedelta(hours=11)
    digest = Digest(PERIOD.start, PERIOD.end, (story,), (), 2, 1)
    zone = parse_zone("UTC")
    text = render_digest(digest, zone)
    assert "City Herald, Radio City · 2024-06-03 09:00 · latest report 11:00\n" in text
    [message] = digest_messages(digest, zone)
    assert "City Herald, Radio City</i> · Mon 3 Jun 09:00 · latest report 11:00" in message


def test_cli_digest_labels_an_article_dated_ahead_by_when_it_was_stored(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An article dated hours ahead counts from when it was stored (`store.counts_from`):
    the digest's text showed that time as if it were published then ("Desk · 2026-12-08
    00:13"), while `digest --json` gave its date (20:12). Both now say when it was stored,
    labelled so, and the JSON its date beside it."""
    ahead = (datetime.now(UTC) + timedelta(hours=20)).replace(microsecond=0)
    record = {
        "title": "Zebracorn sighting reported",
        "text": "A zebracorn was sighted near the harbour, the coast guard said on Monday.",
        "source": "Desk",
        "published": ahead.isoformat(),
    }
    source = write_jsonl(db_path.parent / "ahead.jsonl", [record])
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(source)]) == 0
    [(stored,)] = run_sql(db_path, "SELECT published_ts FROM articles")
    stored_at = datetime.fromtimestamp(stored, UTC)
    capsys.readouterr()
    assert main([*db, "digest", "--since", "1d"]) == 0
    assert f"Desk · stored {stored_at:%Y-%m-%d %H:%M}\n" in capsys.readouterr().out
    assert main([*db, "digest", "--since", "1d", "--json"]) == 0
    [story] = json.loads(capsys.readouterr().out)["stories"]
    [article] = story["articles"]
    assert article["published"] == published_text(ahead.isoformat())
    assert datetime.fromisoformat(article["stored"]) == stored_at


async def test_a_later_report_dated_ahead_is_said_to_be_stored_then(engine: Engine) -> None:
    """A story's later report dated hours ahead counts from when it was stored: the line
    under the headline gave that time as its "latest report", as if it were published then.
    It says "stored", as for the headline's own article, in the terminal and in the bot."""
    from bot.cli.digest import render_digest
    from bot.digest_format import digest_messages
    from retrieval.zones import parse_zone

    now = datetime.now(UTC).replace(microsecond=0)
    first, _, last = TRAM
    lead = replace(first, published=(now - timedelta(hours=2)).isoformat())
    ahead = replace(
        last,
        source="Radio City",
        text=last.text[:60] + ".",
        published=(now + timedelta(hours=20)).isoformat(),
    )
    await add(engine, lead, ahead)
    period = Period(now - timedelta(days=1), now + timedelta(hours=1))
    [story] = (await digest_of(engine, period)).items
    assert story.headline == first.title and story.published_stored
    [(counted,)] = run_sql(engine.db_path, "SELECT max(published_ts) FROM articles")
    stored = datetime.fromtimestamp(counted, UTC)
    same_day = stored.date() == (now - timedelta(hours=2)).date()
    digest = Digest(now - timedelta(days=1), now, (story,), (), 2, 1)
    zone = parse_zone("UTC")
    latest = f"{stored:%H:%M}" if same_day else f"{stored:%Y-%m-%d %H:%M}"
    assert f" · latest report stored {latest}\n" in render_digest(digest, zone)
    [message] = digest_messages(digest, zone)
    latest = f"{stored:%H:%M}" if same_day else f"{stored:%a} {stored.day} {stored:%b %H:%M}"
    assert f" · latest report stored {latest}" in message
