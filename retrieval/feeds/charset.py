"""Turning fetched bytes into text: the declared charset, else UTF-8, else windows-1252."""

from __future__ import annotations

import codecs
import re
from email.message import Message

_SNIFF_BYTES = 4096  # declarations sit in the first bytes of a document
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do pages that use them:
# "ISO-8859-1" pages routinely hold curly quotes from the 0x80-0x9F range.
_AS_WINDOWS_1252 = {
    "iso-8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
    "us-ascii",
    "ascii",
    "l1",
    "cp819",
}


def charset_of(content_type: str | None) -> str | None:
    """The `charset` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset.strip().lower() if isinstance(charset, str) and charset.strip() else None


def declared_charset(content: bytes) -> str | None:
    """The charset a document declares in itself: an XML declaration or an HTML <meta>."""
    head = content[:_SNIFF_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    if label in _AS_WINDOWS_1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None  # an unknown label is as good as none


def decode_body(content: bytes, content_type: str | None = None) -> str:
    """Decode a response body; never raises.

    Order: a byte-order mark, the HTTP header's charset, the document's own declaration,
    strict UTF-8, then windows-1252.
    """
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return content.decode(codec, errors="replace")
    for label in (charset_of(content_type), declared_charset(content)):
        declared = _codec(label)
        if declared is not None:
            try:
                return content.decode(declared)
            except UnicodeDecodeError:
                continue  # a wrong declaration; look further
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Undeclared and not UTF-8: do what browsers do (WHATWG's default for most locales).
    # Statistical guessers misread short Western text as Central European too often.
    return content.decode("cp1252", errors="replace")
