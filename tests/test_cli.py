"""The command line, run in-process on real database files."""

import asyncio
import fcntl
import gzip
import json
import logging
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from bot.bounds import QUOTE_CHARS, TITLE_CHARS
from bot.cli.common import EXIT_BROKEN_PIPE, EXIT_FAILED
from bot.cli.ingest import INTERRUPTED
from bot.cli.main import main
from bot.cli.parser import build_parser
from bot.cli.stats import STATS_FIELDS
from retrieval.corpus import sentences
from retrieval.corpus.dates import to_timestamp
from retrieval.corpus.db import kept_locked
from retrieval.corpus.formats import SUFFIXES, read_records
from retrieval.corpus.ingest_files import FileToRead, iter_files
from retrieval.corpus.ingest_report import IngestReport
from retrieval.corpus.schema import MIGRATIONS
from retrieval.corpus.splitter import SPLITTER_VERSION
from retrieval.engine import Engine
from retrieval.errors import ParseError
from retrieval.index.files import index_dir
from retrieval.indexing import article_index_dir
from retrieval.ranking import selection
from retrieval.seeding import SEEDING_INTERRUPTED, SEEDING_INTERRUPTED_INDEXING
from retrieval.wording import agreeing, counted
from tests.cli_process import (
    CANCEL_WAIT,
    cancel_landed,
    clean_env,
    run_newsbot,
    script_process,
    start_newsbot,
    until_cancelled,
)

from .conftest import REPO, SEEDS, run_sql, stdin, write_jsonl

QUESTION = "Where did the joint exercise begin?"


@pytest.mark.parametrize("named", [[], ["--db", "newsbot.db"], ["--db", "./newsbot.db"]])
def test_ask_makes_the_default_database_with_the_seeds_and_answers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    named: list[str],
) -> None:
    """The quick start's first command, on a machine with no database: newsbot.db in the
    working folder, however it is named (.env.example names it too)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    assert main(["ask", *named, QUESTION, "--limit", "1"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith(
        "newsbot ask: there was no database at newsbot.db: made one and ingested the seeds from "
    )
    assert "Aslanduz in Iran's Ardabil province" in out
    assert "bne IntelliNews" in out and "bne Tehran bureau" in out and "2024-11-25" in out
    assert main([*named, "ask", QUESTION]) == 0  # --db before the command too
    assert "ingested" not in capsys.readouterr().err


async def _empty_database(path: Path) -> None:
    engine = await Engine.open(path)
    await engine.close()


def test_ask_on_an_empty_database_ingests_the_seeds(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One made and left empty (by another process, or by the engine: not the default
    newsbot.db; one a feed was added to is a deployment's, not seeded: below), wherever it
    is."""
    asyncio.run(_empty_database(db_path))
    assert main(["ask", "--db", str(db_path), QUESTION, "--limit", "1"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith("newsbot ask: the database was empty: ingested the seeds from ")
    assert "Aslanduz in Iran's Ardabil province" in out


def test_ask_refuses_a_database_named_in_the_environment_that_is_not_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSBOT_DB", "dve.db")
    monkeypatch.setattr(sys, "stdin", stdin(json.dumps({"question": QUESTION}) + "\n"))
    assert main(["ask", "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("newsbot ask: no database at dve.db: newsbot ingest PATH")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("seeded_db")
def test_ask_json_has_the_documented_shape(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "--db", str(db_path), "--json", "--limit", "2", QUESTION]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["question"] == QUESTION
    first = answer["results"][0]
    assert set(first) == {"rank", "score", "quote", "article"}
    assert first["rank"] == 1 and isinstance(first["score"], float)
    assert set(first["article"]) == {"id", "title", "source", "authors", "published", "url"}
    assert first["article"]["authors"] == ["bne Tehran bureau"]


def test_ask_json_shows_a_title_as_the_text_does(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text showed "Brora distillery reopens" beside CNN, `--json` the stored
    "Brora distillery reopens | CNN", the outlet's name in the title twice over."""
    brora = {
        "title": "Brora distillery reopens | CNN",
        "text": "The Brora distillery reopened on Tuesday after forty years.",
        "source": "CNN",
    }
    source = write_jsonl(db_path.parent / "brora.jsonl", [brora])
    assert main(["--db", str(db_path), "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    answer = json.loads(ask_out(db_path, capsys, "--json", "When did Brora reopen?"))
    assert answer["results"][0]["article"]["title"] == "Brora distillery reopens"
    assert "— Brora distillery reopens · CNN" in ask_out(db_path, capsys, "When did Brora reopen?")
    assert run_sql(db_path, "SELECT title FROM articles") == [(brora["title"],)]  # as stored


def test_ask_shows_where_a_paragraph_without_a_stop_ends(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Story highlights, a paragraph each without a stop, ran into each other: "...in an
    appeal The court ordered...". `--json` keeps the page's break as "\\n"; the text prints
    the quote's next line indented under it."""
    highlights = [
        "A Spanish High Court has acquitted Shakira in her 2011 tax fraud case in an appeal",
        "The court ordered Spain's treasury to reimburse her with $70 million in interest",
    ]
    shakira = {
        "title": "Shakira acquitted of tax fraud",
        "text": "\n\n".join(highlights),
        "source": "Reuters",
    }
    source = write_jsonl(db_path.parent / "shakira.jsonl", [shakira])
    assert main(["--db", str(db_path), "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    asked = "Was Shakira acquitted in the tax fraud appeal?"
    [first, *_] = json.loads(ask_out(db_path, capsys, "--json", asked))["results"]
    assert first["quote"] == "\n".join(highlights)
    text = ask_out(db_path, capsys, asked)
    assert f"1. “{highlights[0]}\n   {highlights[1]}”\n   — Shakira acquitted" in text


def test_ask_of_a_stored_articles_link_names_no_button_in_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbot ask LINK` said the bot's 📄 button under the opening sends the whole
    article: a terminal has no button. The bot's answer still says so (tests/test_search)."""
    url = "https://news.test/2024/brora-reopens"
    brora = {
        "title": "Brora distillery reopens",
        "text": "The Brora distillery reopened on Tuesday after 40 years. It was mothballed "
        "in 1983.",
        "url": url,
    }
    db = tmp_path / "news.db"
    assert main(["--db", str(db), "ingest", str(write_jsonl(tmp_path / "b.jsonl", [brora]))]) == 0
    capsys.readouterr()
    out = ask_out(db, capsys, url)
    assert out.startswith(
        "That link is a stored article (article 1, “Brora distillery reopens”): its opening "
        "is below. Ask about the story in words to get the passages that answer you."
    )
    assert "button" not in out and "The Brora distillery reopened" in out


def test_ask_says_where_the_passages_that_bear_on_a_question_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer that stops where the rest match only a common word says which, in the text
    and in `--json` (`off_topic`)."""
    rises = [
        {"title": f"{what} rising again", "text": f"{what} rose again in March, figures showed."}
        for what in ("Home loan approvals", "UK jobless total", "House prices", "Rail fares")
    ]
    zhang = {
        "title": "Rose Zhang wins on her professional debut",
        "text": "Rose Zhang won the Mizuho Americas Open on Sunday. The Stanford star beat "
        "Jennifer Kupcho in a playoff.",
    }
    db = tmp_path / "news.db"
    assert (
        main(["--db", str(db), "ingest", str(write_jsonl(tmp_path / "a.jsonl", [*rises, zhang]))])
        == 0
    )
    capsys.readouterr()
    # four articles stand for a corpus large enough for idf to tell rare words from common
    monkeypatch.setattr(selection, "OFF_TOPIC_MIN_SENTENCES", 0)
    assert main(["--db", str(db), "ask", "--json", "Who is Rose Zhang?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["off_topic"] == ["Rose"]
    assert {r["article"]["title"] for r in answer["results"]} == {zhang["title"]}
    assert main(["--db", str(db), "ask", "Who is Rose Zhang?"]) == 0
    out = capsys.readouterr().out
    # above the passages, as the README says (it said "then", after them)
    assert out.index("Nothing else matches more than “Rose”.") < out.index("Rose Zhang won")


def test_ask_reads_a_contraction_typed_without_its_apostrophe_as_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The word "whats" was searched, stemmed to "what": "whats the latest on the jan 6 hearing"
    quoted a listing's "WHAT:" and an interview's "WHAT MATTERS:" beside the hearing."""
    hearing = {
        "title": "Jan. 6 committee hears from a former White House aide",
        "text": "The House committee investigating the Jan. 6 attack held its latest hearing "
        "on Tuesday. A former White House aide told it what the president did that day.",
    }
    listing = {
        "title": "This week on stage",
        "text": "WHAT: A reading of letters from the front.\n\nWHERE: The Public Theater.",
    }
    interview = {
        "title": "Open primaries, explained",
        "text": "WHAT MATTERS: Why do open primaries solve the problem?\n\n"
        "They give every voter a say in who reaches the ballot.",
    }
    db = tmp_path / "news.db"
    source = write_jsonl(tmp_path / "a.jsonl", [hearing, listing, interview])
    assert main(["--db", str(db), "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    quoted = []
    for opening in ("whats", "What’s"):
        asked = f"{opening} the latest on the jan 6 hearing"
        answer = json.loads(ask_out(db, capsys, "--json", asked))
        quoted.append([(r["article"]["title"], r["quote"]) for r in answer["results"]])
    unspelt, spelt = quoted
    assert [title for title, _ in unspelt] == [hearing["title"]]
    assert unspelt == spelt


@pytest.mark.usefixtures("seeded_db")
def test_ask_names_the_words_no_article_holds(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = "What did Qwertyuiop say about the joint exercise?"
    assert main(["ask", "--db", str(db_path), "--json", asked]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["unmatched"] == ["Qwertyuiop"] and answer["results"]
    assert "unmatched" not in json.loads(ask_out(db_path, capsys, "--json", QUESTION))
    assert ask_out(db_path, capsys, asked).startswith("No stored article mentions “Qwertyuiop”")


@pytest.mark.usefixtures("seeded_db")
def test_ask_names_the_words_of_a_question_in_a_script_no_article_is_in(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "Что случилось в Газе?" of the English seed was told "Nothing in the news corpus
    matches that": the words no article holds are named, and that it holds no Cyrillic;
    `--json` gives them as `unmatched` and `other_scripts`, as a question mostly unknown
    gives its words."""
    asked = "Что случилось в Газе?"
    answer = json.loads(ask_out(db_path, capsys, "--json", asked))
    assert answer["results"] == [] and answer["unmatched"] == ["Что", "случилось", "в", "Газе"]
    assert answer["other_scripts"] == ["Cyrillic"]
    told = ask_out(db_path, capsys, asked)
    assert told == f"{answer['message']}\n"
    assert told.startswith(
        "No stored article mentions “Что”, “случилось”, “в”, “Газе”: the news corpus holds no "
        "text in Cyrillic script"
    )
    german = "Was hat der Bürgermeister von Aslanduz gesagt?"
    mostly = json.loads(ask_out(db_path, capsys, "--json", german))
    assert mostly["unmatched"] == ["hat", "der", "Bürgermeister", "von", "gesagt"]
    assert "other_scripts" not in mostly and "most of what" in mostly["message"]


@pytest.mark.usefixtures("seeded_db")
def test_ask_says_a_question_too_long_was_cut(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The words past the cut are not searched: the answer says so, as text and in JSON."""
    asked = "what is it " * 100 + QUESTION
    answer = json.loads(ask_out(db_path, capsys, "--json", asked))
    assert answer["cut_at"] == 1000 and answer["question"] == asked
    assert "The question was cut at 1,000 characters" in answer["message"]
    assert "cut_at" not in json.loads(ask_out(db_path, capsys, "--json", QUESTION))
    assert "The question was cut at 1,000 characters" in ask_out(db_path, capsys, asked)


def ask_out(db_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["ask", "--db", str(db_path), *args]) == 0
    return capsys.readouterr().out


@pytest.mark.usefixtures("seeded_db")
def test_ask_reads_questions_from_stdin_one_json_per_line(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", stdin(f"{QUESTION}\n\nthe of and\n"))
    assert main(["ask", "--db", str(db_path), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["question"] for line in lines] == [QUESTION, "", "the of and"]
    assert lines[0]["results"] and not lines[1]["results"] and not lines[2]["results"]
    assert "Ask a question" in lines[1]["message"]


def test_ask_reads_stdin_lines_that_are_not_utf8(tmp_path: Path) -> None:
    """One byte of Windows-1252 on stdin must not be a UnicodeDecodeError traceback that
    loses every line of the batch, those before it too, nor, under C.UTF-8, pass into the
    JSON, which would then not be UTF-8 either."""
    asked = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json"],  # newsbot.db, made with the seeds
        cwd=tmp_path,
        env=clean_env(),
        input=f"{QUESTION}\ncaf\xe9 prices\n{QUESTION}\n".encode("cp1252"),
        capture_output=True,
        timeout=120,
    )
    assert asked.returncode == 0, asked.stderr
    answers = [json.loads(line) for line in asked.stdout.decode("utf-8").splitlines()]
    assert [a["question"] for a in answers] == [QUESTION, "café prices", QUESTION]
    assert answers[0]["results"] and answers[2]["results"]


@pytest.mark.usefixtures("seeded_db")
@pytest.mark.parametrize(
    "encoding",
    ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"],
    ids=[
        "UTF-8 with its mark",
        "UTF-16 (PowerShell)",
        "UTF-16LE without a mark",
        "UTF-16BE without a mark",
        "UTF-32",
    ],
)
def test_ask_reads_stdin_that_opens_with_a_byte_order_mark(
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    encoding: str,
) -> None:
    """A UTF-8 mark made the first line's JSON request a question (its as_of and limit
    lost); UTF-16 gave questions of NUL characters. A line ends at a line feed in every
    encoding: in UTF-16 a lone carriage return split a line in two, putting every answer
    after it a line out; UTF-16 without its mark, and UTF-32 (whose mark opens as UTF-16's
    does), were read as UTF-8, questions of NUL characters."""
    request = json.dumps({"question": QUESTION, "as_of": "2030-01-01", "limit": 1})
    lines = f"{request}\r\nthe of\rand\r\n{QUESTION}\r\n"
    monkeypatch.setattr(sys, "stdin", stdin(lines.encode(encoding)))
    assert main(["ask", "--db", str(db_path), "--json"]) == 0
    first, second, third = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (first["question"], first["as_of"]) == (QUESTION, "2030-01-01")
    assert len(first["results"]) == 1
    assert second["question"] == "the of\rand" and not second["results"]
    assert third["question"] == QUESTION and third["results"]


def test_ingest_says_it_made_a_database_where_there_was_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbot --db typo.db ingest PATH` made typo.db and said only "added 1 article": the
    bot, on the real database, never answered from it. Said as `feeds add` says it; not
    under --quiet, where an ingest that went well says nothing."""
    one = {"title": "One", "text": "First story.", "published": "2024-11-25"}
    source = write_jsonl(tmp_path / "one.jsonl", [one])
    typo = tmp_path / "typo.db"
    assert main(["--db", str(typo), "ingest", str(source)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("added 1 article (")
    assert err == (
        f"newsbot ingest: there was no database at {typo}: made one (--db or NEWSBOT_DB "
        "names another)\n"
    )
    assert main(["--db", str(typo), "ingest", str(source)]) == 0
    assert capsys.readouterr().err == ""  # there is one now
    quiet = tmp_path / "quiet.db"
    assert main(["--db", str(quiet), "ingest", "--quiet", str(source)]) == 0
    assert capsys.readouterr() == ("", "")
    assert quiet.exists()


def test_a_quiet_ingest_that_failed_says_it_made_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbot --db typo.db ingest --quiet PATH` in a cron job, PATH wrong too, made an
    empty typo.db and said only that PATH failed: the next run found typo.db there, and the
    failure read as one of the real database's. Said as without --quiet, first."""
    typo = tmp_path / "typo.db"
    assert main(["--db", str(typo), "ingest", "--quiet", str(tmp_path / "none.jsonl")]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("added 0 articles")
    assert err.splitlines() == [
        f"newsbot ingest: there was no database at {typo}: made one (--db or NEWSBOT_DB "
        "names another)",
        f"failed: {tmp_path / 'none.jsonl'}: no such file or directory",
    ]
    assert main(["--db", str(typo), "ingest", "--quiet", str(tmp_path / "none.jsonl")]) == 1
    assert "made one" not in capsys.readouterr().err  # there is one now


def test_a_quiet_ingest_that_stored_nothing_says_it_made_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two cron jobs given the same mistyped --db: the one whose articles the other stored
    first found them all duplicates and said nothing, though the database it was to fill
    was not there when it began."""
    one = {"title": "One", "text": "First story.", "published": "2024-11-25"}
    source = write_jsonl(tmp_path / "one.jsonl", [one])
    typo = tmp_path / "typo.db"
    open_engine = Engine.open

    async def opened_after_the_other_job(db_path: Path, *args: Any, **kwargs: Any) -> Engine:
        other = run_newsbot(["ingest", "--quiet", "--db", str(typo), str(source)], tmp_path)
        assert (other.returncode, other.stdout) == (0, ""), other.stderr
        return await open_engine(db_path, *args, **kwargs)

    monkeypatch.setattr(Engine, "open", opened_after_the_other_job)
    assert main(["--db", str(typo), "ingest", "--quiet", str(source)]) == 0
    assert capsys.readouterr() == (
        "",
        f"newsbot ingest: there was no database at {typo}: made one (--db or NEWSBOT_DB "
        "names another)\n",
    )


def test_a_quiet_ingest_that_could_not_save_its_index_says_it_made_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The articles are stored, the index not saved: said with --quiet, as a failure is, and
    so is the database made for them, first."""
    one = {"title": "One", "text": "First story.", "published": "2024-11-25"}
    source = write_jsonl(tmp_path / "one.jsonl", [one])
    typo = tmp_path / "typo.db"
    index_dir(typo).write_text("not a folder")
    assert main(["--db", str(typo), "ingest", "--quiet", str(source)]) == EXIT_FAILED
    out, err = capsys.readouterr()
    assert out.startswith("added 1 article (")
    made, unsaved = err.splitlines()
    assert made == (
        f"newsbot ingest: there was no database at {typo}: made one (--db or NEWSBOT_DB "
        "names another)"
    )
    assert unsaved.startswith("newsbot ingest: ") and "Move that file away" in unsaved


def test_ingest_reports_and_sets_the_exit_status(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_jsonl(
        tmp_path / "good.jsonl",
        [
            {"title": "One", "text": "First story text."},
            {"title": "Two", "text": "Second story text."},
        ],
    )
    assert main(["ingest", "--db", str(db_path), str(good)]) == 0
    assert "added 2 articles" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "Three", "text": "Third story."}\n{"title": 3}\n')
    assert main(["ingest", "--db", str(db_path), str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "added 1 article (" in out and "2 duplicates, 1 failed" in out
    assert f"failed: {bad}:2: field 'title' must be a string, got a number" in err


def test_an_article_the_database_refuses_fails_alone_and_the_rest_are_stored(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A batch the database refuses is written again one article at a time: the one it
    refuses is reported by its file, the others of its batch are kept."""
    earlier = write_jsonl(tmp_path / "earlier.jsonl", [{"title": "earlier", "text": "Told."}])
    assert main(["ingest", "--db", str(db_path), str(earlier)]) == 0
    capsys.readouterr()
    run_sql(
        db_path,
        "CREATE TRIGGER poison BEFORE INSERT ON articles WHEN NEW.title = 'poison'"
        " BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("first", "poison", "last"):
        text = f"The {name} story of the batch, told in one sentence."
        (folder / f"{name}.json").write_text(json.dumps({"title": name, "text": text}))
    assert main(["ingest", "--db", str(db_path), str(folder)]) == 1
    out, err = capsys.readouterr()
    assert "added 2 articles (" in out and "1 failed" in out
    poison = folder / "poison.json"
    [failed] = [line for line in err.splitlines() if line.startswith("failed: ")]
    assert failed == f"failed: {poison}: database refused it: refused"
    titles = run_sql(db_path, "SELECT title FROM articles ORDER BY title")
    assert titles == [("earlier",), ("first",), ("last",)]


TOKEN_PAGE = """<html><head><title>Kelso bridge reopens</title>
<link rel="canonical" href="https://ed:pw9@news.test/kelso?id=7&sig=SIG5ECRET&utm_source=x">
</head><body><article><h1>Kelso bridge reopens</h1>
<p>The Kelso bridge reopened to traffic on Monday after two years of repairs, the council
said.</p><p>Engineers replaced the bearings and strengthened the arches, built in 1803.</p>
</article></body></html>"""


def test_an_articles_address_is_stored_and_shown_without_its_credentials(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file's address kept ?token= and ?api_key= (a feed's links lost them), and then a
    session id (?session=SESS1) when those were dropped, and then ?auth=, ?client_secret=
    and a signed S3 link's ?X-Amz-Signature=: printed by
    ask, ask --json and digest, and linked by the bot. Whatever the format, an article is
    stored under its address without credentials, and found again under another token."""
    brora = {
        "title": "Brora distillery reopens",
        "text": "The Brora distillery reopened after 40 years, its owners said on Tuesday.",
        "url": "https://user:pw@news.test/a?id=3&token=T0KSECRET&API_KEY=K2SECRET"
        "&session=SESS1SECRET&PHPSESSID=P1SECRET&auth=A1SECRET&client_secret=C1SECRET"
        "&X-Amz-Signature=S3SECRET&X-Amz-Credential=AKIDSECRET&x-api-key=X1SECRET",
    }
    lines = write_jsonl(tmp_path / "a.jsonl", [brora])
    (tmp_path / "b.json").write_text(
        json.dumps({**brora, "title": "Tain", "text": "Tain's bakery shut.", "url": "x:y?pwd=PW7"})
    )
    (tmp_path / "kelso.html").write_text(TOKEN_PAGE)
    files = [str(lines), str(tmp_path / "b.json"), str(tmp_path / "kelso.html")]
    assert main(["--db", str(db_path), "ingest", "--quiet", *files]) == 0
    stored = [r[0] for r in run_sql(db_path, "SELECT url FROM articles ORDER BY id")]
    assert stored == ["https://news.test/a?id=3", None, "https://news.test/kelso?id=7"]
    capsys.readouterr()
    assert main(["--db", str(db_path), "ask", "Brora distillery"]) == 0
    assert main(["--db", str(db_path), "ask", "--json", "Kelso bridge"]) == 0
    assert main(["--db", str(db_path), "digest", "--since", "1d"]) == 0
    out = capsys.readouterr().out
    assert "https://news.test/a?id=3\n" in out and '"https://news.test/kelso?id=7"' in out
    assert not re.search(r"SECRET|pw9|PW7|//ed|//user|sig=|token|api_key", out, re.IGNORECASE)
    assert run_sql(db_path, "SELECT source FROM articles WHERE id = 3") == [("news.test",)]

    # the same article under another token (its words changed) is a copy of the stored one
    again = {**brora, "text": brora["text"] + " Updated.", "url": brora["url"] + "&sig=S2"}
    updated = str(write_jsonl(tmp_path / "c.jsonl", [again]))
    assert main(["--db", str(db_path), "ingest", updated]) == 0
    assert "added 0 articles (0 sentences), 1 duplicate" in capsys.readouterr().out


def test_an_address_of_a_file_that_is_not_http_is_dropped_as_a_feeds_is(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file's "url" of another scheme was stored and given out, as the source's link of
    `ask` and the `url` of `ask --json` and `digest --json`, which a web page may make a
    link: "javascript:alert(1)" runs there. A feed's entry link of one is dropped; a file's
    is too, and a "post_url" field (shown for a live page's post) likewise. The article
    stays, without an address."""
    council = "The {} council met on Monday to vote on the harbour plan."
    records = [
        {"title": "Script", "text": council.format("Vvscript"), "url": " JaVaScRiPt:alert(1)"},
        {"title": "Data", "text": council.format("Vvdata"), "url": "data:text/html,<b>x</b>"},
        {"title": "Post", "text": council.format("Vvpost"), "post_url": "javascript:alert(2)"},
        {"title": "Web", "text": council.format("Vvweb"), "url": "HTTPS://News.test/web"},
    ]
    lines = write_jsonl(tmp_path / "a.jsonl", records)
    assert main(["--db", str(db_path), "ingest", str(lines)]) == 0
    assert "added 4 articles" in capsys.readouterr().out
    stored = run_sql(db_path, "SELECT title, url FROM articles ORDER BY id")
    assert stored == [
        ("Script", None),
        ("Data", None),
        ("Post", None),
        ("Web", "https://news.test/web"),
    ]
    for name in ("Vvscript", "Vvdata", "Vvpost"):
        assert main(["--db", str(db_path), "ask", "--json", "--limit", "1", name]) == 0
        [result] = json.loads(capsys.readouterr().out)["results"]
        assert result["article"]["title"] == name.removeprefix("Vv").title()
        assert result["article"]["url"] is None
    assert main(["--db", str(db_path), "digest", "--since", "1d", "--json"]) == 0
    out = capsys.readouterr().out
    assert "javascript" not in out.lower() and "data:" not in out
    assert '"url": "https://news.test/web"' in out


def test_a_folder_with_nothing_to_read_is_a_failure_that_says_why(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder of .csv and .md files (or an empty one) gave "added 0 articles, 0 failed"
    and success; in a folder beside readable files, other files are passed over quietly."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "x.csv").write_text("a,b\n")
    (notes / "story.md").write_text("# Story\n")
    (notes / ".hidden.json").write_text("{}")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["ingest", "--db", str(db_path), str(notes), str(empty)]) == 1
    out, err = capsys.readouterr()
    assert "0 failed" not in out and "2 failed" in out
    readable = "newsbot reads .txt, .json, .jsonl, .html or .htm (optionally .gz)"
    assert f"failed: {notes}: the folder holds only .csv, .md files: {readable}" in err
    assert f"failed: {empty}: the folder holds no files: {readable}" in err
    write_jsonl(notes / "one.jsonl", [{"title": "One", "text": "First story text."}])
    assert main(["ingest", "--db", str(db_path), str(notes)]) == 0
    assert "added 1 article (" in capsys.readouterr().out


def test_a_folder_walk_follows_links_and_reports_what_it_cannot_read(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Path.rglob passed over a linked folder (an archive kept under another name), a folder
    it could not read and a link to nothing, in silence: whole years left out, "0 failed",
    exit 0."""
    news = tmp_path / "news"
    share = news / ".archive" / "2023"  # hidden, so read only through the link
    for folder, name in ((news / "2024", "a"), (share, "b"), (news / "locked", "c")):
        folder.mkdir(parents=True)
        write_jsonl(folder / f"{name}.jsonl", [{"title": name, "text": f"Story {name}."}])
    (news / "2023").symlink_to(share, target_is_directory=True)
    (news / "2024" / "up").symlink_to(news, target_is_directory=True)  # a loop
    (news / "moved.json").symlink_to(tmp_path / "gone.json")
    scandir = os.scandir

    def locked(path: Any) -> Any:  # root reads anything: refuse as a share would
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", locked)
    closed = news / "closed"  # its names can be listed, not looked at (no x permission)
    closed.mkdir()
    (closed / "d.txt").write_text("D\n\nStory d.\n")
    is_file = Path.is_file

    def shut(path: Path) -> bool:
        if path.parent == closed:
            raise PermissionError(13, "Permission denied", str(path))
        return is_file(path)

    monkeypatch.setattr(Path, "is_file", shut)
    assert main(["ingest", "--db", str(db_path), "--quiet", str(news)]) == 1
    out, err = capsys.readouterr()
    assert "added 2 articles" in out  # 2024's and the linked 2023's, each once
    assert f"failed: {news / 'locked'}: cannot read the folder: Permission denied" in err
    assert f"failed: {news / 'moved.json'}: a link to nothing (its target is gone)" in err
    assert f"failed: {closed / 'd.txt'}: cannot read: Permission denied" in err
    assert main(["ingest", "--db", str(db_path), "--quiet", str(news / "locked")]) == 1
    err = capsys.readouterr().err  # why, once: not also "the folder holds no files"
    assert err == f"failed: {news / 'locked'}: cannot read the folder: Permission denied\n"


def test_a_folder_walk_follows_no_link_out_of_the_folder_nor_reads_a_pipe(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link dropped in an ingested folder made the bot's .env, token and all, an article
    anyone could search (and /proc/self/environ, the process's environment): a link out of
    the folder, to a file or a folder, is refused and named; links inside it are followed,
    and a pipe under an article's name is refused, not waited on."""
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=123:SECRETSECRET\n")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "memo.txt").write_text("Memo\n\nThe SECRETSECRET plan.\n")
    drop = tmp_path / "drop"
    (drop / "real").mkdir(parents=True)
    (drop / "real" / "story.txt").write_text("Story\n\nThe harbour reopened today.\n")
    (drop / "again.txt").symlink_to(drop / "real" / "story.txt")  # inside: followed
    (drop / "notes.txt").symlink_to(tmp_path / ".env")
    (drop / "env.txt").symlink_to("/proc/self/environ")
    (drop / "up").symlink_to(tmp_path / "private", target_is_directory=True)
    (drop / "readme.md").symlink_to(tmp_path / ".env")  # not read whatever it is: not named
    os.mkfifo(drop / "pipe.txt")
    (drop / "real" / "pipe-link.txt").symlink_to(drop / "pipe.txt")

    assert main(["ingest", "--db", str(db_path), str(drop)]) == 1
    out, err = capsys.readouterr()
    assert "added 1 article (" in out and "1 duplicate, 5 failed" in out
    refused = "not followed (name it on the command line to ingest it)"
    env = (tmp_path / ".env").resolve()
    assert f"{drop / 'notes.txt'}: a link out of the folder being ingested, to {env}: " in err
    assert f"{drop / 'env.txt'}: a link out of the folder being ingested, to /proc/" in err
    private = (tmp_path / "private").resolve()
    assert f"{drop / 'up'}: a link out of the folder being ingested, to {private}: " in err
    assert err.count(refused) == 3 and "readme.md" not in err
    pipe = "not a regular file (a pipe, a device or a socket): not read"
    assert f"failed: {drop / 'pipe.txt'}: {pipe}" in err
    assert f"failed: {drop / 'real' / 'pipe-link.txt'}: {pipe}" in err
    assert run_sql(db_path, "SELECT count(*) FROM articles WHERE text LIKE '%SECRET%'") == [(0,)]
    assert run_sql(db_path, "SELECT count(*) FROM articles WHERE text LIKE '%PATH=%'") == [(0,)]

    # named on the command line, a link is read where it leads: the operator named it
    assert main(["ingest", "--db", str(db_path), str(drop / "up")]) == 0
    assert "added 1 article (" in capsys.readouterr().out


def test_an_ingest_prints_the_names_a_folder_holds_escaped(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whoever may write in an ingested folder names its files: a line break split a failure
    in two, an ESC sequence coloured, moved or erased the lines on the terminal, and U+202E
    showed the rest of the line reversed. Each is escaped, as a byte that does not decode
    is (\\udcff), in a failure, a link's target, a duplicate and a warning alike."""
    drop = tmp_path / "drop"
    drop.mkdir()
    # ZWNJ stays: Persian spells with it ("letters")
    for name in (
        "bad\nname.json",
        "bad-\x1b[2K\r.json",
        "bad-\u202eevil.json",
        "نامه\u200cها.json",
    ):
        (drop / name).write_text("{not json")
    (drop / os.fsdecode(b"bad-\xff.json")).write_text("{not json")
    (tmp_path / "out\x1b]0;owned\x07.txt").write_text("Out\n\nOutside the folder.\n")
    (drop / "link.txt").symlink_to(tmp_path / "out\x1b]0;owned\x07.txt")
    story = {"title": "Harbour", "text": "The harbour reopened today after the storm."}
    write_jsonl(drop / "a.jsonl", [story | {"url": "https://a.example/1"}])
    write_jsonl(drop / "b\x1b[1A.jsonl", [story | {"url": "https://b.example/1"}])
    ahead = {"title": "Later", "text": "A story dated far ahead.", "published": "2999-01-01"}
    write_jsonl(drop / "c\u2066.jsonl", [ahead])

    assert main(["ingest", "--db", str(db_path), str(drop)]) == 1
    err = capsys.readouterr().err
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", err)
    named = [line for line in err.splitlines() if str(drop) in line]
    assert len(named) == 8 and all(
        line.startswith(("failed: ", "duplicate: ", "warning: ")) for line in named
    )
    bad = "invalid JSON: expecting property name"
    assert f"failed: {drop}/bad\\nname.json: {bad}" in err
    assert f"failed: {drop}/bad-\\x1b[2K\\r.json: {bad}" in err
    assert f"failed: {drop}/bad-\\u202eevil.json: {bad}" in err
    assert f"failed: {drop}/bad-\\udcff.json: {bad}" in err
    assert f"failed: {drop}/نامه\u200cها.json: {bad}" in err
    assert (
        f"a link out of the folder being ingested, to {tmp_path}/out\\x1b]0;owned\\x07.txt: "
        in err
    )
    assert f"duplicate: {drop}/b\\x1b[1A.jsonl:1: the same text as article 1" in err
    assert f"warning: {drop}/c\\u2066.jsonl:1: " in err


def test_a_file_swapped_for_a_link_after_its_folder_was_walked_is_not_read(
    tmp_path: Path,
) -> None:
    """The walk checks each file, then the ingest reads them, minutes later for a large
    folder: a link put in a checked file's place then would be read all the same."""
    (tmp_path / "secret.txt").write_text("Secret\n\nThe bot's token.\n")
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "story.txt").write_text("Story\n\nThe harbour reopened today.\n")
    [found] = iter_files([drop])
    assert isinstance(found, FileToRead) and found.identity is not None
    (drop / "story.txt").unlink()
    (drop / "story.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(ParseError, match="another file was put in its place after its folder"):
        list(read_records(found.path, None, identity=found.identity))


@pytest.mark.parametrize(
    ("stories", "kept"),
    [(3, "the 2 articles read before it are kept"), (2, "the 1 article read before it is kept")],
)
def test_a_file_cut_short_says_how_many_of_its_articles_were_kept(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], stories: int, kept: str
) -> None:
    lines = [
        json.dumps({"title": f"Story {n}", "text": f"Text number {n}."}) for n in range(stories)
    ]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[:-12])  # the end-of-stream marker and some of the last line gone
    assert main(["ingest", "--db", str(db_path), str(cut)]) == 1
    out, err = capsys.readouterr()
    good = stories - 1
    assert f"added {counted(good, 'article')}" in out
    [failed] = [line for line in err.splitlines() if line.startswith("failed: ")]
    assert failed.startswith(f"failed: {cut}: cannot read file: ")
    kept = f"; {kept} (added, or stored already)"
    assert failed.endswith(kept)
    # again: they are duplicates now, which the same words are true of
    assert main(["ingest", "--db", str(db_path), str(cut)]) == 1
    out, err = capsys.readouterr()
    assert "added 0 articles" in out and counted(good, "duplicate") in out
    assert f"failed: {cut}: cannot read file: " in err and kept in err


def test_the_ingest_summary_counts_in_words() -> None:
    assert IngestReport(added=1, duplicates=1, sentences=1).summary() == (
        "added 1 article (1 sentence), 1 duplicate, 0 failed"
    )
    assert IngestReport(added=2, duplicates=0, sentences=13).summary() == (
        "added 2 articles (13 sentences), 0 duplicates, 0 failed"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest"], "the following arguments are required: PATH"),
        (["ask", "--limit", "abc", "x"], "argument --limit: 'abc' is not a whole number"),
        # told as "abc" is, with the usage line: it had neither
        (["ask", "--limit", "0", "x"], "argument --limit: '0' is not a whole number of at least"),
    ],
)
def test_usage_errors_exit_2_with_the_usage_line(
    db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db_path), *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: newsbot {args[0]} ") and message in err
    assert not db_path.exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["ingest", ""], "newsbot ingest: an empty path: name a file or folder (. for this one)"),
        (["ingest", "notes.txt", " "], "newsbot ingest: an empty path: name a file or folder"),
        (["backup", ""], "newsbot backup: an empty path: name the backup's file, e.g. ./news.db"),
        (["backup", " "], "newsbot backup: an empty path: name the backup's file"),
        (["stats", "--db", ""], "newsbot stats: --db is empty: name the database's file"),
        (["ingest", "--db", "\t", "notes.txt"], "newsbot ingest: --db is empty"),
    ],
)
def test_an_empty_path_is_a_usage_error_that_reads_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    said: str,
) -> None:
    """What an unset variable passes (`newsbot ingest "$INCOMING"`): ingest read "" as ".",
    adding every file of the folder it ran in to the corpus the bot serves; --db "" was
    NEWSBOT_DB's database, and a backup to " " made a file of that name."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    (tmp_path / "notes.txt").write_text("Private notes\n\nThe api password is hunter2.\n")
    db = tmp_path / "news.db"
    main(["--db", str(db), "ingest", "--quiet", "notes.txt"])  # a database to back up
    made = sorted(tmp_path.iterdir())
    capsys.readouterr()
    assert main(["--db", str(db), *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(said) and err.count("\n") == 1
    assert sorted(tmp_path.iterdir()) == made
    assert main(["--db", str(db), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 1


def test_stats_prints_the_corpus_size(seeded_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--db", str(seeded_db)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"articles:\s+1\b", out) and re.search(r"passages:\s+13 sentences", out)
    assert "2024-11-25" in out


def test_stats_says_plainly_that_no_article_is_dated(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "published:  -; 2 undated"."""
    undated = [{"title": f"Story {n}", "text": f"Text number {n}."} for n in range(2)]
    # a database with no article
    assert (
        main(["--db", str(db_path), "feeds", "add", "--no-check", "https://example.org/feed.rss"])
        == 0
    )
    capsys.readouterr()
    assert main(["--db", str(db_path), "stats"]) == 0
    assert "published:  none\n" in capsys.readouterr().out
    source = write_jsonl(tmp_path / "undated.jsonl", undated)
    assert main(["--db", str(db_path), "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "stats"]) == 0
    assert "published:  none dated; 2 undated\n" in capsys.readouterr().out


def test_stats_tells_dates_in_the_zone_and_counts_undated_and_archived(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """stats printed the stored date strings, whatever their form, and said nothing of the
    articles that have none (which count from when they were stored) or are archived."""
    late = {"title": "Late", "text": "Filed late.", "published": "2024-11-25T23:30:00Z"}
    early = {"title": "Early", "text": "Filed early.", "published": "2024-11-02"}
    undated = {"title": "Undated", "text": "No date on this one."}
    db = ["--db", str(db_path)]
    assert (
        main([*db, "ingest", "--quiet", str(write_jsonl(tmp_path / "a.jsonl", [late, early]))])
        == 0
    )
    assert (
        main(
            [
                *db,
                "ingest",
                "--quiet",
                "--archive",
                str(write_jsonl(tmp_path / "b.jsonl", [undated])),
            ]
        )
        == 0
    )
    capsys.readouterr()
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Asia/Tokyo")
    assert main([*db, "stats"]) == 0
    out = capsys.readouterr().out
    assert "published:  2024-11-02 to 2024-11-26; 1 undated\n" in out  # 08:30 on the 26th there
    assert "archived:   1 (kept out of digests)\n" in out
    # a placeholder date of year 1, before year 1 west of UTC: told in UTC, not a traceback
    # (stored so before ingest took it for no date)
    minimum = {"title": "Min", "text": "Filed never.", "published": "2024-11-10"}
    assert main([*db, "ingest", "--quiet", str(write_jsonl(tmp_path / "c.jsonl", [minimum]))]) == 0
    year_one = "0001-01-01T00:00:00+00:00"
    run_sql(
        db_path,
        "UPDATE articles SET published = ?, published_ts = ? WHERE title = 'Min'",
        year_one,
        to_timestamp(year_one),
    )
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "America/New_York")
    capsys.readouterr()
    assert main([*db, "stats"]) == 0
    assert "published:  0001-01-01 to 2024-11-25; 1 undated\n" in capsys.readouterr().out


def test_stats_json_is_one_object_of_the_documented_fields(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Admins script the tool (cron checks, monitoring), and stats had only its text,
    its figures with thousands separators and a line left out when its count was 0."""
    late = {"title": "Late", "text": "Filed late.", "published": "2024-11-25T23:30:00Z"}
    early = {"title": "Early", "text": "Filed early.", "published": "2024-11-02"}
    undated = {"title": "Undated", "text": "No date on this one."}
    db = ["--db", str(db_path)]
    source = write_jsonl(tmp_path / "a.jsonl", [late, early, undated])
    assert main([*db, "ingest", "--quiet", str(source)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Asia/Tokyo")
    assert main([*db, "stats", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    stats = json.loads(out)
    assert tuple(stats) == STATS_FIELDS
    assert stats == {
        "articles": 3,
        "sentences": 3,
        "outlets": 0,
        "first_published": "2024-11-02T10:00:00Z",  # a day alone counts from 10:00 UTC
        "last_published": "2024-11-25T23:30:00Z",
        "first_day": "2024-11-02",
        "last_day": "2024-11-26",  # 08:30 on the 26th in Tokyo, as the text says
        "timezone": "Asia/Tokyo",
        "undated": 1,
        "ahead": 0,
        "archived": 0,
        "older_splits": 0,
    }
    # the fields are named in the README's schema and in --help
    scripting = (REPO / "README.md").read_text().split("`stats --json`:")[1]
    scripting = scripting.split("`feeds list --json`")[0]
    assert set(re.findall(r"`(\w+)`", scripting)) >= set(STATS_FIELDS)
    with pytest.raises(SystemExit):
        main(["stats", "--help"])
    assert ", ".join(STATS_FIELDS) in " ".join(capsys.readouterr().out.split())


def test_stats_outlets_lists_each_outlet_as_sources_does(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An admin had no command-line twin of the bot's /sources: which outlets the corpus
    holds, and how many articles each, for a cron check that a feed still brings its own."""
    articles = [
        {"title": "A", "text": "One.", "source": "USA Today"},
        {"title": "B", "text": "Two.", "source": "USA TODAY"},  # one outlet, as /sources
        {"title": "C", "text": "Three.", "source": "CNN"},
        {"title": "D", "text": "Four."},
    ]
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(write_jsonl(tmp_path / "a.jsonl", articles))]) == 0
    capsys.readouterr()
    assert main([*db, "stats", "--outlets"]) == 0
    out = capsys.readouterr().out
    assert out.endswith(
        "by outlet:\n  USA Today          2\n  CNN                1\n  (no outlet named)  1\n"
    )
    assert main([*db, "stats", "--outlets", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["sources"] == [
        {"outlet": "USA Today", "articles": 2},
        {"outlet": "CNN", "articles": 1},
        {"outlet": None, "articles": 1},
    ]
    assert main([*db, "stats", "--json"]) == 0
    assert "sources" not in json.loads(capsys.readouterr().out)  # asked for only
    run_sql(db_path, "UPDATE articles SET source = ? WHERE source = 'CNN'", "C\u202eNN")
    run_sql(db_path, "UPDATE articles SET source = NULL WHERE title = 'B'")
    assert main([*db, "stats", "--outlets"]) == 0  # in count order, as --json; no bidi
    assert capsys.readouterr().out.endswith(
        "by outlet:\n  (no outlet named)  2\n  C NN               1\n  USA Today          1\n"
    )


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2024-11-25T09:30:00+00:00", "2024-11-25T09:30:00Z"),
        ("2024-11-25T09:30:00", "2024-11-25T09:30:00Z"),  # no zone: UTC, as the bot shows it
        ("2024-11-25", "2024-11-25"),
        ("2024-11", "2024-11"),  # another build's: as stored, not a traceback
        ("0001-01-01T00:30:00+01:00", "0001-01-01T00:30:00+01:00"),  # before year 1 in UTC
    ],
)
def test_ask_json_gives_a_stored_time_in_utc_or_as_stored(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], stored: str, shown: str
) -> None:
    db = ["--db", str(db_path)]
    source = write_jsonl(tmp_path / "a.jsonl", [{"title": "Ferry", "text": "The ferry sailed."}])
    assert main([*db, "ingest", "--quiet", str(source)]) == 0
    run_sql(db_path, "UPDATE articles SET published = ?", stored)
    capsys.readouterr()
    assert main([*db, "ask", "--json", "ferry"]) == 0
    [result] = json.loads(capsys.readouterr().out)["results"]
    assert result["article"]["published"] == shown


def test_stats_json_of_a_corpus_with_no_date_and_of_no_database(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No dates: nulls, not the text's "none". No database: said on stderr, nothing on
    stdout, as `ask --json` says it."""
    assert main(["--db", str(db_path), "stats", "--json"]) == EXIT_FAILED
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"newsbot stats: no database at {db_path}")
    asyncio.run(_empty_database(db_path))
    assert main(["--db", str(db_path), "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 0 and stats["timezone"] == "UTC"
    assert [stats[k] for k in ("first_published", "last_published", "first_day", "last_day")] == [
        None
    ] * 4


def test_ask_tells_a_time_of_publication_in_the_zone(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A date and time printed as stored, 2024-11-25T23:30:00+00:00, whatever the zone."""
    timed = {
        "title": "Timed",
        "text": "The harbour crane moved cargo.",
        "published": "2024-11-25T23:30:00Z",
    }
    dated = {"title": "Dated", "text": "The harbour ferry sailed.", "published": "2024-11-02"}
    others = [{"title": f"Other {n}", "text": f"The quay {n} closed."} for n in range(4)]
    source = write_jsonl(tmp_path / "a.jsonl", [timed, dated, *others])
    assert main(["--db", str(db_path), "ingest", "--quiet", str(source)]) == 0
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Asia/Tokyo")
    capsys.readouterr()
    assert main(["--db", str(db_path), "ask", "harbour"]) == 0
    out = capsys.readouterr().out
    assert "— Timed · 2024-11-26 08:30 JST" in out and "— Dated · 2024-11-02" in out
    assert main(["--db", str(db_path), "ask", "--json", "harbour"]) == 0
    assert "2024-11-25T23:30:00Z" in capsys.readouterr().out  # UTC, as every --json time


def test_a_time_without_a_zone_in_a_file_is_in_newsbot_timezone(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An archive's own times are its owner's: "2023-06-02T19:30:00" was stored as 19:30
    UTC whatever NEWSBOT_TIMEZONE said, as --as-of and digest dates are read in it. A time
    that names its zone, and a bare date (10:00 UTC, the same day nearly everywhere), are
    as they were."""
    given = {
        "2023-06-02T19:30:00": "2023-06-02T23:30:00+00:00",
        "June 6, 2023 11:30 PM": "2023-06-07T03:30:00+00:00",
        "2023-06-02T19:30:00Z": "2023-06-02T19:30:00+00:00",
        "Fri, 02 Jun 2023 19:30:00 -0000": "2023-06-02T19:30:00+00:00",  # UTC, RFC 2822 says
        "2023-01-10 09:00": "2023-01-10T14:00:00+00:00",  # in winter, UTC-5
        "2023-06-02": "2023-06-02",
    }
    source = write_jsonl(
        tmp_path / "a.jsonl",
        [{"title": "Market", "text": f"It opened: {when}.", "published": when} for when in given],
    )
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "America/New_York")
    assert main(["--db", str(db_path), "ingest", "--quiet", str(source)]) == 0
    stored = run_sql(db_path, "SELECT published FROM articles ORDER BY id")
    assert [published for (published,) in stored] == list(given.values())


def test_seeds_times_without_a_zone_are_in_newsbot_timezone_as_an_ingests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeds are ingested as `newsbot ingest` reads files: a deployment seeding its own
    archive (NEWSBOT_SEEDS) had its zoneless times stored as UTC, five hours off an ingest of
    the same file in New York."""
    seeds = tmp_path / "our-seeds"
    seeds.mkdir()
    when = "2023-03-01 19:30"
    write_jsonl(
        seeds / "s.jsonl", [{"title": "Mayor", "text": "The mayor spoke.", "published": when}]
    )
    monkeypatch.setenv("NEWSBOT_SEEDS", str(seeds))
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "America/New_York")
    monkeypatch.chdir(tmp_path)  # newsbot.db, which ask makes and seeds
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    assert main(["ask", "Who spoke?"]) == 0
    capsys.readouterr()
    stored = run_sql(tmp_path / "newsbot.db", "SELECT published FROM articles")
    assert stored == [("2023-03-02T00:30:00+00:00",)]


def test_stats_and_digest_read_the_database_without_the_index(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """They loaded (or rebuilt) both indexes first, and checked every array of them: seconds
    of a 7-million-sentence corpus, for two SQL reads."""
    seeded = main(["--db", str(db_path), "ingest", "--quiet", str(SEEDS)])
    assert seeded == 0
    shutil.rmtree(index_dir(db_path))
    shutil.rmtree(article_index_dir(db_path))
    capsys.readouterr()
    assert main(["--db", str(db_path), "stats"]) == 0
    assert "articles:   1\n" in capsys.readouterr().out
    since = ["--since", "2024-11-24", "--until", "2024-11-26"]
    assert main(["--db", str(db_path), "digest", *since]) == 0
    assert "joint border exercises" in capsys.readouterr().out
    assert not index_dir(db_path).exists() and not article_index_dir(db_path).exists()


def test_version_names_the_package_its_commit_the_schema_and_the_splitter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The upgrading docs speak of a database "newer than this newsbot": which one is it.
    And every build said 0.1.0: run from a checkout, its commit tells them apart; run
    from an unpacked release, there is none to tell."""
    built = ""
    if (REPO / ".git").exists():
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        built = f" commit {head[:12]}"
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out == (
        f"newsbot {metadata.version('newsbot')}{built} (database schema "
        f"{MIGRATIONS[-1].version}, splitter {SPLITTER_VERSION})"
    )
    assert "newsbot --version" in (REPO / "README.md").read_text()


def test_every_command_has_help_and_is_in_the_readme() -> None:
    parser = build_parser()
    readme = (REPO / "README.md").read_text()
    [commands] = [a for a in parser._actions if a.dest == "command"]
    for name, sub in commands.choices.items():  # type: ignore[union-attr]
        assert sub.description, f"newsbot {name} has no help text"
        assert f"newsbot {name}" in readme, f"newsbot {name} is not in the README"


def test_ingest_help_and_the_readme_name_every_format_it_reads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ingest --help` and the README named .html but not .htm, which ingest reads too."""
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    shown = " ".join(capsys.readouterr().out.split())  # as argparse wrapped it
    [row] = [
        line
        for line in (REPO / "README.md").read_text().splitlines()
        if "| `newsbot ingest" in line
    ]
    for suffix in SUFFIXES:
        assert re.search(rf"{re.escape(suffix)}\b", shown), suffix
        assert f"`{suffix}`" in row, suffix


@pytest.mark.parametrize("before", [True, False])
def test_db_is_honoured_before_or_after_the_command(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    before: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    db = tmp_path / "chosen.db"
    story = write_jsonl(tmp_path / "one.jsonl", [{"title": "One", "text": "A story."}])
    args = ["--db", str(db), "ingest"] if before else ["ingest", "--db", str(db)]
    assert main([*args, str(story)]) == 0
    assert db.is_file() and not (tmp_path / "newsbot.db").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["digest"],
        ["reindex"],
        ["backup", "copy.db"],
        ["feeds", "list"],
        ["feeds", "remove", "1"],
        ["feeds", "poll", "--quiet"],
        # made, it held the seed article alone: "Nothing in the news corpus matches that",
        # and each answer of a --json batch looked like one to a question no article answers
        ["ask", QUESTION],
        ["ask", "--json", "--limit", "1", QUESTION],
    ],
)
def test_a_command_that_reads_refuses_a_database_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """A mistyped --db made an empty database and reported on it ("articles: 0")."""
    typo = tmp_path / "newbsot.db"
    assert main(["--db", str(typo), *command]) == 1
    said = " ".join(command[:2] if command[0] == "feeds" else command[:1])
    assert capsys.readouterr() == (
        "",
        f"newsbot {said}: no database at {typo}: newsbot ingest PATH makes one (in a folder that "
        "exists); --db or NEWSBOT_DB names another\n",
    )
    assert list(tmp_path.iterdir()) == []
    nowhere = tmp_path / "nowhere" / "news.db"  # which ingest would not make either
    assert main(["--db", str(nowhere), *command]) == 1
    assert f"no database at {nowhere} (no folder {nowhere.parent}): " in capsys.readouterr().err


def test_a_database_in_a_folder_not_there_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --db made its folders, and the corpus looked empty."""
    db = tmp_path / "nowhere" / "new" / "news.db"
    assert main(["--db", str(db), "ingest", str(SEEDS)]) == 1
    err = capsys.readouterr().err
    assert f"no folder {db.parent} for the database {db}: make it first" in err
    assert list(tmp_path.iterdir()) == []


def test_a_tilde_in_the_database_setting_is_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A .env file is read by no shell: NEWSBOT_DB=~/news.db made a folder named "~" in the
    working directory (which `rm -rf ~` then takes for the home folder)."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    (work / ".env").write_text("NEWSBOT_DB=~/news.db\n")
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    assert main(["ingest", "--quiet", str(SEEDS)]) == 0
    assert (home / "news.db").is_file()
    assert list(work.iterdir()) == [work / ".env"]


def ingest_while_locked(path: Path, batch: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ingest `batch` while another connection holds the database's write lock; it fails.
    Returns the statements that waited out the busy timeout, on any connection the ingest
    opened (counted, not timed: a loaded machine stretches each wait)."""
    waited: list[str] = []

    class Counted(sqlite3.Connection):
        """A connection that notes each statement ending in SQLite's "database is locked"
        after a wait (its busy timeout not 0)."""

        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            try:
                return super().execute(sql, *args)
            except sqlite3.OperationalError as exc:
                if kept_locked(exc) and super().execute("PRAGMA busy_timeout").fetchone()[0]:
                    waited.append(sql)
                raise

    connect = sqlite3.connect
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        with monkeypatch.context() as patched:
            patched.setattr(sqlite3, "connect", lambda *a, **k: connect(*a, **k, factory=Counted))
            assert main(["ingest", "--quiet", "--db", str(path), str(batch)]) == EXIT_FAILED
        holder.execute("ROLLBACK")
    return waited


def test_an_ingest_into_a_database_kept_locked_stops_once_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each article was retried alone, each waiting out the busy timeout (a lock held for
    good: 30 s an article, hours a batch), and each listed as refused."""
    from retrieval.corpus import db as database

    path = tmp_path / "news.db"
    articles = [{"title": f"Story {n}", "text": f"Text of story number {n}."} for n in range(20)]
    batch = write_jsonl(tmp_path / "batch.jsonl", articles)
    assert main(["ingest", "--quiet", "--db", str(path), str(SEEDS)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    waited = ingest_while_locked(path, batch, monkeypatch)
    out, err = capsys.readouterr()
    assert "another process has kept the database locked for over" in err
    assert "run the same ingest again" in err and "failed:" not in err
    assert "added 0 articles" in out
    assert waited == ["BEGIN IMMEDIATE"]  # its first batch's, not one per article
    assert main(["ingest", "--db", str(path), str(batch)]) == 0  # and it goes on
    assert "added 20 articles" in capsys.readouterr().out


def test_an_ingest_into_an_empty_database_kept_locked_waits_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marking that an ingest began waited out the busy timeout first, then the ingest's
    first write waited it again, for a message that said it had waited once."""
    from retrieval.corpus import db as database

    path = tmp_path / "news.db"
    assert (
        main(["--db", str(path), "feeds", "add", "--no-check", "https://news.test/a.rss"]) == 0
    )  # made
    batch = write_jsonl(tmp_path / "batch.jsonl", [{"title": "One", "text": "Story one."}])
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    waited = ingest_while_locked(path, batch, monkeypatch)
    assert "another process has kept the database locked" in capsys.readouterr().err
    assert waited == ["BEGIN IMMEDIATE"]  # the batch's: marking the start waits for none


@pytest.mark.parametrize(
    "command",
    [
        ["remove", "1"],
        ["feeds", "add", "--no-check", "https://news.test/b.rss"],
        ["feeds", "remove", "1"],
    ],
    ids=["remove", "feeds add", "feeds remove"],
)
def test_a_write_into_a_database_kept_locked_says_why_in_one_line(
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """remove and feeds add/remove ended in a traceback of sqlite3's "database is locked"
    where ingest and feeds poll said what held it and what to do."""
    from retrieval.corpus import db as database

    path = tmp_path / "news.db"
    assert main(["--db", str(path), "ingest", "--quiet", str(SEEDS)]) == 0
    assert main(["--db", str(path), "feeds", "add", "--no-check", "https://news.test/a.rss"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # what a writer at work holds
        holder.execute("INSERT INTO meta (key, value) VALUES ('held', '1')")
        assert main(["--db", str(path), *command]) == EXIT_FAILED
        holder.execute("ROLLBACK")
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"newsbot {' '.join(command[:2] if command[0] == 'feeds' else command[:1])}: another"
        " process has kept the database locked for over 0.2 seconds: let it"
        " finish (another ingest, a reindex, a long query) or stop it, then run the command"
        " again\n"
    )
    assert run_sql(path, "SELECT count(*) FROM articles") == [(1,)]
    assert run_sql(path, "SELECT count(*) FROM feeds") == [(1,)]


def test_a_reindex_whose_save_the_database_could_not_record_fails(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It warned that a bot running since before may save its index over the new one, and
    exited 0 all the same: cron saw a reindex that went well."""
    from retrieval.corpus import db as database

    path = tmp_path / "news.db"
    assert main(["--db", str(path), "ingest", "--quiet", str(SEEDS)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    class Release(logging.Handler):  # the lock goes once it kept the save unrecorded
        def emit(self, record: logging.LogRecord) -> None:
            if "could not record it" in record.getMessage() and holder.in_transaction:
                holder.execute("ROLLBACK")

    release = Release()
    logging.getLogger("retrieval.engine").addHandler(release)
    try:
        with closing(holder):
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("INSERT INTO meta (key, value) VALUES ('held', '1')")
            assert main(["--db", str(path), "reindex", "--quiet"]) == EXIT_FAILED
    finally:
        logging.getLogger("retrieval.engine").removeHandler(release)
    assert "the index is saved, but the database could not record it" in caplog.text
    assert capsys.readouterr().err == ""  # the warning alone says why
    assert main(["--db", str(path), "reindex", "--quiet"]) == 0  # and once it is released


def test_first_asks_run_at_once_seed_the_default_database_once(tmp_path: Path) -> None:
    """The quick start run twice in parallel (a script): both processes found the new
    database empty, both ingested the seeds, and the one whose seed was then a duplicate
    said "the corpus is still empty" beside a seeded corpus. Three pairs of real
    processes, each pair on a fresh newsbot.db of its own: one of each pair seeds it, the
    other waits for that and answers from the seeds, saying nothing of them."""
    pairs = {}
    for n in range(3):
        folder = tmp_path / f"start{n}"
        folder.mkdir()
        pairs[folder] = [start_newsbot(["ask", QUESTION, "--limit", "1"], folder) for _ in "ab"]
    for folder, pair in pairs.items():
        told = []
        for process in pair:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            assert "Aslanduz in Iran's Ardabil province" in out, (out, err)
            told.append(err)
        assert "".join(told).count("ingested the seeds") == 1, told
        assert "(added 1 article (13 sentences), 0 duplicates, 0 failed)" in "".join(told)
        assert "still empty" not in "".join(told), told
        assert run_sql(folder / "newsbot.db", "SELECT count(*) FROM articles") == [(1,)]


def test_a_database_an_ingest_began_is_not_seeded(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ask beside a first ingest not yet committed, or after one stopped before it
    stored anything, added the seed article to that corpus for good."""
    (tmp_path / "broken.json").write_text("{not json")
    assert main(["ingest", "--db", str(db_path), str(tmp_path / "broken.json")]) == EXIT_FAILED
    capsys.readouterr()
    assert main(["ask", "--db", str(db_path), QUESTION]) == 0
    out, err = capsys.readouterr()
    assert "an ingest into it began" in err and "the seeds are not added to it" in err
    assert out == "The news corpus holds no articles.\n"
    assert run_sql(db_path, "SELECT count(*) FROM articles") == [(0,)]


def test_a_database_with_feeds_is_not_seeded(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deployment that added its feeds got the demo seed article in its corpus for good,
    from the bot's first start, before the feeds' first poll."""
    assert (
        main(["feeds", "add", "--no-check", "--db", str(db_path), "https://news.example.com/rss"])
        == 0
    )
    assert main(["feeds", "remove", "--db", str(db_path), "1"]) == 0  # once added is enough
    capsys.readouterr()
    assert main(["ask", "--db", str(db_path), QUESTION]) == 0
    out, err = capsys.readouterr()
    assert err == (
        "newsbot ask: the database has no articles yet, and feeds (newsbot feeds list): the seeds "
        "are not added to it; its articles come as its feeds are polled\n"
    )
    assert out == "The news corpus holds no articles.\n"
    assert run_sql(db_path, "SELECT count(*) FROM articles") == [(0,)]


@pytest.mark.parametrize("off", ["none", "None"])
def test_seeding_is_turned_off_by_seeds_none(
    off: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBOT_SEEDS", off)
    monkeypatch.chdir(tmp_path)  # newsbot.db, which ask makes
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    assert main(["ask", QUESTION]) == 0
    out, err = capsys.readouterr()
    assert err == (
        "newsbot ask: the database is empty, and seeding is off (NEWSBOT_SEEDS=none): ingest some "
        "articles (newsbot ingest PATH)\n"
    )
    assert out == "The news corpus holds no articles.\n"
    # once it holds articles, nothing is said of seeding: it was said at every question
    write_jsonl(tmp_path / "a.jsonl", [{"title": "Ferry", "text": "The Brack ferry sailed."}])
    assert main(["ingest", str(tmp_path / "a.jsonl")]) == 0
    capsys.readouterr()
    assert main(["ask", "Where did the ferry sail?"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "The Brack ferry sailed." in out


def test_seeds_that_fail_say_which_and_that_the_corpus_is_still_empty(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeds = tmp_path / "our-seeds"
    seeds.mkdir()
    (seeds / "broken.json").write_text("{not json")
    monkeypatch.setenv("NEWSBOT_SEEDS", str(seeds))
    monkeypatch.chdir(tmp_path)  # newsbot.db, which ask makes
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    assert main(["ask", QUESTION]) == 0
    out, err = capsys.readouterr()
    assert f"ingested the seeds from {seeds} (added 0 articles" in err
    assert f"; failed: {seeds / 'broken.json'}: invalid JSON" in err
    assert err.rstrip().endswith(
        ": the corpus is still empty, ingest some articles (newsbot ingest PATH)"
    )
    assert out == "The news corpus holds no articles.\n"


# `newsbot ask QUESTION`, which makes newsbot.db here and seeds it in batches of one article;
# the stop named is sent as the second batch is written (its write goes on: `finished`)
ASK_STOPPED_AS_IT_SEEDS = """
import os, signal, sys
from bot.cli.main import main
from retrieval.corpus import ingest, prepare_worker
from retrieval.corpus.store import CorpusStore
from tests.cli_process import cancel_landed
ingest.BATCH = 1
prepare_worker.usable_cores = lambda: 1
insert_articles = CorpusStore.insert_articles
batches = 0
async def stopped_at_the_second(*args, **kwargs):
    global batches
    batches += 1
    if batches == 2:
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
        await cancel_landed()
    return await insert_articles(*args, **kwargs)
CorpusStore.insert_articles = stopped_at_the_second
signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
sys.exit(main(["ask", sys.argv[1]]))
"""


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_a_stop_as_the_seeds_are_stored_keeps_none_of_them(stop: str, tmp_path: Path) -> None:
    """The seeds are stored in one transaction (`Engine.seed_if_empty`): stopped midway,
    a first `newsbot ask` keeps none of them, says so (it ended without a word), and the
    next one seeds the database whole. Had it kept the batches written before the stop, the
    next would find it not empty and never seed the rest."""
    seeds = tmp_path / "our-seeds"
    seeds.mkdir()
    write_jsonl(
        seeds / "harbour.jsonl",
        [
            {"title": "Ferry", "text": "The Brack ferry sailed."},
            {"title": "Quay", "text": "The Brack quay reopened."},
            {"title": "Pier", "text": "The Brack pier closed."},
        ],
    )
    env = clean_env(NEWSBOT_SEEDS=str(seeds))
    stopped = subprocess.run(
        [sys.executable, "-c", ASK_STOPPED_AS_IT_SEEDS, "Which pier?", stop],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert stopped.returncode == 128 + getattr(signal, stop), stopped.stderr
    assert (stopped.stdout, stopped.stderr) == ("", f"newsbot ask: {SEEDING_INTERRUPTED}\n")
    with closing(sqlite3.connect(tmp_path / "newsbot.db")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sentences)"
        ).fetchone() == (0, 0)
    asked = run_newsbot(["ask", "Which pier?"], tmp_path, env=env)
    assert asked.returncode == 0, asked.stderr
    assert f"ingested the seeds from {seeds} (added 3 articles" in asked.stderr
    assert "The Brack pier closed." in asked.stdout


# `newsbot ask QUESTION`, which makes newsbot.db here and seeds it; the stop named is sent
# as the seeds, committed, are indexed
ASK_STOPPED_AS_IT_INDEXES_THE_SEEDS = """
import os, signal, sys
from bot.cli.main import main
from retrieval.engine import Engine
from tests.cli_process import until_cancelled
async def stopped(self, *args, **kwargs):
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    await until_cancelled()
Engine.refresh = stopped
signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
sys.exit(main(["ask", sys.argv[1]]))
"""


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_a_stop_as_the_stored_seeds_are_indexed_says_they_are_kept(
    stop: str, tmp_path: Path
) -> None:
    """Stopped once the seeds are stored, as they are indexed, a first `newsbot ask` says
    they are all kept (it ended without a word), and the next one answers from them."""
    seeds = tmp_path / "our-seeds"
    seeds.mkdir()
    write_jsonl(seeds / "harbour.jsonl", [{"title": "Pier", "text": "The Brack pier closed."}])
    env = clean_env(NEWSBOT_SEEDS=str(seeds))
    stopped = subprocess.run(
        [sys.executable, "-c", ASK_STOPPED_AS_IT_INDEXES_THE_SEEDS, "Which pier?", stop],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert stopped.returncode == 128 + getattr(signal, stop), stopped.stderr
    assert (stopped.stdout, stopped.stderr) == (
        "",
        f"newsbot ask: {SEEDING_INTERRUPTED_INDEXING}\n",
    )
    assert stored_articles(tmp_path / "newsbot.db") == 1
    asked = run_newsbot(["ask", "Which pier?"], tmp_path, env=env)
    assert asked.returncode == 0, asked.stderr
    assert "The Brack pier closed." in asked.stdout


# `newsbot ask QUESTION` (NEWSBOT_SEEDS=SEEDS) in a folder whose newsbot.db is empty, its
# seeding told on stderr as it begins, and SQLite's wait for a lock another process holds
# far longer than the test waits
ASK_SEEDING_BEHIND_A_LOCK = """
import os, signal, sys
from bot.cli.main import main
from retrieval.corpus import db
from retrieval.engine import Engine
db.BUSY_TIMEOUT_S = 600.0
seed_once = Engine._seed_once
async def told(self, *args, **kwargs):
    print("seeding", file=sys.stderr, flush=True)
    return await seed_once(self, *args, **kwargs)
Engine._seed_once = told
os.environ["NEWSBOT_SEEDS"] = sys.argv[2]
signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
sys.exit(main(["ask", sys.argv[1]]))
"""


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_a_stop_while_the_seeding_waits_for_another_process_lock_ends_at_once(
    stop: str, tmp_path: Path
) -> None:
    """Ctrl-C or SIGTERM while a first `newsbot ask` (or the bot's start) waited to seed
    behind another process's write lock (another start seeding the same new database from
    a large archive) was heard only when SQLite's wait was over, 30 s later: past a
    container's grace period, the bot was killed. It ends at once, nothing stored; the
    next start seeds."""
    seeds = tmp_path / "our-seeds"
    seeds.mkdir()
    write_jsonl(seeds / "harbour.jsonl", [{"title": "Pier", "text": "The Brack pier closed."}])
    off = run_newsbot(["ask", "Which pier?"], tmp_path, env=clean_env(NEWSBOT_SEEDS="none"))
    assert off.returncode == 0, off.stderr  # newsbot.db made, and left empty
    asking = ["Which pier?", str(seeds)]
    with closing(sqlite3.connect(tmp_path / "newsbot.db", isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # held, as another process's write, to the end
        with script_process(ASK_SEEDING_BEHIND_A_LOCK, asking, tmp_path) as process:
            assert process.stderr is not None
            assert process.stderr.readline() == "seeding\n"  # behind the lock
            process.send_signal(getattr(signal, stop))
            out, err = process.communicate(timeout=60)  # not the 600 s SQLite would wait
        holder.execute("ROLLBACK")
    assert process.returncode == 128 + getattr(signal, stop), err
    assert (out, err) == ("", f"newsbot ask: {SEEDING_INTERRUPTED}\n")
    assert stored_articles(tmp_path / "newsbot.db") == 0
    asked = run_newsbot(["ask", "Which pier?"], tmp_path, env=clean_env(NEWSBOT_SEEDS=str(seeds)))
    assert asked.returncode == 0, asked.stderr
    assert "The Brack pier closed." in asked.stdout


def test_ingest_warns_of_an_article_dated_far_ahead_and_of_an_update_kept_out(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A year mistyped (2099) hid its article from every answer, said only by `stats`; a
    story ingested again with new text at its address was "1 duplicate", as a copy is, and
    the stored text kept without a word. Both are said, with --quiet too."""
    db = ["--db", str(db_path)]
    story = {
        "title": "Elm Street school to close",
        "text": "The council voted to close Elm Street school.",
        "url": "https://gazette.example.com/elm",
    }
    soon = datetime.now(UTC) + timedelta(hours=3)  # a zone's difference: at hand, no warning
    dated = [
        {"title": "Twin otters born", "text": "Two otters were born.", "published": "2099-06-06"},
        {"title": "Ferry sails", "text": "The ferry sailed.", "published": soon.isoformat()},
    ]
    first = write_jsonl(tmp_path / "first.jsonl", [story, *dated])
    assert main([*db, "ingest", "--quiet", str(first)]) == 0
    out, err = capsys.readouterr()
    assert out == "added 3 articles (3 sentences), 0 duplicates, 0 failed\n"
    assert err == (
        f"warning: {first}:2: 'Twin otters born' is dated 2099-06-06, ahead of now: stored as "
        "article 2, no answer or digest quotes it before then (a mistyped year? newsbot remove "
        "2, put its date right and ingest it again)\n"
    )
    updated = {**story, "text": "The council voted to close Elm Street school. Parents appeal."}
    again = write_jsonl(tmp_path / "again.jsonl", [story, updated])
    assert main([*db, "ingest", "--quiet", str(again)]) == 0
    out, err = capsys.readouterr()
    assert out == "added 0 articles (0 sentences), 2 duplicates, 0 failed\n"
    assert err == (  # the copy of the same words is no news
        f"warning: {again}:2: 'Elm Street school to close' has the address of article 1, with "
        "different text: the stored one is kept (to replace it with this, newsbot remove 1, "
        "then ingest this again)\n"
    )
    # ... which the README's way to update a story does
    assert main([*db, "remove", "1"]) == 0
    assert (
        main([*db, "ingest", "--quiet", str(write_jsonl(tmp_path / "new.jsonl", [updated]))]) == 0
    )
    assert run_sql(db_path, "SELECT text FROM articles WHERE url = ?", story["url"]) == [
        (updated["text"],)
    ]


def test_ingest_stores_a_placeholder_date_undated_and_warns_of_dates_as_written(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """.NET's placeholder for a date never set, 0001-01-01T00:00:00, was stored as a real
    year-1 date: shown "0001-01-01 00:00 LMT" in New York and sorted as the oldest news. It,
    and the Unix epoch, are no date: stored undated (counted from when stored), said. A date
    far ahead was said in UTC ("2099-06-06T07:00:00+00:00"), not as the record wrote it."""
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "America/New_York")
    db = ["--db", str(db_path)]
    records: list[dict[str, object]] = [
        {"title": "Otters", "text": "Two otters were born.", "published": "0001-01-01T00:00:00"},
        {"title": "Ferry", "text": "The ferry sailed.", "published": "1970-01-01T00:00:00"},
        {"title": "Bridge", "text": "The bridge opened.", "published": "1970-01-02T12:00:00Z"},
        {"title": "Vote", "text": "The vote is due.", "published": "2099-06-06T09:00:00+02:00"},
        {"title": "Kiln", "text": "The kiln cooled.", "published": 0},  # failed the record
    ]
    path = write_jsonl(tmp_path / "placeholders.jsonl", records)
    assert main([*db, "ingest", "--quiet", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == "added 5 articles (5 sentences), 0 duplicates, 0 failed\n"
    assert err.splitlines() == [
        f"warning: {path}:1: 'Otters' is dated 0001-01-01T00:00:00, a placeholder for no "
        "date: stored undated as article 1, counted from when it was stored",
        f"warning: {path}:2: 'Ferry' is dated 1970-01-01T00:00:00, a placeholder for no "
        "date: stored undated as article 2, counted from when it was stored",
        f"warning: {path}:4: 'Vote' is dated 2099-06-06T09:00:00+02:00, ahead of now: stored "
        "as article 4, no answer or digest quotes it before then (a mistyped year? newsbot "
        "remove 4, put its date right and ingest it again)",
        f"warning: {path}:5: 'Kiln' is dated 0, a placeholder for no date: stored undated as "
        "article 5, counted from when it was stored",
    ]
    stored = run_sql(db_path, "SELECT published, published_ts FROM articles ORDER BY id")
    assert stored[:3] == [(None, None), (None, None), ("1970-01-02T12:00:00+00:00", 129600.0)]
    assert stored[4] == (None, None)


def test_the_folder_that_holds_the_database_can_be_ingested_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its saved indexes are newsbot's own files, not articles: their manifests and
    checksums were read as JSON articles, and failed, at every ingest after the first."""
    write_jsonl(tmp_path / "one.jsonl", [{"title": "One", "text": "First story text."}])
    db = str(tmp_path / "newsbot.db")
    for _ in range(2):
        assert main(["ingest", "--db", db, str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert (tmp_path / "newsbot.db.index" / "manifest.json").is_file()
    assert "failed" not in err and out.count("0 failed") == 2
    # another database's first save, killed before its manifest: a segment, a lock
    shutil.copytree(tmp_path / "newsbot.db.index", tmp_path / "old.db.index")
    (tmp_path / "old.db.index" / "manifest.json").unlink()
    assert main(["ingest", "--db", db, str(tmp_path)]) == 0
    assert "failed:" not in capsys.readouterr().err


def test_ask_with_no_articles_and_no_seed_folder_says_what_to_do(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSBOT_SEEDS", str(tmp_path / "nowhere"))
    monkeypatch.chdir(tmp_path)  # newsbot.db, which ask makes
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    assert main(["ask", QUESTION]) == 0
    out, err = capsys.readouterr()
    assert "no seed folder" in err and "newsbot ingest PATH" in err
    assert out == "The news corpus holds no articles.\n"


def test_a_page_without_full_stops_gives_an_answer_of_sane_length(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 0.9 MB, near the most one article may hold (records.MAX_ARTICLE_CHARS)
    words = " ".join(f"harbour{i % 50} crane{i % 7} cargo" for i in range(40_000))
    page = tmp_path / "log.html"
    page.write_text(f"<html><body><article><h1>Harbour log</h1><p>{words}</p></article></body>")
    assert main(["ingest", "--quiet", "--db", str(db_path), str(page)]) == 0
    capsys.readouterr()
    assert main(["ask", "--db", str(db_path), "harbour7 crane3", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count("harbour7") >= 3  # three passages, each quoting the words asked for
    assert len(out) < 3 * 1200  # not 0.9 MB: a passage is one bounded sentence at most


def test_a_sentence_stored_whole_before_the_bound_prints_a_screenful(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sentences, "MAX_SENTENCE_CHARS", 10**9)  # as databases were written
    crane = {"title": "Harbour log " * 1000, "text": "the harbour crane lifted timber " * 30_000}
    write_jsonl(tmp_path / "log.jsonl", [crane])
    assert main(["ingest", "--quiet", "--db", str(db_path), str(tmp_path / "log.jsonl")]) == 0
    capsys.readouterr()
    assert main(["ask", "--db", str(db_path), "harbour crane timber"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. “the harbour crane lifted timber the harbour")
    assert len(out) < QUOTE_CHARS + TITLE_CHARS + 100  # not 0.96 MB
    assert (
        "harbour…”\n" in out and " Harbour… · undated · article 1\n" in out
    )  # clipped, saying so


def test_a_quiet_ingest_that_went_well_prints_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ingest --quiet` printed its summary ("added 0 articles") when all went well, where
    `reindex --quiet` and `feeds poll --quiet` print nothing: cron mailed it every run."""
    good = write_jsonl(tmp_path / "good.jsonl", [{"title": "Ferry", "text": "It sailed."}])
    assert main(["--db", str(db_path), "ingest", "--quiet", str(good)]) == 0
    assert capsys.readouterr() == ("", "")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert main(["--db", str(db_path), "ingest", "--quiet", str(good), str(bad)]) == 1
    out, err = capsys.readouterr()  # what failed, with the summary
    assert out == "added 0 articles (0 sentences), 1 duplicate, 1 failed\n"
    assert err.startswith(f"failed: {bad}: ")


def test_quiet_ingest_of_junk_pages_prints_only_what_failed(tmp_path: Path) -> None:
    junk = tmp_path / "pages"
    junk.mkdir()
    (junk / "empty.html").write_text("")
    (junk / "binary.html").write_bytes(bytes(range(256)) * 8)
    (junk / "xml.html").write_text('<?xml version="1.0"?><x>')
    (junk / "good.txt").write_text("Harbour reopens\n\nThe harbour reopened on Monday.\n")
    quiet = run_newsbot(["ingest", "--quiet", "--db", "news.db", str(junk)], tmp_path)
    assert quiet.returncode == 1 and "added 1 article (" in quiet.stdout
    made, *lines = quiet.stderr.splitlines()
    assert made.startswith("newsbot ingest: there was no database at news.db: made one")
    # trafilatura's own ERROR lines ("empty HTML tree") name no file: newsbot's do.
    assert lines == [
        f"failed: {junk / 'binary.html'}: not text: neither UTF-8 nor a legacy encoding, likely "
        "binary data",  # as a .txt of it is
    ] + [f"failed: {junk / n}.html: no article text found in the page" for n in ("empty", "xml")]
    loud = run_newsbot(["ingest", "--db", "other.db", str(junk)], tmp_path)
    assert "INFO newsbot.progress: ingest: 1 article read, done" in loud.stderr
    assert "trafilatura" not in loud.stderr


def test_counts_in_words() -> None:
    assert counted(1, "feed") == "1 feed" and counted(0, "feed") == "0 feeds"
    assert counted(1, "new entry", "new entries") == "1 new entry"
    assert counted(3, "new entry", "new entries") == "3 new entries"
    assert counted(2_088, "article") == "2,088 articles"
    assert f"its {counted(1, 'article')} {agreeing(1, 'stays', 'stay')}" == "its 1 article stays"
    assert f"its {counted(4, 'article')} {agreeing(4, 'stays', 'stay')}" == "its 4 articles stay"


def _ask_into_a_closed_pipe(db: Path, stderr: int | None) -> subprocess.CompletedProcess[str]:
    """`newsbot ask` whose stdout (and `stderr`, if it is None) is a pipe no one reads."""
    read, write = os.pipe()
    os.close(read)  # the reader has gone, as `| head -1` does once it has its line
    try:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", "ask", "--db", str(db), "Where did it begin?"],
            cwd=db.parent,
            env=clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=write,
            stderr=write if stderr is None else stderr,
            text=True,
            timeout=90,  # `ask` must not wait forever on the database's thread
        )
    finally:
        os.close(write)


def test_a_reader_that_goes_away_ends_ask_quietly(tmp_path: Path) -> None:
    """While seeding an empty database, with both its outputs gone, `newsbot ask` stops
    rather than hang with its database connection open; with a database, it stops with
    SIGPIPE's status and no traceback."""
    db = tmp_path / "newsbot.db"
    assert _ask_into_a_closed_pipe(db, None).returncode == EXIT_BROKEN_PIPE
    done = _ask_into_a_closed_pipe(db, subprocess.PIPE)
    assert done.returncode == EXIT_BROKEN_PIPE and done.stderr == ""


def test_output_to_a_full_disk_is_one_line_of_error(tmp_path: Path) -> None:
    """`newsbot ask --json ... > /dev/full` ended in an OSError's traceback."""
    with open("/dev/full", "w") as full:  # Linux: every write fails with ENOSPC
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "ask", "oil"],  # newsbot.db, made with the seeds
            cwd=tmp_path,
            env=clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=90,
        )
    assert done.returncode == EXIT_FAILED, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "newsbot ask: cannot write the output: No space left on device"
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("stop", "interrupt", "status"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, True, 143), (signal.SIGTERM, False, 143)],
    ids=["Ctrl-C", "SIGTERM", "SIGTERM in a background job"],
)
def test_an_interrupted_ingest_says_what_it_stored(
    stop: signal.Signals, interrupt: bool, status: int, tmp_path: Path
) -> None:
    """Ctrl-C ended an ingest with status 130 and not a word: the admin could not tell what
    was stored, nor that the same command goes on where it stopped. SIGTERM (systemd's
    stop, `timeout`) still did, after Ctrl-C was mended: it stops one as Ctrl-C does."""
    big = write_jsonl(
        tmp_path / "big.jsonl",
        [
            {"title": f"Ferry report {n}", "text": f"Ferry {n} left the harbour at dawn."}
            for n in range(20_000)
        ],
    )
    db = tmp_path / "news.db"
    command = ["ingest", "--quiet", "--db", str(db), str(big)]
    process = start_newsbot(command, tmp_path, interrupt)
    try:
        deadline = time.monotonic() + 60
        while not stored_articles(db) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(stop)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == status
    match = re.match(r"added ([\d,]+) articles", out)
    assert match, out
    added = int(match[1].replace(",", ""))
    assert 0 < added < 20_000 and stored_articles(db) >= added
    assert "newsbot ingest: stopped early: interrupted. The articles added are stored" in err
    asked = run_newsbot(["ask", "--db", str(db), "--json", "When did ferry 7 leave?"], tmp_path)
    assert json.loads(asked.stdout)["results"][0]["article"]["title"] == "Ferry report 7"


# `newsbot ingest FILE` of two articles, stopped twice, by the signals named, as its batch is
# written
INGEST_STOPPED_TWICE = """
import asyncio, os, signal, sys
from bot.cli.main import main
from retrieval.corpus.store import CorpusStore
from tests.cli_process import cancel_landed
first, second = (getattr(signal, name) for name in sys.argv[3:5])
insert_articles = CorpusStore.insert_articles
async def stopped_twice(*args, **kwargs):  # in the batch's transaction: begun
    os.kill(os.getpid(), first)
    await cancel_landed()
    os.kill(os.getpid(), second)
    for _ in range(2):  # the turns in which a second cancel, were it asked, would land
        await asyncio.sleep(0)
    return await insert_articles(*args, **kwargs)
CorpusStore.insert_articles = stopped_twice
signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
sys.exit(main(["--db", sys.argv[1], "ingest", "--quiet", sys.argv[2]]))
"""


@pytest.mark.parametrize(
    "stops", [("SIGINT", "SIGINT"), ("SIGTERM", "SIGTERM")], ids="-then-".join
)
def test_an_ingest_stopped_twice_as_it_writes_counts_the_batch(
    stops: tuple[str, str], tmp_path: Path
) -> None:
    """A second Ctrl-C ended an ingest writing a batch with a traceback, a second SIGTERM
    by the kernel, the batch stored all the same (or not), unsaid. Once begun, a batch's
    write now finishes whatever further stops come, and is counted, as a removal is."""
    path = write_jsonl(
        tmp_path / "ferries.jsonl",
        [{"title": f"Ferry report {n}", "text": f"Ferry {n} left at dawn."} for n in (1, 2)],
    )
    db = tmp_path / "news.db"
    done = subprocess.run(
        [sys.executable, "-c", INGEST_STOPPED_TWICE, str(db), str(path), *stops],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 128 + getattr(signal, stops[0]), done.stderr
    assert done.stdout.startswith("added 2 articles"), done.stderr
    assert "newsbot ingest: stopped early: interrupted" in done.stderr
    assert stored_articles(db) == 2


def stored_articles(db: Path) -> int:
    """How many articles `db` holds so far (0 before the ingest made its tables)."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


# `newsbot ingest --quiet DB PATH`, each batch's write told on stderr as it begins, and
# SQLite's wait for a lock another process holds far longer than the test waits
INGEST_BEHIND_A_LOCK = """
import signal, sys
from bot.cli.main import main
from retrieval.corpus import db
from retrieval.corpus.store import CorpusStore
db.BUSY_TIMEOUT_S = 600.0
add_articles = CorpusStore.add_articles
async def told(self, *args, **kwargs):
    print("writing", file=sys.stderr, flush=True)
    return await add_articles(self, *args, **kwargs)
CorpusStore.add_articles = told
signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
sys.exit(main(["--db", sys.argv[1], "ingest", "--quiet", sys.argv[2]]))
"""

# Put before a script that runs an ingest, it makes the ingest a large one: its batches (of
# one article) are prepared in a worker process (`prepare_worker`), none in this one
BATCHES_BY_A_WORKER = """
from retrieval.corpus import ingest, prepare_worker
def prepared_here(*args, **kwargs):
    raise AssertionError("a batch prepared in the ingest's process, not its worker")
ingest.BATCH = 1
ingest.complete_articles = prepared_here
prepare_worker.usable_cores = lambda: 2
"""


@pytest.mark.parametrize(
    "script",
    [INGEST_BEHIND_A_LOCK, BATCHES_BY_A_WORKER + INGEST_BEHIND_A_LOCK],
    ids=["prepared-here", "prepared-by-a-worker"],
)
@pytest.mark.parametrize(
    "stops", [("SIGINT",), ("SIGINT", "SIGINT"), ("SIGTERM",)], ids="-then-".join
)
def test_an_ingest_waiting_for_another_process_lock_stops_at_once(
    stops: tuple[str, ...], script: str, tmp_path: Path
) -> None:
    """Ctrl-C while an ingest's batch waited for the write lock another process held (the
    bot's write, a reindex) was heard only when SQLite's wait was over, 30 s later, and a
    second Ctrl-C not at all: the batch, once begun, is finished whatever stops come, and
    it counted as begun while it waited. Nothing of it is written then: it stops at once,
    a batch its worker process prepared as one prepared here."""
    db = tmp_path / "news.db"
    first = write_jsonl(tmp_path / "first.jsonl", [{"title": "Ferry", "text": "It sailed."}])
    assert main(["--db", str(db), "ingest", "--quiet", str(first)]) == 0
    later = write_jsonl(
        tmp_path / "later.jsonl",
        [{"title": "Quay", "text": "It reopened."}, {"title": "Pier", "text": "It closed."}],
    )
    with closing(sqlite3.connect(db, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # held, as another process's write, to the end
        with script_process(script, [str(db), str(later)], tmp_path) as process:
            assert process.stderr is not None
            assert process.stderr.readline() == "writing\n"  # the batch, behind the lock
            for stop in stops:
                process.send_signal(getattr(signal, stop))
            out, err = process.communicate(timeout=60)  # not the 600 s SQLite would wait
        holder.execute("ROLLBACK")
    assert process.returncode == 128 + getattr(signal, stops[0]), err
    assert out == "added 0 articles (0 sentences), 0 duplicates, 0 failed\n"
    assert err == f"newsbot ingest: stopped early: {INTERRUPTED}\n"
    assert stored_articles(db) == 1  # the ingest before's; the stopped batch wrote nothing
    assert main(["--db", str(db), "ingest", "--quiet", str(later)]) == 0  # goes on as said
    assert stored_articles(db) == 3


def test_an_ingest_interrupted_while_indexing_says_all_is_stored(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C after the articles were stored told the admin to run the ingest again, which
    would only read it all again to find duplicates."""

    async def interrupted(self: Engine, **_: object) -> int:
        os.kill(os.getpid(), signal.SIGINT)  # asyncio.run cancels the command, as at Ctrl-C
        await until_cancelled()

    monkeypatch.setattr(Engine, "refresh", interrupted)
    source = write_jsonl(tmp_path / "a.jsonl", [{"title": "One", "text": "A short story."}])
    # Ctrl-C as at a terminal, though the suite may run in the background, where a shell
    # starts it with SIGINT ignored (and asyncio.run then leaves it so)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert main(["ingest", "--quiet", "--db", str(db_path), str(source)]) == 130
    finally:
        signal.signal(signal.SIGINT, before)
    out, err = capsys.readouterr()
    assert out.startswith("added 1 article (")
    assert (
        "newsbot ingest: stopped early: interrupted while indexing. Every article is stored" in err
    )
    assert "run the same ingest again" not in err


@pytest.mark.parametrize(
    ("command", "stopped", "said"),
    [
        (["reindex"], "read_again", "newsbot reindex: interrupted after it saved its new index"),
        (
            ["feeds", "poll"],
            "poll_feeds",
            "newsbot feeds poll: interrupted: the feeds it finished",
        ),
    ],
    ids=["reindex", "feeds poll"],
)
def test_a_reindex_or_poll_stopped_says_what_it_left(
    command: list[str],
    stopped: str,
    said: str,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C ended them with status 130 and not a word, SIGTERM with 143 from the kernel."""
    assert main(["ingest", "--quiet", "--db", str(db_path), str(SEEDS)]) == 0
    # a feed to poll: with none, the poll says so before it opens the engine
    assert main(["--db", str(db_path), "feeds", "add", "--no-check", "https://news.test/a"]) == 0

    async def terminated(*_: object, **__: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        await until_cancelled()

    monkeypatch.setattr(Engine, stopped, terminated)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
    try:
        assert main(["--db", str(db_path), *command]) == 143
    finally:
        signal.signal(signal.SIGINT, before)
    assert said in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back once the command ends


def test_a_reindex_stopped_while_it_saves_says_the_index_it_saved(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while reindex saved its index said "the index saved before serves", though
    the save, in its thread, went on and replaced it (the next ask used the new one)."""
    import retrieval.engine
    from retrieval.index.files import save_indexes

    assert main(["ingest", "--quiet", "--db", str(db_path), str(SEEDS)]) == 0
    manifest = index_dir(db_path) / "manifest.json"
    before = manifest.read_text()

    def terminated_then_saved(*args: Any) -> bool:
        os.kill(os.getpid(), signal.SIGTERM)  # heard on the event loop's thread
        return save_indexes(*args)

    monkeypatch.setattr(retrieval.engine, "save_indexes", terminated_then_saved)
    assert main(["--db", str(db_path), "reindex"]) == 128 + signal.SIGTERM
    assert capsys.readouterr().err == (
        "newsbot reindex: "
        "interrupted after it saved its new index, which serves from now on; "
        "it had not finished reading each sentence's names and numbers and each title's terms "
        "anew: run newsbot reindex again\n"
    )
    assert manifest.read_text() != before  # the new index, as said


def test_a_reindex_stopped_twice_while_it_saves_says_the_index_it_saved(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second stop while reindex saved its index (Ctrl-C after SIGTERM) cancelled the
    wait for the save, which went on in its thread and replaced the index: the command
    said the index saved before serves."""
    import retrieval.engine
    from retrieval.index.files import save_indexes

    assert main(["ingest", "--quiet", "--db", str(db_path), str(SEEDS)]) == 0
    manifest = index_dir(db_path) / "manifest.json"
    before = manifest.read_text()
    loops: list[asyncio.AbstractEventLoop] = []  # the command's, where its stops are heard
    save_index = Engine.save_index

    async def saving(self: Engine) -> bool:
        loops.append(asyncio.get_running_loop())
        return await save_index(self)

    def stopped_twice_then_saved(*args: Any) -> bool:
        os.kill(os.getpid(), signal.SIGTERM)  # heard on the event loop's thread
        # ...and acted on, before the next, as a person presses Ctrl-C after it
        heard = asyncio.run_coroutine_threadsafe(cancel_landed(), loops[0])
        try:
            heard.result(CANCEL_WAIT)
        except TimeoutError:
            raise AssertionError(f"SIGTERM cancelled no command in {CANCEL_WAIT} s") from None
        os.kill(os.getpid(), signal.SIGINT)
        return save_indexes(*args)

    monkeypatch.setattr(Engine, "save_index", saving)
    monkeypatch.setattr(retrieval.engine, "save_indexes", stopped_twice_then_saved)
    sigint = signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
    try:
        assert main(["--db", str(db_path), "reindex"]) == 128 + signal.SIGTERM  # the first
    finally:
        signal.signal(signal.SIGINT, sigint)
    assert capsys.readouterr().err.startswith(
        "newsbot reindex: interrupted after it saved its new index, which serves from now on"
    )
    assert manifest.read_text() != before  # the new index, as said


# `newsbot reindex --db DB`, telling on stderr when it waits for the index's lock
REINDEX_TOLD_AT_THE_LOCK = """
import fcntl, sys
from bot.cli.main import main
flock = fcntl.flock
def told(file, operation):
    if operation == fcntl.LOCK_EX:  # a wait for the lock, not a try (LOCK_NB)
        print("waiting for the lock", file=sys.stderr, flush=True)
    flock(file, operation)
fcntl.flock = told
sys.exit(main(["reindex", "--db", sys.argv[1]]))
"""


def test_reindex_waits_for_a_save_under_way(tmp_path: Path) -> None:
    """reindex removed the index folders, lock file and all, without taking the lock: a bot
    saving meanwhile wrote into a removed folder, and the next saver locked another file."""
    db = tmp_path / "news.db"
    seeded = run_newsbot(["ingest", "--quiet", "--db", str(db), str(REPO / "seeds")], tmp_path)
    assert seeded.returncode == 0
    folder = Path(f"{db}.index")
    lock = folder / "lock"
    before = lock.stat().st_ino
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a bot saving its index holds it
        with script_process(REINDEX_TOLD_AT_THE_LOCK, [str(db)], tmp_path) as process:
            try:
                assert process.stderr is not None
                said = []
                while (line := process.stderr.readline()) not in ("waiting for the lock\n", ""):
                    said.append(line)
                assert line, f"reindex ended, never waiting for the lock: {''.join(said)}"
                assert process.poll() is None  # waiting for the save to finish
                assert (folder / "manifest.json").is_file()  # ...with the saved index untouched
            finally:
                fcntl.flock(held, fcntl.LOCK_UN)
            out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out.startswith("indexed ") and (folder / "manifest.json").is_file()
    assert lock.stat().st_ino == before  # the lock every saver takes is still this one


def test_sigterm_twice_ends_a_command_waiting_on_its_worker_thread(tmp_path: Path) -> None:
    """A command SIGTERM cancels waits for the work its worker thread is doing (a first
    compile took 21 s, a digest seconds), where the kernel had ended it at once: told
    twice, it is ended so. Its work here never ends: a command that waited for it would
    be ended by the run's timeout instead."""
    script = """
import asyncio, os, signal, sys, threading
from bot.cli import main as cli
async def busy(settings, args):
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()
    await asyncio.to_thread(threading.Event().wait)
    return 0
cli.COMMANDS["stats"] = busy
sys.exit(cli.main(["--db", sys.argv[1], "stats"]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "news.db")],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -signal.SIGTERM, done.stderr
    assert "Traceback" not in done.stderr


def test_output_in_a_legacy_encoding_escapes_what_it_cannot_write(tmp_path: Path) -> None:
    """On an ASCII or Latin-1 terminal or pipe (PYTHONIOENCODING, a KOI8-R locale), a
    Cyrillic title is written escaped, not a UnicodeEncodeError half-way through the answer;
    JSON stays JSON that reads back to the same text."""
    source = tmp_path / "kyiv.json"
    title = "Кличко переизбран мэром Киева"
    source.write_text(
        json.dumps({"title": title, "text": "Виталий Кличко переизбран мэром. Выборы прошли."}),
        encoding="utf-8",
    )
    assert (
        run_newsbot(["ingest", "--db", "news.db", "--quiet", str(source)], tmp_path).returncode
        == 0
    )
    latin = clean_env(PYTHONIOENCODING="ascii")  # read back here as UTF-8, which ASCII is
    # the C locale: ASCII with "surrogateescape", which fails on any other character too
    c_locale = clean_env(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    shown_c = run_newsbot(["ask", "--db", "news.db", "Кличко мэр"], tmp_path, env=c_locale)
    assert shown_c.returncode == 0, shown_c.stderr
    shown = run_newsbot(["ask", "--db", "news.db", "Кличко мэр"], tmp_path, env=latin)
    assert shown.returncode == 0, shown.stderr
    assert "\\u041a\\u043b\\u0438\\u0447\\u043a\\u043e" in shown.stdout
    asked = run_newsbot(["ask", "--db", "news.db", "--json", "Кличко мэр"], tmp_path, env=latin)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["question"] == "Кличко мэр"
    assert answer["results"][0]["article"]["title"] == title


def _older_database(path: Path, monkeypatch: pytest.MonkeyPatch, version: int) -> None:
    """A database at schema `version` holding one article, as an older newsbot left it."""
    import retrieval.corpus.db

    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS[:version])
    asyncio.run(_empty_database(path))
    run_sql(
        path,
        "INSERT INTO articles (id, title, text, content_hash, ingested_ts)"
        " VALUES (1, 't', 'Some text.', 'hash1', 0)",
    )
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)


def test_an_upgrade_of_a_database_with_articles_is_said_before_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Migrations on a large corpus took 11-45 s without a word, which looks like a hang."""
    db = tmp_path / "news.db"
    _older_database(db, monkeypatch, 30)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["--db", str(db), "stats"]) == 0
    latest = MIGRATIONS[-1].version
    assert (
        f"newsbot stats: moving the database to schema {latest} (from 30): a minute or so for a "
        "large corpus; an interrupted upgrade goes on at the next command"
    ) in capsys.readouterr().err
    assert main(["--db", str(db), "stats"]) == 0  # upgraded: nothing more to say
    assert "moving the database" not in capsys.readouterr().err


def test_an_upgrade_stopped_says_so_and_the_next_command_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during migrations said "reindex interrupted: the index saved before serves"
    though no reindex had started: the database was mid-upgrade."""
    import retrieval.corpus.db

    db = tmp_path / "news.db"
    _older_database(db, monkeypatch, 30)
    stopped_at = MIGRATIONS[-3]
    statements = retrieval.corpus.db._statements

    def ctrl_c_in(script: str) -> list[str]:
        if script == stopped_at.sql:
            signal.raise_signal(signal.SIGINT)  # as Ctrl-C does, within the migration
        return statements(script)

    monkeypatch.setattr(retrieval.corpus.db, "_statements", ctrl_c_in)
    # Ctrl-C as at a terminal: a suite run in the background starts with SIGINT ignored
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert main(["--db", str(db), "reindex"]) == 128 + signal.SIGINT
    finally:
        signal.signal(signal.SIGINT, before)
    err = capsys.readouterr().err
    assert (
        "newsbot reindex: "
        "interrupted while moving the database to this newsbot's schema: each step of "
        "the move is whole or not at all, so nothing is lost, and the next command finishes it"
    ) in err
    assert "the index saved before serves" not in err
    versions = [v for (v,) in run_sql(db, "SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == [m.version for m in MIGRATIONS if m.version < stopped_at.version]
    monkeypatch.setattr(retrieval.corpus.db, "_statements", statements)
    assert main(["--db", str(db), "stats"]) == 0
    assert run_sql(db, "SELECT MAX(version) FROM schema_migrations") == [(MIGRATIONS[-1].version,)]
    assert run_sql(db, "SELECT COUNT(*) FROM articles") == [(1,)]


def test_ctrl_c_as_a_command_opens_an_up_to_date_database_is_the_commands_to_tell(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C just after a reindex opened a database already at this newsbot's schema said
    "interrupted while moving the database to this newsbot's schema": the operator was told
    an upgrade had been cut short, where none was due. The reindex's own words tell it."""
    import retrieval.corpus.db

    assert main(["ingest", "--quiet", "--db", str(db_path), str(SEEDS)]) == 0
    enable_wal = retrieval.corpus.db._enable_wal

    async def ctrl_c_at_the_first_opening(conn: Any) -> None:
        monkeypatch.setattr(retrieval.corpus.db, "_enable_wal", enable_wal)
        signal.raise_signal(signal.SIGINT)  # as Ctrl-C does, as the database is opened
        await enable_wal(conn)

    monkeypatch.setattr(retrieval.corpus.db, "_enable_wal", ctrl_c_at_the_first_opening)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
    try:
        assert main(["--db", str(db_path), "reindex"]) == 128 + signal.SIGINT
    finally:
        signal.signal(signal.SIGINT, before)
    err = capsys.readouterr().err
    assert "moving the database" not in err
    assert err == (
        "newsbot reindex: "
        "interrupted: the index saved before serves until a reindex finishes "
        "(answers are as they were); run newsbot reindex again\n"
    )


def test_an_older_database_locked_by_another_writer_is_said_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The upgrade step waited out the busy timeout, kept quiet, and the command's own open
    waited it out again (a minute for a cron `feeds poll`), the upgrade announced twice."""
    from retrieval.corpus import db as database

    db = tmp_path / "news.db"
    _older_database(db, monkeypatch, 30)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    with closing(holder), caplog.at_level(logging.INFO, logger="retrieval.corpus.db"):
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO meta (key, value) VALUES ('held', '1')")
        assert main(["--db", str(db), "stats"]) == EXIT_FAILED
        holder.execute("ROLLBACK")
    err = capsys.readouterr().err
    assert err.count("another process has kept the database locked") == 1
    assert len([r for r in caplog.records if "moving the database" in r.message]) == 1
    assert main(["--db", str(db), "stats"]) == 0  # released: the upgrade goes on


def test_ctrl_c_while_an_upgrade_waits_for_a_lock_is_said_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the upgrade waited for another process's write lock was heard only when
    SQLite's wait was over, 30 seconds later, and then with a traceback of the lock's error
    ("Task exception was never retrieved") under the line that says what happened."""
    db = tmp_path / "news.db"
    _older_database(db, monkeypatch, 30)
    with closing(sqlite3.connect(db, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # held until the command has ended
        process = start_newsbot(["stats", "--db", str(db)], tmp_path)
        try:
            assert process.stderr is not None
            note = process.stderr.readline()  # said (logged) before the wait
            assert "moving the database to schema" in note
            time.sleep(2)  # well into the wait (30 s), which starts milliseconds after the note
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=20)  # not the 30 s SQLite waits
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        holder.execute("ROLLBACK")
    assert (process.returncode, out) == (128 + signal.SIGINT, "")
    assert err == (
        "newsbot stats: "
        "interrupted while moving the database to this newsbot's schema: each step of "
        "the move is whole or not at all, so nothing is lost, and the next command finishes it\n"
    )
    assert run_sql(db, "SELECT MAX(version) FROM schema_migrations") == [(30,)]


def test_a_run_refused_for_its_settings_leaves_an_older_database_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A trial `run` of a newer build with no token moved the production database past what
    the installed version reads, then said the token was not set."""
    db = tmp_path / "news.db"
    _older_database(db, monkeypatch, 30)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    assert main(["--db", str(db), "run"]) == EXIT_FAILED
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert run_sql(db, "SELECT MAX(version) FROM schema_migrations") == [(30,)]


def test_an_upgrade_off_a_terminal_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Off a terminal (the bot under systemd, cron), the note is a line of the log, at INFO."""
    db = tmp_path / "news.db"
    _older_database(db, monkeypatch, 30)
    with caplog.at_level(logging.INFO, logger="retrieval.corpus.db"):
        assert main(["--db", str(db), "stats"]) == 0
    assert [r.levelno for r in caplog.records if "moving the database" in r.message] == [
        logging.INFO
    ]


# An author list as an older newsbot stored it: a "By" kept, an agency's staff line (a title,
# no person) and two names run together beside their parts.
OLD_AUTHORS = [
    "By Jean Dupont",
    "Tom Krisher",
    "Ap Auto Writer",
    "Ashley Strickland Jackie Wattles",
    "Ashley Strickland",
    "Jackie Wattles",
]


def test_reindex_cleans_the_authors_an_older_version_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Upgrading left 27 of 306 articles with authors a fresh ingest of the same files leaves
    out or cleans: reindex cleans the stored lists as ingest cleans them now, once."""
    db = tmp_path / "news.db"
    articles = [
        {"title": f"Story {n}", "text": f"Plant {n} opened in May.", "source": "AP"}
        for n in (1, 2)
    ]
    fresh = write_jsonl(tmp_path / "fresh.jsonl", [{**articles[0], "authors": OLD_AUTHORS}])
    assert main(["--db", str(db), "ingest", str(fresh)]) == 0
    run_sql(db, "UPDATE articles SET authors = ? WHERE id = 1", json.dumps(OLD_AUTHORS))
    older = write_jsonl(tmp_path / "older.jsonl", [{**articles[1], "authors": ["Marie Curie"]}])
    assert main(["--db", str(db), "ingest", str(older)]) == 0
    capsys.readouterr()

    assert main(["--db", str(db), "reindex"]) == 0
    assert "cleaned the authors of 1 article as ingest does now" in capsys.readouterr().out
    cleaned = ["Jean Dupont", "Tom Krisher", "Ashley Strickland", "Jackie Wattles"]
    assert run_sql(db, "SELECT id, authors FROM articles ORDER BY id") == [
        (1, json.dumps(cleaned)),
        (2, json.dumps(["Marie Curie"])),
    ]
    ingested = tmp_path / "ingested.db"  # what a fresh ingest of the same list keeps
    assert main(["--db", str(ingested), "ingest", str(fresh)]) == 0
    assert run_sql(ingested, "SELECT authors FROM articles") == [(json.dumps(cleaned),)]
    capsys.readouterr()

    assert main(["--db", str(db), "reindex"]) == 0  # a second changes nothing
    assert "cleaned the authors" not in capsys.readouterr().out
    assert run_sql(db, "SELECT authors FROM articles WHERE id = 1") == [(json.dumps(cleaned),)]


def test_ask_says_when_nothing_of_the_week_asked_about_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "what happened in Ukraine this week", asked in December of news that ends in July,
    quoted July's passages as this week's; the answer now says how old the newest is, in the
    text and in `--json` (`nothing_recent`), and not when one is of the week."""
    kyiv = {
        "title": "Drones strike Kyiv overnight",
        "text": "Russia struck Kyiv with drones for the second time in a week, Ukraine said.",
        "published": "2026-07-08",
    }
    db = tmp_path / "news.db"
    assert main(["--db", str(db), "ingest", str(write_jsonl(tmp_path / "k.jsonl", [kyiv]))]) == 0
    capsys.readouterr()
    asked = "what did Russia do in Ukraine this week"
    out = ask_out(db, capsys, "--as-of", "2026-12-07", asked)
    assert out.startswith(
        "Nothing from this week matches; the newest passage below is from 8 July 2026.\n\n1. "
    )
    answer = json.loads(ask_out(db, capsys, "--json", "--as-of", "2026-12-07", asked))
    assert answer["nothing_recent"] == {
        "words": "this week",
        "since": "2026-11-30T23:59:59.999999Z",
        "newest": "2026-07-08T10:00:00Z",
    }
    assert answer["results"][0]["article"]["title"] == kyiv["title"]
    of_the_week = ask_out(db, capsys, "--as-of", "2026-07-10", asked)
    assert of_the_week.startswith("1. “Russia struck Kyiv with drones")


def test_ask_about_this_week_of_a_date_it_cannot_read_gives_no_note(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A date another build stored ("2024-11") is no age to compare: the passage is quoted
    without a note, not a traceback."""
    source = write_jsonl(tmp_path / "a.jsonl", [{"title": "Ferry", "text": "The ferry sailed."}])
    assert main(["--db", str(db_path), "ingest", "--quiet", str(source)]) == 0
    run_sql(db_path, "UPDATE articles SET published = ?", "2024-11")
    capsys.readouterr()
    answer = json.loads(ask_out(db_path, capsys, "--json", "which ferry sailed this week"))
    assert answer["results"] and "nothing_recent" not in answer


def test_ask_gives_keywords_the_articles_of_their_rarer_word_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "xylophone quartet" quoted three articles that hold only "quartet" (short ones, which
    whole-article BM25 puts first), not the long one that holds the rarer "xylophone"."""
    quartets = [
        {"title": title, "text": text}
        for title, text in (
            ("Playoffs down to eight", "Eight teams remain, a quartet of matchups."),
            ("ABBA returns", "The Swedish quartet released new music after four decades."),
            ("KISS sells its catalog", "The rock quartet sold its catalog and its name."),
        )
    ]
    filler = " ".join(f"The band played song number {n} of the night." for n in range(60))
    parade = {
        "title": "The parade, from start to finish",
        "text": f"{filler} A marching band brought a xylophone and a tuba. {filler}",
    }
    others = [
        {"title": f"Market report {n}", "text": f"Shares moved on day {n} of trading."}
        for n in range(20)
    ]
    db = tmp_path / "news.db"
    articles = [*quartets, parade, *others]
    assert main(["--db", str(db), "ingest", str(write_jsonl(tmp_path / "x.jsonl", articles))]) == 0
    capsys.readouterr()
    # these few articles stand for a corpus large enough for idf to tell rare from common
    monkeypatch.setattr(selection, "OFF_TOPIC_MIN_SENTENCES", 0)
    answer = json.loads(ask_out(db, capsys, "--json", "--limit", "4", "xylophone quartet"))
    titles = [r["article"]["title"] for r in answer["results"]]
    assert titles[0] == parade["title"]
    assert sorted(titles[1:]) == sorted(q["title"] for q in quartets)


def test_ask_offers_a_spelling_of_a_word_no_article_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the answer's note does, `--json` gives the spelling offered (`did_you_mean`)."""
    teams = [
        {
            "title": f"Morocco report {n}",
            "text": f"The nickname of Morocco's football team: Atlas Lions, {n}.",
        }
        for n in range(10)
    ]
    db = tmp_path / "news.db"
    assert main(["--db", str(db), "ingest", str(write_jsonl(tmp_path / "m.jsonl", teams))]) == 0
    capsys.readouterr()
    asked = "what is the nickname of morrocco's football team"
    out = ask_out(db, capsys, asked)
    assert out.startswith(
        "No stored article mentions “morrocco's”: these passages match the rest of the "
        "question. Did you mean “morocco”?\n\n1. "
    )
    answer = json.loads(ask_out(db, capsys, "--json", asked))
    assert answer["unmatched"] == ["morrocco's"] and answer["did_you_mean"] == ["morocco"]
