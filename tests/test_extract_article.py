"""`extract_article`: what our wrapper keeps and drops around trafilatura."""

import re
from pathlib import Path

import pytest

from bot.cli.common import EXIT_FAILED
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


def short_page(title: str, byline: str, *paragraphs: str, author: str = "Dee Marsh") -> str:
    """A short page as a small site serves it: too short for trafilatura's own reading,
    which reads it whole, its headline and byline run into the first paragraph."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title} | Loopback '
        'Herald</title><meta property="og:site_name" content="Loopback Herald">'
        f'<meta name="author" content="{author}"></head><body><header>Home News Sport'
        f'</header><article><h1>{title}</h1><p class="byline">{byline}</p>{body}</article>'
        "<footer>© Loopback Herald</footer></body></html>"
    )


CUP = (
    "Wend Rovers will play Lowmarsh City in the quarter-finals of the county cup on March 23.",
    "The tie will be played at the Wend Stadium, the county FA said on Sunday.",
)


@pytest.mark.parametrize(
    "byline", ["By Dee Marsh", "by DEE MARSH", "By: Dee Marsh |", "By Dee Marsh and Kim Novak"]
)
def test_a_short_pages_headline_and_byline_are_not_its_text(byline: str) -> None:
    """A short page's text was "Cup draw: Rovers face City By Dee Marsh Wend Rovers will
    play...": the headline was taken off only as a line of its own."""
    page = short_page("Cup draw: Rovers face City", byline, *CUP, author="Dee Marsh, Kim Novak")
    draft = extract_article(page)
    assert draft is not None and draft.title == "Cup draw: Rovers face City"
    assert draft.text == " ".join(CUP)
    assert draft.authors == ("Dee Marsh", "Kim Novak")


def test_a_short_pages_headline_goes_without_a_byline_too() -> None:
    draft = extract_article(short_page("Cup draw: Rovers face City", "", *CUP))
    assert draft is not None and draft.text.split() == " ".join(CUP).split()


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        # a lead that opens with its headline's words and goes on in lower case
        ("Oil prices rise", "Oil prices rise on Monday as the strait stays closed to tankers."),
        # "By" and a name that is not the author's; "By" and the author's name in a sentence
        ("Port reopens", "By Monday the port had reopened to ships and ferries, officials said."),
        ("Port reopens", "By Dee Marsh's count, forty ships waited outside the port on Monday."),
    ],
)
def test_a_lead_that_opens_like_a_headline_or_a_byline_is_kept(title: str, lead: str) -> None:
    page = short_page(title, "", lead, "The harbour master said more would follow on Tuesday.")
    draft = extract_article(page.replace('<p class="byline"></p>', ""))
    assert draft is not None and draft.text.startswith(lead)


def test_an_ingested_short_page_is_stored_without_its_headline_and_byline(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cup.html").write_text(
        short_page("Cup draw: Rovers face City", "By Dee Marsh", *CUP)
    )
    assert main(["ingest", "--db", str(db_path), str(tmp_path / "cup.html")]) == 0
    assert run_sql(db_path, "SELECT title, text FROM articles") == [
        ("Cup draw: Rovers face City", " ".join(CUP))
    ]


def page_titled(title: str, site: str | None = None, author: str | None = None) -> str:
    """A page whose headline is only in its <title> and og:title, as many a site's: its
    og:site_name and its JSON-LD author (a Person, as wire stories' pages give an agency)
    if given."""
    site_tag = f'<meta property="og:site_name" content="{site}">' if site else ""
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
        f'"NewsArticle", "author": {{"@type": "Person", "name": "{author}"}}}}</script>'
        if author
        else ""
    )
    return (
        f'<html><head><title>{title}</title><meta property="og:title" content="{title}">'
        f"{site_tag}{ld}</head><body><article>"
        "<p>Eleven crews raced in the autumn harbour regatta on Saturday, in a steady "
        "westerly breeze that held all afternoon.</p><p>The club thanked the volunteers who "
        "ran the committee boat and the rescue launches.</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("title", "site", "address", "headline"),
    [
        ("Regatta results | Tidewater Gazette", "Tidewater Gazette", None, "Regatta results"),
        # the site's name, then its tagline: og:site_name has both, or the outlet alone
        (
            "Regatta results - Remember 80/90 - Memorabilia anni 80/90",
            "Remember 80/90 - Memorabilia anni 80/90",
            None,
            "Regatta results",
        ),
        ("Regatta results – MoreBikes", None, "https://www.morebikes.co.uk/7", "Regatta results"),
        ("Regatta results - SpaceNews.com", None, "https://spacenews.com/r", "Regatta results"),
        ("Regatta results | BBC", None, "https://news.bbc.co.uk/r", "Regatta results"),
        ("Regatta results - CNN", None, "https://edition.cnn.com/r", "Regatta results"),
        ("Regatta - Edition", None, "https://edition.cnn.com/r", "Regatta - Edition"),
        # dashes and pipes of the headline's own stay: only the site's segment goes
        (
            "Regatta review - wind for the brave, rain for the rest - VG247",
            "VG247",
            None,
            "Regatta review - wind for the brave, rain for the rest",
        ),
        ("Opinion | Regatta results", "Tidewater Gazette", None, "Opinion | Regatta results"),
        ("Design Week | Lights for FLOS", "Inexhibit", None, "Design Week | Lights for FLOS"),
        (
            "Take C.A.R.E. - comwrap at DMEXCO",
            "Comwrap",
            None,
            "Take C.A.R.E. - comwrap at DMEXCO",
        ),
        ("Tidewater Gazette", "Tidewater Gazette", None, "Tidewater Gazette"),
    ],
)
def test_a_sites_name_after_the_headline_is_no_part_of_its_title(
    title: str, site: str | None, address: str | None, headline: str
) -> None:
    """33 of the 181 pages of html-articles were titled with their site's name after the
    headline ("Best tech gadgets of 2019 | ZDNet"), and it was shown and searched as theirs."""
    draft = extract_article(page_titled(title, site), url=address)
    assert draft is not None and draft.title == headline


@pytest.mark.parametrize(
    ("credited", "authors", "agencies"),
    [
        ("Reuters", (), ["Reuters"]),
        ("REUTERS", (), ["REUTERS"]),
        ("The Associated Press", (), ["The Associated Press"]),
        (
            "Meg Kinnard and Errin Haines, Associated Press",
            ("Meg Kinnard", "Errin Haines"),
            ["Associated Press"],
        ),
        ("Dee Marsh", ("Dee Marsh",), None),
    ],
)
def test_an_agency_a_page_credits_is_no_author(
    credited: str, authors: tuple[str, ...], agencies: list[str] | None
) -> None:
    """Wire stories' pages (VentureBeat's, ScienceAlert's, Deccan Herald's) were stored
    by "Reuters" as if a person wrote them; the agency is kept aside, with the page's
    other metadata."""
    draft = extract_article(page_titled("Regatta", "Tidewater Gazette", credited))
    assert draft is not None and draft.authors == authors
    assert draft.extra.get("agencies") == (
        agencies or (["Associated Press"] if "," in credited else None)
    )
