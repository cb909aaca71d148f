"""`newsbot ask`'s answers as printed: a JSON line each (`--json`, fields in ANSWER_FIELDS'
order), or text for a terminal, clipped as the bot clips it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from bot.bounds import AUTHORS_SHOWN, NAME_CHARS, QUOTE_CHARS, TITLE_CHARS, clip, some_of
from bot.cli.ask_requests import ANSWER_FIELDS, BadLine, Request
from bot.cli.common import text_block
from bot.times import date_shown, iso_text, published_text, stored_field
from retrieval.models import Attribution, Passage
from retrieval.quotes import PARAGRAPH_BREAK
from retrieval.search_result import SearchResult

# A quote's next line, after a paragraph's break: indented under it, as its source line is
QUOTE_LINE = "\n   "


def result_json(request: Request, result: SearchResult, zone: tzinfo) -> dict[str, Any]:
    """The answer as data, echoing the question and its moment as asked (`as_of_moment`:
    the moment read from it, in UTC; null, as `as_of`, for now)."""
    as_of = request.as_of
    out: dict[str, Any] = {
        "question": request.question,  # as asked, not as searched (spaces run together)
        "as_of": as_of.given if as_of else None,
        "as_of_moment": as_of.utc if as_of else None,
        "results": [passage_json(p) for p in result.passages],
    }
    if result.named is not None:  # answered as of the time the question names
        out["named_time"] = {
            "words": result.named.words,
            "as_of_moment": iso_text(result.named.moment),
        }
    if result.later is not None:  # a time named after the moment answered as of: told
        out["named_after_as_of"] = {
            "words": result.later.named.words,
            "begins": iso_text(result.later.named.begins),
        }
    if result.no_such_day is not None:  # a day named that is none: "February 30, 2022"
        out["no_such_day"] = {"words": result.no_such_day.words}
    if result.recent is not None:  # a recent span asked about that every passage is older than
        out["nothing_recent"] = {
            "words": result.recent.words,
            "since": iso_text(result.recent.since),
            "newest": iso_text(result.recent.newest),
        }
    if result.unmatched:  # the question's words no stored article holds
        out["unmatched"] = list(result.unmatched)
    if result.respelt:  # ... and the spellings of them that articles hold: "Did you mean"
        out["did_you_mean"] = list(result.respelt)
    if result.other_scripts:  # ... all of them, in scripts it holds next to no text in
        out["other_scripts"] = list(result.other_scripts)
    if result.off_topic:  # the answer ends early: the rest match only these words
        out["off_topic"] = list(result.off_topic)
    if result.cut_at is not None:  # the characters searched of a question too long
        out["cut_at"] = result.cut_at
    if result.linked:  # a question of links only, to stored articles: their leads
        out["linked"] = list(result.linked)
    why = result.why_none(zone)
    if why:
        out["message"] = why
    return answer_line(request.extra, out)


def answer_line(extra: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """An output line: the request's other fields (an "id"), then `fields` in the order of
    ANSWER_FIELDS, the only names newsbot writes, and that no request field echoed has (a
    line that gave two is refused for one, and echoes the rest)."""
    own = {name: value for name, value in extra.items() if name not in ANSWER_FIELDS}
    return {**own, **{name: fields[name] for name in ANSWER_FIELDS if name in fields}}


def passage_json(passage: Passage) -> dict[str, Any]:
    a = passage.article
    return {
        "rank": passage.rank,
        "score": passage.score,
        "quote": passage.quote,
        "article": {
            "id": a.id,
            "title": a.headline,  # as shown: the stored title without its outlet's name
            "source": a.source,
            "authors": list(a.authors),
            "published": published_text(a.published),
            **stored_field(a.stored_ahead),
            "url": a.url,
        },
    }


def _linked_told(articles: Sequence[Attribution]) -> str:
    """The note over the openings of the stored articles a question of links only names
    (`SearchResult.notes`): which they are (a terminal has no button to send one whole)."""
    named = "; ".join(f"article {a.id}, “{a.headline}”" for a in articles)
    which = "That link is a stored article" if len(articles) == 1 else "Those links are stored"
    return (
        f"{which} ({named}): its opening is below. Ask about the story in words to get the "
        "passages that answer you."
    )


def render_text(result: SearchResult, color: bool, zone: tzinfo) -> str:
    """The answer for a terminal, quotes and names clipped as the bot clips them, so a
    sentence stored whole before sentences were bounded prints a screenful, not megabytes."""
    if not result.passages:
        return result.why_none(zone) or "No answer."
    blocks: list[str] = []
    blocks.extend(result.notes(_linked_told))  # an earlier time named, words nothing holds
    for passage in result.passages:
        quote = clip(passage.quote, QUOTE_CHARS)
        if color:
            shown = len(quote) if quote == passage.quote else len(quote) - 1  # not the "…"
            for start, end in reversed(passage.highlights):
                if start < shown:
                    end = min(end, shown)
                    quote = f"{quote[:start]}\033[1m{quote[start:end]}\033[0m{quote[end:]}"
        quote = quote.replace(PARAGRAPH_BREAK, QUOTE_LINE)
        a = passage.article
        parts = (
            clip(a.headline, TITLE_CHARS),
            clip(a.source or "", NAME_CHARS),
            some_of(a.authors, AUTHORS_SHOWN),
            clip(date_shown(a, zone), NAME_CHARS),
            f"article {a.id}",  # what `newsbot remove` takes
        )
        source = " · ".join(part for part in parts if part)
        blocks.append(
            text_block(f"{passage.rank}. “{quote}”", f"   — {source}", a.url and f"     {a.url}")
        )
    return "\n\n".join(blocks)


def bad_line_json(bad: BadLine) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "question": bad.echo.get("question"),
        "as_of": bad.echo.get("as_of"),
        "as_of_moment": bad.echo.get("as_of_moment"),
        "line": bad.line,
        "error": bad.error,
        "results": [],
    }
    return answer_line(bad.extra, fields)
