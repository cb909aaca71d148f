"""`bot.heap`: the heap's freed memory given back to the system, where glibc can."""

from __future__ import annotations

import platform

from bot import heap


def _anonymous_mb() -> int:
    """This process's resident memory that is no file's (its heap, among others)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no RssAnon in /proc/self/status")


def test_the_heaps_freed_memory_is_given_back_where_glibc_can() -> None:
    """glibc kept what a running bot's index merges freed, some 24-43 MB after six ingests
    another process made, until a restart: freed, not given back."""
    if platform.libc_ver()[0] != "glibc":
        assert heap.give_back() is False  # nothing to ask
        return
    # 64 MB of blocks under malloc's mmap threshold: the heap's; then one past them, so that
    # freeing them leaves the heap's top in use and free() alone gives nothing back
    blocks = [b"x" * (64 * 1024) for _ in range(1024)]
    kept = b"y" * (64 * 1024)
    del blocks
    held = _anonymous_mb()
    assert heap.give_back()
    assert _anonymous_mb() < held - 32
    assert kept
