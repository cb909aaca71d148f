"""The signature stored with each sentence's finds (`reading`) follows what the reading finds,
not its source: what it finds in a fixed set of sentences is pinned beside its version, and an
edit that finds the same keeps the signature."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

import retrieval
from retrieval.index.tokens import STOPWORDS
from retrieval.ranking import answers, lexicon, marks, places, reading, scan

SENTENCES = Path(__file__).parent / "fixtures" / "reading-sentences.txt"


def _sentences() -> list[str]:
    lines = SENTENCES.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def finds_digest(texts: Sequence[str]) -> str:
    """A digest of the packed finds of `texts` but their signature, which holds it."""
    digest = hashlib.blake2b(digest_size=8)
    for found in answers.packed(texts):
        kept = found[len(answers.READING_SIGNATURE) :]
        digest.update(len(kept).to_bytes(4, "little") + kept)
    return digest.hexdigest()


def test_what_the_reading_finds_is_what_its_version_recorded() -> None:
    found = finds_digest(_sentences())
    assert found == reading.READING_DIGEST, (
        f"what the reading finds in {SENTENCES.name} changed. If that is meant, a database's"
        " stored finds must be read again: in retrieval/ranking/reading.py set"
        f" READING_VERSION = {reading.READING_VERSION + 1} (unless this change bumped it"
        f" already) and READING_DIGEST = {found!r}. If it is not meant, the edit is a bug."
    )


def test_the_pinned_sentences_hold_every_kind_of_find() -> None:
    """Runs, numbers, cued places, years, months, money and listed places, read by the
    scanner and by the patterns (text it does not know): cut down, the set pins less."""
    texts = _sentences()
    assert len(texts) >= 300
    finds = marks.sentences_finds(texts)
    for kind, name in enumerate(("runs", "numbers", "cued places", "years", "months")):
        assert sum(1 for written, _, _ in finds if written.split("|")[kind]) >= 10, name
    assert sum(1 for _, money, _ in finds if money) >= 10
    assert sum(1 for _, _, places in finds if places) >= 10
    read_by_patterns = scan.scan_many(texts, marks.LEXICON).count(None)
    assert read_by_patterns >= 20


def test_the_signature_follows_the_version_digest_words_and_packing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Four bytes, what packing writes, and changed by each of what makes it."""
    signature = reading.signature(answers._HEADER.format)  # noqa: SLF001
    assert signature == answers.READING_SIGNATURE and len(signature) == 4
    assert answers.packed(["Paris hosted 12 talks."])[0].startswith(signature)
    changes = [
        ("READING_VERSION", reading.READING_VERSION + 1),
        ("READING_DIGEST", "0123456789abcdef"),
        ("STOPWORDS", STOPWORDS | {"newsbot"}),
        ("PLACES", places.PLACES | {"ulaanbaatar"}),
        ("MONTHS_AND_DAYS", (*lexicon.MONTHS_AND_DAYS, "Sun")),
        ("NUMBER_WORDS", (*lexicon.NUMBER_WORDS, "score")),
        ("MONEY_WORDS", (*lexicon.MONEY_WORDS, "yen")),
        ("SCALES", (*lexicon.SCALES, "bn")),
        ("PLACE_KINDS", (*lexicon.PLACE_KINDS, "parish")),
    ]
    for name, value in changes:
        with monkeypatch.context() as patched:
            patched.setattr(reading, name, value)
            assert reading.signature(answers._HEADER.format) != signature, name  # noqa: SLF001
    assert reading.signature("<4sIII") != signature


def test_an_edit_that_finds_the_same_keeps_the_signature(tmp_path: Path) -> None:
    """A comment and a docstring more in each module of the reading: the same signature, in
    a process of its own importing the edited copy."""
    package = Path(retrieval.__file__).parent
    copy = tmp_path / "retrieval"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("marks", "scan", "lexicon", "places", "reading", "answers"):
        module = copy / "ranking" / f"{name}.py"
        text = module.read_text(encoding="utf-8").replace('"""', '"""Edited. ', 1)
        module.write_text(f"# an edit that changes no find\n{text}\n# more\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import retrieval.ranking.answers as a; print(a.__file__, a.READING_SIGNATURE.hex())",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shown == [str(copy / "ranking" / "answers.py"), answers.READING_SIGNATURE.hex()]
