"""Entries a feed gives again corrected: their guid and link the same, their title or text
in the feed changed, or their updated date later than when they were read last. The poller
reads such an entry's page again and replaces its article (`replacements.correct`,
through `removals.replace_article`, as `newsbot remove` and an ingest again would leave it).

What a feed said of each entry is recorded as the entry is dealt with (`SeenEntry`: a hash
of its title and text, `Entry.words_hash`, and its updated date; migration 41), so a poll
tells a correction from the feed alone: the pages of the entries it has not changed are
never read again. Seen in real feeds, and not taken for corrections:
- one updated date stamped on every entry at each fetch: the time the feed was made
  (`stamped`);
- every entry's words changing at once: a feed's form changing (a content:encoded added, a
  summary rewritten for all), past MAX_CORRECTIONS in one poll.
Pure: the poller reads the records and the pages and writes the articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from retrieval.addresses import masked_url
from retrieval.corpus.prepare import PreparedArticle
from retrieval.corpus.text import fingerprint
from retrieval.feeds.feed import EntryRead, SeenEntry
from retrieval.feeds.feedformat import Entry
from retrieval.feeds.page_retries import PageRetry
from retrieval.feeds.shared_pages import NAME_SHOWN
from retrieval.models import ArticleDraft

# A poll's corrected entries past which it is the feed that changed its form, not a
# newsroom its stories: their pages are not read again. A newsroom corrects a story or two
# an hour; a feed rewriting every summary would otherwise have every page read at once.
MAX_CORRECTIONS = 5
NOT_NOW = "not now"  # `not_corrected`: the entry's page is not to be had at this poll


def as_read(entry: Entry) -> tuple[str, str | None]:
    """What is recorded of what the feed says of `entry` (`EntryRead`)."""
    return entry.words_hash, entry.updated


def changed(entry: Entry, before: EntryRead, dated: bool) -> bool:
    """Whether the feed says other words of `entry` than it did (`before`), or, if its dates
    tell (`dated`), dates it later: a correction."""
    if entry.words_hash != before.words_hash:
        return True
    return (
        dated
        and entry.updated is not None
        and before.updated is not None
        and entry.updated > before.updated
    )


def stamped(entries: Sequence[Entry]) -> bool:
    """Whether the feed's entries all have one updated date: the time the feed was made,
    which some sites stamp on every entry at every fetch. Such a date tells nothing of one
    entry's correction."""
    return len(entries) > 1 and len({entry.updated for entry in entries}) == 1


def revisions(
    entries: Sequence[Entry], before: Mapping[str, EntryRead]
) -> tuple[list[tuple[Entry, int]], list[tuple[Entry, int | None]], int]:
    """Of a feed's `entries`, those it gave before (`before`, by key) and has corrected
    since (`changed`), each with the article it gave; those whose record alone is to be
    brought up to date, each with its article: read before records were kept, changed
    without being corrected (an earlier date, a date given at last, one date on every
    entry), with no article (removed, or none had), or corrected with more than
    MAX_CORRECTIONS others; and how many were corrected at once so (0: none)."""
    dated = not stamped(entries)
    revised: list[tuple[Entry, int]] = []
    recorded: list[tuple[Entry, int | None]] = []
    for entry in entries:
        read = before.get(entry.key)
        if read is None or as_read(entry) == (read.words_hash, read.updated):
            continue
        if read.words_hash is None or read.article_id is None or not changed(entry, read, dated):
            recorded.append((entry, read.article_id))
        else:
            revised.append((entry, read.article_id))
    if len(revised) <= MAX_CORRECTIONS:
        return revised, recorded, 0
    return [], recorded + list(revised), len(revised)


def named(entry: Entry) -> str:
    """An entry as a log line names it: its link, else its title, else its key."""
    return masked_url(entry.link) if entry.link else (entry.title or entry.key)[:NAME_SHOWN]


def not_corrected(
    feed_id: int, article_id: int, stored: ArticleDraft | None, article: PreparedArticle
) -> str | None:
    """Why the article `article_id` (`stored`: None, removed) is not replaced by `article`,
    a corrected entry's of feed `feed_id`; None: it is. "" (nothing to say): it is gone, or
    has the same title and words. NOT_NOW: its page was not to be had (failed for a moment,
    a 404, not its page) and the feed's text would take the place of the page's: the next
    polls read it again, till it is given up (`given_up_note`)."""
    if stored is None:
        return ""
    if stored.extra.get("feed_id") != feed_id:
        return (
            f"corrected in the feed, but its article {article_id} came from elsewhere (a "
            "file, another feed): kept as it is"
        )
    from_feed = article.draft.extra.get("text_from") == "feed"
    if from_feed and stored.extra.get("text_from") == "page":
        return NOT_NOW
    if stored.title == article.draft.title and fingerprint(stored.text) == article.content_hash:
        return ""
    return None


def given_up_note(article_id: int, tries: int, patience: float) -> str:
    """What is said of a correction whose page was not to be had at `tries` polls over
    `patience` seconds at least (`not_corrected` NOT_NOW each time): its article is kept."""
    return (
        f"corrected in the feed, but its page was not to be had at {tries} polls over "
        f"{patience / 3600:g} hours: article {article_id}, its page's text, is kept"
    )


@dataclass(slots=True)
class Corrections:
    """What one poll did with its corrected entries (`replacements.correct`): how many
    articles it replaced; the entries whose record alone is to be brought up to date (their
    article the same, or not theirs to correct: `not_corrected`); the pages to read again,
    of the new articles stored with the feed's text; whether some wait for their page
    (`pending`: the next fetch of the feed must list them again, not answer 304)."""

    replaced: int = 0
    settled: list[SeenEntry] = field(default_factory=list)
    retries: list[PageRetry] = field(default_factory=list)
    pending: bool = False
