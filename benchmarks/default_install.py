"""Run a module as it would run in a default install: `python -m benchmarks.default_install
MODULE ARGS...`.

The benchmark's own packages (the `bench` extra) change what newsbot's imports cost: with
scipy importable, `import nltk` loads scipy.stats, about a second more of start-up. A server
installed with `pip install newsbot` has no scipy, so start-up is timed with it hidden.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import runpy
import sys
from collections.abc import Sequence

HIDDEN = ("scipy", "bm25s", "threadpoolctl")  # the bench extra; newsbot needs none of them


class _Hide(importlib.abc.MetaPathFinder):
    """Makes the hidden packages look absent, as ImportError, like an uninstalled package."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m benchmarks.default_install MODULE [ARGS...]")
    sys.meta_path.insert(0, _Hide())
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
