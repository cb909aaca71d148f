"""`newsbot run`: the Telegram bot, imported only when it runs (the other commands need none
of python-telegram-bot).
"""

from __future__ import annotations

import argparse

from bot.config import Settings


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import run_bot

    return int(run_bot(settings, take_over=args.take_over))
