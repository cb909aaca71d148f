"""Publication dates: parse what inputs give us into ISO 8601, and back into Unix time."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from retrieval.errors import ParseError
from retrieval.wording import json_kind, quoted

# A weekday may lead a spelled date, as in feeds ("Mon, 08 Nov 2021", "Do, 03 Dez 2026",
# "jeudi 3 décembre 2026"); in any language, it is not checked.
_WEEKDAY = r"(?:[^\W\d_]{2,12}\.?[,،]?\s+)?"
# A month's name is one word, or two in Arabic ("كانون الثاني", January where the Levant
# names months; "آب", August, has two letters)
_MONTH_NAME = r"(?P<month>[^\W\d_]{2,12}(?:\s+ال[^\W\d_]{3,8})?)\.?"
_MONTH_DAY_YEAR = re.compile(
    rf"^{_WEEKDAY}{_MONTH_NAME}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})$"
)
# "3 Dec 2026", "3. Dezember 2026", "1er décembre 2026", "3 de diciembre de 2026",
# "3 декабря 2026 г.", "3 grudnia 2026 r.", "3 ديسمبر 2026م"
_DAY_MONTH_YEAR = re.compile(
    rf"^{_WEEKDAY}(?P<day>\d{{1,2}})(?:\.|er|º|ª)?\s+(?:de\s+)?{_MONTH_NAME}[,،]?\s+(?:de\s+)?"
    r"(?P<year>\d{4})(?:\s*(?:г\.|года|r\.|م))?$"
)
_SLASHED = re.compile(r"^(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})$")  # 2024/12/03
# Chinese and Japanese "2026年12月3日", Korean "2026년 12월 3일"
_CJK = re.compile(
    r"^(?P<year>\d{4})\s*[年년]\s*(?P<month>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日일]$"
)
# Each month's names, full and short, in the languages whose dates newsbot reads: English,
# German, French, Spanish, Italian, Portuguese, Dutch, Turkish, Russian and Polish (these
# two as a date writes them, "3 декабря", "3 grudnia", and alone, "декабрь"), and Arabic
# (Egypt's and the Gulf's names, "ديسمبر", and the Levant's and Iraq's, "كانون الأول"; "_"
# joins a name's two words). No name is two months in two of them, so no language need be
# known.
_MONTH_NAMES = (
    "january jan januar jänner jän janvier janv enero ene gennaio gen janeiro januari ocak oca"
    " января январь янв stycznia styczeń sty"
    " يناير كانون_الثاني",
    "february feb februar février févr fevr febrero febbraio fevereiro fev februari şubat şub"
    " февраля февраль фев lutego luty lut"
    " فبراير شباط",
    "march mar märz maerz mär mars marzo março marco maart mrt mart марта март marca marzec"
    " مارس آذار",
    "april apr avril avr abril abr aprile nisan nis апреля апрель kwietnia kwiecień kwi"
    " أبريل إبريل نيسان",
    "may mai mayo maggio mag maio mei mayıs мая май maja maj مايو أيار",
    "june jun juni juin junio giugno giu junho haziran haz июня июнь czerwca czerwiec cze"
    " يونيو يونيه حزيران",
    "july jul juli juillet juil julio luglio lug julho temmuz tem июля июль lipca lipiec lip"
    " يوليو يوليه تموز",
    "august aug août aout agosto ago augustus ağustos ağu августа август авг sierpnia"
    " sierpień sie"
    " أغسطس آب",
    "september sep sept septembre septiembre setiembre settembre set setembro eylül eyl"
    " сентября сентябрь сен сент września wrzesień wrz"
    " سبتمبر أيلول",
    "october oct oktober okt octobre octubre ottobre ott outubro out ekim eki октября"
    " октябрь окт października październik paź"
    " أكتوبر تشرين_الأول",
    "november nov novembre noviembre novembro kasım kas ноября ноябрь ноя нояб listopada"
    " listopad lis"
    " نوفمبر تشرين_الثاني",
    "december dec dezember dez décembre déc diciembre dic dicembre dezembro aralık ara"
    " декабря декабрь дек grudnia grudzień gru"
    " ديسمبر كانون_الأول",
)


def _month_key(name: str) -> str:
    """How a month's name is looked up: lower case, one space between words, and Arabic's
    alef with a hamza or madda as the bare alef, which is how many sites write it ("ابريل",
    "اذار")."""
    return " ".join(name.split()).lower().translate(_BARE_ALEF)


_BARE_ALEF = str.maketrans("أإآ", "ااا")
_MONTHS = {
    _month_key(name.replace("_", " ")): number
    for number, names in enumerate(_MONTH_NAMES, start=1)
    for name in names.split()
}
# A question's months are English ones (`month_number`): "out", "set" and "mai" are words
_ENGLISH = (
    "january jan february feb march mar april apr may june jun july jul august aug"
    " september sep sept october oct november nov december dec"
)
_ENGLISH_MONTHS = {name: _MONTHS[name] for name in _ENGLISH.split()}


# What a date may be given as, for messages that refuse one.
ACCEPTED = (
    "use ISO 8601 (2024-11-25, 2024-11-25T08:30:00Z), RFC 2822 (Mon, 25 Nov 2024 08:30:00 "
    "+0000), 2024/11/25, 25/11/2024, 25.11.2024, 2024年11月25日, Nov 25, 2024 or 25 Nov 2024 "
    "(the month in English, German, French, Spanish, Italian, Portuguese, Dutch, Turkish, "
    "Russian, Polish or Arabic), with a time or not (8:30 PM, 18:00 Uhr, 18h30), or Unix "
    "seconds (1732523400)"
)
# Unix time read from a number: seconds of 9 or 10 digits (1973-03-03 to 2286-11-20), or
# milliseconds of 13 (2001-09-09 to 2286), as JavaScript's Date.now() and many exports write
# it. A number of other sizes says nothing sure: 20211108 is a date written without dashes,
# or seconds into 1970; 202111081230 a date and time so written, or milliseconds of 1976.
_UNIX_SECONDS = (10**8, 10**10)
_UNIX_MILLISECONDS = (10**12, 10**13)
_NUMBER = re.compile(r"^\d{1,16}(?:\.\d{1,9})?$")  # longer: no Unix time, nor for int()
# Day and month as numbers, in either order, then the year: 08/11/2021 is 8 November in
# London, 11 August in New York, and is refused; 13/6/2023 and 6/13/2023 can only be 13 June.
# With dots the day comes first wherever dates are so written (German, Russian, Turkish,
# Polish...): 03.12.2026 is 3 December; 12.31.2026, which is no date day first, 31 December.
_NUMERIC_DATE = re.compile(
    r"^(?P<first>\d{1,2})(?P<mark>[/.-])(?P<second>\d{1,2})(?P=mark)(?P<year>\d{4}|\d{2})$"
)
# The word a language sets before a time of day: "at 6pm", "um 18:00 Uhr", "à 18h30",
# "a las 18:00", "alle ore 18:00", "às 18h00", "om 18:00 uur", "в 18:00", "saat 18:00",
# "الساعة 18:00". French and Portuguese write 18h30, or 18h for the hour alone.
_AT = r"(?:at|um|à|a\s+las?|alle(?:\s+ore)?|às|om|в|saat|الساعة)"
# A date with its time of day: the date as `_calendar_day` reads it ("June 6, 2023",
# "Tue, 6 Jun 2023", "2023-06-06", "13/6/2023"), then a 24-hour clock or a 12-hour one with
# AM or PM ("6:00 p.m.", "11 PM"), then the zone, if any: an offset ("+0200", "-05:00"), a
# name RFC 2822 gives one (`_ZONE_NAMES`), or JavaScript's Date.toString() "GMT+0200
# (Central European Summer Time)". The email module's parser, which read these before,
# takes the first five words and passes over the rest: "11:30 PM" was 11:30, "18:00 BST"
# 18:00 UTC.
_DATE_AND_TIME = re.compile(
    rf"^(?P<date>.+?)(?:[,،]?\s+(?:{_AT}\s+)?|T)"
    r"(?P<hour>\d{1,2})(?:(?::|\s?h\s?)(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,9})?)?)?"
    r"(?:\s*(?P<unit>Uhr|uur|h)\b)?"
    r"(?:\s*(?P<half>[ap])\.?\s?m\b\.?)?"
    r"(?:\s*(?:GMT|UTC|UT)?(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})"
    r"|\s*(?P<z>Z)|\s+(?P<name>[A-Z]{1,5}))?"
    r"(?:\s+\([^()]*\))?$",
    re.IGNORECASE,
)
# The zones RFC 2822 names (US ones; "Z" is UTC), and Atlantic time, which Python's email
# module reads too. Other names are refused, never taken for UTC: "BST" is British summer
# time or Bangladesh's, "IST" Indian, Irish or Israeli.
_ZONE_NAMES = {
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AST": -4,
    "ADT": -3,
    # Central European time, in German feeds' own letters too: one zone each, +1 and +2
    "CET": 1,
    "CEST": 2,
    "MEZ": 1,
    "MESZ": 2,
}

# The marks of writing direction (LRM, RLM, Arabic's ALM) that right-to-left pages set
# around a date's numbers: they show nothing and part nothing
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c]")
# ISO 8601's 24:00, the end of a day ("2024-06-01T24:00:00Z"), which Python does not read
_END_OF_DAY = re.compile(
    r"^(?P<day>\d{4}-\d{2}-\d{2}|\d{8})(?P<sep>[Tt ])24(?P<rest>(?::?00){0,2}(?:[.,]0+)?)"
    r"(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_published(value: object, zone: tzinfo = UTC) -> str | None:
    """Normalize a published date to ISO 8601: `YYYY-MM-DD`, or a UTC datetime with offset.

    Accepts ISO 8601 dates and datetimes (a time that names no zone is taken as in `zone`:
    an archive's own times are its owner's, NEWSBOT_TIMEZONE), "YYYY/MM/DD", "YYYY年MM月DD日",
    "Month D, YYYY" and "D Month YYYY" (months named as `_MONTH_NAMES` gives them: "3.
    Dezember 2026", "3 de diciembre de 2026", "3 كانون الأول 2026"), day and month as
    numbers where only one order makes a date ("13/6/2023") or day first with dots
    ("03.12.2026"), in digits of any script, each with a time of day or not
    (`_DATE_AND_TIME`: "June 6, 2023 11:30 PM", "3. Dezember 2026 um 18:00 Uhr", "3
    décembre 2026 à 18h30"), the RFC 2822 dates of feeds and mail ("Mon, 08 Nov 2021
    09:30:00 +0100", "... GMT", "... EST"), which dumps of feeds keep, and Unix time, as a
    number or a string of digits: seconds, or milliseconds where the number's size says so
    (`_unix_time`). A date without a time, in any of these forms, is a bare date
    (`date_only`). Raises ParseError naming the value and what is accepted for anything
    else, such as "08/11/2021", whose day and month could be either way round, or a time in
    a zone it cannot place ("18:00 BST").
    """
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _unix_time(value, repr(value))
    if not isinstance(value, str):
        raise ParseError(f"published must be a string or a number, got {json_kind(value)}")
    text = ascii_digits(value).strip()
    day = _calendar_day(text, value)
    if day is not None:
        return day.isoformat()
    if _NUMBER.match(text):
        return _unix_time(float(text) if "." in text else int(text), quoted(value))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        if (advice := end_of_day_advice(text)) is not None:
            raise ParseError(f"published {quoted(value)} is not a date: {advice}") from None
        moment = _date_and_time(text, value)
    if moment.tzinfo is None:
        moment = _in_zone(moment, zone)
    try:
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    except OverflowError:  # 0001-01-01T00:30+01:00 is before year 1 in UTC
        raise ParseError(f"published {quoted(value)} is out of range") from None


def end_of_day_advice(text: str) -> str | None:
    """What to write for `text`, an ISO date and time at 24:00 (ISO 8601's end of a day,
    which Python's reader, and so newsbot's, does not take): the next day's 00:00, in the
    same form ("2024-06-02T00:00:00Z" for "2024-06-01T24:00:00Z"). Said alike by `ingest`
    and `--as-of` (`bot.times.moment_of`), which told only the forms a date may take. None
    for any other text."""
    match = _END_OF_DAY.match(text.strip())
    if match is None:
        return None
    try:
        day = date.fromisoformat(match["day"]) + timedelta(days=1)
    except (ValueError, OverflowError):  # no such day, or 9999-12-31 (no day after it)
        return None
    shown = day.isoformat() if "-" in match["day"] else f"{day.year:04d}{day:%m%d}"
    meant = f"{shown}{match['sep']}00{match['rest']}{match['offset'] or ''}"
    return f"write 24:00 as the next day's 00:00, {meant}"


def ascii_digits(text: str) -> str:
    """`text` with its digits of other scripts (Arabic-Indic "٢٠٢٦", fullwidth "２０２６") in
    ASCII ones, which the forms read are written in, and without the marks of writing
    direction around them. Dates ingested and dates given on the command line (`--as-of`,
    `digest --since`: `bot.times.moment_of`) are read through it alike."""
    if text.isascii():
        return text
    text = _DIRECTION_MARKS.sub("", text)
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def _in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """A time that names no zone, in `zone`; in UTC where `zone` would put it before year 1
    or after 9999 (.NET's placeholder 0001-01-01T00:00:00 east of UTC): no date to fail an
    article for."""
    local = moment.replace(tzinfo=zone)
    try:
        local.astimezone(UTC)
    except OverflowError:
        return moment.replace(tzinfo=UTC)
    return local


def _not_a_date(value: str) -> ParseError:
    return ParseError(f"published {quoted(value)} is not a date: {ACCEPTED}")


def _calendar_day(text: str, value: str) -> date | None:
    """The day `text` names without a time, or None if it names none; ParseError when its
    day and month are numbers either of which could be the month (`_numeric_day`)."""
    day = date_only(text)
    return date.fromisoformat(day) if day is not None else _numeric_day(text, value)


def _numeric_day(text: str, value: str) -> date | None:
    """The day of "13/6/2023" or "6/13/2023", whose day and month can be told apart as only
    one of them is 12 or less (or both are the same), or of "03.12.2026", day first as
    always with dots where that makes a date ("12.31.2026" is 31 December); None if `text`
    is not so written or no order makes a date. ParseError when both orders do
    ("08/11/2021": 8 November in London, 11 August in New York), or the year has two digits
    (1921 or 2021)."""
    match = _NUMERIC_DATE.match(text)
    if match is None:
        return None
    first, second = int(match["first"]), int(match["second"])
    year = int(match["year"]) if len(match["year"]) == 4 else 2000  # a leap year, as 19xx
    orders = [_day(year, second, first)]  # day first
    if match["mark"] != "." or orders[0] is None:  # dots: day first where that is a date
        orders.append(_day(year, first, second))  # ("12.31.2026": only month first is)
    days = {day for day in orders if day}
    if len(days) > 1:
        raise ParseError(
            f"published {quoted(value)} is ambiguous: its day and month could be either way "
            f"round; {ACCEPTED}"
        )
    if days and len(match["year"]) == 2:
        raise ParseError(
            f"published {quoted(value)} gives its year in two digits: write all four; {ACCEPTED}"
        )
    return days.pop() if days else None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_and_time(text: str, value: str) -> datetime:
    """The moment `text` writes as a date and a time of day (`_DATE_AND_TIME`), naive if it
    names no zone; ParseError if it writes none, or one that is not so (13 PM, a zone
    named that is not in `_ZONE_NAMES`)."""
    match = _DATE_AND_TIME.match(text)
    if match is None or (match["minute"] is None and match["half"] is None and not match["unit"]):
        # "June 6, 2023 18": no clock; "18h", "18 Uhr" are one
        raise _not_a_date(value)
    day = _calendar_day(match["date"], value)
    if day is None:
        raise _not_a_date(value)
    hour = int(match["hour"])
    if match["half"] is not None:
        half = f"{match['half'].upper()}M"
        if not 1 <= hour <= 12:
            raise ParseError(
                f"published {quoted(value)} is not a time: {hour} {half} is no hour of a "
                "12-hour clock, whose hours run 1 to 12"
            )
        hour = hour % 12 + (12 if half == "PM" else 0)  # 12 AM is midnight, 12 PM noon
    try:
        clock = time(hour, int(match["minute"] or 0), int(match["second"] or 0))
    except ValueError:
        raise _not_a_date(value) from None
    return datetime.combine(day, clock, _written_zone(match, value))


def has_time_of_day(text: str) -> bool:
    """Whether `text` is written as a date with a time of day (`_DATE_AND_TIME`), read by
    `parse_published` or refused by it: where it refuses one (a zone it cannot place, "13
    PM"), a lenient reader such as feedparser reads it wrong."""
    return _DATE_AND_TIME.match(text.strip()) is not None


def _written_zone(match: re.Match[str], value: str) -> tzinfo | None:
    """The zone a `_DATE_AND_TIME` match names, or None if it names none."""
    if match["z"] is not None:
        return UTC
    if match["name"] is not None:
        hours = _ZONE_NAMES.get(match["name"].upper())
        if hours is None:
            raise ParseError(
                f"published {quoted(value)} names its zone {match['name']!r}, which newsbot "
                "does not read (such letters may name more than one zone): give its offset "
                f"instead, as in +0100; {ACCEPTED}"
            )
        return timezone(timedelta(hours=hours))
    if match["sign"] is None:
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"])
    if hours > 23 or minutes > 59:
        raise _not_a_date(value)
    offset = timedelta(hours=hours, minutes=minutes)  # -0000: UTC, its own zone unknown
    return timezone(-offset if match["sign"] == "-" else offset)


def _unix_time(number: float, shown: str) -> str:
    """The UTC moment of Unix seconds, or milliseconds, by the number's size; ParseError
    for a number that is neither for sure (see _UNIX_SECONDS). 0 is the epoch, a date never
    set, which the caller stores as none (`is_placeholder`), as it does "1970-01-01"."""
    if _UNIX_MILLISECONDS[0] <= number < _UNIX_MILLISECONDS[1]:
        number /= 1000
    elif number != 0 and not _UNIX_SECONDS[0] <= number < _UNIX_SECONDS[1]:
        raise ParseError(
            f"published {shown} is not a date: a number is read as Unix seconds (9 or 10 "
            f"digits) or milliseconds (13); {ACCEPTED}"
        )
    return datetime.fromtimestamp(number, UTC).isoformat(timespec="seconds")


def date_only(text: str) -> str | None:
    """The ISO form of a date that has no time of day, or None if `text` is not one: ISO 8601
    in any form ("2021-11-08", "20211108", "2021-W45-1"), "2021/11/08", "Nov 8, 2021",
    "Mon, 08 Nov 2021". Such a date is kept bare, never made midnight UTC, which is the day
    before west of UTC (see BARE_DATE_HOUR)."""
    text = text.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        day = _spelled_date(text)
        return day.isoformat() if day is not None else None


def _spelled_date(text: str) -> date | None:
    slashed = _SLASHED.match(text) or _CJK.match(text)
    if slashed:
        try:
            return date(int(slashed["year"]), int(slashed["month"]), int(slashed["day"]))
        except ValueError:
            return None
    match = _MONTH_DAY_YEAR.match(text) or _DAY_MONTH_YEAR.match(text)
    if not match:
        return None
    month = _MONTHS.get(_month_key(match["month"]))
    if month is None:
        return None
    try:
        return date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def spelled_date(text: str) -> str | None:
    """ISO form of a "Month D, YYYY" or "D Month YYYY" date, or None if it is not one."""
    parsed = _spelled_date(text.strip())
    return parsed.isoformat() if parsed else None


# When in its day a bare date ("2024-11-25") counts from: 10:00 UTC is that same calendar day
# in every zone from UTC-10 (Hawaii) to UTC+13:59 (New Zealand's summer, Tonga, Samoa); only
# UTC-11 and UTC+14, a few islands, see the day before or after. Midnight UTC is the day
# before west of UTC, so in New York an article dated the 25th would be "published" by the
# 24th: quoted as of the 24th, in the 24th's digest, and the last day of `stats`; noon UTC is
# the day after in New Zealand.
BARE_DATE_HOUR = 10


def to_timestamp(published: str | None) -> float | None:
    """Unix time of a normalized published value; a bare date from BARE_DATE_HOUR UTC."""
    if not published:
        return None
    if len(published) == 10:
        day = datetime.fromisoformat(published).replace(hour=BARE_DATE_HOUR, tzinfo=UTC)
        return day.timestamp()
    return datetime.fromisoformat(published).timestamp()


def stored_ahead(published: str | None, counted_from: float | None) -> datetime | None:
    """When an article was stored, where that is the time it counts from although it is
    dated: its date lies ahead of then by a day at most (`store.counts_from`), so the time is
    no publication time, and every place that shows it says "stored" (a digest, an answer).
    An answer as of 01:00 showed an article dated 20:12 that day. None for any other article:
    undated, counted from its date, or of a date not read."""
    if not published or counted_from is None:
        return None
    try:
        dated = to_timestamp(published)
    except (ValueError, OverflowError):
        return None
    if dated is None or dated <= counted_from:
        return None
    return datetime.fromtimestamp(counted_from, UTC)


# How near the Unix epoch a date stands for none: a timestamp of 0 written as a time of any
# zone's clock (1970-01-01T00:00:00 read in NEWSBOT_TIMEZONE), or the bare day
_EPOCH_SLACK = 14 * 3600


def is_placeholder(published: str | None) -> bool:
    """Whether a normalized published value is a date that stands for none: 1 January of year
    1 (.NET's DateTime.MinValue, 0001-01-01T00:00:00, which serializers write for a date
    never set, read in any zone) or the Unix epoch (a timestamp of 0), give or take a zone's
    offset. Stored as dates, they showed as "0001-01-01 00:00 LMT" and sorted as the oldest
    news of all. Other days of year 1 are dates, as `ask --as-of` reads them."""
    if not published:
        return False
    if published.startswith("0001-01-01"):
        return True
    moment = to_timestamp(published)
    return moment is not None and abs(moment) <= _EPOCH_SLACK


def month_number(name: str) -> int | None:
    """1-12 for a month's English name or its abbreviation ("Sept", "dec"), else None."""
    return _ENGLISH_MONTHS.get(name.lower().rstrip("."))
