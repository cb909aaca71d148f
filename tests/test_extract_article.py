"""`extract_article`: what our wrapper keeps and drops around trafilatura."""

import re
from pathlib import Path

import pytest

from bot.cli.commands import EXIT_FAILED
from bot.cli.main import main
from retrieval.corpus.pages import extract_article
from retrieval.errors import ParseError

from .conftest import run_sql

REGATTA = """<html><head><title>Harbour regatta results - Tidewater Gazette</title>
<meta property="og:site_name" content="Tidewater Gazette"></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour regatta results</h1>
<p>Eleven crews raced in the autumn harbour regatta on Saturday, in a steady westerly breeze
that held all afternoon.</p>
<p>The final standings after three races were as follows, with the Gull taking the trophy for
a second year.</p>
<table><tr><th>Place</th><th>Boat</th><th>Points</th></tr>
<tr><td>1</td><td>Gull</td><td>4</td></tr><tr><td>2</td><td>Marram</td><td>7</td></tr>
<tr><td>3</td><td>Samphire</td><td>9</td></tr></table>
<p>The club thanked the volunteers who ran the committee boat and the rescue launches.</p>
</article><footer>Copyright Tidewater Gazette</footer></body></html>"""


def test_tables_in_the_article_are_kept() -> None:
    draft = extract_article(REGATTA)
    assert draft is not None
    assert "Samphire" in draft.text and "Marram" in draft.text
    assert draft.text.startswith("Eleven crews raced")  # the repeated headline is dropped
    assert draft.source == "Tidewater Gazette"
    assert "Copyright" not in draft.text and "Home" not in draft.text


LOGIN = "<html><title>Login</title><body><form>user</form></body></html>"


@pytest.mark.parametrize(
    ("page", "why"),
    [
        (LOGIN, "only 'user' (1 word; an article has at least 8, or 4 in a sentence)"),
        (
            "<html><title>Sign in</title><body><form><label>Username</label><input>"
            "<label>Password</label><input><button>Log in</button><a>Forgot password?</a>"
            "</form></body></html>",
            "only 'Username Password Log in Forgot password?' (6 words;",
        ),
        (
            "<html><title>Access denied</title><body><p>Access denied</p></body></html>",
            "only 'Access denied' (2 words;",
        ),
        (
            "<html><title>Ferry fares rise</title><body><article><h1>Ferry fares rise</h1>"
            "</article></body></html>",
            "only 'Ferry fares rise' (3 words;",  # a headline with no story under it
        ),
    ],
)
def test_a_page_of_a_word_or_two_has_no_article(page: str, why: str) -> None:
    """A saved login page was stored as an article whose text was "user"."""
    with pytest.raises(ParseError, match=f"^no article text in the page: {re.escape(why)}"):
        extract_article(page)


@pytest.mark.parametrize(
    "body",
    [
        "A magnitude 4.2 earthquake hit Tokyo on Wednesday. No damage was reported.",
        "水曜日の夜、東京で地震が発生した。被害はないという。",  # no spaces between words
        "Dover port closed as storm Eunice hit.",  # a brief of 7 words: a sentence
        "Queen Elizabeth II has died, aged 96.",
    ],
)
def test_a_short_article_of_a_sentence_or_two_is_kept(body: str) -> None:
    page = f"<html><title>Quake</title><body><article><p>{body}</p></article></body></html>"
    draft = extract_article(page)
    assert draft is not None and draft.text == body


def test_an_ingest_names_the_login_page_and_stores_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "login.html").write_text(LOGIN)
    assert main(["ingest", "--db", str(db_path), str(tmp_path / "login.html")]) == EXIT_FAILED
    out, err = capsys.readouterr()
    assert f"failed: {tmp_path / 'login.html'}: no article text in the page: only 'user'" in err
    assert "added 0 articles" in out
    assert run_sql(db_path, "SELECT count(*) FROM articles") == [(0,)]


def page_named(site: str, address: str) -> str:
    return (
        f'<html><head><meta property="og:site_name" content="{site}">'
        f'<link rel="canonical" href="{address}"><title>Ferry fares rise</title></head>'
        "<body><article><h1>Ferry fares rise</h1><p>Ferry fares across the strait rise by "
        "a tenth from Monday, the operator said, blaming the price of fuel.</p></article>"
        "</body></html>"
    )


@pytest.mark.parametrize(
    ("site", "address", "outlet"),
    [
        ("Tidewater Gazette", "https://gazette.example/ferry", "Tidewater Gazette"),
        # a tagline, a copyright, a stray mark: what 181 real pages named as outlets
        (
            "LinkNaija | Nigeria's popular news platform",
            "https://linknaija.example/ferry",
            "LinkNaija",
        ),
        ("Copyright 2014", "https://www.harbour.example/ferry", "harbour.example"),
        ("Wday_", "https://www.wday.example/ferry", "Wday"),
        # trafilatura's name for a page without one, the host's first label
        ("Hosted", "https://hosted.ap.example/ferry", "ap.example"),
        ("Morebikes", "https://www.morebikes.co.uk/ferry", "Morebikes"),
    ],
)
def test_a_pages_outlet_is_its_name(site: str, address: str, outlet: str) -> None:
    """Pages were stored as from "Copyright 2014", "Hosted" (AP's hosted.ap.org) or
    "LinkNaija | Nigeria's popular news platform"."""
    draft = extract_article(page_named(site, address), url=address)
    assert draft is not None and draft.source == outlet
