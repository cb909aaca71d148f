"""The `newsbot` entry point: a Ctrl-C while its modules import."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.cli_process import REPO, clean_env

# A real SIGINT, sent by the process to itself as the command line's main module begins
# importing: where a Ctrl-C a second after starting `newsbot` lands.
_INTERRUPTED_IMPORT = """
import os, signal, sys

class _Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "bot.cli.main":
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, _Interrupt())
from bot.cli.entry import main
sys.exit(main())
"""


def test_ctrl_c_while_newsbot_imports_says_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_IMPORT, "--version"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (130, "")
    assert done.stderr == "newsbot: stopped by SIGINT during start-up\n"


def test_the_installed_command_starts_at_the_entry_point() -> None:
    # a console script pointed at bot.cli.main imports it before anything can hear Ctrl-C
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["newsbot"] == "bot.cli.entry:main"
