"""Measure how well `newsbot ask` retrieves the passage that answers a question.

    python benchmarks/evaluate.py [--questions FILE] [--db PATH] [--limit 5] [--newsbot CMD]

Without --db, ingests the BBC corpus into a fresh database in a temporary folder first. Then
feeds every question to one `newsbot --db DB ask --json --limit K` process on standard input
and scores its answers:

- answer@k: the expected answer occurs (case-insensitively, whitespace collapsed) in the quote
  of one of the top k results;
- article@k: the expected article's title is among the titles of the top k results;
- the median and 90th-percentile length of the returned quotes, in words;
- wall-clock time per question (the whole ask process divided by the number of questions, so
  it includes loading the index once).

Prints a table; --json-out FILE also writes the figures as JSON. Writes nothing else outside
the temporary folder.

    python benchmarks/evaluate.py --news-qa --db PATH [--ablation]

scores the real news questions of news-qa-dev instead, asked as of the day each was asked and
plainly (`news_qa.py`; the articles are ingested into --db when it is new); --ablation then
adds the cross-validated ablation of the learned ranking (`train_ranker.py --ablation`: each
feature group removed, both stages retrained, folds by week).
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import corpus_path, missing  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = REPO / "benchmarks" / "eval" / "bbc-questions.jsonl"
KS = (1, 3, 5)

# Typographic apostrophes and quotes a quote builder may introduce; answers use ASCII ones.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


class EvaluationError(Exception):
    """The evaluation could not run: bad input, or newsbot failed or answered malformed."""


# --- pure scoring -------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: str
    title: str
    as_of: str | None = None  # asked as of this date (`newsbot ask --as-of`); None: now


@dataclass(frozen=True)
class Hit:
    """One returned passage, reduced to what the scoring needs."""

    title: str
    quote: str


@dataclass(frozen=True)
class Outcome:
    """How one question fared: the 1-based rank of the first matching result, or None."""

    question: Question
    hits: tuple[Hit, ...]
    answer_rank: int | None
    article_rank: int | None
    message: str | None = None


@dataclass(frozen=True)
class Summary:
    questions: int
    limit: int
    answer_at: dict[int, float]
    article_at: dict[int, float]
    no_results: int
    quotes: int
    quote_words_median: float | None
    quote_words_p90: float | None
    ask_seconds: float | None = None
    seconds_per_question: float | None = None
    ingest_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def normalize(text: str) -> str:
    """Compare text case-insensitively, with whitespace runs collapsed and quotes straightened."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split()).casefold()


def contains_answer(quote: str, answer: str) -> bool:
    """Whether the answer occurs in the quote (see `normalize`)."""
    needle = normalize(answer)
    return bool(needle) and needle in normalize(quote)


def same_title(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)


def first_rank(flags: Sequence[bool]) -> int | None:
    """The 1-based position of the first true flag, or None."""
    return next((i for i, flag in enumerate(flags, 1) if flag), None)


def score(question: Question, hits: Sequence[Hit], message: str | None = None) -> Outcome:
    """Score one question against its hits, best first."""
    return Outcome(
        question=question,
        hits=tuple(hits),
        answer_rank=first_rank([contains_answer(h.quote, question.answer) for h in hits]),
        article_rank=first_rank([same_title(h.title, question.title) for h in hits]),
        message=message,
    )


def hit_at(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100), interpolating linearly between closest ranks; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def summarize(outcomes: Sequence[Outcome], limit: int, ks: Sequence[int] = KS) -> Summary:
    """Aggregate the outcomes; rates are fractions of all questions (0.0 when there are none)."""
    n = len(outcomes)

    def rate(ranks: list[int | None], k: int) -> float:
        return sum(hit_at(r, k) for r in ranks) / n if n else 0.0

    answer_ranks = [o.answer_rank for o in outcomes]
    article_ranks = [o.article_rank for o in outcomes]
    lengths = [float(len(h.quote.split())) for o in outcomes for h in o.hits]
    return Summary(
        questions=n,
        limit=limit,
        answer_at={k: rate(answer_ranks, k) for k in ks},
        article_at={k: rate(article_ranks, k) for k in ks},
        no_results=sum(1 for o in outcomes if not o.hits),
        quotes=len(lengths),
        quote_words_median=percentile(lengths, 50),
        quote_words_p90=percentile(lengths, 90),
    )


# --- reading and parsing ------------------------------------------------------------------


def load_questions(path: Path) -> list[Question]:
    if not path.is_file():
        raise EvaluationError(f"questions file not found: {path}")
    questions = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                question = Question(
                    id=str(row["id"]),
                    question=str(row["question"]),
                    answer=str(row["answer"]),
                    title=str(row["title"]),
                )
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise EvaluationError(
                    f"{path}:{number}: not a question line with id, question, answer and title "
                    f"({error})"
                ) from error
            if "\n" in question.question or not question.question.strip():
                raise EvaluationError(f"{path}:{number}: the question must be one non-blank line")
            questions.append(question)
    if not questions:
        raise EvaluationError(f"{path}: no questions")
    return questions


def parse_response(line: str, number: int) -> tuple[str, list[Hit], str | None]:
    """Read one line of `ask --json` output: the question, its hits by rank, any message."""
    try:
        obj = json.loads(line)
        hits = sorted(obj["results"], key=lambda r: r.get("rank", 0) if isinstance(r, dict) else 0)
        parsed = [Hit(title=str(r["article"]["title"]), quote=str(r["quote"])) for r in hits]
        message = obj.get("message")
        return str(obj["question"]), parsed, None if message is None else str(message)
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
        raise EvaluationError(
            f"line {number} of the ask output is not a result object ({error}): {line[:200]!r}"
        ) from error


def pair_up(questions: Sequence[Question], stdout: str) -> list[Outcome]:
    """Match the ask output, one JSON object per line in question order, to the questions."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if len(lines) != len(questions):
        raise EvaluationError(
            f"asked {len(questions)} questions but got {len(lines)} result lines"
        )
    outcomes = []
    for number, (question, line) in enumerate(zip(questions, lines, strict=True), 1):
        echoed, hits, message = parse_response(line, number)
        if normalize(echoed) != normalize(question.question):
            raise EvaluationError(
                f"result line {number} answers {echoed!r}, expected {question.question!r} "
                f"({question.id}): the output is out of order"
            )
        outcomes.append(score(question, hits, message))
    return outcomes


# --- running newsbot ----------------------------------------------------------------------


def newsbot_command(spec: str | None) -> list[str]:
    """The command to run: --newsbot split like a shell would, else newsbot on PATH, else
    this Python running the bot.cli module."""
    if spec:
        return shlex.split(spec)
    found = shutil.which("newsbot")
    return [found] if found else [sys.executable, "-m", "bot.cli"]


def run(command: list[str], stdin: str | None = None, timeout: float | None = None) -> str:
    """Run a command from the repository root; its stdout, or EvaluationError with stderr."""
    try:
        done = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=REPO,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as error:
        raise EvaluationError(f"cannot run {shlex.join(command)}: {error}") from error
    except subprocess.TimeoutExpired as error:
        raise EvaluationError(f"{shlex.join(command)} took over {timeout:g} s") from error
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-20:])
        raise EvaluationError(
            f"{shlex.join(command)} exited with {done.returncode}:\n{tail or '(no stderr)'}"
        )
    return done.stdout


def ingest(newsbot: list[str], db: Path, corpus: Path, timeout: float | None) -> float:
    """Ingest the corpus into db; the seconds it took."""
    if not corpus.is_file():
        raise EvaluationError(f"{missing(corpus)}; or name a corpus file with --corpus PATH")
    started = time.perf_counter()
    run([*newsbot, "--db", str(db), "ingest", str(corpus)], timeout=timeout)
    seconds = time.perf_counter() - started
    if not db.exists():
        raise EvaluationError(
            f"ingest succeeded but {db} does not exist: does newsbot honour --db before the "
            "subcommand?"
        )
    return seconds


def ask(
    newsbot: list[str], db: Path, questions: Sequence[Question], limit: int, timeout: float | None
) -> tuple[list[Outcome], float]:
    """Ask every question through one process; the outcomes and the seconds it took."""
    stdin = "".join(
        (json.dumps({"question": q.question, "as_of": q.as_of}) if q.as_of else q.question) + "\n"
        for q in questions
    )
    command = [*newsbot, "--db", str(db), "ask", "--json", "--limit", str(limit)]
    started = time.perf_counter()
    stdout = run(command, stdin=stdin, timeout=timeout)
    seconds = time.perf_counter() - started
    return pair_up(questions, stdout), seconds


# --- reporting ----------------------------------------------------------------------------


def _fraction(value: float) -> str:
    return f"{value:.3f}"


def _number(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.1f}{unit}"


def format_table(summary: Summary) -> str:
    ks = list(summary.answer_at)
    head = f"{'':<10}" + "".join(f"{'@' + str(k):>8}" for k in ks)
    rows = [
        f"{name:<10}" + "".join(f"{_fraction(rates[k]):>8}" for k in ks)
        for name, rates in (("answer", summary.answer_at), ("article", summary.article_at))
    ]
    per_question = (
        "-"
        if summary.seconds_per_question is None
        else f"{summary.seconds_per_question * 1000:.1f}"
    )
    lines = [
        f"questions: {summary.questions}   limit: {summary.limit}   "
        f"no results: {summary.no_results}",
        "",
        head,
        *rows,
        "",
        f"quote words: median {_number(summary.quote_words_median)}, "
        f"p90 {_number(summary.quote_words_p90)} (over {summary.quotes} quotes)",
        f"time: {per_question} ms per question (ask {_number(summary.ask_seconds, ' s')}, "
        f"ingest {_number(summary.ingest_seconds, ' s')})",
    ]
    if summary.limit < max(ks):
        lines.append(f"note: --limit {summary.limit} caps every @k above it")
    return "\n".join(lines)


def format_failures(outcomes: Sequence[Outcome], count: int, k: int = max(KS)) -> str:
    """The first `count` questions whose answer is not in the top k, with the top quote."""
    missed = [o for o in outcomes if not hit_at(o.answer_rank, k)][:count]
    blocks = []
    for o in missed:
        q = o.question
        lines = [
            f"{q.id}: {q.question}",
            f"  expected: {q.answer!r} in {q.title!r}"
            + (f" (article at rank {o.article_rank})" if o.article_rank else ""),
        ]
        if o.hits:
            lines.append(f"  top: {o.hits[0].title!r}: {o.hits[0].quote}")
        else:
            lines.append(f"  no results{': ' + o.message if o.message else ''}")
        blocks.append("\n".join(lines))
    total = sum(not hit_at(o.answer_rank, k) for o in outcomes)
    return "\n\n".join([f"missed at {k}: showing {len(missed)} of {total}", *blocks])


def summary_json(summary: Summary) -> dict[str, Any]:
    data = asdict(summary)
    data.pop("extra")
    data["answer_at"] = {str(k): v for k, v in summary.answer_at.items()}
    data["article_at"] = {str(k): v for k, v in summary.article_at.items()}
    return {**data, **summary.extra}


# --- command line -------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evaluate.py",
        description="Score newsbot's retrieval on a question set: answer@k, article@k, quote "
        "length and time per question.",
    )
    parser.add_argument(
        "--questions",
        type=Path,
        default=DEFAULT_QUESTIONS,
        metavar="FILE",
        help="JSONL of id, question, answer, title (default: benchmarks/eval/bbc-questions.jsonl)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="use this database as it is (default: ingest --corpus into a temporary one)",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=corpus_path("bbc-news.jsonl.gz"),
        metavar="PATH",
        help="corpus to ingest when there is no --db (default: bbc-news.jsonl.gz in "
        "$NEWSBOT_CORPUS, else in <repo>/../shared/corpus)",
    )
    parser.add_argument(
        "--limit", type=int, default=5, metavar="K", help="passages per question (default 5)"
    )
    parser.add_argument(
        "--newsbot",
        metavar="CMD",
        help="command that runs newsbot, split like a shell would (default: newsbot on PATH, "
        "else python -m bot.cli)",
    )
    parser.add_argument("--json-out", type=Path, metavar="FILE", help="also write figures as JSON")
    parser.add_argument(
        "--show-failures",
        type=int,
        default=0,
        metavar="N",
        help="print the first N questions missed at 5, with the top quote",
    )
    parser.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="give up on a newsbot command after this"
    )
    parser.add_argument(
        "--news-qa",
        action="store_true",
        help="score the 1,000 real news questions of news-qa-dev instead, as of the day each "
        "was asked and plainly (needs --db: the articles are ingested there when it is new)",
    )
    parser.add_argument(
        "--ablation",
        action="store_true",
        help="with --news-qa: also the cross-validated ablation of the learned ranking",
    )
    return parser


def evaluate(args: argparse.Namespace) -> tuple[Summary, list[Outcome]]:
    if args.limit < 1:
        raise EvaluationError("--limit must be at least 1")
    questions = load_questions(args.questions)
    newsbot = newsbot_command(args.newsbot)
    with ExitStack() as stack:
        ingest_seconds = None
        db = args.db
        if db is None:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="newsbot-eval-"))
            db = Path(tmp) / "eval.db"
            ingest_seconds = ingest(newsbot, db, args.corpus, args.timeout)
        elif not db.exists():
            raise EvaluationError(f"database not found: {db}")
        outcomes, ask_seconds = ask(newsbot, db, questions, args.limit, args.timeout)
    summary = replace(
        summarize(outcomes, args.limit),
        ask_seconds=ask_seconds,
        seconds_per_question=ask_seconds / len(questions),
        ingest_seconds=ingest_seconds,
        extra={"questions_file": str(args.questions), "newsbot": shlex.join(newsbot)},
    )
    return summary, outcomes


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.news_qa or args.ablation:
        return news_qa_main(args)
    try:
        summary, outcomes = evaluate(args)
    except EvaluationError as error:
        print(f"evaluate.py: {error}", file=sys.stderr)
        return 1
    print(format_table(summary))
    if args.show_failures > 0:
        print()
        print(format_failures(outcomes, args.show_failures))
    if args.json_out:
        args.json_out.write_text(json.dumps(summary_json(summary), indent=2) + "\n")
    return 0


def news_qa_main(args: argparse.Namespace) -> int:
    """--news-qa: the real news questions, then (--ablation) the learned ranking's ablation."""
    if not args.news_qa or args.db is None:
        print(
            "evaluate.py: --ablation needs --news-qa, and --news-qa needs --db PATH "
            "(the news-qa-dev articles are ingested there when it is new)",
            file=sys.stderr,
        )
        return 2
    # Imported here: both scripts build on this module's scoring.
    from benchmarks import news_qa, train_ranker

    argv = ["--db", str(args.db), "--limit", str(args.limit)]
    argv += ["--show-failures", str(args.show_failures)]
    if args.newsbot:
        argv += ["--newsbot", args.newsbot]
    if args.json_out:
        argv += ["--json-out", str(args.json_out)]
    status = news_qa.main(argv)
    if status == 0 and args.ablation:
        train_ranker.main(["--db", str(args.db), "--ablation"])
    return status


if __name__ == "__main__":
    sys.exit(main())
