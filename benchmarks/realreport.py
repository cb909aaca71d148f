"""Tables of the real-news benchmark (`realscale.py`): one row per corpus, ratios from the
same run ("×" = the peer's time over newsbot's: above 1, newsbot is faster)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from benchmarks.report import compare_exact

TARGETS_MS = {"whole_median": 5.0, "whole_p95": 15.0, "index_median": 1.0}
TARGET_VS_BM25S = 20.0
TARGET_INGEST = 300.0
TARGET_READY_S = 3.0
TARGET_RSS_MB = 1024.0


def parity(ours: Mapping[str, Any], peers: Mapping[str, Any]) -> dict[str, Any]:
    """newsbot's top 10s against rank-bm25's (exact) on the questions rank-bm25 ran."""
    reference = peers.get("rank-bm25", {}).get("top10")
    return compare_exact(ours, reference) if reference else {}


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 10 else f"{value:,.1f}"


def _pair(figures: Mapping[str, Any] | None) -> str:
    if not figures or not figures.get("n"):
        return "—"
    return f"{_ms(figures['median_ms'])} / {_ms(figures['p95_ms'])}"


def ratio(theirs: float | None, ours: float | None) -> str:
    """`theirs / ours` as the tables print it: 12.8×, 266×, 0.52×."""
    if not theirs or not ours:
        return "—"
    value = theirs / ours
    return f"{value:,.0f}×" if value >= 100 else f"{value:.1f}×" if value >= 1 else f"{value:.2f}×"


def _peer(row: Mapping[str, Any], name: str) -> dict[str, Any]:
    figures = row["peers"].get(name, {}).get("queries", {})
    return next(iter(figures.values()), {}) if figures else {}


def rows_table(run: Mapping[str, Any]) -> str:
    lines = [
        "| corpus | questions | whole question median / p95 ms | index top-10 median / p95 "
        "ms | index top-60 median / p95 ms | bm25s top-10 median / p95 ms | whole question "
        "vs bm25s | index top-10 vs bm25s | rank-bm25 median ms (questions) | ready s | "
        "serving RSS MB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in run["rows"]:
        serving = row["serving"]
        whole, top10 = serving["whole_question"], serving["index"]["top10"]
        bm25s, rank = _peer(row, "bm25s"), _peer(row, "rank-bm25")
        lines.append(
            f"| {row['label']} | {whole['n']:,} | {_pair(whole)} | {_pair(top10)} "
            f"| {_pair(serving['index']['top60'])} | {_pair(bm25s)} "
            f"| {ratio(bm25s.get('median_ms'), whole['median_ms'])} "
            f"| {ratio(bm25s.get('median_ms'), top10['median_ms'])} "
            f"| {_ms(rank.get('median_ms'))} ({rank.get('n', 0)}) | {serving['ready_s']:.2f} "
            f"| {serving['serving_mb']:,.0f} |"
        )
    return "\n".join(lines)


def host_line(run: Mapping[str, Any]) -> str:
    """The machine bm25s ran on, as its worker saw it: most of a bm25s question is one numpy
    argpartition, whose kernel numpy picks by the CPU's SIMD level, so its time (and every
    ratio to it) moves with the host."""
    host = run["rows"][0]["peers"].get("bm25s", {}).get("environment", {}).get("host")
    if not host:
        return ""
    has = [name for name in ("avx2", "avx512f") if host[name]]
    simd = ", ".join(host["numpy_simd"]) or "its baseline only"
    return (
        f"bm25s ran on: {host['cpu']} ({', '.join(has) or 'neither avx2 nor avx512f'}), "
        f"numpy {host['numpy']} dispatching to {simd}."
    )


def profile_table(run: Mapping[str, Any]) -> str:
    """Where a whole question's time goes, per corpus: mean ms per question by part, from a
    pass under cProfile (which slows Python more than C: the shares are what to read)."""
    rows = [row for row in run["rows"] if row["serving"].get("profile")]
    if not rows:
        return ""
    names = list(rows[0]["serving"]["profile"]["parts_ms"])
    lines = [
        "| part (mean ms per question, profiled) | " + " | ".join(r["label"] for r in rows) + " |",
        "|---|" + "--:|" * len(rows),
    ]
    for name in names:
        cells = []
        for row in rows:
            profile = row["serving"]["profile"]
            value = profile["parts_ms"].get(name, 0.0)
            share = value / profile["profiled_ms"] if profile["profiled_ms"] else 0.0
            cells.append(f"{_ms(value)} ({share:.0%})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    totals = " | ".join(_ms(r["serving"]["profile"]["profiled_ms"]) for r in rows)
    lines.append(f"| whole question under the profiler | {totals} |")
    top = rows[0]["serving"]["profile"]["top_functions_ms"]
    lines += [
        "",
        f"Functions with the most time of their own ({rows[0]['label']}, ms per question): "
        + "; ".join(f"`{name}` {ms:.2f}" for name, ms in top)
        + ".",
    ]
    return "\n".join(lines)


def ingest_table(ingest: Mapping[str, Any] | None) -> str:
    if not ingest:
        return ""
    cached = " (cached: from an earlier run)" if ingest.get("cached") else ""
    return "\n".join(
        [
            "| ingest, end to end (`Engine.ingest` + `Engine.refresh`) | value |",
            "|---|---|",
            f"| code | {ingest.get('code', '?')}{cached} |",
            f"| articles added (duplicates, failures) | {ingest['added']:,} "
            f"({ingest['duplicates']:,}, {ingest['failures']}) |",
            f"| sentences | {ingest['sentences']:,} |",
            f"| parse + split + store, wall (CPU) | {ingest['parse_split_store_s']:.1f} s "
            f"({ingest.get('cpu_store_s', 0):.1f} s) |",
            f"| index, wall (CPU) | {ingest['index_s']:.1f} s "
            f"({ingest.get('cpu_index_s', 0):.1f} s) |",
            f"| articles/s, wall (per CPU second) | {ingest['articles_per_s']:,.0f} "
            f"({ingest.get('articles_per_cpu_s', 0):,.0f}) |",
            f"| then `save_index` | {ingest['save_index_s']:.2f} s |",
            f"| peak RSS (with the worker's, at most) | {ingest['peak_mb']:,.0f} MB "
            f"(worker {ingest.get('worker_peak_mb', 0):,.0f} MB) |",
        ]
    )


def parity_table(run: Mapping[str, Any]) -> str:
    lines = ["| check | corpus | questions | result |", "|---|---|--:|---|"]
    for row in run["rows"]:
        check = row.get("parity")
        if check:
            lines.append(
                f"| newsbot top 10 = rank-bm25 top 10 (relative 1e-9) | {row['label']} "
                f"| {check['queries']} | {'yes' if check['agree'] else 'NO'}: max relative "
                f"difference {check['max_relative_difference']:.1e}, "
                f"{check['unexplained_mismatches']} mismatches beyond ties |"
            )
    return "\n".join(lines)


def targets_table(run: Mapping[str, Any]) -> str:
    row = run["rows"][0]
    serving = row["serving"]
    whole, top10 = serving["whole_question"], serving["index"]["top10"]
    bm25s = _peer(row, "bm25s").get("median_ms")
    lines = [f"| target ({row['label']}) | measured | met |", "|---|---|---|"]

    def add(target: str, measured: str, met: bool) -> None:
        lines.append(f"| {target} | {measured} | {'yes' if met else 'no'} |")

    add(
        "whole question median ≤ 5 ms",
        f"{whole['median_ms']:.2f} ms",
        whole["median_ms"] <= TARGETS_MS["whole_median"],
    )
    add(
        "whole question p95 ≤ 15 ms",
        f"{whole['p95_ms']:.2f} ms",
        whole["p95_ms"] <= TARGETS_MS["whole_p95"],
    )
    if bm25s:
        value = bm25s / whole["median_ms"]
        add("whole question ≥ 20× faster than bm25s", f"{value:.1f}×", value >= TARGET_VS_BM25S)
    add(
        "index top-10 median ≤ 1 ms",
        f"{top10['median_ms']:.3f} ms",
        top10["median_ms"] <= TARGETS_MS["index_median"],
    )
    ingest = run.get("ingest")
    if ingest:
        add(
            "ingest ≥ 300 articles/s end to end",
            f"{ingest['articles_per_s']:,.0f} /s",
            ingest["articles_per_s"] >= TARGET_INGEST,
        )
        add(
            "ingest peak memory ≤ 1 GB",
            f"{ingest['peak_mb']:,.0f} MB",
            ingest["peak_mb"] <= TARGET_RSS_MB,
        )
    add("ready ≤ 3 s", f"{serving['ready_s']:.2f} s", serving["ready_s"] <= TARGET_READY_S)
    add(
        "serving RSS ≤ 1 GB",
        f"{serving['serving_mb']:,.0f} MB",
        serving["serving_mb"] <= TARGET_RSS_MB,
    )
    check = row.get("parity")
    if check:
        add(
            "top 10s are rank-bm25's",
            f"{check['queries']} questions, max relative difference "
            f"{check['max_relative_difference']:.1e}",
            check["agree"],
        )
    return "\n".join(lines)


def markdown(run: Mapping[str, Any]) -> str:
    parts = [
        "## newsbot on real news, side by side (one run)",
        rows_table(run),
        host_line(run),
        "## Where a whole question's time goes",
        profile_table(run),
        "## Ingest",
        ingest_table(run.get("ingest")),
        "## Correctness",
        parity_table(run),
        "## The issue's targets",
        targets_table(run),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"
