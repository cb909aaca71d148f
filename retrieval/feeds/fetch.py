"""A careful HTTP client for feeds and article pages, which are other people's servers.

What it guarantees, because a feed URL is input from a chat:
- only http and https, at every redirect hop, and at most `max_redirects` hops;
- no connection to a private, loopback, link-local, multicast or otherwise non-public address,
  checked on the addresses DNS returns at connect time -- the address checked is the address
  connected to, so a name cannot resolve to a public address for the check and a private one
  for the request -- unless `allow_private` allows it (`PrivateAllowed`: the hosts and
  networks of your own network that feeds are on; every private address, for tests), and
  never a link-local one (a cloud's metadata) unless a network it lists holds it;
- a timeout per network operation and a deadline for the whole fetch, redirects included;
- a cap on the (decompressed) body, enforced while reading, so a huge or endless response
  costs at most the cap: bodies are decompressed here, a chunk at a time to at most the cap
  (httpx inflates each chunk whole: a 7 KB gzip of a gzip would take 8 GB), and only gzip or
  deflate, once;
- conditional GET: an ETag and Last-Modified given back become If-None-Match and
  If-Modified-Since, and a 304 answer is reported as not modified.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TypeAlias

import httpcore
import httpx

from retrieval.addresses import masked_url
from retrieval.charset import decode_body
from retrieval.errors import BlockedURLError, FetchError, TooLargeError

USER_AGENT = "newsbot/0.1 (self-hosted news bot; feed reader)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = (301, 302, 303, 307, 308)
_PERMANENT = (301, 308)  # the address has moved for good (RFC 9110 15.4): the rest are for now
_ENCODINGS = "gzip, deflate"  # what `_Inflater` reads; asked for, so no other should come


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (a number of seconds, or an HTTP date);
    None when there is none or it cannot be read."""
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # not "²", which isdigit takes and float does not
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_READ = frozenset({"gzip", "x-gzip", "deflate"})  # the compressions `_Inflater` undoes
_UNREAD = frozenset({"br", "zstd", "compress", "x-compress"})  # compressions it refuses


class _Inflater:
    """A body's Content-Encoding undone as it arrives, to at most `cap` bytes.

    One layer of gzip or deflate: two layers (a "gzip, gzip" bomb) or a compression it does
    not read (br, zstd) are refused, as a FetchError saying so. zlib's `max_length` bounds
    each step's output, so a chunk that would inflate past the cap costs the cap and no more.
    """

    def __init__(self, encoding: str | None, cap: int, url: str) -> None:
        # What no server should send and some do ("UTF-8", "none", "binary") is passed over,
        # as httpx and browsers do: the body is as it came.
        codings = [c.strip().lower() for c in (encoding or "").split(",")]
        codings = [c for c in codings if c in _READ or c in _UNREAD]
        if len(codings) > 1:
            raise FetchError(f"compressed {len(codings)} times ({encoding}): refused", url)
        self.coding = codings[0] if codings else None
        if self.coding in _UNREAD:
            raise FetchError(f"{self.coding} compression, not asked for: refused", url)
        self.cap, self.url = cap, url
        self.size = 0
        self._wbits = zlib.MAX_WBITS | 16 if self.coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(self._wbits)
        # deflate comes zlib-wrapped or raw, as some servers send it: its first two bytes say
        # which, and a first chunk may be one byte, so they are held until both have come
        self._head: bytes | None = b"" if self.coding == "deflate" else None

    def feed(self, raw: bytes) -> list[bytes]:
        """The body bytes `raw` brings; FetchError past the cap or on a broken stream."""
        if self.coding is None:
            return self._counted([raw])
        try:
            if self._head is not None:
                raw, self._head = self._head + raw, None
                if len(raw) < 2:
                    self._head = raw
                    return []
                if not _zlib_header(raw):
                    self._wbits = -zlib.MAX_WBITS
                    self._zlib = zlib.decompressobj(self._wbits)
            return self._inflate(raw)
        except zlib.error as exc:
            raise FetchError(f"broken {self.coding} body: {exc}", self.url) from None

    def _inflate(self, data: bytes) -> list[bytes]:
        out = []
        while data:
            if self._zlib.eof:
                # gzip may hold several members one after another (RFC 1952), which read
                # as one body, as gzip.decompress reads them; anything else after the end
                # of the stream is trailing junk, passed over
                if self.coding == "deflate" or not _GZIP_MAGIC.startswith(data[:2]):
                    break
                self._zlib = zlib.decompressobj(self._wbits)
            out.append(self._zlib.decompress(data, self.cap - self.size + 1))
            self.size += len(out[-1])
            if self.size > self.cap:
                raise TooLargeError(f"response is over the {self.cap}-byte cap", self.url)
            data = self._zlib.unconsumed_tail or self._zlib.unused_data
        return out

    def _counted(self, chunks: list[bytes]) -> list[bytes]:
        self.size += sum(map(len, chunks))
        if self.size > self.cap:
            raise TooLargeError(f"response is over the {self.cap}-byte cap", self.url)
        return chunks


_GZIP_MAGIC = b"\x1f\x8b"


def _zlib_header(head: bytes) -> bool:
    """Whether two bytes open a zlib stream (RFC 1950: deflate, a window of at most 32 KB,
    a check that makes the pair a multiple of 31); raw deflate data rarely passes."""
    return head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0


@dataclass(frozen=True, slots=True)
class FetchLimits:
    timeout: float = 10.0  # seconds for each connect, read or write
    deadline: float = 30.0  # seconds for the whole fetch, redirects included
    max_bytes: int = 5 * 1024 * 1024  # of the decompressed body
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response worth reading: 2xx with its body, or 304 (not modified) without one."""

    url: str  # after redirects
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    # Where the address asked for has moved for good: the end of the permanent redirects
    # (301, 308) it led through before any temporary one; None if it has not moved
    moved_to: str | None = None
    redirected: bool = False  # `url` is not the address asked for: a redirect led there

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body as text: its declared charset, else UTF-8, else windows-1252."""
        return decode_body(self.content, self.content_type)


# Not the public internet, whatever a Python version's `is_global` says of them: each of its
# releases has read IANA's registries otherwise (3.11 takes 192.0.0.9 and fec0::1 for public).
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network": 0.0.0.0 reaches the machine itself
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local: cloud metadata (169.254.169.254) and its credentials
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments (192.0.0.9, 192.0.0.10 among them)
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relays, deprecated
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
        "::/128",
        "::1/128",
        "64:ff9b:1::/48",  # local-use IPv4/IPv6 translation (RFC 8215)
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments: Teredo (2001::/32), benchmarking, ORCHID
        "2001:db8::/32",
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local, deprecated but still routed inside some networks
        "ff00::/8",  # multicast
    )
)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # ::a.b.c.d, deprecated (RFC 4291)
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # ::ffff:0:a.b.c.d (RFC 2765)


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet: in none of `_NOT_PUBLIC`'s networks
    and global for Python too; an IPv6 address that carries an IPv4 one (mapped,
    compatible, translated, NAT64, 6to4) is as public as that IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return False
    if any(ip in network for network in _NOT_PUBLIC) or not ip.is_global or ip.is_multicast:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(ip)) is not None:
        return is_public_address(str(embedded))
    return True


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries, which is where a connection to it goes."""
    if ip in _IPV4_COMPATIBLE or ip in _IPV4_TRANSLATED or ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.ipv4_mapped or ip.sixtofour


def named_local(url: httpx.URL, allowed: PrivateAllowed | None = None) -> str | None:
    """The URL's host if it names a private or local address itself (an IP address in any
    form a resolver reads, 2130706433 and 0x7f000001 and 127.1 among them, or localhost)
    that `allowed` does not allow: known before any lookup, as a feed is added. A name that
    resolves to one is refused when fetched (`_GuardedBackend`)."""
    allowed = allowed or PrivateAllowed()
    host = url.host
    if host == "localhost" or host.endswith(".localhost"):
        return None if allowed.allows(host, "127.0.0.1") else host
    address = named_address(host)
    if address is None or is_public_address(str(address)):
        return None
    return None if allowed.allows(host, str(address)) else host


def named_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address `host` names itself, as a resolver reads it (None: a name to look up).
    IPv4 as inet_aton reads it: one to four parts, each decimal, octal (a leading 0) or
    hex (0x), the last filling the bytes left: 127.1, 2130706433, 0x7f.1 and 0 are
    addresses that getaddrinfo connects to without a lookup."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    parts = host.split(".")
    if len(parts) > 4 or not all(_INET_PART.fullmatch(part) for part in parts):
        return None
    *leading, last = map(_inet_number, parts)
    if any(n > 0xFF for n in leading) or last >= 1 << (8 * (5 - len(parts))):
        return None
    value = last
    for shift, n in enumerate(reversed(leading), start=5 - len(parts)):
        value |= n << (8 * shift)
    return ipaddress.IPv4Address(value)


# One part of an IPv4 address as inet_aton reads it: hex, octal or decimal digits
_INET_PART = re.compile(r"0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*")


def _inet_number(part: str) -> int:
    """The number an `_INET_PART` stands for."""
    if part[:2].lower() == "0x":
        return int(part, 16)
    return int(part, 8 if part.startswith("0") else 10)


_Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network
# Where clouds serve a machine's metadata and the credentials of its role: an outside feed's
# link there would hand them to whoever reads the article. Refused even where private
# addresses are allowed, unless a network listed holds them.
_LINK_LOCAL = tuple(
    ipaddress.ip_network(network)
    for network in ("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128")  # the last: AWS's
)
# A host named in NEWSBOT_ALLOW_PRIVATE_URLS: a name as a URL has it (IDNA-encoded)
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


@dataclass(frozen=True, slots=True)
class PrivateAllowed:
    """The non-public addresses a fetch may connect to (NEWSBOT_ALLOW_PRIVATE_URLS): every
    private and loopback one (`everything`), those the `hosts` named resolve to, and those in
    `networks`. A link-local address (169.254.169.254) only where a network listed holds it.

    Every feed's entry links and redirects are fetched under the same rule: listing the one
    intranet host a feed is on keeps an outside feed from making the bot fetch the rest of
    the network."""

    everything: bool = False
    hosts: frozenset[str] = frozenset()
    networks: tuple[_Network, ...] = ()
    # the entries as the setting lists them, in its order: a refusal's remedy adds to them
    listed: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def of(cls, allow: bool | PrivateAllowed) -> PrivateAllowed:
        """`allow` as a PrivateAllowed: True, every private address; False, none."""
        return allow if isinstance(allow, PrivateAllowed) else cls(everything=allow)

    @classmethod
    def parse(cls, text: str) -> PrivateAllowed:
        """Hosts and networks, separated by commas: "intranet.example, 10.1.0.0/16, fd00::5"
        (an address is a network of one). ValueError names an entry that is neither."""
        hosts: set[str] = set()
        networks: list[_Network] = []
        entries = tuple(filter(None, (part.strip() for part in text.split(","))))
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            host = _host_key(entry)
            if not _HOST_NAME.fullmatch(host):
                raise ValueError(f"{entry!r} is neither a host name nor a network")
            if (address := named_address(host)) is not None:  # 127.1, as a resolver reads it
                networks.append(ipaddress.ip_network(address))
            else:
                hosts.add(host)
        return cls(hosts=frozenset(hosts), networks=tuple(networks), listed=entries)

    def setting_with(self, host: str) -> str:
        """The NEWSBOT_ALLOW_PRIVATE_URLS assignment that allows `host` too: the entries
        listed, `host` added, comma-separated as `parse` reads them ("NEWSBOT_ALLOW_PRIVATE_
        URLS=intranet.example,10.1.0.0/16,wiki"); `host` alone where none are listed. Only
        host names and networks: never a URL's credentials."""
        entries = dict.fromkeys([*self.listed, host.strip("[]")])
        return f"NEWSBOT_ALLOW_PRIVATE_URLS={','.join(entries)}"

    def allows(self, host: str, address: str) -> bool:
        """Whether a connection to `host` may go to the non-public `address`."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        carried = [ip, *_carried_ipv4(ip)]
        if any(a in network for a in carried for network in self.networks):
            return True
        if any(a in network for a in carried for network in _LINK_LOCAL):
            return False
        return self.everything or _host_key(host) in self.hosts

    def refusal(self, host: str, address: str) -> BlockedURLError:
        """Why a connection to `host` at `address`, which `allows` refused, is refused, and
        what would allow it (its `advice`)."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(a in network for a in [ip, *_carried_ipv4(ip)] for network in _LINK_LOCAL):
            return BlockedURLError(
                f"{_where(host, address)} a link-local address, where clouds serve their "
                "machines' credentials: refused",
                advice="only a network NEWSBOT_ALLOW_PRIVATE_URLS lists, such as "
                "169.254.0.0/16, allows it",
            )
        return BlockedURLError(
            f"{_where(host, address)} a private or local address: refused",
            advice=f"add it to NEWSBOT_ALLOW_PRIVATE_URLS, e.g. {self.setting_with(host)}, "
            "to fetch from your own network",
        )


def _host_key(host: str) -> str:
    """A host name as PrivateAllowed compares them: lower case, without a final dot."""
    return host.strip().lower().removesuffix(".")


def _carried_ipv4(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> list[ipaddress.IPv4Address]:
    """The IPv4 address an IPv6 one carries, if any, as a list."""
    if isinstance(ip, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(ip)) is not None:
        return [embedded]
    return []


def _where(host: str, address: str) -> str:
    """Where a refused `host` is, before what it is: "example.org is at 10.0.0.5,", but
    "127.0.0.1 is" for an address given as the host ("127.0.0.1 is at 127.0.0.1" named it
    twice)."""
    try:
        same = ipaddress.ip_address(host.strip("[]")) == ipaddress.ip_address(address)
    except ValueError:  # a name, not an address
        same = False
    return f"{host} is" if same else f"{host} is at {address},"


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves host names itself, refuses non-public addresses, connects to a checked one."""

    def __init__(self, allowed: PrivateAllowed) -> None:
        self.allowed = allowed
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 -- httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        refused = [
            a for a in addresses if not is_public_address(a) and not self.allowed.allows(host, a)
        ]
        if refused:
            raise self.allowed.refusal(host, refused[0])
        error: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                error = exc
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 -- httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedURLError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _guarded_transport(allowed: PrivateAllowed) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(retries=0, trust_env=False)
    # httpx has no public way to give its transport a network backend, and the backend is the
    # only place that sees the address actually connected to. Same settings as httpx's own
    # pool otherwise; tests/test_fetch.py fails if this ever stops taking effect.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=20,
        max_keepalive_connections=10,
        keepalive_expiry=5.0,
        network_backend=_GuardedBackend(allowed),
    )
    return transport


# A host as a URL names it: letters, digits, dots, hyphens (underscores are seen too), or an
# IPv6 address; httpx gives it IDNA-encoded, so a name in other scripts passes.
_HOST = re.compile(rb"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%A-Za-z]*")


def check_url(url: str) -> httpx.URL:
    """Parse a URL we may fetch: http(s) with a host; raises BlockedURLError otherwise."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise BlockedURLError(f"not a valid URL: {exc}", url) from None
    if parsed.scheme not in ("http", "https"):
        raise BlockedURLError(
            f"{parsed.scheme or 'no'} scheme: only http and https URLs are fetched", url
        )
    if not parsed.host:
        raise BlockedURLError("the URL has no host", url)
    if not _HOST.fullmatch(parsed.raw_host):  # "exa mple.org" is parsed, as exa%20mple.org
        raise BlockedURLError(f"{parsed.host!r} is not a host name", url)
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise BlockedURLError(f"port {parsed.port} is not a port (1 to 65535)", url)
    return parsed


class Fetcher:
    """Fetches URLs within `limits`; one connection pool, closed by `aclose` or `async with`."""

    def __init__(
        self,
        allow_private: bool | PrivateAllowed = False,
        limits: FetchLimits | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.limits = limits or FetchLimits()
        self._client = httpx.AsyncClient(
            transport=_guarded_transport(PrivateAllowed.of(allow_private)),
            timeout=httpx.Timeout(self.limits.timeout),
            follow_redirects=False,  # followed by hand, checking each hop
            trust_env=False,
            headers={"User-Agent": user_agent},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = PAGE_ACCEPT,
    ) -> Fetched:
        """GET `url`, following redirects; raises FetchError (or BlockedURLError) saying why
        there is nothing to read. A 304 answer to the conditional headers is returned."""
        headers = {"Accept": accept, "Accept-Encoding": _ENCODINGS}
        if etag := _sendable(etag):
            headers["If-None-Match"] = etag
        if last_modified := _sendable(last_modified):
            headers["If-Modified-Since"] = last_modified
        try:
            async with asyncio.timeout(self.limits.deadline):
                return await self._follow(url, headers)
        except TimeoutError:
            raise FetchError(
                f"no complete answer within {self.limits.deadline:g} s", url
            ) from None

    async def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        current = url
        moved_to: str | None = None
        moving = True  # every hop so far a permanent redirect: where they lead, it moved
        for _ in range(self.limits.max_redirects + 1):
            target = check_url(current)
            try:
                async with self._client.stream("GET", target, headers=headers) as response:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        current = str(response.url.join(location))
                        moving = moving and response.status_code in _PERMANENT
                        moved_to = current if moving else moved_to
                        continue
                    conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
                    fetched = await self._read(response, url, conditional, current != url)
                    return replace(fetched, moved_to=moved_to, redirected=current != url)
            except BlockedURLError as exc:
                exc.url = current
                raise
            except httpx.TimeoutException:
                raise FetchError(f"timed out after {self.limits.timeout:g} s", url) from None
            except httpx.ConnectError as exc:
                raise FetchError(_not_connected(exc, target), url) from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}", url) from None
        raise FetchError(f"more than {self.limits.max_redirects} redirects", url)

    async def _read(
        self, response: httpx.Response, url: str, conditional: bool, redirected: bool = False
    ) -> Fetched:
        """The answer to a request for `url`, `redirected` to the address it came from: an
        HTTP error names that address (masked), which is not the one asked for."""
        status = response.status_code
        if status == 304 and not conditional:  # else "not modified" forever, nothing read
            raise FetchError("HTTP 304 Not Modified to a request for the whole document", url)
        if status != 304 and not 200 <= status < 300:
            where = f" at {masked_url(str(response.url))}" if redirected else ""
            raise FetchError(
                f"HTTP {status} {response.reason_phrase}".rstrip() + where,
                url,
                status,
                retry_after(response.headers.get("retry-after")),
            )
        cap = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLargeError(
                f"response of {int(declared)} bytes is over the {cap}-byte cap", url
            )
        chunks: list[bytes] = []
        if status != 304:
            body = _Inflater(response.headers.get("content-encoding"), cap, url)
            async for raw in response.aiter_raw():
                chunks.extend(body.feed(raw))
        return Fetched(
            url=str(response.url),
            status=status,
            content=b"".join(chunks),
            content_type=response.headers.get("content-type"),
            etag=_sendable(response.headers.get("etag")),
            last_modified=_sendable(response.headers.get("last-modified")),
        )


# An OpenSSL error as Python words it: "[SSL: WRONG_VERSION_NUMBER] wrong version number
# (_ssl.c:1006)", its reason the words between the code and the source's place
_SSL_ERROR = re.compile(r"\[SSL: \w+\] (?P<reason>[^(]+?)\s*(?:\(_ssl\.c:\d+\))?$")


def _not_connected(exc: httpx.ConnectError, url: httpx.URL) -> str:
    """Why no connection to `url`'s host was made, in words, not httpx's class name
    ("ConnectError: All connection attempts failed"): "cannot connect to example.org:
    all connection attempts failed"; a TLS failure ("wrong version number": an https://
    address on a server that speaks plain http there) said as one."""
    said = str(exc).strip() or "no connection"
    if said.startswith(("cannot resolve ", f"{url.host} has no address")):  # ours
        return said
    where = url.netloc.decode("ascii", "replace").rpartition("@")[2]  # no user:password
    if tls := _SSL_ERROR.search(said):
        return f"no secure (TLS) connection to {where}: {tls['reason']}"
    return f"cannot connect to {where}: {said[:1].lower()}{said[1:]}"


def _sendable(validator: str | None) -> str | None:
    """An ETag or Last-Modified that can be sent back as a header: printable ASCII. Another
    (a server's "\xff\xfe"), once stored, would fail every poll of its feed before sending."""
    if validator and validator.isascii() and validator.isprintable():
        return validator
    return None
