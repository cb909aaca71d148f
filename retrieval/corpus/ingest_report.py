"""What an ingest tells: articles added, duplicates and copies found, failures and notices,
each listed up to a cap and counted past it (`IngestReport`).

Apart from the ingest itself (`ingest`), which fills it as it goes, because a fetch of web
pages fills one too (`feeds.page`), and the command line prints it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from retrieval.corpus.copies import Copy
from retrieval.wording import counted, quoted, shown_name

# Failures listed per file; past this, one line counts the rest. A file of a million bad lines
# (or a bomb of them) would otherwise hold a million failures in memory and print them all.
LISTED_PER_FILE = 100
# Duplicates found by their text at another address (`Duplicate`) listed by one ingest; past
# this, counted. A re-published archive could otherwise print thousands of lines.
LISTED_DUPLICATES = 100


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be ingested, and why; or `records` of them, of one file,
    that failed alike (`_FileFailures`)."""

    path: str
    reason: str
    line: int | None = None
    records: int = 1

    def __str__(self) -> str:
        # the whole line: its reason may name a path too (a link's target)
        return shown_name(f"{_where(self.path, self.line)}: {self.reason}")


def _where(path: str, line: int | None) -> str:
    """A file, and the line in it, where a report names one."""
    return f"{path}:{line}" if line is not None else path


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An article not stored as a copy, by its text, of one stored at another address (or
    with none): named, so that whoever ingests it can tell which (`copies`)."""

    path: str
    line: int | None
    copy: Copy  # the stored article, and how alike the texts are

    def __str__(self) -> str:
        alike = self.copy.alike or 0.0  # set: a copy found by its text (`AddResult.copy`)
        how = (
            "the same text"
            if alike >= 1.0
            else f"nearly the same text ({math.floor(alike * 100)}% of its word 3-grams)"
        )
        stored = f"at {self.copy.url}" if self.copy.url is not None else "with no address"
        return shown_name(
            f"{_where(self.path, self.line)}: {how} as article {self.copy.article_id}, "
            f"{quoted(self.copy.title or '')}, stored {stored}"
        )


@dataclass(frozen=True, slots=True)
class Notice:
    """An article stored, or kept out, otherwise than its reader may expect: one dated far
    ahead (hidden until then), an update of a stored one (not stored)."""

    path: str
    what: str
    line: int | None = None

    def __str__(self) -> str:
        return str(Failure(self.path, self.what, self.line))


@dataclass
class IngestReport:
    added: int = 0
    undated: int = 0  # of those added, the ones with no date read: they count from now
    duplicates: int = 0
    # of the duplicates, those found by their text at another address, listed; and counted
    # past LISTED_DUPLICATES
    copies: list[Duplicate] = field(default_factory=list)
    unlisted_copies: int = 0
    sentences: int = 0
    failures: list[Failure] = field(default_factory=list)  # what failed, listed
    unlisted: int = 0  # further failures, counted only (LISTED_PER_FILE)
    stopped: str | None = None  # why the ingest stopped early: the database cannot be written,
    # or it was interrupted
    archived: int = 0  # with --archive: the articles marked, those found stored too
    notices: list[Notice] = field(default_factory=list)  # listed, as failures are
    unlisted_notices: int = 0  # further notices, counted only (LISTED_PER_FILE)

    def notice(self, path: str, what: str, line: int | None) -> None:
        """Tell of an article stored, or kept out, otherwise than expected (`Notice`)."""
        if len(self.notices) < LISTED_PER_FILE:
            self.notices.append(Notice(path, what, line))
        else:
            self.unlisted_notices += 1

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None

    def list_copy(self, duplicate: Duplicate) -> None:
        """Name `duplicate` (counted already), or count it past LISTED_DUPLICATES."""
        if len(self.copies) < LISTED_DUPLICATES:
            self.copies.append(duplicate)
        else:
            self.unlisted_copies += 1

    @property
    def failed(self) -> int:
        return sum(failure.records for failure in self.failures) + self.unlisted

    def summary(self) -> str:
        archived = (
            f"; {counted(self.archived, 'article')} archived (kept out of digests)"
            if self.archived
            else ""
        )
        return (
            f"added {counted(self.added, 'article')} ({counted(self.sentences, 'sentence')}), "
            f"{counted(self.duplicates, 'duplicate')}, {self.failed:,} failed{archived}"
        )
