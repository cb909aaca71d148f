"""`newsbot ask --as-of` and batch JSON lines: nothing published later is ever quoted."""

import asyncio
import contextlib
import io
import json
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli.as_of import parse_as_of
from bot.cli.ask_requests import MAX_LINE, BadLine, Request, parse_line
from bot.cli.main import main
from retrieval.corpus.dates import parse_published, to_timestamp
from retrieval.corpus.db import connect
from retrieval.corpus.schema import MIGRATIONS
from retrieval.engine import Engine

from .conftest import SEEDS, run_sql, stdin, write_jsonl

# One story told on three days: every version answers the question, so only the moment
# decides which may be quoted.
STORIES = [
    {
        "title": f"Harbour news for day {day}",
        "published": f"2022-06-{day:02d}",
        "text": f"{before} The Dover harbour board cut berth fees by {cut}% on Tuesday. {after}",
    }
    for day, cut, before, after in (
        (8, 10, "Trawlers stayed in port all week.", "Ferry operators said little."),
        (10, 12, "Storms closed the quay twice in May.", "Yacht owners asked for more."),
        (12, 15, "A new crane arrived on Monday.", "The mayor called it overdue."),
    )
]
QUESTION = "How much did the Dover harbour board cut berth fees?"
QUESTION_SEED = "Where did the joint exercise begin?"


@pytest.fixture
def dated_db(db_path: Path, tmp_path: Path) -> Path:
    stories = write_jsonl(tmp_path / "stories.jsonl", STORIES)
    assert main(["ingest", "--db", str(db_path), "--quiet", str(stories)]) == 0
    return db_path


def ask_json(db: Path, *args: str) -> dict[str, object]:
    out = io.StringIO()
    real, sys.stdout = sys.stdout, out
    try:
        assert main(["ask", "--db", str(db), "--json", "--limit", "5", *args]) == 0
    finally:
        sys.stdout = real
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


async def latest(db: Path) -> list[str]:
    engine = await Engine.open(db)
    try:
        titles = [a.title for a in await engine.latest()]
        assert [s.article.title for s in await engine.latest_stories()] == titles  # /latest's
        return titles
    finally:
        await engine.close()


def published(answer: dict[str, object]) -> list[str]:
    return [r["article"]["published"] for r in answer["results"]]  # type: ignore


def test_no_passage_comes_from_an_article_published_after_the_moment(dated_db: Path) -> None:
    assert set(published(ask_json(dated_db, QUESTION))) == {
        "2022-06-08",
        "2022-06-10",
        "2022-06-12",
    }
    assert set(published(ask_json(dated_db, "--as-of", "2022-06-11", QUESTION))) == {
        "2022-06-08",
        "2022-06-10",
    }
    # a bare date runs through its end: the article dated that day counts
    assert set(published(ask_json(dated_db, "--as-of", "2022-06-10", QUESTION))) == {
        "2022-06-08",
        "2022-06-10",
    }
    assert published(ask_json(dated_db, "--as-of", "2022-06-09T23:00", QUESTION)) == ["2022-06-08"]
    early = ask_json(dated_db, "--as-of", "2022-06-01", QUESTION)
    assert early["results"] == []
    assert early["message"] == (
        "Nothing published by 2022-06-01 23:59 UTC matches that; later articles do."
    )


def test_recency_counts_as_of_the_moment(dated_db: Path) -> None:
    """Three equal stories: the newest one by the moment asked about comes first."""
    assert published(ask_json(dated_db, "--as-of", "2022-06-11", QUESTION))[0] == "2022-06-10"
    assert published(ask_json(dated_db, "--as-of", "2022-06-30", QUESTION))[0] == "2022-06-12"


def test_an_article_dated_ahead_of_the_clock_counts_from_when_it_was_stored(
    db_path: Path, tmp_path: Path
) -> None:
    """A local time given without its zone (here nine hours ahead of UTC) is read as UTC,
    so the story would lie in the future: it is answered from as soon as it is stored, not
    hidden until then, and keeps the date it was given."""
    ahead = (datetime.now(UTC) + timedelta(hours=9)).replace(microsecond=0)
    story = {
        "title": "Zanzibar ferry launched",
        "published": ahead.strftime("%Y-%m-%dT%H:%M:%S"),
        "text": "A new ferry between Zanzibar and Dar es Salaam began sailing on Friday. "
        "It carries 400 passengers.",
    }
    before = datetime.now(UTC)
    path = write_jsonl(tmp_path / "ahead.jsonl", [story])
    assert main(["ingest", "--db", str(db_path), "--quiet", str(path)]) == 0
    question = "Where does the new Zanzibar ferry sail?"
    assert published(ask_json(db_path, question)) == [ahead.isoformat().replace("+00:00", "Z")]
    earlier = (before - timedelta(minutes=1)).isoformat()
    assert ask_json(db_path, "--as-of", earlier, question)["results"] == []
    [(counts_from, stored)] = run_sql(db_path, "SELECT published_ts, ingested_ts FROM articles")
    assert counts_from == stored


def test_an_answer_shows_an_article_dated_ahead_at_when_it_was_stored(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An article dated hours ahead counts from when it was stored: an answer as of 01:00
    showed it "· 2026-12-08 20:12 UTC", after the moment asked about, and `--json` gave
    only that date. Both now give when it was stored, labelled, as the digest does, and
    the JSON its date beside it."""
    ahead = (datetime.now(UTC) + timedelta(hours=20)).replace(microsecond=0)
    story = {
        "title": "Zanzibar ferry launched",
        "source": "Desk",
        "published": ahead.isoformat(),
        "text": "A new ferry between Zanzibar and Dar es Salaam began sailing on Friday. "
        "It carries 400 passengers.",
    }
    path = write_jsonl(tmp_path / "ahead.jsonl", [story])
    assert main(["ingest", "--db", str(db_path), "--quiet", str(path)]) == 0
    [(counts_from,)] = run_sql(db_path, "SELECT published_ts FROM articles")
    stored = datetime.fromtimestamp(counts_from, UTC)
    as_of = (stored + timedelta(minutes=1)).isoformat()
    question = "Where does the new Zanzibar ferry sail?"
    results: Any = ask_json(db_path, "--as-of", as_of, question)["results"]
    [result] = results
    assert result["article"]["published"] == ahead.isoformat().replace("+00:00", "Z")
    assert datetime.fromisoformat(result["article"]["stored"]) == stored
    capsys.readouterr()
    assert main(["ask", "--db", str(db_path), "--as-of", as_of, question]) == 0
    assert f" · Desk · stored {stored:%Y-%m-%d %H:%M} UTC · article 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "given", ["2099-01-01", "2099-01-01T00:00:00Z", "days ahead"], ids=["date", "time", "days"]
)
def test_an_article_dated_days_ahead_is_not_published_before_its_date(
    given: str, db_path: Path, tmp_path: Path
) -> None:
    """Further ahead of the clock than a zone or a bare date's hour can put it, a date is
    meant (an embargo): as of any moment before it, asked now too, the article is not
    quoted; as of its date it is."""
    if given == "days ahead":
        given = (datetime.now(UTC) + timedelta(days=3)).isoformat(timespec="seconds")
    story = {
        "title": "Zanzibar ferry launched",
        "published": given,
        "text": "A new ferry between Zanzibar and Dar es Salaam began sailing on Friday. "
        "It carries 400 passengers.",
    }
    path = write_jsonl(tmp_path / "ahead.jsonl", [story])
    assert main(["ingest", "--db", str(db_path), "--quiet", str(path)]) == 0
    question = "Where does the new Zanzibar ferry sail?"
    now = ask_json(db_path, question)
    assert now["results"] == [] and "later articles do" in str(now["message"])
    assert asyncio.run(latest(db_path)) == []  # /latest: not published yet either
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["stats", "--db", str(db_path)]) == 0
    assert "; 1 dated ahead, quoted from its date\n" in out.getvalue()
    date = to_timestamp(given if len(given) == 10 else given[:19] + "+00:00")
    assert date is not None
    before = datetime.fromtimestamp(date - 60, UTC).isoformat()
    assert ask_json(db_path, "--as-of", before, question)["results"] == []
    after = datetime.fromtimestamp(date, UTC).isoformat()
    assert [to_timestamp(p) for p in published(ask_json(db_path, "--as-of", after, question))] == [
        date
    ]
    assert run_sql(db_path, "SELECT published_ts FROM articles") == [(date,)]


def test_a_database_of_the_rule_before_counts_days_ahead_from_the_date(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored and indexed under the rule before (any date ahead of the clock counted from
    when stored), an article dated 2099 was quoted as of 2098: the upgraded database and its
    rebuilt indexes keep it out."""
    import retrieval.corpus.db
    import retrieval.indexing

    old_times = ":bare-date-hour=10"
    # the schema before migration 24, but for what this ingest writes (the splitter, 27)
    before = (*MIGRATIONS[:23], *MIGRATIONS[25:])
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", before)
    asyncio.run(_created(db_path))
    # the row as the rule before wrote it: counted from when stored, whatever its date
    run_sql(
        db_path,
        "CREATE TRIGGER rule_before AFTER INSERT ON articles BEGIN"
        " UPDATE articles SET published_ts = min(published_ts, ingested_ts)"
        " WHERE id = NEW.id; END",
    )
    for name in ("SENTENCES", "ARTICLES"):
        docs = getattr(retrieval.indexing, name)
        signature = docs.signature.replace(retrieval.indexing._TIMES, old_times)  # noqa: SLF001
        monkeypatch.setattr(retrieval.indexing, name, replace(docs, signature=signature))
    story = {
        "title": "Zanzibar ferry launched",
        "published": "2099-01-01",
        "text": "A new ferry between Zanzibar and Dar es Salaam began sailing on Friday.",
    }
    path = write_jsonl(tmp_path / "ahead.jsonl", [story])
    assert main(["ingest", "--db", str(db_path), "--quiet", str(path)]) == 0
    question = "Where does the new Zanzibar ferry sail?"
    assert published(ask_json(db_path, "--as-of", "2098-12-31", question)) == ["2099-01-01"]
    run_sql(db_path, "DROP TRIGGER rule_before")
    monkeypatch.undo()
    assert ask_json(db_path, "--as-of", "2098-12-31", question)["results"] == []
    assert published(ask_json(db_path, "--as-of", "2099-01-01", question)) == ["2099-01-01"]


async def _created(db_path: Path) -> None:
    """Make the database at `db_path`, of the schema its code's migrations make."""
    await (await connect(db_path)).close()


def test_json_answers_echo_question_and_as_of(dated_db: Path) -> None:
    """Echoed as asked, to the character: an answer is matched to its request by them. The
    moment read from `as_of` comes beside it, in UTC."""
    answer = ask_json(dated_db, "--as-of", "2022-06-11", QUESTION)
    assert (answer["question"], answer["as_of"]) == (QUESTION, "2022-06-11")
    assert answer["as_of_moment"] == "2022-06-11T23:59:59.999999Z"
    answer = ask_json(dated_db, "--as-of", "2022-06-11T08:30+02:00", QUESTION)
    assert answer["as_of"] == "2022-06-11T08:30+02:00"
    assert answer["as_of_moment"] == "2022-06-11T06:30:00Z"
    spaced = f"  {QUESTION.replace(' ', '   ')}\t"
    answer = ask_json(dated_db, "--as-of", "20220611", spaced)
    assert (answer["question"], answer["as_of"]) == (spaced, "20220611")
    assert answer["results"]  # asked as the words it holds
    now = ask_json(dated_db, QUESTION)
    assert (now["as_of"], now["as_of_moment"]) == (None, None)


def test_a_batch_shows_each_as_of_as_it_was_written(
    dated_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch line asked as of "2022-06-10T15:45+05:45" was shown "(as of
    2022-06-10T10:00:00Z)": the moment, but not the time its asker wrote or would know."""
    lines = [
        {"question": QUESTION, "as_of": when} for when in ("2022-06-10T15:45+05:45", "2022W23")
    ]
    monkeypatch.setattr(sys, "stdin", stdin("".join(json.dumps(r) + "\n" for r in lines)))
    assert main(["ask", "--db", str(dated_db), "--limit", "1"]) == 0
    asked = [line for line in capsys.readouterr().out.splitlines() if line.startswith("? ")]
    assert asked == [
        f"? {QUESTION} (as of 2022-06-10T15:45+05:45)",
        f"? {QUESTION} (as of 2022W23)",
    ]


def test_an_iso_week_runs_through_its_sunday(
    dated_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a date runs through its end, so does a week: "2022-W23" was read as its Monday
    (6 June), before any of the three stories of that week, and answered nothing. Its day
    ("2022-W23-5", Friday 10 June) is that day, on the flag and in a JSON request alike."""
    week = ask_json(dated_db, "--as-of", "2022-W23", QUESTION)
    assert set(published(week)) == {"2022-06-08", "2022-06-10", "2022-06-12"}
    assert (week["as_of"], week["as_of_moment"]) == ("2022-W23", "2022-06-12T23:59:59.999999Z")
    friday = ask_json(dated_db, "--as-of", "2022-W23-5", QUESTION)
    assert set(published(friday)) == {"2022-06-08", "2022-06-10"}
    lines = [{"question": QUESTION, "as_of": when} for when in ("2022W23", "2022W22")]
    monkeypatch.setattr(sys, "stdin", stdin("".join(json.dumps(r) + "\n" for r in lines)))
    assert main(["ask", "--db", str(dated_db), "--json", "--limit", "5"]) == 0
    compact, before = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert set(published(compact)) == {"2022-06-08", "2022-06-10", "2022-06-12"}
    assert before["as_of_moment"] == "2022-06-05T23:59:59.999999Z" and not before["results"]
    # a week past 9999-12-31 is out of range, not "not a date"
    with pytest.raises(ValueError, match="out of the range"):
        parse_as_of("9999-W52")


def test_a_month_runs_through_its_last_day(
    dated_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--as-of 2022-06` was refused, though a question naming "June 2022" is understood: a
    month is through its last day, as a date and a week are through theirs (a question's
    "in June 2022" adds the weeks its reports take; an as-of is the moment itself)."""
    june = ask_json(dated_db, "--as-of", "2022-06", QUESTION)
    assert set(published(june)) == {"2022-06-08", "2022-06-10", "2022-06-12"}
    assert (june["as_of"], june["as_of_moment"]) == ("2022-06", "2022-06-30T23:59:59.999999Z")
    assert parse_as_of("2024-02").utc == "2024-02-29T23:59:59.999999Z"
    request = json.dumps({"question": QUESTION, "as_of": "2022-05"})
    monkeypatch.setattr(sys, "stdin", stdin(request))
    assert main(["ask", "--db", str(dated_db), "--json"]) == 0
    may = json.loads(capsys.readouterr().out)
    assert may["as_of_moment"] == "2022-05-31T23:59:59.999999Z" and not may["results"]


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("2022-W53", "'2022-W53' is no date: 2022 has 52 ISO weeks (2022-W01 to 2022-W52)"),
        ("2022W00-1", "'2022W00-1' is no date: 2022 has 52 ISO weeks (2022-W01 to 2022-W52)"),
        ("2022-13", "'2022-13' is no date: a month is 01 to 12"),
        ("2022-02-30", "'2022-02-30' is no date: February 2022 has 28 days"),
        ("2024-04-31T10:00", "'2024-04-31T10:00' is no date: April 2024 has 30 days"),
    ],
)
def test_a_week_or_month_that_is_none_says_why(bad: str, why: str) -> None:
    """`--as-of 2022-W53` said only "not a date": 2020 has a 53rd week, 2022 has not; and
    "2022-02-30" was told the forms a date may take, as if it were written in none."""
    assert parse_as_of("2020-W53").utc == "2021-01-03T23:59:59.999999Z"
    with pytest.raises(ValueError) as exc:
        parse_as_of(bad)
    assert str(exc.value) == why


def test_24_00_is_told_to_be_the_next_day_s_00_00(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ISO 8601's 24:00, the end of a day, which Python does not read: `--as-of ...T24:00`
    and a published "...T24:00:00Z" were told only the forms a date may take. Both, read by
    one reader, are told to write the next day's 00:00, in the form they gave."""
    question = "Where does the new Zanzibar ferry sail?"
    with pytest.raises(SystemExit) as exc:
        main(["ask", "--db", str(db_path), "--as-of", "2024-12-31T24:00", question])
    assert exc.value.code == 2
    assert "write 24:00 as the next day's 00:00, 2025-01-01T00:00\n" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"next day's 00:00, 2024-11-26T00:00:00\+05:45$"):
        parse_as_of("2024-11-25T24:00:00+05:45")
    with pytest.raises(ValueError, match="use e.g."):  # not the end of a day: no such hint
        parse_as_of("2024-11-25T24:30")
    record = {
        "title": "Midnight",
        "text": "The harbour opened.",
        "published": "2024-06-01T24:00:00Z",
    }
    path = write_jsonl(tmp_path / "midnight.jsonl", [record])
    assert main(["ingest", "--db", str(db_path), "--quiet", str(path)]) == 1
    assert (
        "published '2024-06-01T24:00:00Z' is not a date: write 24:00 as the next day's 00:00, "
        "2024-06-02T00:00:00Z"
    ) in capsys.readouterr().err


@pytest.mark.parametrize(
    "bad",
    [
        "2022-13-01",
        "yesterday",
        "11/06/2022",
        "",
        "2022-06-10Z",  # an offset and no time: Python dropped the Z
        "2022-06-10+05:00",  # and read this as 05:00 local time
        "2022-W23-5Z",  # the same, a day named by its ISO week
        "2022-06-10_05",  # any one character between date and time, to Python
    ],
)
def test_a_bad_date_names_the_flag_and_shows_valid_forms(
    bad: str, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["ask", "--db", str(db_path), "--as-of", bad, QUESTION])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --as-of:" in err and repr(bad) in err
    assert "2022-06-10" in err and "2022-06-10T18:30" in err


def not_json(constant: str) -> None:
    """What json.loads reads and JSON has not (NaN, Infinity): output no strict reader takes."""
    raise AssertionError(f"{constant} in the output")


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01T00:00+05:00"])
def test_a_date_past_the_range_says_so(far: str) -> None:
    """9999-12-31's end is past what a datetime holds, 00:00 on 1 January of year 1 east of
    UTC is before year 1 in UTC: real dates, out of range, not "not a date"."""
    with pytest.raises(ValueError, match="out of the range of dates newsbot can use"):
        parse_as_of(far)


def test_batch_lines_are_questions_or_json_requests_and_bad_lines_do_not_stop_it(
    dated_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        QUESTION,
        json.dumps({"question": QUESTION, "as_of": "2022-06-09", "limit": 1}),
        '{"question": "unclosed',
        json.dumps({"question": QUESTION, "as_of": "June 9th"}),
        json.dumps({"question": QUESTION, "asof": "2022-06-09"}),
        json.dumps({"question": QUESTION, "limit": 0}),
        json.dumps(["a", "list"]),  # not an object: a question like any other line
        '{"question": "cocoa \\ud800"}',  # half a UTF-16 pair: printed, it would be a traceback
        # NaN is no JSON: echoed, the output line would be no JSON either
        '{"question": "cocoa", "as_of": NaN}',
        '{"question": "cocoa", "limit": ' + "9" * 5000 + "}",  # no traceback losing the rest
        '{"question": "cocoa", "as_of": 1e400}',  # never echoed as Infinity
        json.dumps({"question": QUESTION, "as_of": "2022-06-11"}),
    ]
    monkeypatch.setattr(sys, "stdin", stdin("\n".join(lines) + "\n"))
    assert main(["ask", "--db", str(dated_db), "--json", "--as-of", "2022-06-30"]) == 1
    out = [
        json.loads(line, parse_constant=not_json) for line in capsys.readouterr().out.splitlines()
    ]
    assert len(out) == len(lines)
    plain, dated, unclosed, bad_date, unknown, zero, array, surrogate, nan, huge, far, last = out
    assert plain["as_of"] == "2022-06-30" and len(plain["results"]) == 3  # the flag's default
    assert dated["as_of"] == "2022-06-09" and published(dated) == ["2022-06-08"]
    assert unclosed["line"] == 3 and "not valid JSON" in unclosed["error"]
    assert bad_date["as_of"] == "June 9th" and "2022-06-10T18:30" in bad_date["error"]
    assert "field 'asof' is not read (did you mean 'as_of'?)" in unknown["error"]
    assert '"limit" must be a whole number' in zero["error"]
    assert "error" not in array and array["question"] == '["a", "list"]'
    assert set(published(last)) == {"2022-06-08", "2022-06-10"}
    assert "line 8: field 'question' holds a lone UTF-16 surrogate" in surrogate["error"]
    assert "line 9 is not valid JSON (in 'as_of', NaN is not a JSON value)" in nan["error"]
    assert "line 10 is not valid JSON (in 'limit', a number too long to read)" in huge["error"]
    assert (
        "line 11 is not valid JSON (in 'as_of', '1e400' is past the largest number)"
        in far["error"]
    )
    for bad in (unclosed, bad_date, unknown, zero, surrogate, nan, huge, far):
        assert bad["results"] == []
    # the moment a line would have been answered as of, as a good line shows it
    end_of_30th = "2022-06-30T23:59:59.999999Z"
    assert (plain["as_of_moment"], zero["as_of_moment"], unclosed["as_of_moment"]) == (
        end_of_30th,
        end_of_30th,
        end_of_30th,
    )
    assert bad_date["as_of_moment"] is None  # its own, unread


def test_a_moment_out_of_range_only_in_the_zone_is_a_usage_error(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """00:30 on 1 January of year 1 is fine in UTC, when argparse checks it, and before
    year 1 in UTC once read in Berlin's zone: it was an OverflowError traceback."""
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Europe/Berlin")
    assert main(["ask", "--db", str(db_path), "--as-of", "0001-01-01T00:30", QUESTION]) == 2
    assert "--as-of: '0001-01-01T00:30' is out of the range" in capsys.readouterr().err


def test_a_request_s_other_fields_come_back_with_its_answer(
    dated_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An evaluator's lines carry an id to match answers with: it comes back, on an answer
    and on an error alike; a misspelt field or one of the answer's own is an error."""
    lines = [
        json.dumps({"id": "q-1", "question": QUESTION, "as_of": "2022-06-09", "limit": 1}),
        json.dumps({"id": "q-2", "question": QUESTION, "limit": 0}),
        json.dumps({"id": "q-3", "question": QUESTION, "As-Of": "2022-06-09"}),
        json.dumps({"id": "q-4", "question": QUESTION, "as_of_moment": "bogus"}),
        json.dumps({"id": "q-5", "question": QUESTION, "limits": 1}),
        json.dumps({"id": "q-6", "question": QUESTION, "date": "2022-06-09"}),
        # a news-qa record as it is: its "asked" echoed, the line answered as of the flag's
        json.dumps({"id": "q-7", "question": QUESTION, "answer": "x", "asked": "2022-06-10"}),
    ]
    monkeypatch.setattr(sys, "stdin", stdin("\n".join(lines) + "\n"))
    assert main(["ask", "--db", str(dated_db), "--json"]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    answered, zero, misspelt, own, limits, date, beside = out
    assert answered["id"] == "q-1" and published(answered) == ["2022-06-08"]
    assert "error" not in answered
    assert zero["id"] == "q-2" and '"limit" must be' in zero["error"]
    assert (
        misspelt["id"] == "q-3"
        and "'As-Of' is not read (did you mean 'as_of'?)" in (misspelt["error"])
    )
    assert "As-Of" not in misspelt  # what it meant is said; the field is not echoed
    assert own["id"] == "q-4" and "field 'as_of_moment' is the answer's own" in own["error"]
    assert own["as_of_moment"] is None and own["results"] == []  # not its "bogus"
    assert limits["id"] == "q-5" and "did you mean 'limit'?" in limits["error"]
    assert date["id"] == "q-6" and "did you mean 'as_of'?" in date["error"]
    assert beside["asked"] == "2022-06-10" and "error" not in beside


def test_a_request_cannot_pass_its_fields_for_the_answers(
    dated_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "did_you_mean" and "nothing_recent", which an answer is written with, were missing
    from the names refused in a request: given, they came back in the answer as newsbot's.
    Every name newsbot writes is refused, and one given beside another refused is not
    echoed either."""
    forged = ["forged"]
    refused = ("did_you_mean", "nothing_recent", "named_time", "line", "error")
    lines = [json.dumps({"id": name, "question": QUESTION, name: forged}) for name in refused]
    two = {"id": "results", "question": QUESTION, "results": forged, "did_you_mean": forged}
    monkeypatch.setattr(sys, "stdin", stdin("\n".join([*lines, json.dumps(two)]) + "\n"))
    assert main(["ask", "--db", str(dated_db), "--json"]) == 1
    out = capsys.readouterr().out
    assert "forged" not in out
    answers = [json.loads(line) for line in out.splitlines()]
    assert [answer["id"] for answer in answers] == [*refused, "results"]
    for answer in answers:
        assert f"field {answer['id']!r} is the answer's own" in answer["error"], answer
        assert answer["results"] == []


def test_a_line_no_answer_could_echo_whole_still_echoes_its_id(
    dated_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line holding half a UTF-16 pair ("\\ud800") or a number JSON has not (NaN, 1e400,
    5,000 digits) came back with its "id" lost, so its error could not be matched to its
    request: the fields that hold none come back, the bad one is named, and the output is
    UTF-8 JSON."""
    lines = [
        '{"id": "q-1", "question": "cocoa \\ud800 prices", "as_of": "2022-06-09"}',
        '{"id": "q-2", "question": "cocoa", "note": ["fine", "\\udfff"]}',
        '{"id": "\\ud800", "question": "cocoa"}',  # the id itself: the rest still comes back
        '{"id": 4, "question": "cocoa", "as_of": NaN}',
        '{"id": 5, "question": "cocoa", "limit": 1e400}',
        '{"id": 6, "question": "cocoa", "limit": ' + "9" * 5000 + "}",
        '{"id": {"batch": 7, "of": [Infinity]}, "question": "cocoa", "tag": "seven"}',
    ]
    status, out = ask_lines(dated_db, ("\n".join(lines) + "\n").encode(), monkeypatch, capsys)
    assert status == 1 and len(out) == len(lines)
    surrogate, inside, bad_id, nan, far, long, nested = out
    assert surrogate["id"] == "q-1" and surrogate["as_of"] == "2022-06-09"
    assert surrogate["question"] is None  # not echoed: it holds no character to print
    assert surrogate["error"] == (
        "line 1: field 'question' holds a lone UTF-16 surrogate (\\ud800 to \\udfff), which "
        "is no character"
    )
    assert inside["id"] == "q-2" and inside["question"] == "cocoa" and "note" not in inside
    assert "field 'note' holds a lone UTF-16 surrogate" in inside["error"]
    assert "id" not in bad_id and bad_id["question"] == "cocoa" and bad_id["line"] == 3
    assert "field 'id' holds a lone UTF-16 surrogate" in bad_id["error"]
    assert (
        nan["id"] == 4
        and "line 4 is not valid JSON (in 'as_of', NaN is not a JSON value)" in nan["error"]
    )
    assert far["id"] == 5 and "(in 'limit', '1e400' is past the largest number)" in far["error"]
    assert long["id"] == 6 and "(in 'limit', a number too long to read)" in long["error"]
    assert nested["tag"] == "seven" and "id" not in nested
    assert "(in 'id', Infinity is not a JSON value)" in nested["error"]
    for bad in out:
        assert bad["results"] == [] and bad["line"] == out.index(bad) + 1


def test_a_plain_line_that_is_not_json_stays_a_question() -> None:
    request = parse_line("What is {this}?", 1, None, 3)
    assert not hasattr(request, "error") and request.question == "What is {this}?"


def test_a_date_means_through_its_end_in_utc() -> None:
    end = parse_as_of("2022-06-10")
    through = datetime.fromtimestamp(end.moment, UTC)
    assert through.isoformat() == "2022-06-10T23:59:59.999999+00:00"
    assert parse_as_of("20220610") == end  # the basic form too, not the day's start
    assert parse_as_of("2022-06-10T18:30").utc == "2022-06-10T18:30:00Z"


def test_as_of_reads_the_digits_of_any_script_as_ingest_does(dated_db: Path) -> None:
    """Ingest reads "٢٠٢٢-٠٦-١٠" as 10 June 2022; `--as-of` refused it as no date."""
    arabic = "٢٠٢٢-٠٦-١٠"
    assert parse_published(arabic) == "2022-06-10"
    assert parse_as_of(arabic) == parse_as_of("2022-06-10")  # through its end, not a moment
    assert parse_as_of("٢٠٢٢-٠٦-١٠T١٨:٣٠+٠٢:٠٠").utc == "2022-06-10T16:30:00Z"
    fullwidth = parse_as_of("\u200f２０２２-W２３")  # an RLM before
    assert fullwidth.utc == "2022-06-12T23:59:59.999999Z"
    answer = ask_json(dated_db, "--as-of", arabic, QUESTION)
    assert (answer["as_of"], answer["as_of_moment"]) == (arabic, "2022-06-10T23:59:59.999999Z")
    assert set(published(answer)) == {"2022-06-08", "2022-06-10"}
    with pytest.raises(ValueError, match="February 2022 has 28 days"):
        parse_as_of("٢٠٢٢-٠٢-٣٠")


@pytest.mark.parametrize("day", ["1000-01-01", "2300-01-01", "3000-01-01", "9999-12-30"])
def test_a_date_far_from_1970_is_still_through_its_end_not_the_next_day(
    day: str, dated_db: Path
) -> None:
    """A float's step is longer than a microsecond there: the end of 1000-01-01 less 1e-6
    was the midnight after it, shown as the moment asked and told in the message."""
    asked = parse_as_of(day)
    next_day = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(days=1)
    assert asked.moment < next_day.timestamp()
    assert asked.utc == f"{day}T23:59:59.999999Z"
    answer = ask_json(dated_db, "--as-of", day, QUESTION)
    assert answer["as_of_moment"] == f"{day}T23:59:59.999999Z"
    if day == "1000-01-01":
        assert answer["message"] == (
            f"Nothing published by {day} 23:59 UTC matches that; later articles do."
        )


def test_a_date_or_time_without_an_offset_is_in_the_configured_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    end = datetime.fromtimestamp(parse_as_of("2022-06-10", tokyo).moment, UTC)
    assert end.isoformat() == "2022-06-10T14:59:59.999999+00:00"
    assert parse_as_of("2022-06-10T18:30", tokyo).utc == "2022-06-10T09:30:00Z"
    assert parse_as_of("2022-06-10T18:30Z", tokyo).utc == "2022-06-10T18:30:00Z"


def test_ask_reads_as_of_in_newsbot_timezone(
    dated_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """09:00 on 10 June in New York is 13:00 in UTC: past 10:00 UTC, from when an article
    dated the 10th counts, so it is in; at 09:00 UTC it is not yet."""
    morning = ask_json(dated_db, "--as-of", "2022-06-10T09:00", QUESTION)
    assert set(published(morning)) == {"2022-06-08"}
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "America/New_York")
    morning = ask_json(dated_db, "--as-of", "2022-06-10T09:00", QUESTION)
    assert (morning["as_of"], morning["as_of_moment"]) == (
        "2022-06-10T09:00",
        "2022-06-10T13:00:00Z",
    )
    assert set(published(morning)) == {"2022-06-08", "2022-06-10"}


def test_nothing_published_by_the_moment_is_told_in_newsbot_timezone(
    dated_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The moment came back in UTC: "by 2022-06-01 21:59 UTC" for 1 June asked in Paris."""
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Europe/Paris")
    early = ask_json(dated_db, "--as-of", "2022-06-01", QUESTION)
    assert early["results"] == []
    assert early["message"] == (
        "Nothing published by 2022-06-01 23:59 CEST matches that; later articles do."
    )


def test_an_as_of_with_an_offset_shows_the_answer_s_dates_in_it(
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ask --as-of 2022-06-11T10:00+09:00` showed its passages' times in NEWSBOT_TIMEZONE
    (UTC), not in the offset its asker wrote, as a chat's own zone is shown in the bot; a
    batch line's own "as_of" alike. Without an offset, NEWSBOT_TIMEZONE as before; --json
    writes a passage's `published` in UTC whatever the zone, and its `message` in the zone."""
    story = {
        "title": "Harbour fees cut",
        "source": "Desk",
        "published": "2022-06-10T12:00:00Z",
        "text": "The Dover harbour board cut berth fees by 10% on Friday. Ferry operators "
        "welcomed it.",
    }
    path = write_jsonl(tmp_path / "timed.jsonl", [story])
    assert main(["ingest", "--db", str(db_path), "--quiet", str(path)]) == 0
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Europe/Paris")
    capsys.readouterr()
    for as_of, shown in (
        ("2022-06-11T10:00+09:00", "2022-06-10 21:00 UTC+09:00"),
        ("2022-06-11T10:00Z", "2022-06-10 12:00 UTC"),
        ("2022-06-11T10:00", "2022-06-10 14:00 CEST"),  # NEWSBOT_TIMEZONE's
        ("2022-06-11", "2022-06-10 14:00 CEST"),
    ):
        assert main(["ask", "--db", str(db_path), "--as-of", as_of, QUESTION]) == 0
        assert f" · Desk · {shown} · article 1" in capsys.readouterr().out, as_of
    lines = [
        {"question": QUESTION, "as_of": "2022-06-11T10:00-05:00"},
        {"question": QUESTION, "as_of": "2022-06-10T06:00-05:00"},  # before it: nothing
        {"question": QUESTION},  # the flag's moment, in NEWSBOT_TIMEZONE
    ]
    batch = "".join(json.dumps(line) + "\n" for line in lines)
    monkeypatch.setattr(sys, "stdin", stdin(batch))
    assert main(["ask", "--db", str(db_path), "--as-of", "2022-06-11"]) == 0
    out = capsys.readouterr().out
    assert " · Desk · 2022-06-10 07:00 UTC-05:00 · article 1" in out
    assert "Nothing published by 2022-06-10 06:00 UTC-05:00 matches that" in out
    assert " · Desk · 2022-06-10 14:00 CEST · article 1" in out
    monkeypatch.setattr(sys, "stdin", stdin(batch))
    assert main(["ask", "--db", str(db_path), "--json", "--as-of", "2022-06-11"]) == 0
    offset, before, flag = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert published(offset) == published(flag) == ["2022-06-10T12:00:00Z"]
    assert before["message"] == (
        "Nothing published by 2022-06-10 06:00 UTC-05:00 matches that; later articles do."
    )


def test_an_article_dated_by_day_is_of_that_day_west_of_utc(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bare date counted from midnight UTC: in New York, the seed article dated 25 November
    was quoted as of the 24th, and `stats` ended its range on the 24th."""
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "America/New_York")
    assert main(["ingest", "--quiet", "--db", str(db_path), str(SEEDS)]) == 0
    capsys.readouterr()
    early = ask_json(db_path, "--as-of", "2024-11-24", QUESTION_SEED)
    assert early["results"] == [] and "Nothing published by" in str(early["message"])
    on_the_day = ask_json(db_path, "--as-of", "2024-11-25", QUESTION_SEED)
    assert "Aslanduz" in str(on_the_day["results"])
    assert main(["stats", "--db", str(db_path)]) == 0
    assert "published:  2024-11-25 to 2024-11-25" in capsys.readouterr().out
    # and east of it, to New Zealand's summer (UTC+13), the same day
    for zone in ("Asia/Tokyo", "Pacific/Auckland", "Pacific/Honolulu"):
        monkeypatch.setenv("NEWSBOT_TIMEZONE", zone)
        assert ask_json(db_path, "--as-of", "2024-11-24", QUESTION_SEED)["results"] == []
        assert "Aslanduz" in str(ask_json(db_path, "--as-of", "2024-11-25", QUESTION_SEED))
        capsys.readouterr()
        assert main(["stats", "--db", str(db_path)]) == 0
        assert "published:  2024-11-25 to 2024-11-25" in capsys.readouterr().out


def test_a_bare_date_counts_from_10_utc() -> None:
    assert to_timestamp("2024-11-25") == datetime(2024, 11, 25, 10, tzinfo=UTC).timestamp()
    assert (
        to_timestamp("2024-11-25T08:00:00+00:00")
        == datetime(2024, 11, 25, 8, tzinfo=UTC).timestamp()
    )


def test_nothing_by_a_moment_near_year_1_is_told_in_utc_west_of_it(
    dated_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """03:00 UTC on 1 January of year 1 is in range, and before year 1 in New York: telling
    the moment there was an OverflowError traceback that lost the rest of a batch."""
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "America/New_York")
    early = ask_json(dated_db, "--as-of", "0001-01-01T03:00Z", QUESTION)
    assert early["message"] == (
        "Nothing published by 0001-01-01 03:00 UTC matches that; later articles do."
    )


def ask_lines(
    db: Path, raw: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, Any]]]:
    monkeypatch.setattr(sys, "stdin", stdin(raw))
    status = main(["ask", "--db", str(db), "--json", "--as-of", "2022-06-30"])
    return status, [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_batch_reads_past_what_it_cannot_decode_or_hold(
    dated_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """UTF-16 with half a surrogate pair, or an odd byte at its end, was a UnicodeDecodeError
    traceback that lost the batch; one line of 120 MB was read whole (2 GB)."""
    broken = b"\xff\xfe" + f"{QUESTION}\n".encode("utf-16-le") + b"\x00\xd8"
    broken += f"x\n{QUESTION}\n".encode("utf-16-le") + b"\x00"
    status, out = ask_lines(dated_db, broken, monkeypatch, capsys)
    assert status == 0 and [len(a["results"]) for a in out] == [3, 0, 3, 0]
    assert out[1]["question"] == "\ufffdx"
    long_line = "cocoa " * 12_000  # 72,000 characters, past MAX_LINE
    lines = f"{QUESTION}\n{long_line}\n{QUESTION}\n".encode()
    status, out = ask_lines(dated_db, lines, monkeypatch, capsys)
    assert status == 1 and len(out) == 3
    assert out[1]["error"] == (
        "line 2 is longer than 65,536 bytes (a question is read to its first 1,000 characters)"
    )
    assert out[1]["as_of"] == "2022-06-30"  # the flag's, for the line that has none
    assert len(out[0]["results"]) == len(out[2]["results"]) == 3
    at_most = (QUESTION + " " * 65_536)[:65_536]  # as long as a line may be, its end aside
    for end in ("\n", "\r\n", ""):
        status, out = ask_lines(dated_db, f"{at_most}{end}".encode(), monkeypatch, capsys)
        assert status == 0 and len(out[0]["results"]) == 3, repr(end)


def test_a_line_one_byte_too_long_does_not_take_the_next_with_it(
    dated_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line a byte past MAX_LINE was read to its end with the first read, and reading on
    to find that end swallowed the next line: its answer was missing, the rest misnumbered."""
    for encoding, most in (("utf-8", MAX_LINE), ("utf-16", MAX_LINE // 2)):
        lines = f"{'x' * (most + 1)}\n{QUESTION}\n{QUESTION}\n".encode(encoding)
        status, out = ask_lines(dated_db, lines, monkeypatch, capsys)
        assert status == 1 and len(out) == 3, encoding
        assert out[0]["line"] == 1 and "longer than 65,536 bytes" in out[0]["error"]
        assert [a["question"] for a in out[1:]] == [QUESTION, QUESTION]


def test_an_answer_is_one_line_however_its_reader_splits_lines(
    dated_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A question holding U+2028, U+2029 or NEL was echoed raw, as JSON allows, and
    str.splitlines() broke its answer in two there: a batch's answers lost their count."""
    questions = [f"{QUESTION}\u2028Dover", "berth\x85fees", "harbour\u2029board"]
    lines = [questions[0], json.dumps({"question": questions[1]}), questions[2]]
    monkeypatch.setattr(sys, "stdin", stdin("\n".join(lines) + "\n"))
    assert main(["ask", "--db", str(dated_db), "--json", "--limit", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["question"] for line in out] == questions


def test_an_answer_writes_out_what_would_reorder_a_terminals_line(
    dated_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON leaves a U+202E (and the other bidi controls, C1 controls, DEL) raw: echoed in
    an answer, it showed the rest of the line reversed on a terminal. They are written as
    JSON's \\u escapes, which any reader takes back; other text outside ASCII stays as it is."""
    question = "Dover \u202eharbour\u200f café berth\x9b fees in Ардебиль?"
    assert main(["ask", "--db", str(dated_db), "--json", "--limit", "1", question]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["question"] == question
    assert out.startswith(
        '{"question": "Dover \\u202eharbour\\u200f café berth\\u009b fees in Ардебиль?", '
    ), out
    assert not set(out) & set("\u202e\u200f\x9b")


def test_a_question_argument_not_in_utf8_is_read_as_a_stdin_line_is(dated_db: Path) -> None:
    """Python keeps an argument's bytes that are not UTF-8 ("é" from a Latin-1 terminal) as
    lone surrogates: echoed, the answer was a UnicodeEncodeError traceback on a UTF-8 stdout
    (or bytes no JSON reader takes), and the word was searched cut short ("caf")."""
    question = "Dover harbour café berth fees?"
    answer = ask_json(dated_db, os.fsdecode(question.encode("cp1252")))
    assert answer["question"] == question and len(published(answer)) == 3


class Terminal(io.TextIOWrapper):
    """Standard input that is a terminal, with what its user typed."""

    def isatty(self) -> bool:
        return True


def test_ask_without_a_question_at_a_terminal_says_it_reads_lines(
    dated_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbot ask` with the question forgotten waited for lines without a word: it looked
    hung. Lines piped in are read without the note."""
    typed = Terminal(io.BufferedReader(io.BytesIO(f"{QUESTION}\n".encode())))
    monkeypatch.setattr(sys, "stdin", typed)
    assert main(["ask", "--db", str(dated_db), "--json"]) == 0
    out, err = capsys.readouterr()
    assert "reading questions from the terminal, one a line (Ctrl-D ends)" in err
    assert len(json.loads(out)["results"]) == 3
    monkeypatch.setattr(sys, "stdin", stdin(f"{QUESTION}\n"))
    assert main(["ask", "--db", str(dated_db), "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_ask_with_stdin_closed_says_so(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbot ask <&-`: Python's sys.stdin is None, and reading it was an AttributeError."""
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["ask", "--db", str(db_path), "--json"]) == 2
    assert "no question given, and standard input is closed" in capsys.readouterr().err


def test_ask_with_stdout_closed_says_so(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbot ask ... >&-`: sys.stdout is None, and asking it for a terminal was an
    AttributeError traceback."""
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["ask", "--db", str(db_path), "--json", QUESTION]) == 2
    assert "standard output is closed: nowhere to print answers" in capsys.readouterr().err


def test_json_requests_are_objects_by_their_first_token_and_take_any_line_s_mark(
    dated_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "{zebra} parade" was refused as bad JSON; a UTF-8 mark opening a later line (files
    joined with `cat`) made its request a question; "limit": null was refused where
    "as_of": null takes the flag's, and 2.0 was not a whole number."""
    assert parse_line("{zebra} parade in Utrecht", 1, None, 3) == Request(
        "{zebra} parade in Utrecht", None, 3
    )
    assert isinstance(parse_line('{ "question": "x"', 1, None, 3), BadLine)  # cut: an error
    lines = [
        json.dumps({"question": QUESTION, "limit": None}),
        "\ufeff" + json.dumps({"question": QUESTION, "as_of": "2022-06-09", "limit": 2.0}),
        json.dumps({"question": QUESTION, "limit": 2.5}),
    ]
    status, out = ask_lines(dated_db, "\n".join(lines).encode(), monkeypatch, capsys)
    assert status == 1
    assert (out[0]["as_of"], len(out[0]["results"])) == ("2022-06-30", 3)
    assert (out[1]["as_of"], len(out[1]["results"])) == ("2022-06-09", 1)
    assert '"limit" must be a whole number' in out[2]["error"]


@pytest.mark.parametrize(
    "line",
    [
        "{'question': 'How much did the Dover harbour board cut fees?', 'as_of': '2022-06-09'}",
        "{“question”: “How much did the Dover harbour board cut fees?”}",
        "{ ‘question’: ‘Dover harbour’ }",
    ],
)
def test_a_request_in_python_or_curly_quotes_is_an_error_not_a_question(line: str) -> None:
    """Python's str() of a dict, or a request with a word processor's quotes, was asked as a
    question (its keys and date its words), as of now: answers an evaluation would score,
    quoting what was published after the date it meant, with exit status 0."""
    bad = parse_line(line, 7, None, 3)
    assert isinstance(bad, BadLine)
    assert bad.error.startswith("line 7 is not valid JSON (Expecting property name enclosed")


def test_a_cut_request_says_where_its_string_starts() -> None:
    bad = parse_line('{"question": "Dover', 4, None, 3)
    assert isinstance(bad, BadLine)
    assert "(Unterminated string starting at column 14)" in bad.error  # not "at at"


def test_as_of_is_echoed_to_the_fraction_of_a_second_it_was_asked() -> None:
    assert parse_as_of("2022-06-10T12:00:00.9Z").utc == "2022-06-10T12:00:00.900000Z"
    assert parse_as_of("2022-06-10T12:00Z").utc == "2022-06-10T12:00:00Z"


def test_a_local_time_the_clocks_skipped_is_refused(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """02:30 on the night New York's clocks went from 02:00 to 03:00 was taken, silently, as
    03:30; a time that happened twice (the night they went back) is its first."""
    new_york = ZoneInfo("America/New_York")
    with pytest.raises(ValueError, match="'2022-03-13T02:30' is no time in America/New_York"):
        parse_as_of("2022-03-13T02:30", new_york)
    assert parse_as_of("2022-03-13T03:30", new_york).utc == "2022-03-13T07:30:00Z"
    assert parse_as_of("2022-11-06T01:30", new_york).utc == "2022-11-06T05:30:00Z"
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "America/New_York")
    assert main(["ask", "--db", str(db_path), "--as-of", "2022-03-13T02:30", QUESTION]) == 2
    assert "--as-of: '2022-03-13T02:30' is no time in" in capsys.readouterr().err


def test_a_bad_limit_shows_the_moment_its_own_as_of_was_read_as() -> None:
    line = json.dumps({"question": QUESTION, "as_of": "2022-06-09T08:00+02:00", "limit": 0})
    bad = parse_line(line, 4, None, 3)
    assert isinstance(bad, BadLine)
    assert bad.echo == {
        "question": QUESTION,
        "as_of": "2022-06-09T08:00+02:00",
        "as_of_moment": "2022-06-09T06:00:00Z",
    }
