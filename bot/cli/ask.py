"""`newsbot ask`: one question from the command line, or one per line of standard input.

A question is answered as of a moment: `--as-of 2022-06-10` (through the end of that day),
`--as-of 2022-W23` (through the end of that ISO week, its Sunday), `--as-of 2022-06` (through
the end of that month) or `--as-of 2022-06-10T18:30+02:00`; now by default. Nothing
published later is quoted. A date or time without an offset is in NEWSBOT_TIMEZONE, the zone
newsbot shows dates in; one with an offset is the asker's, and the answer's dates are shown
in it.

A stdin line that is a JSON object is a request of its own:
`{"question": "...", "as_of": "2022-06-10", "limit": 5}` (`as_of` and `limit` optional,
defaulting to the flags); any other line is a question. A malformed line gets an error for
that line (a JSON object with `error` under --json) and the rest are still answered; the
exit status is then 1. Each JSON answer echoes `question` and `as_of`, and a request's other
fields ("id") as they came, so that answers can be matched to what asked them (an error too,
all but a field holding what no JSON output may: half a UTF-16 pair, NaN); a field that
stands for one of the three not given ("asof", "date") or is one of the answer's own
("results") is an error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.as_of import parse_as_of
from bot.cli.ask_output import bad_line_json, render_text, result_json
from bot.cli.ask_requests import BadLine, requests
from bot.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    json_text,
    require_database,
)
from bot.config import DEFAULT_DB, Settings
from retrieval.engine import Engine
from retrieval.seeding import SeedingStage


def is_default_db(db_path: Path) -> bool:
    """Whether `db_path` is newsbot.db in the working folder, where `ask` makes a database
    with the seeds (the quick start's first command, on a machine with none). One named
    otherwise (--db, NEWSBOT_DB) that is not there is refused, as `stats` refuses it: made,
    a mistyped name answered from the seed article alone, and every question of a --json
    batch came back as if the corpus held no answer to it."""
    return db_path.resolve() == Path(DEFAULT_DB).resolve()


async def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    if args.question is None and sys.stdin is None:  # started with stdin closed (`<&-`)
        print("newsbot ask: no question given, and standard input is closed", file=sys.stderr)
        return EXIT_USAGE
    if sys.stdout is None:  # started with stdout closed (`>&-`): no answer could be read
        print("newsbot ask: standard output is closed: nowhere to print answers", file=sys.stderr)
        return EXIT_USAGE
    try:  # checked when read, but a time near year 1 may be out of range only in the zone
        as_of = parse_as_of(args.as_of, settings.zone) if args.as_of else None
    except ValueError as exc:
        print(f"newsbot ask: --as-of: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not settings.db_path.exists() and not is_default_db(settings.db_path):
        require_database(settings.db_path)  # says how to make one, and exits 1
    # an empty database gets the bundled seed corpus first
    stage = SeedingStage()
    try:
        engine, seeding = await Engine.open_seeded(
            settings.db_path, settings.seeds_dir, reads_only=True, zone=settings.zone, stage=stage
        )
    except asyncio.CancelledError:  # Ctrl-C, SIGTERM: asyncio.run cancels us
        if stage.interrupted:
            print(f"newsbot ask: {stage.interrupted}", file=sys.stderr)
        raise
    status = EXIT_OK
    try:
        if seeding.message:
            print(f"newsbot ask: {seeding.message}", file=sys.stderr)
        color = sys.stdout.isatty()
        batch = args.question is None
        if batch and sys.stdin.isatty():  # else it waits without a word, as if it hung
            print(
                "newsbot ask: no question given: reading questions from the terminal, one a "
                "line (Ctrl-D ends)",
                file=sys.stderr,
                flush=True,
            )
        for request in requests(args, as_of, settings.zone):
            if isinstance(request, BadLine):
                status = EXIT_FAILED
                if args.json:
                    print(json_text(bad_line_json(request)), flush=True)
                else:
                    print(f"newsbot ask: {request.error}", file=sys.stderr, flush=True)
                continue
            # a moment written with its offset is the asker's own: its passages' dates are
            # shown in it, as a chat's are in the chat's zone (else in NEWSBOT_TIMEZONE)
            moment, zone = (
                (request.as_of.moment, request.as_of.zone)
                if request.as_of
                else (None, settings.zone)
            )
            result = await engine.ask(
                request.question, limit=request.limit, as_of=moment, zone=zone
            )
            if args.json:
                line = json_text(result_json(request, result, zone))
                print(line, flush=True)
                continue
            if batch:
                # as it was written: "15:45+05:45" is the asker's, its UTC time not
                dated = f" (as of {request.as_of.given.strip()})" if request.as_of else ""
                print(f"? {request.question}{dated}")
            print(
                render_text(result, color, zone),
                end="\n\n" if batch else "\n",
                flush=True,
            )
    finally:
        await engine.close()
    return status
