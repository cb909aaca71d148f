"""Turning bytes into text, for fetched feeds and pages and for files alike: the declared
charset, else UTF-8, else windows-1252 -- and the declared charset only when it does not turn
the text into nonsense.

Servers and feed generators often say ISO-8859-1 (or nothing, or windows-1252) for bytes
that are UTF-8, which read as "CafÃ©". Two checks catch a wrong label. Bytes that are valid
UTF-8 and not plain ASCII are UTF-8, whatever single-byte charset is declared: text in a
legacy charset is practically never valid UTF-8 ("é" is one byte there, a lone lead byte
here). Otherwise, a declared single-byte charset whose text charset-normalizer's mess
detector finds chaotic (accents between consonants, symbols inside words: Cyrillic read as
Latin) gives way to charset-normalizer's best single-byte reading.

Text that is UTF-8 but for a few stray bytes (a windows-1252 curly quote pasted into a UTF-8
file or page) is read as UTF-8, those bytes as windows-1252 (`undeclared_text`), whether it
came from a feed or a file: the same page then has the same words either way. Only text that
is not mostly UTF-8 has its legacy charset guessed.
"""

from __future__ import annotations

import codecs
import re
from email.message import Message
from functools import cache

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

_SNIFF_BYTES = 4096  # declarations sit in the first bytes of a document
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels read as browsers read them (the WHATWG Encoding Standard), which is how the sites
# that use them write: "ISO-8859-1" pages routinely hold curly quotes from the 0x80-0x9F
# range, "Shift_JIS" ones cp932's circled digits and "髙", "GB2312" ones GBK's "镕",
# "EUC-KR" ones cp949's "똠", "Big5" ones HKSCS. Python's codecs of those names hold none of
# these, fail on them, and the page falls back to windows-1252 mojibake.
_LABELS = {
    label: codec
    for codec, labels in (
        ("cp1252", ("iso-8859-1", "iso8859-1", "iso_8859-1", "latin-1", "latin1", "l1")),
        ("cp1252", ("us-ascii", "ascii", "cp819", "ibm819", "csisolatin1", "x-cp1252")),
        ("cp932", ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms932", "ms_kanji")),
        ("cp932", ("windows-31j", "csshiftjis")),
        ("gb18030", ("gb2312", "gb_2312", "gb_2312-80", "csgb2312", "gbk", "x-gbk")),
        ("gb18030", ("chinese", "iso-ir-58", "csiso58gb231280")),
        ("cp949", ("euc-kr", "cseuckr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601")),
        ("cp949", ("ksc_5601", "korean", "csksc56011987", "iso-ir-149", "windows-949")),
        ("big5hkscs", ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5")),
        ("cp1254", ("iso-8859-9", "iso8859-9", "iso_8859-9", "latin5", "l5", "csisolatin5")),
        ("cp874", ("tis-620", "iso-8859-11", "iso8859-11", "dos-874", "windows-874")),
    )
    for label in labels
}
# charset-normalizer's mess ratio from which a decoding is nonsense (its own default cut-off).
# Correctly decoded real pages score at most 0.085 (the 181 pages of html-articles); UTF-8
# French or German read as windows-1252, 0.27 to 0.84; Russian cp1251 read so, 1.1.
NONSENSE = 0.2
_MESS_SAMPLE = 1 << 20  # characters judged: a page's first MiB says how it was decoded
# What a wrong single-byte label is guessed among. Left to itself, charset-normalizer reads
# KOI8-R as Shift_JIS half-width katakana, which it finds perfectly tidy.
_SINGLE_BYTE_GUESSES = (
    *(f"cp{n}" for n in range(1250, 1259)),
    *(f"iso8859_{n}" for n in (2, 4, 5, 7, 9, 13, 15)),
    "koi8_r",
    "koi8_u",
    "mac_cyrillic",
    "mac_roman",
)

# What text in no declared charset that is not UTF-8 (a file) is guessed among: the
# single-byte charsets above and the multi-byte ones of East Asia, as browsers read them.
# Letters a Windows-1252 reading of another Latin charset shows and Western news does not
# use: Icelandic's (Turkish "ğ ı ş İ Ş" read as "ð ý þ Ý Þ") and superscripts or ordinals
# inside a word (Polish "ł ą ż" read as "³ ¹ ¿").
_UNWESTERN = re.compile(r"[ÐðÞþÝý]|\w[¹²³¿ªº¼½¾]|[¹²³¿ªº¼½¾]\w")
_LEGACY_GUESSES = (*_SINGLE_BYTE_GUESSES, "cp932", "euc_jp", "gb18030", "big5hkscs", "cp949")
# Turkish in Windows-1254 (ISO-8859-9 but for its 0x80-0x9F): the letters only Turkish
# writes, and the letters past ASCII it writes at all. charset-normalizer takes short
# Turkish for windows-1252 ("Erdoðan Ýstanbul'da") and longer for windows-1250
# ("Erdođan"): its readings tie on coherence. Read as Windows-1254, Turkish holds its own
# letters; Czech (its "ý" as "ı"), Romanian ("ţ" as "ş") or Icelandic ("ð þ ý") read so
# hold more of others ("ø è ì", "ã", "á æ") than Turkish ones.
_TURKISH_ONLY = re.compile(r"[ğşıİĞŞ]")
_NOT_TURKISH = re.compile(r"[^\x00-\x7fçğıöşüâîûÇĞİÖŞÜÂÎÛ]")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


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
    if label in _LABELS:
        return _LABELS[label]
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):  # ValueError: a NUL in it, which codecs refuses
        return None  # an unknown label is as good as none


@cache
def _single_byte(codec: str) -> bool:
    """Whether every byte is one character in `codec` (windows-1252, ISO-8859-x, KOI8-R...)."""
    return codec != "utf-8" and len(bytes(range(128, 256)).decode(codec, "replace")) == 128


def _nonsense(text: str) -> bool:
    return mess_ratio(text[:_MESS_SAMPLE]) >= NONSENSE


def _best_single_byte(content: bytes) -> str | None:
    """charset-normalizer's best single-byte reading of `content`, if it is not nonsense."""
    match = from_bytes(content, cp_isolation=list(_SINGLE_BYTE_GUESSES)).best()
    if match is None:
        return None
    text = str(match)
    return None if _nonsense(text) else text


def _as_windows_1252(error: UnicodeError) -> tuple[str, int]:
    """A decoding's error handler: bytes that are not UTF-8, read as windows-1252 (its five
    unassigned bytes U+FFFD)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("newsbot-windows-1252", _as_windows_1252)


def mixed_text(content: bytes) -> str:
    """UTF-8 where the bytes are UTF-8, windows-1252 where they are not. A UTF-8 page with a
    broken byte keeps its words (one bad byte would otherwise make all of it windows-1252:
    "MÃ¼ller"); a windows-1252 page with a UTF-8 footer, or UTF-8 leftovers, keeps its
    letters; and windows-1252 text alone reads as windows-1252, its bytes practically never
    UTF-8."""
    if mostly_utf8(content):  # a few errors, each handled in Python
        return content.decode("utf-8", errors="newsbot-windows-1252")
    return _windows_1252_around_utf8(content, errors="replace")


# A valid UTF-8 sequence of more than one byte (no overlong forms, no surrogates).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def _windows_1252_around_utf8(content: bytes, errors: str) -> str:
    """`content` read as windows-1252 but for its UTF-8 sequences, as UTF-8: what the UTF-8
    decoder with `_as_windows_1252` reads, but in C between the sequences. Legacy text is
    nearly all errors to that decoder, each one a call of Python (60 MiB of windows-1252 in
    53 s, against 0.7 s here; 4 s if it holds UTF-8 too). `errors`: for the bytes
    windows-1252 lacks."""
    if _utf8_and_stray(content)[0] == 0:  # windows-1252 alone, as legacy text mostly is
        return content.decode("cp1252", errors)
    parts: list[str] = []
    start = 0
    for sequence in _UTF8_SEQUENCE.finditer(content):
        parts.append(content[start : sequence.start()].decode("cp1252", errors))
        parts.append(sequence.group().decode("utf-8"))
        start = sequence.end()
    parts.append(content[start:].decode("cp1252", errors))
    return "".join(parts)


def legacy_codec(content: bytes) -> str | None:
    """The codec of text that is not UTF-8 and declares none, or None if nothing reads it.

    Windows-1252 (where the bytes are not UTF-8: a UTF-8 footer keeps its letters, and the
    bytes windows-1252 lacks that it holds), what such Western text nearly always is,
    unless it reads as nonsense (Russian, Japanese) or holds letters Western news does not
    use (`_UNWESTERN`: Turkish read so): Windows-1254 if it reads as Turkish
    (`_reads_as_turkish`), else charset-normalizer's best reading. Left to
    itself it takes short Western text for cp1250 ("naïve" as "naďve"), cp1257 or Mac
    Roman ("Korea’s" as "Koreaís"), which tie with Windows-1252 or beat it on coherence
    alone.
    """
    try:
        western = _windows_1252_around_utf8(content, errors="strict")
    except UnicodeDecodeError:  # one of its five unassigned bytes: not Windows-1252
        western = None
    if western is not None and not _nonsense(western) and not _UNWESTERN.search(western):
        return "cp1252"
    if _reads_as_turkish(content):
        return "cp1254"
    results = from_bytes(content, cp_isolation=list(_LEGACY_GUESSES))
    best = results.best()
    return None if best is None else best.encoding


def _reads_as_turkish(content: bytes) -> bool:
    """Whether `content` is Turkish in Windows-1254: read so, it holds a dotless "ı" and
    letters only Turkish writes (`_TURKISH_ONLY`), at least twice as many as letters Turkish
    does not write (a foreign name's "é" is fine)."""
    try:
        text = content.decode("cp1254")
    except UnicodeDecodeError:  # one of its unassigned bytes
        return False
    if "ı" not in text:  # Turkish's commonest letter of its own; Romanian's "ţ" reads "ş"
        return False
    letters = _NOT_LETTERS.sub("", text)
    return len(_TURKISH_ONLY.findall(letters)) >= 2 * len(_NOT_TURKISH.findall(letters))


def decode_body(content: bytes, content_type: str | None = None) -> str:
    """Decode a response body; never raises.

    Order: a byte-order mark, the HTTP header's charset, the document's own declaration,
    UTF-8, then windows-1252. A declaration is passed over when it is wrong: bytes that do
    not decode in it, valid UTF-8 labelled with a single-byte charset, or text a single-byte
    label turns into nonsense (then charset-normalizer's best single-byte reading is taken,
    if it reads better). Where UTF-8 or windows-1252 is declared, or nothing is, but the
    bytes are not all UTF-8, `undeclared_text` reads them: UTF-8 where they are mostly that.
    """
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return content.decode(codec, errors="replace")
    if content.isascii() and b"\x00" not in content:  # NULs: UTF-16 without its mark
        return content.decode("ascii")  # every label an HTTP body may carry reads it alike
    try:
        utf8: str | None = content.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    misread: str | None = None
    for label in (charset_of(content_type), declared_charset(content)):
        declared = _codec(label)
        if declared is None:
            continue
        if declared.startswith(("utf-16", "utf-32")) and b"\x00" not in content:
            # Markup in UTF-16 holds a NUL in every other byte; bytes without any under a
            # UTF-16 label are UTF-8 (.NET's default declaration): read as UTF-16, an
            # even-length body would give CJK nonsense, an odd one a failure.
            continue
        if utf8 is not None and _single_byte(declared):
            return utf8  # UTF-8 labelled with a legacy charset: the common mislabel
        if declared == "cp1252":
            text = mixed_text(content)
        else:
            try:
                text = content.decode(declared)
            except UnicodeDecodeError:
                continue  # a wrong declaration (UTF-8 too: the other may say better)
        if not _single_byte(declared) or not _nonsense(text):
            return text
        misread = misread or text
    if utf8 is not None:
        return utf8
    if misread is not None:
        return _best_single_byte(content) or misread
    return undeclared_text(content)


_ASCII = bytes(range(128))
_REPLACED = "\ufffd".encode()


def mostly_utf8(content: bytes) -> bool:
    """Whether `content`, which is not all UTF-8, is UTF-8 but for a few stray bytes: more
    of its characters past ASCII are UTF-8 than it has stray bytes (runs of them that are no
    UTF-8, each read as one U+FFFD). Text in a legacy charset is nearly all stray bytes (an
    accented, Cyrillic or Japanese letter is no UTF-8 sequence there), with a valid sequence
    by chance now and then: in sentences of Thai (cp874), Chinese, Japanese or Korean, one
    for every 2.7 stray bytes at most; none in Cyrillic, Greek, Hebrew or Western text.
    Counted in C, whole: 60 MiB in about a second."""
    utf8, stray = _utf8_and_stray(content)
    return utf8 > stray


def _utf8_and_stray(content: bytes) -> tuple[int, int]:
    """How many characters past ASCII `content` holds in UTF-8, and how many runs of bytes
    that are not UTF-8 (each one U+FFFD to the decoder)."""
    text = content.decode("utf-8", errors="replace")
    stray = text.count("\ufffd") - content.count(_REPLACED)  # less the text's own U+FFFD
    past_ascii = len(text) - (len(content) - len(content.translate(None, _ASCII)))
    return past_ascii - stray, stray


def undeclared_text(content: bytes) -> str:
    """Text in no charset it declares (a file; a page with no label, or a wrong one) that is
    not all UTF-8; never raises.

    Mostly UTF-8 (`mostly_utf8`): UTF-8 with its stray bytes as windows-1252
    (`mixed_text`); asked of a guesser, a few bytes' "Zürich" read as "Zﾃｼrich" (Shift_JIS)
    or "ZĂĽrich" (windows-1250). Else the legacy charset it reads best in
    (`legacy_codec`): windows-1252, what browsers take (WHATWG's default for most
    locales), unless that reads as nonsense (an undeclared Russian or Japanese text), then
    charset-normalizer's guess. Windows-1252 is read mixed too, so a windows-1252 page with
    a UTF-8 footer keeps its letters.
    """
    if mostly_utf8(content):
        return mixed_text(content)
    return legacy_text(content, legacy_codec(content))


def legacy_text(content: bytes, codec: str | None) -> str:
    """`content` read in the legacy charset `legacy_codec` found (None: windows-1252), its
    undecodable bytes U+FFFD; windows-1252 read where the bytes are not UTF-8."""
    if codec is None or codec == "cp1252":
        return mixed_text(content)
    return content.decode(codec, errors="replace")
