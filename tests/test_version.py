"""`newsbot --version` and the commit it reads from a checkout's .git, without git."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from bot.cli.version import checkout_commit, version_text
from retrieval.corpus.schema import MIGRATIONS
from retrieval.corpus.splitter import SPLITTER_VERSION

COMMIT = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_the_commit_of_a_branch_is_read_from_its_ref(tmp_path: Path) -> None:
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(tmp_path / ".git" / "refs" / "heads" / "main", f"{COMMIT}\n")
    assert checkout_commit(tmp_path) == COMMIT


def test_a_packed_ref_is_read_where_there_is_no_loose_one(tmp_path: Path) -> None:
    """After `git gc` (or a fresh clone) a branch's commit is a line of packed-refs."""
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(
        tmp_path / ".git" / "packed-refs",
        "# pack-refs with: peeled fully-peeled sorted\n"
        f"{OTHER} refs/heads/mainline\n"
        f"{COMMIT} refs/heads/main\n"
        f"^{OTHER}\n",
    )
    assert checkout_commit(tmp_path) == COMMIT


def test_a_detached_head_is_its_commit(tmp_path: Path) -> None:
    write(tmp_path / ".git" / "HEAD", f"{COMMIT}\n")
    assert checkout_commit(tmp_path) == COMMIT


def test_a_worktrees_commit_is_read_through_its_gitdir_and_the_common_refs(
    tmp_path: Path,
) -> None:
    """`git worktree add`: .git is a file naming the worktree's folder, which holds its
    HEAD; the branches are in the main repository's folder, which commondir names."""
    main_git = tmp_path / "main" / ".git"
    write(main_git / "packed-refs", f"{COMMIT} refs/heads/fix\n")
    write(main_git / "worktrees" / "fix" / "HEAD", "ref: refs/heads/fix\n")
    write(main_git / "worktrees" / "fix" / "commondir", "../..\n")
    write(tmp_path / "fix" / ".git", f"gitdir: {main_git / 'worktrees' / 'fix'}\n")
    assert checkout_commit(tmp_path / "fix") == COMMIT
    write(main_git / "refs" / "heads" / "fix", f"{OTHER}\n")  # a loose ref comes first
    assert checkout_commit(tmp_path / "fix") == OTHER


@pytest.mark.parametrize(
    "files",
    [
        {},  # no checkout: installed from a wheel
        {".git/HEAD": "ref: refs/heads/main\n"},  # a branch with no commit yet
        {".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": "not a commit\n"},
        {".git/HEAD": "ref: ../../../../etc/passwd\n"},
        {".git/HEAD": "garbage\n"},
        {".git": "gitdir: /no/such/folder\n"},
        {".git": "not a gitdir line\n"},
        {".git/HEAD/x": ""},  # HEAD a folder
    ],
)
def test_what_names_no_commit_is_none_never_an_error(
    tmp_path: Path, files: dict[str, str]
) -> None:
    for name, text in files.items():
        write(tmp_path / name, text)
    assert checkout_commit(tmp_path) is None
    assert version_text(tmp_path) == (
        f"newsbot {metadata.version('newsbot')} (database schema {MIGRATIONS[-1].version}, "
        f"splitter {SPLITTER_VERSION})"
    )


def test_bytes_that_are_no_text_name_no_commit(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_bytes(b"\xff\xfe\x00ref")
    assert checkout_commit(tmp_path) is None


def test_the_version_shows_the_commit_in_short(tmp_path: Path) -> None:
    write(tmp_path / ".git" / "HEAD", f"{COMMIT}\n")
    assert version_text(tmp_path).startswith(
        f"newsbot {metadata.version('newsbot')} commit {COMMIT[:12]} (database schema "
    )
