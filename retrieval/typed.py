"""What someone typed or pasted, read as the text it shows: a question (`search`) and a
digest's keywords (`digest`) alike. Pure text: reads no index and no database."""

from __future__ import annotations

import html
import re

# The tags of text pasted from a page, a CMS or a chat's formatting ("<b>Blair</b>
# election"): searched, "b" was the rarest word of a question, and R&B came first. HTML's
# text tags and Telegram's own only: "template<typename T>", "Apple <AAPL>", "<oil>" and
# "rate<inflation" are words. A <script> or <style> tag is markup too, typed or escaped
# ("&lt;script&gt;" shows as the tag).
_TAG = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|cite|code|del|div|em|font|h[1-6]|hr|i|img|ins|li|mark"
    r"|ol|p|pre|q|s|script|small|span|strike|strong|style|sub|sup|table|tbody|td|tg-emoji"
    r"|tg-spoiler|th|thead|tr|tt|u|ul)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)


def without_markup(text: str) -> str:
    """`text` as it shows: its entities read ("AT&amp;T" is "AT&T"), then without HTML
    tags (one escaped as "&lt;b&gt;" too), its spaces run together. A tag parts words
    ("<p>one</p><p>two</p>" is "one two")."""
    return " ".join(_TAG.sub(" ", html.unescape(text)).split())
