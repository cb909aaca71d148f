from retrieval.corpus.sentences import article_sentences, split_sentences
from retrieval.corpus.text import paragraphs

from .conftest import shared_articles


def test_abbreviations_initials_decimals_and_quotes_stay_whole() -> None:
    text = (
        "Mr. Smith met Gen. Jones in the U.S. capital at 9 a.m. on Monday. "
        "J. K. Rowling's profits rose to $1.13bn from $639m. "
        '"We will not back down," the minister said. "Never." '
        "Dr. No arrived at 5 p.m. on Friday. Shares fell 3.5%."
    )
    assert split_sentences(text) == [
        "Mr. Smith met Gen. Jones in the U.S. capital at 9 a.m. on Monday.",
        "J. K. Rowling's profits rose to $1.13bn from $639m.",
        '"We will not back down," the minister said.',
        '"Never."',
        "Dr. No arrived at 5 p.m. on Friday.",
        "Shares fell 3.5%.",
    ]


def test_hard_wrapped_wire_copy_is_unwrapped_into_paragraphs() -> None:
    reuters = next(shared_articles("reuters-21578"))
    body = reuters["text"]
    assert "\n" in body.split("\n\n")[0]  # the input really is hard-wrapped
    paras = paragraphs(body)
    assert paras[0].startswith("Showers continued throughout the week in the Bahia cocoa zone,")
    assert all("\n" not in p for p in paras)
    sentences = [s for _, s in article_sentences(body)]
    assert sentences[0] == (
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought "
        "since early January and improving prospects for the coming temporao, although normal "
        "humidity levels have not been restored, Comissaria Smith said in its weekly review."
    )
    # The indented line starts a paragraph of its own.
    assert sentences[1] == "The dry period means the temporao will be late this year."


def test_lines_of_unwrapped_text_stay_separate_paragraphs() -> None:
    text = "Key points\nThe army moved in.\nTalks resume on Monday\n\nA second block."
    assert paragraphs(text) == [
        "Key points",
        "The army moved in.",
        "Talks resume on Monday",
        "A second block.",
    ]


def test_sentences_carry_their_paragraph_number() -> None:
    assert article_sentences("One. Two.\n\nThree.") == [(0, "One."), (0, "Two."), (1, "Three.")]
