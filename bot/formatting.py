"""Everything the bot shows, as Telegram HTML: answers, articles, lists, buttons, notices.

Telegram's rules, kept here and nowhere else: only its tags (`b`, `a`, `blockquote`, ...),
every `<`, `>` and `&` of text escaped, no `a` inside `a` or `blockquote` inside `blockquote`,
and at most 4096 characters per message after entity parsing. We count that length in UTF-16
code units, which is never less than the code points Telegram counts, so a message within our
count is within theirs. Long text is split between whole tags, entities and grapheme parts,
with open tags closed at the end of one message and reopened at the start of the next.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from retrieval.models import Attribution, Passage

MAX_MESSAGE_LENGTH = 4096
MAX_ARTICLE_MESSAGES = 8  # a longer article ends with a link to the rest, not a flood
INLINE_DESCRIPTION_CHARS = 180

# Callback data of the buttons under an answer (Telegram allows 1-64 bytes).
MORE, FULL, VOTE = "more", "full", "vote"


def escape(text: str) -> str:
    """Text safe between tags: `&`, `<` and `>` as entities (quotes may stay)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    """Text safe inside a double-quoted attribute such as `href`."""
    return escape(text).replace('"', "&quot;")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


# ----- units of markup: a tag, an entity or one character, never split ----------------------

_UNIT = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass(frozen=True, slots=True)
class _Unit:
    raw: str
    text: str  # what Telegram shows for it: "" for a tag
    opens: str | None = None  # tag name, for an opening tag
    closes: str | None = None  # tag name, for a closing tag
    size: int = 0  # UTF-16 length of text

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", utf16_len(self.text))


@functools.lru_cache(maxsize=8192)  # text repeats its characters: parse each once
def _unit(raw: str) -> _Unit:
    if raw.startswith("<") and len(raw) > 1:
        match = _TAG.match(raw)
        if match:
            name = match.group(2).lower()
            return _Unit(raw, "", None, name) if match.group(1) else _Unit(raw, "", name)
    if raw.startswith("&") and len(raw) > 1:
        body = raw[1:-1]
        try:
            if body.startswith("#x"):
                return _Unit(raw, chr(int(body[2:], 16)))
            if body.startswith("#"):
                return _Unit(raw, chr(int(body[1:])))
        except (ValueError, OverflowError):
            return _Unit(raw, raw)
        return _Unit(raw, _NAMED.get(body, raw))
    return _Unit(raw, raw)


def _units(markup: str) -> list[_Unit]:
    return [_unit(match.group()) for match in _UNIT.finditer(markup)]


def visible_text(markup: str) -> str:
    """The text Telegram shows for `markup`: tags removed, entities decoded."""
    return "".join(unit.text for unit in _units(markup))


def visible_length(markup: str) -> int:
    """Length of `markup` after entity parsing, in UTF-16 code units."""
    return utf16_len(visible_text(markup))


def _joins_previous(char: str) -> bool:
    """A character that belongs to the grapheme before it (accent, ZWJ, selector, skin tone)."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or code == 0x200D
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F  # tag characters of flag sequences
    )


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _break_rank(before: str, after: str) -> int:
    """How good a place between two visible characters is to end a message; -1: never."""
    if not before or not after:
        return 0
    last = before[-1]
    if last.isascii() and after[0].isascii() and not last.isspace():
        return 0  # the common case, decided without unicodedata
    if _joins_previous(after[0]) or before[-1] == "\u200d":
        return -1
    if _is_regional(before[-1]) and _is_regional(after[0]):
        return -1
    if before.endswith("\n\n"):
        return 4
    if before.endswith("\n"):
        return 3
    if before.endswith((". ", "! ", "? ", "… ", ".” ")):
        return 2
    if before[-1].isspace():
        return 1
    return 0


@dataclass(frozen=True, slots=True)
class _Cut:
    end: int  # unit index the message ends before
    open_tags: tuple[_Unit, ...]  # tags open at that point
    rank: int
    length: int


def split_html(markup: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split `markup` into messages of at most `limit` UTF-16 units of visible text each.

    Each message is valid on its own: tags open at a cut are closed before it and reopened
    after it. Cuts prefer paragraph ends, then line ends, sentence ends and spaces (within the
    last three quarters of a message), and never fall inside a tag, an entity or a grapheme
    (an emoji with its modifiers, a letter with its accents). Whitespace at the start of a
    continuation is dropped, as Telegram would.
    """
    units = _units(markup)
    messages: list[str] = []
    open_tags: tuple[_Unit, ...] = ()
    start = 0
    while start < len(units):
        cut = _next_cut(units, start, open_tags, limit)
        body = "".join(u.raw for u in units[start : cut.end])
        closing = "".join(f"</{tag.opens}>" for tag in reversed(cut.open_tags))
        if any(not u.text.isspace() for u in units[start : cut.end] if u.text):
            messages.append("".join(tag.raw for tag in open_tags) + body + closing)
        open_tags, start = cut.open_tags, cut.end
        while start < len(units) and units[start].text.isspace():
            start += 1
    return messages


def _next_cut(
    units: Sequence[_Unit], start: int, open_tags: tuple[_Unit, ...], limit: int
) -> _Cut:
    """Where the message starting at `start` should end: the latest cut of the best rank
    among those past a quarter of the limit (or the latest cut of all, if none is)."""
    stack = open_tags  # replaced, never mutated, so a cut can keep it as it was
    length = 0
    shown = ""  # the last few visible characters, to judge cuts
    latest: dict[int, _Cut] = {}  # the latest (so longest) cut of each rank
    last: _Cut | None = None
    index = start
    while index < len(units):
        unit = units[index]
        size = unit.size
        if unit.text and index > start:
            rank = _break_rank(shown, unit.text)
            if rank >= 0:
                # Tags opened just before this character go with it, not into an empty pair.
                end, depth = index, len(stack)
                while end - 1 > start and units[end - 1].opens and depth:
                    end, depth = end - 1, depth - 1
                last = latest[rank] = _Cut(end, stack[:depth], rank, length)
        if unit.text and length + size > limit:
            break
        if unit.opens:
            stack = (*stack, unit)
        elif unit.closes:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].opens == unit.closes:
                    stack = stack[:depth] + stack[depth + 1 :]
                    break
        length += size
        shown = (shown + unit.text)[-3:]
        index += 1
    if index >= len(units):
        return _Cut(len(units), (), 0, length)
    if last is None:  # one grapheme longer than the limit; cannot happen with a sane limit
        return _Cut(max(index, start + 1), stack, 0, length)
    good = [cut for cut in latest.values() if cut.length >= limit // 4]
    return max(good, key=lambda cut: cut.rank, default=last)


def pack(blocks: Iterable[str], separator: str = "\n\n", limit: int = MAX_MESSAGE_LENGTH
         ) -> list[str]:  # fmt: skip
    """Join whole blocks into as few messages as fit; a block too long alone is split."""
    messages: list[str] = []
    current: list[str] = []
    length = 0
    gap = visible_length(separator)
    for block in blocks:
        size = visible_length(block)
        if current and length + gap + size <= limit:
            current.append(block)
            length += gap + size
            continue
        if current:
            messages.append(separator.join(current))
        if size <= limit:
            current, length = [block], size
        else:
            *whole, last = split_html(block, limit) or [""]
            messages.extend(whole)
            current, length = [last], visible_length(last)
    if current and any(current):
        messages.append(separator.join(current))
    return messages


# ----- answers ---------------------------------------------------------------------------


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` escaped, with the characters of `spans` (start, end) in bold.

    Spans out of range are clipped; overlapping or touching ones are merged.
    """
    merged: list[list[int]] = []
    for start, end in sorted((max(0, a), min(len(text), b)) for a, b in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out.append(escape(text[position:start]))
        out.append(f"<b>{escape(text[start:end])}</b>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def display_date(published: str | None, zone: tzinfo = UTC) -> str | None:
    """'2 May 2024' for an ISO date, or a datetime's date in `zone`; odd values as given."""
    if not published:
        return None
    try:
        if len(published) == 10:
            day = date.fromisoformat(published)
        else:
            moment = datetime.fromisoformat(published)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            day = moment.astimezone(zone).date()
    except ValueError:
        return published
    return f"{day.day} {day:%B %Y}"


def _link(text: str, url: str | None) -> str:
    if url and url.lower().startswith(("https://", "http://")):
        return f'<a href="{escape_attribute(url)}">{escape(text)}</a>'
    return escape(text)


def link(text: str, url: str | None) -> str:
    """`text` escaped, linked to `url` when it is a web address (never javascript: and co)."""
    return _link(text, url)


def attribution(article: Attribution, zone: tzinfo = UTC, rank: int | None = None) -> str:
    """'2. <a href=url>Title</a> — Outlet · Authors · 2 May 2024' (parts that exist)."""
    title = _link(article.title.strip() or "Untitled", article.url)
    details = [article.source, ", ".join(article.authors), display_date(article.published, zone)]
    tail = " · ".join(escape(part) for part in details if part)
    number = f"{rank}. " if rank is not None else ""
    return f"{number}{title}" + (f" — {tail}" if tail else "")


def passage_html(passage: Passage, zone: tzinfo = UTC, numbered: bool = True) -> str:
    """The quote in a blockquote, question terms in bold, then its attribution."""
    quote = highlight(passage.quote, passage.highlights)
    source = attribution(passage.article, zone, passage.rank if numbered else None)
    return f"<blockquote>{quote}</blockquote>\n{source}"


def answer_messages(passages: Sequence[Passage], zone: tzinfo = UTC) -> list[str]:
    """An answer as messages, split only between passages (unless one alone is too long)."""
    return pack(passage_html(p, zone) for p in passages)


def answer_keyboard(
    answer_id: int, passages: Sequence[Passage], more: bool
) -> InlineKeyboardMarkup:
    """"More" (when there is more), a "Full article" per article shown, and 👍/👎."""
    rows: list[list[InlineKeyboardButton]] = []
    if more:
        rows.append([InlineKeyboardButton("More ▸", callback_data=f"{MORE}:{answer_id}")])
    articles: dict[int, int] = {}
    for passage in passages:
        articles.setdefault(passage.article.id, passage.rank)
    if len(articles) == 1:
        [article_id] = articles
        rows.append([InlineKeyboardButton("📄 Full article",
                                          callback_data=f"{FULL}:{article_id}")])
    elif articles:
        rows.append([InlineKeyboardButton(f"📄 {rank}", callback_data=f"{FULL}:{article_id}")
                     for article_id, rank in articles.items()])
    rows.append([
        InlineKeyboardButton("👍", callback_data=f"{VOTE}:{answer_id}:1"),
        InlineKeyboardButton("👎", callback_data=f"{VOTE}:{answer_id}:-1"),
    ])
    return InlineKeyboardMarkup(rows)


def without_more(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard without its "More" button (used once its passages are shown)."""
    if markup is None:
        return None
    rows = [
        [b for b in row if not str(b.callback_data or "").startswith(f"{MORE}:")]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup([row for row in rows if row])


def inline_message(passage: Passage, zone: tzinfo = UTC) -> str:
    """The message an inline result posts: one passage with its source, within the limit."""
    return split_html(passage_html(passage, zone, numbered=False))[0]


def inline_description(passage: Passage) -> str:
    """Plain text under an inline result's title: the start of the quote."""
    quote = " ".join(passage.quote.split())
    if len(quote) <= INLINE_DESCRIPTION_CHARS:
        return quote
    return quote[: INLINE_DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"


# ----- articles and lists ---------------------------------------------------------------


def article_messages(
    article: Attribution, text: str, zone: tzinfo = UTC,
    max_messages: int = MAX_ARTICLE_MESSAGES,
) -> list[str]:  # fmt: skip
    """An article's whole text under its attribution, in at most `max_messages` messages."""
    # More than fits in max_messages, so a cut text still takes the "goes on" branch, but no
    # time is spent splitting what would not be sent.
    shown = text.strip()[: max_messages * MAX_MESSAGE_LENGTH + 1]
    markup = f"<b>{attribution(article, zone)}</b>\n\n{escape(shown)}"
    messages = split_html(markup)
    if len(messages) <= max_messages:
        return messages
    rest = "The article goes on"
    if article.url:
        rest += f": {_link('read the rest at its source', article.url)}"
    return [*messages[: max_messages - 1], f"{rest} (too long to send it all here)."]


def sources_messages(sources: Sequence[tuple[str, int]]) -> list[str]:
    """Outlets with their article counts, one per line."""
    if not sources:
        return ["The corpus is empty: nothing has been ingested yet."]
    total = sum(count for _, count in sources)
    lines = [f"<b>{len(sources)} outlets, {total:,} articles</b>"]
    lines += [f"• {escape(name)} — {count:,}" for name, count in sources]
    return pack(lines, "\n")


def latest_messages(articles: Sequence[Attribution], zone: tzinfo = UTC) -> list[str]:
    """The newest headlines, each linked to its article where it has a URL."""
    if not articles:
        return ["The corpus is empty: nothing has been ingested yet."]
    lines = ["<b>Latest headlines</b>"]
    lines += [f"• {attribution(article, zone)}" for article in articles]
    return pack(lines, "\n")


# ----- notices ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    """A command for the menu (setMyCommands) and for /help."""

    name: str
    description: str
    example: str = ""


def help_text(commands: Sequence[Command], username: str) -> str:
    """Every command with an example, and the ways to ask in groups and inline."""
    lines = ["<b>Ask me about the news corpus.</b> I answer with quoted passages and sources.", ""]
    for command in commands:
        example = f" — e.g. <code>{escape(command.example)}</code>" if command.example else ""
        lines.append(f"/{command.name} — {escape(command.description)}{example}")
    bot = escape(username)
    lines += [
        "",
        "In a private chat, just send a question.",
        f"In groups: <code>/ask@{bot} question</code>, mention @{bot}, or reply to an answer.",
        f"In any chat: type <code>@{bot} question</code> and pick a passage.",
    ]
    return "\n".join(lines)


def greeting(first_name: str | None, private: bool) -> str:
    """Two lines: what the bot does and how to ask."""
    hello = f"Hi {escape(first_name)}!" if first_name else "Hi!"
    how = "Send me a question" if private else "Use /ask with a question"
    return (f"{hello} I answer questions about the news corpus with quoted passages and "
            f"their sources.\n{how}, e.g. “Where did the joint exercise begin?” — /help for "
            "more.")  # fmt: skip


def plain(text: str) -> str:
    """A plain-text notice as safe HTML."""
    return escape(text)


def refusal(chat_id: int) -> str:
    """The one notice a chat that is not allowed gets: its id, so an admin can allow it."""
    return (f"This bot is private and not enabled for this chat (chat id <code>{chat_id}</code>)."
            " An admin can add the id to NEWSBOT_ALLOWED_CHATS.")  # fmt: skip


def slow_down(per_minute: int, seconds: float) -> str:
    """The reply to a user past the per-minute question limit."""
    wait = max(1, round(seconds))
    return (f"You have asked {per_minute} questions in the last minute, the most I answer. "
            f"Please wait {wait} s and ask again.")  # fmt: skip
