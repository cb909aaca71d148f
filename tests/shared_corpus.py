"""Files of the shared corpus (../shared/corpus), which a clone of the repository alone does
not have: a test that needs one skips, saying why, except in CI (CI=true), where it fails.

One place to swap for the project's NEWSBOT_CORPUS setting and fixture when they land.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def shared_corpus_file(relative: str) -> Path:
    """The path of `relative` in the shared corpus; skips (fails in CI) when it is missing."""
    path = SHARED_CORPUS / relative
    if not path.exists():
        message = f"the shared corpus file {path} is missing (see ../shared/corpus/README.md)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
