"""Every error newsbot raises on purpose, each with a message a person can act on.

NewsbotError
 ├── ConfigError      a setting with a value newsbot cannot use; names it and what it takes
 ├── ParseError       a file or record that cannot be read as an article
 │    └── ExpansionCapError  a compressed file that expands past the cap (a likely bomb)
 ├── StoreError       the database cannot be opened, is newer than this code, or refuses a write
 ├── IndexFileError   a persisted index that is missing, stale or corrupt (rebuilt, never trusted)
 ├── IndexWriteError  the index cannot be saved: disk full, folder read-only, path is a file
 ├── FetchError       a URL that could not be had: HTTP error, timeout, too large, unreachable
 │    ├── BlockedURLError  a URL newsbot will not fetch: not http(s), or a non-public address
 │    └── TooLargeError    an answer over the size cap: the same again when asked again
 ├── FeedError        a feed that cannot be added or found as asked
 │    └── BadFeedAddress   an address no feed may have, by its text and the settings alone
 ├── ScheduleError    a time of day or a time zone that is not one
 └── DigestError      digest keywords too common to filter by

The command line prints the message of any of them, never a traceback; the bot tells a user
the message where the user can fix what it names (a /subscribe time, /digest keywords).
"""

import errno

# What a write meets where there is no room left: a full disk, a quota, a file size limit
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class NewsbotError(Exception):
    """Base class of every error the core raises on purpose."""


class ConfigError(NewsbotError):
    """A setting with a value newsbot cannot use; the message names the setting and the
    values it takes, never a secret's value."""


class ParseError(NewsbotError):
    """An input file or record that is not an article we can read.

    The message names the reason; the ingest report adds the file name (and line).
    """


class ExpansionCapError(ParseError):
    """A compressed file that decompresses to more than the cap; the message says the cap
    and how to raise it. What was read before it stays good."""


class StoreError(NewsbotError):
    """The database cannot be used as asked."""


class IndexFileError(NewsbotError):
    """A persisted index that does not match its database or fails its checksum."""


class IndexWriteError(NewsbotError):
    """The index cannot be written beside its database; the message says why and what to do.

    Nothing is lost: the index is a cache of the database, searchable from memory meanwhile.
    """


class FetchError(NewsbotError):
    """A feed or page that could not be fetched; the message is the reason, `url` the address."""

    def __init__(
        self,
        message: str,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status  # the HTTP status of the answer, when there was one
        self.retry_after = retry_after  # seconds the server asked us to wait (Retry-After)


class BlockedURLError(FetchError):
    """A URL refused before any request is sent: another scheme, or an address that is
    private, loopback, link-local or otherwise not public (unless private URLs are allowed).
    The message ends with the `advice` that would allow it, if any, in parentheses;
    `unadvised` is the message without it: what to tell of a link someone else wrote (an
    outside feed's entry), which no setting should be widened for."""

    def __init__(self, message: str, url: str | None = None, advice: str | None = None) -> None:
        super().__init__(f"{message} ({advice})" if advice else message, url)
        self.unadvised = message


class TooLargeError(FetchError):
    """An answer over the fetcher's size cap (declared or counted): no failure of the
    moment, so a page that gives it is not fetched again (`page_retries`)."""


class FeedError(NewsbotError):
    """A feed registration that cannot be done: a bad URL or interval, an unknown feed."""


class BadFeedAddress(FeedError):
    """An address refused as a feed's before anything is fetched or looked up: not http(s),
    malformed, too long, or naming a private host NEWSBOT_ALLOW_PRIVATE_URLS does not list.
    The command line's usage error (exit 2); a feed refused after looking is exit 1."""


class ScheduleError(NewsbotError):
    """A time of day or time zone that is not one; the message gives examples that are."""


class DigestError(NewsbotError):
    """A digest that cannot be made as asked: keywords that are all too common words."""
