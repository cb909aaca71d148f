"""A feed as newsbot keeps it, the entries it has given, and when it is polled: its interval
("15m", "1h30m") and the back-off after failures. Reading and writing them is
`registry.FeedRegistry`'s."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.addresses import masked, secret_params, without_credentials
from retrieval.errors import FeedError
from retrieval.wording import quoted

DEFAULT_INTERVAL = 15 * 60.0
MIN_INTERVAL = 60.0  # more often is impolite to the publisher and pointless for news
MAX_BACKOFF = 24 * 3600.0  # a failing feed is still tried at least daily until paused

_INTERVAL_PART = re.compile(r"(\d+)\s*([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    name: str | None
    title: str | None
    interval: float
    added_ts: float
    etag: str | None
    last_modified: str | None
    last_fetch_ts: float | None
    last_ok_ts: float | None
    last_error: str | None
    failures: int
    next_poll_ts: float
    paused_ts: float | None
    # the articles this feed stored that are in the corpus, each once (a re-posted entry
    # too); not those its entries found stored already, from a file or another feed
    articles: int = 0

    @property
    def label(self) -> str:
        """How to name the feed to a person."""
        return self.name or self.title or self.shown_url

    @property
    def shown_url(self) -> str:
        """The feed's address as shown and logged: its credentials masked (`masked`)."""
        return self.masked(self.url)

    def masked(self, text: str) -> str:
        """`text` (an error that may quote the address) with this feed's credentials
        masked."""
        return masked(text, self.url)

    @property
    def has_credentials(self) -> bool:
        """Whether its address carries what can only be credentials (user:password@,
        ?token=: `without_credentials`), not a ?sid= or ?key= that may name the feed."""
        return without_credentials(self.url) != self.url

    @property
    def secret_params(self) -> set[str]:
        """The names of the parameters of its address (of its query, or in its path:
        ";jsessionid=") that carry credentials: its links are likely to repeat them
        (`public_url`)."""
        return secret_params(self.url)

    @property
    def paused(self) -> bool:
        return self.paused_ts is not None

    @property
    def state(self) -> str:
        """Its state in a word: new, ok, warning (read, but in part: its `last_error` says
        why), failing, paused."""
        if self.paused:
            return "paused"
        if self.failures:
            return "failing"
        if self.last_ok_ts is None:
            return "new"
        return "warning" if self.warning else "ok"

    @property
    def status(self) -> str:
        """Its state as listed: a failing feed's with its failures, "failing (3)"."""
        return f"failing ({self.failures})" if self.state == "failing" else self.state

    @property
    def warning(self) -> str | None:
        """Its `last_error` if that is a warning of the document its last fetch read (a
        malformed feed read in part), not why a poll failed: a failing feed added again
        has no failures, and its last error is still the failure's."""
        fetched_well = self.last_ok_ts is not None and self.last_ok_ts >= (self.last_fetch_ts or 0)
        return self.last_error if fetched_well and not self.failures else None

    @property
    def error_label(self) -> str:
        """What its `last_error` is called where shown: a warning of a feed polled well."""
        return "warning" if self.status == "warning" else "last error"


@dataclass(frozen=True, slots=True)
class SeenEntry:
    """An entry a poll has dealt with: stored (or found stored) as `article_id`."""

    key: str
    article_id: int | None
    url: str | None  # the entry's own link, without credentials (`public_url`)
    # what the feed said of it as it was dealt with (`Entry.words_hash`, `Entry.updated`):
    # a later poll that reads other words or a later date reads it again, a correction
    words_hash: str | None = None
    updated: str | None = None


@dataclass(frozen=True, slots=True)
class EntryRead:
    """What a feed said of an entry it gave before, as recorded then (`SeenEntry`), and the
    article it gave (None: removed since, or none had)."""

    article_id: int | None
    words_hash: str | None
    updated: str | None


def parse_interval(text: str) -> float:
    """Seconds in "15m", "2h", "1h30m", "90s" or "1d"; raises FeedError for anything else."""
    compact = text.strip().lower().replace(" ", "")
    parts = _INTERVAL_PART.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise FeedError(f"interval {quoted(text)} not understood: use e.g. 15m, 2h, 1h30m or 1d")
    seconds = float(sum(int(n) * _UNIT_SECONDS[u] for n, u in parts))
    if seconds < MIN_INTERVAL:
        raise FeedError(f"interval {quoted(text)} is too short: poll at most once a minute (1m)")
    return seconds


def format_interval(seconds: float) -> str:
    """The shortest "1h30m" form of a number of seconds."""
    rest, out = int(seconds), ""
    for unit in ("d", "h", "m", "s"):
        amount, rest = divmod(rest, _UNIT_SECONDS[unit])
        if amount:
            out += f"{amount}{unit}"
    return out or "0s"


def backoff(interval: float, failures: int) -> float:
    """Seconds to wait after `failures` consecutive failures: doubling, capped at a day."""
    return float(min(interval * 2 ** min(failures, 32), max(MAX_BACKOFF, interval)))
