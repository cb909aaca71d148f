"""What a poll did: each feed's outcome, and the report of a whole poll, in words for the
log, the terminal and the admin's chat. Polling itself is `retrieval.feeds.poll`."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from retrieval.feeds.feed import Feed
from retrieval.wording import counted, quoted, shown_name


class PollStatus(enum.StrEnum):
    """How one poll of one feed ended."""

    OK = "ok"
    NOT_MODIFIED = "not modified"  # 304: nothing new
    FAILED = "failed"
    REMOVED = "removed"  # the feed, during its poll (`feeds remove`, /removefeed)


@dataclass
class FeedOutcome:
    """What one poll of one feed did."""

    feed: Feed
    status: PollStatus = PollStatus.OK
    new_entries: int = 0
    waiting: int = 0  # new entries past MAX_ENTRIES_PER_POLL, left for the next poll
    added: int = 0
    duplicates: int = 0
    removed: int = 0  # entries whose article was removed (`newsbot remove`): left out
    replaced: int = 0  # articles stored with the feed's summary, their page now read
    corrected: int = 0  # articles replaced by their entry's correction (`replacements.correct`)
    error: str | None = None  # why the feed itself failed
    problems: list[str] = field(default_factory=list)  # entries' pages, entries left out
    paused: bool = False  # this failure paused the feed
    moved_to: str | None = None  # its new address, stored: it moved for good (masked)
    # the dates, as written, of entries stored whose date newsbot could not read
    # (`Entry.unread_date`): stored undated, or dated by their update or their page
    undated: list[str] = field(default_factory=list)
    dated_otherwise: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for the log and the terminal, escaped (`wording.shown_name`): the feed's
        title, its server's reason phrase in `error` and the Location it `moved_to` are
        theirs to write, an ESC sequence or a U+202E in them too."""
        return shown_name(self._line())

    def _line(self) -> str:
        head = f"feed {self.feed.id} ({self.feed.label})"
        if self.status == PollStatus.FAILED:
            tail = f"failed: {self.error}"
            if self.paused:
                tail += f"; paused after {counted(self.feed.failures, 'failure')} in a row"
            return f"{head}: {tail}"
        moved = f"; moved for good to {self.moved_to}, polled there now" if self.moved_to else ""
        if self.status == PollStatus.NOT_MODIFIED:
            again = f", {counted(self.replaced, 'page')} read again" if self.replaced else ""
            return f"{head}: not modified{again}{moved}"
        if self.status == PollStatus.REMOVED:
            kept = f"the {counted(self.added, 'article')} it stored" if self.added else "nothing"
            return f"{head}: removed while it was polled; {kept} of this poll kept"
        line = (
            f"{head}: {counted(self.new_entries, 'new entry', 'new entries')}, "
            f"{counted(self.added, 'article')} added, {counted(self.duplicates, 'duplicate')}"
        )
        if self.removed:
            line += f", {counted(self.removed, 'removed article')} left out"
        if self.replaced:
            line += f", {counted(self.replaced, 'page')} read again"
        if self.corrected:
            line += f", {counted(self.corrected, 'article')} corrected"
        if self.waiting:
            line += f", {counted(self.waiting, 'more entry', 'more entries')} next poll"
        if self.undated:
            line += f", {counted(len(self.undated), 'entry', 'entries')} stored undated"
            line += _unread(self.undated)
        if self.dated_otherwise:
            line += (
                f", {counted(len(self.dated_otherwise), 'entry', 'entries')} dated by "
                f"its update or page{_unread(self.dated_otherwise)}"
            )
        if self.problems:
            line += f", {counted(len(self.problems), 'problem')}"
        return line + moved


def _unread(dates: list[str]) -> str:
    """The dates a feed wrote that were not read, told by the first."""
    more = ", ..." if len(dates) > 1 else ""
    return f" (date not read: {quoted(dates[0], 40)}{more})"


@dataclass
class PollReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(o.added for o in self.outcomes)

    @property
    def replaced(self) -> int:
        return sum(o.replaced for o in self.outcomes)

    @property
    def corrected(self) -> int:
        return sum(o.corrected for o in self.outcomes)

    @property
    def changed(self) -> bool:
        """Whether the poll changed what is stored: articles added, or replaced (by their
        page's text, or corrected): the index to refresh, and to save."""
        return bool(self.added or self.replaced or self.corrected)

    @property
    def failed(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.status == PollStatus.FAILED]

    @property
    def paused(self) -> list[Feed]:
        """Feeds this poll paused (each is reported once: it is not polled again)."""
        return [o.feed for o in self.outcomes if o.paused]

    def problems(self) -> list[str]:
        """Every failure, feed or entry, prefixed with its feed."""
        out = []
        for o in self.outcomes:
            head = f"feed {o.feed.id} ({o.feed.label})"
            if o.error:
                out.append(f"{head}: {o.error}")
            out.extend(f"{head}: {p}" for p in o.problems)
        return out

    def summary(self) -> str:
        again = f", {counted(self.replaced, 'page')} read again" if self.replaced else ""
        if self.corrected:
            again += f", {counted(self.corrected, 'article')} corrected"
        return (
            f"polled {counted(len(self.outcomes), 'feed')}: {counted(self.added, 'article')} "
            f"added{again}, {counted(len(self.failed), 'feed')} failed, "
            f"{len(self.paused)} paused"
        )
