"""`newsbot --version`: the package's version, the commit of the checkout it runs from, and
the database schema and splitter this code knows.

The package's version is not raised at every change, so two builds of 0.1.0 were told
apart by nothing; the commit tells them apart. It is read from the checkout's `.git`
(HEAD, then the branch's ref, loose or packed), not by running git: no process, nothing
needed on the PATH, a few small files read. Installed from a wheel, or from a tarball,
there is no `.git` beside the code, and the version is said without a commit.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from retrieval.corpus.schema import MIGRATIONS
from retrieval.corpus.splitter import SPLITTER_VERSION

# where the code runs from: a checkout's root holds bot/ and .git
CHECKOUT = Path(__file__).resolve().parent.parent.parent
COMMIT_SHOWN = 12  # hex digits of the commit: git's own short ids grow to some 10-12
_OBJECT_ID = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")  # SHA-1, or SHA-256


def version_text(checkout: Path = CHECKOUT) -> str:
    """The installed package's version and the commit of the checkout it runs from, when
    it runs from one, with the database schema this code migrates to (what "newer than
    this newsbot (knows up to N)" counts) and its splitter's version (what `stats` counts
    articles split by an older one of). Never fails: what cannot be read is left out."""
    try:
        installed = metadata.version("newsbot")
    except metadata.PackageNotFoundError:  # run from a checkout that pip never installed
        installed = "(not installed)"
    commit = checkout_commit(checkout)
    built = f" commit {commit[:COMMIT_SHOWN]}" if commit else ""
    return (
        f"newsbot {installed}{built} (database schema {MIGRATIONS[-1].version}, "
        f"splitter {SPLITTER_VERSION})"
    )


def checkout_commit(checkout: Path) -> str | None:
    """The commit `checkout`'s HEAD is at, read from its `.git` (a folder; or a file that
    names one, in a worktree or a submodule); None when it is no checkout, its HEAD names
    no commit yet, or any of it cannot be read."""
    try:
        git_dir = _git_dir(checkout / ".git")
        if git_dir is None:
            return None
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref:"):  # detached: the commit itself
            return head if _OBJECT_ID.fullmatch(head) else None
        return _ref_commit(git_dir, head.removeprefix("ref:").strip())
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _git_dir(dot_git: Path) -> Path | None:
    """The repository folder `.git` is, or names ("gitdir: PATH", relative to its own)."""
    if dot_git.is_dir():
        return dot_git
    if not dot_git.is_file():
        return None
    text = dot_git.read_text(encoding="utf-8").strip()
    if not text.startswith("gitdir:"):
        return None
    return dot_git.parent / text.removeprefix("gitdir:").strip()


def _ref_commit(git_dir: Path, ref: str) -> str | None:
    """The commit a branch `ref` ("refs/heads/main") names: its own file, else its line of
    packed-refs; both in the repository's common folder when `git_dir` is a worktree's."""
    if not ref.startswith("refs/") or ".." in ref.split("/"):
        return None
    common = git_dir
    if (git_dir / "commondir").is_file():
        common = git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()
    for folder in dict.fromkeys((git_dir, common)):
        loose = folder / ref
        if loose.is_file():
            commit = loose.read_text(encoding="utf-8").strip()
            return commit if _OBJECT_ID.fullmatch(commit) else None
    packed = common / "packed-refs"
    if not packed.is_file():
        return None
    with packed.open(encoding="utf-8") as lines:
        for line in lines:
            commit, _, name = line.strip().partition(" ")
            if name == ref and _OBJECT_ID.fullmatch(commit):
                return commit
    return None
