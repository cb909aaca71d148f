"""Digests as Telegram HTML, and reading /subscribe's words (no Telegram, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.digest_format import (
    digest_messages,
    nothing_new,
    resubscribe,
    subscribed,
    subscription_text,
    usage,
)
from bot.formatting import MAX_REPLY_MESSAGES
from bot.markup import MAX_MESSAGE_LENGTH, utf16_len
from bot.subscribe_words import DEFAULT_TIME, parse_subscribe
from retrieval.digest.digest import Digest, DigestArticle, DigestItem, Period
from retrieval.digest.schedule import DailyTime
from retrieval.digest.subscriptions import Delivery, State, Subscription
from retrieval.errors import DigestError, ScheduleError
from retrieval.zones import parse_zone
from tests.telegram_html import check_message_text

START = datetime(2024, 6, 2, 7, tzinfo=UTC)
END = START + timedelta(days=1)
BERLIN = parse_zone("Europe/Berlin")


def shown(markup: str) -> tuple[str, list[dict[str, object]]]:
    """What Telegram shows for `markup`, and its entities; fails if it would refuse it."""
    parsed = check_message_text(markup, "HTML", None, strict=True)
    return parsed.text, parsed.entities


def item(n: int, **changes: object) -> DigestItem:
    fields: dict[str, object] = {
        "headline": f"Story {n}",
        "url": f"https://news.example/{n}",
        "extract": f"Something happened, number {n}.",
        "outlets": ("Herald", "Post"),
        "article_ids": (n,),
        "published": START + timedelta(hours=n % 20),
    }
    return DigestItem(**(fields | changes))  # type: ignore[arg-type]


def test_a_digest_is_valid_html_with_linked_headlines_and_outlets() -> None:
    hostile = item(
        1,
        headline="Rates & <Markets> </b>",
        url="https://x.example/?a=1&b=<2>",
        extract="Shares <script>rose</script> & fell.",
        outlets=("Finance <Daily>",),
    )
    digest = Digest(START, END, (hostile, item(2, url=None, outlets=())), ("oil",), 5, 2)
    [message] = digest_messages(digest, BERLIN)
    text, entities = shown(message)
    assert (
        text.splitlines()[0] == "News digest about oil: 2 stories since Sun 2 Jun 09:00 "
        "(Europe/Berlin)"
    )
    assert (
        "1. Rates & <Markets> </b>\nShares <script>rose</script> & fell.\n"
        "Finance <Daily> · Sun 2 Jun 10:00" in text
    )
    assert "2. Story 2\nSomething happened, number 2.\nunknown outlet" in text
    links = [e for e in entities if e["type"] == "text_link"]
    assert [link["url"] for link in links] == ["https://x.example/?a=1&b=<2>"]


def test_a_digest_of_its_best_stories_says_how_many_there_were() -> None:
    digest = Digest(START, END, tuple(item(n) for n in range(1, 4)), (), 30, 12)
    [message] = digest_messages(digest, BERLIN)
    text, _ = shown(message)
    assert text.splitlines()[0] == (
        "News digest: 12 stories since Sun 2 Jun 09:00 (Europe/Berlin), the top 3"
    )


def test_a_story_with_no_date_says_when_it_was_stored() -> None:
    """Its time is when it was stored: shown bare, a backfill would read as today's news."""
    undated = item(
        1,
        articles=(DigestArticle(1, "Story 1", "Herald", None, None),),
        published_stored=True,  # as `digest` sets it for a story no report of which is dated
    )
    dated = item(2, articles=(DigestArticle(2, "Story 2", "Post", None, "2024-06-02"),))
    text, _ = shown(digest_messages(Digest(START, END, (undated, dated)), BERLIN)[0])
    assert "Herald, Post · stored Sun 2 Jun 10:00" in text
    assert "Herald, Post · Sun 2 Jun 11:00" in text


def test_the_line_under_a_headline_gives_its_articles_day_then_the_latest_report() -> None:
    """A story of CNN's report of 2022-08-01 (the headline's, linked) and USA Today's of the
    next day was shown "CNN, USA Today · 2022-08-02", the CNN article's date as it seemed. A
    later report the same day shows its time alone; one shown no later, nothing."""
    day = datetime(2022, 8, 1, 10, tzinfo=UTC)
    by_day = {"date_only": True, "lead_date_only": True, "lead_published": day}
    next_day = item(1, published=day + timedelta(days=1), **by_day)
    same_day = item(2, published=day, **by_day | {"lead_published": day - timedelta(hours=1)})
    later = item(3, published=day + timedelta(hours=6), lead_published=day)
    stored = item(4, published=day + timedelta(days=2), lead_published=day, lead_stored=True)
    digest = Digest(day, day + timedelta(days=1), (next_day, same_day, later, stored))
    text, _ = shown(digest_messages(digest, parse_zone("UTC"))[0])
    assert "Herald, Post · Mon 1 Aug · latest report Tue 2 Aug\n" in text
    assert "Herald, Post · Mon 1 Aug\n" in text
    assert "Herald, Post · Mon 1 Aug 10:00 · latest report 16:00\n" in text
    assert "Herald, Post · stored Mon 1 Aug 10:00 · latest report Wed 3 Aug 10:00" in text


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles", "UTC"])
def test_a_story_dated_by_day_only_shows_its_day_and_no_time(zone: str) -> None:
    """Its reports gave a bare date, counted from 10:00 UTC: shown as a time, that was 19:00
    in Tokyo and 02:00 in Los Angeles, a time no report gave."""
    day = datetime(2022, 11, 8, 10, tzinfo=UTC)
    by_day = item(1, published=day, date_only=True)
    timed = item(2, published=day)
    [message] = digest_messages(
        Digest(day, day + timedelta(days=1), (by_day, timed)), parse_zone(zone)
    )
    text, _ = shown(message)
    assert "Herald, Post · Tue 8 Nov\n" in text
    assert f"Herald, Post · Tue 8 Nov {day.astimezone(parse_zone(zone)):%H:%M}" in text


def test_a_long_digest_is_split_between_stories_within_the_limit() -> None:
    items = tuple(
        item(n, extract="A long sentence about what happened. " * 9) for n in range(1, 31)
    )
    messages = digest_messages(Digest(START, END, items, (), 40, 30), BERLIN)
    assert len(messages) >= 2
    texts = [shown(m)[0] for m in messages]
    assert all(utf16_len(t) <= MAX_MESSAGE_LENGTH for t in texts)
    assert all(t.split("\n")[0].split(".")[0].isdigit() for t in texts[1:])  # a story starts
    assert sum(t.count("A long sentence") for t in texts) == 30 * 9


def test_nothing_new_names_the_start_and_the_keywords() -> None:
    empty = Digest(START, END, (), ("oil", "opec"))
    assert digest_messages(empty, BERLIN) == [nothing_new(empty, BERLIN)]
    assert shown(nothing_new(empty, BERLIN))[0] == (
        "No new articles about oil, opec since Sun 2 Jun 09:00 (Europe/Berlin)."
    )


def test_a_phrase_keyword_is_named_in_quotes() -> None:
    empty = Digest(START, END, (), ("Bank of England", "oil"))
    assert shown(nothing_new(empty, BERLIN))[0] == (
        "No new articles about “Bank of England”, oil since Sun 2 Jun 09:00 (Europe/Berlin)."
    )


@pytest.mark.parametrize(
    ("words", "keywords", "at"),
    [
        (['"Bank', "of", 'England"', "oil"], ("Bank of England", "oil"), DEFAULT_TIME),
        (
            ["07:30", "“Bank", "of", "England”", "F-35"],
            ("Bank of England", "F-35"),
            DailyTime(7, 30),
        ),
        (["«Banque", "de", "France»"], ("Banque de France",), DEFAULT_TIME),
        (['"oil"', '"opec'], ("oil", "opec"), DEFAULT_TIME),  # a quote left open ends with them
        # a phrase is never a time or a zone, however it starts
        (['"07:30', 'news"', "08:00"], ("07:30 news",), DailyTime(8, 0)),
        (['"Europe/London', 'markets"'], ("Europe/London markets",), DEFAULT_TIME),
        # punctuation after the closing quote: it closed the phrase all the same
        (
            ['"Bank', "of", 'England",', "oil", "07:30"],
            ("Bank of England", "oil"),
            DailyTime(7, 30),
        ),
        (
            ["07:30", '"Bank', "of", 'England".', "oil"],
            ("Bank of England", "oil"),
            DailyTime(7, 30),
        ),
        (['"', "oil", '"', "gas"], ("oil", "gas"), DEFAULT_TIME),
        (["5'9\"", "tall", "O'Neil"], ("5'9\"", "tall", "O'Neil"), DEFAULT_TIME),
    ],
)
def test_subscribe_words_take_a_phrase_in_quotes_as_one_keyword(
    words: list[str], keywords: tuple[str, ...], at: DailyTime
) -> None:
    request = parse_subscribe(words, "UTC", allow_target=False)
    assert (request.keywords, request.at, request.timezone) == (keywords, at, "UTC")


def test_subscription_settings_and_last_digest() -> None:
    sub = Subscription(
        1,
        -100,
        "supergroup",
        "Desk",
        DailyTime(7, 30),
        "Europe/Berlin",
        ("oil",),
        True,
        True,
        5,
        START,
        START,
        START,
        None,
    )
    last = Delivery(1, 1, -100, END.date(), Period(START, END), State.SENT, 2, 8, END, END, None)
    text, _ = shown(subscription_text(sub, END + timedelta(days=1), last))
    assert text.splitlines() == [
        "Daily digest: 07:30 Europe/Berlin, news about oil.",
        "Days without news send nothing.",
        "Next: Tue 4 Jun 09:00.",
        "Last: Mon 3 Jun 09:00, sent, 8 stories.",
        "Change it with /subscribe, stop it with /unsubscribe.",
    ]
    stopped = replace(sub, active=False, keywords=("oil", "Bank of England"), stopped_reason="x")
    text, _ = shown(subscription_text(stopped, None, last))
    assert text.endswith(  # what restores it, quiet and the phrase in quotes, as typed
        "Start it again with /subscribe 07:30 Europe/Berlin oil “Bank of England” quiet."
    )
    request = parse_subscribe(resubscribe(stopped).split()[1:], "UTC", allow_target=False)
    assert (request.keywords, request.quiet) == (("oil", "Bank of England"), True)
    paused = replace(sub, paused_reason="this chat is not in NEWSBOT_ALLOWED_CHATS")
    text, _ = shown(subscription_text(paused, None, last))
    assert text == (
        "The daily digest (07:30 Europe/Berlin, news about oil) is paused: this chat is not "
        "in NEWSBOT_ALLOWED_CHATS. It resumes by itself once that changes."
    )


@pytest.mark.parametrize(
    ("words", "at", "zone", "keywords", "quiet"),
    [
        ([], DEFAULT_TIME, "UTC", (), False),
        (["07:30"], DailyTime(7, 30), "UTC", (), False),
        (
            ["7:30", "europe/london", "oil", "opec"],
            DailyTime(7, 30),
            "Europe/London",
            ("oil", "opec"),
            False,
        ),
        (["Asia/Tokyo", "18.00", "quiet"], DailyTime(18, 0), "Asia/Tokyo", (), True),
        (["Japan", "trade"], DEFAULT_TIME, "UTC", ("Japan", "trade"), False),
        (["2024", "budget"], DEFAULT_TIME, "UTC", ("2024 budget",), False),
        # a clock time and a zone after the keywords are still read as such
        (
            ["oil", "opec", "07:30", "europe/london"],
            DailyTime(7, 30),
            "Europe/London",
            ("oil", "opec"),
            False,
        ),
        (["oil", "quiet", "18.15"], DailyTime(18, 15), "UTC", ("oil",), True),
        (["oil", "Quiet"], DEFAULT_TIME, "UTC", ("oil",), True),  # in any letter case
        # a number alone is one keyword with the word before it
        (["apollo", "11", "AC/DC"], DEFAULT_TIME, "UTC", ("apollo 11", "AC/DC"), False),
        (["07:30", "apollo", "11"], DailyTime(7, 30), "UTC", ("apollo 11",), False),
        (["07:30", "Israel/Gaza"], DailyTime(7, 30), "UTC", ("Israel/Gaza",), False),
        # an offset as people write it: "GMT+2" is UTC+2, tzdata's Etc/GMT-2
        (["GMT+2"], DEFAULT_TIME, "Etc/GMT-2", (), False),
        (["07:30", "utc-5", "oil"], DailyTime(7, 30), "Etc/GMT+5", ("oil",), False),
        (["oil", "UTC+1"], DEFAULT_TIME, "Etc/GMT-1", ("oil",), False),
        # words that are no zone stay keywords, an abbreviation too where no zone stands
        (["07:00", "NATO"], DailyTime(7, 0), "UTC", ("NATO",), False),
        (["Brexit"], DEFAULT_TIME, "UTC", ("Brexit",), False),
        (["oil", "PST"], DEFAULT_TIME, "UTC", ("oil", "PST"), False),
        # an abbreviation is one in capitals: these are words
        (["wet", "markets"], DEFAULT_TIME, "UTC", ("wet", "markets"), False),
        (["08:00", "wet", "weather"], DailyTime(8, 0), "UTC", ("wet", "weather"), False),
        (["07:30", "est", "ist"], DailyTime(7, 30), "UTC", ("est", "ist"), False),
        (["boeing", "737", "1930"], DEFAULT_TIME, "UTC", ("boeing 737 1930",), False),
        # no time of day without its colon: no minute 99, no hour 19 written 0-first
        (["oil", "0799", "1930"], DEFAULT_TIME, "UTC", ("oil 0799 1930",), False),
        # what ends a time is part of it: "7:30 pm" was a digest about "pm" at 07:30
        (["7:30", "pm"], DailyTime(19, 30), "UTC", (), False),
        (["7:30", "P.M.", "oil"], DailyTime(19, 30), "UTC", ("oil",), False),
        (["07:30", "am", "oil"], DailyTime(7, 30), "UTC", ("oil",), False),
        (["12", "am"], DailyTime(0, 0), "UTC", (), False),
        (["oil", "8pm"], DailyTime(20, 0), "UTC", ("oil",), False),
        (
            ["oil", "7:30", "pm", "Europe/London"],
            DailyTime(19, 30),
            "Europe/London",
            ("oil",),
            False,
        ),
        (["19:30:00", "oil"], DailyTime(19, 30), "UTC", ("oil",), False),
        (["19:30", "hrs", "oil"], DailyTime(19, 30), "UTC", ("oil",), False),
        (["oil", "0930", "hrs"], DailyTime(9, 30), "UTC", ("oil",), False),
        (["1930", "hrs", "oil"], DailyTime(19, 30), "UTC", ("oil",), False),
        (["oil", "1930", "hrs"], DailyTime(19, 30), "UTC", ("oil",), False),
        # "hours" ends a time of minutes only: these are keywords
        (["strike", "24", "hours"], DEFAULT_TIME, "UTC", ("strike 24", "hours"), False),
        (["07:30", "oil", "3", "hrs"], DailyTime(7, 30), "UTC", ("oil 3", "hrs"), False),
        # an offset after keywords is one more keyword, as an abbreviation is
        (["07:30", "oil", "-5"], DailyTime(7, 30), "UTC", ("oil", "-5"), False),
    ],
)
def test_subscribe_words(
    words: list[str], at: DailyTime, zone: str, keywords: tuple[str, ...], quiet: bool
) -> None:
    request = parse_subscribe(words, "UTC", allow_target=False)
    assert (request.at, request.timezone, request.keywords, request.quiet, request.target) == (
        at,
        zone,
        keywords,
        quiet,
        None,
    )


def test_subscribe_words_name_a_channel_only_where_allowed() -> None:
    assert parse_subscribe(["@morningbrief", "08:00"], "UTC", True).target == "@morningbrief"
    assert parse_subscribe(["-1001234567", "oil"], "UTC", True).target == "-1001234567"
    assert parse_subscribe(["@morningbrief"], "UTC", False).keywords == ("@morningbrief",)


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        (["25:00"], "'25:00' is not a time of day: use HH:MM on a 24-hour clock"),
        (["13", "pm"], "'13pm' is not a time of day: on a 12-hour clock the hour runs from 1"),
        (["19:30:15"], "'19:30:15' is not a time of day: a digest is set to the minute"),
        (["24:00"], "'24:00' is not a time of day: a digest at midnight is at 00:00"),
        # an offset or an abbreviation after a time was a keyword, the time kept in UTC
        (["07:30", "+05:45"], "'\\+05:45' is an offset, not a time zone: .* Asia/Kathmandu"),
        (["07:30", "-0500", "oil"], "'-0500' is an offset, not a time zone"),
        (["oil", "07:30", "+01:00"], "'\\+01:00' is an offset"),
        (["+05:45", "oil"], "'\\+05:45' is an offset"),
        (["07:30", "NPT"], "'NPT' is an abbreviation, not a time zone: .* Asia/Kathmandu"),
        (["07:30", "IRST"], "'IRST' is an abbreviation, not a time zone: .* Asia/Tehran"),
        (["08:00", "Europe/Atlantis"], "unknown time zone 'Europe/Atlantis'"),
        (
            ["07:30", "Eurpoe/London"],
            "unknown time zone 'Eurpoe/London': did you mean Europe/London\\?",
        ),
        # an abbreviation or a time without its colon was a keyword: "EST" at 07:30 UTC
        (["07:30", "EST"], "'EST' is an abbreviation, not a time zone: .* America/New_York"),
        (["08:00", "CET"], "'CET' is an abbreviation, not a time zone"),
        (["CST", "oil"], "'CST' is an abbreviation, not a time zone"),
        (["oil", "07:30", "PDT"], "'PDT' is an abbreviation, .* America/Los_Angeles"),
        (["oil", "07:30", "Europe/Londn"], "did you mean Europe/London"),
        (["UTC+5:30"], "offsets run in whole hours"),
        (["0730"], "'0730' is not a time of day: use HH:MM on a 24-hour clock, e.g. 07:30"),
        # after keywords it was one more: a digest about "oil" and "0730" at 08:00
        (["oil", "0730"], "'0730' is not a time of day: use HH:MM on a 24-hour clock, e.g. 07:30"),
        (["oil", "opec", "0000"], "'0000' is not a time of day: .* e.g. 00:00"),
        (["07:30", "oil", "0959"], "two times given, 07:30 and '0959'"),
        (["the", "of"], "only very common words"),
        # a number alone: every article that says "11%" or "Chapter 11"
        (["07:30", "11"], "'11' alone would match any article with that number in it"),
        # a second time or zone was a keyword: a digest about "08:30", never sent
        (["07:30", "08:30"], "two times given, 07:30 and '08:30': a digest comes once a day"),
        (["07:30", "oil", "08:30"], "two times given"),
        (["Europe/London", "Europe/Paris"], "two time zones given, Europe/London and"),
        (["zebra"] * 21, "a digest takes at most 20 keywords of 300 characters in all"),
        (["x" * 301], "a digest takes at most 20 keywords"),
    ],
)
def test_bad_subscribe_words_are_explained_with_an_example(words: list[str], problem: str) -> None:
    with pytest.raises((ScheduleError, DigestError), match=problem) as refused:
        parse_subscribe(words, "UTC", allow_target=False)
    text, _ = shown(usage(str(refused.value)))
    assert "Example: /subscribe 07:30 Europe/London oil opec" in text


def test_what_was_typed_is_quoted_back_in_part() -> None:
    """An error repeated every typed character: 4,000 of them were over Telegram's limit."""
    for words in (["the"] * 20, ["08:00", "Europe/" + "x" * 4000], ["9:" + "0" * 4000]):
        with pytest.raises((ScheduleError, DigestError)) as refused:
            parse_subscribe(words, "UTC", allow_target=False)
        assert len(str(refused.value)) < 300, str(refused.value)
        assert "…'" in str(refused.value) or len(" ".join(words)) < 60


def test_keywords_stored_before_the_cap_are_shown_in_part() -> None:
    """A subscription of 700 keywords, stored before they were capped, made its notices and
    /subscription longer than a message, so they failed every day."""
    keywords = tuple(f"zebra{n}" for n in range(700))
    empty = Digest(START, END, (), keywords)
    text, _ = shown(nothing_new(empty, BERLIN))
    assert "zebra19 and 680 more since" in text
    sub = Subscription(
        1, -100, "supergroup", "Desk", DailyTime(7, 30), "Europe/Berlin", keywords,
        True, True, 5, START, START, START, None,
    )  # fmt: skip
    text, _ = shown(subscription_text(sub, END, None))
    assert "news about zebra0, zebra1" in text and "and 680 more." in text
    text, _ = shown(subscribed(sub, END))
    assert "and 680 more" in text


def test_a_digest_of_megabyte_headlines_and_extracts_is_bounded() -> None:
    huge = "harbour crane " * 400_000
    outlets = tuple(f"Outlet {n}" for n in range(500))
    items = tuple(
        DigestItem(huge, "https://x.example", huge, outlets, (n,), END) for n in range(10)
    )
    digest = Digest(START, END, items, (), 40, 10)
    messages = digest_messages(digest, BERLIN)
    assert 1 < len(messages) <= MAX_REPLY_MESSAGES
    for message in messages:
        assert utf16_len(check_message_text(message, "HTML", None, strict=True).text) <= 4096
    assert "Outlet 9 and 490 more" in "".join(messages)
    named = tuple(f"The Harbour Crane Operators' Weekly Gazette {n} " * 5 for n in range(500))
    items = tuple(DigestItem(huge, None, huge, named, (n,), END) for n in range(10))
    texts = [shown(m)[0] for m in digest_messages(Digest(START, END, items, (), 40, 10), BERLIN)]
    assert len(texts) <= 5 and "10. harbour crane" in texts[-1]  # every story, none left out
