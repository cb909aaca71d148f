"""The layout's rules, checked on the source: what may import what, and empty packages.

These are the boundaries README's architecture section describes; a change that crosses one
fails here rather than in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO


def modules(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (lazy imports inside functions too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_core_knows_nothing_of_telegram_or_the_shells() -> None:
    for path in modules("retrieval"):
        crossing = {n for n in imported(path) if n.split(".")[0] in ("telegram", "bot")}
        assert not crossing, f"{path.relative_to(REPO)} imports {sorted(crossing)}"


def test_the_index_package_imports_nothing_of_the_corpus() -> None:
    allowed = ("retrieval.index", "retrieval.errors")
    for path in modules("retrieval/index"):
        ours = {n for n in imported(path) if n.startswith("retrieval")}
        crossing = {n for n in ours if not n.startswith(allowed)}
        assert not crossing, f"{path.relative_to(REPO)} imports {sorted(crossing)}"


def test_packages_are_empty_and_re_export_nothing() -> None:
    for folder in ("bot", "retrieval"):
        for init in (REPO / folder).rglob("__init__.py"):
            assert init.read_text() == "", f"{init.relative_to(REPO)} is not empty"
