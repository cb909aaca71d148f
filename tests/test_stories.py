"""Story grouping and extracts: on the labelled multi-outlet roundups, on the tricky pairs of
issue 13, on real Reuters days, and on small made-up pages."""

from __future__ import annotations

import random
import tracemalloc
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache

import numpy as np
import pytest

from benchmarks.stories import Report, bcubed, evaluate, load_reports, newsbot, predict
from retrieval.corpus.furniture import is_photo_caption
from retrieval.corpus.sentences import article_sentences
from retrieval.digest import stories as story_rules
from retrieval.digest.extracts import representative_extract
from retrieval.digest.stories import group_stories
from retrieval.digest.story_articles import StoryArticle, is_chrome, prose
from retrieval.digest.story_terms import Vector, idf_table, story_terms, story_vectors
from retrieval.index.tokens import Tokenizer

from .conftest import corpus_file, shared_articles
from .story_pairs import (
    ABORTION,
    BANK_DAY,
    BOOSTERS,
    CHAIN,
    EVACUATION,
    GERMAN_DAY,
    HEARTBEAT,
    ONE_OUTLET,
    ONE_OUTLET_GERMAN,
    RAIL_STRIKE,
    RATINGS,
    RERUN,
    STRIKE_DAY,
    STRIKE_WEEK,
    WAR_REPORT,
    WIRE_DAY,
)

TOKENIZER = Tokenizer()
OLD_RULES = Tokenizer(acronyms=False, numbers=False)  # without issue 13's acronym and number rules


@cache
def roundups() -> tuple[Report, ...]:
    return tuple(load_reports(corpus_file("story-roundups-dev/articles.jsonl")))


@pytest.mark.slow
@pytest.mark.parametrize(("window", "least_f1"), [("week", 0.90), ("all", 0.80)])
def test_roundups_are_grouped_into_their_stories(window: str, least_f1: float) -> None:
    """B-cubed on the labelled roundups, the issue's targets (dev F1: 0.940 and 0.935)."""
    scores = evaluate(newsbot(TOKENIZER), roundups(), window)
    assert scores.f1 >= least_f1 and scores.precision >= 0.90


@pytest.mark.slow
def test_a_day_is_grouped_as_well_as_a_week() -> None:
    """The daily digest is the main one. Rarity taken among a day's few articles alone made
    common words look rare, and a day read 0.918 F1 (recall 0.854) against a week's 0.939;
    weighed among the week up to its end, 0.953 (dev precision 0.983)."""
    day, week = (evaluate(newsbot(TOKENIZER), roundups(), by) for by in ("day", "week"))
    assert day.f1 >= week.f1 and day.precision >= 0.95


@pytest.mark.slow
def test_single_link_chains_the_whole_file_where_average_link_does_not() -> None:
    """All at once, months of stories on a few topics: one chain of loose resemblances would
    swallow them. Average link keeps every group to the size of a story (three reports)."""
    groups = predict(newsbot(TOKENIZER), roundups(), "all")
    assert max(len(g) for g in groups) <= 6


@pytest.mark.slow
def test_time_apart_keeps_follow_ups_apart() -> None:
    """Without the time decay, one topic's roundups days apart merge (precision falls)."""
    reports = roundups()
    timeless = evaluate(newsbot(TOKENIZER, story_hours=None), reports, "all")
    timed = evaluate(newsbot(TOKENIZER), reports, "all")
    assert timeless.precision < 0.80 < 0.90 <= timed.precision


@pytest.mark.slow
def test_grouping_does_not_depend_on_input_order() -> None:
    reports = roundups()
    week = [r.article for r in reports if r.published.isocalendar()[:2] == (2021, 25)]
    shuffled = list(week)
    random.Random(13).shuffle(shuffled)

    def stories(articles: list[StoryArticle]) -> set[frozenset[int]]:
        return {frozenset(articles[i].id for i in g) for g in group_stories(articles, TOKENIZER)}

    assert len(week) > 40 and stories(week) == stories(shuffled)


def test_bcubed_scores_every_article_alone_and_all_together() -> None:
    gold = ["a", "a", "a", "b"]
    alone = bcubed([[0], [1], [2], [3]], gold)
    assert (alone.precision, alone.recall) == (1.0, 0.5)
    together = bcubed([[0, 1, 2, 3]], gold)
    assert together.precision == pytest.approx(0.625) and together.recall == 1.0


def cosine(window: list[StoryArticle], tokenizer: Tokenizer, i: int = 0, j: int = 1) -> float:
    vectors: list[Vector] = story_vectors(window, tokenizer)[0]
    return sum(w * vectors[j].get(t, 0.0) for t, w in vectors[i].items())


def stories(window: list[StoryArticle], tokenizer: Tokenizer = TOKENIZER) -> list[list[int]]:
    return group_stories(window, tokenizer)


def test_who_and_w_h_o_are_one_story() -> None:
    assert stories(BOOSTERS) == [[0, 1], [2], [3], [4]]
    # Without the rule, "WHO" is the stopword "who", "W.H.O." the letters "w" and "h".
    assert cosine(BOOSTERS, TOKENIZER) > 1.5 * cosine(BOOSTERS, Tokenizer(acronyms=False))


def test_six_weeks_and_6_weeks_are_one_story() -> None:
    assert stories(ABORTION) == [[0, 1], [2], [3]]
    # Without the rule, "six" and "6" never meet: the pair shares less.
    assert cosine(ABORTION, TOKENIZER) > 1.5 * cosine(ABORTION, Tokenizer(numbers=False))


def test_us_evacuation_and_1500_americans_are_one_story() -> None:
    assert stories(EVACUATION) == [[0, 1], [2], [3]]
    # Without the rules, "U.S." is "u", "US" is "us"; "1,500" two terms every number shares.
    assert cosine(EVACUATION, TOKENIZER) > 1.5 * cosine(EVACUATION, OLD_RULES)


def test_follow_ups_days_apart_are_separate_stories() -> None:
    assert stories(HEARTBEAT) == [[0, 1], [2, 3]]
    assert group_stories(HEARTBEAT, TOKENIZER, story_hours=None) == [[0, 1, 2, 3]]


def test_one_outlet_needs_more_to_tell_a_story_twice() -> None:
    """Two reports from one outlet are more often two stories of one topic than one story
    told twice; from two outlets, the same likeness makes them one."""
    assert stories(ONE_OUTLET) == [[0], [1], [2], [3]]
    assert group_stories(ONE_OUTLET, TOKENIZER, same_outlet=1.0) == [[0, 1], [2], [3]]
    # one outlet however its name is spelled ("The Hill", "THE HILL."): `outlets.outlet_key`
    respelled = [ONE_OUTLET[0], replace(ONE_OUTLET[1], source="THE HILL."), *ONE_OUTLET[2:]]
    assert stories(respelled) == [[0], [1], [2], [3]]
    # An outlet that files a story again, reworded, still has one story.
    assert stories([ONE_OUTLET[0], RERUN]) == [[0, 1]]


def test_one_outlets_notices_about_different_companies_are_different_stories() -> None:
    """A wire files one template for many companies: the frame's words ("Duff and Phelps
    said it is upgrading ... commercial paper") are rare in the week, and only the names
    differ. From two outlets, the likeness counts as before."""
    assert group_stories(RATINGS, TOKENIZER, context=WIRE_DAY) == [[0], [1]]
    two_outlets = [replace(RATINGS[0], source="Dow Jones"), RATINGS[1]]
    assert group_stories(two_outlets, TOKENIZER, context=WIRE_DAY) == [[0, 1]]


def test_one_word_in_common_is_not_a_story(monkeypatch: pytest.MonkeyPatch) -> None:
    """Among a day's articles a common word can look rare ("bank" in two of fourteen): one
    shared word is a coincidence; two reports of one story share several."""
    assert stories(BANK_DAY) == [[n] for n in range(len(BANK_DAY))]
    monkeypatch.setattr(story_rules, "MIN_SHARED_TERMS", 1)
    assert [0, 1] in stories(BANK_DAY)


def test_a_days_words_are_weighed_among_the_week_around_it() -> None:
    """Among a day's four articles, the words of a week of strikes ("union", "pay",
    "inflation"), each in one of them, weighed as much as "Rostock", and the dockers'
    strike was two stories; weighed among the week's strike news too, it is one. The week
    is not grouped, and the day's other stories stay apart."""
    assert stories(STRIKE_DAY) == [[0], [1], [2], [3]]
    assert group_stories(STRIKE_DAY, TOKENIZER, context=STRIKE_WEEK) == [[0, 1], [2], [3]]
    # the day's own articles among the context count once
    both = [*STRIKE_DAY, *STRIKE_WEEK]
    assert group_stories(STRIKE_DAY, TOKENIZER, context=both) == [[0, 1], [2], [3]]
    assert story_vectors(STRIKE_DAY, TOKENIZER, both) == story_vectors(
        STRIKE_DAY, TOKENIZER, STRIKE_WEEK
    )


def test_reports_in_another_language_share_no_story_through_its_small_words() -> None:
    """Among English news a German report's "die", "der", "für" are rare, and weighed as
    names they made the pension reform and heating oil prices one story; read without
    German's function words, only the two reports of the Bundesliga game are one."""
    english_week = [*STRIKE_WEEK, *STRIKE_DAY]
    assert group_stories(GERMAN_DAY, TOKENIZER, context=english_week) == [
        [0],
        [1],
        [2, 4],
        [3],
    ]
    terms = story_terms(GERMAN_DAY[1], TOKENIZER)
    assert "rent" in terms and not {"die", "der", "fur"} & set(terms)
    # and its words stemmed by German's rules: three outlets' strike, each worded its way
    assert group_stories(RAIL_STRIKE, TOKENIZER, context=english_week) == [[0, 1, 2], [3]]
    # one outlet's two German stories: their headlines' names are read as their terms are
    # (the "Die" that opens title and lead was a name, and no term: a KeyError)
    assert group_stories(ONE_OUTLET_GERMAN, TOKENIZER) == [[0], [1]]
    # English reports keep every term: "war", "man" and "die" are German function words
    assert story_terms(WAR_REPORT, TOKENIZER) == Counter(
        TOKENIZER(" ".join([WAR_REPORT.title, *WAR_REPORT.sentences]))
    )


def test_a_chain_of_resemblances_is_not_one_story() -> None:
    """A resembles B and B resembles C, but A and C share nothing: single link would make
    one story of the three; average link keeps the closest pair together only."""
    assert len(stories(CHAIN)) >= 2
    assert [0, 1] in stories(CHAIN)


def undated(window: list[StoryArticle]) -> list[StoryArticle]:
    """The articles as a backfill without dates stores them: all timed when it ran."""
    return [replace(a, time=1.7e9, dated=False) for a in window]


def test_undated_reports_of_one_story_are_still_one_story() -> None:
    for window, grouped in ((BOOSTERS, [0, 1]), (ABORTION, [0, 1]), (EVACUATION, [0, 1])):
        assert grouped in stories(undated(window))


@pytest.mark.slow
def test_undated_archives_of_different_years_are_not_grouped_by_their_places() -> None:
    """Undated BBC 2004 and Reuters 1987 articles stored at one moment: time tells none
    apart, and "Sri Lanka" or "Hong Kong" with a word or two more made one story of a 2004
    tsunami report and a 1987 loan, or of tennis and a bank's CD."""
    window = undated(
        [
            StoryArticle(n, a["title"], tuple(s for _, s in article_sentences(a["text"])), name)
            for name in ("bbc-news", "reuters-21578")
            for n, a in enumerate(shared_articles(name))
            if any(
                p in f"{a['title']} {a['text'][:400]}".lower() for p in ("sri lanka", "hong kong")
            )
        ]
    )
    sources = [a.source for a in window]
    assert len(window) > 100 and sources.count("bbc-news") >= 10

    def mixed(groups: list[list[int]]) -> list[list[str]]:
        return [[window[i].title for i in g] for g in groups if len({sources[i] for i in g}) > 1]

    assert mixed(stories(window)) == []
    as_if_dated = group_stories(
        window, TOKENIZER, undated=1.0, undated_terms=story_rules.MIN_SHARED_TERMS
    )
    assert len(mixed(as_if_dated)) >= 2


@cache
def reuters_day(day: str) -> tuple[StoryArticle, ...]:
    """The Reuters items filed on `day`, in file order, as the digest would see them."""
    return tuple(
        StoryArticle(
            number,
            a["title"],
            tuple(s for _, s in article_sentences(a["text"])),
            "Reuters",
            datetime.fromisoformat(a["published"]).replace(tzinfo=UTC).timestamp(),
        )
        for number, a in enumerate(
            a for a in shared_articles("reuters-21578") if (a["published"] or "")[:10] == day
        )
    )


def grouped_titles(day: str) -> list[set[str]]:
    articles = reuters_day(day)
    return [{articles[i].title for i in group} for group in group_stories(articles, TOKENIZER)]


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
    # No chain of loose resemblances swallows a day's news: one wire files each story a few
    # times at most (a rerun, a correction, a follow-up).
    assert max(len(g) for g in groups) <= 5
    assert 340 <= len(groups) <= 400  # of 466 items


@pytest.mark.slow
def test_one_wires_notices_of_different_companies_are_different_stories() -> None:
    """Rating notices, bond offerings and price postings: one template each, filled in for
    several companies the same day."""
    ratings = grouped_titles("1987-03-19")
    assert "DUFF AND PHELPS UPGRADES PHILIP MORRIS <MO>" not in group_of(
        ratings, "DUFF AND PHELPS UPGRADES BAXTER TRAVENOL <BAX>"
    )
    offerings = grouped_titles("1987-03-26")
    assert "OUTBOARD MARINE <OM> SELLS 9.15 PCT DEBENTURES" not in group_of(
        offerings, "TIME <TL> SINKING FUND DEBENTURES YIELD 8.84 PCT"
    )
    postings = grouped_titles("1987-10-19")
    assert group_of(postings, "COASTAL <CGP> RAISES OIL POSTED PRICES").isdisjoint(
        {
            "USX <X> UNIT HIKES CRUDE OIL POSTED PRICES",
            "ARCO <ARC> RAISES CRUDE OIL POSTINGS 50 CTS",
        }
    )
    # One subject's items, however many, are still one story.
    assert group_of(offerings, "MULFORD SEES MORE BANK LOANS TO DEBTORS IN 1987") >= {
        "U.S TREASURY'S MULFORD REAFFIRMS G-6 AGREEMENT",
        "MULFORD SAYS GERMANY, JAPAN SHOULD DO MORE",
    }
    assert "BP <BP> DOES NOT PLAN TO HIKE STANDARD <SRD> BID" in group_of(
        offerings, "STANDARD <SRD> REFERRING BP <BP> BID TO GROUP"
    )
    assert "HECHINGER <HECHA> DEBT UPGRADED BY MOODY'S" in group_of(
        grouped_titles("1987-03-17"), "HECHINGER <HECHA> CONVERTIBLES UPGRADED BY S/P"
    )


@pytest.mark.slow
def test_black_monday_is_grouped_without_one_giant_story() -> None:
    """1987-10-19: dozens of items about the crash, nearly all different stories."""
    groups = grouped_titles("1987-10-19")
    assert group_of(groups, "SHAMROCK CAPITAL COMPLETES CENTRAL SOYA SALE") >= {
        "SHAMROCK COMPLETES CENTRAL SOYA SALE TO FERRUZZI"
    }
    assert group_of(groups, "U.S. NAVAL FORCES ATTACK IRANIAN OIL PLATFORM") >= {
        "U.S. FORCES DESTROYED OIL RIG, RAIDED ANOTHER",
    }
    assert max(len(g) for g in groups) <= 5
    assert len(groups) >= 340  # of 444 items


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


def test_extract_skips_photo_captions() -> None:
    """A caption at a page's head took the lead's bonus, and the digest showed the picture
    ("A man walks past ... in Kyiv, Ukraine, May 3, 2022.") instead of the news. The
    sentences are as the splitter gives them: the caption and its credit kept."""
    page = StoryArticle(
        1,
        "Ukraine says Russian strikes cut power to Kyiv",
        (
            "FILE PHOTO: A woman walks past a destroyed apartment building in Kyiv, Ukraine, "
            "on April 4, 2022.",
            "REUTERS/Valentyn Ogirenko/File Photo",
            "A man walks past a shop in Kyiv, Ukraine, May 3, 2022.",
            "REUTERS/Valentyn Ogirenko",
            "Russian missile strikes cut power to parts of Kyiv on Tuesday, Ukraine's energy "
            "ministry said, as engineers worked to restore supplies before nightfall.",
            "Police detain a protester outside the ministry in Kyiv, Ukraine, on May 3, 2022.",
            "(AP Photo/Evan Vucci)",
            "The ministry said two power stations in Kyiv were hit.",
        ),
    )
    idf, _ = idf_table([set(TOKENIZER(" ".join((page.title, *page.sentences))))])
    extract = representative_extract([page], TOKENIZER, idf)
    assert extract.text.startswith("Russian missile strikes cut power to parts of Kyiv")
    assert "walks past" not in extract.text and "Police detain" not in extract.text
    # a gallery, all captions, still has its words shown
    gallery = replace(page, sentences=page.sentences[:4])
    assert "walks past" in representative_extract([gallery], TOKENIZER, idf).text


@pytest.mark.parametrize(
    ("sentence", "after", "caption"),
    [
        ("A man walks past a shop in Kyiv, Ukraine, May 3, 2022.", "", True),
        ("Supporters react in Brasilia, Brazil October 30, 2022.", "", True),
        ("A For Sale sign is displayed in Washington, DC, on March 14, 2022.", "", True),
        ("FILE - In this Jan. 6, 2021 photo, supporters rally in Washington.", "", True),
        ("This aerial photo taken September 27 shows shipping containers.", "", True),
        ("Police stand guard outside the court.", "REUTERS/Juan Medina", True),
        ("Police stand guard outside the court.", "(AP Photo/Evan Vucci, File)", True),
        ("Police stand guard outside the court.", "Justin Sullivan/Getty Images", True),
        # news
        ("The Dow closed at a record on Friday, March 15, 2024.", "", False),
        ("It was moderated by Kristen Welker in Nashville on Oct. 22, 2020.", "", False),
        ("Trump was sworn in on January 20, 2017.", "", False),
        ("This image is fake, experts said.", "", False),
        ("Harris leads in a poll.", "The Reuters/Ipsos poll shows Harris ahead.", False),
    ],
)
def test_photo_captions(sentence: str, after: str, caption: bool) -> None:
    assert is_photo_caption(sentence, after) is caption


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


def test_the_extract_comes_from_a_report_whose_headline_is_whole() -> None:
    """A digest led with "Powerball: A single winning ticket for the $2.04 billion jackpot
    was ...", the headline its feed cut short, where another report of the story had
    "Powerball winner: $2.04B jackpot ticket sold in Altadena": the extract's report gives
    the story its headline."""
    cut = StoryArticle(
        1,
        "Powerball: A single winning ticket for the $2.04 billion jackpot was ...",
        (
            "A single winning ticket for the record $2.04 billion Powerball jackpot was sold "
            "in Altadena, California, lottery officials said.",
            "The winning numbers were drawn on Tuesday morning after a delay.",
        ),
    )
    whole = StoryArticle(
        2,
        "Powerball winner: $2.04B jackpot ticket sold in Altadena, California",
        ("The ticket that won the Powerball jackpot was sold at a gas station in Altadena.",),
    )
    stories = [cut, whole]
    idf, _ = idf_table(set(TOKENIZER(" ".join((a.title, *a.sentences)))) for a in stories)
    assert representative_extract(stories, TOKENIZER, idf).article_id == 2
    # cut short everywhere: the best report all the same
    alone = [cut, replace(whole, title="Powerball winner: $2.04B jackpot ticket sold …")]
    assert representative_extract(alone, TOKENIZER, idf).article_id == 1


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
        ("Editor’s Note: This story has been updated with the minister's reply.", True),
        ("Get '5 Things' in your inbox If your day doesn't start until you're up to speed.", True),
        ("The minister resigned on Monday after the report was published.", False),
        ('"We will not back down," the union leader told reporters.', False),
        # Scripts without case, spaces between words or Latin full stops.
        ("استقال وزير المالية يوم الاثنين بعد نشر تقرير عن الفساد.", False),
        ("وقال مسؤولون إن الحكومة ستعين خلفا له قريبا؟", False),
        ("قال الأمين العام لحلف NATO إن الاجتماع سيعقد غدا في بروكسل.", False),
        ("שר האוצר התפטר ביום שני לאחר פרסום הדוח.", False),
        ("财政部长周一因一份关于腐败的报告宣布辞职。", False),
        ("財務相は月曜日、報告書の公表を受けて辞任を表明した。", False),
        ("वित्त मंत्री ने सोमवार को इस्तीफा दे दिया।", False),
        ("รัฐมนตรีคลังลาออกเมื่อวันจันทร์ หลังรายงานการทุจริต", False),
        ("财政部长辞职。", True),  # a headline's length
        ("财政部长周一因腐败报告辞职", True),  # no full stop: a heading
        ("营收 3.2 亿元，净利 1.1 亿元，增长 12%。", True),  # a table in words
    ],
)
def test_chrome_lines(line: str, chrome: bool) -> None:
    assert is_chrome(line) is chrome


def test_story_pairs_cost_memory_by_their_terms_not_pairs_times_terms() -> None:
    """The terms in most articles were added as a dense row per pair: pairs x such terms
    floats, twice (1.2 GB for ten years of 9,500 articles). This is 39,000 pairs and 600
    common terms: 375 MB that way."""
    rng = np.random.default_rng(0)
    vectors = []
    for n in range(2000):
        common = rng.choice(600, 60, replace=False)
        vector = {f"common{t}": float(rng.random()) for t in common}
        vector |= {f"rare{n // 40}-{k}": 1.0 for k in range(story_rules.MIN_SHARED_TERMS)}
        vectors.append(vector)
    df = Counter(term for vector in vectors for term in vector)
    tracemalloc.start()
    try:
        pairs = story_rules._pair_similarities(vectors, df)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(pairs.first) == 50 * 40 * 39 // 2
    assert peak < 40_000_000, peak
    for p in (0, 777, len(pairs.first) - 1):  # each the whole dot product of its two vectors
        a, b = vectors[pairs.first[p]], vectors[pairs.second[p]]
        assert pairs.similarity[p] == pytest.approx(sum(w * b.get(t, 0.0) for t, w in a.items()))


def test_a_broken_tail_of_a_line_is_no_sentence_of_the_extract() -> None:
    lines = prose(
        [
            "The storm hit the coast on Monday night.",
            "and flooded the town centre, officials said.",
            "Rescue teams arrived by boat on Tuesday.",
        ]
    )
    assert lines == [
        "The storm hit the coast on Monday night.",
        "Rescue teams arrived by boat on Tuesday.",
    ]


def test_an_extract_does_not_say_the_same_thing_twice() -> None:
    first = "Floods hit the town of Ely on Monday, officials said."
    again = "Floods hit the town of Ely on Monday, officials said on Tuesday."
    report = StoryArticle(
        1, "Floods hit Ely", (first, again, "Rescue teams worked through the night in boats.")
    )
    extract = representative_extract([report], TOKENIZER, {})
    assert not extract.text.startswith(f"{first} {again}")
    assert extract.text.startswith(first)


def test_an_extracts_second_sentence_is_the_one_next_to_its_first() -> None:
    """The second sentence was any of the next best of the article: "His nearly 20-point
    win..." after an opening that names nobody, "...Evans tells Johnson" of a Johnson never
    introduced."""
    report = StoryArticle(
        1,
        "Chris Evans is People's Sexiest Man Alive",
        (
            "Chris Evans is People's Sexiest Man Alive.",
            "The magazine has chosen one man a year since 1985.",
            "Chris Evans starred as Captain America in a decade of films.",
            "“It means a lot,” Evans tells Johnson in the video about Sexiest Man Alive.",
        ),
    )
    idf, _ = idf_table([set(TOKENIZER(" ".join((report.title, *report.sentences))))])
    extract = representative_extract([report], TOKENIZER, idf)
    assert extract.text.startswith("Chris Evans is People's Sexiest Man Alive.")
    assert "Johnson" not in extract.text and "Captain America" not in extract.text


def test_one_name_in_common_is_one_thing_in_common(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undated, a 2004 car recall and a 1987 school-bus recall became one story: both name
    the National Highway Traffic Safety Administration, five terms of the five an undated
    pair must share. A name counts once, however many words it takes."""
    recalls = [
        StoryArticle(
            0,
            "Safety alert as GM recalls cars",
            (
                "The world's biggest carmaker General Motors is recalling nearly 200,000 "
                "vehicles in the US on safety grounds, according to federal regulators.",
                "The National Highway Traffic Safety Administration (NHTSA) said the largest "
                "recall involves 155,465 pickups, vans and sports utility vehicles.",
            ),
            "BBC News",
        ),
        StoryArticle(
            1,
            "WATCHDOG GROUP SEEKS U.S. RECALL OF SCHOOLBUSES",
            (
                "The Center for Auto Safety, a private watchdog group, sought a government "
                "recall of 50,000 schoolbuses over a defect that splits them open in a crash.",
                "The center asked the National Highway Traffic Safety Administration (NHTSA) "
                "to order a recall of every bus Thomas Built Buses made since 1977.",
            ),
            "Reuters",
        ),
        *BANK_DAY,
    ]
    assert stories(undated(recalls)) == [[n] for n in range(len(recalls))]
    monkeypatch.setattr(story_rules, "shared_evidence", lambda article, tokenizer: {})
    assert [0, 1] in stories(undated(recalls))  # each word of the name counted
