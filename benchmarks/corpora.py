"""Where the development corpora are: the one setting tests and benchmarks read them through.

The corpora are public research data sets, other people's copyrighted text: the repository
never ships them, and a clone of it alone does not have them. `NEWSBOT_CORPUS` names the
folder that holds them; by default it is `<repo>/../shared/corpus`, where the project's own
machines keep them.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

ENV = "NEWSBOT_CORPUS"
REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "corpus"
SOURCES = (
    "the BBC News dataset (Greene & Cunningham 2006), Reuters-21578, RealTime QA news "
    "questions, AllSides/NeuS story roundups and the html-article-extraction benchmark"
)


def corpus_dir() -> Path:
    """The folder of the development corpora: $NEWSBOT_CORPUS, else <repo>/../shared/corpus."""
    value = os.environ.get(ENV, "").strip()
    return Path(value).expanduser() if value else DEFAULT


def corpus_path(name: str) -> Path:
    """The corpus file or folder `name` (e.g. "bbc-news.jsonl.gz") in the corpora folder."""
    return corpus_dir() / name


def missing(path: Path) -> str:
    """Why a run that needs `path` cannot go on, and how to give it what it needs."""
    return (
        f"needs the development corpus {path.name!r}, not found at {path}; set {ENV} to the "
        f"folder that holds it (default <repo>/../shared/corpus). These public corpora are "
        f"{SOURCES}; the repository does not ship them"
    )


def add_corpus_option(
    parser: argparse.ArgumentParser, name: str, what: str, flag: str = "--corpus"
) -> None:
    """`flag` PATH: where a benchmark reads `what` from, by default `name` in the folder."""
    parser.add_argument(
        flag,
        type=Path,
        default=corpus_path(name),
        metavar="PATH",
        help=f"{what} (default: {name} in ${ENV}, else in <repo>/../shared/corpus)",
    )
