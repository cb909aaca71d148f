"""Measuring: latency percentiles, peak memory, one-thread environments, worker processes.

Every system runs in its own process, so peak resident sets never mix: a worker reads its own
high-water mark (VmHWM in /proc/self/status) and reports it with its timings as JSON.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
K = 10  # results per query, for every system
Ranked = list[tuple[int, float]]  # (corpus position, score), best first

# One thread for every library that could start more; the query runs on one core.
ONE_THREAD = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}
# Set on some machines to pick an OpenBLAS kernel; recorded so results say what ran.
BLAS_TUNING = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def memory_mb(key: str = "VmHWM") -> float:
    """This process's peak (VmHWM) or current (VmRSS) resident set, in MB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{key} not in /proc/self/status")


def latency(samples_s: Sequence[float]) -> dict[str, float]:
    """Median, 95th percentile and mean of durations in seconds, as milliseconds."""
    if not samples_s:
        return {"n": 0}
    ms = np.asarray(samples_s) * 1000
    return {
        "n": len(ms),
        "median_ms": float(np.median(ms)),
        "p95_ms": float(np.percentile(ms, 95)),
        "mean_ms": float(ms.mean()),
        "max_ms": float(ms.max()),
    }


def by_set(queries: Sequence[Any], durations: Sequence[float]) -> dict[str, Any]:
    """Latency figures per query set (`query.set`), in the order the sets first appear."""
    sets: dict[str, list[float]] = {}
    for query, seconds in zip(queries, durations, strict=True):
        sets.setdefault(query.set, []).append(seconds)
    return {name: latency(values) for name, values in sets.items()}


def time_queries(
    run: Callable[[Any], Any], queries: Sequence[Any], warmup: int = 3
) -> tuple[list[float], list[Any]]:
    """Each query's duration in seconds and its result, after `warmup` untimed queries."""
    for query in queries[:warmup]:
        run(query)
    durations, results = [], []
    clock = time.perf_counter
    for query in queries:
        started = clock()
        result = run(query)
        durations.append(clock() - started)
        results.append(result)
    return durations, results


def _numpy_simd() -> list[str]:
    """The SIMD targets numpy dispatches to on this CPU beyond its baseline (what
    `np.show_runtime()` lists as found): its sorts and partitions pick a kernel by them."""
    try:
        umath = importlib.import_module("numpy._core._multiarray_umath")
    except ImportError:  # numpy 1.x
        umath = importlib.import_module("numpy.core._multiarray_umath")
    features, dispatch = vars(umath)["__cpu_features__"], vars(umath)["__cpu_dispatch__"]
    return [name for name in dispatch if features.get(name)]


def host() -> dict[str, Any]:
    """The CPU a run had and numpy's SIMD level on it. The machine can change between runs,
    and a peer's time with it: bm25s's numpy backend spends most of a query in one
    `np.argpartition` over every sentence's score, whose AVX2 kernel took 8.5x numpy's
    scalar one on mostly-zero scores (docs/performance.md, "bm25s and the host")."""
    model, flags = "unknown", set()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                elif key.strip() == "flags":  # the first processor's; all are alike
                    flags = set(value.split())
                    break
    except OSError:  # not Linux
        pass
    return {
        "cpu": model,
        "avx2": "avx2" in flags,
        "avx512f": "avx512f" in flags,
        "numpy": np.__version__,
        "numpy_simd": _numpy_simd(),
    }


def environment() -> dict[str, Any]:
    """What the numbers depend on: thread settings, OpenBLAS kernel, CPU count, the CPU and
    numpy's SIMD level on it, versions."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # a worker run as a default install, without the bench extra
        pools = []
    else:
        keys = ("internal_api", "num_threads", "architecture", "version")
        pools = [{k: p.get(k) for k in keys} for p in threadpool_info()]
    return {
        "threads_env": {k: os.environ.get(k) for k in ONE_THREAD},
        "blas_tuning_env": {k: os.environ.get(k) for k in BLAS_TUNING},
        "threadpools": pools,
        "cpus": os.cpu_count(),
        "host": host(),
        "load_average": os.getloadavg(),  # other work on the machine makes timings noisy
        "python": sys.version.split()[0],
    }


def worker_env() -> dict[str, str]:
    env = dict(os.environ, **ONE_THREAD)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def run_worker(module: str, args: Sequence[str], result: Path, timeout: float) -> dict[str, Any]:
    """Run `python -m module args --result FILE` in a fresh one-thread process; its JSON.

    The worker's own stderr is passed through (progress goes there); a failure raises with it.
    """
    result.unlink(missing_ok=True)
    command = [sys.executable, "-m", module, *args, "--result", str(result)]
    started = time.time()
    proc = subprocess.run(
        command, cwd=ROOT, env=worker_env(), timeout=timeout, capture_output=True, text=True
    )
    if proc.returncode != 0 or not result.exists():
        raise RuntimeError(
            f"{' '.join(command)} failed with exit code {proc.returncode}:\n{proc.stderr[-4000:]}"
        )
    data: dict[str, Any] = json.loads(result.read_text())
    data["spawned_at"] = started
    data["process_wall_s"] = time.time() - started
    return data
