"""A feed's address as `FeedRegistry.add` stores it and compares it: its plain form, its
credentials apart or dropped, whether it may be added at all.

Apart from the registry's tables because these look at an address alone and write nothing:
the shells ask them too (`new_address`, `moved_note`), and a poll compares a redirect's
target with them (`plain_url`).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from retrieval.addresses import credentials_masked, masked_url, without_credentials
from retrieval.errors import BadFeedAddress, FetchError
from retrieval.feeds.feed import Feed
from retrieval.feeds.fetch import check_url
from retrieval.feeds.private_addresses import PrivateAllowed, named_local
from retrieval.wording import quoted

MAX_URL = 2000  # as browsers and servers bound an address
_DEFAULT_PORTS = {"http": 80, "https": 443}


def plain_url(url: str) -> str:
    """`url` with its scheme and host in lower case, no default port and no fragment (never
    sent to the server), as `add` stores it: HTTPS://EXAMPLE.ORG:443/world.rss#top and
    https://example.org/world.rss are one feed."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    user, at, host = parts.netloc.rpartition("@")
    if port is not None and port == _DEFAULT_PORTS.get(scheme):
        host = host.rsplit(":", 1)[0]
    netloc = f"{user}{at}{host.lower()}"
    return urlunsplit(parts._replace(scheme=scheme, netloc=netloc, fragment=""))


def credentials_apart(url: str) -> str:
    """`url` as `add` stores it, what can only be its credentials masked where they stand
    (`credentials_masked`): one for every token, password or signature the feed may be
    given, and another for each ?sid= or ?key= value, which may name what the feed is."""
    return credentials_masked(plain_url(url))


def credentials_dropped(url: str) -> str:
    """`url` as `add` stores it, without what can only be its credentials
    (`without_credentials`): one for the feed with any of them or none, a token given to a
    feed that had none, or dropped from one that had it; another for each ?sid= or ?key=
    value, which may name what the feed is."""
    return without_credentials(plain_url(url))


def addable(url: str, allow_private: bool | PrivateAllowed = True) -> str:
    """`url` as given, stripped, if it may be added as a feed: an http(s) address of at most
    MAX_URL characters, not one that names itself a private or local host that
    `allow_private` (NEWSBOT_ALLOW_PRIVATE_URLS) does not allow. BadFeedAddress says why not.
    Fetches nothing."""
    url = url.strip()
    if len(url) > MAX_URL:  # every notice about the feed names it
        raise BadFeedAddress(
            f"cannot add {quoted(masked_url(url))}: a feed's address is at most "
            f"{MAX_URL:,} characters"
        )
    try:
        parsed = check_url(url)
    except FetchError as exc:  # said to a chat, or logged: credentials masked
        raise BadFeedAddress(f"cannot add {quoted(masked_url(url), 200)}: {exc}") from None
    allowed = PrivateAllowed.of(allow_private)
    if (local := named_local(parsed, allowed)) is not None:
        raise BadFeedAddress(
            f"cannot add {quoted(masked_url(url), 200)}: {local} is a private or local "
            "address, which newsbot does not fetch from unless NEWSBOT_ALLOW_PRIVATE_URLS "
            f"lists it ({allowed.setting_with(local)})"
        )
    return url


def moved_note(ref: str | int, feed: Feed) -> str:
    """What to add where `feed` is said removed, named by `ref`: where it had moved from
    `ref` for good (`FeedRegistry.moved_from`), its address now; "" if `ref` is its
    address, as stored or shown, or its id."""
    if isinstance(ref, int) or ref.strip().isdigit():
        return ""
    if plain_url(ref) in (plain_url(feed.url), plain_url(feed.shown_url)):
        return ""
    return f", polled at {feed.shown_url} since it moved there for good from {masked_url(ref)}"


def new_address(before: Feed | None, url: str) -> bool:
    """Whether adding `url` stores an address no feed has, the feed it updates being
    `before` (`FeedRegistry.added_before`): a new feed, or a feed's new credentials; not a
    feed added again, as it is, to resume or rename it."""
    return before is None or plain_url(before.url) != plain_url(url)
