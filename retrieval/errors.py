"""Exceptions raised by the retrieval core.

NewsbotError
 ├── ParseError       a file or record that cannot be read as an article
 ├── StoreError       the database cannot be opened, is newer than this code, or refuses a write
 ├── IndexFileError   a persisted index that is missing, stale or corrupt (rebuilt, never trusted)
 ├── FetchError       a URL that could not be had: HTTP error, timeout, too large, unreachable
 │    └── BlockedURLError  a URL newsbot will not fetch: not http(s), or a non-public address
 └── FeedError        a feed that cannot be added or found as asked
"""


class NewsbotError(Exception):
    """Base class of every error the core raises on purpose."""


class ParseError(NewsbotError):
    """An input file or record that is not an article we can read.

    The message names the reason; the ingest report adds the file name (and line).
    """


class StoreError(NewsbotError):
    """The database cannot be used as asked."""


class IndexFileError(NewsbotError):
    """A persisted index that does not match its database or fails its checksum."""


class FetchError(NewsbotError):
    """A feed or page that could not be fetched; the message is the reason, `url` the address."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class BlockedURLError(FetchError):
    """A URL refused before any request is sent: another scheme, or an address that is
    private, loopback, link-local or otherwise not public (unless private URLs are allowed)."""


class FeedError(NewsbotError):
    """A feed registration that cannot be done: a bad URL or interval, an unknown feed."""
