"""Running `newsbot` as a real process: its own environment, optional resource limits."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parent.parent


def clean_env(**settings: str) -> dict[str, str]:
    """The process environment with only the given settings (no stray TELEGRAM_/NEWSBOT_)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    env.update(PYTHONPATH=str(REPO), **settings)
    return env


async def cancel_landed() -> None:
    """Wait, inside a command that a signal stops, for the stop's cancel to reach it: the
    handler (it runs in os.kill) asks the loop to cancel the command; once asked, the loop's
    next turn throws it into the command's wait."""
    # no event tells of a cancel asked: each turn of the loop looks for it
    while not any(task.cancelling() for task in asyncio.all_tasks()):  # noqa: ASYNC110
        await asyncio.sleep(0)
    await asyncio.sleep(0)


CANCEL_WAIT = 30  # seconds a stopped command has to cancel the wait it is in, at most


async def until_cancelled() -> NoReturn:
    """Wait, inside a command that a signal stops, for the stop's cancel to land here, as it
    lands in whatever the command awaits; fail, saying so, if it has not in CANCEL_WAIT
    seconds (the command would go on, and end with a status that says nothing of why)."""
    await asyncio.sleep(CANCEL_WAIT)
    raise AssertionError(f"the stop did not cancel the command within {CANCEL_WAIT} s")


def start_newsbot(args: Sequence[str], cwd: Path, interrupt: bool = True) -> subprocess.Popen[str]:
    """`newsbot ARGS` started in `cwd` (where no .env is), its output piped, not waited for:
    for a test that acts on it while it runs (a signal, a lock held). Ctrl-C does in it
    what it does at a terminal, though the suite runs in the background: a shell starts a
    background job with SIGINT ignored, and Python then leaves it ignored (`interrupt`
    False: so it is, as in such a job)."""
    sigint = signal.SIG_DFL if interrupt else signal.SIG_IGN
    return _started(
        [sys.executable, "-m", "bot.cli", *args],
        cwd,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
    )


def _started(
    command: Sequence[str], cwd: Path, preexec_fn: Callable[[], object] | None = None
) -> subprocess.Popen[str]:
    """`command` started in `cwd` with the clean environment, its output piped as text."""
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec_fn,
    )


@contextlib.contextmanager
def script_process(script: str, args: Sequence[str], cwd: Path) -> Iterator[subprocess.Popen[str]]:
    """`python -c SCRIPT ARGS` started in `cwd` with the clean environment, its output piped,
    not waited for (the script patches newsbot, then runs a command); killed on the way out
    if it still runs, so a failed assertion leaves no process behind holding the test's files."""
    with killed_on_exit(_started([sys.executable, "-c", script, *args], cwd)) as process:
        yield process


@contextlib.contextmanager
def killed_on_exit(process: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """`process`, killed on the way out if it still runs (a failed check left it running)."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def run_newsbot(
    args: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    memory: int | None = None,
    file_size: int | None = None,
    prefix: Sequence[str] = (),
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`newsbot ARGS` in `cwd` (where no .env is), output captured.

    `memory` caps the data segment (RLIMIT_DATA: what malloc and numpy may take), so a run
    that would need more fails there instead of straining the machine; `file_size` caps every
    file the process writes (RLIMIT_FSIZE: writes past it fail with EFBIG, as on a full disk).
    `prefix` runs the command under another (e.g. `unshare`).
    """

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write, not the process
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return subprocess.run(
        [*prefix, sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=env if env is not None else clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit if memory is not None or file_size is not None else None,
    )
