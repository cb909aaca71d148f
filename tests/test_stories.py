"""Story grouping and extracts: on the labelled multi-outlet roundups, on the tricky pairs of
issue 13, on real Reuters days, and on small made-up pages."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from functools import cache

import pytest

from benchmarks.stories import Report, bcubed, evaluate, load_reports, predict
from retrieval import stories as story_rules
from retrieval.sentences import article_sentences
from retrieval.stories import (
    StoryArticle,
    Vector,
    group_stories,
    idf_table,
    is_chrome,
    representative_extract,
    story_vectors,
)
from retrieval.tokens import Tokenizer

from .conftest import shared_articles
from .shared_corpus import shared_corpus_file

TOKENIZER = Tokenizer()
OLD_RULES = Tokenizer(acronyms=False, numbers=False)  # the tokens before issue 13


@cache
def roundups() -> tuple[Report, ...]:
    return tuple(load_reports(shared_corpus_file("story-roundups-dev/articles.jsonl")))


@pytest.mark.slow
@pytest.mark.parametrize(("window", "least_f1"), [("week", 0.90), ("all", 0.80)])
def test_roundups_are_grouped_into_their_stories(window: str, least_f1: float) -> None:
    """B-cubed on the labelled roundups, the issue's targets (dev figures: 0.940 and 0.937)."""
    scores = evaluate(lambda a: group_stories(a, TOKENIZER), roundups(), window)
    assert scores.f1 >= least_f1 and scores.precision >= 0.90


@pytest.mark.slow
def test_single_link_chains_the_whole_file_where_average_link_does_not() -> None:
    """All at once, months of stories on a few topics: one chain of loose resemblances would
    swallow them. Average link keeps every group to the size of a story (three reports)."""
    groups = predict(lambda a: group_stories(a, TOKENIZER), roundups(), "all")
    assert max(len(g) for g in groups) <= 6


@pytest.mark.slow
def test_time_apart_keeps_follow_ups_apart() -> None:
    """Without the time decay, one topic's roundups days apart merge (precision falls)."""
    reports = roundups()
    timeless = evaluate(lambda a: group_stories(a, TOKENIZER, story_hours=None), reports, "all")
    timed = evaluate(lambda a: group_stories(a, TOKENIZER), reports, "all")
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


# The pairs issue 13 found split: titles as the outlets wrote them, leads in our words; each
# window also holds reports of other stories on the same topic and day.
def at(month: int, day: int, hour: int) -> float:
    return datetime(2021, month, day, hour, tzinfo=UTC).timestamp()


def report(number: int, title: str, source: str, time: float, *lead: str) -> StoryArticle:
    return StoryArticle(number, title, lead, source, time)


BOOSTERS = [
    report(0, "WHO calls for a temporary moratorium on administering booster shots", "NPR",
           at(8, 4, 14), "WHO Director-General Tedros Adhanom Ghebreyesus asked wealthy "
           "nations to hold off on third doses until the end of September.",
           "Poorer countries have vaccinated only a small share of their people."),
    report(1, "The W.H.O. calls for a moratorium on Covid vaccine boosters", "New York Times",
           at(8, 4, 16), "Rich countries should wait at least two months before giving third "
           "doses, Tedros Adhanom Ghebreyesus said on Wednesday.",
           "The W.H.O. wants the doses sent to countries that lack vaccines."),
    report(2, "Israel offers Covid booster shots to everyone over 60", "Reuters", at(8, 4, 9),
           "Israel widened its campaign of third doses on Wednesday.",
           "Health officials said the extra shot restores protection against infection."),
    report(3, "CDC advisers to meet on boosters for nursing home residents", "CNN",
           at(8, 4, 11), "An advisory panel will weigh extra doses for the elderly.",
           "Data from Israel suggest protection wanes after six months."),
    report(4, "Landlords ask court to end eviction moratorium", "The Hill", at(8, 4, 12),
           "Property owners filed an emergency request with the Supreme Court.",
           "The ban on evictions was extended last week."),
]  # fmt: skip
ABORTION = [
    report(0, "Texas governor signs extreme six-week abortion ban into law", "The Guardian",
           at(5, 19, 9), "Greg Abbott signed a bill on Wednesday that bans abortion once "
           "cardiac activity is detected, about six weeks into a pregnancy.",
           "The law lets private citizens sue abortion providers."),
    report(1, "The Governor Of Texas Has Signed A Law That Bans Abortion As Early As 6 Weeks",
           "BuzzFeed News", at(5, 19, 11), "Abbott's signature makes it one of the strictest "
           "abortion laws in the country, banning the procedure at 6 weeks.",
           "Critics say many women do not know they are pregnant that early."),
    report(2, "Texas governor signs law expanding gun carry without a permit", "CNN",
           at(5, 19, 10), "Greg Abbott signed a bill letting Texans carry handguns without a "
           "license.", "Police groups had opposed the measure."),
    report(3, "Mississippi asks Supreme Court to overturn abortion ruling", "Fox News",
           at(5, 19, 12), "The state wants the justices to uphold its 15-week ban.",
           "The court will hear the case in the fall."),
]  # fmt: skip
EVACUATION = [
    report(0, "Some 1,500 Americans still in Afghanistan in last days of U.S. evacuation",
           "Reuters", at(8, 25, 18), "As many as 1,500 Americans may still be in Afghanistan, "
           "Secretary of State Antony Blinken said on Wednesday.",
           "The U.S. airlift from Kabul is due to end on Aug. 31."),
    report(1, "US says about 1,500 citizens remain in Afghanistan", "Fox News", at(8, 25, 20),
           "Blinken told reporters the US had been in touch with many of the Americans still "
           "in Afghanistan.", "The US has flown more than 82,000 people out of Kabul."),
    report(2, "U.K. to end evacuation flights from Kabul within hours", "BBC News",
           at(8, 25, 12), "Britain said its last flights would leave Kabul soon.",
           "Thousands of Afghans who worked for the U.K. are still waiting."),
    report(3, "Americans rally for Afghan refugees at military bases", "NPR", at(8, 25, 14),
           "Volunteers gathered donations for families arriving from Kabul.",
           "Bases in Virginia and Texas are housing thousands of evacuees."),
]  # fmt: skip
# Follow-ups of one topic, two days apart, each told by two outlets.
HEARTBEAT = [
    report(0, "Federal Judge Temporarily Blocks Texas Heartbeat Act", "NPR", at(10, 7, 2),
           "U.S. District Judge Robert Pitman ordered Texas to stop enforcing the law that "
           "bans most abortions.", "The Justice Department had asked for the order."),
    report(1, "Judge halts Texas abortion law in win for Justice Department", "The Hill",
           at(10, 7, 4), "Judge Robert Pitman blocked enforcement of the Texas law while the "
           "case goes on.", "The Justice Department sued Texas last month."),
    report(2, "Texas Abortion Ban Resumes After Decision by US Appeals Court", "Reuters",
           at(10, 9, 3), "The 5th U.S. Circuit Court of Appeals let Texas enforce its abortion "
           "ban again.", "The court stayed the order of a lower court judge."),
    report(3, "Appeals court lets Texas resume enforcing abortion law", "Fox News",
           at(10, 9, 5), "The 5th Circuit stayed the order blocking the Texas abortion law.",
           "Abortion providers in Texas again turned patients away."),
]  # fmt: skip


def cosine(window: list[StoryArticle], tokenizer: Tokenizer, i: int = 0, j: int = 1) -> float:
    vectors: list[Vector] = story_vectors(window, tokenizer)[0]
    return sum(w * vectors[j].get(t, 0.0) for t, w in vectors[i].items())


def stories(window: list[StoryArticle], tokenizer: Tokenizer = TOKENIZER) -> list[list[int]]:
    return group_stories(window, tokenizer)


def test_who_and_w_h_o_are_one_story() -> None:
    assert stories(BOOSTERS) == [[0, 1], [2], [3], [4]]
    # "WHO" was the stopword "who", "W.H.O." the letters "w" and "h": nothing to share.
    assert cosine(BOOSTERS, TOKENIZER) > 1.5 * cosine(BOOSTERS, Tokenizer(acronyms=False))


def test_six_weeks_and_6_weeks_are_one_story() -> None:
    assert stories(ABORTION) == [[0, 1], [2], [3]]
    # "six" and "6" never met: the pair shared less.
    assert cosine(ABORTION, TOKENIZER) > 1.5 * cosine(ABORTION, Tokenizer(numbers=False))


def test_us_evacuation_and_1500_americans_are_one_story() -> None:
    assert stories(EVACUATION) == [[0, 1], [2], [3]]
    # "U.S." was "u", "US" was "us"; "1,500" two terms that every number shares.
    assert cosine(EVACUATION, TOKENIZER) > 1.5 * cosine(EVACUATION, OLD_RULES)


def test_follow_ups_days_apart_are_separate_stories() -> None:
    assert stories(HEARTBEAT) == [[0, 1], [2, 3]]
    assert group_stories(HEARTBEAT, TOKENIZER, story_hours=None) == [[0, 1, 2, 3]]


def test_one_outlet_needs_more_to_tell_a_story_twice() -> None:
    """Two reports from one outlet are more often two stories of one topic than one story
    told twice; from two outlets, the same likeness makes them one."""
    window = [
        report(0, "Senate Democrats unveil bill to decriminalize marijuana", "The Hill",
               at(7, 14, 9), "The proposal would remove cannabis from the federal list of "
               "controlled substances.", "Schumer said the bill would also expunge records."),
        report(1, "Schumer sets up key vote on bipartisan infrastructure bill", "The Hill",
               at(7, 14, 10), "Senate Democrats plan a first vote on the bill next week.",
               "Schumer said he would keep the Senate in session."),
        report(2, "Ohio votes to expand broadband grants", "Reuters", at(7, 14, 8),
               "Lawmakers in Columbus approved the plan."),
        report(3, "Storm floods subway stations in New York", "NPR", at(7, 14, 7),
               "Commuters waded through water."),
    ]  # fmt: skip
    assert stories(window) == [[0], [1], [2], [3]]
    assert group_stories(window, TOKENIZER, same_outlet=1.0) == [[0, 1], [2], [3]]
    # An outlet that files a story again, reworded, still has one story.
    rerun = report(1, "Senate Democrats unveil marijuana decriminalization bill", "The Hill",
                   at(7, 14, 11), "Cannabis would leave the federal list of controlled "
                   "substances under the proposal.")  # fmt: skip
    assert stories([window[0], rerun]) == [[0, 1]]


OTHER_NEWS = (
    "Harvest festival draws record crowds", "Mayor calls early elections",
    "Old bakery reopens on Market Street", "Storm floods subway stations",
    "Museum returns stolen painting", "Striking nurses accept pay offer",
    "Volcano eruption grounds flights", "Chess prodigy wins national title",
    "Zoo welcomes twin panda cubs", "Ferry service resumes after repairs",
    "Library extends opening hours", "Cyclists protest new highway",
)


def test_one_word_in_common_is_not_a_story(monkeypatch: pytest.MonkeyPatch) -> None:
    """Among a day's articles a common word can look rare ("bank" in two of fourteen): one
    shared word is a coincidence; two reports of one story share several."""
    window = [
        report(0, "Rates and markets: the bank holds", "City Herald", at(6, 2, 21),
               "The central bank held rates at 4.5% on Thursday."),
        report(1, "Parmalat sues 45 banks over crash", "BBC News", at(6, 2, 15),
               "Parmalat is suing banks it says helped hide its debts from investors.",
               "The banks deny it."),
        *(report(n, title, "Radio City", at(6, 2, n)) for n, title in enumerate(OTHER_NEWS, 2)),
    ]  # fmt: skip
    assert stories(window) == [[n] for n in range(len(window))]
    monkeypatch.setattr(story_rules, "MIN_SHARED_TERMS", 1)
    assert [0, 1] in stories(window)


def test_a_chain_of_resemblances_is_not_one_story() -> None:
    """A resembles B and B resembles C, but A and C share nothing: single link would make
    one story of the three; average link keeps the closest pair together only."""
    chain = [
        report(0, "Volcano erupts on La Palma, thousands evacuated", "Reuters", at(9, 20, 8),
               "Lava flows forced evacuations on the Canary island."),
        report(1, "La Palma volcano eruption disrupts flights to Canary Islands", "CNN",
               at(9, 20, 9), "Airlines cancelled flights as ash spread over the islands."),
        report(2, "Airlines cancel flights as pilots strike in Spain", "BBC News",
               at(9, 20, 10), "Thousands of passengers were stranded as pilots walked out."),
    ]  # fmt: skip
    assert len(stories(chain)) >= 2
    assert [0, 1] in stories(chain)


@cache
def reuters_day(day: str) -> tuple[StoryArticle, ...]:
    """The Reuters items filed on `day`, in file order, as the digest would see them."""
    return tuple(
        StoryArticle(
            number, a["title"], tuple(s for _, s in article_sentences(a["text"])), "Reuters",
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
    page = StoryArticle(1, "Council approves new tram line", (
        "Share this article",
        "By Jane Doe | 5 min read",
        "ADVERTISEMENT",
        "Sign up for our newsletter to get the news every morning.",
        "The city council approved a new tram line linking the harbour to the university "
        "on Tuesday, after two years of debate.",
        "Construction of the tram line will start in spring and cost 120 million euros.",
        "Photograph: Getty Images.",
    ))  # fmt: skip
    idf, _ = idf_table([set(TOKENIZER(" ".join((page.title, *page.sentences))))])
    extract = representative_extract([page], TOKENIZER, idf)
    assert extract.article_id == 1
    assert extract.text == (
        "The city council approved a new tram line linking the harbour to the university on "
        "Tuesday, after two years of debate. Construction of the tram line will start in "
        "spring and cost 120 million euros."
    )


def test_extract_of_a_story_comes_from_its_most_representative_report() -> None:
    off_topic = StoryArticle(1, "Storm hits coast; also, port strike ends", (
        "A storm brought heavy rain to the northern coast overnight, flooding roads.",
        "Separately, dock workers ended their strike at the port of Riverton.",
    ))  # fmt: skip
    central = StoryArticle(2, "Riverton dock workers end strike", (
        "Dock workers at the port of Riverton ended a nine-day strike after the union accepted "
        "a pay rise of six percent.",
        "Ships queued outside the port are expected to dock from Thursday.",
    ))  # fmt: skip
    other = StoryArticle(3, "Port strike over in Riverton", (
        "The strike at Riverton port is over after the union accepted a six percent pay rise, "
        "the port authority said.",
    ))  # fmt: skip
    stories = [off_topic, central, other]
    idf, _ = idf_table(set(TOKENIZER(" ".join((a.title, *a.sentences)))) for a in stories)
    extract = representative_extract(stories, TOKENIZER, idf)
    assert extract.article_id == 2
    assert extract.text.startswith("Dock workers at the port of Riverton ended a nine-day")


def test_a_results_table_has_no_extract() -> None:
    table = StoryArticle(1, "ACME CORP <ACM> 4TH QTR NET", (
        "Shr 16.3p vs 12.2p", "Net 4.5 mln vs 3.9 mln", "Revs 120.1 mln vs 98.7 mln",
    ))  # fmt: skip
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
