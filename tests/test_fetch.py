"""The careful HTTP client, against the loopback server."""

from __future__ import annotations

import re
import zlib

import pytest

from retrieval.charset import charset_of, declared_charset, decode_body
from retrieval.errors import BlockedURLError, FetchError
from retrieval.feeds.content_encoding import Inflater
from retrieval.feeds.fetch import Fetcher, FetchLimits
from retrieval.feeds.private_addresses import PrivateAllowed, is_public_address, named_address
from tests.conftest import TEST_LIMITS
from tests.feed_server import FeedServer, Route


async def test_a_page_is_fetched_with_its_validators(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    fetched = await fetcher.get(url)
    assert fetched.status == 200 and not fetched.not_modified
    assert fetched.content == feed_server.fixture("gazette.rss")
    assert fetched.url == url
    assert fetched.content_type == "application/rss+xml"
    assert fetched.etag == feed_server.routes["/feeds/gazette.rss"].etag
    assert fetched.last_modified == "Thu, 08 Oct 2026 18:00:00 GMT"
    assert feed_server.hits("/feeds/gazette.rss")[0].headers["user-agent"].startswith("newsbot/")


async def test_conditional_get_sends_the_validators_and_reports_not_modified(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    first = await fetcher.get(url)
    again = await fetcher.get(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.content == b""
    sent = feed_server.hits("/feeds/gazette.rss")[1].headers
    assert sent["if-none-match"] == first.etag
    assert sent["if-modified-since"] == first.last_modified
    assert "if-none-match" not in feed_server.hits("/feeds/gazette.rss")[0].headers


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "Not Found"), (500, "Internal Server Error"), (403, "Forbidden")]
)
async def test_http_errors_name_the_status(
    feed_server: FeedServer, fetcher: Fetcher, status: int, reason: str
) -> None:
    feed_server.routes["/x"] = Route(status=status, body=b"no")
    with pytest.raises(FetchError, match=f"HTTP {status} {reason}") as info:
        await fetcher.get(feed_server.url("/x"))
    assert info.value.url == feed_server.url("/x")


async def test_a_server_slower_than_the_timeout_is_given_up_on(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    # slower than the deadline (6 s) too, which says "no complete answer within 6 s": the
    # error tells which limit gave up, no clock needed
    feed_server.routes["/slow"] = Route(body=b"late", delay=60.0)
    with pytest.raises(FetchError, match="timed out after 2 s"):
        await fetcher.get(feed_server.url("/slow"))


async def test_a_body_that_trickles_in_is_cut_at_the_deadline(feed_server: FeedServer) -> None:
    # Each byte arrives well within the read timeout, but the whole never would.
    # (5 s in all; a first byte late on a loaded machine stays within the read timeout)
    feed_server.routes["/drip"] = Route(body=b"x" * 100, drip=0.05)
    limits = FetchLimits(timeout=2.0, deadline=1.0)
    async with Fetcher(allow_private=True, limits=limits) as fetcher:
        with pytest.raises(FetchError, match="no complete answer within 1 s"):
            await fetcher.get(feed_server.url("/drip"))


@pytest.mark.parametrize("send_length", [True, False])
async def test_a_body_over_the_cap_is_refused(
    feed_server: FeedServer, fetcher: Fetcher, send_length: bool
) -> None:
    big = b"<rss>" + b"a" * (TEST_LIMITS.max_bytes + 1) + b"</rss>"
    feed_server.routes["/big"] = Route(body=big, send_length=send_length)
    with pytest.raises(FetchError, match="over the 65536-byte cap"):
        await fetcher.get(feed_server.url("/big"))


async def test_a_body_at_the_cap_is_fine(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.routes["/full"] = Route(body=b"a" * TEST_LIMITS.max_bytes, send_length=False)
    assert len((await fetcher.get(feed_server.url("/full"))).content) == TEST_LIMITS.max_bytes


async def test_a_304_to_a_request_that_was_not_conditional_is_an_error(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    """Else a broken server's feed reads "not modified" at every poll, and nothing is read."""
    feed_server.routes["/stuck"] = Route(status=304)
    with pytest.raises(FetchError, match="HTTP 304 Not Modified to a request for the whole"):
        await fetcher.get(feed_server.url("/stuck"))
    assert (await fetcher.get(feed_server.url("/stuck"), etag='"v1"')).not_modified


def deflated(data: bytes, wbits: int) -> bytes:
    """`data` compressed as gzip (wbits 31), zlib (15) or raw deflate (-15)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("coding", "wbits"), [("gzip", 31), ("x-gzip", 31), ("deflate", 15), ("deflate", -15)]
)
async def test_a_compressed_body_is_read_as_sent(
    feed_server: FeedServer, fetcher: Fetcher, coding: str, wbits: int
) -> None:
    """Decompressed here, not by httpx; deflate zlib-wrapped or raw, as servers send it."""
    body = b"<rss>" + b"harbour news " * 2000 + b"</rss>"
    feed_server.routes["/z"] = Route(
        body=deflated(body, wbits), headers={"Content-Encoding": coding}
    )
    assert (await fetcher.get(feed_server.url("/z"))).content == body
    assert feed_server.hits("/z")[0].headers["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize("wbits", [15, -15])
def test_deflate_is_told_zlib_or_raw_when_its_first_chunk_is_one_byte(wbits: int) -> None:
    body = b"<rss>" + b"harbour news " * 200 + b"</rss>"
    sent = deflated(body, wbits)
    inflater = Inflater("deflate", 1 << 20, "http://example.test/feed")
    chunks = inflater.feed(sent[:1]) + inflater.feed(sent[1:2]) + inflater.feed(sent[2:])
    assert b"".join(chunks) == body


async def test_a_gzip_body_of_several_members_is_read_whole(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    """Concatenated gzip members are one body (RFC 1952); junk after the last is passed over."""
    first, second = b"<rss>harbour news " * 300, b"and more news</rss>" * 300
    feed_server.routes["/members"] = Route(
        body=deflated(first, 31) + deflated(second, 31) + b"\0\0junk",
        headers={"Content-Encoding": "gzip"},
    )
    assert (await fetcher.get(feed_server.url("/members"))).content == first + second


@pytest.mark.parametrize("coding", ["UTF-8", "none", "binary", "identity", "GZIP, identity"])
async def test_a_coding_that_is_no_compression_leaves_the_body_as_it_came(
    feed_server: FeedServer, fetcher: Fetcher, coding: str
) -> None:
    """Servers send "Content-Encoding: UTF-8" on plain bodies: httpx passed such a body
    over, and so must this, or the feed fails at every poll."""
    body = b"<rss>harbour news</rss>"
    sent = deflated(body, 31) if coding.startswith("GZIP") else body
    feed_server.routes["/plain"] = Route(body=sent, headers={"Content-Encoding": coding})
    assert (await fetcher.get(feed_server.url("/plain"))).content == body


async def test_a_compression_bomb_costs_the_cap_and_no_more(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    """httpx inflated a chunk whole before the cap was checked: a gzip of a gzip (7 KB,
    sent as "gzip, gzip") took 8.6 GB, a single gzip of 100 MB some 130 MB."""
    zeros = b"\0" * (100 << 20)
    feed_server.routes["/bomb"] = Route(
        body=deflated(zeros, 31), headers={"Content-Encoding": "gzip"}
    )
    feed_server.routes["/twice"] = Route(
        body=deflated(deflated(zeros, 31), 31), headers={"Content-Encoding": "gzip, gzip"}
    )
    feed_server.routes["/brotli"] = Route(body=b"\x0b\x02\x80", headers={"Content-Encoding": "br"})
    feed_server.routes["/broken"] = Route(
        body=deflated(b"x" * 1000, 31)[:-20] + b"junk" * 5, headers={"Content-Encoding": "gzip"}
    )
    cases = {
        "/bomb": f"over the {TEST_LIMITS.max_bytes}-byte cap",
        "/twice": "compressed 2 times (gzip, gzip): refused",
        "/brotli": "br compression, not asked for: refused",
        "/broken": "broken gzip body",
    }
    for path, why in cases.items():
        with pytest.raises(FetchError, match=re.escape(why)):
            await fetcher.get(feed_server.url(path))


async def test_redirects_are_followed_to_the_final_url(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    target = feed_server.serve("/feeds/new-home.rss", "gazette.rss")
    feed_server.routes["/old"] = Route(status=301, headers={"Location": "/feeds/new-home.rss"})
    fetched = await fetcher.get(feed_server.url("/old"))
    assert fetched.url == target and fetched.content == feed_server.fixture("gazette.rss")


async def test_too_many_redirects_are_refused(feed_server: FeedServer, fetcher: Fetcher) -> None:
    for i in range(5):
        feed_server.routes[f"/r{i}"] = Route(status=302, headers={"Location": f"/r{i + 1}"})
    feed_server.routes["/r5"] = Route(body=b"finally")
    with pytest.raises(FetchError, match="more than 3 redirects"):
        await fetcher.get(feed_server.url("/r0"))
    assert feed_server.paths() == ["/r0", "/r1", "/r2", "/r3"]


async def test_a_redirect_to_another_scheme_is_refused(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.routes["/to-file"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(BlockedURLError, match="only http and https") as info:
        await fetcher.get(feed_server.url("/to-file"))
    assert info.value.url is not None and info.value.url.startswith("file:")


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/feed", "feed.xml", "javascript:alert(1)", "http://"],
)
async def test_only_http_and_https_urls_are_fetched(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(BlockedURLError):
        await fetcher.get(url)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_loopback_addresses_are_refused_unless_allowed(
    feed_server: FeedServer, host: str
) -> None:
    feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    url = feed_server.url("/feeds/gazette.rss").replace("127.0.0.1", host)
    # a name is said with its address, an address once
    where = "localhost is at 127.0.0.1," if host == "localhost" else "127.0.0.1 is"
    async with Fetcher(limits=TEST_LIMITS) as strict:
        with pytest.raises(BlockedURLError, match=f"^{where} a private or local address"):
            await strict.get(url)
    assert feed_server.requests == []  # refused before anything was sent
    async with Fetcher(allow_private=True, limits=TEST_LIMITS) as lenient:
        assert (await lenient.get(url)).status == 200


async def test_a_redirect_from_an_allowed_hop_is_checked_again(feed_server: FeedServer) -> None:
    # Loopback is the only address a test can reach, so the hop to check is the first one:
    # refusing it proves the check runs at connect time for every connection.
    feed_server.routes["/hop"] = Route(status=302, headers={"Location": "/feeds/x"})
    async with Fetcher(limits=TEST_LIMITS) as strict:
        with pytest.raises(BlockedURLError):
            await strict.get(feed_server.url("/hop"))


async def test_only_the_hosts_and_networks_listed_may_be_private(
    feed_server: FeedServer,
) -> None:
    """NEWSBOT_ALLOW_PRIVATE_URLS=1 opened every private address to every feed: a newsroom
    with one intranet feed let any outside feed's links and redirects make the bot fetch
    its internal pages. A list opens only the hosts and networks it names, at every hop."""
    feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    by_name = feed_server.url("/feeds/gazette.rss").replace("127.0.0.1", "localhost")
    by_address = feed_server.url("/feeds/gazette.rss")
    feed_server.routes["/hop"] = Route(status=302, headers={"Location": by_address})
    hop = feed_server.url("/hop").replace("127.0.0.1", "localhost")
    host = PrivateAllowed.parse("intranet.example, LOCALHOST.")
    async with Fetcher(allow_private=host, limits=TEST_LIMITS) as fetcher:
        assert (await fetcher.get(by_name)).status == 200
        with pytest.raises(BlockedURLError) as refused:
            await fetcher.get(by_address)
        assert str(refused.value).startswith(
            "127.0.0.1 is a private or local address: refused (add it to "
            "NEWSBOT_ALLOW_PRIVATE_URLS, e.g. "
            "NEWSBOT_ALLOW_PRIVATE_URLS=intranet.example,LOCALHOST.,127.0.0.1, "
        )  # what it lists, and the address: the address alone would replace the list
        with pytest.raises(BlockedURLError):  # a redirect from the host listed, elsewhere
            await fetcher.get(hop)
    network = PrivateAllowed.parse("10.0.0.0/8,127.0.0.0/30")
    async with Fetcher(allow_private=network, limits=TEST_LIMITS) as fetcher:
        assert (await fetcher.get(by_address)).status == 200
        assert (await fetcher.get(by_name)).status == 200  # at 127.0.0.1 too
    async with Fetcher(allow_private=PrivateAllowed.parse("10.0.0.0/8"), limits=TEST_LIMITS) as f:
        with pytest.raises(BlockedURLError):
            await f.get(by_name)


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:169.254.169.254]/x"]
)
async def test_a_clouds_metadata_address_is_refused_even_with_every_private_allowed(
    feed_server: FeedServer, url: str
) -> None:
    """169.254.169.254 serves a cloud machine's credentials: a link to it in any feed would
    have been fetched where private addresses were allowed."""
    async with Fetcher(allow_private=True, limits=TEST_LIMITS) as fetcher:
        with pytest.raises(BlockedURLError, match="a link-local address, where clouds serve"):
            await fetcher.get(url)
    listed = PrivateAllowed.parse("169.254.169.254")
    assert listed.allows("169.254.169.254", "169.254.169.254")
    assert not PrivateAllowed.parse("metadata.internal").allows(
        "metadata.internal", "169.254.169.254"
    )
    assert PrivateAllowed(everything=True).allows("intranet", "10.1.2.3")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.0.0.7", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.251", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:93.184.215.14", True),
        ("2002:7f00:1::1", False),
        ("64:ff9b::a00:1", False),
        ("not an address", False),
        # taken for public by Python 3.11's is_global, or carrying a private IPv4 address
        ("fec0::1", False),  # site-local
        ("64:ff9b:1::a00:1", False),  # local-use translation
        ("::7f00:1", False),  # IPv4-compatible ::127.0.0.1
        ("::a00:1", False),
        ("::ffff:0:7f00:1", False),  # IPv4-translated
        ("192.0.0.9", False),  # IETF protocol assignments
        ("2001::1", False),  # Teredo
        ("fd00:ec2::254", False),  # a cloud's metadata service over IPv6
        ("::ffff:0:5db8:d70e", True),  # ... and the public addresses they may carry
        ("64:ff9b::5db8:d70e", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("017700000001", "127.0.0.1"),
        ("0x7f.0.0.0x1", "127.0.0.1"),
        ("10.65535", "10.0.255.255"),
        ("0377.0377.0377.0377", "255.255.255.255"),
        ("::ffff:0:7f00:1", "::ffff:0:7f00:1"),
        ("08", None),  # no octal digit: a name
        ("1.2.3.256", None),
        ("99999999999", None),
        ("1..2", None),
        ("deadbeef", None),
        ("0x", None),
        ("news.example", None),
    ],
)
def test_a_host_names_the_address_a_resolver_reads_in_it(host: str, address: str | None) -> None:
    """getaddrinfo reads 2130706433, 0x7f000001 and 127.1 as inet_aton does, connecting to
    127.0.0.1 without a lookup: a feed at such an address was added, and refused at every
    poll."""
    named = named_address(host)
    assert (str(named) if named else None) == address


async def test_a_windows_1252_page_is_decoded_by_its_declared_charset(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    fetched = await fetcher.get(feed_server.url("/pages/cafe-1252.html"))
    text = fetched.text()
    assert "Café Solberg’s “pay what you can” Mondays" in text
    assert "\ufffd" not in text


FRENCH = (
    "Le café de la gare a rouvert à Noël, après des mois de travaux. « C’est génial », dit Zoë."
)
RUSSIAN = "Городской совет сегодня снова собрался, голосование отложено до понедельника."


@pytest.mark.parametrize(
    ("text", "real", "label"),
    [
        (FRENCH, "utf-8", "ISO-8859-1"),  # read by the label: "cafÃ©", "Ã  NoÃ«l"
        (FRENCH, "utf-8", "windows-1252"),
        (FRENCH, "utf-8", "us-ascii"),
        (RUSSIAN, "utf-8", "windows-1251"),
        (RUSSIAN, "cp1251", "ISO-8859-1"),  # "Ãîðîäñêîé"
        (RUSSIAN, "koi8-r", "windows-1251"),  # "çÏÒÏÄÓËÏÊ", readable letters, wrong ones
    ],
    ids=[
        "utf8-as-latin1",
        "utf8-as-1252",
        "utf8-as-ascii",
        "utf8-as-1251",
        "1251-as-latin1",
        "koi8r-as-1251",
    ],  # fmt: skip
)
@pytest.mark.parametrize("where", ["header", "document"])
def test_a_charset_label_that_makes_nonsense_is_seen_through(
    text: str, real: str, label: str, where: str
) -> None:
    body = text.encode(real)
    if where == "header":
        assert decode_body(body, f"text/html; charset={label}") == text
    else:
        meta = f'<meta charset="{label}">'
        assert decode_body(meta.encode() + body, "text/html") == meta + text


def test_a_right_label_is_kept_where_a_guesser_would_not() -> None:
    german = "Die Brücke über die Straße wird größer; Bürger äußern Ärger über die Maßnahmen."
    # charset-normalizer alone reads this as windows-1250; the label is right and is kept.
    assert decode_body(german.encode("cp1252"), "text/html; charset=ISO-8859-1") == german
    czech = "Městská rada se dnes znovu sešla, hlasování bylo odloženo až na pondělí."
    assert decode_body(czech.encode("cp1250"), "text/html; charset=windows-1250") == czech


def test_a_label_with_a_nul_in_it_is_as_good_as_none() -> None:
    """codecs.lookup raises ValueError, not LookupError, on a NUL: parse_feed raised it."""
    assert decode_body("Café".encode(), "text/xml; charset=utf\x00-8") == "Café"


@pytest.mark.parametrize("label", ["utf-8", "windows-1252", None])
def test_utf8_with_a_broken_byte_is_utf8_but_for_that_byte(label: str | None) -> None:
    """One character cut short, or a stray byte, made a whole UTF-8 page windows-1252:
    "Müller über Straße" read "MÃ¼ller Ã¼ber StraÃŸe" in every entry and page. What is
    UTF-8 is read as UTF-8; the broken bytes as windows-1252."""
    text = "Müller über die Straße, tout à fait d’un œil. " * 5
    for broken, shown in ((b"\xe2\x80", "\u00e2\u20ac"), (b"\xff", "\u00ff")):
        header = f"text/html; charset={label}" if label else None
        body = text.encode() + broken + text.encode()
        assert decode_body(body, header) == text + shown + text
    # text in a legacy charset is nearly all broken UTF-8: read as it is declared, or 1252
    assert decode_body("Le café a été rénové.".encode("cp1252"), None) == "Le café a été rénové."


def test_english_declared_utf8_with_a_broken_byte_is_utf8() -> None:
    """A few curly quotes and one character cut short: no "â€™" for each quote."""
    text = "He said \u2019twas \u201cfine\u201d, and \u2018so\u2019 it was. "
    body = text.encode() + b"\xe2\x80" + b" The end."
    expected = text + "\u00e2\u20ac The end."
    assert decode_body(body, "text/html; charset=utf-8") == expected
    assert decode_body(body, None) == expected


@pytest.mark.parametrize("label", ["windows-1252", "iso-8859-1", "utf-8", None])
def test_a_legacy_page_with_some_utf8_in_it_keeps_every_letter(label: str | None) -> None:
    """Windows-1252 text with a UTF-8 footer (© — “ ”) or UTF-8 leftovers ("\u00c2\u00a0",
    a no-break space read twice): read as one or the other, either its accented letters or
    its UTF-8 were lost. Each part is read as what it is."""
    legacy = "Le caf\u00e9 de Zo\u00eb a \u00e9t\u00e9 r\u00e9nov\u00e9. ".encode("cp1252")
    body = legacy + "\u00a9 2024 \u2014 \u201cNews\u201d\u00a0Desk".encode()
    header = f"text/html; charset={label}" if label else None
    assert decode_body(body, header) == (
        "Le caf\u00e9 de Zo\u00eb a \u00e9t\u00e9 r\u00e9nov\u00e9. "
        "\u00a9 2024 \u2014 \u201cNews\u201d\u00a0Desk"
    )


def test_decoding_prefers_the_header_then_the_document_then_utf8() -> None:
    cafe = "Café “open”".encode("cp1252")
    assert decode_body(cafe, "text/html; charset=windows-1252") == "Café “open”"
    # ISO-8859-1 labels are read as windows-1252, as browsers do: the quotes survive.
    assert decode_body(cafe, "text/html; charset=ISO-8859-1") == "Café “open”"
    assert decode_body(b'<meta charset="windows-1252">' + cafe, None).endswith("Café “open”")
    assert decode_body("Café “open”".encode(), "text/html") == "Café “open”"
    # A wrong declaration does not win over bytes that are plainly UTF-8.
    assert decode_body("Café".encode(), "text/html; charset=utf-16") == "Café"
    assert decode_body(b"\xef\xbb\xbfhi", "text/plain; charset=latin-1") == "hi"
    assert decode_body(b"caf\xe9 noir", None) == "café noir"
    # Undeclared and not UTF-8: windows-1252, as browsers read it.
    undeclared = "".join(
        f"Le café numéro {i} a été rénové, et l’été dernier il était fermé. " for i in range(8)
    )
    assert decode_body(undeclared.encode("cp1252"), "text/html") == undeclared
    # valid UTF-8 under a legacy label is UTF-8 (a café of one accent among plain English)
    plain = ("Plain English words for a long while. " * 40 + "Lunch at the café.").encode()
    assert decode_body(plain, "text/html; charset=iso-8859-1").endswith("café.")
    # the header before the document's own declaration (ISO-8859-15's 0xA4 is the euro)
    page = b'<html><head><meta charset="windows-1252"></head><body>10 \xa4 only</body></html>'
    assert "10 € only" in decode_body(page, "text/html; charset=iso-8859-15")
    assert charset_of('text/html; charset="UTF-8"') == "utf-8"
    assert charset_of("text/html") is None
    assert declared_charset(b'<?xml version="1.0" encoding="windows-1252"?><rss/>') == (
        "windows-1252"
    )


@pytest.mark.parametrize(
    ("label", "codec", "text"),
    [
        ("shift_jis", "cp932", "①髙橋さんが会見を開いた。"),
        ("x-sjis", "cp932", "①髙橋さんが会見を開いた。"),
        ("gb2312", "gb18030", "朱镕基总理今天会见了代表团。"),
        ("euc-kr", "cp949", "똠방각하 서울에서 기자회견을 열었습니다."),
        ("big5", "big5hkscs", "市民在㗎啲地方排隊。"),
        ("iso-8859-9", "cp1254", "Bakan “yeni düzenleme” hakkında açıklama yaptı; İstanbul’da."),
        ("tis-620", "cp874", "นายกรัฐมนตรี “แถลง” ข่าววันนี้"),
    ],
)
def test_a_legacy_label_is_read_as_browsers_read_it(label: str, codec: str, text: str) -> None:
    assert decode_body(text.encode(codec), f"text/html; charset={label}") == text


@pytest.mark.parametrize(
    ("codec", "text"),
    [
        ("cp1251", "Землетрясение в Казани произошло в среду вечером, сообщили спасатели."),
        ("cp932", "水曜日の夜、東京でマグニチュード4.2の地震が発生した。被害はないという。"),
    ],
)
def test_an_undeclared_page_in_another_script_is_read_in_its_charset(
    codec: str, text: str
) -> None:
    """With no label, bytes that are not UTF-8 were read as Windows-1252 whatever they were:
    a Russian page as "Çåìëåòðÿñåíèå"; where that reads as nonsense, the charset they read
    best in is taken."""
    page = f"<html><body><p>{text}</p></body></html>"
    assert decode_body(page.encode(codec)) == page
    assert decode_body("<p>Café naïve — “quoted”</p>".encode("cp1252")) == (
        "<p>Café naïve — “quoted”</p>"
    )
