"""A careful HTTP client for feeds and article pages, which are other people's servers.

What it guarantees, because a feed URL is input from a chat:
- only http and https, at every redirect hop, and at most `max_redirects` hops;
- no connection to a private, loopback, link-local, multicast or otherwise non-public address,
  checked on the addresses DNS returns at connect time -- the address checked is the address
  connected to, so a name cannot resolve to a public address for the check and a private one
  for the request -- unless `allow_private` allows it (`PrivateAllowed`: the hosts and
  networks of your own network that feeds are on; every private address, for tests), and
  never a link-local one (a cloud's metadata) unless a network it lists holds it
  (`private_addresses`: which addresses those are);
- a timeout per network operation and a deadline for the whole fetch, redirects included;
- a cap on the (decompressed) body, enforced while reading, so a huge or endless response
  costs at most the cap: bodies are decompressed here, a chunk at a time to at most the cap
  (httpx inflates each chunk whole: a 7 KB gzip of a gzip would take 8 GB), and only gzip or
  deflate, once (`content_encoding`);
- conditional GET: an ETag and Last-Modified given back become If-None-Match and
  If-Modified-Since, and a 304 answer is reported as not modified.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpcore
import httpx

from retrieval.addresses import masked_url
from retrieval.charset import decode_body
from retrieval.errors import BlockedURLError, FetchError, TooLargeError
from retrieval.feeds.content_encoding import ENCODINGS, Inflater
from retrieval.feeds.private_addresses import PrivateAllowed, is_public_address

USER_AGENT = "newsbot/0.1 (self-hosted news bot; feed reader)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = (301, 302, 303, 307, 308)
_PERMANENT = (301, 308)  # the address has moved for good (RFC 9110 15.4): the rest are for now


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
        headers = {"Accept": accept, "Accept-Encoding": ENCODINGS}
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
            body = Inflater(response.headers.get("content-encoding"), cap, url)
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
