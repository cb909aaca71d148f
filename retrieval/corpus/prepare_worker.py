"""An ingest's batches made whole (`complete_articles`: split into sentences, what each
names, sketch, title terms; some 60% of an ingest's CPU) in a worker process, while this
process reads, identifies and writes the others.

One process does the rest of an ingest with its one thread of Python (SQLite's writes give
the GIL up only for each row's step, which a busy thread then delays: measured, a thread of
its own gained nothing), so a second core is used only by a second process. The worker
writes nothing: it hands each batch back, and this process writes it as before, in one
transaction. Stopped at any point (Ctrl-C, SIGTERM, killed), the database holds what was
written, each batch whole or not at all; a batch the worker was preparing is just not
stored. It starts only for an ingest of at least one full batch (`ingest.BATCH` articles):
its start and imports cost a second or more of CPU, which this process then does not spend
(it imports no splitter). It takes every batch from the first full one on; this process
reads the next meanwhile, and writes each as it comes back. A machine with one core to this
process does all here, as before.

The worker is this module run by the same Python (`python -m`), not a `multiprocessing`
child: those import the parent's main script again, which runs a script without a
`__name__` guard twice. It reads batches from its stdin and writes them back made whole on
its stdout (pickled, each after a mark and its length), and ends when its stdin does: when
the ingest is done, or its process is gone, killed or not.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
from collections.abc import Collection, Sequence
from typing import IO, Any

from retrieval.corpus.prepare import PreparedArticle, complete_articles

# The name its log lines carried before the module was renamed (from `preparing`): a log
# filter or search that names it still finds them.
log = logging.getLogger("retrieval.corpus.preparing")

_MARK = b"newsbot batch\n"  # opens each message: what else reaches the pipe is told
_LENGTH = struct.Struct("<Q")  # each message's length in bytes, after the mark
_PIPE_BYTES = 1 << 20


class WorkerGone(Exception):
    """The worker process ended before it answered (killed, out of memory)."""


class WorkerFailed(Exception):
    """`complete_articles` raised in the worker process (its exception is the cause): a
    bug, raised in the ingest as it would be here, not taken for the worker gone."""


def usable_cores() -> int:
    """The cores this process may run on (its affinity, as `taskset` or a container's
    cpuset limits it), else all the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class BatchPreparer:
    """Makes an ingest's batches whole: in a worker process once `start`ed on a machine
    with a second core, else here, in a worker thread."""

    def __init__(self) -> None:
        self._worker: subprocess.Popen[bytes] | None = None
        self._closed = False  # once stopped (or dead), not started again
        # one batch at a time through each pipe, in the order handed over: the next is sent
        # while the worker prepares one, so it waits for no hand-off once done
        self._sending = asyncio.Lock()
        self._receiving = asyncio.Lock()
        self._jobs: set[asyncio.Future[list[PreparedArticle]]] = set()

    def start(self) -> None:
        """Start the worker (at most once), when a second core may run it."""
        if self._worker is not None or self._closed or usable_cores() < 2:
            return
        self._worker = subprocess.Popen(
            _worker_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": _import_path()},
        )
        assert self._worker.stdin is not None and self._worker.stdout is not None
        for pipe in (self._worker.stdin, self._worker.stdout):
            _widened(pipe.fileno())

    def preparing(
        self, articles: Sequence[PreparedArticle], skipped: Collection[int]
    ) -> asyncio.Future[list[PreparedArticle]] | None:
        """`complete_articles(articles, skipped)` under way in the worker (after the batches
        handed to it before), or None when it is not running: prepare them here."""
        if self._worker is None:
            return None
        # pickled here, not in the sending thread: beside a busy thread of this process it
        # would wait for the GIL while the worker waits for it
        request = _message((list(articles), frozenset(skipped)))
        job = asyncio.ensure_future(self._exchange(self._worker, request))
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)
        return job

    async def _exchange(
        self, worker: subprocess.Popen[bytes], request: bytes
    ) -> list[PreparedArticle]:
        """Hand a batch to the worker and take it back made whole, each after the one
        before: it is sent while the worker prepares that one (the send waits in the pipe
        until the worker reads it), and its answer read once that one's is."""
        assert worker.stdin is not None and worker.stdout is not None
        async with self._sending:
            await asyncio.to_thread(_sent, worker.stdin, request)
        async with self._receiving:
            failed, answer = await asyncio.to_thread(_received, worker.stdout)
        if failed:
            raise WorkerFailed(
                f"preparing a batch failed in the worker process: {answer!r}"
            ) from answer
        return list(answer)

    async def prepared(
        self,
        job: asyncio.Future[list[PreparedArticle]],
        articles: Sequence[PreparedArticle],
        skipped: Collection[int],
    ) -> list[PreparedArticle]:
        """What `job` (from `preparing`) made of `articles`; made here if the worker died."""
        try:
            return await job
        except (WorkerGone, OSError, ValueError) as exc:  # ValueError: its pipes closed
            if self._worker is not None:  # said once, for the batches it took with it
                log.warning("%s: the ingest prepares its batches in this process", exc)
            self.close()
            return await asyncio.to_thread(complete_articles, articles, skipped)

    def close(self) -> None:
        """Stop the worker: a batch it is preparing is dropped (nothing of it is written)."""
        worker, self._worker = self._worker, None
        self._closed = True
        for job in list(self._jobs):
            # each fails now; one taken up again is prepared here (`prepared`), one left is
            # not reported ("exception never retrieved") on the way out
            job.add_done_callback(_failure_noted)
        if worker is not None:
            worker.kill()  # it holds nothing to keep
            worker.wait()
            for pipe in (worker.stdin, worker.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):  # a batch half sent: nobody to read it
                        pipe.close()


def _worker_command() -> list[str]:
    """The worker: this module run by this Python. `-P`: the working folder is not put
    first on its import path, as `-m` does, where a `json.py` or `textwrap.py` of the
    folder an ingest is run from would be imported in place of the library's."""
    return [sys.executable, "-P", "-m", __name__]


def _import_path() -> str:
    """The modules this process imports, wherever they are (a checkout run in place),
    for the worker: this process's path, each folder absolute (the worker's own working
    folder is not on it)."""
    return os.pathsep.join(os.path.abspath(path) for path in sys.path if path)


def _failure_noted(job: asyncio.Future[list[PreparedArticle]]) -> None:
    if not job.cancelled():
        job.exception()


def _widened(pipe: int) -> None:
    """Let the pipe hold a megabyte (Linux's most for a user), not 64 KB: a batch's 8 MB
    are then read in a few calls, not a hundred, each of which gives the GIL up and waits
    for it again (up to 5 ms beside a busy thread: half a second a batch). Left as it is
    where that is refused."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux; over a lowered limit
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _sent(pipe: IO[bytes], request: bytes) -> None:
    """In a thread: send a request (`_message`) to the worker."""
    try:
        pipe.write(request)
        pipe.flush()
    except BrokenPipeError as exc:
        raise WorkerGone("the worker process ended") from exc


def _message(message: object) -> bytes:
    """`message` pickled, after the mark and its length."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return b"".join((_MARK, _LENGTH.pack(len(data)), data))


def _send(pipe: IO[bytes], message: object) -> None:
    pipe.write(_message(message))
    pipe.flush()


def _received(pipe: IO[bytes]) -> Any:
    head = pipe.read(len(_MARK) + _LENGTH.size)
    if len(head) < len(_MARK) + _LENGTH.size:
        raise WorkerGone("the worker process ended")
    if not head.startswith(_MARK):  # something else wrote to the pipe: its length is noise
        raise WorkerGone(f"the worker process answered {head!r}")
    (length,) = _LENGTH.unpack(head[len(_MARK) :])
    data = pipe.read(length)
    if len(data) < length:
        raise WorkerGone("the worker process ended")
    return pickle.loads(data)


def _serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The worker: make each batch whole until its stdin ends."""
    # Ctrl-C at a terminal signals the whole process group: the parent alone decides what
    # stops (it drops the batch under way, and closes this)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            articles, skipped = _received(requests)
        except WorkerGone:
            return
        try:
            answer: tuple[bool, object] = (False, complete_articles(articles, skipped))
        except Exception as exc:  # a bug: raised in the parent, as it would be there
            answer = (True, exc)
        try:
            _send(answers, answer)
        except BrokenPipeError:  # the ingest is gone (killed): nobody to tell
            return


def _main() -> None:
    # the answers go out on a copy of stdout, and whatever else would print there (a
    # library's warning) to stderr, where it cannot garble them
    answering = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, answering)
    # not flushed again on the way out, where a pipe the ingest closed would be a traceback
    os._exit(0)


if __name__ == "__main__":
    _main()
