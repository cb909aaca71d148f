"""Digest schedules: local times, time zones, daylight-saving changes, catch-up, periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from retrieval.digest.schedule import (
    DailyTime,
    Slot,
    due_slot,
    next_run,
    period_for,
    run_at,
)
from retrieval.errors import ScheduleError
from retrieval.zones import looks_like_zone, parse_zone, read_zone, zone_label

LONDON = parse_zone("Europe/London")
NEW_YORK = parse_zone("America/New_York")
TOKYO = parse_zone("Asia/Tokyo")
EIGHT = DailyTime(8, 0)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("08:00", DailyTime(8, 0)),
        ("7:05", DailyTime(7, 5)),
        ("18.30", DailyTime(18, 30)),
        ("23:59", DailyTime(23, 59)),
        # "19:30:00" and "19:30 hrs" were keywords, "7:30 pm" a keyword "pm" at 07:30
        ("19:30:00", DailyTime(19, 30)),
        ("19:30hrs", DailyTime(19, 30)),
        # "1930 hrs", as it is most often written, was a keyword "1930hrs" at 08:00
        ("1930 hrs", DailyTime(19, 30)),
        ("0930HRS", DailyTime(9, 30)),
        ("7:30 pm", DailyTime(19, 30)),
        ("7:30PM", DailyTime(19, 30)),
        ("7.30p.m.", DailyTime(19, 30)),
        ("7 a.m.", DailyTime(7, 0)),
        ("12am", DailyTime(0, 0)),
        ("12 pm", DailyTime(12, 0)),
        ("12:15 AM", DailyTime(0, 15)),
    ],
)
def test_times_of_day(text: str, parsed: DailyTime) -> None:
    assert DailyTime.parse(text) == parsed
    assert str(parsed) == f"{parsed.hour:02d}:{parsed.minute:02d}"


@pytest.mark.parametrize(
    "text", ["25:00", "8", "08:60", "noon", "", "19:30:00:00", "19hrs", "2530 hrs"]
)
def test_bad_times_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ScheduleError, match="use HH:MM on a 24-hour clock, e.g. 08:00"):
        DailyTime.parse(text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("13 pm", "on a 12-hour clock the hour runs from 1 to 12, e.g. 6:30 pm"),
        ("0:30am", "on a 12-hour clock the hour runs from 1 to 12"),
        ("19:30:15", "a digest is set to the minute, e.g. 19:30"),
        ("24:00", "a digest at midnight is at 00:00"),
    ],
)
def test_a_time_almost_right_is_told_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ScheduleError, match=f"^'{text}' is not a time of day: {problem}"):
        DailyTime.parse(text)


def test_zones_are_iana_names_in_any_letter_case() -> None:
    assert parse_zone("europe/london").key == "Europe/London"
    assert parse_zone("UTC").key == "UTC"
    for bad in ("Europe/Atlantis", "CET+5", "../../etc/passwd", ""):
        with pytest.raises(ScheduleError, match="unknown time zone .* such as Europe/London"):
            parse_zone(bad)
    assert looks_like_zone("Europe/Atlantis") and looks_like_zone("utc")  # told unknown
    assert looks_like_zone("US/Eastern") and looks_like_zone("America/Argentina/Buenos_Aires")
    assert not looks_like_zone("Japan")  # a keyword, though tzdata knows it as a zone
    # a keyword with a slash that is no Area/City name ("unknown time zone '<b>oil</b>'")
    for keyword in ("<b>oil</b>", "https://x.org/a", "AI/ML", "Israel/Gaza", "US/China", "24/7"):
        assert not looks_like_zone(keyword), keyword


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Eurpoe/London", "Europe/London"),  # two letters of the area swapped
        ("europa/london", "Europe/London"),
        ("Amercia/New_York", "America/New_York"),
        ("Asai/Tokyo", "Asia/Tokyo"),
        ("Ect/UTC", "Etc/UTC"),
        ("Atlantis/Reykjavik", "Atlantic/Reykjavik"),
        ("Europe/Londn", "Europe/London"),  # the city mistyped
        ("America/Los_Angles", "America/Los_Angeles"),
        ("America/London", "Europe/London"),  # the city in the wrong area
    ],
)
def test_a_mistyped_zone_is_unknown_with_the_zone_meant(typed: str, meant: str) -> None:
    """A slip in the area made a digest about the keyword "Eurpoe/London", at 08:00 UTC."""
    assert looks_like_zone(typed)
    with pytest.raises(ScheduleError) as refused:
        parse_zone(typed)
    assert str(refused.value) == f"unknown time zone '{typed}': did you mean {meant}?"


def test_keywords_pairing_a_country_and_a_city_are_no_mistyped_zones() -> None:
    # each city has a zone, under another area than the one a slip away from the country
    for keyword in ("Israel/Gaza", "India/Kolkata", "Austria/Vienna", "Paris/London", "UK/London"):
        assert not looks_like_zone(keyword), keyword
    with pytest.raises(ScheduleError, match="such as Europe/London") as refused:
        parse_zone("Europe/Atlantis")  # nothing close enough to suggest
    assert "did you mean" not in str(refused.value)


def test_a_time_written_without_its_colon_is_told_with_it() -> None:
    with pytest.raises(ScheduleError, match="use HH:MM on a 24-hour clock, e.g. 07:30$"):
        DailyTime.parse("0730")


@pytest.mark.parametrize(
    ("typed", "key", "label"),
    [
        ("GMT+2", "Etc/GMT-2", "UTC+2"),  # tzdata's Etc/GMT-2 is UTC+2: POSIX inverts the sign
        ("utc-5", "Etc/GMT+5", "UTC-5"),
        ("UTC\u22123", "Etc/GMT+3", "UTC-3"),  # a typographic minus
        ("UTC+14:00", "Etc/GMT-14", "UTC+14"),
        ("GMT-12", "Etc/GMT+12", "UTC-12"),
        ("GMT+0", "UTC", "UTC"),
        ("Europe/London", "Europe/London", "Europe/London"),
    ],
)
def test_an_offset_from_utc_is_read_as_people_mean_it(typed: str, key: str, label: str) -> None:
    """ "GMT+2" was a digest about the keyword "GMT+2", at 08:00 UTC."""
    assert looks_like_zone(typed)
    zone = read_zone(typed)
    assert zone.key == key and zone_label(zone.key) == label
    if key.startswith("Etc/"):
        offset = zone.utcoffset(utc(2024, 6, 1))
        assert offset is not None and zone_label(key) == f"UTC{offset.total_seconds() / 3600:+.0f}"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("EST", "America/New_York"),  # tzdata's EST is UTC-5 all year; New York is not
        ("cet", "Europe/Paris or Europe/Berlin"),
        ("PDT", "America/Los_Angeles"),
        ("IST", "Asia/Kolkata or Europe/Dublin or Asia/Jerusalem"),
    ],
)
def test_an_abbreviation_is_told_the_area_city_zone_to_use(typed: str, meant: str) -> None:
    with pytest.raises(ScheduleError) as refused:
        read_zone(typed)
    assert str(refused.value).startswith(
        f"'{typed}' is an abbreviation, not a time zone: use an Area/City name such as {meant}, "
        "which keeps the place's time, summer time included"
    )
    assert parse_zone("EST").key == "EST"  # a NEWSBOT_TIMEZONE or a row stored with it still is


@pytest.mark.parametrize("typed", ["UTC+5:30", "GMT+15", "UTC-13"])
def test_an_offset_no_zone_has_all_year_is_refused(typed: str) -> None:
    with pytest.raises(ScheduleError, match="whole hours from UTC-12 to UTC.14"):
        read_zone(typed)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        # "UTC+05:45" was told to use Asia/Kolkata, which is UTC+05:30
        ("UTC+05:45", "such as Asia/Kathmandu, which keeps"),
        ("UTC+5:30", "such as Asia/Kolkata, which keeps"),
        ("+05:45", "such as Asia/Kathmandu, which keeps"),
        ("+0330", "such as Asia/Tehran, which keeps"),
        ("-05:00", "such as America/New_York or America/Bogota, which keeps the place's time, "
         "summer time included (or UTC-5 for a fixed offset)"),
        ("+02", "such as Asia/Jerusalem or Europe/Athens"),
    ],
)  # fmt: skip
def test_an_offset_is_told_the_zones_on_it_then(typed: str, meant: str) -> None:
    """In January: the hint names zones whose clocks are at that offset, then."""
    with pytest.raises(ScheduleError) as refused:
        read_zone(typed, now=utc(2025, 1, 15))
    assert f"use an Area/City name {meant}" in str(refused.value)
    assert looks_like_zone(typed)


def test_an_abbreviation_of_a_place_at_a_half_hour_offers_no_whole_hour() -> None:
    with pytest.raises(ScheduleError) as refused:
        read_zone("NPT")
    assert str(refused.value) == (
        "'NPT' is an abbreviation, not a time zone: use an Area/City name such as "
        "Asia/Kathmandu, which keeps the place's time, summer time included"
    )


def test_london_morning_digest_follows_the_clocks_across_the_spring_change() -> None:
    # British Summer Time starts on 2024-03-31 at 01:00 UTC.
    assert run_at(date(2024, 3, 30), EIGHT, LONDON) == utc(2024, 3, 30, 8)
    assert run_at(date(2024, 3, 31), EIGHT, LONDON) == utc(2024, 3, 31, 7)
    assert next_run(EIGHT, LONDON, utc(2024, 3, 30, 8)) == utc(2024, 3, 31, 7)
    assert next_run(EIGHT, LONDON, utc(2024, 3, 30, 7, 59)) == utc(2024, 3, 30, 8)
    # ...and back in the autumn (2024-10-27).
    assert next_run(EIGHT, LONDON, utc(2024, 10, 26, 7)) == utc(2024, 10, 27, 8)


def test_new_york_times_that_do_not_exist_or_happen_twice() -> None:
    half_two, half_one = DailyTime(2, 30), DailyTime(1, 30)
    # 2024-03-10: clocks jump from 02:00 to 03:00; 02:30 runs at 03:30 EDT.
    assert run_at(date(2024, 3, 10), half_two, NEW_YORK) == utc(2024, 3, 10, 7, 30)
    assert run_at(date(2024, 3, 10), half_two, NEW_YORK).astimezone(NEW_YORK).hour == 3
    # 2024-11-03: 01:30 happens twice; the digest goes at the first, once.
    first = run_at(date(2024, 11, 3), half_one, NEW_YORK)
    assert first == utc(2024, 11, 3, 5, 30)
    assert next_run(half_one, NEW_YORK, first) == utc(2024, 11, 4, 6, 30)


def test_next_run_in_several_zones_at_one_instant() -> None:
    now = utc(2024, 6, 1, 12)
    assert next_run(EIGHT, TOKYO, now) == utc(2024, 6, 1, 23)  # 08:00 JST on 2 June
    assert next_run(EIGHT, LONDON, now) == utc(2024, 6, 2, 7)
    assert next_run(EIGHT, NEW_YORK, now) == utc(2024, 6, 2, 12)
    assert next_run(DailyTime(12, 0), parse_zone("UTC"), now) == utc(2024, 6, 2, 12)


def test_the_next_run_skips_a_local_day_that_had_its_digest() -> None:
    """A time moved later on a day whose digest went out runs the next day, as `due_slot`
    sends one a day: the reply to /subscribe promised today, and nothing came."""
    nine_bst = utc(2024, 6, 3, 8)
    six_pm = DailyTime(18, 0)
    assert next_run(six_pm, LONDON, nine_bst) == utc(2024, 6, 3, 17)
    assert next_run(six_pm, LONDON, nine_bst, date(2024, 6, 2)) == utc(2024, 6, 3, 17)
    assert next_run(six_pm, LONDON, nine_bst, date(2024, 6, 3)) == utc(2024, 6, 4, 17)
    assert due_slot(six_pm, LONDON, utc(2024, 6, 3, 17), nine_bst, date(2024, 6, 3)) is None


def test_a_slot_is_due_from_its_time_until_the_end_of_its_local_day() -> None:
    def due(
        now: datetime, last_day: date | None = None, since: datetime = LONG_AGO
    ) -> Slot | None:
        return due_slot(EIGHT, LONDON, now, since, last_day)

    june_3 = date(2024, 6, 3)
    assert due(utc(2024, 6, 3, 6, 59)) is None  # 07:59 BST
    assert due(utc(2024, 6, 3, 7)) == Slot(june_3, utc(2024, 6, 3, 7))
    # The bot was down at 08:00 and comes back at 22:00: still today's digest.
    assert due(utc(2024, 6, 3, 21)) == Slot(june_3, utc(2024, 6, 3, 7))
    # Back after midnight (local): yesterday's is not sent; today's waits for 08:00.
    assert due(utc(2024, 6, 3, 23, 30)) is None
    # Claimed already today: nothing more, whatever became of it.
    assert due(utc(2024, 6, 3, 9), last_day=june_3) is None
    assert due(utc(2024, 6, 4, 7), last_day=june_3) == Slot(date(2024, 6, 4), utc(2024, 6, 4, 7))
    # Subscribed (or rescheduled) at 09:00: today's 08:00 has passed, it does not fire.
    assert due(utc(2024, 6, 3, 9), since=utc(2024, 6, 3, 8)) is None
    assert due(utc(2024, 6, 4, 7), since=utc(2024, 6, 3, 8)) is not None


def test_due_is_judged_by_the_local_day_of_each_zone() -> None:
    now = utc(2024, 6, 3, 23, 30)  # Tokyo is already at 08:30 on 4 June
    assert due_slot(EIGHT, TOKYO, now, LONG_AGO, date(2024, 6, 3)) == Slot(
        date(2024, 6, 4), utc(2024, 6, 3, 23)
    )
    assert due_slot(EIGHT, NEW_YORK, now, LONG_AGO, date(2024, 6, 3)) is None


def test_periods_run_from_the_previous_digest_or_cover_a_day() -> None:
    slot = utc(2024, 6, 3, 7)
    first = period_for(slot, slot + timedelta(minutes=1))
    assert (first.start, first.end, first.seen_until) == (slot - timedelta(hours=24), slot, None)
    assert first.as_of == slot + timedelta(minutes=1)
    previous_end, previous_as_of = utc(2024, 6, 1, 7), utc(2024, 6, 1, 7, 0, 5)
    after_gap = period_for(slot, slot, previous_end, previous_as_of)
    assert (after_gap.start, after_gap.seen_until) == (previous_end, previous_as_of)
    month_later = period_for(slot, slot, utc(2024, 5, 1, 7), None)
    assert month_later.start == slot - timedelta(days=7)
