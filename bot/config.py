"""Settings from the environment, with a `.env` file filling in what the environment lacks
(or leaves blank)."""

from __future__ import annotations

import os
import re
import stat
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from dotenv import dotenv_values

from bot.tokens import TOKEN_PATTERN, holds_token, token_masked
from retrieval.errors import ConfigError, ScheduleError
from retrieval.feeds.private_addresses import PrivateAllowed
from retrieval.zones import parse_zone, read_zone

DEFAULT_DB = "newsbot.db"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


def bundled(name: str, package: Path, data_dirs: list[Path]) -> Path:
    """A file or folder newsbot ships beside its packages (the seed corpus, .env.example): a
    checkout's `name` beside the `package` folder (an editable install, or run from the
    clone), else the copy an install from a wheel put under one of `data_dirs` (pyproject's
    data-files: share/newsbot/NAME), or beside the packages (`pip install --target DIR`
    puts it in DIR/share/newsbot); the checkout's, to be named in the message that it is
    missing, where none is there."""
    checkout = package.parent / name
    installed = [data / "share" / "newsbot" / name for data in [*data_dirs, package.parent]]
    return next((path for path in [checkout, *installed] if path.exists()), checkout)


# the venv's prefix, or the user's base with `pip install --user`
_DATA_DIRS = [
    Path(sysconfig.get_path("data", scheme))
    for scheme in (sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user"))
]
_PACKAGE = Path(__file__).resolve().parent
REPO_SEEDS = bundled("seeds", _PACKAGE, _DATA_DIRS)
ENV_EXAMPLE = bundled(".env.example", _PACKAGE, _DATA_DIRS)  # every setting, explained
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DAY_SECONDS = 86400.0
YES, NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _ids(name: str, raw: str | None) -> frozenset[int]:
    if not raw or not raw.strip():
        return frozenset()
    try:
        return frozenset(int(part) for part in re.split(r"[,\s]+", raw.strip()) if part)
    except ValueError:
        raise ConfigError(
            f"{name} {token_masked(raw)!r} is not a list of ids: use numeric chat or user ids "
            "separated by commas, e.g. 12345,-1001234567890"
        ) from None


def _whole_number(name: str, raw: str | None, default: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(
            f"{name} {token_masked(raw)!r} is not a whole number: use e.g. {default}"
        ) from None


NO_SEEDS = "none"


def _seeds(raw: str | None) -> Path | None:
    """NEWSBOT_SEEDS: a folder (unset or empty: the bundled seeds/), or `none` (any letter
    case), no seeding at all: a folder named so is `./none`."""
    if raw is not None and raw.lower() == NO_SEEDS:
        return None
    return Path(raw or REPO_SEEDS).expanduser()


def _private_urls(raw: str | None) -> bool | PrivateAllowed:
    """NEWSBOT_ALLOW_PRIVATE_URLS: yes (every private address), no (none, as unset), or the
    hosts and networks that may be private, separated by commas."""
    word = (raw or "").strip().lower()
    if word in YES + NO + ("",):
        return word in YES
    try:
        return PrivateAllowed.parse(word)
    except ValueError as exc:
        raise ConfigError(
            f"NEWSBOT_ALLOW_PRIVATE_URLS {token_masked(raw or '')!r} is neither yes nor no nor "
            f"a list of hosts and networks ({token_masked(str(exc))}): use the hosts and "
            "networks your feeds are on, separated by commas (intranet.example, 10.1.0.0/16), "
            f"{', '.join(YES)} for every private address, {', '.join(NO)} for none"
        ) from None


def _http_url(text: str) -> bool:
    """Whether `text` is an http(s) URL with a host (and a port, if any, that is one)."""
    try:
        url = urlsplit(text)
        return url.scheme in ("http", "https") and bool(url.hostname) and url.port != 0
    except ValueError:  # an unclosed "[" of an IPv6 host, a port past 65535
        return False


@dataclass(frozen=True)
class Settings:
    """Everything newsbot reads from its environment. See `.env.example`.

    Every value is checked when the settings are made (`load`, or directly in code): a
    ConfigError names the setting and the values it takes. The token alone is checked when
    it is needed (`require_token`), so commands that do not use it run without one.
    """

    db_path: Path = Path(DEFAULT_DB)
    token: str | None = field(default=None, repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    allowed_chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()
    questions_per_minute: int = 20
    keep_days: int = 90
    timezone: str = "UTC"
    seeds_dir: Path | None = REPO_SEEDS  # None: NEWSBOT_SEEDS=none, no seeding
    log_level: str = "INFO"
    # True: every private address (but link-local); a PrivateAllowed: those it lists
    allow_private_urls: bool | PrivateAllowed = False
    # the .env file `load` read (None: none), whose mode `newsbot run` checks
    env_file: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not _http_url(self.api_base_url):
            raise ConfigError(
                f"TELEGRAM_API_BASE_URL {token_masked(self.api_base_url)!r} is not an http(s) "
                f"URL: use {DEFAULT_API_BASE_URL}, or your own Bot API server's, e.g. "
                "http://localhost:8081/bot"
            )
        # "…/bot/" is "…/bot": python-telegram-bot appends the token to it as it is, and
        # "…/bot/<token>" was rejected by the Bot API, a misleading start-up error
        object.__setattr__(self, "api_base_url", self.api_base_url.rstrip("/"))
        if not urlsplit(self.api_base_url).path.endswith("/bot"):
            raise ConfigError(
                f"TELEGRAM_API_BASE_URL {token_masked(self.api_base_url)!r} must end in /bot, "
                f"which the token is appended to: {DEFAULT_API_BASE_URL}, or your own Bot API "
                "server's, e.g. http://localhost:8081/bot"
            )
        if self.questions_per_minute <= 0:
            raise ConfigError(
                f"NEWSBOT_QUESTIONS_PER_MINUTE must be a positive whole number, "
                f"not {self.questions_per_minute}"
            )
        if self.keep_days <= 0:
            raise ConfigError(
                f"NEWSBOT_KEEP_DAYS must be a positive whole number of days, not {self.keep_days}"
            )
        if self.log_level.upper() not in LOG_LEVELS:
            raise ConfigError(
                f"NEWSBOT_LOG_LEVEL {token_masked(self.log_level)!r} is not a log level: use "
                f"{', '.join(LOG_LEVELS[:-1])} or {LOG_LEVELS[-1]}"
            )
        if holds_token(self.timezone):  # pasted into the wrong line: never shown
            raise ConfigError(
                "NEWSBOT_TIMEZONE holds what looks like a bot token, not a time zone: use an "
                "Area/City name such as Europe/London, America/New_York or Asia/Tokyo (or UTC)"
            )
        try:  # read as /subscribe reads a zone: "EST" is UTC-5 all year, New York is not
            zone = read_zone(self.timezone)
        except ScheduleError as exc:
            raise ConfigError(f"NEWSBOT_TIMEZONE: {exc}") from None
        # Canonical forms: "info" is INFO, "europe/berlin" is Europe/Berlin.
        object.__setattr__(self, "log_level", self.log_level.upper())
        object.__setattr__(self, "timezone", zone.key)

    @classmethod
    def load(cls, env_file: str | Path | None = ".env", db: str | None = None) -> Settings:
        """Read settings: `db` (from --db) first, then the environment, then `env_file`.

        Raises ConfigError for the first setting that cannot be used."""
        values: dict[str, str | None] = {}
        read = Path(env_file) if env_file and Path(env_file).is_file() else None
        if read is not None:
            values.update(dotenv_values(read))
        # A blank variable is unset, and .env fills it in: docker-compose's `${VAR}` and
        # systemd's `Environment=VAR=` make them, and one hid the token .env holds.
        values.update((name, value) for name, value in os.environ.items() if value.strip())

        def get(name: str) -> str | None:
            value = values.get(name)
            return value.strip() if value is not None and value.strip() else None

        return cls(
            # "~" as a shell would read it: a .env file or `--db=~/x` is read by no shell
            db_path=Path(db or get("NEWSBOT_DB") or DEFAULT_DB).expanduser(),
            token=get("TELEGRAM_BOT_TOKEN"),
            api_base_url=get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
            allowed_chats=_ids("NEWSBOT_ALLOWED_CHATS", get("NEWSBOT_ALLOWED_CHATS")),
            admins=_ids("NEWSBOT_ADMINS", get("NEWSBOT_ADMINS")),
            questions_per_minute=_whole_number(
                "NEWSBOT_QUESTIONS_PER_MINUTE", get("NEWSBOT_QUESTIONS_PER_MINUTE"), 20
            ),
            keep_days=_whole_number("NEWSBOT_KEEP_DAYS", get("NEWSBOT_KEEP_DAYS"), 90),
            timezone=get("NEWSBOT_TIMEZONE") or "UTC",
            seeds_dir=_seeds(get("NEWSBOT_SEEDS")),
            log_level=get("NEWSBOT_LOG_LEVEL") or "INFO",
            allow_private_urls=_private_urls(get("NEWSBOT_ALLOW_PRIVATE_URLS")),
            env_file=read,
        )

    @property
    def zone(self) -> ZoneInfo:
        """NEWSBOT_TIMEZONE as a time zone (checked when the settings were made)."""
        return parse_zone(self.timezone)

    def expired_before(self, now: float) -> float:
        """The moment what chats asked before is forgotten at `now`: NEWSBOT_KEEP_DAYS ago."""
        return now - self.keep_days * DAY_SECONDS

    def env_file_shared(self) -> str | None:
        """Why the .env file read is readable by others than its owner (its group, anyone),
        when it is; None when it is not, or none was read. It may hold the bot's token."""
        if self.env_file is None:
            return None
        try:
            mode = stat.S_IMODE(self.env_file.stat().st_mode)
        except OSError:  # gone since: nothing to say of it
            return None
        if not mode & (stat.S_IRGRP | stat.S_IROTH):
            return None
        return (
            f"{self.env_file} is readable by others than its owner (mode {mode:04o}), and it "
            f"may hold TELEGRAM_BOT_TOKEN: chmod 600 {self.env_file}"
        )

    def require_token(self) -> str:
        """The bot token, or a ConfigError that says what is wrong without showing it."""
        if not self.token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token "
                f"in .env (a template with every setting: {ENV_EXAMPLE})"
            )
        if not TOKEN_PATTERN.match(self.token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is malformed: expected five or more digits, a colon and a "
                "secret of 30 or more letters, digits, - or _ (35 as @BotFather gives it)"
            )
        return self.token
