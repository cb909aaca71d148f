"""numba's `njit`, for every compiled kernel: imported from here, so that numba caches what it
compiles in a folder this user may write (`numba_cache_dir`), set before numba is loaded."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def numba_cache_dir(package: Path = Path(__file__).parent) -> Path | None:
    """Where numba should keep the compiled kernels (`cache=True`), set as NUMBA_CACHE_DIR
    before numba is first imported; None where its own choice works.

    Numba caches beside the source, else in the user's cache folder. Installed where the
    service's user may not write (a root-owned venv) and run by a user with no home (a system
    user, HOME=/nonexistent), it found neither, and the first import of a kernel raised
    "cannot cache function ...: no locator available": no command, the bot included, ran.
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

from numba import njit  # noqa: E402  (after NUMBA_CACHE_DIR: numba reads it when loaded)

__all__ = ["njit", "numba_cache_dir"]
