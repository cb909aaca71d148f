"""`benchmarks/evaluate.py --news-qa`: real-news-question scoring, as of the asked date and now."""

import gzip
import json
import sys
from pathlib import Path

import pytest

from benchmarks import evaluate

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
