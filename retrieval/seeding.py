"""What seeding an empty database found (`Seeding`), and how it is told to whoever runs
newsbot: the seeds ingested, or why the database was left empty.

Apart from `Engine.seed_if_empty`, which seeds: the command line and the bot each tell its
`message` in their own way, and most of it is that wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from retrieval.corpus.ingest_report import IngestReport

SEED_FAILURES = 3  # the seed files that failed, named in `Seeding.message`

# What a stop (Ctrl-C, SIGTERM) as an empty database is seeded says, `newsbot ask`'s and the
# bot's start alike: the seeds are stored in one transaction, so whole or not at all
SEEDING_INTERRUPTED = (
    "interrupted while storing the seed corpus: nothing was stored half-way, this command "
    "kept none of it; run the command again"
)
SEEDING_INTERRUPTED_INDEXING = (
    "interrupted while indexing the seed corpus: all of it is stored, and is indexed when "
    "newsbot next opens the database; run the command again"
)


@dataclass(slots=True)
class SeedingStage:
    """How far `Engine.seed_if_empty` got, filled as it goes: for a caller that a stop
    cancels meanwhile, which gets no `Seeding` back, to say what was kept (`newsbot ask`
    ended without a word)."""

    storing: bool = False  # the seeds' one transaction began (or waits for the lock)
    stored: bool = False  # committed: every seed is stored, and indexed at the next open

    @property
    def interrupted(self) -> str | None:
        """What a stop at this stage kept of the seeds, to say; None before seeding began."""
        if not self.storing:
            return None
        return SEEDING_INTERRUPTED_INDEXING if self.stored else SEEDING_INTERRUPTED


@dataclass(frozen=True, slots=True)
class Seeding:
    """What `seed_if_empty` found: the seeds ingested into an empty database (`report`), or
    a database left empty (no seed folder, seeding off, feeds added), or neither (articles
    were there already)."""

    seeds: Path | None  # None: seeding is off
    report: IngestReport | None
    empty: bool
    read_only: bool = False  # empty, and opened read-only: nothing could be ingested
    in_use: bool = False  # empty, but someone's corpus (`CorpusStore.in_use`): not seeded
    feeds: bool = False  # empty, but feeds were added to it: its articles are on their way
    made: Path | None = None  # the database, when there was none there before

    @property
    def message(self) -> str | None:
        """What to tell the person running newsbot, if anything."""
        if self.read_only:
            return (
                "the database is empty, and it can only be read here (no right to write "
                "there, or no room): ingest some articles where it can be written"
            )
        if self.in_use:
            return (
                "the database is empty, but it is someone's corpus (an ingest into it began "
                "and stored nothing, or is still at work elsewhere, or its articles were "
                "removed), so the seeds are not added to it: ingest some articles (newsbot "
                "ingest PATH)"
            )
        if self.feeds:
            return (
                "the database has no articles yet, and feeds (newsbot feeds list): the seeds "
                "are not added to it; its articles come as its feeds are polled"
            )
        if self.seeds is None and self.empty:  # one with articles needs no seeds
            return (
                "the database is empty, and seeding is off (NEWSBOT_SEEDS=none): ingest some "
                "articles (newsbot ingest PATH)"
            )
        if self.report is not None:
            failed = "".join(f"; failed: {f}" for f in self.report.failures[:SEED_FAILURES])
            stopped = f"; {self.report.stopped}" if self.report.stopped else ""
            still = (
                ": the corpus is still empty, ingest some articles (newsbot ingest PATH)"
                if self.empty
                else ""
            )
            # a database made anew (the quick start's, the bot's): said so, the seed its
            # only article
            was = (
                f"there was no database at {self.made}: made one and ingested"
                if self.made is not None
                else "the database was empty: ingested"
            )
            return (
                f"{was} the seeds from {self.seeds} "
                f"({self.report.summary()}){failed}{stopped}{still}"
            )
        if self.empty:
            return (
                f"the database is empty and there is no seed folder at {self.seeds}: "
                "ingest some articles first (newsbot ingest PATH)"
            )
        return None
