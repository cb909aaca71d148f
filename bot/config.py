"""Settings from the environment, with a `.env` file filling in what the environment lacks."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from dotenv import dotenv_values

from retrieval.digest.schedule import parse_zone

DEFAULT_DB = "newsbot.db"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
REPO_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class ConfigError(ValueError):
    """A setting with a value newsbot cannot use; the message names the setting."""


def _ids(name: str, raw: str | None) -> frozenset[int]:
    if not raw or not raw.strip():
        return frozenset()
    try:
        return frozenset(int(part) for part in re.split(r"[,\s]+", raw.strip()) if part)
    except ValueError:
        raise ConfigError(
            f"{name} must be a comma-separated list of numeric ids, e.g. 12345,-1001234567890"
        ) from None


def _positive(name: str, raw: str | None, default: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything newsbot reads from its environment. See `.env.example`."""

    db_path: Path = Path(DEFAULT_DB)
    token: str | None = field(default=None, repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    allowed_chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()
    questions_per_minute: int = 20
    timezone: str = "UTC"
    seeds_dir: Path = REPO_SEEDS
    log_level: str = "INFO"
    allow_private_urls: bool = False

    @classmethod
    def load(cls, env_file: str | Path | None = ".env", db: str | None = None) -> Settings:
        """Read settings: `db` (from --db) first, then the environment, then `env_file`."""
        values: dict[str, str | None] = {}
        if env_file and Path(env_file).is_file():
            values.update(dotenv_values(env_file))
        values.update(os.environ)

        def get(name: str) -> str | None:
            value = values.get(name)
            return value if value not in (None, "") else None

        return cls(
            db_path=Path(db or get("NEWSBOT_DB") or DEFAULT_DB),
            token=get("TELEGRAM_BOT_TOKEN"),
            api_base_url=get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
            allowed_chats=_ids("NEWSBOT_ALLOWED_CHATS", get("NEWSBOT_ALLOWED_CHATS")),
            admins=_ids("NEWSBOT_ADMINS", get("NEWSBOT_ADMINS")),
            questions_per_minute=_positive(
                "NEWSBOT_QUESTIONS_PER_MINUTE", get("NEWSBOT_QUESTIONS_PER_MINUTE"), 20
            ),
            timezone=get("NEWSBOT_TIMEZONE") or "UTC",
            seeds_dir=Path(get("NEWSBOT_SEEDS") or REPO_SEEDS),
            log_level=(get("NEWSBOT_LOG_LEVEL") or "INFO").upper(),
            allow_private_urls=(get("NEWSBOT_ALLOW_PRIVATE_URLS") or "").lower()
            in ("1", "true", "yes"),
        )

    @property
    def zone(self) -> ZoneInfo:
        """NEWSBOT_TIMEZONE as a time zone; ConfigError, naming the setting, if it is none."""
        try:
            return parse_zone(self.timezone)
        except ValueError:
            raise ConfigError(
                f"NEWSBOT_TIMEZONE {self.timezone!r} is not a time zone: use a name such as "
                "UTC or Europe/Berlin"
            ) from None

    def require_token(self) -> str:
        """The bot token, or a ConfigError that says what is wrong without showing it."""
        if not self.token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token "
                "in .env (see .env.example)"
            )
        if not TOKEN_PATTERN.match(self.token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is malformed: expected digits, a colon and a 35-character "
                "secret, as @BotFather gives it"
            )
        return self.token
