"""`newsbot forget`: forget what chats asked past NEWSBOT_KEEP_DAYS, now."""

from __future__ import annotations

import argparse
import time

from bot.cli.commands import EXIT_OK, require_database
from bot.config import Settings
from retrieval.engine import forget_expired
from retrieval.wording import counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--expired",
        action="store_true",
        help="what is older than NEWSBOT_KEEP_DAYS: the step a running bot takes hourly, for "
        "a database no bot runs on (cron)",
    )


async def cmd_forget(settings: Settings, args: argparse.Namespace) -> int:
    require_database(settings.db_path)
    gone = await forget_expired(settings.db_path, settings.expired_before(time.time()))
    days = f"{counted(settings.keep_days, 'day')} (NEWSBOT_KEEP_DAYS)"
    print(f"forgot {counted(gone, 'record')} older than {days}, overwritten")
    return EXIT_OK
