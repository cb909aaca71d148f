"""Turning the workers' figures into checks and markdown tables.

Ratios are always peer / newsbot from the same run: "30×" means the peer took 30 times as
long (or as much memory) as newsbot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SCORE_TOLERANCE = 1e-9  # relative: newsbot's scores are rank-bm25's, not approximations
PEERS = ("rank-bm25", "bm25s", "fts5")
SETS = ("news", "zipf6")
Ranked = Sequence[Sequence[float]]  # [(position, score), ...] best first, as JSON gives it


def compare_exact(
    ours: Mapping[str, Ranked], reference: Mapping[str, Ranked], tolerance: float = SCORE_TOLERANCE
) -> dict[str, Any]:
    """Do our top 10s equal the reference's: same scores rank by rank, same sentences?

    Sentences may differ only where scores tie within `tolerance` (a different but equally
    good sentence at a cut, or two tied sentences in swapped order).
    """
    max_rel = 0.0
    tie_order, unexplained, compared = 0, 0, 0
    for key, theirs in reference.items():
        if key not in ours:
            continue
        compared += 1
        mine = ours[key]
        if len(mine) != len(theirs):
            unexplained += 1
            continue
        differs = False
        for (doc_a, a), (doc_b, b) in zip(mine, theirs, strict=True):
            rel = abs(a - b) / max(abs(b), 1e-300)
            max_rel = max(max_rel, rel)
            if doc_a != doc_b:
                differs = True
                tied = [d for d, s in mine if abs(s - b) <= tolerance * abs(b)]
                at_cut = abs(b - theirs[-1][1]) <= tolerance * abs(b)
                if rel > tolerance or not (doc_b in tied or at_cut):
                    unexplained += 1
        tie_order += differs
    return {
        "queries": compared,
        "max_relative_difference": max_rel,
        "queries_with_other_tied_sentences": tie_order,
        "unexplained_mismatches": unexplained,
        "agree": compared > 0 and max_rel <= tolerance and unexplained == 0,
    }


def overlap(ours: Mapping[str, Ranked], theirs: Mapping[str, Ranked]) -> dict[str, Any]:
    """Mean share of our top 10 that the other system also returns, and score differences."""
    shares, max_rel, compared = [], 0.0, 0
    for key, other in theirs.items():
        if key not in ours:
            continue
        compared += 1
        mine = {int(d): s for d, s in ours[key]}
        if mine:
            shares.append(len(mine.keys() & {int(d) for d, _ in other}) / len(mine))
        for doc, score in other:
            if int(doc) in mine:
                max_rel = max(max_rel, abs(score - mine[int(doc)]) / abs(mine[int(doc)]))
    return {
        "queries": compared,
        "overlap_at_10": sum(shares) / len(shares) if shares else 0.0,
        "max_relative_difference": max_rel,
    }


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 10 else f"{value:,.1f}"


def _s(value: float | None) -> str:
    return "—" if value is None else (f"{value:.2f}" if value < 100 else f"{value:,.0f}")


def _x(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return "—"
    ratio = value / base
    return (
        f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.1f}×" if ratio >= 10 else (f"{ratio:.2f}×")
    )


def _median(figures: Mapping[str, Any], name: str, key: str = "median_ms") -> float | None:
    value = figures.get("queries", {}).get(name, {}).get(key)
    return float(value) if value is not None else None


def systems_table(result: Mapping[str, Any]) -> str:
    """One row per system: build, latency per query set, memory, and ratios to newsbot."""
    systems: Mapping[str, Any] = result["systems"]
    base = systems.get("newsbot", {})
    total = {name: result["queries"].get(name, 0) for name in SETS}
    header = (
        "| system | build s | news median ms | news p95 ms | zipf6 median ms | zipf6 p95 ms "
        "| queries timed | peak RSS MB | input MB | news × | zipf6 × | build × | peak RSS × |\n"
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    )
    rows = [header]
    order = [n for n in ("newsbot", *PEERS) if n in systems]
    for name in order:
        fig = systems[name]
        timed = sum(fig["queries"].get(s, {}).get("n", 0) for s in SETS)
        everything = sum(total.values())
        timed_cell = f"{timed}" if timed == everything else f"{timed} of {everything}"
        rows.append(
            f"| {name} | {_s(fig['build_s'])} | {_ms(_median(fig, 'news'))} "
            f"| {_ms(_median(fig, 'news', 'p95_ms'))} | {_ms(_median(fig, 'zipf6'))} "
            f"| {_ms(_median(fig, 'zipf6', 'p95_ms'))} | {timed_cell} | {fig['peak_mb']:,.0f} "
            f"| {fig['input_mb']:,.0f} | {_x(_median(fig, 'news'), _median(base, 'news'))} "
            f"| {_x(_median(fig, 'zipf6'), _median(base, 'zipf6'))} "
            f"| {_x(fig['build_s'], base.get('build_s'))} "
            f"| {_x(fig['peak_mb'], base.get('peak_mb'))} |"
        )
        if name == "newsbot" and "persisted" in fig:
            loaded = fig["persisted"]
            rows.append(
                f"| newsbot, loaded from disk | {_s(loaded['load_s'])} (load) "
                f"| {_ms(_median(loaded, 'news'))} | {_ms(_median(loaded, 'news', 'p95_ms'))} "
                f"| {_ms(_median(loaded, 'zipf6'))} | {_ms(_median(loaded, 'zipf6', 'p95_ms'))} "
                f"| {timed_cell} | — | — | {_x(_median(loaded, 'news'), _median(base, 'news'))} "
                f"| {_x(_median(loaded, 'zipf6'), _median(base, 'zipf6'))} | — | — |"
            )
    return "\n".join(rows)


def newsbot_table(result: Mapping[str, Any]) -> str:
    """newsbot's persistence, freshness and start-up figures at this size."""
    fig = result["systems"].get("newsbot")
    if not fig:
        return ""
    phases = fig["build_phases_s"]
    saved = fig["persisted"]
    fresh = saved["freshness"]
    per_article = fresh["sentences_per_article"]
    rows = [
        "| newsbot | value |",
        "|---|---|",
        f"| build from the database: read / tokenize / arrays | {phases['read']:.2f} / "
        f"{phases['tokenize']:.2f} / {phases['arrays']:.2f} s |",
        f"| `save_index` | {saved['save_s']:.2f} s, {saved['disk_mb']:,.0f} MB on disk |",
        f"| load as `open_indexes` does (checksums) + count of stored sentences | "
        f"{saved['load_s']:.2f} s + {saved['count_sentences_s']:.3f} s |",
        f"| first query after load | {saved['first_query_ms']:.2f} ms |",
        f"| add one article ({min(per_article)}–{max(per_article)} sentences), median / max "
        f"of {fresh['articles']} | {_ms(fresh['add']['median_ms'])} / "
        f"{_ms(fresh['add']['max_ms'])} ms |",
        f"| add until a query finds it, median / max | "
        f"{_ms(fresh['add_until_found']['median_ms'])} / "
        f"{_ms(fresh['add_until_found']['max_ms'])} ms ({fresh['found']} of "
        f"{fresh['articles']} found) |",
        f"| query median with {fresh['segments_after_adds']} segments (news / zipf6) | "
        f"{_ms(_median({'queries': fresh['queries_after_adds']}, 'news'))} / "
        f"{_ms(_median({'queries': fresh['queries_after_adds']}, 'zipf6'))} ms |",
        f"| `compact` after the adds | {fresh['compact_s']:.3f} s, "
        f"{fresh['segments_after_compact']} segments left |",
    ]
    startup = result.get("startup")
    if startup:
        first = startup["runs"][0]
        rows += [
            f"| start-up to first answer, fresh process (spawn → answer), median of "
            f"{len(startup['runs'])} | {startup['spawn_to_answer_s']:.2f} s (imports "
            f"{first['imports_s']:.2f}, `Engine.open` {first['open_s']:.2f}, first search "
            f"{first['first_search_s']:.2f}; saved index used: {first['loaded_saved_index']}) |",
            f"| the same with the bench extra importable (scipy: `import nltk` loads "
            f"scipy.stats) | {startup['with_bench_extra']['spawn_to_answer_s']:.2f} s (imports "
            f"{startup['with_bench_extra']['imports_s']:.2f}) |",
            f"| `newsbot ask` one question, wall, median of {len(startup['cli_s'])} | "
            f"{startup['cli_median_s']:.2f} s |",
            f"| whole question (`Engine.ask`, 5 passages), median / p95 of "
            f"{first['questions']['n']} | {_ms(first['questions'].get('median_ms'))} / "
            f"{_ms(first['questions'].get('p95_ms'))} ms |",
            f"| serving process peak RSS (after 1 + {first['questions']['n']} questions) | "
            f"{first['peak_mb']:,.0f} MB |",
        ]
    return "\n".join(rows)


def correctness_table(result: Mapping[str, Any]) -> str:
    checks = result.get("correctness", {})
    rows = ["| check | queries | result |", "|---|--:|---|"]
    exact = checks.get("newsbot_vs_rank_bm25")
    if exact:
        rows.append(
            f"| newsbot top 10 = rank-bm25 top 10 (relative {SCORE_TOLERANCE:g}) "
            f"| {exact['queries']} | {'yes' if exact['agree'] else 'NO'}: max relative "
            f"difference {exact['max_relative_difference']:.1e}, "
            f"{exact['unexplained_mismatches']} sentence mismatches beyond ties; "
            f"{exact['queries_with_other_tied_sentences']} queries keep another of equally "
            f"scored sentences (rank-bm25 order: the older first) |"
        )
    for name, label in (
        ("bm25s_vs_rank_bm25", "bm25s vs rank-bm25"),
        ("bm25s_vs_newsbot", "bm25s vs newsbot"),
        ("fts5_vs_newsbot", "FTS5 vs newsbot (k1 1.2, other idf)"),
    ):
        check = checks.get(name)
        if check:
            rows.append(
                f"| {label} | {check['queries']} | top-10 overlap "
                f"{check['overlap_at_10']:.1%}, max relative score difference on shared "
                f"sentences {check['max_relative_difference']:.1e} |"
            )
    return "\n".join(rows)


def size_markdown(result: Mapping[str, Any]) -> str:
    meta = result["corpus"]
    title = (
        f"### {meta['size']:,} sentences ({meta['real_sentences']:,} real + "
        f"{meta['synthetic_sentences']:,} synthetic, `{meta['generator']}`; "
        f"{meta['tokens']:,} tokens, {meta['terms']:,} terms)"
    )
    note = (
        f"newsbot's build reads the text from its database and tokenizes it; the peers are "
        f"handed the tokens (tokenizing this corpus once took {meta['tokenize_s']:.1f} s). "
        f"rank-bm25 times only the first queries of each set where noted."
    )
    parts = [title, note, systems_table(result), newsbot_table(result), correctness_table(result)]
    return "\n\n".join(p for p in parts if p) + "\n"


def growth_table(results: Sequence[Mapping[str, Any]]) -> str:
    """Median latency per system and size: how cost grows with the corpus."""
    sizes = [r["corpus"]["size"] for r in results]
    rows = [
        "| system | query set | " + " | ".join(f"{s:,}" for s in sizes) + " |",
        "|---|---|" + "--:|" * len(sizes),
    ]
    for name in ("newsbot", *PEERS):
        for query_set in SETS:
            cells = [_ms(_median(r["systems"].get(name, {}), query_set)) for r in results]
            if any(c != "—" for c in cells):
                rows.append(f"| {name} | {query_set} | " + " | ".join(cells) + " ms |")
    return "\n".join(rows)


def ingest_table(ingest: Mapping[str, Any]) -> str:
    return "\n".join(
        [
            "| ingest, end to end | value |",
            "|---|---|",
            f"| articles added (duplicates, failures) | {ingest['added']:,} "
            f"({ingest['duplicates']:,}, {ingest['failures']}) |",
            f"| sentences | {ingest['sentences']:,} |",
            f"| parse + split + store (`ingest_paths`) | {ingest['parse_split_store_s']:.1f} s |",
            f"| index (`engine.refresh`) | {ingest['index_s']:.1f} s |",
            f"| throughput, parse to searchable | {ingest['articles_per_s']:,.0f} articles/s "
            f"({ingest['sentences_per_s']:,.0f} sentences/s) |",
            f"| then `save_index` | {ingest['save_index_s']:.2f} s |",
            f"| peak RSS | {ingest['peak_mb']:,.0f} MB |",
        ]
    )


def targets_table(result: Mapping[str, Any]) -> str:
    """The issue's targets, checked against this size's figures."""
    systems = result["systems"]
    ours = systems.get("newsbot")
    if not ours:
        return ""
    rows = ["| target | measured | met |", "|---|---|---|"]

    def add(target: str, measured: str, met: bool) -> None:
        rows.append(f"| {target} | {measured} | {'yes' if met else 'no'} |")

    for query_set in SETS:
        median = _median(ours, query_set)
        if median is None:
            continue
        add(f"query median ≤ 1 ms ({query_set})", f"{median:.3f} ms", median <= 1)
        for peer, factor in (("bm25s", 50), ("rank-bm25", 1000)):
            theirs = _median(systems.get(peer, {}), query_set)
            if theirs is not None:
                ratio = theirs / median
                add(
                    f"≥ {factor}× faster than {peer} ({query_set})",
                    f"{ratio:,.1f}×",
                    ratio >= factor,
                )
    add("build from stored text ≤ 60 s", f"{ours['build_s']:.1f} s", ours["build_s"] <= 60)
    startup = result.get("startup")
    if startup:
        add(
            "start-up to first answer ≤ 3 s",
            f"{startup['spawn_to_answer_s']:.2f} s",
            startup["spawn_to_answer_s"] <= 3,
        )
        peak = startup["runs"][0]["peak_mb"]
        add("serving process peak RSS ≤ 1 GB", f"{peak:,.0f} MB", peak <= 1024)
    fresh = ours["persisted"]["freshness"]["add_until_found"]
    add(
        "one article searchable < 100 ms", f"{fresh['max_ms']:.1f} ms (max)", fresh["max_ms"] < 100
    )
    exact = result.get("correctness", {}).get("newsbot_vs_rank_bm25")
    if exact:
        add(
            "scores are rank-bm25's",
            f"max relative difference "
            f"{exact['max_relative_difference']:.1e} on {exact['queries']} queries",
            exact["agree"],
        )
    return "\n".join(rows)
