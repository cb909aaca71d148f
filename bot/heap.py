"""Giving the memory a running bot's index merges freed back to the system.

A bot catching up with other processes' ingests builds and merges index segments in its
heap; each save then serves them from their files, mapped, and frees the heap's copies.
glibc's malloc keeps most of that freed memory for later: after six ingests of 500 articles
by another process, 24-43 MB of the 95 MB the bot held above one started afresh
(docs/performance.md). `give_back` asks glibc to return it; elsewhere (macOS, musl's libc)
there is nothing to ask, and nothing is done.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None where this process's C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # musl (Alpine) has none
        return None
    return trim


def give_back() -> bool:
    """Return the heap's free memory to the system, where the C library can (glibc: some
    milliseconds); whether it could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
