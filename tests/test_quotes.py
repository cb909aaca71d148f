"""A window's sentences as its quote (retrieval/quotes.py): a paragraph without a stop not
run into the next, a repeat shown once, a quote cut mid-sentence opened with "…"."""

from dataclasses import replace

import pytest

from retrieval.engine import Engine
from retrieval.models import ArticleDraft
from retrieval.quotes import CUT_BEFORE, PARAGRAPH_BREAK, quote_text

# Story highlights as CNN's pages open: a paragraph each, none with a stop, each stored as a
# sentence of its own (`paragraph` numbers 0, 1, 2).
HIGHLIGHTS = [
    "A Spanish High Court has acquitted Shakira in her 2011 tax fraud case in an appeal",
    "The court ordered Spain's treasury to reimburse her with $70 million, including interest",
    "The Spanish tax agency will appeal the ruling, saying no repayment will be made yet",
]
SHAKIRA = ArticleDraft(
    "Shakira acquitted of tax fraud",
    "\n\n".join(
        [
            *HIGHLIGHTS,
            "Spain's High Court has acquitted Colombian pop star Shakira of tax fraud on "
            "Monday. The singer had been fined for her 2011 taxes.",
        ]
    ),
    published="2024-05-20",
)


def words(text: str) -> int:
    return len(text.split())


def test_a_paragraph_without_a_stop_is_not_run_into_the_next() -> None:
    """ "...in an appeal The court ordered...": a line break where the paragraph ends, as
    on the page; the words, and so their count, are the sentences'."""
    quote = quote_text(HIGHLIGHTS, [0, 1, 2])
    assert quote == PARAGRAPH_BREAK.join(HIGHLIGHTS)
    assert words(quote) == sum(map(words, HIGHLIGHTS))
    stopped = [f"{HIGHLIGHTS[0]}.", HIGHLIGHTS[1]]
    assert quote_text(stopped, [0, 1]) == " ".join(stopped)  # its stop ends it
    assert quote_text(HIGHLIGHTS[:2], [4, 4]) == " ".join(HIGHLIGHTS[:2])  # one paragraph
    assert quote_text(HIGHLIGHTS[:2], [None, None]) == " ".join(HIGHLIGHTS[:2])  # not known


@pytest.mark.parametrize(
    "ending",
    [
        "ruled on Monday.",
        'called it "a disaster."',
        "called it “a disaster!”",
        "asked why?)",
        "港口已关闭。",
        "हड़ताल खत्म हुई।",
        "هل انتهى الإضراب؟",
        "the list:",
    ],
)
def test_a_paragraph_ended_by_a_stop_of_any_script_runs_on_with_a_space(ending: str) -> None:
    assert PARAGRAPH_BREAK not in quote_text([ending, "The court said so."], [0, 1])


@pytest.mark.parametrize(
    "ending",
    ["in an appeal", "(AP Photo/Manu Fernandez)", 'the "Hips Don\'t Lie" singer', "港口已关闭"],
)
def test_a_closing_bracket_or_quote_alone_is_no_stop(ending: str) -> None:
    text = f"A long caption of a photo of the court in Madrid, with the singer, {ending}"
    assert quote_text([text, "The court said so."], [0, 1]) == f"{text}\nThe court said so."


def test_a_paragraph_the_page_broke_mid_sentence_is_joined_by_a_space() -> None:
    """The next paragraph in lower case goes on with the sentence: neither a break nor a
    heading's colon ("Raised at: the Kenilworth Inn")."""
    for first in ("Funds for the shelter were raised at a gala dinner last week at", "Raised at"):
        assert quote_text([first, "the Kenilworth Inn."], [0, 1]) == f"{first} the Kenilworth Inn."


def test_a_sentence_repeated_at_once_is_shown_once() -> None:
    """The page had it twice in a row ("...later this week. South Korean lawmakers submitted
    a bill ... later this week."): the quote has it once."""
    bill = "South Korean lawmakers submitted a bill to ban dog meat, to be voted on this week."
    after = "Animal rights groups welcomed it."
    assert quote_text([bill, bill, after], [0, 0, 0]) == f"{bill} {after}"
    assert quote_text([bill, f" {bill} "], [0, 1]) == bill
    # the repeat's paragraph is where the text goes on from: the break is told by it
    bullet = HIGHLIGHTS[0]
    assert quote_text([bullet, bullet, after], [0, 1, 1]) == f"{bullet} {after}"
    assert quote_text([bullet, bullet, after], [0, 0, 1]) == f"{bullet}\n{after}"
    # not a repeat: the same words later, or other words
    assert quote_text([bill, after, bill], [0, 0, 0]) == f"{bill} {after} {bill}"


def test_a_quote_cut_mid_sentence_opens_with_an_ellipsis() -> None:
    """The source broke a paragraph mid-sentence: "the Kenilworth Inn. Funds raised..."
    opens with "…", as `clip` ends a cut with one; the words are the same. An article's
    first sentence is no cut: nothing came before it."""
    cut = ["the Kenilworth Inn.", "Funds raised went to the shelter."]
    assert quote_text(cut, [3, 3]) == f"{CUT_BEFORE}the Kenilworth Inn. {cut[1]}"
    assert quote_text(cut, [0, 0], opens_article=True) == " ".join(cut)
    assert quote_text(["year-long absence ended on Sunday."], [0]).startswith(CUT_BEFORE)
    assert words(quote_text(cut, [3, 3])) == words(" ".join(cut))


@pytest.mark.parametrize(
    "opening",
    [
        "The court ruled on Monday.",
        "iPhone sales rose in May.",
        "eBay said it would appeal.",
        "de Blasio said he would run.",
        "livenation.com.",
        "robert.king@indystar.com",
        "a) It is a huge escalation of the conflict.",
        "ticket price: $9.11",
        "extreme drought: 0.0%",
        "2 people were hurt.",
        "“no one has ever seen him smile this hard,” one user wrote.",  # as quoted
        "港口已关闭。",
    ],
)
def test_a_quote_opening_as_a_sentence_may_gets_no_ellipsis(opening: str) -> None:
    assert quote_text([opening], [0]) == opening


async def test_an_answer_shows_the_pages_breaks_repeats_once_and_cuts(engine: Engine) -> None:
    """Through the search: the quotes of `ask` (its text, `--json`, the bot) are built so."""
    bill = "South Korean lawmakers submitted a bill to ban dog meat on Monday."
    korea = ArticleDraft(
        "Dog meat ban bill submitted",
        f"{bill} {bill} Animal rights groups welcomed the dog meat bill.",
        published="2024-05-20",
    )
    gala = ArticleDraft(  # the page broke its second paragraph's sentence in two
        "Shelter gala raises funds",
        "Tickets for the spring concert series at the town hall went on sale this morning. "
        "The concerts open in April with a string quartet from Vienna.\n\n"
        "Guests were welcomed by the mayor, a brass band and a choir from the school at\n\n"
        "the Kenilworth Inn, where the charity gala for the animal shelter was held. "
        "The charity gala dinner raised $40,000 for the animal shelter. "
        "An auction at the gala raised $5,000 more for the shelter's kennels.",
        published="2024-05-20",
    )
    await engine.add_articles([SHAKIRA, korea, gala])
    await engine.refresh()

    shakira = await engine.ask("Was Shakira acquitted in the tax fraud appeal?", limit=5)
    running = [p for p in shakira.passages if p.sentences[:2] == tuple(HIGHLIGHTS[:2])]
    assert running, [p.quote for p in shakira.passages]
    for passage in running:
        assert passage.quote.startswith(f"{HIGHLIGHTS[0]}\n{HIGHLIGHTS[1]}")
        assert words(passage.quote) == sum(map(words, passage.sentences))
        [bold] = [passage.quote[a:b] for a, b in passage.highlights if b - a == len("Shakira")]
        assert bold == "Shakira"  # the bold is where the quote's words are

    dogs = await engine.ask("Did lawmakers submit a bill to ban dog meat?", limit=5)
    repeated = [p for p in dogs.passages if p.sentences[:2] == (bill, bill)]
    assert repeated, [p.quote for p in dogs.passages]
    assert all(p.quote.count(bill) == 1 for p in dogs.passages)

    inn = await engine.ask("How much did the charity gala at the Kenilworth Inn raise?", limit=5)
    cut = [p for p in inn.passages if p.sentences[0].startswith("the Kenilworth")]
    assert cut, [p.quote for p in inn.passages]
    assert all(p.quote.startswith("…the Kenilworth Inn,") for p in cut)


async def test_a_linked_articles_lead_is_quoted_as_answers_are(engine: Engine) -> None:
    """A stored article's link is answered with its opening (`Searcher._leads`), where story
    highlights are: quoted as answers are, but never cut before its first sentence."""
    url = "https://www.reuters.example/world/shakira-acquitted"
    lower = "https://blog.example/harbour"  # an article in lower case: an opening, no cut
    written = "the harbour crane lifted timber all day. the crews went home at dusk."
    await engine.add_articles(
        [replace(SHAKIRA, url=url), ArticleDraft("harbour day", written, url=lower)]
    )
    await engine.refresh()
    [lead] = (await engine.ask(url)).passages
    assert len(lead.sentences) > 1
    assert lead.quote == PARAGRAPH_BREAK.join(HIGHLIGHTS[: len(lead.sentences)])
    [opening] = (await engine.ask(lower)).passages
    assert opening.quote == written
