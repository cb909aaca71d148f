"""Hostile files in an ingest: bombs, endless lines, deep nesting. Each fails alone, with its
name and reason; the good articles around it are stored."""

from __future__ import annotations

import contextlib
import gzip
import json
import random
import re
import sqlite3
import zlib
from pathlib import Path

import pytest

from bot.cli.main import main
from retrieval.corpus import formats, prepare_worker, records
from retrieval.corpus.formats import read_records
from retrieval.corpus.ingest import BATCH_CHARS
from retrieval.corpus.json_records import MAX_JSON_DEPTH, MAX_LINE_BYTES, draft_from_mapping
from retrieval.corpus.records import MAX_ARTICLE_CHARS
from retrieval.engine import Engine
from retrieval.errors import ExpansionCapError, ParseError
from tests.cli_process import run_newsbot

from .conftest import write_jsonl

GOOD = {"title": "Harbour reopens", "text": "The harbour reopened on Monday after the storm."}
LATER = {"title": "Ferry resumes", "text": "The ferry resumed its crossings on Tuesday."}


def gzip_of_zeros(path: Path, size: int) -> Path:
    """A gzip file of `size` zero bytes (about size / 1000 on disk), made without holding it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 24)
    with path.open("wb") as fh:
        for _ in range(size // len(chunk)):
            fh.write(packer.compress(chunk))
        fh.write(packer.flush())
    return path


def test_a_gzip_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    bomb = gzip_of_zeros(tmp_path / "bomb.jsonl.gz", 1 << 30)  # 1 GiB of zeros, 1 MB on disk
    later = write_jsonl(tmp_path / "later.jsonl", [LATER])
    # 600 MiB of data segment is plenty for newsbot and far less than the bomb holds: reading
    # it whole would end in a MemoryError traceback.
    done = run_newsbot(
        ["ingest", "--quiet", "--db", "news.db", str(bomb), str(later)],
        tmp_path,
        memory=600 << 20,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"failed: {bomb}: decompresses to more than 64 MiB" in done.stderr
    assert "newsbot ingest --max-expanded" in done.stderr  # how to raise the cap
    assert "added 1 article (" in done.stdout  # the file after it


def test_what_a_compressed_file_held_before_the_cap_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl.gz"
    good = "".join(json.dumps(a) + "\n" for a in (GOOD, LATER)).encode()
    path.write_bytes(gzip.compress(good + bytes(200_000)))
    records = read_records(path, max_expanded=100_000)
    assert [r.draft.title for r in (next(records), next(records)) if r.draft] == [
        "Harbour reopens",
        "Ferry resumes",
    ]
    with pytest.raises(ExpansionCapError, match=r"more than 97\.7 KiB \(--max-expanded\)"):
        next(records)
    assert len(list(read_records(path, max_expanded=300_000))) == 3  # raised: all of it read


def test_the_default_cap_follows_the_file_size() -> None:
    assert formats.expansion_cap(1_000) == formats.EXPANSION_FLOOR
    assert formats.expansion_cap(42_000_000) == 50 * 42_000_000  # news-1m: 117 MB, fine


def test_max_expanded_takes_a_size(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps(GOOD).encode() + b"\n" + b" " * 3_000_000))
    assert main(["ingest", "--quiet", "--db", str(db_path), "--max-expanded", "1M", str(path)])
    assert not main(["ingest", "--quiet", "--db", str(db_path), "--max-expanded", "4M", str(path)])


def test_the_cap_suggested_is_one_that_reads_a_genuine_file(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cap given far too low was suggested four times over, and that failed again, and
    so on: the suggestion is at least the default ratio of the file's size."""
    words = [f"word{n}" for n in range(5_000)]
    rng = random.Random(5)
    lines = "".join(
        json.dumps({"title": f"Story {i}", "text": " ".join(rng.choices(words, k=400)) + "."})
        + "\n"
        for i in range(1_500)
    )
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(gzip.compress(lines.encode()))
    assert main(["ingest", "--quiet", "--db", str(db_path), "--max-expanded", "1K", str(path)])
    suggested = re.search(r"--max-expanded (\d+M)", capsys.readouterr().err)
    assert suggested is not None
    assert not main(
        ["ingest", "--quiet", "--db", str(db_path), "--max-expanded", suggested[1], str(path)]
    )


@pytest.mark.parametrize("suffix", [".json", ".html", ".txt"])
def test_a_file_read_whole_is_told_no_cap_past_what_it_may_hold(
    suffix: str, tmp_path: Path
) -> None:
    """A .json.gz bomb was told "raise the cap with newsbot ingest --max-expanded 256M";
    with --max-expanded 1G it failed "over 64 MiB, the most a .json file may hold". A file
    read whole is told the most it may hold; a cap below that, at most that."""
    bomb = gzip_of_zeros(tmp_path / f"bomb{suffix}.gz", 80 << 20)
    with pytest.raises(ExpansionCapError) as refused:
        list(read_records(bomb))
    assert "--max-expanded" not in str(refused.value)
    assert f"a {suffix} file may hold at most 64 MiB, whatever the cap" in str(refused.value)
    with pytest.raises(ExpansionCapError, match=r"--max-expanded (\d+)M") as low:
        list(read_records(bomb, max_expanded=20 << 20))
    suggested = re.search(r"--max-expanded (\d+)M", str(low.value))
    assert suggested is not None and int(suggested[1]) == 64


def test_a_truncated_gzip_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    lines = "".join(json.dumps(GOOD | {"n": i}) + "\n" for i in range(40_000))  # 4 MB
    whole = gzip.compress(lines.encode())
    path.write_bytes(whole[: len(whole) // 2])
    records = read_records(path)
    assert next(records).draft is not None
    with pytest.raises(ParseError, match="cannot read file"):
        list(records)


def test_an_endless_json_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    with path.open("w") as fh:
        fh.write(json.dumps(GOOD) + "\n")
        fh.write('{"title": "x", "text": "' + "y" * (MAX_LINE_BYTES + 10) + '"}\n')
        fh.write(json.dumps(LATER) + "\n")
    first, long, last = read_records(path)
    assert first.draft is not None and last.draft is not None
    assert long.line == 2 and long.error == "line longer than 16 MiB: not one article"


def test_a_whole_file_over_the_document_cap_says_to_use_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(formats.MAX_DOCUMENT_BYTES + 1)  # sparse: 64 MiB of zeros, no disk used
    with pytest.raises(ParseError, match=r"over 64 MiB.*JSON lines \(\.jsonl\)"):
        list(read_records(path))


def nested(depth: int) -> tuple[str, str]:
    """A record holding lists `depth` deep, and a whole document that is nothing else."""
    record = '{"title": "Deep", "text": "Deep text.", "x": ' + "[" * depth + "]" * depth + "}"
    return record, "[" * depth + "]" * depth


HUGE = '{"title": "Big", "text": "Big text.", "count": ' + "9" * 5000 + "}"


@pytest.mark.parametrize(
    ("record", "whole", "reason"),
    [
        # 100,000 levels broke the parser (RecursionError); 980 parsed, then broke the
        # store's json.dumps of the extra fields and with it the whole batch.
        (*nested(980), "JSON nested more than 100 levels deep"),
        (*nested(100_000), "JSON nested more than 100 levels deep"),
        # json.loads refuses an integer of more than 4,300 digits with a plain ValueError,
        # no JSONDecodeError: a traceback ended the whole ingest, nothing stored.
        (HUGE, f"[{HUGE}]", "invalid JSON: a number too long to read"),
    ],
)
def test_json_past_what_python_reads_fails_that_line_only(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    record: str,
    whole: str,
    reason: str,
) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(GOOD) + "\n" + record + "\n" + json.dumps(LATER) + "\n")
    document = tmp_path / "whole.json"
    document.write_text(whole)
    later = write_jsonl(tmp_path / "z-later.jsonl", [GOOD | {"title": "Later", "text": "Later."}])
    assert main(["ingest", "--quiet", "--db", str(db_path), str(batch), str(document), str(later)])
    out, err = capsys.readouterr()
    assert "added 3 articles" in out and "2 failed" in out
    assert f"failed: {batch}:2: {reason}" in err
    assert f"failed: {document}: {reason}" in err


def test_half_a_utf16_pair_in_a_field_is_stored_as_a_replacement_character(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON may escape a lone surrogate ("\\ud800"), which no UTF-8 database takes: one in
    a title, text, outlet or address ended the whole ingest with a traceback."""
    odd = (
        '{"title": "Odd \\ud800 title", "text": "The \\udc00 harbour reopened.",'
        ' "source": "Wire \\ud800", "url": "https://example.com/\\ud800x"}'
    )
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(GOOD) + "\n" + odd + "\n")
    assert main(["ingest", "--db", str(db_path), str(batch)]) == 0
    assert "added 2 articles" in capsys.readouterr().out
    assert main(["ask", "--db", str(db_path), "--json", "odd title harbour"]) == 0
    [first, *_] = json.loads(capsys.readouterr().out)["results"]
    assert first["article"]["title"] == "Odd \ufffd title"
    assert first["article"]["source"] == "Wire \ufffd"
    assert first["quote"] == "The \ufffd harbour reopened."


def test_a_file_of_nothing_but_bad_records_is_given_up_on(tmp_path: Path, db_path: Path) -> None:
    junk = tmp_path / "junk.jsonl.gz"
    junk.write_bytes(gzip.compress(b"{}\n" * 1_000_000))
    later = write_jsonl(tmp_path / "later.jsonl", [LATER])
    done = run_newsbot(
        ["ingest", "--quiet", "--db", str(db_path), str(junk), str(later)], tmp_path
    )
    assert "its first 10,000 records all failed, so the rest of it was skipped" in done.stderr
    assert done.stderr.count(f"failed: {junk}:") == 1 + 1 + 1  # listed, the rest alike; why
    assert f"failed: {junk}: 9,999 more records failed as line 1 did: lines 2 to 10,000\n" in (
        done.stderr
    )
    assert "added 1 article (" in done.stdout and "10,001 failed" in done.stdout


def test_records_that_fail_alike_are_listed_once_naming_the_fields_they_have(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CMS export of `headline` and `body` printed "missing field 'title'" for each of its
    20 records, and never said that the fields were there under other names."""
    exported = [
        {"headline": f"Rates rise {n}", "body": f"The bank raised rates {n} times.", "date": n}
        for n in range(20)
    ]
    export = write_jsonl(tmp_path / "export.jsonl", [*exported[:19], GOOD, exported[19]])
    listed = tmp_path / "export.json"
    listed.write_text(json.dumps(exported[:3]))
    assert main(["ingest", "--quiet", "--db", str(db_path), str(export), str(listed)]) == 1
    out, err = capsys.readouterr()
    has = (
        "missing field 'title' (it has 'headline', 'body', 'date': an article's fields are "
        "named title and text, and source, url, authors, published if it has them)"
    )
    assert err == (
        f"newsbot ingest: there was no database at {db_path}: made one (--db or NEWSBOT_DB "
        "names another)\n"
        f"failed: {export}:1: {has}\n"
        f"failed: {export}: 19 more records failed as line 1 did: the first at line 2, the "
        "last at 21\n"
        f"failed: {listed}: item 1: {has}\n"
        f"failed: {listed}: 2 more records failed as item 1 did: items 2 to 3\n"
    )
    assert out == "added 1 article (1 sentence), 0 duplicates, 23 failed\n"
    # a file's reasons past its first 100 are counted only, a new one too
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join("{}" + " " * n + "x\n" for n in range(150)) + "{}\n{}\n")
    assert main(["ingest", "--quiet", "--db", str(db_path), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert err.count(f"failed: {bad}:") == 100
    assert f"failed: {bad}:151: missing field 'title'\n" not in err  # a reason past 100
    assert err.endswith(
        "failed: 52 more bad records, not listed (each file's first 100 reasons are)\n"
    )
    assert out == "added 0 articles (0 sentences), 0 duplicates, 152 failed\n"


def test_a_file_that_expands_to_exactly_the_cap_is_read_whole(tmp_path: Path) -> None:
    content = json.dumps(GOOD).encode() + b"\n"
    path = tmp_path / "exact.jsonl.gz"
    path.write_bytes(gzip.compress(content * 100))
    assert len(list(read_records(path, max_expanded=len(content) * 100))) == 100


def test_nesting_past_the_limit_that_python_parses_is_refused(tmp_path: Path) -> None:
    """150 levels: json.loads parses it (no RecursionError), so only the depth check can
    refuse it."""
    line = '{"title": "T", "text": "x", "x": ' + "[" * 150 + "]" * 150 + "}"
    path = tmp_path / "deep.jsonl"
    path.write_text(line + "\n")
    assert [r.error for r in read_records(path)] == [
        f"JSON nested more than {MAX_JSON_DEPTH} levels deep"
    ]


def test_a_text_of_700000_lines_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """A .txt file is one article. One of 700,000 sentences, one a line (40 MB), was split,
    read and stored whole, at 1 GB of memory: it is refused before its lines are parsed,
    with its name and why, and the file after it is stored."""
    sentences = [f"Sentence {n} of the log says the harbour reopened" for n in range(1_000)]
    big = tmp_path / "sentences.txt"
    with big.open("w") as fh:
        fh.write("A log of sentences\n\n")
        fh.writelines(f"{sentences[n % 1_000]} ({n}).\n" for n in range(700_000))
    later = write_jsonl(tmp_path / "later.jsonl", [LATER])
    done = run_newsbot(
        ["ingest", "--quiet", "--db", "news.db", str(big), str(later)],
        tmp_path,
        memory=600 << 20,  # as for the gzip bomb: plenty for newsbot, not for 1 GB
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    chars = len(big.read_text())
    assert (
        f"failed: {big}: {chars:,} characters of text, more than one article may hold "
        f"({MAX_ARTICLE_CHARS:,}): a .txt file is one article; many go in a .jsonl file"
    ) in done.stderr
    assert "added 1 article (" in done.stdout


def test_an_article_over_the_limit_fails_alone_in_json(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = {"title": "Long", "text": "word " * (MAX_ARTICLE_CHARS // 5) + "end."}
    batch = write_jsonl(tmp_path / "batch.jsonl", [GOOD, long, LATER])
    document = tmp_path / "whole.json"
    document.write_text(json.dumps([long, {"title": "Third", "text": "A third story."}]))
    assert main(["ingest", "--quiet", "--db", str(db_path), str(batch), str(document)])
    out, err = capsys.readouterr()
    assert "added 3 articles" in out and "2 failed" in out
    why = f"1,000,004 characters of text, more than one article may hold ({MAX_ARTICLE_CHARS:,})"
    assert f"failed: {batch}:2: {why}\n" in err
    assert f"failed: {document}: item 1: {why}\n" in err


def test_an_article_of_the_limit_is_read() -> None:
    text = "x" * MAX_ARTICLE_CHARS
    assert draft_from_mapping({"title": "At the limit", "text": text}).text == text
    with pytest.raises(ParseError, match="more than one article may hold"):
        draft_from_mapping({"title": "Past it", "text": text + "y"})


def test_a_saved_page_over_the_limit_fails_as_a_feeds_page_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A saved page is read as a feed entry's page is (`extract_article`), and held to the
    limit there, for both (100 characters here)."""
    monkeypatch.setattr(records, "MAX_ARTICLE_CHARS", 100)
    page = tmp_path / "crane.html"
    story = "The harbour crane lifted timber for decades. " * 4
    page.write_text(f"<html><body><article><p>{story}</p></article></body></html>")
    with pytest.raises(ParseError, match=r"^1\d\d characters of text, more than one article"):
        list(read_records(page))


async def test_a_batch_holds_so_much_text_at_most(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles are stored `BATCH_CHARS` of text at a time, however few they are: a batch is
    split, read and stored at once, and 500 long articles would have cost gigabytes."""
    # all in this process: a worker process's batch is written once the next is handed over
    monkeypatch.setattr(prepare_worker, "usable_cores", lambda: 1)
    rng = random.Random(3)
    # long words in long sentences: text that is quick to split
    words = [f"harbourmasters{n}" for n in range(2_000)]
    halves = [
        " ".join(
            " ".join(rng.choices(words, k=40)).capitalize() + "."
            for _ in range(BATCH_CHARS // 700)
        )[: BATCH_CHARS // 2]
        for _ in range(2)
    ]
    path = write_jsonl(
        tmp_path / "long.jsonl", [{"title": "Long", "text": half} for half in halves] + [GOOD]
    )
    stored_when_read = []

    def count_stored() -> None:  # as another process sees it: what is committed
        with contextlib.closing(sqlite3.connect(engine.db_path)) as conn:
            stored_when_read.append(conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    report = await engine.ingest([path], on_article=count_stored)
    assert report.added == 3
    assert stored_when_read == [0, 0, 2]  # two fill a batch, stored before the third is read
