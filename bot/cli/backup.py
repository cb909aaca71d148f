"""`newsbot backup PATH`: a copy of the database, made while the bot and cron polls write it."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bot.cli.common import EXIT_OK, require_database
from bot.config import Settings
from retrieval.corpus.records import size_text
from retrieval.without_index import back_up_database
from retrieval.wording import counted, shown_name


def _target(args: argparse.Namespace) -> Path:
    """The file to write the copy to, "~" read as a shell reads it."""
    return Path(args.path).expanduser()


async def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    require_database(settings.db_path)
    # what chats asked past NEWSBOT_KEEP_DAYS, which a running bot deletes hourly, is
    # left out of the copy: a backup kept it for as long as the backup was kept
    expired = settings.expired_before(time.time())
    made = await back_up_database(settings.db_path, _target(args), args.force, expired)
    print(
        f"backed up {counted(made.articles, 'article')} to {shown_name(str(made.path))} "
        f"({size_text(made.size)}); the index is rebuilt from it where it is restored"
    )
    return EXIT_OK
