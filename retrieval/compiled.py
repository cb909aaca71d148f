"""numba's `njit`, for every compiled kernel: imported from here, so that numba caches what it
compiles in a folder this user may write (`numba_cache_dir`), set before numba is loaded."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
import tempfile
from pathlib import Path


def numba_cache_dir(package: Path = Path(__file__).parent) -> Path | None:
    """Where numba should keep the compiled kernels (`cache=True`), set as NUMBA_CACHE_DIR
    before numba is first imported; None where its own choice works.

    Numba caches beside the source, else in the user's cache folder. Installed where the
    service's user may not write (a root-owned venv) and run by a user with no home (a system
    user, HOME=/nonexistent), it finds neither, and the first import of a kernel raises
    "cannot cache function ...: no locator available": no command, the bot included, runs.
    """
    if os.environ.get("NUMBA_CACHE_DIR") or os.access(package, os.W_OK):
        return None
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates = [
        *([Path(xdg) / "newsbot" / "numba"] if xdg else []),
        Path.home() / ".cache" / "newsbot" / "numba",
        Path(tempfile.gettempdir()) / f"newsbot-numba-{os.getuid()}",
    ]
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return None


if (_cache := numba_cache_dir()) is not None:
    os.environ["NUMBA_CACHE_DIR"] = str(_cache)

import numba  # noqa: E402  (after NUMBA_CACHE_DIR: numba reads it when loaded)
from numba import njit  # noqa: E402

__all__ = ["COMPILING", "is_compiled", "mark_compiled", "njit", "numba_cache_dir"]


@functools.cache
def _code() -> str:
    """What names this code: every module of `retrieval`, numba's version and Python's (read
    once: the shell and the engine both ask)."""
    code = hashlib.sha256(f"{numba.__version__} {sys.version_info[:2]}".encode())
    for module in sorted(Path(__file__).parent.rglob("*.py")):
        code.update(module.read_bytes())
    return code.hexdigest()[:16]


def _mark() -> Path:
    """The file that says this code's kernels are compiled and cached, in numba's cache."""
    package = Path(__file__).parent
    cache = Path(os.environ.get("NUMBA_CACHE_DIR") or package / "__pycache__")
    return cache / f"newsbot-compiled-{_code()}"


# What a shell says before opening the engine where `is_compiled` is false: a minute of
# silence at the first start (the quick start's first command: 55 s on a fresh clone) looks
# like a hang.
COMPILING = "compiling the search code for this machine, once: about a minute"


def is_compiled() -> bool:
    """Whether the kernels were compiled for this code before: if not, opening the engine
    compiles them, which takes about a minute, once (numba caches them)."""
    try:
        return _mark().exists()
    except OSError:
        return True  # nothing to tell: say nothing


def mark_compiled() -> None:
    with contextlib.suppress(OSError):  # a read-only install: said at each start, no worse
        mark = _mark()
        mark.parent.mkdir(parents=True, exist_ok=True)  # none under PYTHONDONTWRITEBYTECODE
        mark.touch()
