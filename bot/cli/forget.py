"""`newsbot forget`: forget what chats asked past NEWSBOT_KEEP_DAYS, now; or erase one chat's
or one user's data on request."""

from __future__ import annotations

import argparse
import time

from bot.cli.common import EXIT_OK, require_database
from bot.config import Settings
from retrieval.without_index import forget_chat, forget_expired, forget_user
from retrieval.wording import counted


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
