"""Where numba keeps the compiled kernels, for a user who may write neither beside the code
nor in a home folder (a system user running the bot from a root-owned install)."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

import pytest

from bot.cli.main import main
from retrieval import compiled
from retrieval.compiled import numba_cache_dir


def test_a_user_with_no_home_and_no_write_access_to_the_code_gets_a_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Numba found no place to cache and raised at the first import of a kernel: no command,
    the bot included, could run as such a user."""
    package = tmp_path / "site-packages" / "retrieval"
    package.mkdir(parents=True)
    not_a_home = tmp_path / "nonexistent"
    not_a_home.write_text("")  # HOME=/nonexistent: nothing can be made under it
    monkeypatch.setenv("HOME", str(not_a_home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    writable = os.access
    monkeypatch.setattr(os, "access", lambda p, m: Path(p) != package and writable(p, m))

    folder = numba_cache_dir(package)
    assert folder == tmp_path / "tmp" / f"newsbot-numba-{os.getuid()}" and folder.is_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert numba_cache_dir(package) == tmp_path / "cache" / "newsbot" / "numba"
    monkeypatch.setenv("NUMBA_CACHE_DIR", "/chosen")  # the admin's own choice stands
    assert numba_cache_dir(package) is None


def test_where_the_code_is_writable_numba_keeps_its_own_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert numba_cache_dir(tmp_path) is None


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "piped"])
def test_the_first_start_says_it_compiles_on_a_terminal_once(
    terminal: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick start's first command was a minute of silence while numba compiled the
    kernels (55 s on a fresh clone): on a terminal it says so, once for this code; piped
    (cron, a script reading stderr) it says nothing."""
    mark = tmp_path / "__pycache__" / "newsbot-compiled-test"  # not made: PYTHONDONTWRITEBYTECODE
    monkeypatch.setattr(compiled, "_mark", lambda: mark)
    said = f"newsbot ask: {compiled.COMPILING}\n"
    monkeypatch.chdir(tmp_path)  # the quick start's newsbot.db, which ask makes
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    for first in (True, False):
        err = _Terminal() if terminal else io.StringIO()
        monkeypatch.setattr(sys, "stderr", err)
        assert main(["ask", "Where did the exercise begin?"]) == 0
        assert (said in err.getvalue()) == (first and terminal)
        assert mark.exists()  # the engine marks what it compiled


def test_the_mark_is_named_by_the_code_in_numbas_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMBA_CACHE_DIR", "/some/cache")
    mark = compiled._mark()  # noqa: SLF001
    assert mark.parent == Path("/some/cache") and mark.name.startswith("newsbot-compiled-")
    assert compiled._mark() == mark  # noqa: SLF001
