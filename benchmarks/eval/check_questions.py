"""Check the evaluation questions against the articles they cite.

    python benchmarks/eval/check_questions.py [--corpus PATH] [--seeds DIR]

For every line of bbc-questions.jsonl (against the BBC corpus) and seed-questions.jsonl (against
the project's seeds/*.txt) it checks that the fields are there, ids are unique, the titled
article exists, the answer occurs in that article's text (case-insensitively, whitespace
normalized), the answer is short (1-5 words) and not given away by the question, and that no
BBC article has more than two questions. Prints one line per problem; exits 1 if there are any.
Reads only; writes nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(REPO))

from benchmarks.corpora import corpus_path  # noqa: E402

FIELDS = ("id", "question", "answer", "title")
MAX_PER_ARTICLE = 2
MAX_ANSWER_WORDS = 5
ID_PATTERN = re.compile(r"^[a-z]+-\d{3,}$")


def normalize(text: str) -> str:
    """Casefold and collapse whitespace, the way the evaluation compares text."""
    return " ".join(text.split()).casefold()


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                yield number, json.loads(line)


def corpus_articles(path: Path) -> dict[str, list[str]]:
    """Texts by title; a few BBC titles occur twice (near-duplicate stories)."""
    texts: dict[str, list[str]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            texts[article["title"]].append(article["text"])
    return texts


def seed_articles(folder: Path) -> dict[str, list[str]]:
    """Texts by title for seed .txt files: the first non-blank line is the title."""
    texts: dict[str, list[str]] = defaultdict(list)
    for path in sorted(folder.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        content = [line.strip() for line in lines if line.strip()]
        if content:
            texts[content[0]].append("\n".join(lines))
    return texts


def check(path: Path, articles: dict[str, list[str]], max_per_article: int | None) -> list[str]:
    problems: list[str] = []
    ids: Counter[str] = Counter()
    per_article: Counter[str] = Counter()
    count = 0
    for number, row in read_jsonl(path):
        count += 1
        where = f"{path.name}:{number}"
        missing = [f for f in FIELDS if not isinstance(row.get(f), str) or not row.get(f)]
        if missing:
            problems.append(f"{where}: missing or empty {', '.join(missing)}")
            continue
        qid, question, answer, title = (str(row[f]) for f in FIELDS)
        ids[qid] += 1
        if not ID_PATTERN.match(qid):
            problems.append(f"{where}: id {qid!r} is not like 'bbc-001'")
        if "\n" in question:
            problems.append(f"{where}: the question spans lines")
        words = len(answer.split())
        if not 1 <= words <= MAX_ANSWER_WORDS:
            problems.append(f"{where}: answer {answer!r} has {words} words")
        if normalize(answer) in normalize(question):
            problems.append(f"{where}: the question contains its answer {answer!r}")
        texts = articles.get(title)
        if texts is None:
            problems.append(f"{where}: no article titled {title!r}")
            continue
        per_article[title] += 1
        if not any(normalize(answer) in normalize(text) for text in texts):
            problems.append(f"{where}: {answer!r} is not in the text of {title!r}")
    problems += [f"{path.name}: id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    problems += [
        f"{path.name}: {n} questions about {t!r} (at most {max_per_article})"
        for t, n in per_article.items()
        if max_per_article is not None and n > max_per_article
    ]
    print(f"{path.name}: {count} questions, {len(per_article)} articles, {len(problems)} problems")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=corpus_path("bbc-news.jsonl.gz"),
        help="BBC corpus (default: bbc-news.jsonl.gz in $NEWSBOT_CORPUS, else in "
        "<repo>/../shared/corpus)",
    )
    parser.add_argument(
        "--seeds", type=Path, default=REPO / "seeds", help="seed folder (default: <repo>/seeds)"
    )
    args = parser.parse_args(argv)
    for path in (args.corpus, args.seeds):
        if not path.exists():
            print(f"not found: {path} (see --help)", file=sys.stderr)
            return 2
    problems = check(HERE / "bbc-questions.jsonl", corpus_articles(args.corpus), MAX_PER_ARTICLE)
    # The seed file is about one article on purpose.
    problems += check(HERE / "seed-questions.jsonl", seed_articles(args.seeds), None)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
