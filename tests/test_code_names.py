"""The names that bot/'s and retrieval/'s comments and docstrings give in backticks are
names the code has: comments named `build`, `_with_earlier` and `marks._places` long after
they were renamed or removed, and sent their reader looking for what is not there."""

import ast
import builtins
import io
import keyword
import re
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path

from bot.cli.main import COMMANDS

from .conftest import REPO

CODE = [path for folder in ("bot", "retrieval") for path in sorted((REPO / folder).rglob("*.py"))]
# `name`, `name()` or `module.name`: what a comment gives as code
REFERENCE = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:\(\))?`")
WORD = re.compile(r"[A-Za-z_]\w*")
# Names of code that is not ours, and of the world outside it, that comments cite.
OUTSIDE = {
    # the command, and python-telegram-bot and the Bot API
    "newsbot",
    "BaseRateLimiter",
    "InvalidToken",
    "Message",
    "reply_html",
    "get_chat",
    "message",
    "run_polling",
    # NLTK's punkt, which retrieval/corpus/punkt.py reworks, and rank-bm25's scoring
    "nltk",
    "download",
    "_match_potential_end_contexts",
    "_realign_boundaries",
    "_slices_from_text",
    "punkt_tab",
    "rank_bm25",
    "BM25Okapi",
    # other code: the regex package, open()'s argument, zlib's, numpy's C sum, Norvig's
    "regex",
    "opener",
    "max_length",
    "pairwise_sum",
    "edits1",
    # shell commands, HTML, a URL's parameter
    "cat",
    "cp",
    "taskset",
    "timeout",
    "b",
    "blockquote",
    "href",
    "cid",
}


def _docstring(node: ast.AST) -> ast.Constant | None:
    if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        first = node.body[0] if node.body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            return first.value if isinstance(first.value.value, str) else None
    return None


def _used(tree: ast.Module) -> set[str]:
    """Every name a module's code uses or defines, and the words of its strings (SQL's
    tables and columns, JSON's fields), but not of its docstrings."""
    docstrings: set[int] = set()  # a node's is walked after it
    used: set[str] = set()
    for node in ast.walk(tree):
        if docstring := _docstring(node):
            docstrings.add(id(docstring))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            used.add(node.name)
        elif isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.arg | ast.keyword) and node.arg:
            used.add(node.arg)
        elif isinstance(node, ast.alias):
            used.update(node.name.split("."))
            if node.asname:
                used.add(node.asname)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.update(WORD.findall(node.value) if id(node) not in docstrings else ())
    return used


def _defined(tree: ast.Module) -> set[str]:
    """What a module defines for others to name bare: its functions, classes and constants,
    and its classes' fields (a method is named with its class: `Index.term_counts`)."""
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        if isinstance(node, ast.ClassDef):
            defined.update(_assigned(node.body))
    return defined | _assigned(tree.body)


def _assigned(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for node in body:
        if isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _notes(path: Path, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """A module's docstrings and comments, with the line each starts on."""
    for node in ast.walk(tree):
        if docstring := _docstring(node):
            yield docstring.lineno, str(docstring.value)
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string


def test_every_name_a_comment_gives_in_backticks_is_the_codes() -> None:
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in CODE}
    used = {path: _used(tree) for path, tree in trees.items()}
    modules = {part for path in CODE for part in path.relative_to(REPO).with_suffix("").parts}
    # named bare from anywhere: module-level names, modules, the tables and columns of the
    # schema, names in strings (SQL's, JSON's, settings'), the commands
    everywhere = set().union(*(_defined(tree) for tree in trees.values())) | modules
    everywhere |= used[REPO / "retrieval" / "corpus" / "schema.py"]
    everywhere |= {word for words in used.values() for word in words if "_" in word}
    everywhere |= set(COMMANDS) | set(sys.stdlib_module_names) | OUTSIDE
    # a dotted name's parts: any name the code has
    anything = set().union(*used.values()) | everywhere
    unknown = []
    for path in CODE:
        for line, text in _notes(path, trees[path]):
            for reference in REFERENCE.findall(text):
                parts = reference.split(".")
                known = anything if len(parts) > 1 else everywhere
                missing = [
                    part
                    for part in parts
                    if part not in known and part not in used[path]
                    if not (hasattr(builtins, part) or keyword.iskeyword(part))
                ]
                if missing:
                    unknown.append(f"{path.relative_to(REPO)}:{line}: `{reference}`")
    assert unknown == [], "\n".join(unknown)
