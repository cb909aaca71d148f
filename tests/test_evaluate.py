"""`benchmarks/evaluate.py --news-qa`: real-news-question scoring, as of the asked date and now."""

import gzip
import json
import sys
from pathlib import Path

import pytest

from benchmarks import evaluate, sources

# One figure told on three days: asked on the 9th, only the first version may be quoted.
STORIES = [
    {
        "title": f"Harbour news for day {day}",
        "published": f"2022-06-{day:02d}",
        "source": "Dover Mercury",
        "text": f"{before} The Dover harbour board cut berth fees by {cut}% on Tuesday.",
    }
    for day, cut, before in (
        (8, 10, "Trawlers stayed in port all week."),
        (10, 12, "Storms closed the quay twice in May."),
        (12, 15, "A new crane arrived on Monday."),
    )
]
QUESTION = {
    "id": "20220609_1",
    "question": "By how much did the Dover harbour board cut berth fees?",
    "answer": "15%",
    "asked": "2022-06-09",
}


@pytest.fixture
def news_qa_dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "corpus" / "news-qa-dev"
    folder.mkdir(parents=True)
    (folder / "questions.jsonl").write_text(json.dumps(QUESTION) + "\n")
    with gzip.open(folder / "articles.jsonl.gz", "wt") as out:
        out.writelines(json.dumps(s) + "\n" for s in STORIES)
    monkeypatch.setenv("NEWSBOT_CORPUS", str(folder.parent))
    return folder


def test_news_qa_scores_as_of_the_asked_date_and_now(
    news_qa_dev: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "news-qa.db"
    newsbot = f"{sys.executable} -m bot.cli"
    assert evaluate.main(["--news-qa", "--db", str(db), "--newsbot", newsbot]) == 0
    lines = {line.split(":")[0].strip(): line for line in capsys.readouterr().out.splitlines()}
    # As of the 9th the 15% cut is not published yet; asked now, it is.
    assert "answer@5 0.000" in lines["as-of"]
    assert "answer@5 1.000" in lines["now"]
    assert "ms a question" in lines["now"]
    assert db.exists()  # ingested once, kept for the next run


def test_ablation_without_news_qa_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate.main(["--ablation"]) == 2
    assert "--ablation needs --news-qa" in capsys.readouterr().err


def test_sources_scores_the_other_reports_of_a_claims_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`benchmarks/sources.py`: each report's first sentence asks for the other reports of
    its story; here each story's two reports share their words and no other's."""
    stories = {
        "flood": ("Floods closed the coast road near Dover.", "Dover coast road shut by floods."),
        "bank": ("The central bank raised its main rate.", "Central bank lifts main rate."),
        "match": ("Leeds beat Hull in the cup final.", "Cup final: Leeds defeat Hull."),
    }
    roundups = tmp_path / "roundups.jsonl"
    roundups.write_text(
        "".join(
            json.dumps({"title": text, "text": text, "source": outlet, "cluster": story}) + "\n"
            for story, texts in stories.items()
            for outlet, text in zip(("Wire A", "Wire B"), texts, strict=True)
        )
    )
    newsbot = f"{sys.executable} -m bot.cli"
    db = tmp_path / "sources.db"
    argv = ["--corpus", str(roundups), "--db", str(db), "--newsbot", newsbot, "--query", "lead"]
    assert sources.main(argv) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(" lead: sources nDCG@10 1.000") and "(6 claims)" in line
    assert db.exists()  # ingested once, kept for the next run
