"""`newsbot forget`: forget what chats asked past NEWSBOT_KEEP_DAYS, now; or erase one chat's
or one user's data on request."""

from __future__ import annotations

import argparse
import time

from bot.cli.common import EXIT_OK, require_database
from bot.config import Settings
from retrieval.without_index import forget_chat, forget_expired, forget_user
from retrieval.wording import counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="for cron: nothing printed or logged when it went well; only warnings and errors",
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--expired",
        action="store_true",
        help="what is older than NEWSBOT_KEEP_DAYS, and subscriptions ended as long ago: the "
        "step a running bot takes hourly, for a database no bot runs on (cron)",
    )
    what.add_argument(
        "--chat",
        type=int,
        metavar="ID",
        help="every row naming the chat ID (a group's negative id, or a user's private chat): "
        "its questions, answers, votes, subscription, deliveries and record",
    )
    what.add_argument(
        "--user",
        type=int,
        metavar="ID",
        help="every row naming the user ID: their private chat's (as --chat), and what they "
        "asked and voted in groups and inline; a group's subscription they made stays, "
        "without their id",
    )


async def cmd_forget(settings: Settings, args: argparse.Namespace) -> int:
    require_database(settings.db_path)
    if args.chat is not None:
        gone = await forget_chat(settings.db_path, args.chat)
        done = f"forgot {counted(gone, 'record')} naming chat {args.chat}, overwritten"
    elif args.user is not None:
        gone = await forget_user(settings.db_path, args.user)
        done = f"forgot {counted(gone, 'record')} naming user {args.user}, overwritten"
    else:
        gone = await forget_expired(settings.db_path, settings.expired_before(time.time()))
        days = f"{counted(settings.keep_days, 'day')} (NEWSBOT_KEEP_DAYS)"
        done = f"forgot {counted(gone, 'record')} older than {days}, overwritten"
    if not args.quiet:  # for cron (`forget --expired --quiet`): a mail only when it failed
        print(done)
    return EXIT_OK
