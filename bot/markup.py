"""Telegram's HTML as text: escaping, measuring and splitting within the message limit.

Telegram's rules: only its tags (`b`, `a`, `blockquote`, ...), every `<`, `>` and `&` of
text escaped, and at most 4096 characters per message after entity parsing. We count that
length in UTF-16 code units, which is never less than the code points Telegram counts, so a
message within our count is within theirs. Long text is split between whole tags, entities
and grapheme parts, with open tags closed at the end of one message and reopened at the
start of the next. What the bot says with it is in `bot.formatting`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from retrieval.models import bidi_spaced

MAX_MESSAGE_LENGTH = 4096


def escape(text: str) -> str:
    """Text safe between tags: `&`, `<` and `>` as entities (quotes may stay), and its bidi
    embeddings, overrides and isolates spaces (`bidi_spaced`): articles have none, but a
    user's name, a chat's title or a question quoted back with an unclosed U+202E showed the
    rest of the reply's line reversed ("Hi \\u202eresU!" read "Hi !User")."""
    text = bidi_spaced(text)
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


def grapheme_start(text: str, at: int) -> int:
    """The nearest place at or before `at` that cuts no character sequence a reader sees as
    one (a letter and its accent, a ZWJ emoji, a flag's two regional indicators)."""
    while 0 < at < len(text) and (_joins_previous(text[at]) or text[at - 1] == "\u200d"):
        at -= 1
    if 0 < at < len(text) and _is_regional(text[at]):
        run = at
        while run > 0 and _is_regional(text[run - 1]):
            run -= 1
        at -= (at - run) % 2  # after an odd number of indicators: inside a flag
    return at


def _break_rank(before: str, after: str, regional_run: int = 0) -> int:
    """How good a place between two visible characters is to end a message; -1: never.
    `regional_run`: how many regional indicators end `before` (a flag is two of them, so a
    run of flags may be cut after an even number)."""
    if not before or not after:
        return 0
    last = before[-1]
    if last.isascii() and after[0].isascii() and not last.isspace():
        return 0  # the common case, decided without unicodedata
    if _joins_previous(after[0]) or before[-1] == "\u200d":
        return -1
    if _is_regional(before[-1]) and _is_regional(after[0]) and regional_run % 2:
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
    regional_run = 0  # regional indicators at the end of `shown`, however many
    latest: dict[int, _Cut] = {}  # the latest (so longest) cut of each rank
    last: _Cut | None = None
    index = start
    while index < len(units):
        unit = units[index]
        size = unit.size
        if unit.text and index > start:
            rank = _break_rank(shown, unit.text, regional_run)
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
        for char in unit.text:
            regional_run = regional_run + 1 if _is_regional(char) else 0
        index += 1
    if index >= len(units):
        return _Cut(len(units), (), 0, length)
    if last is None:  # one grapheme longer than the limit; cannot happen with a sane limit
        return _Cut(max(index, start + 1), stack, 0, length)
    good = [cut for cut in latest.values() if cut.length >= limit // 4]
    return max(good, key=lambda cut: cut.rank, default=last)


def pack(
    blocks: Iterable[str], separator: str = "\n\n", limit: int = MAX_MESSAGE_LENGTH
) -> list[str]:
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
