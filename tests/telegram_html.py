"""Telegram's rules for message text: HTML parse mode, entities and length.

The parser is a port of tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp), which is
what the Bot API server runs, so error descriptions and byte offsets match what the real API
answers. It is shared by the fake Bot API server and by unit tests of the bot's formatting,
so that a formatting bug fails a test instead of a production ``sendMessage``.

``strict=True`` (the default) also refuses things real Telegram lets through silently, because
each of them is a bug in a bot even if Telegram papers over it:

* a bare ``&`` that starts no entity, or an entity without its ``;`` (Telegram keeps it
  literally, but the same unescaped text breaks as soon as it contains a ``<``);
* nesting that Telegram drops without telling: any tag inside ``pre``/``code`` (except the
  documented ``<pre><code class="language-x">…</code></pre>``), ``blockquote`` inside
  ``blockquote``, ``a`` inside ``a``;
* length counted in UTF-16 code units. tdlib counts Unicode code points for bots
  (``utf8_length(text) > message_text_length_max``), so 4096 emoji are accepted by the real
  API; UTF-16 is the conservative unit (a bot within it is within Telegram's limit).

``strict=False`` behaves like the real API as far as known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_LENGTH = 4096
"""Maximum message text length after entity parsing."""

ALLOWED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji"}
    | {"span", "pre", "code", "blockquote"}
)
_SPACES = frozenset(" \t\r\n\v\f\0")  # tdlib's is_space; "\0" stands for end of text
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#x([0-9a-fA-F]*)|#([0-9]*)|([a-zA-Z]*))(;?)")
_NAME_TOKEN_RE = re.compile(r"[a-zA-Z0-9.-]*")
_SIMPLE_TYPES = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic"} | {
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_LEAF_TAGS = ("pre", "code")
_SELF_EXCLUSIVE_TAGS = ("a", "blockquote")


class TelegramTextError(ValueError):
    """Text the Bot API refuses; ``description`` is the API's error description."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _parse_error(detail: str) -> TelegramTextError:
    return TelegramTextError(f"Bad Request: can't parse entities: {detail}")


@dataclass(frozen=True)
class ParsedText:
    """Text as Telegram stores it: markup removed, entities with UTF-16 offsets."""

    text: str
    entities: list[dict[str, Any]]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _decode_entity(source: str, pos: int) -> tuple[str, int, bool] | None:
    """Port of tdlib's decode_html_entity: (character, end, had ';') or None if not one."""
    match = _ENTITY_RE.match(source, pos)
    assert match is not None  # every group may be empty
    hex_digits, dec_digits, name, semicolon = match.groups()
    body_end = match.end() - len(semicolon)
    if name is None:
        code = int(hex_digits or dec_digits or "0", 16 if hex_digits is not None else 10)
        if code == 0 or code >= 0x10FFFF or body_end - pos >= 10:
            return None
        char = chr(code)
    else:
        if name not in _NAMED_ENTITIES:
            return None
        char = _NAMED_ENTITIES[name]
    return char, match.end(), bool(semicolon)


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_index: int
    expandable: bool = False
    has_child: bool = False
    code_end: int | None = None  # strict mode: where <code> directly inside <pre> ended


class _HtmlParser:
    """One parse of one text; keeps tdlib's structure so differences are easy to spot."""

    def __init__(self, source: str, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def at(self, pos: int) -> str:
        return self.source[pos] if pos < len(self.source) else "\0"

    def byte_offset(self, pos: int) -> int:
        return len(self.source[:pos].encode("utf-8", "surrogatepass"))

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.utf16 += 2 if ord(char) > 0xFFFF else 1

    def parse(self) -> ParsedText:
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if char == "&" and self._entity():
                continue
            if char != "<":
                self.emit(char)
                self.pos += 1
            elif self.at(self.pos + 1) == "/":
                self._end_tag()
            else:
                self._start_tag()
        if self.stack:
            name = self.stack[-1].name
            raise _parse_error(f"Can't find end tag corresponding to start tag {name}")
        text = "".join(self.out)
        if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
            raise _parse_error(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return ParsedText(text, self.entities)

    def _entity(self) -> bool:
        decoded = _decode_entity(self.source, self.pos)
        if decoded is None or (self.strict and not decoded[2]):
            if self.strict:  # stricter than Telegram, see module docstring
                offset = self.byte_offset(self.pos)
                raise _parse_error(f'Unescaped "&" at byte offset {offset}, use "&amp;"')
            return False
        char, self.pos, _ = decoded
        self.emit(char)
        return True

    def _skip_spaces(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos] in _SPACES:
            self.pos += 1

    def _start_tag(self) -> None:
        begin = self.pos
        self.pos += 1
        while self.at(self.pos) not in _SPACES and self.at(self.pos) != ">":
            self.pos += 1
        if self.pos >= len(self.source):
            raise _parse_error(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = self.source[begin + 1 : self.pos].lower()
        if name not in ALLOWED_TAGS:
            offset = self.byte_offset(begin)
            raise _parse_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        tag = _OpenTag(name, "", self.utf16, len(self.out))
        self._attributes(tag, begin)
        self.pos += 1  # the ">"
        if tag.name == "span" and tag.argument != "spoiler":
            offset = self.byte_offset(begin)
            raise _parse_error(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        if self.strict:
            self._check_nesting(tag, begin)
        if self.stack:
            self.stack[-1].has_child = True
        self.stack.append(tag)

    def _attributes(self, tag: _OpenTag, begin: int) -> None:
        name = tag.name
        while self.at(self.pos) != ">":
            self._skip_spaces()
            if self.at(self.pos) == ">":
                break
            attribute_begin = self.pos
            while self.at(self.pos) not in _SPACES and self.at(self.pos) not in "=>":
                self.pos += 1
            attribute = self.source[attribute_begin : self.pos]
            offset = self.byte_offset(begin)
            if not attribute:
                raise _parse_error(
                    f'Empty attribute name in the tag "{name}" at byte offset {offset}'
                )
            self._skip_spaces()
            if self.at(self.pos) != "=":
                if name == "blockquote" and attribute == "expandable":
                    tag.expandable = True
                    continue
                raise _parse_error(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {offset}'
                )
            self.pos += 1
            self._skip_spaces()
            if self.pos >= len(self.source):
                raise _parse_error(f'Unclosed start tag "{name}" at byte offset {offset}')
            value = self._attribute_value()
            if self.pos >= len(self.source):
                raise _parse_error(f"Unclosed start tag at byte offset {offset}")
            if (name, attribute) in (("a", "href"), ("tg-emoji", "emoji-id")):
                tag.argument = value
            elif name == "code" and attribute == "class" and value.startswith("language-"):
                tag.argument = value.removeprefix("language-")
            elif name == "span" and attribute == "class" and value.startswith("tg-"):
                tag.argument = value.removeprefix("tg-")

    def _attribute_value(self) -> str:
        quote = self.source[self.pos]
        if quote not in "'\"":  # an unquoted name token, case-insensitive
            match = _NAME_TOKEN_RE.match(self.source, self.pos)
            assert match is not None
            self.pos = match.end()
            if self.at(self.pos) not in _SPACES and self.at(self.pos) != ">":
                offset = self.byte_offset(match.start())
                raise _parse_error(f"Unexpected end of name token at byte offset {offset}")
            return match.group().lower()
        self.pos += 1
        value: list[str] = []
        while self.pos < len(self.source) and self.source[self.pos] != quote:
            decoded = (
                _decode_entity(self.source, self.pos) if self.source[self.pos] == "&" else None
            )
            if decoded is not None:
                value.append(decoded[0])
                self.pos = decoded[1]
            else:
                value.append(self.source[self.pos])
                self.pos += 1
        if self.pos < len(self.source):
            self.pos += 1  # the closing quote
        return "".join(value)

    def _check_nesting(self, tag: _OpenTag, begin: int) -> None:
        """Strict mode: refuse nesting that Telegram would silently drop."""
        for index, outer in enumerate(self.stack):
            innermost = index == len(self.stack) - 1
            language_block = (
                outer.name == "pre" and tag.name == "code" and innermost and not outer.has_child
            )
            if outer.name in _LEAF_TAGS and language_block and self.utf16 == outer.utf16_offset:
                continue
            if outer.name in _LEAF_TAGS or (
                tag.name == outer.name and tag.name in _SELF_EXCLUSIVE_TAGS
            ):
                offset = self.byte_offset(begin)
                raise _parse_error(
                    f'Tag "{tag.name}" can\'t be nested in tag "{outer.name}" at byte offset '
                    f"{offset}"
                )

    def _end_tag(self) -> None:
        begin = self.pos
        if not self.stack:
            raise _parse_error(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        self.pos += 1
        while self.at(self.pos) not in _SPACES and self.at(self.pos) != ">":
            self.pos += 1
        end_name = self.source[begin + 2 : self.pos].lower()
        self._skip_spaces()
        if self.at(self.pos) != ">":
            raise _parse_error(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        self.pos += 1
        tag = self.stack[-1]
        if end_name and end_name != tag.name:
            raise _parse_error(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{end_name}>"'
            )
        self.stack.pop()
        if self.strict:
            self._check_language_block(tag)
        if self.utf16 > tag.utf16_offset:
            self._add_entity(tag)

    def _check_language_block(self, tag: _OpenTag) -> None:
        parent = self.stack[-1] if self.stack else None
        if tag.name == "code" and parent is not None and parent.name == "pre":
            parent.code_end = self.utf16
        if tag.name == "pre" and tag.code_end not in (None, self.utf16):
            raise _parse_error('Tag "pre" must contain nothing but its "code" tag')

    def _add_entity(self, tag: _OpenTag) -> None:
        """Port of tdlib's entity creation when a tag closes."""
        span = {"offset": tag.utf16_offset, "length": self.utf16 - tag.utf16_offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and all(last[key] == value for key, value in span.items())
        if tag.name in _SIMPLE_TYPES:
            self.entities.append({"type": _SIMPLE_TYPES[tag.name], **span})
        elif tag.name == "tg-emoji":
            if not re.fullmatch(r"-?[0-9]+", tag.argument) or int(tag.argument) == 0:
                raise _parse_error("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "a":
            url = tag.argument or "".join(self.out[tag.text_index :])
            self.entities.append({"type": "text_link", **span, "url": url})
        elif tag.name == "pre":
            if last is not None and same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        elif tag.name == "code":
            if last is not None and same_span and last["type"] == "pre" and tag.argument:
                last["language"] = tag.argument
            else:
                entity = {"type": "code", **span}
                self.entities.append(entity | ({"language": tag.argument} if tag.argument else {}))
        else:
            kind = "expandable_blockquote" if tag.expandable else "blockquote"
            self.entities.append({"type": kind, **span})


def parse_html(source: str, *, strict: bool = True) -> ParsedText:
    """Parse ``parse_mode=HTML`` text; raise TelegramTextError as the Bot API would."""
    return _HtmlParser(source, strict).parse()


def check_message_text(
    text: str | None,
    parse_mode: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    *,
    strict: bool = True,
) -> ParsedText:
    """Apply sendMessage's rules to ``text``: parse it, then check it is 1-4096 long.

    MarkdownV2 and Markdown are accepted without validation (the bot uses HTML).
    """
    if not text:
        raise TelegramTextError("Bad Request: message text is empty")
    mode = (parse_mode or "").lower()
    if mode == "html":
        parsed = parse_html(text, strict=strict)
    elif mode in ("", "markdown", "markdownv2"):
        parsed = ParsedText(text, list(entities or []))
    else:
        raise TelegramTextError("Bad Request: unsupported parse_mode")
    trimmed = parsed.text.strip(" \t\r\n\v\f")  # Telegram trims surrounding whitespace
    if not trimmed:
        raise TelegramTextError("Bad Request: message text is empty")
    length = utf16_len(trimmed) if strict else len(trimmed)
    if length > MAX_MESSAGE_LENGTH:
        raise TelegramTextError("Bad Request: message is too long")
    return parsed
