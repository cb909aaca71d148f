"""Time the digest's story grouping on a realistic day: 500 real articles.

    python benchmarks/stories_speed.py [--articles 500] [--runs 5]

There is no single day of 500 articles in the shared corpus, so a day is made of real ones:
the newest `--articles` articles of news-1m in the development corpora ($NEWSBOT_CORPUS, else
<repo>/../shared/corpus; see benchmarks/corpora.py: USA Today, CNN, The Week; about
80 sentences each), split into sentences by newsbot's own `article_sentences` (the database
holds them split, so that is not timed), their times spread evenly over one day in the order
they were published. Times `group_stories` alone and the whole `compose` (keyword terms,
idf, grouping, ranking, extracts) for the default 10 stories and for every story, median of
--runs. Writes nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __name__ == "__main__" and not __package__:  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import add_corpus_option, missing
from retrieval.corpus.sentences import article_sentences
from retrieval.digest.digest import Period, PeriodArticle, compose
from retrieval.digest.stories import group_stories
from retrieval.digest.story_articles import StoryArticle
from retrieval.index.tokens import Tokenizer

NEWS = "news-1m/articles.jsonl.gz"
DAY = datetime(2026, 1, 5, tzinfo=UTC)


def a_day(path: Path, count: int) -> list[PeriodArticle]:
    """The newest `count` articles of `path`, as one day's articles of a digest."""
    if not path.is_file():
        raise SystemExit(f"stories_speed.py: {missing(path)}; or name the file with --corpus PATH")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    newest = sorted((r for r in rows if r.get("published")), key=lambda r: r["published"])
    chosen = newest[-count:]
    step = timedelta(days=1) / max(len(chosen), 1)
    return [
        PeriodArticle(
            number,
            r["title"],
            r.get("source"),
            r.get("url"),
            (DAY + number * step).timestamp(),
            tuple(s for _, s in article_sentences(r["text"])),
            r["published"],
        )
        for number, r in enumerate(chosen)
    ]


def timed(run: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median seconds of `runs` calls (after one warm-up call), and the last result."""
    result = run()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stories_speed.py", description=__doc__.split("\n")[0])
    add_corpus_option(parser, NEWS, "the articles to make a day of")
    parser.add_argument("--articles", type=int, default=500, metavar="N")
    parser.add_argument("--runs", type=int, default=5, metavar="N")
    args = parser.parse_args(argv)
    day = a_day(args.corpus, args.articles)
    tokenizer = Tokenizer()
    stories = [StoryArticle(a.id, a.title, a.sentences, a.source, a.time) for a in day]
    sentences = sum(len(a.sentences) for a in day)
    grouping, groups = timed(lambda: group_stories(stories, tokenizer), args.runs)
    period = Period(DAY, DAY + timedelta(days=1))
    top, _ = timed(lambda: compose(day, period, tokenizer=tokenizer), args.runs)
    whole, _ = timed(lambda: compose(day, period, limit=10_000, tokenizer=tokenizer), args.runs)
    count = len(groups) if isinstance(groups, list) else 0
    print(f"{len(day)} articles ({sentences} sentences), {count} stories")
    print(f"group_stories: {grouping * 1000:.0f} ms (median of {args.runs})")
    print(f"compose, the top 10 stories (the default digest): {top * 1000:.0f} ms")
    print(f"compose, every story with its extract: {whole * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
