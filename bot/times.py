"""Moments as newsbot shows them, to a chat or on a terminal: one helper, three styles.

Telegram-free, so the command line can use it without importing the bot.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

Style = Literal["stamp", "stamp_zone", "weekday"]


def when(moment: datetime | float | None, zone: tzinfo, style: Style = "stamp_zone") -> str:
    """`moment` (an aware datetime or a Unix time) in `zone`; "never" for None.

    "stamp": 2024-11-25 08:30, for lists whose zone is named once; "stamp_zone":
    2024-11-25 08:30 UTC; "weekday": Mon 25 Nov 08:30, for a digest's recent days.
    """
    if moment is None:
        return "never"
    if isinstance(moment, datetime):
        local = moment.astimezone(zone)
    else:
        local = datetime.fromtimestamp(moment, zone)
    if style == "weekday":
        return f"{local:%a} {local.day} {local:%b %H:%M}"
    stamp = f"{local:%Y-%m-%d %H:%M}"
    return f"{stamp} {local:%Z}" if style == "stamp_zone" else stamp
