"""Web addresses as newsbot keeps and shows them: one canonical form an article is stored
and found under, and credentials never kept, shown, logged or sent.

An address comes in from a file, a feed or a page, and may carry a private feed's token, a
signed link's signature, a user:password@. `canonical_url` is the stored form of an
article's address; `without_credentials` and `public_url` drop what can only be a
credential; `masked` hides, where an address is quoted back (an error, a list of feeds),
what must not be shown. `site_of` is the site an address is on, as a poll groups feeds and
an article without an outlet is named.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from urllib.parse import (
    SplitResult,
    parse_qsl,
    unquote,
    unquote_plus,
    urlencode,
    urlsplit,
    urlunsplit,
)

import idna

# Dropped from an article's address (`canonical_url`) as naming a visit, never the page:
# among them ?session=, a session id in a link (an ops review found ?session=SESS1 stored and
# shown by `ask --json`), but in a feed's own address possibly its section, so no credential
# (`CREDENTIAL_PARAMS`: two feeds at ?session=politics and ?session=sports stay two)
_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|ref_src|session)$", re.IGNORECASE
)
# Query parameters that are credentials whatever the site (a private feed's ?token=, a signed
# link's ?sig=, an export's ?api_key=), matched whole (case aside); `is_credential` adds the
# names of the wider rule (`_SECRET_PARAM`) that cannot name a page. A session id named so
# (?sessionid=, ?PHPSESSID=, ?jsessionid=) is a login while it lasts, and names a visit,
# never a page. ?sid= and ?session= are left: in a feed's address they may name a section
# (masked when shown: `_SECRET_PARAM`); an article's address loses ?session= as tracking
# (`_TRACKING_PARAMS`).
CREDENTIAL_PARAMS = frozenset(
    {"token", "access_token", "auth_token", "api_key", "apikey", "sig", "signature", "pwd"}
    | {"password", "passwd", "jwt", "secret"}
    | {"sessionid", "session_id", "sessid", "phpsessid", "jsessionid"}
)
MASK = "***"
# Query parameters whose values are credentials (?token=, ?access_token=, ?api_key=,
# ?x-api-key=, ?sig=, ?pwd=, ?jwt=, a session's ?sid= or ?PHPSESSID=...), by their whole
# name or its last part: for a feed's own address (an admin's, often private), whose such
# parameters are masked wherever it is shown and dropped from the links it gives. A session
# id is a login while it lasts.
_SECRET_PARAM = re.compile(
    r"^(?:.*[_.-])?(?:token|key|apikey|authkey|secret|pass|password|passwd|pwd|sig|signature"
    r"|auth|jwt|session|sessionid|sid|sessid|phpsessid|jsessionid|credentials?)$",
    re.IGNORECASE,
)
# The last parts of `_SECRET_PARAM`'s names that may, in any address, name the page or the
# feed itself: ?key=world, ?story_key=101 (an article's id: two articles stored under one
# address are one, and the second was lost), ?sid= (a section; a PHP-Nuke article's id),
# ?session= (tracking, in an article's address) ...
_MAY_NAME_THE_PAGE = frozenset({"key", "sid", "session"})
# ... unless the part before says whose: ?api_key=, ?x-api-key=, ?access-key=,
# ?Ocp-Apim-Subscription-Key=, ?session_key=
_CREDENTIAL_HEADS = frozenset(
    {"api", "access", "secret", "private", "auth", "subscription", "consumer", "client"}
    | {"app", "signing", "developer", "license", "master", "shared", "session", "user"}
)
_LAST_PART = re.compile(r"^(?:(?P<head>.*)[_.-])?(?P<last>[^_.-]+)$")


def is_credential(name: str) -> bool:
    """Whether a query parameter named `name` (unquoted) can be nothing but a credential,
    whatever the site: `CREDENTIAL_PARAMS`, or a name of `_SECRET_PARAM`'s (?auth=,
    ?client_secret=, ?X-Amz-Signature=, ?X-Amz-Credential=, ?x-api-key=) but for those that
    may name the page (`_MAY_NAME_THE_PAGE`). An article's address is stored, quoted and
    linked without them (`canonical_url`), however it came in."""
    folded = name.casefold()
    if folded in CREDENTIAL_PARAMS:
        return True
    if not _SECRET_PARAM.match(folded) or (parts := _LAST_PART.match(folded)) is None:
        return False
    if parts["last"] not in _MAY_NAME_THE_PAGE:
        return True
    head = re.split(r"[_.-]", parts["head"] or "")[-1]
    return head in _CREDENTIAL_HEADS


_PATH_PARAM = re.compile(r";([^;/?#]+)")  # a path segment's parameter, ";jsessionid=…"
# A Java server's session in a link's path, put there for a client that sends no cookies
# (a feed poller): it never names the page, and changes with each visit.
_SESSION_IN_PATH = re.compile(r";jsessionid=[^;/?#]*", re.IGNORECASE)


# What an article is stored, shown and linked under: an http(s) address, a feed's entry
# link's rule (`feeds.feedformat`) whichever way the article came in. Another scheme
# (javascript:, data:, file:, tg:) is a link that runs or opens something where an answer
# or a digest is shown (`ask --json` read by a web page), or no page at all.
WEB_SCHEMES = ("http://", "https://")


def is_web_address(url: str) -> bool:
    """Whether `url` is an http(s) address, in any letter case."""
    return url.lower().startswith(WEB_SCHEMES)


def canonical_url(url: str | None) -> str | None:
    """Normalize a URL so that the same article is recognized under its variants: the one
    form an article's address is stored, shown and looked up in, whichever way it came in
    (a file of any format, a feed, a page).

    Lower-cases scheme and host, drops the user name and password, the fragment, default
    ports, tracking parameters, credentials (`is_credential`), a session in the path
    (";jsessionid=…") and a trailing slash, and is written readably (`readable_url`): one
    address whether a browser copied it percent-encoded or a site wrote it in its letters.
    None for no address, and for one that is not http(s) (`is_web_address`): an article
    that gives one is stored without an address, as a feed's entry with one is.
    """
    if not url or not is_web_address(url := url.strip()):
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 address, which `hostname` gives without its brackets
        host = f"[{host}]"
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80)
        or (parts.scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(k) and not is_credential(k)
        ]
    )
    path = _SESSION_IN_PATH.sub("", parts.path).rstrip("/") or "/"
    return readable_url(urlunsplit((parts.scheme.lower(), host, path, query, "")))


# A character's percent-encoding, and a run of them (one character may take up to four)
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# Characters that mean the same encoded or not (RFC 3986's unreserved): "%7E" is "~"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def readable_url(url: str) -> str:
    """An http(s) address written one way, as a reader reads it: its host in IDNA's ASCII
    form, as UTS 46 maps it ("Bücher.de" is "xn--bcher-kva.de": shown in its letters, a
    look-alike host in another script, "аррӏе.com", would read as the real one), and its
    path and query with the characters a browser percent-encodes when it copies a link
    ("stra%C3%9Fburg", "%D9%85…") or a server writes plainly ("%7E") decoded: "straßburg".
    What changes the address's meaning stays encoded, in capitals: a reserved
    character ("%2F" is no "/", "%26" no "&"), a space, a control or an invisible one (a
    bidi override that would make the address read otherwise), bytes that are no UTF-8.
    Anything else is returned as it is. The stored form of an article's address
    (`canonical_url`), and what migration 39 rewrote the addresses stored before in."""
    if url.isascii() and "%" not in url and "xn--" not in url.lower():
        return url  # most addresses: nothing to decode, at ingest's pace
    parts = split_url(url)
    if parts.scheme.lower() not in ("http", "https"):
        return url
    netloc = _readable_netloc(parts.netloc)
    path, query = _decoded_escapes(parts.path), _decoded_escapes(parts.query)
    if (netloc, path, query) == (parts.netloc, parts.path, parts.query):
        return url
    return urlunsplit(parts._replace(netloc=netloc, path=path, query=query))


def _readable_netloc(netloc: str) -> str:
    """`netloc` with its host in IDNA's ASCII form (`readable_url`); as it is if the host is
    no internationalized domain name, or one IDNA refuses (kept as it came, never guessed)."""
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.rpartition(":") if "]" not in hostport else ("", "", "")
    if not colon or not port.isdigit():
        host, colon, port = hostport, "", ""
    if host.isascii() and "xn--" not in host.lower():
        return netloc
    try:
        readable = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return netloc
    return f"{userinfo}{at}{readable}{colon}{port}"


def _decoded_escapes(text: str) -> str:
    """`text` with its percent-encoded characters decoded where that changes no meaning
    (`readable_url`), the others' escapes in capitals."""
    return _ESCAPES.sub(lambda run: _decoded_run(run[0]), text)


def _decoded_run(run: str) -> str:
    """A run of escapes ("%C3%9F%2F") decoded character by character as UTF-8."""
    data = bytes.fromhex(run.replace("%", ""))
    text = data.decode("utf-8", errors="surrogateescape")
    return "".join(_decoded_char(char) for char in text)


def _decoded_char(char: str) -> str:
    if char in _UNRESERVED or (not char.isascii() and char.isprintable() and not char.isspace()):
        return char
    raw = char.encode("utf-8", errors="surrogateescape")
    return "".join(f"%{byte:02X}" for byte in raw)


# A directory's index page, which a server also serves at the directory's own address: CNN's
# ".../salvador-ramos/index.html" is ".../salvador-ramos", and news-qa-dev stored 6 stories
# twice under the two (`same_page`)
_INDEX_PAGE = re.compile(r"/index\.html?$", re.IGNORECASE)
INDEX_PAGES = ("index.html", "index.htm")
# A site's page served over http and https, at "www." and without: one page (a feed's link
# "http://example.com/story/1/", a file's "https://www.example.com/story/1")
_WWW = "www."


def same_page(url: str) -> str:
    """The key under which two stored (canonical) addresses are one page: `url` without a
    directory's index page ("/index.html", "/index.htm") or a trailing slash, over https and
    without a leading "www." of its host. Only to find a duplicate (or the article an
    address names): an article keeps the address it came with (`canonical_url`)."""
    parts = split_url(url)
    path = _INDEX_PAGE.sub("", parts.path).rstrip("/") or "/"
    if parts.scheme.lower() not in ("http", "https"):
        return url if path == parts.path else urlunsplit(parts._replace(path=path))
    netloc = _bare_host(parts.netloc)
    if (parts.scheme, netloc, path) == ("https", parts.netloc, parts.path):
        return url
    return urlunsplit(parts._replace(scheme="https", netloc=netloc, path=path))


def _bare_host(netloc: str) -> str:
    """`netloc` without a leading "www." of a host that has a domain after it."""
    # Not `site_host`: this keeps a key an address, so its port, its case and a
    # "www.com" (no site of its own after the "www.") stay as the address wrote them.
    if netloc[: len(_WWW)].lower() == _WWW and "." in netloc[len(_WWW) :].split(":")[0]:
        return netloc[len(_WWW) :]
    return netloc


def site_of(url: str) -> str | None:
    """The site `url` is on: its host without "www." (None: no host). A poll reads one
    site's feeds one after another, and names an article by it when nothing else does."""
    return site_host(urlsplit(url).hostname)


def site_host(host: str | None) -> str | None:
    """`host` as a site is named (`site_of`): without a leading "www." (None: no host)."""
    return host.removeprefix(_WWW) if host else None


@functools.lru_cache(maxsize=2048)  # a batch's addresses are looked up twice (`copies`)
def same_page_urls(url: str) -> tuple[str, ...]:
    """The stored addresses that are the page `url` is (`same_page`), to look up: over
    http and https, with "www." and without, with and without a directory's index page."""
    key = same_page(url)
    parts = split_url(key)
    directory = parts.path.rstrip("/")
    paths = (parts.path, *(f"{directory}/{page}" for page in INDEX_PAGES))
    if parts.scheme != "https":
        return tuple(urlunsplit(parts._replace(path=path)) for path in paths)
    return tuple(
        urlunsplit(parts._replace(scheme=scheme, netloc=netloc, path=path))
        for scheme in ("https", "http")
        for netloc in (parts.netloc, _WWW + parts.netloc)
        for path in paths
    )


def without_credentials(url: str, also: Collection[str] = ()) -> str:
    """`url` without its user name and password and without the query parameters that can
    only be credentials (`is_credential`, and the names `also`, case aside), nor the
    path segments' parameters named in `also` (";jsessionid=…": only a feed's own, since
    ";token=" in a path may be part of what names the page); the rest as written, and `url`
    itself if it has none. Never raises: an address `urlsplit` refuses is read plainly
    (`split_url`)."""
    parts = split_url(url)
    also_dropped = {name.casefold() for name in also}
    pairs = parts.query.split("&")
    kept = [
        p for p in pairs if p and not _dropped(unquote_plus(p.partition("=")[0]), also_dropped)
    ]
    path = _PATH_PARAM.sub(
        lambda m: "" if unquote(m[1].partition("=")[0]).casefold() in also_dropped else m[0],
        parts.path,
    )
    unchanged = len(kept) == len([p for p in pairs if p]) and path == parts.path
    if "@" not in parts.netloc and unchanged:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=netloc, path=path, query="&".join(kept)))


def _dropped(name: str, also: Collection[str]) -> bool:
    return is_credential(name) or name.casefold() in also


def split_url(url: str) -> SplitResult:
    """`urlsplit`, and for what it refuses (an unclosed "[" of an IPv6 host) the same parts
    read plainly: an address that is not one is still cleaned, or masked when quoted back."""
    try:
        return urlsplit(url)
    except ValueError:
        scheme, sep, rest = url.partition("://")  # the first: a query may hold another
        if not sep:
            scheme, rest = "", url
        rest, _, fragment = rest.partition("#")
        rest, _, query = rest.partition("?")
        netloc, slash, path = rest.partition("/")
        return SplitResult(scheme, netloc, slash + path, query, fragment)


def secret_params(url: str) -> set[str]:
    """The names of the parameters of `url` that carry credentials (`_secrets_in_place`): of
    its query, and of its path's segments (";jsessionid=…")."""
    parts = split_url(url)
    pairs = [*parts.query.split("&"), *_PATH_PARAM.findall(parts.path)]
    names = (unquote(pair.partition("=")[0]) for pair in pairs)
    return {name for name in names if _SECRET_PARAM.match(name)}


def _secrets_in_place(
    url: str, only_credentials: bool = False
) -> list[tuple[str, re.Pattern[str], str]]:
    """What in a feed's address must never be shown, logged or sent to a chat: the password
    (or a user name alone, often a token) and the values of parameters named like
    credentials, each as written in the address (so an error that quotes it is masked too),
    with a pattern of its place in the address quoted ("//bob:pw@", "?api_key=pw",
    "&pwd=pw") and that place masked; longest first, so that one secret inside another is
    masked whole. `only_credentials`: of the query parameters, only those that can be
    nothing else (`is_credential`), not a ?key= or a ?sid=."""
    parts = split_url(url)
    found = []
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at:
        user, colon, password = userinfo.partition(":")
        secret, shown = (password, f"//{user}:{MASK}@") if colon else (user, f"//{MASK}@")
        found.append((secret, re.compile(re.escape(f"//{userinfo}@")), shown))
    for pair in parts.query.split("&"):
        name, _, value = pair.partition("=")
        credential = (
            is_credential(unquote(name))
            if only_credentials
            else _SECRET_PARAM.match(unquote(name)) is not None
        )
        if value and credential:
            place = re.compile(r"(?<=[?&])" + re.escape(pair) + r"(?![\w%~+-])")
            found.append((value, place, f"{name}={MASK}"))
    if not only_credentials:  # a session in the path: "/feed.rss;jsessionid=…"
        for pair in _PATH_PARAM.findall(parts.path):
            name, _, value = pair.partition("=")
            if value and _SECRET_PARAM.match(unquote(name)) is not None:
                place = re.compile(r"(?<=;)" + re.escape(pair) + r"(?![\w%~+-])")
                found.append((value, place, f"{name}={MASK}"))
    return sorted(found, key=lambda item: len(item[0]), reverse=True)


def masked(text: str, url: str) -> str:
    """`text` with the credentials of the address `url` (`_secrets_in_place`) masked: where the
    address is quoted, and anywhere else when three characters or more (a secret of one or
    two would mask every such run of letters in the text)."""
    for secret, place, shown in _secrets_in_place(url):
        text = place.sub(shown.replace("\\", "\\\\"), text)  # literal: a name may hold "\\1"
        if len(secret) >= 3:
            text = text.replace(secret, MASK)
    return text


def credentials_masked(url: str) -> str:
    """`url` with what can only be credentials masked where they stand, and nowhere else:
    its user:password@ (or user name alone) and the values of `is_credential`'s. Two
    addresses that differ only there (a rotated ?token=, a new password) give one. The
    values of names that may be a credential or may name what is fetched (?key=world,
    ?sid=politics: masked when shown) are kept: addresses differing in them give two."""
    for _, place, shown in _secrets_in_place(url, only_credentials=True):
        url = place.sub(shown.replace("\\", "\\\\"), url)
    return url


def masked_url(url: str) -> str:
    """An address (a feed's, a link, an entry's key) with its own credentials masked."""
    return masked(url, url)


def public_url(url: str, also: Iterable[str] = ()) -> str:
    """A feed's link without credentials (`without_credentials`): no user:password@,
    none of the query parameters that can only be one, nor the parameters (of the query
    or of a path segment, ";jsessionid=…") that carry one in the feed's own address (`also`:
    its `Feed.secret_params`). A private feed's links often
    carry the subscriber's token: an article is stored and shown (in answers, digests, to
    any chat) under the address anyone may see."""
    return urlunsplit(split_url(without_credentials(url, tuple(also))))
