"""`extract_article`: what our wrapper keeps and drops around trafilatura."""

from retrieval.corpus.formats import extract_article

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
