"""Story grouping and extracts, on real Reuters days and on small made-up pages."""

from __future__ import annotations

from functools import cache

import pytest

from retrieval.corpus.sentences import article_sentences
from retrieval.digest.stories import (
    StoryArticle,
    corpus_idf,
    group_stories,
    idf_table,
    is_chrome,
    representative_extract,
)
from retrieval.index.index import Index
from retrieval.index.tokens import Tokenizer

from .conftest import shared_articles

TOKENIZER = Tokenizer()


@cache
def reuters_day(day: str) -> tuple[StoryArticle, ...]:
    """The Reuters items filed on `day`, in file order."""
    return tuple(
        StoryArticle(number, a["title"], tuple(s for _, s in article_sentences(a["text"])))
        for number, a in enumerate(
            a for a in shared_articles("reuters-21578") if (a["published"] or "")[:10] == day
        )
    )


@cache
def reuters_index() -> Index:
    """All of Reuters-21578 indexed, as the bot's index would hold it (about 8 s, once)."""
    rows = [s for a in shared_articles("reuters-21578") for _, s in article_sentences(a["text"])]
    index = Index(TOKENIZER)
    index.add(list(enumerate(rows, start=1)))
    return index


def grouped_titles(day: str) -> list[set[str]]:
    articles = reuters_day(day)
    terms = {t for a in articles for t in TOKENIZER(" ".join((a.title, *a.sentences)))}
    index = reuters_index()
    idf = corpus_idf(index.document_frequencies(terms), len(index))
    return [
        {articles[i].title for i in group} for group in group_stories(articles, TOKENIZER, idf)
    ]


def group_of(groups: list[set[str]], title: str) -> set[str]:
    return next(g for g in groups if title in g)


@pytest.mark.slow
def test_reports_of_one_story_on_a_reuters_day_are_grouped() -> None:
    groups = grouped_titles("1987-03-11")
    # A merger, reported three ways, two of which share hardly a headline word.
    assert group_of(groups, "HUGHES TOOL <HT> BOARD APPROVES MERGER") == {
        "HUGHES TOOL <HT> BOARD APPROVES MERGER",
        "HUGHES <HT> APPROVES MERGER WITH BAKER <BKO>",
        "S/P DOWNGRADES BAKER <BKO>, UPGRADES HUGHES <HT>",
    }
    # The seller's item, the buyer's item and a correction of the first.
    assert group_of(groups, "REXNORD <REX> TO SELL RAILWAY EQUIPMENT UNIT") == {
        "REXNORD <REX> TO SELL RAILWAY EQUIPMENT UNIT",
        "OAK INDUSTRIES <OAK> TO BUY REXNORD <REX> UNIT",
        "CORRECTED - REXNORD <REX> TO SELL RAILWAY UNIT",
    }
    assert "HOUSE VOTES TO BLOCK CONTRA AID FOR SIX MONTHS" in group_of(
        groups, "WRIGHT SAYS HOUSE WILL VOTE TO BLOCK CONTRA AID"
    )
    assert "<BANK OF CHINA> TO JOIN VISA NETWORK" in group_of(
        groups, "BANK OF CHINA TO JOIN VISA INTERNATIONAL"
    )


@pytest.mark.slow
def test_different_stories_of_the_same_kind_stay_apart() -> None:
    groups = grouped_titles("1987-03-11")
    # Earnings reports of different companies share their whole template ("4th qtr net",
    # "shr", "cts", "revs"), and nothing else.
    earnings = {
        "INTERNATIONAL BANKNOTE CO INC <IBK> 4TH QTR LOSS",
        "NEWPORT ELECTRONICS INC <NEWE> 4TH QTR NET",
        "LAMSON AND SESSIONS CO <LMS> 4TH QTR LOSS",
        "KATY INDUSTRIES INC <KT> 4TH QTR NET",
        "SERVICE RESOURCES CORP <SRC> 4TH QTR NET",
        "BANK OF BRITISH COLUMBIA 1ST QTR JAN 31 NET",
    }
    assert all(len(group & earnings) <= 1 for group in groups)
    # Same commodity, same buyer country, different deals.
    assert "TAIWAN TO TENDER FOR 27,000 TONNES U.S. SOYBEANS" not in group_of(
        groups, "JAPAN MAY INCREASE ITS BRAZILIAN SOYBEAN PURCHASES"
    )
    assert "AUSTRALIAN UNEMPLOYMENT EASES IN FEBRUARY" not in group_of(
        groups, "DUTCH ADJUSTED UNEMPLOYMENT UNCHANGED IN FEBRUARY"
    )
    # No chain of loose resemblances swallows a day's news.
    assert max(len(g) for g in groups) <= 3
    assert 395 <= len(groups) <= 425  # of 466 items: reruns and follow-ups, not topics


@pytest.mark.slow
def test_black_monday_is_grouped_without_one_giant_story() -> None:
    """1987-10-19: dozens of items about the crash, nearly all different stories."""
    groups = grouped_titles("1987-10-19")
    assert group_of(groups, "SHAMROCK CAPITAL COMPLETES CENTRAL SOYA SALE") >= {
        "SHAMROCK COMPLETES CENTRAL SOYA SALE TO FERRUZZI"
    }
    assert group_of(groups, "U.S. NAVAL FORCES ATTACK IRANIAN OIL PLATFORM") >= {
        "IRAN SAYS U.S. NAVAL FORCES ATTACKED TWO PLATFORMS",
        "U.S. FORCES DESTROYED OIL RIG, RAIDED ANOTHER",
    }
    assert max(len(g) for g in groups) <= 4
    assert len(groups) >= 380  # of 444 items


def test_extract_skips_page_chrome_and_says_what_happened() -> None:
    page = StoryArticle(
        1,
        "Council approves new tram line",
        (
            "Share this article",
            "By Jane Doe | 5 min read",
            "ADVERTISEMENT",
            "Sign up for our newsletter to get the news every morning.",
            "The city council approved a new tram line linking the harbour to the university "
            "on Tuesday, after two years of debate.",
            "Construction of the tram line will start in spring and cost 120 million euros.",
            "Photograph: Getty Images.",
        ),
    )
    idf, _ = idf_table([set(TOKENIZER(" ".join((page.title, *page.sentences))))])
    extract = representative_extract([page], TOKENIZER, idf)
    assert extract.article_id == 1
    assert extract.text == (
        "The city council approved a new tram line linking the harbour to the university on "
        "Tuesday, after two years of debate. Construction of the tram line will start in "
        "spring and cost 120 million euros."
    )


def test_extract_of_a_story_comes_from_its_most_representative_report() -> None:
    off_topic = StoryArticle(
        1,
        "Storm hits coast; also, port strike ends",
        (
            "A storm brought heavy rain to the northern coast overnight, flooding roads.",
            "Separately, dock workers ended their strike at the port of Riverton.",
        ),
    )
    central = StoryArticle(
        2,
        "Riverton dock workers end strike",
        (
            "Dock workers at the port of Riverton ended a nine-day strike after the union "
            "accepted a pay rise of six percent.",
            "Ships queued outside the port are expected to dock from Thursday.",
        ),
    )
    other = StoryArticle(
        3,
        "Port strike over in Riverton",
        (
            "The strike at Riverton port is over after the union accepted a six percent pay rise, "
            "the port authority said.",
        ),
    )
    stories = [off_topic, central, other]
    idf, _ = idf_table(set(TOKENIZER(" ".join((a.title, *a.sentences)))) for a in stories)
    extract = representative_extract(stories, TOKENIZER, idf)
    assert extract.article_id == 2
    assert extract.text.startswith("Dock workers at the port of Riverton ended a nine-day")


def test_a_results_table_has_no_extract() -> None:
    table = StoryArticle(
        1,
        "ACME CORP <ACM> 4TH QTR NET",
        (
            "Shr 16.3p vs 12.2p",
            "Net 4.5 mln vs 3.9 mln",
            "Revs 120.1 mln vs 98.7 mln",
        ),
    )
    assert representative_extract([table], TOKENIZER, {}).text == ""


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("Read more: the full interview with the minister.", True),
        ("BREAKING NEWS IN BRIEF.", True),
        ("Shr 12 cts vs 10 cts.", True),
        ("Updated 5 minutes ago", True),
        ("NOTE: figures restated for a stock split.", True),
        ("The minister resigned on Monday after the report was published.", False),
        ('"We will not back down," the union leader told reporters.', False),
    ],
)
def test_chrome_lines(line: str, chrome: bool) -> None:
    assert is_chrome(line) is chrome
