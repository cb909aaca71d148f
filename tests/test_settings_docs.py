"""`.env.example` and docs/bot.md name every setting newsbot reads, and the example loads."""

from __future__ import annotations

import inspect
import re
from dataclasses import replace

import pytest

from bot.config import Settings
from bot.help_commands import COMMANDS
from tests.conftest import REPO

EXAMPLE = REPO / ".env.example"
GUIDE = REPO / "docs" / "bot.md"


def setting_names() -> set[str]:
    return set(re.findall(r'get\(\s*"([A-Z_]+)"', inspect.getsource(Settings.load)))


def test_env_example_lists_every_setting_each_with_a_comment() -> None:
    lines = EXAMPLE.read_text().splitlines()
    listed = {}
    for number, line in enumerate(lines):
        if match := re.match(r"([A-Z_]+)=", line):
            listed[match.group(1)] = lines[number - 1]
    assert set(listed) == setting_names()
    assert all(above.startswith("# ") for above in listed.values())


def test_env_example_loads_as_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    assert Settings.load(env_file=EXAMPLE) == replace(Settings(), token=None)


def test_guide_has_every_setting_and_command() -> None:
    guide = GUIDE.read_text()
    for name in setting_names():
        assert f"| `{name}` |" in guide
    for command in COMMANDS:
        assert f"| `/{command.name}` | {command.description}" in guide
