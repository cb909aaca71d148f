"""What an install from a wheel (`pip install .`, not the README's editable one) holds."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from bot.config import bundled_seeds

from .conftest import REPO


def test_the_wheel_carries_the_seed_corpus(tmp_path: Path) -> None:
    """Installed from a wheel, `newsbot ask` found no seeds/ beside its packages and said
    "The news corpus holds no articles." to the quick start's question."""
    source = tmp_path / "source"  # a copy: setuptools builds in the tree it is given
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for folder in ("bot", "retrieval", "seeds"):
        shutil.copytree(
            REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("newsbot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(name).name for name in names if "/data/share/newsbot/seeds/" in name}
    assert shipped == {path.name for path in (REPO / "seeds").iterdir()}


def test_seeds_are_the_checkouts_else_the_installed_copy(tmp_path: Path) -> None:
    site = tmp_path / "venv" / "lib" / "site-packages"
    (site / "bot").mkdir(parents=True)
    prefix = tmp_path / "venv"
    installed = prefix / "share" / "newsbot" / "seeds"
    assert bundled_seeds(site / "bot", [prefix]) == site / "seeds"  # named as missing
    installed.mkdir(parents=True)
    assert bundled_seeds(site / "bot", [tmp_path / "user", prefix]) == installed
    (site / "seeds").mkdir()  # a checkout's own come first
    assert bundled_seeds(site / "bot", [prefix]) == site / "seeds"
