"""What the sdist and an install from a wheel (`pip install .`, not the README's editable one)
hold."""

import ast
import hashlib
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from bot.config import ENV_EXAMPLE, Settings, bundled
from retrieval.errors import ConfigError

from .conftest import REPO

# What the sdist is built from: the project but its git files (MANIFEST.in)
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", ".env.example")
PROJECT_FOLDERS = ("bot", "retrieval", "seeds", "tests", "benchmarks", "docs", ".ci")
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".pytest_cache")


def _files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_the_sdist_holds_the_project_and_its_wheel_the_data(tmp_path: Path) -> None:
    """The wheel, built as a packager builds it (from the sdist): installed, `newsbot ask`
    found no seeds/ beside its packages and said "The news corpus holds no articles." to
    the quick start's question; `newsbot run` with no token sent the operator to a
    .env.example it did not have. The sdist had tests/test_*.py but not conftest.py, their
    helpers, fixtures or the benchmarks they import (`pytest` in it: 64 collection errors),
    nor docs/ the README links to, nor a LICENSE, which Apache-2.0 asks go with each copy."""
    source = tmp_path / "source"  # a copy: setuptools builds in the tree it is given
    source.mkdir()
    for name in PROJECT_FILES:
        shutil.copy(REPO / name, source / name)
    for folder in PROJECT_FOLDERS:
        shutil.copytree(REPO / folder, source / folder, ignore=NOT_SHIPPED)
    build_sdist = (
        "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])"
    )
    built = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-c", build_sdist, str(built)],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (sdist,) = built.glob("newsbot-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    assert _files(source) - _files(unpacked) == set()

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(built), str(unpacked)],
        check=True,
        capture_output=True,
    )
    (wheel,) = built.glob("newsbot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(name).name for name in names if "/data/share/newsbot/seeds/" in name}
    assert shipped == {path.name for path in (REPO / "seeds").iterdir()}
    assert any(name.endswith(".data/data/share/newsbot/.env.example") for name in names)
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)


def test_the_license_is_the_apache_license_2_0_unchanged() -> None:
    """pyproject declares Apache-2.0: LICENSE is apache.org's LICENSE-2.0.txt, byte for byte
    (the checksum distributions such as Yocto check it by)."""
    text = (REPO / "LICENSE").read_bytes()
    assert (
        hashlib.md5(text, usedforsecurity=False).hexdigest() == "3b83ef96387f14655fc854ddc3c6bd57"
    )


def test_seeds_are_the_checkouts_else_the_installed_copy(tmp_path: Path) -> None:
    site = tmp_path / "venv" / "lib" / "site-packages"
    (site / "bot").mkdir(parents=True)
    prefix = tmp_path / "venv"
    installed = prefix / "share" / "newsbot" / "seeds"
    assert bundled("seeds", site / "bot", [prefix]) == site / "seeds"  # named as missing
    installed.mkdir(parents=True)
    assert bundled("seeds", site / "bot", [tmp_path / "user", prefix]) == installed
    (site / "seeds").mkdir()  # a checkout's own come first
    assert bundled("seeds", site / "bot", [prefix]) == site / "seeds"
    example = prefix / "share" / "newsbot" / ".env.example"
    example.touch()
    assert bundled(".env.example", site / "bot", [prefix]) == example


def test_seeds_installed_with_pip_target_are_found(tmp_path: Path) -> None:
    """`pip install --target DIR` puts the data files in DIR/share/newsbot, which is no
    interpreter's data folder: `ask` said "there is no seed folder at DIR/seeds"."""
    target = tmp_path / "target"
    (target / "bot").mkdir(parents=True)
    installed = target / "share" / "newsbot" / "seeds"
    installed.mkdir(parents=True)
    assert bundled("seeds", target / "bot", [tmp_path / "venv"]) == installed


def test_the_no_token_message_names_where_the_settings_template_is() -> None:
    """ "see .env.example" sent a wheel's operator to a file in no folder of theirs."""
    with pytest.raises(ConfigError) as refused:
        Settings(token=None).require_token()
    assert str(refused.value).endswith(f"(a template with every setting: {ENV_EXAMPLE})")
    assert ENV_EXAMPLE.is_file()


def _declared() -> set[str]:
    """The distributions pyproject.toml names as the install's own dependencies."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return {
        _normal(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0]) for spec in project["dependencies"]
    }


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_the_code_imports_is_a_declared_dependency() -> None:
    """lxml was imported by three modules and installed only because trafilatura needs it:
    a trafilatura release without it would have broken a fresh install."""
    imported: set[str] = set()
    for folder in ("bot", "retrieval"):
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    distributions = importlib.metadata.packages_distributions()
    third_party = imported - set(sys.stdlib_module_names) - {"bot", "retrieval", "__future__"}
    undeclared = {
        module: names
        for module in third_party
        if not (names := {_normal(n) for n in distributions.get(module, [module])}) & _declared()
    }
    assert undeclared == {}


def _floor(requirements: list[str], name: str) -> tuple[int, ...]:
    """The version `requirements` ask of `name` at least (`name>=X.Y`)."""
    for spec in requirements:
        if _normal(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0]) == name:
            found = re.search(r">=\s*([\d.]+)", spec)
            assert found, f"{spec!r} sets no floor"
            return tuple(int(part) for part in found[1].split("."))
    raise AssertionError(f"{name} is not required")


def test_setuptools_is_asked_for_at_the_version_that_reads_the_license() -> None:
    """`license = "Apache-2.0"` (an SPDX string, PEP 639) needs setuptools
    77; with 68-76, which pyproject allowed, an offline build (--no-build-isolation, a distro's
    setuptools) stopped at "`project.license` must be valid exactly by one definition"."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert isinstance(pyproject["project"]["license"], str)
    assert _floor(pyproject["build-system"]["requires"], "setuptools") >= (77,)
    dev = pyproject["project"]["optional-dependencies"]["dev"]
    assert _floor(dev, "setuptools") >= (77,)


def test_the_time_zone_database_is_a_declared_dependency() -> None:
    """zoneinfo imports no package, so the test above cannot see it; tzdata came only through
    python-dateutil 4, and where the system has no zoneinfo files (Alpine, distroless,
    Windows) every command stopped at NEWSBOT_TIMEZONE's default, UTC."""
    assert "tzdata" in _declared()
