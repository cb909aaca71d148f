import codecs
import gzip
import json
import random
import zlib
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from retrieval.corpus.dates import ACCEPTED
from retrieval.corpus.formats import parse_txt, read_records
from retrieval.corpus.json_records import draft_from_mapping
from retrieval.errors import ParseError

from .conftest import SEEDS, corpus_file


def test_seed_txt_gives_title_outlet_author_date_and_a_clean_body() -> None:
    [record] = list(read_records(next(SEEDS.glob("*.txt"))))
    draft = record.draft
    assert draft is not None
    assert draft.title == "Azerbaijani and Iranian forces begin joint border exercises"
    assert draft.source == "bne IntelliNews"
    assert draft.authors == ("bne Tehran bureau",)
    assert draft.published == "2024-11-25"
    assert draft.text.startswith("Iran's Islamic Revolutionary Guard Corps (IRGC)")
    body = " ".join(draft.text.split())
    assert body.endswith("the Iranian lingua franca.")  # "News" and "Dismiss" dropped
    assert "Azerbaijani and Iranian forces begin" not in draft.text  # repeated title dropped


def test_txt_without_header_lines_is_title_and_body() -> None:
    draft = parse_txt("Markets calm\n\nShares rose on Monday.\nBonds were flat.\n")
    assert (draft.title, draft.source, draft.authors, draft.published) == (
        "Markets calm",
        None,
        (),
        None,
    )
    assert draft.text == "Shares rose on Monday.\nBonds were flat."


BRENTON = (
    "Brenton dam\n\n/ Brenton Herald\n\nThe Brenton dam was finished in 1961.\n"
    "It supplies water to 2 million people.\n"
)


@pytest.mark.parametrize(
    "newline", ["\r\n", "\r", "\u2028", "\u2029", "\x85", "\r\r\n"], ids=ascii
)
def test_txt_lines_end_at_any_line_break(tmp_path: Path, newline: str) -> None:
    """An old Mac's file ends its lines in a lone \r: read as one line, it was refused as
    "no body text after the title". Each line break reads as a Unix file's newline does."""
    path = tmp_path / "brenton.txt"
    path.write_bytes(BRENTON.replace("\n", newline).encode())
    [record] = read_records(path)
    assert record.draft is not None
    assert record.draft == replace(parse_txt(BRENTON), origin=record.draft.origin)
    assert (record.draft.title, record.draft.source) == ("Brenton dam", "Brenton Herald")
    assert record.draft.text.splitlines() == BRENTON.splitlines()[4:]


def test_txt_with_only_a_title_is_an_error() -> None:
    with pytest.raises(ParseError, match="no body"):
        parse_txt("Just a headline\n")


def test_json_object_and_list_with_unknown_fields_kept(tmp_path: Path) -> None:
    one = {
        "title": "A",
        "text": "Body one.",
        "authors": "Ann Lee and Bo Chan",
        "published": "2024-03-01T10:00:00Z",
        "category": "tech",
    }
    (tmp_path / "one.json").write_text(json.dumps(one))
    (tmp_path / "many.json").write_text(json.dumps([one | {"title": "B"}, {"title": "C"}]))
    [single] = list(read_records(tmp_path / "one.json"))
    assert single.draft is not None
    assert single.draft.authors == ("Ann Lee", "Bo Chan")
    assert single.draft.published == "2024-03-01T10:00:00+00:00"
    assert single.draft.extra == {"category": "tech"}
    good, bad = list(read_records(tmp_path / "many.json"))
    assert good.draft is not None and good.draft.title == "B"
    assert (bad.draft, bad.item, bad.error) == (None, 2, "missing field 'text'")
    blanks = draft_from_mapping({"title": "T", "text": "x", "authors": ["Ann Lee", "  ", "Bo"]})
    assert blanks.authors == ("Ann Lee", "Bo")  # a blank name is no author


@pytest.mark.parametrize(
    ("authors", "names"),
    [
        ("By John Smith and Jane Doe", ("John Smith", "Jane Doe")),
        ("by John Smith, Jane Doe", ("John Smith", "Jane Doe")),
        ("By: John Smith & By Jane Doe", ("John Smith", "Jane Doe")),
        ("BY JOHN SMITH", ("JOHN SMITH",)),
        (["By John Smith", "by:Jane Doe", "By"], ("John Smith", "Jane Doe")),
        ("Byron Smith and Bya Okafor", ("Byron Smith", "Bya Okafor")),
        ("Ann Byrd and Jo Bylund", ("Ann Byrd", "Jo Bylund")),
    ],
)
def test_a_bylines_by_is_no_part_of_an_authors_name(authors: object, names: tuple[str]) -> None:
    """ "By John Smith and Jane Doe" was stored as ("By John Smith", "Jane Doe")."""
    draft = draft_from_mapping({"title": "T", "text": "x", "authors": authors})
    assert draft.authors == names


def test_html_character_references_in_json_are_the_characters_they_name(
    tmp_path: Path,
) -> None:
    """A JSON export of scraped pages keeps some, which a quote would show as they are."""
    article = {
        "title": "G7 communiqu&#xE9; on debt &amp; gold",
        "text": "The communiqu&eacute; cost &#163;5m. AT&T, R&D, &notice, &notit; and "
        "&amplifier; stay.",
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps(article))
    [record] = list(read_records(path))
    draft = record.draft
    assert draft is not None and draft.title == "G7 communiqué on debt & gold"
    # "&not" is a reference to HTML without its semicolon, but no reference in news copy
    # a known name's head is no reference either: "&notit;" is not "¬it;"
    assert draft.text == (
        "The communiqué cost £5m. AT&T, R&D, &notice, &notit; and &amplifier; stay."
    )


def test_jsonl_gz_reports_bad_lines_with_their_numbers(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "Good", "text": "Fine text.", "published": "2024-01-02"}),
        "{not json",
        json.dumps({"title": "Bad date", "text": "x", "published": "yesterday"}),
        json.dumps({"title": "Bad authors", "text": "x", "authors": [1, 2]}),
        json.dumps(["not", "an", "object"]),
    ]
    path = tmp_path / "batch.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    records = list(read_records(path))
    assert [r.line for r in records] == [1, 2, 3, 4, 5]
    assert records[0].draft is not None and records[0].draft.published == "2024-01-02"
    assert records[1].error is not None and records[1].error.startswith("invalid JSON")
    assert records[2].error is not None and "'yesterday' is not a date" in records[2].error
    assert records[3].error == "field 'authors' must be a list of strings or a string"
    assert records[4].error == "expected a JSON object, got an array"


def test_bad_json_records_are_told_in_json_words(tmp_path: Path) -> None:
    """An empty text was "missing field 'text'"; a line cut inside a string was "invalid
    JSON: Unterminated string starting at", the place it was at cut off; null, a string or
    a number was "got NoneType", "got str", "got int", Python's names."""
    lines = [
        {"title": "T", "text": ""},
        {"title": "  ", "text": "Body."},
        {"title": "T"},
        {"title": "T", "text": None},
        None,
        "story",
        3,
        {"title": 3, "text": "Body."},
        {"title": "T", "text": "Body.", "published": 20211108},
    ]
    path = tmp_path / "batch.jsonl"
    cut = '{"title": "T", "text": "The harb'
    path.write_text("".join(json.dumps(line) + "\n" for line in lines) + cut + "\n" + cut)
    assert [r.error for r in read_records(path)] == [
        "empty field 'text'",
        "empty field 'title'",
        "missing field 'text'",
        "missing field 'text'",
        "expected a JSON object, got null",
        "expected a JSON object, got a string",
        "expected a JSON object, got a number",
        "field 'title' must be a string, got a number",
        "published 20211108 is not a date: a number is read as Unix seconds (9 or 10 digits) or "
        f"milliseconds (13); {ACCEPTED}",
        "invalid JSON: unterminated string starting at column 24",  # cut, then a line break
        "invalid JSON: unterminated string starting at column 24",  # cut at the file's end
    ]
    whole = tmp_path / "cut.json"
    whole.write_text('{\n  "title": "T",\n  "text": "The harb')
    with pytest.raises(ParseError) as refused:
        list(read_records(whole))
    assert str(refused.value) == "invalid JSON: unterminated string starting at line 3, column 11"
    nothing = tmp_path / "null.json"
    nothing.write_text("null")
    assert [r.error for r in read_records(nothing)] == ["expected a JSON object, got null"]


@pytest.mark.parametrize("content", [b"", b"\n  \n", gzip.compress(b"")])
def test_a_jsonl_file_of_no_lines_fails_as_an_empty_text_does(
    tmp_path: Path, content: bytes
) -> None:
    """A cut or empty export was "added 0 articles, 0 failed": success."""
    path = tmp_path / ("export.jsonl.gz" if content[:2] == b"\x1f\x8b" else "export.jsonl")
    path.write_bytes(content)
    [record] = list(read_records(path))
    assert (record.draft, record.error, record.line) == (None, "empty file: no JSON lines", None)


@pytest.mark.parametrize("content", [b"", b"\n  \n", gzip.compress(b"", mtime=0)])
def test_an_empty_json_file_is_told_empty_as_other_files_are(
    tmp_path: Path, content: bytes
) -> None:
    """It was "invalid JSON: expecting value at line 1, column 1"."""
    path = tmp_path / ("export.json.gz" if content[:2] == b"\x1f\x8b" else "export.json")
    path.write_bytes(content)
    with pytest.raises(ParseError) as refused:
        list(read_records(path))
    assert str(refused.value) == "empty file"


def test_dates_as_feeds_and_other_tools_write_them_are_read(tmp_path: Path) -> None:
    """A dump of feed items keeps their RFC 2822 dates: each was refused before, and a whole
    file of them failed."""
    dates = {
        "Mon, 08 Nov 2021 09:30:00 +0100": "2021-11-08T08:30:00+00:00",
        "08 Nov 2021 09:30:00 EST": "2021-11-08T14:30:00+00:00",
        "Tue, 3 Dec 2024 10:00:00 GMT": "2024-12-03T10:00:00+00:00",
        "2024/12/03": "2024-12-03",
        "Nov 8, 2021": "2021-11-08",
    }
    path = tmp_path / "dump.jsonl"
    path.write_text(
        "".join(json.dumps({"title": d, "text": "Body.", "published": d}) + "\n" for d in dates)
        + json.dumps({"title": "t", "text": "Body.", "published": "2024/13/03"})
        + "\n"
    )
    *good, bad = read_records(path)
    assert [r.draft.published for r in good if r.draft] == list(dates.values())
    assert bad.error is not None and "'2024/13/03' is not a date" in bad.error


@pytest.mark.parametrize(
    "published",
    ["1636363800", 1636363800, " 1636363800 ", 1636363800.25, "1636363800123", 1636363800123],
)
def test_unix_time_is_a_date(published: object) -> None:
    """Seconds since 1970 (and JavaScript's milliseconds) failed the article: "is not a
    date", or "must be an ISO 8601 string, got a number"."""
    draft = draft_from_mapping({"title": "T", "text": "Body.", "published": published})
    assert draft.published == "2021-11-08T09:30:00+00:00"


@pytest.mark.parametrize(
    ("published", "why"),
    [
        (
            "08/11/2021",
            "published '08/11/2021' is ambiguous: its day and month could be either way round",
        ),
        ("8.11.21", "published '8.11.21' gives its year in two digits: write all four"),
        ("3 Brumaire 2026", "published '3 Brumaire 2026' is not a date"),
        (
            20211108,
            "published 20211108 is not a date: a number is read as Unix seconds",
        ),  # or 1970?
        (
            "202111081230",
            "published '202111081230' is not a date: a number is read as Unix seconds",
        ),
        (16363638001, "published 16363638001 is not a date: a number is read as Unix seconds"),
        ("yesterday", "published 'yesterday' is not a date"),
        (True, "published must be a string or a number, got true"),
    ],
)
def test_a_date_that_could_be_two_is_refused_saying_what_is_read(
    published: object, why: str
) -> None:
    with pytest.raises(ParseError) as refused:
        draft_from_mapping({"title": "T", "text": "Body.", "published": published})
    message = str(refused.value)
    assert message.startswith(why)
    if published is not True:
        assert message.endswith(
            "use ISO 8601 (2024-11-25, 2024-11-25T08:30:00Z), RFC 2822 (Mon, 25 Nov 2024 "
            "08:30:00 +0000), 2024/11/25, 25/11/2024, 25.11.2024, 2024年11月25日, Nov 25, 2024 or "
            "25 Nov 2024 (the month in English, German, French, Spanish, Italian, Portuguese, "
            "Dutch, Turkish, Russian, Polish or Arabic), with a time or not (8:30 PM, 18:00 Uhr, "
            "18h30), or Unix seconds (1732523400)"
        )


@pytest.mark.parametrize(
    ("published", "day"),
    [
        ("03.12.2026", "2026-12-03"),  # day first wherever dates are written with dots
        ("12.31.2026", "2026-12-31"),  # no date day first: an American writer's, month first
        ("3.6.2026", "2026-06-03"),
        ("3. Dezember 2026", "2026-12-03"),
        ("Do, 3. Dez. 2026", "2026-12-03"),
        ("3 décembre 2026", "2026-12-03"),
        ("1er mars 2026", "2026-03-01"),
        ("jeudi 3 décembre 2026", "2026-12-03"),
        ("3 de diciembre de 2026", "2026-12-03"),
        ("3 dicembre 2026", "2026-12-03"),
        ("3 de dezembro de 2026", "2026-12-03"),
        ("3 maart 2026", "2026-03-03"),
        ("3 Aralık 2026", "2026-12-03"),
        ("3 декабря 2026", "2026-12-03"),
        ("3 декабря 2026 г.", "2026-12-03"),
        ("3 grudnia 2026 r.", "2026-12-03"),
        ("2026年12月3日", "2026-12-03"),
        ("2026년 12월 3일", "2026-12-03"),
        ("٢٠٢٦-١٢-٠٣", "2026-12-03"),  # Arabic-Indic digits
        ("２０２６-１２-０３", "2026-12-03"),  # fullwidth
        ("٣ ديسمبر ٢٠٢٦", "2026-12-03"),  # Egypt's and the Gulf's month names
        ("الخميس، 3 ديسمبر 2026م", "2026-12-03"),
        ("3 كانون الأول 2026", "2026-12-03"),  # the Levant's, in two words
        ("15 آب 2026", "2026-08-15"),  # two letters
        ("15 اب 2026", "2026-08-15"),  # the alef written bare, as many sites do
        ("\u200f3 \u200fديسمبر 2026", "2026-12-03"),  # a right-to-left page's marks
    ],
)
def test_a_date_written_the_local_way_is_read(published: str, day: str) -> None:
    """An international desk's dates failed their article: "03.12.2026" as ambiguous,
    though with dots the day always comes first, and every month not named in English."""
    assert _published(published) == day


def test_a_local_date_with_its_time_and_zone_is_read() -> None:
    assert _published("03.12.2026 18:00") == "2026-12-03T18:00:00+00:00"
    assert _published("3 декабря 2026, 18:00") == "2026-12-03T18:00:00+00:00"
    assert _published("Do, 03 Dez 2026 18:00:00 MEZ") == "2026-12-03T17:00:00+00:00"
    assert _published("Mi, 03 Jun 2026 18:00:00 MESZ") == "2026-06-03T16:00:00+00:00"


@pytest.mark.parametrize(
    "published",
    [
        "3. Dezember 2026 um 18:30 Uhr",
        "3 décembre 2026 à 18h30",
        "3 de diciembre de 2026 a las 18:30",
        "3 dicembre 2026 alle ore 18:30",
        "3 de dezembro de 2026 às 18h30",
        "3 december 2026 om 18:30 uur",
        "3 декабря 2026 в 18:30",
        "3 Aralık 2026 saat 18:30",
        "3 ديسمبر 2026 الساعة 18:30",
    ],
)
def test_a_local_date_with_its_time_in_words_is_read(published: str) -> None:
    """The international desk's "3 de diciembre de 2026 a las 10:00" failed its article:
    only English's "at" was read before a time."""
    assert _published(published) == "2026-12-03T18:30:00+00:00"


def test_an_hour_alone_is_a_time_where_its_unit_says_so() -> None:
    assert _published("3. Dezember 2026, 18 Uhr MEZ") == "2026-12-03T17:00:00+00:00"
    assert _published("le 3 décembre 2026 à 18h") == "2026-12-03T18:00:00+00:00"
    with pytest.raises(ParseError):  # a bare number after a date is no time
        _published("3 December 2026 18")


def _published(value: str) -> str | None:
    return draft_from_mapping({"title": "T", "text": "Body.", "published": value}).published


@pytest.mark.parametrize(
    ("published", "moment"),
    [
        ("June 6, 2023 11:30 PM", "2023-06-06T23:30:00+00:00"),
        ("June 6, 2023 6:00 AM", "2023-06-06T06:00:00+00:00"),
        ("June 6, 2023, 6:00 p.m.", "2023-06-06T18:00:00+00:00"),
        ("Tue, 6 Jun 2023 6:00 PM", "2023-06-06T18:00:00+00:00"),
        ("Tue, 6 Jun 2023 06:00:00 PM GMT", "2023-06-06T18:00:00+00:00"),
        ("6 June 2023 at 6pm", "2023-06-06T18:00:00+00:00"),
        ("2023-06-06 06:00 PM EDT", "2023-06-06T22:00:00+00:00"),
        ("June 6, 2023 12:00 AM", "2023-06-06T00:00:00+00:00"),  # midnight
        ("June 6, 2023 12:30 a.m.", "2023-06-06T00:30:00+00:00"),
        ("June 6, 2023 12:00 PM", "2023-06-06T12:00:00+00:00"),  # noon
        ("June 6, 2023 18:00", "2023-06-06T18:00:00+00:00"),
        ("2023-06-06T18:00:00 EST", "2023-06-06T23:00:00+00:00"),
        ("Tue, 06 Jun 2023 18:00:00 +0200 (CEST)", "2023-06-06T16:00:00+00:00"),
        # JavaScript's Date.toString()
        (
            "Tue Jun 06 2023 18:00:00 GMT+0200 (Central European Summer Time)",
            "2023-06-06T16:00:00+00:00",
        ),
    ],
)
def test_a_time_of_day_is_read_with_its_am_or_pm_and_its_zone(published: str, moment: str) -> None:
    """The email module's parser, which read dates with letters, reads the first five words
    and passes over the rest: "June 6, 2023 11:30 PM" was stored as 11:30, "Tue, 6 Jun 2023
    6:00 PM" as 06:00, and "GMT+0200" was UTC."""
    assert _published(published) == moment


@pytest.mark.parametrize(
    ("published", "why"),
    [
        ("June 6, 2023 13:00 PM", "is not a time: 13 PM is no hour of a 12-hour clock"),
        ("June 6, 2023 0:30 AM", "is not a time: 0 AM is no hour of a 12-hour clock"),
        ("Tue, 06 Jun 2023 18:00:00 BST", "names its zone 'BST', which newsbot does not read"),
        ("6 June 2023 18:00 IST", "names its zone 'IST', which newsbot does not read"),
        ("June 6, 2023 6:00 Amsterdam", "is not a date"),
        ("June 6, 2023 18", "is not a date"),
        ("Tue, 06 Jun 2023 25:00:00 GMT", "is not a date"),
    ],
)
def test_a_time_that_cannot_be_placed_is_refused_never_taken_for_utc(
    published: str, why: str
) -> None:
    """ "18:00 BST" was stored as 18:00 UTC: the zones RFC 2822 names are read, others
    refused, as the same letters may name two zones (British summer time, Bangladesh's)."""
    with pytest.raises(ParseError) as refused:
        _published(published)
    assert str(refused.value).startswith(f"published {published!r} {why}")


@pytest.mark.parametrize(
    "published",
    ["6/13/2023", "13/6/2023", "13.06.2023", "06-13-2023", "13/6/2023 10:00 AM", "6/6/2023"],
)
def test_day_and_month_in_either_order_are_read_where_only_one_order_is_a_date(
    published: str,
) -> None:
    """13 can be no month: "6/13/2023" and "13/6/2023" were refused as "ambiguous: its day
    and month could be either way round", which they are not."""
    day = "2023-06-06" if published == "6/6/2023" else "2023-06-13"
    assert (_published(published) or "").startswith(day)


@pytest.mark.parametrize(
    ("published", "why"),
    [
        ("6/7/2023", "is ambiguous: its day and month could be either way round"),
        ("6/7/2023 18:00", "is ambiguous: its day and month could be either way round"),
        ("13/6/23", "gives its year in two digits: write all four"),  # 1923 or 2023
        ("31/2/2023", "is not a date"),
    ],
)
def test_a_numeric_date_is_refused_where_it_could_be_two(published: str, why: str) -> None:
    with pytest.raises(ParseError) as refused:
        _published(published)
    assert str(refused.value).startswith(f"published {published!r} {why}")


@pytest.mark.parametrize(
    "published",
    [
        "2021-11-08",
        "20211108",  # ISO 8601's basic form
        "2021-W45-1",
        "2021W451",
        "2021/11/08",
        "Nov 8, 2021",
        "8 November 2021",
        "Mon, 08 Nov 2021",  # RFC 2822 without a time, as some feeds date their items
        "Monday, November 8, 2021",
    ],
)
def test_every_date_without_a_time_is_kept_a_bare_date(tmp_path: Path, published: str) -> None:
    """A basic-form date, 20211108, was stored as midnight UTC, 7 November in Los Angeles,
    where 2021-11-08 was a bare date (counted from 10:00 UTC, the 8th nearly everywhere)."""
    path = tmp_path / "dated.jsonl"
    path.write_text(json.dumps({"title": "t", "text": "Body.", "published": published}))
    [record] = read_records(path)
    assert record.draft is not None and record.draft.published == "2021-11-08"


def test_a_basic_form_date_with_a_time_keeps_its_time(tmp_path: Path) -> None:
    path = tmp_path / "dated.jsonl"
    path.write_text(json.dumps({"title": "t", "text": "Body.", "published": "20211108T0930Z"}))
    [record] = read_records(path)
    assert record.draft is not None and record.draft.published == "2021-11-08T09:30:00+00:00"


def test_a_date_past_year_1_or_9999_in_utc_fails_alone(tmp_path: Path) -> None:
    """00:30 on 1 January of year 1 at +01:00 is before year 1 in UTC: an OverflowError
    ended the whole ingest with a traceback."""
    path = tmp_path / "edges.jsonl"
    dates = ["0001-01-01T00:30:00+01:00", "0001-01-01T00:00:00", "9999-12-31T23:30:00-05:00"]
    path.write_text(
        "".join(json.dumps({"title": d, "text": "Body.", "published": d}) + "\n" for d in dates)
    )
    early, placeholder, late = read_records(path)
    assert early.error == "published '0001-01-01T00:30:00+01:00' is out of range"
    assert placeholder.draft is not None  # .NET's DateTime.MinValue: a date, if an odd one
    assert late.error == "published '9999-12-31T23:30:00-05:00' is out of range"
    # a time without a zone is in NEWSBOT_TIMEZONE, but for this one east of UTC
    _, in_tokyo, _ = read_records(path, zone=ZoneInfo("Asia/Tokyo"))
    assert in_tokyo.draft is not None
    assert in_tokyo.draft.published == "0001-01-01T00:00:00+00:00"


def test_a_bad_date_is_quoted_in_part(tmp_path: Path) -> None:
    """The error quoted the value whole: one line of 100,000 characters."""
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"title": "t", "text": "Body.", "published": "x" * 100_000}))
    [bad] = read_records(path)
    assert bad.error is not None and bad.error.startswith("published 'xxx")
    assert "x…' is not a date" in bad.error and len(bad.error) < len(ACCEPTED) + 100


def test_a_gzip_cut_short_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    """Reading a megabyte at a time, a truncated file dropped the whole megabyte it was in
    (some 2,000 good records here); now at most one step of decompression is lost."""
    rng = random.Random(7)
    words = [f"w{i}" for i in range(5000)]
    lines = [
        json.dumps({"title": f"T{n}", "text": " ".join(rng.choices(words, k=80))})
        for n in range(6000)
    ]
    whole = gzip.compress("\n".join(lines).encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    readable = zlib.decompressobj(wbits=31).decompress(whole[: len(whole) // 2])
    complete = readable.count(b"\n")
    read = []
    with pytest.raises(ParseError, match="cannot read file"):
        for record in read_records(cut):
            read.append(record)
    assert all(r.draft is not None for r in read)
    assert complete - 100 <= len(read) <= complete


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_text_in_a_legacy_encoding_is_read(tmp_path: Path, encoding: str) -> None:
    """Old archives' text files (Windows-1252, or Notepad's "Unicode") were refused as "not
    UTF-8 text"; a binary file given a text name is still refused."""
    body = "Café owners say the naïve plan – announced on Monday – will cost €5m."
    path = tmp_path / "old.txt"
    path.write_bytes(f"Café plan\n\n{body}\n".encode(encoding))
    [record] = read_records(path)
    assert record.draft is not None
    assert (record.draft.title, record.draft.text) == ("Café plan", body)
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ParseError, match="not text: .* likely binary data"):
        list(read_records(binary))


def test_json_lines_in_windows_1252_are_read_line_by_line(tmp_path: Path) -> None:
    """A whole .txt or .json in Windows-1252 was read, but each line of such a .jsonl failed
    as "not UTF-8 text"; a line of binary data still fails, alone."""
    body = "Café owners say the naïve plan – announced on Monday – will cost €5m."
    line = json.dumps({"title": "Café plan", "text": body}, ensure_ascii=False)
    path = tmp_path / "old.jsonl"
    path.write_bytes(line.encode("cp1252") + b"\n" + bytes(range(1, 10)) + bytes(range(128, 256)))
    good, bad = read_records(path)
    assert good.draft is not None and (good.draft.title, good.draft.text) == ("Café plan", body)
    assert (
        bad.draft is None
        and bad.line == 2
        and bad.error == ("not text: neither UTF-8 nor a legacy encoding, likely binary data")
    )


@pytest.mark.parametrize("name", ["photo.jsonl", "photo.jsonl.gz"])
def test_binary_data_named_jsonl_is_refused_once_as_a_txt_is(tmp_path: Path, name: str) -> None:
    """Random bytes as a .jsonl gave 19 failures, one per "line" ("invalid JSON", "not
    text"), where a .txt of them gets one: "likely binary data"."""
    data = b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(5000)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    with pytest.raises(ParseError, match="not text: .* likely binary data"):
        list(read_records(path))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
@pytest.mark.parametrize("name", ["export.jsonl", "export.jsonl.gz"])
def test_json_lines_in_utf_16_are_read_line_by_line(
    tmp_path: Path, encoding: str, name: str
) -> None:
    """PowerShell's `>` writes UTF-16 with a byte-order mark: split at b"\n", its first line
    failed as "broken UTF-16", and a fragment after the last as invalid JSON."""
    lines = [
        json.dumps({"title": f"Café {n}", "text": f"Owners met on day {n}."}) for n in range(3)
    ]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    records = list(read_records(path))
    assert [(r.line, r.draft and r.draft.title) for r in records] == [
        (1, "Café 0"),
        (2, "Café 1"),
        (3, "Café 2"),
    ]


# An article in each legacy charset that old archives hold, which was stored read as
# Windows-1252 ("Çåìëåòðÿñåíèå â Êàçàíè"), or refused: GBK with "no body text after the
# title", UTF-16 without a byte-order mark as "likely binary".
LEGACY_ARTICLES = {
    "cp1251": (
        "Землетрясение в Казани",
        "В среду вечером в Казани произошло землетрясение магнитудой 4,2. "
        "Разрушений нет, сообщили спасатели.",
    ),
    "koi8_r": (
        "Землетрясение в Казани",
        "В среду вечером в Казани произошло землетрясение магнитудой 4,2. "
        "Разрушений нет, сообщили спасатели.",
    ),
    "cp1254": (
        "İstanbul’da deprem",
        "Çarşamba akşamı İstanbul’da 4,2 büyüklüğünde bir deprem meydana geldi. "
        "Hasar bildirilmedi, dedi yetkililer.",
    ),
    "cp932": (
        "東京で地震",
        "水曜日の夜、東京でマグニチュード4.2の地震が発生した。①髙橋氏は被害はないと述べた。",
    ),
    "gbk": ("北京地震", "周三晚上，北京发生4.2级地震。朱镕基表示没有损失报告。"),
    "utf-16-le": (
        "Землетрясение в Казани",
        "В среду вечером в Казани произошло землетрясение магнитудой 4,2.",
    ),
    "utf-16-be": ("Café plan", "Owners say the naïve plan – announced on Monday – costs €5m."),
}


@pytest.mark.parametrize("encoding", LEGACY_ARTICLES)
@pytest.mark.parametrize("suffix", [".txt", ".json"])
def test_text_in_the_charset_it_reads_best_in_is_read(
    tmp_path: Path, encoding: str, suffix: str
) -> None:
    title, body = LEGACY_ARTICLES[encoding]
    path = tmp_path / f"old{suffix}"
    if suffix == ".txt":
        text = f"{title}\n\n{body}\n"
    else:
        text = json.dumps({"title": title, "text": body}, ensure_ascii=False)
    path.write_bytes(text.encode(encoding))
    [record] = read_records(path)
    assert record.draft is not None
    assert (record.draft.title, record.draft.text) == (title, body)


@pytest.mark.parametrize(
    "text",
    [
        "Café naïve\n\nThe naïve café.",
        "Le café\n\nÀ Noël, Zoë.",
        # Mac Roman by coherence alone ("Koreaís"), as 53 in 2,091 such news lines were
        "Golf\n\nSouth Korea’s Jin Young Ko, the world’s No",
    ],
)
def test_western_text_stays_windows_1252_where_a_guesser_would_not(
    tmp_path: Path, text: str
) -> None:
    """charset-normalizer alone reads such text as cp1250 ("naďve") or another Latin charset."""
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode("cp1252"))
    [record] = read_records(path)
    assert record.draft is not None
    assert f"{record.draft.title}\n\n{record.draft.text}" == text


def test_json_lines_in_a_legacy_charset_are_read_by_one_guess(tmp_path: Path) -> None:
    """Each line in cp1251 was stored read as Windows-1252; the charset is guessed from the
    first line that is not UTF-8 and kept for the lines after it, a guess costing a few
    milliseconds."""
    title, body = LEGACY_ARTICLES["cp1251"]
    lines = [
        {"title": "Weather", "text": "Sunny."},  # ASCII: UTF-8
        {"title": title, "text": body},
        {"title": "Погода", "text": "Ясно."},
    ]
    path = tmp_path / "old.jsonl"
    path.write_bytes(
        b"\n".join(json.dumps(line, ensure_ascii=False).encode("cp1251") for line in lines)
    )
    records = list(read_records(path))
    assert [(r.line, r.draft and r.draft.title, r.draft and r.draft.text) for r in records] == [
        (n, line["title"], line["text"]) for n, line in enumerate(lines, start=1)
    ]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_json_lines_in_utf_16_without_a_byte_order_mark_are_read(
    tmp_path: Path, encoding: str
) -> None:
    lines = [json.dumps({"title": f"Café {n}", "text": f"Day {n}."}) for n in range(2)]
    path = tmp_path / "export.jsonl"
    path.write_bytes("\n".join(lines).encode(encoding))
    assert [r.draft and r.draft.title for r in read_records(path)] == ["Café 0", "Café 1"]


def test_unknown_format_names_the_valid_ones(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("x")
    with pytest.raises(ParseError, match=r"unknown format '\.docx': use \.txt, \.json"):
        list(read_records(path))


def test_broken_gzip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(ParseError, match="cannot read file"):
        list(read_records(path))


def test_saved_html_page_gives_body_and_metadata() -> None:
    pages = corpus_file("html-articles")
    truth = json.loads((pages / "ground-truth.json").read_text())
    key = "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856"
    [record] = list(read_records(pages / f"{key}.html.gz"))
    draft = record.draft
    assert draft is not None
    assert draft.title.startswith("Google Stadia, Microsoft xCloud, Apple Arcade")
    assert draft.source == "Wall Street Journal"
    # its time as the page gives it (datePublished 2019-11-19T13:03:00.000Z), not the day
    assert draft.published == "2019-11-19T13:03:00+00:00"
    assert truth[key]["articleBody"][:60] in draft.text


@pytest.mark.parametrize("content", ["[]", " [ ]\n"])
def test_a_json_file_of_an_empty_list_fails_as_an_empty_text_does(
    tmp_path: Path, content: str
) -> None:
    """`[]` was "added 0 articles, 0 failed", and in a folder went unnamed in the summary."""
    path = tmp_path / "export.json"
    path.write_text(content)
    with pytest.raises(ParseError, match="^empty JSON list: no articles$"):
        list(read_records(path))
