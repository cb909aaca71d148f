"""Every setting is checked when the settings load: a bad value is one clear error naming the
setting and the values it takes, never a traceback later."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from retrieval.errors import ConfigError, NewsbotError
from retrieval.feeds.private_addresses import PrivateAllowed
from tests.conftest import REPO


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("NEWSBOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings.load(env_file=None)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "NEWSBOT_LOG_LEVEL",
            "LOUD",
            "NEWSBOT_LOG_LEVEL 'LOUD' is not a log level: use DEBUG, INFO, WARNING or ERROR",
        ),
        (
            "NEWSBOT_TIMEZONE",
            "Mars/Olympus",
            "NEWSBOT_TIMEZONE: unknown time zone 'Mars/Olympus': use an Area/City name such as "
            "Europe/London, America/New_York or Asia/Tokyo (or UTC)",
        ),
        (
            "TELEGRAM_API_BASE_URL",
            "ftp://api.example/bot",
            "TELEGRAM_API_BASE_URL 'ftp://api.example/bot' is not an http(s) URL: use "
            "https://api.telegram.org/bot, or your own Bot API server's",
        ),
        (
            "TELEGRAM_API_BASE_URL",
            "localhost:8081/bot",
            "TELEGRAM_API_BASE_URL 'localhost:8081/bot' is not an http(s) URL",
        ),
        (
            "TELEGRAM_API_BASE_URL",
            "http://[::1/bot",  # urlsplit raised ValueError: a traceback, at every command
            "TELEGRAM_API_BASE_URL 'http://[::1/bot' is not an http(s) URL",
        ),
        (
            "TELEGRAM_API_BASE_URL",
            "http://localhost:99999/bot",
            "TELEGRAM_API_BASE_URL 'http://localhost:99999/bot' is not an http(s) URL",
        ),
        # the token is appended to it: "…:8081/" got "rejected by the Bot API", ":8081"
        # "cannot reach the Bot API … InvalidURL"
        (
            "TELEGRAM_API_BASE_URL",
            "http://localhost:8081/",
            "TELEGRAM_API_BASE_URL 'http://localhost:8081' must end in /bot, which the token is "
            "appended to",
        ),
        (
            "TELEGRAM_API_BASE_URL",
            "http://localhost:8081",
            "TELEGRAM_API_BASE_URL 'http://localhost:8081' must end in /bot",
        ),
        (  # a token pasted into it is not shown back
            "TELEGRAM_API_BASE_URL",
            "http://localhost:8081/bot123456789:AAH-secret_token/",
            "TELEGRAM_API_BASE_URL 'http://localhost:8081/bot<TELEGRAM_BOT_TOKEN>' must end",
        ),
        (  # a host's port is shown as it is: "10.0.0.<TELEGRAM_BOT_TOKEN>" named no token
            "TELEGRAM_API_BASE_URL",
            "http://10.0.0.5:8081/api",
            "TELEGRAM_API_BASE_URL 'http://10.0.0.5:8081/api' must end in /bot",
        ),
        (
            "NEWSBOT_ALLOW_PRIVATE_URLS",
            "intranet.example, yes please",
            "NEWSBOT_ALLOW_PRIVATE_URLS 'intranet.example, yes please' is neither yes nor no "
            "nor a list of hosts and networks ('yes please' is neither a host name nor a "
            "network): use the hosts and networks your feeds are on, separated by commas "
            "(intranet.example, 10.1.0.0/16), 1, true, yes, on for every private address, 0, "
            "false, no, off for none",
        ),
        (
            "NEWSBOT_ALLOW_PRIVATE_URLS",
            "10.1.0.0/33",
            "NEWSBOT_ALLOW_PRIVATE_URLS '10.1.0.0/33' is neither yes nor no nor a list",
        ),
        (
            "NEWSBOT_QUESTIONS_PER_MINUTE",
            "lots",
            "NEWSBOT_QUESTIONS_PER_MINUTE 'lots' is not a whole number: use e.g. 20",
        ),
        (
            "NEWSBOT_QUESTIONS_PER_MINUTE",
            "0",
            "NEWSBOT_QUESTIONS_PER_MINUTE must be a positive whole number, not 0",
        ),
        (
            "NEWSBOT_KEEP_DAYS",
            "0",
            "NEWSBOT_KEEP_DAYS must be a positive whole number of days, not 0",
        ),
        (
            "NEWSBOT_ALLOWED_CHATS",
            "12345,team",
            "NEWSBOT_ALLOWED_CHATS '12345,team' is not a list of ids: use numeric chat or "
            "user ids separated by commas",
        ),
        ("NEWSBOT_ADMINS", "@alice", "NEWSBOT_ADMINS '@alice' is not a list of ids: use"),
        # tzdata's EST is UTC-5 all year: a New York desk was an hour off all summer
        (
            "NEWSBOT_TIMEZONE",
            "EST",
            "NEWSBOT_TIMEZONE: 'EST' is an abbreviation, not a time zone: use an Area/City name "
            "such as America/New_York, which keeps the place's time, summer time included",
        ),
        ("NEWSBOT_TIMEZONE", "EST5EDT", "NEWSBOT_TIMEZONE: 'EST5EDT' is an abbreviation"),
        ("NEWSBOT_TIMEZONE", "MST", "NEWSBOT_TIMEZONE: 'MST' is an abbreviation"),
        ("NEWSBOT_TIMEZONE", "+05:45", "NEWSBOT_TIMEZONE: '+05:45' is an offset, not a time"),
        # the zone meant was lost: "is not a time zone: use an IANA name such as UTC, …"
        (
            "NEWSBOT_TIMEZONE",
            "Europe/Londn",
            "NEWSBOT_TIMEZONE: unknown time zone 'Europe/Londn': did you mean Europe/London?",
        ),
    ],
)
def test_a_bad_value_names_the_setting_and_what_it_takes(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load(monkeypatch, **{name: value})
    assert str(error.value).startswith(message)
    assert isinstance(error.value, NewsbotError)


@pytest.mark.parametrize("word", ["1", "true", "YES", " On "])
def test_yes_in_any_case(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    assert load(monkeypatch, NEWSBOT_ALLOW_PRIVATE_URLS=word).allow_private_urls is True


@pytest.mark.parametrize("word", ["0", "False", "no", "OFF", ""])
def test_no_in_any_case_or_unset(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    assert load(monkeypatch, NEWSBOT_ALLOW_PRIVATE_URLS=word).allow_private_urls is False


def test_the_private_addresses_allowed_may_be_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A newsroom with one intranet feed names its host or network, not every private
    address for every feed; an address a resolver reads (127.1) is a network of one."""
    listed = "Intranet.Example., 10.1.0.0/16 ,[fd00::5], 127.1"
    allowed = load(monkeypatch, NEWSBOT_ALLOW_PRIVATE_URLS=listed).allow_private_urls
    assert allowed == PrivateAllowed(
        hosts=frozenset({"intranet.example"}),
        networks=(
            ipaddress.ip_network("10.1.0.0/16"),
            ipaddress.ip_network("fd00::5/128"),
            ipaddress.ip_network("127.0.0.1/32"),
        ),
    )


def test_good_values_are_read_in_their_canonical_form(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(
        monkeypatch,
        NEWSBOT_LOG_LEVEL="warning",
        NEWSBOT_TIMEZONE="europe/berlin",
        TELEGRAM_API_BASE_URL="http://localhost:8081/bot",
        NEWSBOT_QUESTIONS_PER_MINUTE=" 7 ",
        NEWSBOT_KEEP_DAYS="30",
        NEWSBOT_ALLOWED_CHATS="1, -1001234567890 2",
        NEWSBOT_ADMINS="42",
    )
    assert settings.keep_days == 30
    assert (settings.log_level, settings.timezone) == ("WARNING", "Europe/Berlin")
    assert settings.zone.key == "Europe/Berlin"
    assert settings.api_base_url == "http://localhost:8081/bot"
    assert settings.questions_per_minute == 7
    assert settings.allowed_chats == {1, -1001234567890, 2} and settings.admins == {42}


def test_a_base_url_ending_in_a_slash_is_read_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "…/bot/" became "…/bot/<token>", which the Bot API rejected: start-up said the
    token was, a misleading error for a typo in the address."""
    settings = load(monkeypatch, TELEGRAM_API_BASE_URL="http://localhost:8081/bot/")
    assert settings.api_base_url == "http://localhost:8081/bot"


def test_a_zone_is_read_as_subscribe_reads_one(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load(monkeypatch, NEWSBOT_TIMEZONE="GMT+2").timezone == "Etc/GMT-2"
    assert load(monkeypatch, NEWSBOT_TIMEZONE="america/new_york").timezone == "America/New_York"


def test_a_token_in_the_zones_line_is_not_shown_back(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "123456789:AAE-xyzXYZ0123456789abcdefghijklmno"
    for value in (token, f"Europe/{token}"):
        with pytest.raises(ConfigError) as error:
            load(monkeypatch, TELEGRAM_BOT_TOKEN=token, NEWSBOT_TIMEZONE=value)
        assert "looks like a bot token" in str(error.value)
        assert "123456789" not in str(error.value) and "AAE-xyz" not in str(error.value)


@pytest.mark.parametrize(
    ("setting", "written"),
    [
        ("NEWSBOT_LOG_LEVEL", "{token}"),
        ("NEWSBOT_ALLOWED_CHATS", "12345,{token}"),
        ("NEWSBOT_QUESTIONS_PER_MINUTE", "{token}"),
        ("NEWSBOT_ALLOW_PRIVATE_URLS", "{token}"),
        ("TELEGRAM_API_BASE_URL", "{token}"),
    ],
)
def test_a_token_pasted_into_another_setting_is_not_shown_back(
    monkeypatch: pytest.MonkeyPatch, setting: str, written: str
) -> None:
    """Every setting's error shows its value back; a token pasted into the wrong line was
    shown whole (only the zone's line and the API address's path hid it)."""
    token = "987654321:AAE-xyzXYZ0123456789abcdefghijklmno"
    with pytest.raises(ConfigError) as error:
        load(monkeypatch, TELEGRAM_BOT_TOKEN=token, **{setting: written.format(token=token)})
    assert setting in str(error.value) and "<TELEGRAM_BOT_TOKEN>" in str(error.value)
    assert "987654321" not in str(error.value) and "AAE-xyz" not in str(error.value)


def test_settings_made_in_code_are_checked_too() -> None:
    with pytest.raises(ConfigError, match="NEWSBOT_TIMEZONE: unknown time zone 'Nowhere/Town'"):
        Settings(timezone="Nowhere/Town")


def test_a_bad_setting_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    """`NEWSBOT_LOG_LEVEL=LOUD newsbot stats`, as a process: no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "TELEGRAM_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--db", str(tmp_path / "n.db"), "stats"],
        cwd=tmp_path,
        env={**env, "NEWSBOT_LOG_LEVEL": "LOUD", "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "newsbot stats: "
        "NEWSBOT_LOG_LEVEL 'LOUD' is not a log level: use DEBUG, INFO, WARNING or ERROR\n"
    )
    assert done.stdout == "" and not (tmp_path / "n.db").exists()


def test_with_no_time_zone_database_the_setting_is_not_blamed(tmp_path: Path) -> None:
    """With neither system zoneinfo files nor the tzdata package (Alpine, distroless,
    Windows), every command stopped at "unknown time zone 'UTC': use an Area/City name ...
    (or UTC)", refusing the default while advising it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "TELEGRAM_"))}
    without_tzdata = (  # None in sys.modules: `import tzdata` fails, as where it is missing
        "import sys; sys.modules['tzdata'] = None; sys.argv[0] = 'newsbot'; "
        "from bot.cli.entry import main; sys.exit(main())"
    )
    done = subprocess.run(
        [sys.executable, "-c", without_tzdata, "--db", str(tmp_path / "n.db"), "stats"],
        cwd=tmp_path,
        env={**env, "PYTHONTZPATH": str(tmp_path / "no-zones"), "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stderr == (
        "newsbot stats: NEWSBOT_TIMEZONE: cannot read time zone 'UTC': no time zone database "
        "found (install tzdata)\n"
    )
    assert done.returncode == 2


def test_the_env_file_read_is_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`newsbot run` checks its mode (`env_file_shared`): only a file read is named."""
    env_file = tmp_path / ".env"
    assert Settings.load(env_file=env_file).env_file is None
    env_file.write_text("NEWSBOT_KEEP_DAYS=30\n")
    env_file.chmod(0o604)
    settings = Settings.load(env_file=env_file)
    assert settings.env_file == env_file
    assert settings.env_file_shared() == (
        f"{env_file} is readable by others than its owner (mode 0604), and it may hold "
        f"TELEGRAM_BOT_TOKEN: chmod 600 {env_file}"
    )
    env_file.chmod(0o600)
    assert settings.env_file_shared() is None


def test_a_blank_variable_is_unset_and_env_file_fills_it_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """docker-compose's `${VAR}` and systemd's `Environment=VAR=` make blank variables:
    `TELEGRAM_BOT_TOKEN= newsbot run` said the token .env held was not set, and a blank
    NEWSBOT_TIMEZONE or NEWSBOT_DB used UTC or newsbot.db over what .env said."""
    token = "123456789:" + "A" * 35
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"TELEGRAM_BOT_TOKEN={token}\nNEWSBOT_TIMEZONE=Europe/Berlin\nNEWSBOT_DB=team.db\n"
    )
    for name in ("TELEGRAM_BOT_TOKEN", "NEWSBOT_TIMEZONE", "NEWSBOT_DB"):
        monkeypatch.setenv(name, " " if name == "NEWSBOT_DB" else "")
    monkeypatch.setenv("NEWSBOT_LOG_LEVEL", "warning")  # one that is set still overrides
    env_file.write_text(env_file.read_text() + "NEWSBOT_LOG_LEVEL=DEBUG\n")
    settings = Settings.load(env_file=env_file)
    assert settings.require_token() == token
    assert (settings.timezone, settings.db_path) == ("Europe/Berlin", Path("team.db"))
    assert settings.log_level == "WARNING"
