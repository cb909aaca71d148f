"""Reading RSS 0.91, 1.0, 2.0 and Atom fixture feeds into entries."""

from __future__ import annotations

import pytest

from retrieval.errors import ParseError
from retrieval.feeds.feedformat import MAX_TITLE, author_name, html_to_text, parse_feed
from retrieval.models import LINE_CHARS, ArticleDraft
from tests.feed_server import FIXTURES

BASE = "http://news.test"


def read(name: str, content_type: str = "application/rss+xml") -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{BASE}", BASE.encode())


def test_rss_2_0() -> None:
    feed = parse_feed(read("gazette.rss"), f"{BASE}/feeds/gazette.rss")
    assert feed.version == "rss20" and feed.title == "The Port Ellery Post"
    assert [e.key for e in feed.entries] == [
        "post-2026-seawall",
        "post-2026-library",
        "post-2026-ferry",
        "post-2026-regatta",
    ]
    seawall = feed.entries[0]
    assert seawall.title == "Council delays its vote on the seawall levy"
    assert seawall.link == f"{BASE}/pages/seawall.html"
    assert seawall.authors == ("Tomas Brandt",)
    assert seawall.published == "2026-10-08T17:45:00+00:00"
    # HTML in the description becomes plain text, a line per paragraph.
    assert seawall.text.startswith("The council has postponed its vote")
    assert seawall.text.count("\n") == 1 and "<p>" not in seawall.text


def test_atom() -> None:
    feed = parse_feed(read("notes.atom"), f"{BASE}/feeds/notes.atom", "application/atom+xml")
    assert feed.version == "atom10" and feed.title == "Harbour Notes"
    ferry, library, lighthouse = feed.entries
    assert ferry.key == "urn:harbour-notes:ferry"
    assert ferry.link == f"{BASE}/pages/ferry.html?utm_source=harbour-notes&utm_medium=feed"
    assert lighthouse.authors == ("Ines Carver", "Per Vik")
    assert lighthouse.published == "2026-10-04T12:00:00+00:00"  # published, not updated
    assert lighthouse.text == "The keeper's cottage beside the lighthouse will be a museum."
    assert library.published == "2026-10-06T12:00:00+00:00"  # only updated is given


def test_rss_0_91_and_1_0() -> None:
    old = parse_feed(read("tidewatch-091.rss"), f"{BASE}/feeds/tidewatch-091.rss")
    assert old.version.startswith("rss091") and old.title == "Ellery Tide Watch"
    (tides,) = old.entries
    assert tides.key == tides.link == f"{BASE}/pages/tides.html"  # no guid: the link
    assert tides.published is None
    rdf = parse_feed(read("allotments-10.rdf"), f"{BASE}/feeds/allotments-10.rdf")
    assert rdf.version == "rss10" and rdf.title == "Allotment Society News"
    (orchard,) = rdf.entries
    assert orchard.authors == ("Dagny Holm",)
    assert orchard.published == "2026-10-01T10:00:00+00:00"


def test_a_windows_1252_feed_is_read_by_its_declaration() -> None:
    feed = parse_feed(read("cafe-1252.rss"), f"{BASE}/feeds/cafe.rss", "application/rss+xml")
    assert feed.title == "Café Solberg’s Kitchen Notes"
    assert feed.entries[0].title == "Café’s “pay what you can” Mondays feed two hundred"
    assert feed.entries[0].text == "Åsa Solberg’s scheme began after the cannery closed."


@pytest.mark.parametrize("header", ["application/rss+xml", "text/xml"])
def test_a_feed_whose_charset_label_makes_nonsense_is_read_right(header: str) -> None:
    # French quotes: the UTF-8 of ” has a byte windows-1252 lacks, which gave the lie away.
    cafe = read("cafe-1252.rss").decode("cp1252").replace("“", "«").replace("”", "»")
    labelled = f"{header}; charset=windows-1252"
    feed = parse_feed(cafe.encode(), f"{BASE}/feeds/cafe.rss", labelled)
    assert feed.title == "Café Solberg’s Kitchen Notes"  # not "CafÃ© Solbergâ€™s"
    assert feed.entries[0].title == "Café’s «pay what you can» Mondays feed two hundred"
    russian = cafe.replace("Café Solberg’s Kitchen Notes", "Городской совет").replace(
        'encoding="windows-1252"', 'encoding="ISO-8859-1"'
    )
    feed = parse_feed(russian.encode("cp1251", "replace"), f"{BASE}/feeds/cafe.rss", header)
    assert feed.title == "Городской совет"  # not "Ãîðîäñêîé ñîâåò"


@pytest.mark.parametrize("pad", ["", " "], ids=["as it is", "a byte longer"])
def test_a_utf_16_label_over_utf_8_bytes_without_a_mark_reads_as_utf_8(pad: str) -> None:
    """.NET declares encoding="utf-16" over UTF-8 bytes: read as UTF-16, a body of even
    length gave CJK nonsense, an odd one "not well-formed", the feed flapping by a byte."""
    cafe = (
        read("cafe-1252.rss")
        .decode("cp1252")
        .replace('encoding="windows-1252"', 'encoding="utf-16"')
    )
    body = (cafe + pad).encode()  # one of the two of even length
    for header in ("application/rss+xml", "application/rss+xml; charset=utf-16"):
        feed = parse_feed(body, f"{BASE}/feeds/cafe.rss", header)
        assert feed.title == "Café Solberg’s Kitchen Notes"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf_16_labelled_in_the_header_without_a_mark_is_read_by_the_label(codec: str) -> None:
    """UTF-16LE and BE have no mark by definition: their bytes hold NULs, which UTF-8 text
    does not, and the label is what reads them (a body of ASCII characters as well)."""
    for title in ("Café à Zürich", "Harbour news"):
        rss = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<item><title>{title}</title><link>{BASE}/a</link></item></channel></rss>"
        )
        header = f"application/rss+xml; charset={codec}"
        assert parse_feed(rss.encode(codec), f"{BASE}/feeds/news.rss", header).title == title


def test_a_channel_title_in_html_is_read_as_an_entry_title_is() -> None:
    """The outlet's name came out as "News &amp; Views &#8211; Caf&eacute;", escapes and
    all, where an entry with the same title read "News & Views – Café"."""
    title = "News &amp;amp; Views &amp;#8211; Caf&amp;eacute;"
    rss = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<item><title>{title}</title><link>{BASE}/a</link>"
        "<description>The harbour reopened.</description></item></channel></rss>"
    )
    feed = parse_feed(rss.encode(), f"{BASE}/feeds/news.rss")
    assert feed.title == feed.entries[0].title == "News & Views – Café"


def test_rss_authors_with_e_mail_addresses_keep_their_names() -> None:
    feed = parse_feed(read("quayside-1.rss"), f"{BASE}/feeds/q.rss")
    assert feed.entries[0].authors == ("Mara Quist",)  # from "desk@quayside.example (Mara Quist)"
    assert author_name("Ann Lee <ann@example.org>") == "Ann Lee"
    assert author_name("ann@example.org") is None


def test_a_feeds_byline_by_is_no_part_of_an_authors_name() -> None:
    assert author_name("By Ann Lee") == "Ann Lee"
    assert author_name("desk@example.org (By: Ann Lee)") == "Ann Lee"
    assert author_name("by Ann Lee <ann@example.org>") == "Ann Lee"
    assert author_name("Byron Lee") == "Byron Lee"
    assert author_name("By") is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body><p>Just a page</p></body></html>", "not an RSS or Atom feed"),
        (b"\x00\x01 binary", "not an RSS or Atom feed"),
        (b"", "not an RSS or Atom feed"),
    ],
)
def test_what_is_not_a_feed_is_refused(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_feed(body, f"{BASE}/x")


def test_a_malformed_feed_is_refused_with_the_parser_s_reason() -> None:
    with pytest.raises(ParseError, match="malformed feed: .*unclosed token"):
        parse_feed(read("malformed.rss"), f"{BASE}/feeds/malformed.rss")


def test_feedparser_never_opens_what_the_body_names(tmp_path: object) -> None:
    # Given bytes, feedparser would read a file of that name; we hand it a stream.
    with pytest.raises(ParseError):
        parse_feed(str(FIXTURES / "gazette.rss").encode(), f"{BASE}/x")


def test_entries_listed_twice_are_read_once() -> None:
    doc = read("quayside-1.rss")
    item = doc[doc.index(b"<item>") : doc.index(b"</item>") + len(b"</item>")]
    feed = parse_feed(doc.replace(item, item + item), f"{BASE}/q")
    assert len(feed.entries) == 1


def test_entries_sharing_one_guid_are_kept_apart() -> None:
    """A feed giving every item one guid (the site's address, a CMS's placeholder) had its
    first item stored and every other taken for it: seen, and lost in silence."""
    items = "".join(
        f"<item><title>Story {n}</title><link>{BASE}/story/{n}</link>"
        f"<guid isPermaLink='false'>{BASE}/</guid><description>Text {n}.</description></item>"
        for n in range(3)
    )
    doc = f"<rss version='2.0'><channel><title>One guid</title>{items}</channel></rss>"
    feed = parse_feed(doc.encode(), f"{BASE}/feed")
    assert [e.title for e in feed.entries] == ["Story 0", "Story 1", "Story 2"]
    assert len({e.key for e in feed.entries}) == 3
    again = parse_feed(doc.encode(), f"{BASE}/feed")
    assert [e.key for e in again.entries] == [e.key for e in feed.entries]  # keys are stable


def test_a_title_of_megabytes_is_cut_to_a_line() -> None:
    """A feed's title heads every line logged of it (a 2 MB one made each poll log 400 MB);
    an entry's became the article's title, printed whole by `ask --json`."""
    doc = read("quayside-1.rss")
    start = doc.index(b"<title>") + len(b"<title>")
    doc = doc[:start] + b"Quayside " * 250_000 + doc[start:]
    item = doc.index(b"<item>")
    doc = doc[:item] + doc[item:].replace(b"<title>", b"<title>" + b"Harbour " * 500_000, 1)
    feed = parse_feed(doc, f"{BASE}/q")
    assert feed.title is not None and len(feed.title) == MAX_TITLE
    [entry] = feed.entries[:1]
    assert entry.title is not None
    draft = ArticleDraft(title=entry.title, text="Body.", source="W" * 5000)
    assert len(draft.title) == len(draft.source or "") == LINE_CHARS
    assert draft.title.endswith("…")


def test_html_to_text() -> None:
    assert html_to_text("<p>One <b>bold</b> line.</p><p>Two<br>lines.</p>") == (
        "One bold line.\nTwo\nlines."
    )
    assert html_to_text("<script>alert(1)</script><p>Kept.</p>") == "Kept."
    assert html_to_text("Fish &amp; chips") == "Fish & chips"
    assert html_to_text("  ") == ""


def test_plain_text_and_html_summaries_are_each_read_as_what_they_are() -> None:
    item = "<item><title>T</title><link>{BASE}/t</link><description>{}</description></item>"
    doc = read("quayside-1.rss").replace(
        b"</channel>",
        item.format("Fish &amp;amp; chips &amp;lt;3", BASE=BASE).encode() + b"</channel>",
    )
    feed = parse_feed(doc, f"{BASE}/q")
    assert feed.entries[-1].text == "Fish & chips <3"
    atom = read("notes.atom").replace(
        b"<summary>The ferry is back, three crossings a week.</summary>",
        b'<summary type="text">Tickets &lt;b&gt;now&lt;/b&gt; on sale &amp; cheap</summary>',
    )
    assert parse_feed(atom, f"{BASE}/n").entries[0].text == "Tickets <b>now</b> on sale & cheap"


def test_a_guid_that_is_no_address_is_not_made_into_a_link() -> None:
    """RSS reads a <guid> as a permalink unless it says otherwise, and many feeds do not say
    so: "abc-123" became https://news.test/abc-123, a "Full article" link leading nowhere."""
    feed = f"""<rss version="2.0"><channel><title>T</title>
        <item><title>A</title><guid>abc-123</guid><description>A.</description></item>
        <item><title>B</title><guid>{BASE}/pages/b.html</guid><description>B.</description></item>
        <item><title>C</title><link>c.html</link><guid isPermaLink="false">c-1</guid>
            <description>C.</description></item>
        </channel></rss>"""
    a, b, c = parse_feed(feed.encode(), f"{BASE}/feeds/t.rss").entries
    assert (a.key, a.link) == ("abc-123", None)
    assert (b.key, b.link) == (f"{BASE}/pages/b.html", f"{BASE}/pages/b.html")
    assert (c.key, c.link) == ("c-1", f"{BASE}/feeds/c.html")  # a relative link, resolved


def test_control_characters_and_broken_links_in_a_feed_are_left_out() -> None:
    """A feed's title of ESC codes and line breaks was printed as it was by `feeds list`
    (a screen cleared, a line that looked like another feed's); a link that is no address
    ("http://[::1/x") raised ValueError, failing the whole feed at every poll."""
    feed = """<rss version="2.0"><channel><title>Evil&#x1b;[31mRED
          9  ok   fake line&#x1b;]0;pwned&#x7;</title>
        <item><title>Item &#x1b;[2J</title><link>http://[::1/x</link><guid>i-1</guid>
            <description>Text.</description></item>
        </channel></rss>"""
    parsed = parse_feed(feed.encode(), f"{BASE}/feeds/t.rss")
    assert parsed.title == "Evil [31mRED 9 ok fake line ]0;pwned"
    (item,) = parsed.entries
    assert (item.title, item.link, item.text) == ("Item [2J", None, "Text.")


def test_an_entry_dated_by_day_alone_keeps_a_bare_date() -> None:
    """feedparser reads a date without a time as midnight UTC, the day before west of UTC:
    stored so, an entry of 8 November was published on the 7th in Los Angeles."""
    feed = f"""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel><title>T</title>
        <item><title>A</title><link>{BASE}/a</link><pubDate>Mon, 08 Nov 2021</pubDate></item>
        <item><title>B</title><link>{BASE}/b</link><dc:date>2021-11-08</dc:date></item>
        <item><title>C</title><link>{BASE}/c</link>
            <pubDate>Mon, 08 Nov 2021 00:00:00 GMT</pubDate></item>
        </channel></rss>"""
    a, b, c = parse_feed(feed.encode(), f"{BASE}/feeds/t.rss").entries
    assert (a.published, b.published) == ("2021-11-08", "2021-11-08")
    assert c.published == "2021-11-08T00:00:00+00:00"  # midnight given is midnight kept


def test_an_entry_dated_on_a_12_hour_clock_is_read_with_its_pm() -> None:
    """feedparser passes over AM/PM and zones it does not know: "06:00:00 PM GMT" was
    06:00, "18:00:00 IST" 18:00 UTC. A time read so wrong is no date: the entry counts from
    when it is stored, as one without a date; its updated date is taken where it has one.
    (BST, British Summer Time in feeds, is read: `feed_dates.FEED_ZONES`.)"""
    feed = f"""<rss version="2.0"><channel><title>T</title>
        <item><title>A</title><link>{BASE}/a</link>
            <pubDate>Tue, 06 Jun 2023 06:00:00 PM GMT</pubDate></item>
        <item><title>B</title><link>{BASE}/b</link>
            <pubDate>June 6, 2023 11:30 PM</pubDate></item>
        <item><title>C</title><link>{BASE}/c</link>
            <pubDate>Tue, 06 Jun 2023 18:00:00 IST</pubDate></item>
        </channel></rss>"""
    a, b, c = parse_feed(feed.encode(), f"{BASE}/feeds/t.rss").entries
    assert (a.published, b.published) == (
        "2023-06-06T18:00:00+00:00",
        "2023-06-06T23:30:00+00:00",
    )
    assert (c.published, c.unread_date) == (None, "Tue, 06 Jun 2023 18:00:00 IST")


def test_an_entry_dated_in_german_is_dated() -> None:
    """A German feed's "Do, 03 Dez 2026 18:00:00 +0100", and its zones MEZ and MESZ
    (+01:00, +02:00), were stored undated: feedparser reads no German month, and
    `parse_published` read none either."""
    feed = f"""<rss version="2.0"><channel><title>T</title>
        <item><title>A</title><link>{BASE}/a</link>
            <pubDate>Do, 03 Dez 2026 18:00:00 +0100</pubDate></item>
        <item><title>B</title><link>{BASE}/b</link>
            <pubDate>Do, 03 Dez 2026 18:00:00 MEZ</pubDate></item>
        <item><title>C</title><link>{BASE}/c</link>
            <pubDate>Mi, 03 Jun 2026 18:00:00 MESZ</pubDate></item>
        <item><title>D</title><link>{BASE}/d</link><pubDate>3. März 2026</pubDate></item>
        </channel></rss>"""
    entries = parse_feed(feed.encode(), f"{BASE}/feeds/t.rss").entries
    assert [e.published for e in entries] == [
        "2026-12-03T17:00:00+00:00",
        "2026-12-03T17:00:00+00:00",
        "2026-06-03T16:00:00+00:00",
        "2026-03-03",
    ]


@pytest.mark.parametrize("reference", ["&#xD800;", "&#x110000;", "&#99999999999;", "&#xDFFF"])
def test_a_reference_to_no_character_is_a_warning_not_the_feeds_end(reference: str) -> None:
    """feedparser raised on one such reference in one title (chr() of half a UTF-16 pair,
    or past the last character): the poll logged a traceback, stored none of the feed's
    entries, and paused the feed after six polls."""
    document = (
        "<rss version='2.0'><channel><title>Wire</title>"
        f"<item><title>Bad {reference} title</title><link>{BASE}/1</link></item>"
        f"<item><title>Good title</title><link>{BASE}/2</link>"
        "<description>&lt;p&gt;A control &amp;#1; character&lt;/p&gt;</description></item>"
        "</channel></rss>"
    ).encode()
    feed = parse_feed(document, f"{BASE}/feed.rss", "application/rss+xml")
    assert [e.title for e in feed.entries] == ["Bad \ufffd title", "Good title"]
    assert feed.entries[1].text == "A control character"
    assert feed.problem is not None
    assert feed.problem.endswith(
        f"1 character reference to no character ({reference!r}) read as \ufffd"
    )
