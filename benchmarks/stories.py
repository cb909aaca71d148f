"""Score the digest's story grouping on real multi-outlet news: B-cubed over labelled roundups.

    python benchmarks/stories.py [--corpus PATH] [--failures N]

Reads ../shared/corpus/story-roundups-dev/articles.jsonl (731 reports of 252 stories, each
told by up to three outlets), groups them as the digest does, window by window, and scores the
predicted groups of every window pooled against the gold `cluster` labels, as the corpus
README says: B-cubed precision and recall averaged over articles, and F1 of the two. Windows
are calendar weeks (Monday to Sunday, UTC) and the whole file at once, the harder case: many
stories over months, several on the same topic.

Sentences come from newsbot's own `article_sentences`, so the grouping sees what the database
would hand it. Writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

if __name__ == "__main__" and not __package__:  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.sentences import article_sentences
from retrieval.stories import StoryArticle, group_stories
from retrieval.tokens import Tokenizer

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "story-roundups-dev" / "articles.jsonl"
WINDOWS = ("week", "all")

Grouper = Callable[[Sequence[StoryArticle]], list[list[int]]]


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


def load_reports(path: Path = DEFAULT_CORPUS) -> list[Report]:
    """The labelled reports in file order; ids are their line numbers."""
    if not path.is_file():
        raise SystemExit(f"story roundups not found: {path} (use --corpus PATH)")
    reports = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            row = json.loads(line)
            sentences = tuple(s for _, s in article_sentences(row["text"]))
            published = datetime.fromisoformat(row["published"]).astimezone(UTC)
            reports.append(Report(
                StoryArticle(number, row["title"], sentences),
                row["source"], published, row["cluster"], row["story"],
            ))  # fmt: skip
    return reports


def windows(reports: Sequence[Report], by: str) -> list[list[int]]:
    """Indexes into `reports`, one list per window, each oldest first."""
    if by not in WINDOWS:
        raise ValueError(f"unknown window {by!r}: use {' or '.join(WINDOWS)}")
    keyed: defaultdict[object, list[int]] = defaultdict(list)
    for number, report in enumerate(reports):
        keyed[report.published.isocalendar()[:2] if by == "week" else "all"].append(number)
    return [sorted(m, key=lambda i: (reports[i].published, i)) for _, m in sorted(keyed.items())]


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


def predict(grouper: Grouper, reports: Sequence[Report], by: str) -> list[list[int]]:
    """The predicted groups of every window, pooled, as indexes into `reports`."""
    pooled = []
    for window in windows(reports, by):
        for group in grouper([reports[i].article for i in window]):
            pooled.append([window[i] for i in group])
    return pooled


def evaluate(grouper: Grouper, reports: Sequence[Report], by: str) -> Scores:
    return bcubed(predict(grouper, reports, by), [r.cluster for r in reports])


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
        out += [f"  {len(g)} articles, {len({reports[i].cluster for i in g})} stories",
                *(line(i) for i in g)]  # fmt: skip
    return "\n".join(out)


def singletons(articles: Sequence[StoryArticle]) -> list[list[int]]:
    return [[i] for i in range(len(articles))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stories.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, metavar="PATH")
    parser.add_argument("--failures", type=int, default=0, metavar="N",
                        help="print the failures of the whole-file run (N > 0)")  # fmt: skip
    args = parser.parse_args(argv)
    reports = load_reports(args.corpus)
    tokenizer = Tokenizer()
    groupers: dict[str, Grouper] = {
        "every article alone": singletons,
        "newsbot": lambda articles: group_stories(articles, tokenizer),
    }
    print(f"{len(reports)} reports, {len({r.cluster for r in reports})} stories")
    print(f"{'':<24}{'window':>8}{'P':>8}{'R':>8}{'F1':>8}")
    for name, grouper in groupers.items():
        for by in WINDOWS:
            s = evaluate(grouper, reports, by)
            print(f"{name:<24}{by:>8}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
    if args.failures:
        print()
        print(failures(predict(groupers["newsbot"], reports, "all"), reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
