"""Score the digest's story grouping on real multi-outlet news: B-cubed over labelled roundups.

    python benchmarks/stories.py [--ablate] [--sweep] [--cv] [--jitter HOURS] [--undated]
        [--failures]

Reads story-roundups-dev/articles.jsonl from the development corpora ($NEWSBOT_CORPUS, else
<repo>/../shared/corpus; see benchmarks/corpora.py): 731 reports of 252 stories, each
told by up to three outlets), groups them as the digest does, window by window, and scores the
predicted groups of every window pooled against the gold `cluster` labels, as the corpus
README says: B-cubed precision and recall averaged over articles, and F1 of the two. Windows
are UTC calendar days (the daily digest's period), calendar weeks (Monday to Sunday, UTC) and
the whole file at once, the harder case: many stories over months, several on the same topic.
As in the digest, a window's terms are weighed among the reports of the `CONTEXT_DAYS` up to
its end too (`stories.group_stories`'s `context`): a day's among its week's.

Sentences come from newsbot's own `article_sentences`, so the grouping sees what the database
would hand it. --ablate undoes each choice of the grouping in turn, --sweep shows F1 against
the threshold, the time scale and the days of the context, --cv tunes the threshold on
April-May and tests it on June-July (and the reverse), --jitter moves every report's time (the
roundups give all the reports of a story the same time; real feeds do not). Prints Markdown
tables; writes nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import add_corpus_option, corpus_path, missing
from retrieval.corpus.sentences import article_sentences
from retrieval.digest import stories, story_terms
from retrieval.digest.stories import CONTEXT_ARTICLES, CONTEXT_DAYS, group_stories
from retrieval.digest.story_articles import StoryArticle
from retrieval.index.tokens import Tokenizer

ROUNDUPS = "story-roundups-dev/articles.jsonl"
WINDOWS = ("day", "week", "all")
DAY = timedelta(days=1)
HEADINGS = " | ".join(
    f"{'all at once' if by == 'all' else f'by {by}'}: P / R / F1" for by in WINDOWS
)
TOKENIZER = Tokenizer()

# A window's articles, and the articles around it that weigh their terms (`context`)
Grouper = Callable[[Sequence[StoryArticle], Sequence[StoryArticle]], list[list[int]]]


@dataclass(frozen=True)
class Report:
    """One labelled report: what the digest would read, and its gold story."""

    article: StoryArticle
    source: str
    published: datetime  # UTC
    cluster: str
    story: str  # the roundup's own headline, for reading failures


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_reports(path: Path | None = None) -> list[Report]:
    """The labelled reports in file order (default: the roundups of the development corpora);
    ids are their line numbers."""
    path = path or corpus_path(ROUNDUPS)
    if not path.is_file():
        raise SystemExit(f"stories.py: {missing(path)}; or name the file with --corpus PATH")
    reports = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            row = json.loads(line)
            sentences = tuple(s for _, s in article_sentences(row["text"]))
            published = datetime.fromisoformat(row["published"]).astimezone(UTC)
            article = StoryArticle(
                number, row["title"], sentences, row["source"], published.timestamp()
            )
            reports.append(Report(article, row["source"], published, row["cluster"], row["story"]))
    return reports


def window_start(published: datetime, by: str) -> datetime | None:
    """When the window of `by` that holds `published` starts: its UTC day, its week (from
    Monday), None for the whole file."""
    if by not in WINDOWS:
        raise ValueError(f"unknown window {by!r}: use {', '.join(WINDOWS)}")
    if by == "all":
        return None
    day = published.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - day.weekday() * DAY if by == "week" else day


def windows(reports: Sequence[Report], by: str) -> list[list[int]]:
    """Indexes into `reports`, one list per window, each oldest first."""
    keyed: defaultdict[datetime | None, list[int]] = defaultdict(list)
    for number, report in enumerate(reports):
        keyed[window_start(report.published, by)].append(number)
    return [sorted(m, key=lambda i: (reports[i].published, i)) for m in keyed.values()]


def context(reports: Sequence[Report], window: Sequence[int], by: str, days: float) -> list[int]:
    """The reports the digest would read besides the window's to weigh its terms, as indexes
    into `reports`: the newest `CONTEXT_ARTICLES` of the `days` up to the window's end
    (`CONTEXT_DAYS` in the digest), the window's own left out."""
    start = window_start(reports[window[0]].published, by)
    if start is None or not days:
        return []
    end = start + (DAY if by == "day" else 7 * DAY)
    since = end - days * DAY
    newest = sorted(
        (n for n, r in enumerate(reports) if since <= r.published < end),
        key=lambda n: (reports[n].published, n),
    )[-CONTEXT_ARTICLES:]
    inside = set(window)
    return [n for n in newest if n not in inside]


def bcubed(groups: Iterable[Sequence[int]], gold: Sequence[str]) -> Scores:
    """B-cubed precision and recall, averaged over articles; `groups` must cover them all."""
    sizes: defaultdict[str, int] = defaultdict(int)
    for label in gold:
        sizes[label] += 1
    precision = recall = 0.0
    seen = 0
    for group in groups:
        shared: defaultdict[str, int] = defaultdict(int)
        for i in group:
            shared[gold[i]] += 1
        for i in group:
            precision += shared[gold[i]] / len(group)
            recall += shared[gold[i]] / sizes[gold[i]]
        seen += len(group)
    if seen != len(gold):
        raise ValueError(f"the groups cover {seen} articles of {len(gold)}")
    return Scores(precision / len(gold), recall / len(gold))


def predict(
    grouper: Grouper, reports: Sequence[Report], by: str, days: float = CONTEXT_DAYS
) -> list[list[int]]:
    """The predicted groups of every window, pooled, as indexes into `reports`; the
    window's terms weighed among the reports of the `days` up to its end."""
    pooled = []
    for window in windows(reports, by):
        around = [reports[i].article for i in context(reports, window, by, days)]
        for group in grouper([reports[i].article for i in window], around):
            pooled.append([window[i] for i in group])
    return pooled


def evaluate(
    grouper: Grouper, reports: Sequence[Report], by: str, days: float = CONTEXT_DAYS
) -> Scores:
    return bcubed(predict(grouper, reports, by, days), [r.cluster for r in reports])


def failures(groups: Sequence[Sequence[int]], reports: Sequence[Report]) -> str:
    """Gold stories split by the grouping, and predicted groups that mix stories."""
    where = {i: n for n, g in enumerate(groups) for i in g}
    members: defaultdict[str, list[int]] = defaultdict(list)
    for number, report in enumerate(reports):
        members[report.cluster].append(number)

    def line(i: int) -> str:
        r = reports[i]
        return f"    [{where[i]}] {r.published:%m-%d} {r.source}: {r.article.title}"

    split = [m for m in members.values() if len({where[i] for i in m}) > 1]
    mixed = [g for g in groups if len({reports[i].cluster for i in g}) > 1]
    out = [f"split stories: {len(split)} of {len(members)}"]
    for m in split:
        out += [f"  {reports[m[0]].story}", *(line(i) for i in m)]
    out.append(f"\ngroups that mix stories: {len(mixed)}")
    for g in mixed:
        out += [
            f"  {len(g)} articles, {len({reports[i].cluster for i in g})} stories",
            *(line(i) for i in g),
        ]
    return "\n".join(out)


def singletons(
    articles: Sequence[StoryArticle], context: Sequence[StoryArticle] = ()
) -> list[list[int]]:
    return [[i] for i in range(len(articles))]


def newsbot(tokenizer: Tokenizer = TOKENIZER, **options: Any) -> Grouper:
    """The digest's grouping with some of its choices changed."""
    return lambda articles, around: group_stories(articles, tokenizer, context=around, **options)


@contextmanager
def constants(**values: int) -> Iterator[None]:
    """Set module constants of the grouping for a while, in the module that reads each
    (MIN_SHARED_TERMS in retrieval.digest.stories; LEAD_SENTENCES, IDF_POWER in story_terms)."""
    homes = {name: story_terms if hasattr(story_terms, name) else stories for name in values}
    saved = {name: getattr(homes[name], name) for name in values}
    for name, value in values.items():
        setattr(homes[name], name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(homes[name], name, value)


# Each choice of the grouping, undone one at a time.
ABLATIONS: list[tuple[str, Grouper, dict[str, int]]] = [
    ("newsbot", newsbot(), {}),
    ("single link instead of average", newsbot(linkage="single"), {}),
    ("no time decay", newsbot(story_hours=None), {}),
    ("no outlet rule", newsbot(same_outlet=1.0), {}),
    ("one shared term is enough", newsbot(), {"MIN_SHARED_TERMS": 1}),
    ("tokens before issue 13", newsbot(Tokenizer(acronyms=False, numbers=False)), {}),
    ("no acronym rule", newsbot(Tokenizer(acronyms=False)), {}),
    ("no number rule", newsbot(Tokenizer(numbers=False)), {}),
    ("titles only (no lead)", newsbot(), {"LEAD_SENTENCES": 0}),
    ("lead of 4 sentences", newsbot(), {"LEAD_SENTENCES": 4}),
    ("idf, not idf squared", newsbot(), {"IDF_POWER": 1}),
]
CONTEXT_SWEEP = (0, 1, 2, 3, 7, 14, 28)
THRESHOLDS = (0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3)


def jittered(reports: Sequence[Report], hours: float, seed: int = 13) -> list[Report]:
    """The reports with each one's time moved by up to `hours` either way (seeded): in the
    roundups every report of a story has the roundup's time, in a real feed they do not."""
    rng = random.Random(seed)
    moved = []
    for r in reports:
        time = (r.article.time or 0.0) + rng.uniform(-hours, hours) * 3600
        moved.append(dataclasses.replace(r, article=dataclasses.replace(r.article, time=time)))
    return moved


def undated(reports: Sequence[Report]) -> list[Report]:
    """The reports as a backfill without dates stores them: every one timed by one moment."""
    return [
        dataclasses.replace(r, article=dataclasses.replace(r.article, time=0.0, dated=False))
        for r in reports
    ]


def row(name: str, by_window: dict[str, Scores]) -> str:
    return (
        f"| {name} | "
        + " | ".join(
            f"{s.precision:.3f} / {s.recall:.3f} / **{s.f1:.3f}**" for s in by_window.values()
        )
        + " |"
    )


def table(title: str, reports: Sequence[Report], variants: Iterable[tuple[str, Grouper]]) -> str:
    lines = [f"| {title} | {HEADINGS} |", "|---" * (len(WINDOWS) + 1) + "|"]
    for name, grouper in variants:
        lines.append(row(name, {by: evaluate(grouper, reports, by) for by in WINDOWS}))
    return "\n".join(lines)


def context_table(reports: Sequence[Report]) -> str:
    """F1 against how many days up to a window's end weigh its terms (0: the window's own)."""
    lines = [f"| context (days) | {HEADINGS} |", "|---" * (len(WINDOWS) + 1) + "|"]
    for days in CONTEXT_SWEEP:
        scores = {by: evaluate(newsbot(), reports, by, days) for by in WINDOWS}
        lines.append(row(str(days), scores))
    return "\n".join(lines)


def best_threshold(reports: Sequence[Report]) -> float:
    """The threshold with the best mean F1 of the windows."""
    return max(
        THRESHOLDS,
        key=lambda t: sum(evaluate(newsbot(threshold=t), reports, by).f1 for by in WINDOWS),
    )


def cross_validation(reports: Sequence[Report]) -> str:
    """Tune the threshold on April-May, test on June-July, and the reverse."""
    early = [r for r in reports if r.published.month <= 5]
    late = [r for r in reports if r.published.month >= 6]
    lines = [
        f"| tuned on | threshold | tested on | {HEADINGS} |",
        "|---" * (len(WINDOWS) + 3) + "|",
    ]
    for (tuned, tune), (tested, test) in [
        (("Apr-May", early), ("Jun-Jul", late)),
        (("Jun-Jul", late), ("Apr-May", early)),
    ]:
        t = best_threshold(tune)
        scores = [evaluate(newsbot(threshold=t), test, by) for by in WINDOWS]
        lines.append(
            f"| {tuned} | {t:.2f} | {tested} | "
            + " | ".join(f"{s.precision:.3f} / {s.recall:.3f} / **{s.f1:.3f}**" for s in scores)
            + " |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stories.py", description=__doc__.split("\n\n")[0])
    add_corpus_option(parser, ROUNDUPS, "the labelled roundups")
    parser.add_argument(
        "--failures",
        action="store_true",
        help="list the stories split and the groups that mix stories",
    )
    parser.add_argument("--ablate", action="store_true", help="each choice undone in turn")
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="F1 against the threshold, the time scale and the days of the context",
    )
    parser.add_argument(
        "--cv", action="store_true", help="tune the threshold on two months, test on the other two"
    )
    parser.add_argument(
        "--jitter",
        type=float,
        default=0.0,
        metavar="HOURS",
        help="move each report's time by up to HOURS either way",
    )
    parser.add_argument(
        "--undated",
        action="store_true",
        help="the reports as if none had a date, with and without the rule for such pairs",
    )
    args = parser.parse_args(argv)
    reports = load_reports(args.corpus)
    if args.jitter:
        reports = jittered(reports, args.jitter)
    print(
        f"{len(reports)} reports, {len({r.cluster for r in reports})} stories"
        + (f", times moved by up to {args.jitter:g} h" if args.jitter else "")
        + "\n"
    )
    print(
        table("grouping", reports, [("every article alone", singletons), ("newsbot", newsbot())])
    )
    if args.ablate:
        print()
        lines = table("choice undone", reports, []).splitlines()
        for name, grouper, values in ABLATIONS:
            with constants(**values):
                lines.append(row(name, {by: evaluate(grouper, reports, by) for by in WINDOWS}))
        print("\n".join(lines))
    if args.sweep:
        print()
        print(
            table("threshold", reports, [(f"{t:.2f}", newsbot(threshold=t)) for t in THRESHOLDS])
        )
        print()
        print(
            table(
                "time scale (hours)",
                reports,
                [(str(h), newsbot(story_hours=h)) for h in (12, 24, 36, 48, 72, 120, None)],
            )
        )
        print()
        print(context_table(reports))
    if args.undated:
        print()
        as_dated = newsbot(undated=1.0, undated_terms=stories.MIN_SHARED_TERMS)
        print(
            table(
                "no report dated",
                undated(reports),
                [("newsbot", newsbot()), ("as if dated (no rule for undated pairs)", as_dated)],
            )
        )
    if args.cv:
        print()
        print(cross_validation(reports))
    if args.failures:
        print()
        print(failures(predict(newsbot(), reports, "all"), reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
