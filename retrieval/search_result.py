"""What a search gives: the passages for a question, or a message saying why there are none,
and the notes a reader is told before them (the time named, words no article holds, a
follow-up read with the question above).

Apart from the searcher, which makes it: the shells read it (`notes`, `why_none`) and word
it for their readers, and a follow-up's search (`follow_ups`) marks it as one (`follows`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo

from retrieval.models import Attribution, Passage
from retrieval.question_text import MAX_QUESTION_CHARS, between_words
from retrieval.ranking.named_time import NamedLater, NamedTime, NoSuchDay, NothingRecent
from retrieval.wording import local_time, stamp

# Of the question a follow-up was read with, what its note quotes (`SearchResult.follows`)
FOLLOWS_TOLD_CHARS = 120
# A follow-up that only the passages of the answer it follows answer: they are right above
# it, and quoting them again would pass for a new answer
ONLY_SHOWN = "Nothing beyond the passages already shown answers that."
# A follow-up whose best passage is one of those: what follows it matches less well, and
# without a word it passed for the answer ("who did she beat?" got 2005's tennis)
BEST_SHOWN = "The answer above matches that best; these passages match it less well."


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Passages for a question, or a `message` saying plainly why there are none;
    `why_none` words it for a reader's time zone."""

    question: str
    passages: tuple[Passage, ...]
    message: str | None = None
    has_more: bool = False
    # the moment asked as of, when only articles published after it match the question
    nothing_by: float | None = None
    # the time the question names, when it was answered as of that time (`named_time`)
    named: NamedTime | None = None
    # the time the question names, when it begins after the moment answered as of: the
    # passages are of before it (`NamedLater`)
    later: NamedLater | None = None
    # a day the question names that is none ("on 30 February 2022"): it names no time, and
    # without a word the news of no day the asker meant passed for that day's (`NoSuchDay`)
    no_such_day: NoSuchDay | None = None
    # the question's words that no stored article holds, when others found the passages or
    # when they are why nothing answers it (`MOSTLY_UNKNOWN_SAYS`, `OTHER_SCRIPT_SAYS`)
    unmatched: tuple[str, ...] = ()
    # spellings one letter off of `unmatched` words that enough articles hold ("morocco's"
    # of "morrocco's"): the question is searched as typed, and the note offers them
    respelt: tuple[str, ...] = ()
    # the scripts ("Cyrillic") of a question none of whose words any article holds, when
    # the corpus holds next to no text in them (`OTHER_SCRIPT_SAYS`)
    other_scripts: tuple[str, ...] = ()
    # a follow-up's best passage is one the answer it follows showed (left out here)
    best_shown: bool = False
    # the question's words the best passage left out (`selection.on_topic`) holds, when
    # the answer ends for want of any that bears more on it
    off_topic: tuple[str, ...] = ()
    # the characters of the question searched, when it was longer than MAX_QUESTION_CHARS
    cut_at: int | None = None
    # the stored articles a question of links only names, whose leads are the passages
    linked: tuple[int, ...] = ()
    # the recent span the question asks about ("this week"), when every passage is older
    # than it as of the moment asked: else last year's news passes for this week's
    recent: NothingRecent | None = None
    # the question of the answer above, when this is its follow-up, searched with it
    # (`follow_ups`): the first note says so, as its passages answer both, and a note that
    # names words may name that question's ("No stored article mentions “scored”" under
    # "and who was the coach?")
    follows: str | None = None

    def notes(self, linked_told: Callable[[Sequence[Attribution]], str]) -> tuple[str, ...]:
        """What a reader should know before the passages: that they answer the question
        read with the one above it (a follow-up: nothing says so but this, and a new
        question read with an old one gets passages about both), that they are of the time
        the question names (told in the zone it was read in, the moment's) or that a day it
        names is none, that none holds some of its words ("Qwertyuiop Industries": three
        layoff stories would otherwise pass for its news). `linked_told` words the note over
        a question of links only, given the stored articles whose openings are the passages
        (`linked`): each shell words it, as how its reader gets an article whole is the
        shell's."""
        notes = [] if self.cut_at is None else [self.cut_told()]
        if self.linked:
            notes.append(linked_told([passage.article for passage in self.passages]))
        if self.named is not None:
            notes.append(self.named.told())
        if self.later is not None:
            notes.append(self.later.told())
        if self.no_such_day is not None:
            notes.append(self.no_such_day.told())
        if self.recent is not None:
            notes.append(self.recent.told())
        if self.unmatched:
            words = listed(self.unmatched)
            notes.append(
                f"No stored article mentions {words}: these passages match the rest of the "
                f"question.{did_you_mean(self.respelt)}"
            )
        if self.best_shown:
            notes.append(BEST_SHOWN)
        if self.off_topic:
            words = listed(self.off_topic)
            notes.append(f"Nothing else matches more than {words}.")
        if self.follows is not None:
            notes.insert(0, self.follows_told())
        return tuple(notes)

    def why_none(self, zone: tzinfo = UTC) -> str | None:
        """Why there are no passages, its moment (if any) told in `zone`, and that the
        question was cut (what matched nothing may have been past the cut)."""
        why = self.message
        if self.nothing_by is not None:
            local = local_time(self.nothing_by, zone)
            why = (
                f"Nothing published by {stamp(local)} {local:%Z} matches that; later articles do."
            )
        if why is not None and self.cut_at is not None:
            why = f"{why} {self.cut_told()}"
        if why is not None and self.follows is not None and why != ONLY_SHOWN:
            why = f"{self.follows_told()} {why}"  # "that" is read with it
        return why

    def follows_told(self) -> str:
        """That the question was read with the one of the answer above (`follows`)."""
        earlier = self.follows or ""
        shown = between_words(earlier, FOLLOWS_TOLD_CHARS)
        if shown != earlier:
            shown = f"{shown}…"
        return f"Read as a follow-up to “{shown}”."

    def cut_told(self) -> str:
        """That the question was searched only to `cut_at` characters."""
        return (
            f"The question was cut at {self.cut_at:,} characters (at most "
            f"{MAX_QUESTION_CHARS:,} are read): its words after them were not searched."
        )


def did_you_mean(spellings: Sequence[str]) -> str:
    """What ends a note or message offering `spellings` (" Did you mean “morocco's”?");
    "" for none."""
    return f" Did you mean {listed(spellings)}?" if spellings else ""


def listed(words: Iterable[str]) -> str:
    """Words of a question named in an answer's note: “Qwertyuiop”, “Moskau”."""
    return ", ".join(f"“{word}”" for word in words)
