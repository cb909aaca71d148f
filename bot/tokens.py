"""What a bot token looks like, and text with anything of that look masked: a setting's
error that shows its value back, an address that holds one in its path, a log line.

Apart from the log's redaction of this bot's own token (`bot.logs.hide_secret`), which
knows the token itself: this masks any token, another bot's or an old one of this bot's.
"""

from __future__ import annotations

import re

REDACTED = "<TELEGRAM_BOT_TOKEN>"
# As @BotFather gives one: the bot's id, a colon, a secret of 35 (30 at the least)
TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
# A token, or most of one: its id and 16 characters of its secret or more, as much as the
# log hides of a secret's half alone (`bot.logs.MIN_HIDDEN`). Not a host's port
# ("10.0.0.5:8081"): no port has 16 characters.
_TOKEN_LIKE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{16,}")


def token_masked(text: str) -> str:
    """`text` with each bot token, or most of one, in it masked."""
    return _TOKEN_LIKE.sub(REDACTED, text)


def holds_token(text: str) -> bool:
    """Whether `text` holds a bot token, or most of one (`token_masked` would mask it)."""
    return _TOKEN_LIKE.search(text) is not None
