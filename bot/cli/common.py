"""What the `newsbot` commands share: their exit statuses, --limit's type, output as one
JSON line or a terminal's block of lines, and the database a command needs (required, or
made and said so).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from retrieval.errors import StoreError
from retrieval.wording import UNSHOWN

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool its reader left


def json_text(data: Any) -> str:
    """`data` as JSON for stdout, one line however its reader splits lines: its characters
    as they are where stdout takes any (UTF-8), else escaped (\\u041a), which every JSON
    reader reads back, rather than a traceback on a terminal or pipe in Latin-1 or KOI8-R.
    What a terminal would obey or hide (`wording.UNSHOWN`) is escaped all the same: JSON
    leaves a U+202E raw, which showed the rest of the line reversed, and a U+2028 or U+0085,
    where str.splitlines() breaks a line, so an answer echoing a question that held one was
    two lines to a reader that splits so."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("_", "-")
    dumped = json.dumps(data, ensure_ascii=not encoding.startswith("utf"))
    # only inside strings: JSON's own characters are ASCII, and it escapes C0 controls itself
    return UNSHOWN.sub(lambda char: f"\\u{ord(char[0]):04x}", dumped)


def text_block(*lines: str | None) -> str:
    """One item of a terminal listing: its lines that exist (an item may lack a URL)."""
    return "\n".join(line for line in lines if line)


def require_database(db_path: Path) -> None:
    """StoreError unless there is a database at `db_path`. A command that only reads or
    rebuilds (stats, digest, reindex, feeds list and remove; ask, but at the default
    newsbot.db) given a mistyped --db would otherwise make an empty database there and
    report on it, as if the corpus were empty."""
    if not db_path.exists():
        where = "" if db_path.parent.is_dir() else f" (no folder {db_path.parent})"
        raise StoreError(
            f"no database at {db_path}{where}: newsbot ingest PATH makes one (in a folder "
            "that exists); --db or NEWSBOT_DB names another"
        )


class MadeNote:
    """What a command that makes the database where there is none (ingest, feeds add) says
    it did, as `ask` says it of the seeded one: a mistyped --db is told, not written to
    unsaid. Made before the command opens the database, `tell`s once it has."""

    def __init__(self, db_path: Path, said_by: str) -> None:
        self.db_path = db_path
        self.said_by = said_by  # what the command's lines open with: "newsbot ingest"
        self.missing = not db_path.exists()

    def tell(self) -> None:
        """Say on stderr that the database was made, if it was not there before."""
        if self.missing:
            print(
                f"{self.said_by}: there was no database at {self.db_path}: made one (--db or "
                "NEWSBOT_DB names another)",
                file=sys.stderr,
            )
