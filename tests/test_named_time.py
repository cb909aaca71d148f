"""A question that names a month or a day with its year is answered as of that time."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli.main import main
from retrieval.ranking.named_time import (
    named_time,
    names_its_own_time,
    no_such_day,
    recent_span,
    without_named_time,
)

from .conftest import write_jsonl
from .test_ask_as_of import ask_json, published


def named(question: str) -> tuple[str, str] | None:
    found = named_time(question)
    if found is None:
        return None
    return found.words, datetime.fromtimestamp(found.moment, UTC).date().isoformat()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a month: through its end and the two weeks its reports take
        ("What did the Fed do to rates in June 2022?", ("June 2022", "2022-07-15")),
        ("Who led the polls during Sept. 2021?", ("Sept. 2021", "2021-10-15")),
        ("What happened in mid-June 2022 in Kyiv?", ("mid-June 2022", "2022-07-15")),
        ("Who resigned in December 2021?", ("December 2021", "2022-01-15")),
        # a day: through it and the week after
        ("What closed on June 15, 2022?", ("June 15, 2022", "2022-06-23")),
        ("What closed on 15th June 2022?", ("15th June 2022", "2022-06-23")),
        ("What closed on the 3rd of March 2021?", ("3rd of March 2021", "2021-03-11")),
        ("What closed on 2022-06-15?", ("2022-06-15", "2022-06-23")),
        ("What happened between 2022-06-01 and 2022-06-15?", ("2022-06-15", "2022-06-23")),
        ("Who won the vote in June of 2022?", ("June of 2022", "2022-07-15")),
        # a range: its end
        ("What happened between June 2022 and March 2023?", ("March 2023", "2023-04-15")),
        ("How did prices move from May 2021 to August 2021?", ("August 2021", "2021-09-15")),
        # the latest of two times named
        (
            "Did prices rise between in May 2021 and in August 2021?",
            ("August 2021", "2021-09-15"),
        ),
    ],
)
def test_a_month_or_a_day_with_its_year_is_named(question: str, expected: tuple[str, str]) -> None:
    assert named(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        # a bare year: data reported the next year, or an event's name
        "Which country lost the most tropical rainforest in 2022?",
        "Who won the 2022 US Women's Open?",
        # a day without its year may be last year's or next year's
        "Which app faces a ban in the US on January 19?",
        # bounds, not the time asked about; an adjective, not a time
        "Who has led the company since June 2011?",
        "What will the city ban by March 2028?",
        "What did the June 2022 report find?",
        # no such day; a season
        "What happened on 31 June 2022?",
        "What happened on 29 February 2023?",
        "What happened on 2023-02-29?",
        "What happened on 2022-13-01?",
        # day and month in numbers, which countries read in different orders
        "What closed on 1.6.2024?",
        "What closed on 6/1/2024?",
        # a moment, not a day: its time is no day's end
        "What closed on 2024-06-01T10:00?",
        "Who won the league in May 2022-23?",
        "May I ask what happened?",
        # the change since, or against, a time is asked about now
        "What has happened to inflation since it peaked in June 2022?",
        "How has the war changed since Russia invaded in February 2022?",
        "Are prices higher than they were in June 2022?",
        # a range that runs to now; a range's start alone; an "and" that ends no range
        "How have prices changed from June 2022 to today?",
        "What happened between June 2022 and now?",
        "What did the report from June 2022 find?",
        "How were Apple and May 2022 sales?",
        "What will stay closed until March 2028?",
    ],
)
def test_no_time_is_named(question: str) -> None:
    assert named(question) is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What happened on February 30, 2022?", ("February 30, 2022", "30 February 2022")),
        ("Who spoke on 31 April 2023?", ("31 April 2023", "31 April 2023")),
        ("Who spoke on the 31st of June 2022?", ("31st of June 2022", "31 June 2022")),
        ("What happened on 2023-02-29?", ("2023-02-29", "29 February 2023")),
        ("What happened on 2022-13-01?", ("2022-13-01", "2022-13-01")),  # no month: as asked
        ("What happened between 31 June 2022 and May 2023?", ("31 June 2022", "31 June 2022")),
        # days that are, times that are no day, and a bound, which names no time
        ("What happened on 29 February 2024?", None),
        ("What happened in June 2022?", None),
        ("What has changed since 31 June 2022?", None),
    ],
)
def test_a_day_named_that_is_none_is_found(
    question: str, expected: tuple[str, str] | None
) -> None:
    assert no_such_day(question) == expected


# The Federal Reserve raised rates in June 2022 and cut them in 2025: a question about June
# 2022 asked today is about the rise, which the cut's recency would push down.
RATES = [
    {
        "title": "Fed raises interest rates",
        "published": "2022-06-15",
        "text": "The Federal Reserve raised interest rates by three quarters of a point. "
        "Markets rallied after the decision.",
    },
    {
        "title": "Fed cuts interest rates",
        "published": "2025-09-17",
        "text": "The Federal Reserve cut interest rates by a quarter of a point. "
        "Markets rallied after the decision.",
    },
]


@pytest.fixture
def rates_db(db_path: Path, tmp_path: Path) -> Path:
    path = write_jsonl(tmp_path / "rates.jsonl", RATES)
    assert main(["ingest", "--db", str(db_path), "--quiet", str(path)]) == 0
    return db_path


def test_a_question_naming_a_month_is_answered_as_of_that_month(rates_db: Path) -> None:
    asked = "What did the Federal Reserve do to interest rates?"
    assert published(ask_json(rates_db, asked))[0] == "2025-09-17"
    answer = ask_json(rates_db, "What did the Federal Reserve do to interest rates in June 2022?")
    assert published(answer) == ["2022-06-15"]  # nothing later than the time named
    assert answer["named_time"] == {"words": "June 2022", "as_of_moment": "2022-07-15T00:00:00Z"}
    assert answer["as_of"] is None  # asked as of now: the echo is as asked


def test_a_time_named_after_the_moment_asked_lets_no_later_article_in(rates_db: Path) -> None:
    """As of 2022-06-20, a question about "December 2025" may quote nothing later than the
    moment asked: the time named never lets a later article in. It is said to be after it:
    without a word, June 2022's rise passed for December 2025's news."""
    answer = ask_json(
        rates_db,
        "--as-of",
        "2022-06-20",
        "What will the Federal Reserve do to interest rates in December 2025?",
    )
    assert published(answer) == ["2022-06-15"]
    assert "named_time" not in answer
    assert answer["named_after_as_of"] == {
        "words": "December 2025",
        "begins": "2025-12-01T00:00:00Z",
    }


def test_the_answer_says_the_time_named_is_after_the_moment_asked(
    rates_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ask --as-of 2022-01-01 "Who won the Super Bowl in February 2023?"` quoted 2021's
    final without a word: the moment is kept (nothing later is quoted) and told."""
    asked = "What did the Federal Reserve do to interest rates on 15 September 2025?"
    assert main(["ask", "--db", str(rates_db), "--as-of", "2022-07", asked]) == 0
    shown = capsys.readouterr().out
    assert shown.splitlines()[0] == (
        "The question names 15 September 2025, after 31 July 2022, the moment it is answered "
        "as of: nothing published after that is quoted."
    )
    assert "2022-06-15" in shown and "2025-09-17" not in shown
    # a time, not a day's end, is told with its time, in NEWSBOT_TIMEZONE
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Asia/Tokyo")
    assert main(["ask", "--db", str(rates_db), "--as-of", "2022-07-01T18:30", asked]) == 0
    assert capsys.readouterr().out.startswith(
        "The question names 15 September 2025, after 1 July 2022 18:30 JST, the moment"
    )


@pytest.mark.parametrize(
    ("as_of", "asked", "after"),
    [
        # within the time named: answered as of the moment
        ("2022-06-20", "in June 2022", False),
        ("2022-06-30", "in June 2022", False),  # its reports to come
        ("2022-06-15", "on 15 June 2022", False),
        ("2022-06-16", "on 17 June 2022", True),  # the day named begins after it
        # a range begins at its start: under way at the moment
        ("2022-06-20", "between June 2022 and December 2025", False),
        # an earlier month named apart opens no range: December 2025 is still after it
        ("2022-06-20", "raised in June 2022 or cut in December 2025", True),
    ],
)
def test_only_a_time_that_begins_after_the_moment_asked_is_told(
    rates_db: Path, as_of: str, asked: str, after: bool
) -> None:
    answer = ask_json(
        rates_db, "--as-of", as_of, f"What did the Federal Reserve do to interest rates {asked}?"
    )
    assert ("named_after_as_of" in answer) is after, (as_of, asked)


def test_a_month_named_is_read_in_the_zone_of_the_moment_asked() -> None:
    """ "February 2022" began at 08:00 UTC in Los Angeles: read in UTC, it had begun at
    20:00 on 31 January there, and no answer said it was after the moment asked."""
    asked = "What happened to interest rates in February 2022?"
    utc = named_time(asked)
    pacific = named_time(asked, ZoneInfo("America/Los_Angeles"))
    assert utc is not None and pacific is not None
    assert utc.begins == datetime(2022, 2, 1, tzinfo=UTC).timestamp()  # as before
    assert pacific.begins == datetime(2022, 2, 1, 8, tzinfo=UTC).timestamp()
    assert pacific.moment == datetime(2022, 3, 15, 7, tzinfo=UTC).timestamp()  # PDT by then
    # its last day told as read: 14 March there, not the 15th of a zone east of UTC
    tokyo = named_time(asked, ZoneInfo("Asia/Tokyo"))
    assert tokyo is not None and tokyo.told().endswith("published by 2022-03-14.")


@pytest.mark.parametrize(
    ("as_of", "after"),
    [
        # 20:00 on 30 June at UTC-08:00 is 04:00 on 1 July in UTC: July is still to come
        ("2022-06-30T20:00-08:00", "2022-07-01T08:00:00Z"),
        # 02:00 on 1 July at UTC+09:00 is 17:00 on 30 June in UTC: July has begun there
        ("2022-07-01T02:00+09:00", None),
        # a UTC moment as before
        ("2022-06-30T23:00Z", "2022-07-01T00:00:00Z"),
        ("2022-07-01T00:30Z", None),
    ],
)
def test_a_time_named_after_the_moment_is_told_in_the_moment_s_own_zone(
    rates_db: Path, as_of: str, after: str | None
) -> None:
    asked = "What did the Federal Reserve do to interest rates in July 2022?"
    answer = ask_json(rates_db, "--as-of", as_of, asked)
    assert published(answer) == ["2022-06-15"]
    told = answer.get("named_after_as_of")
    assert (told and told["begins"]) == after  # type: ignore[index]


def test_a_time_named_is_read_in_newsbot_timezone_when_the_moment_has_no_offset(
    rates_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = "What did the Federal Reserve do to interest rates in July 2022?"
    for as_of in ("2022-06-30T20:00-08:00", "2022-06-30T20:00"):  # an offset, or the zone's
        monkeypatch.setenv("NEWSBOT_TIMEZONE", "America/Los_Angeles")
        assert main(["ask", "--db", str(rates_db), "--as-of", as_of, asked]) == 0
        zone = "UTC-08:00" if as_of.endswith("-08:00") else "PDT"
        assert capsys.readouterr().out.splitlines()[0] == (
            f"The question names July 2022, after 30 June 2022 20:00 {zone}, the moment it is "
            "answered as of: nothing published after that is quoted."
        )
    # the moment told in the zone July was read in, not in NEWSBOT_TIMEZONE: "after 1 July
    # 2022 04:00 UTC" is no time before July
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "UTC")
    assert main(["ask", "--db", str(rates_db), "--as-of", "2022-06-30T20:00-08:00", asked]) == 0
    assert "after 30 June 2022 20:00 UTC-08:00," in capsys.readouterr().out
    named = named_time(asked, timezone(timedelta(hours=-8)))
    assert named is not None and named.words == "July 2022"


def test_an_answer_says_a_day_named_is_none(
    rates_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "What did the Fed do on February 30, 2022?" was answered as if it named no time,
    without a word: 2025's cut passed for that day's news. It is answered so still (no day
    is meant more than another), and says so above the passages, the moment told as
    `NamedLater` tells it; `--json` gives the day's words in `no_such_day`."""
    asked = "What did the Federal Reserve do to interest rates on February 30, 2022?"
    assert main(["ask", "--db", str(rates_db), asked]) == 0
    shown = capsys.readouterr().out
    assert shown.splitlines()[0] == (
        "There is no 30 February 2022: the question is answered as of now."
    )
    assert "2025-09-17" in shown
    assert main(["ask", "--db", str(rates_db), "--as-of", "2023-01", asked]) == 0
    assert capsys.readouterr().out.startswith(
        "There is no 30 February 2022: the question is answered as of 31 January 2023.\n"
    )
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Asia/Tokyo")
    assert main(["ask", "--db", str(rates_db), "--as-of", "2023-01-10T18:30", asked]) == 0
    assert capsys.readouterr().out.startswith(
        "There is no 30 February 2022: the question is answered as of 10 January 2023 18:30 JST."
    )
    answer = ask_json(rates_db, asked)
    assert answer["no_such_day"] == {"words": "February 30, 2022"}
    assert published(answer)[0] == "2025-09-17"  # as asked: no time named
    # beside a time that is, the passages are of that time's, its last day told
    both = "What did the Federal Reserve do to interest rates on 31 June 2022 or in June 2022?"
    answer = ask_json(rates_db, both)
    assert answer["named_time"]["words"] == "June 2022"  # type: ignore[index]
    assert published(answer) == ["2022-06-15"]
    assert main(["ask", "--db", str(rates_db), both]) == 0
    assert capsys.readouterr().out.splitlines()[:3] == [
        "As of June 2022, which the question names: published by 2022-07-14.",
        "",
        "There is no 31 June 2022: the question is answered as of 14 July 2022.",
    ]
    assert "no_such_day" not in ask_json(rates_db, "What did the Federal Reserve do in 2022?")


def test_a_time_named_before_any_match_is_answered_as_asked(rates_db: Path) -> None:
    """Nothing stored by June 1997 matches: the question is answered as asked, not with
    "nothing published by then"."""
    answer = ask_json(rates_db, "What did the Federal Reserve do to interest rates in June 1997?")
    assert published(answer)[0] == "2025-09-17"
    assert "named_time" not in answer
    assert "message" not in answer


def test_a_follow_up_that_names_its_own_time_leaves_the_earlier_one() -> None:
    """Under "What did the Fed do to rates in June 2022?", "and in 2024?" and "what about
    now?" were answered as of June 2022: the earlier question's time is left out of theirs."""
    assert [names_its_own_time(q) for q in ("And in 2024?", "What about now?")] == [True, True]
    assert names_its_own_time("and in May 2022?") and not names_its_own_time("which bank?")
    assert without_named_time("What did the Fed do to rates in June 2022?") == (
        "What did the Fed do to rates?"
    )
    assert without_named_time("What did rates do between May 2021 and August 2021?") == (
        "What did rates do?"
    )
    assert without_named_time("How were Apple and May 2022 sales?") == (
        "How were Apple and May 2022 sales?"
    )


def test_the_answer_says_it_is_of_the_time_named(
    rates_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = "What did the Federal Reserve do to interest rates in June 2022?"
    assert main(["ask", "--db", str(rates_db), asked]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "As of June 2022, which the question names: published by 2022-07-14."


def test_the_words_of_the_time_named_are_not_searched(db_path: Path, tmp_path: Path) -> None:
    """ "Who won the US Women's Open in June 2022?" quoted a January preview that said "in
    June 2022" above the report of the win: the moment carries the time named, and its
    words found the stories that name it in advance."""
    drafts = [
        {
            "title": "US Women's Open in June 2022: the course, the field, the dates",
            "published": "2022-01-10",
            "text": "The US Women's Open will be played in June 2022 at Pine Needles. "
            "The June 2022 field will be the strongest yet, organisers said.",
        },
        {
            "title": "Lee takes the title",
            "published": "2022-06-06",
            "text": "Minjee Lee won the US Women's Open by four strokes on Sunday.",
        },
    ]
    path = write_jsonl(tmp_path / "open.jsonl", drafts)
    assert main(["ingest", "--db", str(db_path), "--quiet", str(path)]) == 0
    answer = ask_json(db_path, "Who won the US Women's Open in June 2022?")
    assert answer["named_time"]["words"] == "June 2022"  # type: ignore[index]
    assert published(answer)[0] == "2022-06-06"


def test_the_words_of_a_time_named_after_the_moment_asked_are_not_searched(
    db_path: Path, tmp_path: Path
) -> None:
    """ "What did Congress pass on 15 September 2025?" asked as of 2022 quoted "$15 an hour
    by 2025": nothing of the time named can be published by then, so its words only find
    what names the same numbers by chance."""
    drafts = [
        {
            "title": "Minimum wage to reach $15 by 2025",
            "published": "2021-06-17",
            "text": "The minimum wage will go to $15 an hour by 2025, lawmakers said. "
            "The bill was approved 26-15.",
        },
        {
            "title": "Congress passes the infrastructure bill",
            "published": "2021-11-05",
            "text": "Congress passed the infrastructure bill on Friday night. "
            "The president will sign it next week.",
        },
    ]
    path = write_jsonl(tmp_path / "congress.jsonl", drafts)
    assert main(["ingest", "--db", str(db_path), "--quiet", str(path)]) == 0
    asked = "What did Congress pass on 15 September 2025?"
    answer = ask_json(db_path, "--as-of", "2022-01-01", asked)
    assert answer["named_after_as_of"]["words"] == "15 September 2025"  # type: ignore[index]
    assert published(answer) == ["2021-11-05"]


@pytest.mark.parametrize(
    ("question", "words", "since"),
    [
        # the moment's days, in its zone
        ("What happened today?", "today", "2026-12-07T00:00:00+00:00"),
        ("Today, who leads the race?", "today", "2026-12-07T00:00:00+00:00"),
        ("Kyiv: This week, who struck?", "this week", "2026-11-30T15:00:00+00:00"),
        ("Who scored tonight", "tonight", "2026-12-07T00:00:00+00:00"),
        ("What did the Fed say yesterday?", "yesterday", "2026-12-06T00:00:00+00:00"),
        # the week and the month up to the moment
        ("what happened in Ukraine this week", "this week", "2026-11-30T15:00:00+00:00"),
        ("Who won over the past week?", "past week", "2026-11-30T15:00:00+00:00"),
        ("What happened this  month in Gaza?", "this month", "2026-11-06T15:00:00+00:00"),
        # of two, the longer
        ("What happened today, and this week?", "this week", "2026-11-30T15:00:00+00:00"),
    ],
)
def test_a_recent_span_is_read_as_of_the_moment(question: str, words: str, since: str) -> None:
    moment = datetime(2026, 12, 7, 15, tzinfo=UTC).timestamp()
    span = recent_span(question, moment)
    assert span is not None
    assert (span[0], datetime.fromtimestamp(span[1], UTC).isoformat()) == (words, since)


def test_a_recent_span_has_the_days_of_the_moments_zone() -> None:
    """At 01:00 on 8 December in Tokyo, "today" began there, at 15:00 on the 7th in UTC."""
    moment = datetime(2026, 12, 7, 16, tzinfo=UTC).timestamp()
    span = recent_span("What happened today?", moment, ZoneInfo("Asia/Tokyo"))
    assert span is not None
    assert datetime.fromtimestamp(span[1], UTC) == datetime(2026, 12, 7, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "question",
    [
        "What is the latest on the hearing?",
        "Who won last week?",
        "Who won the 2024 election?",
        "Which comic strip did the USA TODAY Network drop?",
        "Who was the guest on ABC's This Week?",
    ],
)
def test_latest_or_last_week_or_a_name_is_no_recent_span(question: str) -> None:
    """ "Latest" asks for the newest there is, however old; "last week" the one before; "USA
    TODAY" is a name (news-qa-dev's "the USA TODAY Network ... drop" was told "Nothing from
    today matches")."""
    assert recent_span(question, datetime(2026, 12, 7, tzinfo=UTC).timestamp()) is None
