import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.corpus import punkt as punkt_rules
from retrieval.corpus import punkt_breaks
from retrieval.corpus.punkt_breaks import punkt_sentences
from retrieval.corpus.sentence_bounds import MAX_SENTENCE_CHARS, bound_sentence
from retrieval.corpus.sentences import article_sentences, split_sentences
from retrieval.corpus.splitter import SPLITTER_VERSION
from retrieval.corpus.text import paragraphs

from .conftest import REPO, shared_articles


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


def test_a_short_wire_whose_paragraphs_end_in_short_lines_is_unwrapped() -> None:
    """Every paragraph's last line is short: counted with the wrapped ones, a wire of three
    short paragraphs was taken for a paragraph a line, its sentences cut at each line end
    ("...shares of Harbour Light Energy Income" and "Fund II." quoted apart)."""
    wire = (
        "Harbour Light Corp said it would\n"
        "start selling 200 mln dlrs worth of limited\n"
        "partnership shares of Harbour Light Energy Income\n"
        "Fund II.\n"
        "    The company said one unit will act as general partner of\n"
        "the fund, which will buy oil and gas producing\n"
        "fields from other owners.\n"
        "    Dockside Securities will manage the offering for the\n"
        "company, it said.\n"
        "REUTER"
    )
    assert paragraphs(wire) == [
        "Harbour Light Corp said it would start selling 200 mln dlrs worth of limited "
        "partnership shares of Harbour Light Energy Income Fund II.",
        "The company said one unit will act as general partner of the fund, which will buy "
        "oil and gas producing fields from other owners.",
        "Dockside Securities will manage the offering for the company, it said.",
    ]


def test_a_compound_wrapped_at_its_hyphen_is_one_word_again() -> None:
    """Wire copy wraps at hyphens: "English-" / "language" is "English-language", not
    "English- language"; a hyphen inside a line ("pre- and post-war") is left alone."""
    wire = (
        "The agency said on Monday that its new English-\n"
        "language service would start in May, and that over-the-\n"
        "counter trading had risen in the pre- and post-war years, it\n"
        "said in a statement issued to the press in London on Monday.\n"
    )
    assert paragraphs(wire) == [
        "The agency said on Monday that its new English-language service would start in "
        "May, and that over-the-counter trading had risen in the pre- and post-war years, "
        "it said in a statement issued to the press in London on Monday."
    ]


def test_the_wire_sign_off_is_no_sentence() -> None:
    """Reuters copy ends "REUTER", on a line of its own or wrapped onto the last one: it was
    stored as a sentence and quoted ("...for the West German economy. REUTER")."""
    assert paragraphs("Rates were held.\n\nREUTER") == ["Rates were held."]
    assert paragraphs("Rates were held at\n3.0 pct, it said.  REUTER...") == [
        "Rates were held at",
        "3.0 pct, it said.",
    ]
    assert paragraphs("He joined Reuter\n\nReuters reported it.") == [
        "He joined Reuter",
        "Reuters reported it.",
    ]


def test_lines_of_unwrapped_text_stay_separate_paragraphs() -> None:
    text = "Key points\nThe army moved in.\nTalks resume on Monday\n\nA second block."
    assert paragraphs(text) == [
        "Key points",
        "The army moved in.",
        "Talks resume on Monday",
        "A second block.",
    ]
    headlines = (
        "Oil prices rise as OPEC agrees to cut output\n"
        "Stocks fall on fears of a trade war with China\nDollar steady\nGold up"
    )
    assert len(paragraphs(headlines)) == 4  # no indent: every line is counted


def test_sentences_carry_their_paragraph_number() -> None:
    assert article_sentences("One. Two.\n\nThree.") == [(0, "One."), (0, "Two."), (1, "Three.")]


def test_a_run_without_full_stops_is_cut_at_clause_punctuation() -> None:
    run = "the council met again, the vote was delayed; nobody left the hall " * 2000
    sentences = split_sentences(run)
    assert len(sentences) > 1
    assert all(len(s) <= MAX_SENTENCE_CHARS for s in sentences)
    assert all(s.endswith((",", ";")) for s in sentences[:-1])
    assert " ".join(sentences).split() == run.split()  # nothing lost, nothing reordered


def test_a_run_without_any_punctuation_is_cut_between_words() -> None:
    run = " ".join(f"word{i}" for i in range(1_000_000))  # 6.9 MB, no punctuation at all
    sentences = split_sentences(run)
    assert all(len(s) <= MAX_SENTENCE_CHARS for s in sentences)
    assert min(len(s) for s in sentences[:-1]) > MAX_SENTENCE_CHARS - len("word999999 ")
    assert " ".join(sentences).split() == run.split()


def test_one_endless_word_is_cut_at_the_limit() -> None:
    run = "x" * (5 * 1024 * 1024)
    sentences = split_sentences(run)
    assert {len(s) for s in sentences[:-1]} == {MAX_SENTENCE_CHARS}
    assert "".join(sentences) == run


def test_cjk_text_is_cut_after_its_own_punctuation() -> None:
    run = "市议会今天再次开会，投票被推迟。" * 200
    sentences = split_sentences(run)
    assert all(len(s) <= MAX_SENTENCE_CHARS for s in sentences)
    assert all(s.endswith(("，", "。")) for s in sentences[:-1])
    assert "".join(sentences) == run


def test_real_sentences_are_rarely_cut() -> None:
    # The bound is for runaway text: real sentences longer than it are lists run together,
    # about 2 in 100,000 (benchmarks/sentence_lengths.py has all four corpora).
    sentences = cut = 0
    for article in shared_articles("bbc-news"):
        for paragraph in paragraphs(article["text"]):
            whole = punkt_sentences(paragraph)
            sentences += len(whole)
            cut += sum(1 for s in split_sentences(paragraph) if s not in whole)
    assert sentences > 39_000
    assert 0 < cut / sentences < 1e-4


EDGE_CASES = [
    "Wait... what? He left!! (She stayed.) Then: \"Go.\" 'Now.' [Done.] {Fine.}",
    "No. 1 seed beat the No. 2 in the 2nd round. The U.S.-led force left Jan. 5. Gen. X. Y. Z.",
    "It cost $5.2 bn. vs. 3 in 2019. It rose 4.5%. A. B. Smith said so. i.e. e.g. etc. Okay.",
    "“Quoted.” ‘Single.’ «Guillemets.» He said—“Yes.” The end.. Really... ok?! Fine?!",
    "Dr. Who? Mr. T. St. Louis. 10 a.m. E.U. 3 p.m. Inc. Ltd. Corp. co. ... -- More.",
    "Sen. Warren spoke. Rep. Ocasio-Cortez did not. Gov. Newsom? Yes. Jr. Smith. Sept. 11.",
    "He said. the end. He said. The end. Mr. president. Mr. President. etc. And so.",
    "",
    "   ",
    "  no candidate break here  ",  # one sentence, kept as NLTK keeps it
    "Ends at its full stop.",
    "3.5 percent, a U.S-made part, 1,500 of them: none ends a sentence",
    "Ellipsis then more... and more",
    "Tabs\tand\x0bother.\x0cwhitespace.\tbefore breaks. Mr.\tSmith left.",
    " Leading space. And\u00a0no-break\u00a0spaces. Then J. K. Rowling spoke.",
]


@pytest.mark.parametrize(
    "text",
    ["A.", "J. K.", "x A.", "xA.", "a.", "AB.", "\u00a0A.", "\tB.", "A.\n", "x A.\n", ".", ""],
)
def test_an_initial_at_the_end_is_found_as_the_pattern_finds_it(text: str) -> None:
    assert punkt_breaks._ends_with_initial(text) == bool(punkt_breaks._INITIAL_BREAK.search(text))


class CountingPunkt(punkt_rules._FastPunkt):
    """`_FastPunkt` that counts the texts it looks for breaks in, NLTK's way."""

    def __init__(self) -> None:
        super().__init__(punkt_rules._parameters())
        self.sliced = 0

    def _slices_from_text(self, text: str) -> Iterator[slice]:
        self.sliced += 1
        slices: Iterator[slice] = super()._slices_from_text(text)
        return slices


def test_splitting_finds_and_realigns_breaks_without_nltks_generators() -> None:
    """`_FastPunkt.tokenize` is NLTK's three generator stages in one pass: the same
    sentences as NLTK's Punkt, and NLTK's `_slices_from_text` never runs."""
    punkt, reference = CountingPunkt(), punkt_rules.nltk_tokenizer()
    for text in EDGE_CASES:
        assert punkt.tokenize(text) == reference.tokenize(text), text
    assert punkt.tokenize("Two. Sentences.") == ["Two.", "Sentences."]
    assert punkt.sliced == 0


class _CountedSearch:
    """A compiled pattern whose `finditer` calls are counted."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.searched = pattern, 0

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        self.searched += 1
        return self.pattern.finditer(text, pos)


def test_a_paragraph_with_no_end_mark_before_its_last_character_is_not_searched() -> None:
    """Half of news' paragraphs hold no ".", "?" or "!" but as their last character (or
    none): they are one sentence, told without a search for candidate breaks; the others
    are searched from their first mark on, and split as NLTK splits them."""
    punkt, reference = CountingPunkt(), punkt_rules.nltk_tokenizer()
    counted = _CountedSearch(punkt._candidates)
    punkt._candidates = counted  # type: ignore[assignment]
    alone = ["One sentence.", "Why?", "Done!\u2003 \u00a0", "No mark here", "Ends.\n", "", " "]
    for text in alone:
        assert punkt.tokenize(text) == reference.tokenize(text), text
    assert counted.searched == 0
    searched = [
        "Two. Sentences.",
        "Why?!",
        'A quote." Then',
        "Why? Because.",
        "3.5 percent rose.",
        "x .y",
    ]
    for text in searched + ["Really?! Yes.", "  Lead. Space.", 'End."', "Mr. Smith went."]:
        assert punkt.tokenize(text) == reference.tokenize(text), text
    assert counted.searched == len(searched) + 4


@pytest.mark.slow
def test_splitting_is_nltks_own_on_real_paragraphs() -> None:
    """`_FastPunkt` (stdlib patterns, remembered decisions) splits exactly as NLTK's Punkt
    with the same parameters: every paragraph of samples of each shared corpus, twice (the
    second time from remembered decisions), and hand-made edge cases."""
    fast, reference = punkt_rules.punkt_tokenizer(), punkt_rules.nltk_tokenizer()
    corpora = ("bbc-news", "reuters-21578", "news-1m/articles", "news-qa-dev/articles")
    texts = EDGE_CASES + [
        paragraph
        for name in corpora
        for article in shared_articles(name, limit=150)
        for paragraph in paragraphs(article["text"])
    ]
    for _ in range(2):
        for text in texts:
            assert fast.tokenize(text) == reference.tokenize(text), text


# Contexts of the shapes `_FastPunkt._word_break` decides, and of shapes near them it must
# leave to NLTK: quotes, commas and apostrophes after a word, abbreviations, collocations,
# numbers before words in either case, marks, a blank line.
WORD_CONTEXTS = [
    *("said. “The", "said. However,", 'it."', "it.'", "it.)", "year. Biden’s", "later. 2020"),
    *("said. «Nous", "said.\u201d", "said.\n\nThe", "said. . .", "said. ...", "said. --"),
    *("Jan. 5", "Inc. The", "St. Louis", "Dr. “Who", "etc. The", "vs. the", "No. 5"),
    *("2020. The", "2020. The,", "2020. A", "5. And", "1. the", "12. “The", "3. (The", "2020. —"),
    *(
        "J. Smith",
        "J. Bach",
        "A. The",
        "No. 1,500,",
        "Jan. 5.)",
        "Gen. 3rd",
        "U.S. The",
        "said.!",
        "said. ;",
        "Aug. 2020",
        "a. The",
        "I. The",
        "ii. The",
    ),
]


def test_word_contexts_are_decided_as_nltk_decides_them() -> None:
    """`_FastPunkt._word_break` decides a word's or a number's context without NLTK's token
    passes, exactly as they do, and leaves the rest to them: hand-made contexts and every
    candidate context of news samples (all of the shared corpora were compared once)."""
    fast, reference = punkt_rules.punkt_tokenizer(), punkt_rules.nltk_tokenizer()
    contexts = list(WORD_CONTEXTS)
    for article in shared_articles("news-1m/articles", limit=150):
        for paragraph in paragraphs(article["text"]):
            for match in fast._candidates.finditer(paragraph):
                start = paragraph.rfind(" ", 0, match.start()) + 1
                contexts.append(paragraph[start : match.start()] + match[0] + match["after_tok"])
    decided = 0
    for context in contexts:
        decision = fast._word_break(context)
        if decision is not None:
            decided += 1
            assert decision == reference.text_contains_sentbreak(context), context
    assert fast._word_break("said. “The") is True
    assert fast._word_break("2020. The") is True
    assert fast._word_break("Jan. 5") is False  # an abbreviation before a number
    assert fast._word_break("Jan. 5.)") is None  # a break after the "5.": NLTK's passes
    assert fast._word_break("said. . .") is None  # NLTK reads ". . ." as one mark
    assert decided > len(contexts) // 2


def test_a_middle_initial_does_not_end_a_sentence() -> None:
    """Punkt alone splits after "J.": the joining after a lone initial keeps it whole."""
    sentence = "The bill was signed by Robert J. Young on Monday."
    assert split_sentences(sentence) == [sentence]


def test_a_run_of_initials_ends_a_sentence_only_before_a_sentence_start() -> None:
    """Punkt breaks after any run of initials its tables lack, before a capital."""
    assert split_sentences("Former President George H.W. Bush died on Friday. He was 94.") == [
        "Former President George H.W. Bush died on Friday.",
        "He was 94.",
    ]
    assert split_sentences("She studied at the Harvard T.H. Chan School of Public Health.") == [
        "She studied at the Harvard T.H. Chan School of Public Health."
    ]
    assert split_sentences("He grew up in Newport, R.I. He left at 17.") == [
        "He grew up in Newport, R.I.",
        "He left at 17.",
    ]


def test_a_name_after_a_run_of_initials_goes_on_and_a_sentence_start_does_not() -> None:
    assert split_sentences("Run by the U.S. Fish and Wildlife Service. The rest is not.") == [
        "Run by the U.S. Fish and Wildlife Service.",
        "The rest is not.",
    ]
    assert split_sentences("Sens. Alan Cranston and Daniel Evans voted. Others did not.") == [
        "Sens. Alan Cranston and Daniel Evans voted.",
        "Others did not.",
    ]
    assert split_sentences("Stocks rose in the U.S. However, the dollar fell.") == [
        "Stocks rose in the U.S.",
        "However, the dollar fell.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        # a title goes on to its name, which Punkt had seen open sentences
        "The race for retiring Sen. Rob Portman's seat is close.",
        "The bill from state Rep. Beau LaFave passed.",
        "The plant in St. Petersburg closed.",
        "Rest in peace, dear Dr. Grant.",
        # an abbreviation a quotation opens is one still
        "He endorsed “Dr. Oz” and embattled GOP congressman Smith.",
        "The State Department said “U.S. citizens should consider leaving.”",
    ],
)
def test_a_title_or_a_quoted_abbreviation_ends_no_sentence(sentence: str) -> None:
    assert split_sentences(sentence) == [sentence]


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        # a street's "St." and "Dr." come after its name or number, and may end a sentence
        (
            "Dinner, 1136 E. Atlantic St. Traditional dinner with turkey.",
            ["Dinner, 1136 E. Atlantic St.", "Traditional dinner with turkey."],
        ),
        ("It is on Sunset Dr. Enjoy the view.", ["It is on Sunset Dr.", "Enjoy the view."]),
        # a title before a word a sentence starts with
        ("We live on Main St. The shop is near.", ["We live on Main St.", "The shop is near."]),
    ],
)
def test_a_streets_abbreviation_may_end_a_sentence(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_a_places_state_ends_a_sentence_before_a_name() -> None:
    """Punkt breaks after "N.Y." or "Calif." only before a word it takes for a sentence's
    first: "Cortland, N.Y. Cortland is small." was one sentence. With the state's comma the
    sentence goes on; after "D.C." a name may too; a list's entry is not parted."""
    assert split_sentences("She grew up in Cortland, N.Y. Cortland is small.") == [
        "She grew up in Cortland, N.Y.",
        "Cortland is small.",
    ]
    assert split_sentences("He was a nurse in Paris, Tenn. His wife is a surgeon there.") == [
        "He was a nurse in Paris, Tenn.",
        "His wife is a surgeon there.",
    ]
    assert split_sentences("Harry visited Seaside Heights, N.J. Snooki put it on the map.") == [
        "Harry visited Seaside Heights, N.J.",
        "Snooki put it on the map.",
    ]
    assert split_sentences("It met in Washington, D.C. A crowd of 200 came.") == [
        "It met in Washington, D.C.",
        "A crowd of 200 came.",
    ]
    whole = [
        "Police in Cortland, N.Y., said the plant closed.",
        "“We won,” Washington, D.C. Mayor Muriel Bowser said on Thursday.",
        "Bardstown, Ky. Jailers Inn",
        "The N.C. Department of Transportation delayed it.",
        # the place names what follows it, no sentence ends there
        "The Atlanta, Ga. City Council voted 8-7 on Monday to approve it.",
        "The Portland, Ore. Police Department said it arrested two men.",
        "Johnson & Johnson, N.J. Inc. said sales rose.",
        "Deputies said the Marin County, Calif. Sheriff tweeted a photo of the dock.",
    ]
    for sentence in whole:
        assert split_sentences(sentence) == [sentence]


def test_a_clock_time_keeps_its_zone() -> None:
    assert split_sentences("The launch is at 3:35 p.m. ET on Friday. Watch it live.") == [
        "The launch is at 3:35 p.m. ET on Friday.",
        "Watch it live.",
    ]


def test_page_furniture_is_no_sentence() -> None:
    """A dateline, a byline, a list item's number and a row of marks, each on its line,
    are left out; prose and a year or a name on a line of its own are not."""
    page = "\n".join(
        [
            "New York CNN Business —",
            "Stocks fell sharply on Monday.",
            "1.",
            "Oppenheimer",
            "1980",
            "___",
            "– Jane Smith",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Stocks fell sharply on Monday.",
        "Oppenheimer",
        "1980",
    ]
    assert [s for _, s in article_sentences("CNN —")] == ["CNN —"]  # all there is


def test_a_page_calling_on_its_reader_is_no_sentence() -> None:
    """Newsletter and puzzle promotions and photo credits are left out; a sentence about
    subscribers or one that plays is prose."""
    page = "\n".join(
        [
            "Netflix lost 200,000 subscribers in the quarter.",
            "Sign up for our free weekly newsletter.",
            "Need a break? Play the Daily Crossword Puzzle.",
            "Justin Sullivan/Getty Images",
            "Play resumed after the rain, and Readers can subscribe from Monday.",
            "Read more here.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Netflix lost 200,000 subscribers in the quarter.",
        "Play resumed after the rain, and Readers can subscribe from Monday.",
    ]
    news = [
        "Stocks fell on Monday.",  # so that not all of it is furniture
        "Play the hand you have.",
        "Check out the list of Oscar winners (in bold):",
        "Read more than 200 pages of the report, the judge told jurors.",
        "Sign up rates for the program doubled in March, the agency said.",
        "Subscribe now or lose access, the company warned users in an email.",
    ]
    assert [s for _, s in article_sentences("\n".join(news))] == news


def test_a_dateline_is_cut_off_its_sentence_and_the_story_kept() -> None:
    """A quote showed "SOUTHERN PINES, N.C. (AP) — Minjee Lee won..."; the story's words
    stay, each a sentence still (Punkt made "GARDINER, Mont." a sentence of its own)."""
    page = "\n".join(
        [
            "SOUTHERN PINES, N.C. (AP) — Minjee Lee won the U.S. Women's Open by four strokes.",
            "WASHINGTON – The House committee heard testimony Thursday.",
            "(CNN) Records tumbled in Minjee Lee's wake at the US Women's Open on Sunday.",
            "New York (CNN Business) The Federal Reserve is stepping up its war on inflation.",
            "LONDON (Reuters) - King Charles III landed in Ottawa on May 26.",
            "BINGHAMTON, NY - New York counties provide their own data on cases.",
            "MOSCOW, May 12 (Reuters) - Russian President Vladimir Putin named a new minister.",
            "Kyiv, Ukraine CNN — Russia expanded its offensive to western Ukraine on Sunday.",
            "HIROSHIMA − Oppenheimer finally premiered in Japan on Friday.",
            "GARDINER, Mont. – On a typical day, Mark Taylor flies tourists over the park.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Minjee Lee won the U.S. Women's Open by four strokes.",
        "The House committee heard testimony Thursday.",
        "Records tumbled in Minjee Lee's wake at the US Women's Open on Sunday.",
        "The Federal Reserve is stepping up its war on inflation.",
        "King Charles III landed in Ottawa on May 26.",
        "New York counties provide their own data on cases.",
        "Russian President Vladimir Putin named a new minister.",
        "Russia expanded its offensive to western Ukraine on Sunday.",
        "Oppenheimer finally premiered in Japan on Friday.",
        "On a typical day, Mark Taylor flies tourists over the park.",
    ]


def test_the_byline_over_a_dateline_is_left_out_at_an_articles_head() -> None:
    """A window joined "Michelle Faul Associated Press DAKAR, Senegal (AP) — Nigeria's...";
    the story begins at its dateline, or after the agency's line. Further down, or after a
    sentence, a short line is the story's."""
    page = "\n\n".join(
        [
            "Michelle Faul",
            "Associated Press",
            "DAKAR, Senegal (AP) — Nigeria's electoral commission postponed the vote.",
            "The vote is now set for March 28.",
            "Key dates",
            "ABUJA, Nigeria — Observers arrived on Monday for the count.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Nigeria's electoral commission postponed the vote.",
        "The vote is now set for March 28.",
        "Key dates",
        "Observers arrived on Monday for the count.",
    ]
    told = "Voters waited for hours.\n\nWASHINGTON — The count went on until Friday."
    assert [s for _, s in article_sentences(told)] == [
        "Voters waited for hours.",
        "The count went on until Friday.",
    ]
    undated = (
        "Paul Davidson and David Carrig\n\nUSA TODAY\n\nThe Fed lifted its rate on Wednesday."
    )
    assert [s for _, s in article_sentences(undated)] == ["The Fed lifted its rate on Wednesday."]


def test_a_place_or_a_dash_in_prose_or_a_list_is_no_dateline() -> None:
    """A city as the subject, a dash inside a quotation, a list's entries in capitals (an
    artist, a chain, a team's score line), a transcript's speaker keep every word."""
    news = [
        "Washington is bracing for another shutdown fight.",
        "Paris — the city, not the team — was the winner on Sunday.",
        "“We will win — and soon,” NASA’s chief said on Monday.",
        "SZA – “Snooze” – Top Dawg Entertainment / RCA Records",
        "KFC - 218.95 seconds",
        "BC — Colin Guy 25 pass from Alden Arteaga (Jasper Chapman kick)",
        "J.D. -- And I don't mind if he has a certain view.",
        "KFGO- AM reports that a group of 16 people marched.",
    ]
    assert [s for _, s in article_sentences("\n\n".join(news))] == news


def test_a_credit_to_the_agency_or_the_reporters_is_no_sentence() -> None:
    """Past an article's head, "AP" or "USA TODAY Sports" alone, a signature, the
    contributors' line and the sentence thanking them stood as sentences (news-qa-dev: 317
    pages end "From USA TODAY Network and wire reports"). News about an agency is kept."""
    page = "\n\n".join(
        [
            "The Fed lifted its rate on Wednesday.",
            "The dollar rose.",
            "Stocks fell.",
            "Bonds rallied.",
            "AP",
            "-- Associated Press",
            "USA TODAY NETWORK - Tennessee",
            "— Carli Pierson, USA TODAY",
            "Contributing: Elizabeth Weise, USA TODAY; The Associated Press",
            "From USA TODAY Network and wire reports",
            "The Associated Press contributed to this report.",
            "(CNN’s James Frater and Jessie Yeung contributed to this story.)",
            "USA TODAY reached out to the users for comment.",
            "Smith contributed to the campaign, the AP reported.",
            "More than 200 scientists contributed to the report.",
            "Associated Press writers Jane Doe in London and John Roe contributed to this report.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "The Fed lifted its rate on Wednesday.",
        "The dollar rose.",
        "Stocks fell.",
        "Bonds rallied.",
        "USA TODAY reached out to the users for comment.",
        "Smith contributed to the campaign, the AP reported.",
        "More than 200 scientists contributed to the report.",
    ]


def test_a_reporters_bio_and_how_to_reach_them_are_no_sentence() -> None:
    """USA TODAY's pages end with the reporter's bio and address ("Saman Shafiq is a trending
    news reporter for USA TODAY." 29 times in news-qa-dev, "Its content is produced
    independently of USA TODAY." 63): quotes showed them. News about a reporter is kept."""
    page = "\n\n".join(
        [
            "The Fed lifted its rate on Wednesday.",
            "The dollar rose.",
            "Stocks fell.",
            "Saman Shafiq is a trending news reporter for USA TODAY.",
            "Reach her at sshafiq@gannett.com and follow her on X @saman_shafiq7.",
            "Laura L. Davis is an Audience Editor at USA TODAY.",
            "Eric Lagatta covers breaking and trending news for USA TODAY.",
            "You can follow him on X @GabeHauari or email him at Gdhauari@gannett.com.",
            "He is based in New York and you can reach him at zwichter@usatoday.com.",
            "Follow USA TODAY reporter Kelly Tyko on Twitter: @KellyTyko.",
            "Dolphins reporter Hal Habib can be reached at hhabib@pbpost.com.",
            "Follow her on X (Twitter), Bluesky and TikTok.",
            "24/7 Wall Street is a USA TODAY content partner offering financial news.",
            "Its content is produced independently of USA TODAY.",
            "Evan Gershkovich is a reporter for The Wall Street Journal.",
            "Page became a White House correspondent for USA TODAY in 1995.",
            "Kristin McGrath, an editor at RetailMeNot, told USA TODAY prices rose.",
            "Smith, who is a former reporter for USA TODAY, was named press secretary.",
            "Musk told fans to follow him on X.",
            "Contact the FBI at tips.fbi.gov or 1-800-225-5324.",
            "The hotline can be reached at 800-799-7233.",
            "They can be reached at 302-739-9912 on weekdays.",
            "Customer service can be reached at (239) 252-2380.",
            "Police said anyone who sees him should call 911 or email tips@police.gov.",
            "Jones is a former Gannett editor who now runs a nonprofit newsroom in Ohio.",
            "Smith, who was arrested Tuesday, is a former USA TODAY reporter.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "The Fed lifted its rate on Wednesday.",
        "The dollar rose.",
        "Stocks fell.",
        "Evan Gershkovich is a reporter for The Wall Street Journal.",
        "Page became a White House correspondent for USA TODAY in 1995.",
        "Kristin McGrath, an editor at RetailMeNot, told USA TODAY prices rose.",
        "Smith, who is a former reporter for USA TODAY, was named press secretary.",
        "Musk told fans to follow him on X.",
        "Contact the FBI at tips.fbi.gov or 1-800-225-5324.",
        "The hotline can be reached at 800-799-7233.",
        "They can be reached at 302-739-9912 on weekdays.",
        "Customer service can be reached at (239) 252-2380.",
        "Police said anyone who sees him should call 911 or email tips@police.gov.",
        "Jones is a former Gannett editor who now runs a nonprofit newsroom in Ohio.",
        "Smith, who was arrested Tuesday, is a former USA TODAY reporter.",
    ]


def test_a_photo_captions_day_is_cut_with_its_dateline() -> None:
    """A Getty caption opens "PLACE - MONTH DAY:": the dateline was cut and "JANUARY 26:"
    opened the quote (6 captions in news-qa-dev, 1 in news-1m). A live blog's own day,
    after no dateline, stays: it says when its entry happened."""
    page = "\n".join(
        [
            "WASHINGTON, DC - JANUARY 26: The U.S. Supreme Court building on January 26, 2022.",
            "BUFFALO, NEW YORK - MAY 20, 2022: People gather at a memorial outside Tops market.",
            "APRIL 6: Boris Johnson was moved to an intensive care unit, his office said.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "The U.S. Supreme Court building on January 26, 2022.",
        "People gather at a memorial outside Tops market.",
        "APRIL 6: Boris Johnson was moved to an intensive care unit, his office said.",
    ]


def test_an_editors_label_or_a_tables_row_keeps_its_words() -> None:
    """Capitals before a dash that are no place: a note, a photo's "FILE", a commodity
    table's rows (Reuters, 1987) lost "NOTE", "FILE", "WHEAT" as datelines. A place before
    a story full of numbers is still a dateline."""
    news = [
        "NOTE - Company's full name is Peninsular and Oriental Steam Navigation Co Plc",
        "FILE - Violent rioters storm the Capitol in Washington, Jan. 6, 2021.",
        "WHEAT - US three Hard Amber Durum Apl/May 161 unch Jne 160 unch Jly 160 unch",
        "ALUMINIUM - Barely steady 4650 (7850) tonnes mainly carries cash nil 3months 805.50",
        "ZINC HIGH GRADE - Steady but quiet 750 (2500) tonnes mainly carries cash nil 3months",
    ]
    assert [s for _, s in article_sentences("\n\n".join(news))] == news
    scores = (
        "Stocks rose.\n\nNEW YORK — Mitchell averaged 20 points, 50.4% shooting, 39.3% on "
        "3-pointers and 85.8% on free throws in 2023-24. The 6-3 guard won. — Jeff Zillgitt"
    )
    assert [s for _, s in article_sentences(scores)][1].startswith("Mitchell averaged 20")


def test_a_run_of_initials_is_looked_for_at_the_end_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each piece joined after a run of initials looked for the next run over the whole
    sentence so far: 100 KB of "in L.A. Coliseum" took 30 s, quadratic in its length."""
    searched: list[int] = []
    pattern = punkt_breaks._ENDS_WITH_RUN

    class Recording:
        def search(self, text: str, pos: int = 0) -> object:
            searched.append(len(text) - pos)
            return pattern.search(text, pos)

    monkeypatch.setattr(punkt_breaks, "_ENDS_WITH_RUN", Recording())
    article_sentences("in L.A. Coliseum " * 300)
    assert len(searched) >= 299  # a search for each piece joined
    assert max(searched) <= punkt_breaks._RUN_TAIL


def test_chinese_japanese_and_hindi_full_stops_end_sentences() -> None:
    text = (
        "第十届博览会于周三开幕。组委会表示，本届博览会重点展示人工智能！"
        "「本当ですか？」と彼は言った。"
    )
    assert split_sentences(text) == [
        "第十届博览会于周三开幕。",
        "组委会表示，本届博览会重点展示人工智能！",
        "「本当ですか？」と彼は言った。",
    ]
    assert split_sentences("दिल्ली में बारिश हुई। लोग खुश हैं।") == ["दिल्ली में बारिश हुई।", "लोग खुश हैं।"]


def test_the_word_no_ends_a_sentence_and_the_abbreviation_does_not() -> None:
    assert split_sentences("Russia voted no. China abstained. It ranks No. 1 now.") == [
        "Russia voted no.",
        "China abstained.",
        "It ranks No. 1 now.",
    ]
    assert split_sentences("The nurse said no, no, no. You need rest.") == [
        "The nurse said no, no, no.",
        "You need rest.",
    ]


def test_a_long_run_is_cut_at_its_last_clause_mark_in_the_second_half() -> None:
    """A comma near the start would make a piece of a few characters, then another run."""
    pieces = bound_sentence("alpha, " + "word " * 300)
    assert len(pieces[0]) > MAX_SENTENCE_CHARS // 2
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)


def test_an_indented_line_of_wire_copy_starts_a_paragraph() -> None:
    wire = "\n".join(
        [
            "The port authority said on Monday that the harbour would reopen",
            "to commercial traffic within two weeks once the dredging of the",
            "main channel was finished and the cranes had been inspected by",
            "    Shipping agents said the delay had cost the local economy a",
            "large sum over the winter months and that several lines had moved",
            "their calls to other ports along the coast while it was closed",
        ]
    )
    assert len(paragraphs(wire)) == 2


# The version of the rules (`splitter.SPLITTER_VERSION`) and a digest of what they make of a
# sample of the shared corpora (`article_sentences`: paragraphs, sentences, furniture).
SPLIT_SAMPLE = (8, "91ff9c4a150c48c9")


@pytest.mark.slow
def test_the_rules_split_the_sample_as_their_version_says() -> None:
    """A change to the rules that splits some text otherwise must bump the version, or the
    articles stored before keep their old sentences after an upgrade's `newsbot reindex`."""
    digest = hashlib.sha256()
    for name in ("bbc-news", "reuters-21578", "news-1m/articles", "news-qa-dev/articles"):
        for article in shared_articles(name, limit=300):
            for paragraph, sentence in article_sentences(article["text"]):
                digest.update(f"{paragraph}\t{sentence}\n".encode())
    made = (SPLITTER_VERSION, digest.hexdigest()[:16])
    assert made == SPLIT_SAMPLE, (
        f"the rules split the sample into {made[1]!r}, recorded for version {SPLIT_SAMPLE[0]}"
        f" as {SPLIT_SAMPLE[1]!r}: bump SPLITTER_VERSION (retrieval/corpus/splitter.py) when"
        " they split some text otherwise, and record the version and the digest here"
    )


def test_a_photo_credit_glued_to_a_sentence_is_cut_and_the_story_kept() -> None:
    """news-qa-dev's pages lost the line breaks between a photo's credit and the story, so
    a quote opened "Claudia Greco/Reuters In pictures: Former UK Prime Minister Rishi Sunak
    Prev Next Sunak has also been...". A credit alone is left out; an agency in the story's
    own words (no "/", or inside a sentence) is news."""
    page = "\n\n".join(
        [
            "Claudia Greco/Reuters In pictures: Former UK Prime Minister Rishi Sunak Prev Next "
            "Sunak has also been scrutinized over his wife's taxes.",
            "David Rose/Shutterstock Liz Truss poses for a photo in London in July 2022. In "
            "pictures: Liz Truss, the UK's new prime minister David Rose/Shutterstock Liz Truss "
            "waves.",
            "Portugal won Group H. Glyn Kirk/AFP/Getty Images Portugal's Ruben Neves heads the "
            "ball.",
            "Kevin Dietsch/Getty Images",
            "The Red Crescent said 10,000 people were missing. (Photo by Ahmed Saleh/AFP via "
            "Getty Images)",
            "Photo: Reuters/Jon Nazca",
            "Reuters reported that the talks failed.",
            "A photo by Glyn Kirk/AFP went viral.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Sunak has also been scrutinized over his wife's taxes.",
        "Liz Truss poses for a photo in London in July 2022.",
        "Liz Truss waves.",
        "Portugal won Group H.",
        "Portugal's Ruben Neves heads the ball.",
        "The Red Crescent said 10,000 people were missing.",
        "Reuters reported that the talks failed.",
        "A photo by Glyn Kirk/AFP went viral.",
    ]


def test_a_gallerys_marks_and_title_are_cut_from_its_captions() -> None:
    """A gallery's items ran together: "Hide Caption 5 of 16 Photos: <the gallery's title>
    <the caption>". The title is what its items share; the caption, which says what
    happened, is kept."""
    gallery = (
        "Photos: The life of Queen Elizabeth II The Queen waves in 1953. Hide Caption 1 of 3 "
        "Photos: The life of Queen Elizabeth II Leon Neal/Getty Images Crowds gather at the "
        "palace. Hide Caption 2 of 3 Photos: The life of Queen Elizabeth II From left, Charles "
        "and Anne ride. Hide Caption 3 of 3"
    )
    assert [s for _, s in article_sentences(f"The Queen died.\n\n{gallery}")] == [
        "The Queen died.",
        "The Queen waves in 1953.",
        "Crowds gather at the palace.",
        "From left, Charles and Anne ride.",
    ]


def test_links_sign_ups_and_a_pages_notes_are_no_sentences() -> None:
    """USA TODAY's links to other stories ("More:Headline", a label, a colon and no space),
    calls to a newsletter or a channel, "Story continues below.", a coverage link, a
    copyright, a reporter's handle and a byline alone at the head stood as sentences. A
    place's round-up ("Salem:A former lawmaker ... pleaded guilty."), a headline in capitals
    that ends in a full stop ("BREAKING:A ... earthquake struck Japan on Monday."), a report
    on Telegram, a newsletter or an inbox in the story and a book's author down a list are
    news."""
    page = "\n\n".join(
        [
            "By Sam Field",
            "Two dams collapsed near Derna on Sunday.",
            "Editor's Note: Sign up for CNN's Wonder Theory science newsletter.",
            "NEVER MISS A MOMENT: Follow our sports newsletter for the latest",
            "Story continues below.",
            "USA TODAY ON TELEGRAM:Join our Russia-Ukraine war channel to receive updates",
            "More:Abortion rights protesters stage a sit-in",
            "obituary:'Leave It to Beaver' actor dies at 80",
            ":A detailed look at the storm's path",
            "Follow AP's coverage at https://apnews.com/hub/libya",
            "Copyright 2023 The Associated Press. All rights reserved.",
            "Follow Jordan Mendoza on Twitter: @jordan_mendoza5.",
            "Salem:A former Oregon lawmaker pleaded guilty Tuesday.",
            "Officials said on Telegram: the dam had burst.",
            "They are death-dealing words, wrote Imani Perry in her newsletter for The Atlantic.",
            "The match starts at 10:30 ET.",
            "Get the top stories delivered to your inbox every morning.",
            "This article is part of the Morning Brief newsletter.",
            "BREAKING:A magnitude 7.1 earthquake struck Japan on Monday.",
            "Gmail will sort promotional emails delivered to users' inboxes into a separate tab.",
            "The newsletter is part of a broader push by the Post to reach younger readers.",
            "Our newsletter audience grew by half, the publisher wrote in a memo.",
            "By Celeste Ng",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Two dams collapsed near Derna on Sunday.",
        "Salem:A former Oregon lawmaker pleaded guilty Tuesday.",
        "Officials said on Telegram: the dam had burst.",
        "They are death-dealing words, wrote Imani Perry in her newsletter for The Atlantic.",
        "The match starts at 10:30 ET.",
        "BREAKING:A magnitude 7.1 earthquake struck Japan on Monday.",
        "Gmail will sort promotional emails delivered to users' inboxes into a separate tab.",
        "The newsletter is part of a broader push by the Post to reach younger readers.",
        "Our newsletter audience grew by half, the publisher wrote in a memo.",
        "By Celeste Ng",
    ]


def test_pointers_elsewhere_and_usa_todays_labels_are_left_out() -> None:
    """Notes that only point elsewhere stood as sentences ("Click here to read the full
    story.", "Looking for updates on California storms?", an editor's note that points to
    live coverage), as did USA TODAY's "Leer en español", its links under a quotation
    ("'There's no need':Australian officials push back...") and the "AI-assisted summary"
    label glued to the summary. An editor's note on the story itself, a question to the
    reader that asks more, a coverage in the story's words and a quotation's label before a
    full sentence are news."""
    page = "\n\n".join(
        [
            "AI-assisted summary Bird flu outbreaks have continued across the U.S.",
            "Leer en español",
            "Leer en español: Mexico made history on Sunday.",
            "Looking for updates on California storms? Follow our latest coverage here.",
            "Editor's note:Click here to watch the Starliner astronauts return to Earth.",
            "Editor's note: You can follow our live coverage here.",
            "Editor's note: Follow along here for the latest updates on Trump's Cabinet.",
            "Editor’s Note: CNN’s continuing coverage of the storm can be found here.",
            "Editor's note: This story has been updated to correct the name of the musician.",
            "Editor's note: This story will be updated with the latest information.",
            "Click here to read the full story.",
            "(Click here to view)",
            "Tap or click here for 5 ways to block your number.",
            "📍 Follow our live coverage.",
            "'There's no need':Australian officials push back against UNESCO over the reef",
            "'No comment':That was all the mayor would say.",
            "Looking for a job?",
            "Our coverage of the storm won a Pulitzer, the paper said.",
            "Follow the money, investigators told the court.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Bird flu outbreaks have continued across the U.S.",
        "Mexico made history on Sunday.",
        "Editor's note: This story has been updated to correct the name of the musician.",
        "Editor's note: This story will be updated with the latest information.",
        "'No comment':That was all the mayor would say.",
        "Looking for a job?",
        "Our coverage of the storm won a Pulitzer, the paper said.",
        "Follow the money, investigators told the court.",
    ]


def test_a_pages_time_of_publishing_is_cut_and_the_story_kept() -> None:
    """USA TODAY's "June 4, 2026, 3:50 p.m. ET" stood as a sentence over the story, and a
    window joined it into quotes ("June 2, 2026 Updated June 3, 2026, 12:35 p.m. ET Former
    first lady..."); a live blog glued its time to each update's words. A timeline's entry
    (a colon after the time, no zone before the event) and a bare date are news."""
    page = "\n\n".join(
        [
            "Jane Smith",
            "USA TODAY",
            "June 2, 2026 Updated June 3, 2026, 12:35 p.m. ET",
            "Former first lady Michelle Obama spoke on Tuesday.",
            "Updated Nov. 14, 2024, 11:53 p.m. ET",
            "June 4, 2026, 3:50 p.m. ET Hunter Biden publicly called out the party.",
            "11:17 am ET April 28, 2026 Share this update What about that handshake?",
            "기사입력 :[ 2018-09-28 17:32 ]",
            "Jan. 6, 2021, 2:13 p.m.: Rioters breach the Capitol.",
            "Sept. 11, 2001, 8:46 a.m. American Airlines Flight 11 struck the north tower.",
            "March 29, 2025",
            "It was about 3:45 a.m. July 23, 1967.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Former first lady Michelle Obama spoke on Tuesday.",
        "Hunter Biden publicly called out the party.",
        "What about that handshake?",
        "Jan. 6, 2021, 2:13 p.m.: Rioters breach the Capitol.",
        "Sept. 11, 2001, 8:46 a.m. American Airlines Flight 11 struck the north tower.",
        "March 29, 2025",
        "It was about 3:45 a.m. July 23, 1967.",
    ]


def test_cnns_video_player_is_no_sentence() -> None:
    """CNN's embedded player, "Video Ad Feedback <title> 02:17 - Source: CNN" (the title
    before the time, after "Source: CNN" or both), stood as sentences in 167 articles of
    news-qa-dev; no story's words are in it. A story about a video is news."""
    page = "\n\n".join(
        [
            "Video Ad Feedback Map shows how Ukraine pulled off counteroffensive 04:19 - "
            "Source: CNN",
            "Video Ad Feedback 03:48 - Source: CNN She fled Ukraine for the UK. Then her hosts "
            "asked her to leave",
            "Video Ad Feedback Yosemite's biggest restoration in history 01:36 • Source: CNN "
            "Yosemite's biggest restoration in history 01:36",
            "Kyiv's forces retook the city on Friday.",
            "A video shared by CNN shows the 02:17 mark, the source said.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Kyiv's forces retook the city on Friday.",
        "A video shared by CNN shows the 02:17 mark, the source said.",
    ]


def test_more_calls_on_the_reader_are_no_sentences() -> None:
    """Calls the rules missed: sign-ups, "click here", The Week's sign-up box, a "►" link
    with a space after its label, a copyright after "©", a republished article's note, an
    app, USA TODAY's notes under a story, a staff byline at the head. News that looks like
    them stays: a service's price, a county's app, a "►" list item that is a sentence, a
    quotation in a label, "Staff reports show", someone telling others to click."""
    page = "\n\n".join(
        [
            "Staff Report",
            "The county opened two shelters on Monday.",
            "You can sign up right here.",
            "For the latest news, click here.",
            "Sign up for Today's Best Articles in your inbox A free daily email with the biggest "
            "news stories of the day – and the best features from TheWeek.com Contact me with "
            "news and offers from other Future brands Receive email from us on behalf of our "
            "trusted partners or sponsors",
            "►Extended Way Day: Save up to 80% with Wayfair deals",
            "► Read the full story here.",
            "© Copyright 2021, Des Moines Register and Tribune Co.",
            "This article was originally published by Futurism. Read the original article.",
            ": Download the USA TODAY app for more",
            "Story idea?",
            "Want to send Nicole a note?",
            "You can sign up for Prime Video for $8.99 per month.",
            "Download the app from the App Store and Google.",
            "► Memorial Day travel: Yes, airports will be mobbed.",
            '► Hear Peter Benjaminson, author of "Mary Wells: The Tumultuous Life," talk:',
            "Staff reports show the shelters are full.",
            "He told viewers to click here.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "The county opened two shelters on Monday.",
        "You can sign up for Prime Video for $8.99 per month.",
        "Download the app from the App Store and Google.",
        "► Memorial Day travel: Yes, airports will be mobbed.",
        '► Hear Peter Benjaminson, author of "Mary Wells: The Tumultuous Life," talk:',
        "Staff reports show the shelters are full.",
        "He told viewers to click here.",
    ]


def test_usa_todays_app_box_is_no_sentence() -> None:
    """USA TODAY's box for its app, under a mark of any kind, stood as sentences in 17
    articles of news-qa-dev and reached quotes ("📲 The USA TODAY app gets you to the heart
    of the news — fast."). News about the app stays."""
    page = "\n\n".join(
        [
            "📲 The USA TODAY app gets you to the heart of the news — fast.",
            "∎ The USA TODAY app gets you to the heart of the news — fast.Download for "
            "award-winning coverage, crosswords, audio storytelling, the eNewspaper and more.",
            "➤ Download for award-winning coverage, crosswords, audio storytelling, the "
            "eNewspaper and more.",
            "The USA TODAY app brings you every Team USA medal — right when it happens.",
            "The USA TODAY app was downloaded a million times during the Olympics.",
            "Gannett launched the USA TODAY app in 2008.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "The USA TODAY app was downloaded a million times during the Olympics.",
        "Gannett launched the USA TODAY app in 2008.",
    ]


def test_cnns_newsletter_box_is_left_out_with_its_teaser() -> None:
    """CNN's box at an article's head, a call and what the newsletter holds ("Explore the
    universe with news on fascinating discoveries...", in 64 articles of news-qa-dev), and
    CNN Opinion's "Join us on Twitter and Facebook" stood as sentences once the call was
    left out. What follows a call is the story's where it reports someone, goes on in its
    paragraph or stands further down."""
    page = "\n\n".join(
        [
            "Sign up for CNN’s Wonder Theory science newsletter. Explore the universe with news "
            "on fascinating discoveries, scientific advancements and more.",
            "Get our free weekly newsletter Sign up for CNN Opinion’s newsletter. We’re looking "
            "back at the strongest, smartest opinion takes of the week from CNN and other "
            "outlets.",
            "NASA's Webb telescope found carbon on a distant moon.",
            "Follow CNN Opinion Join us on Twitter and Facebook",
            "Sign up for our newsletter. The moon is colder than expected, the team said.",
            "Sign up for our weekly newsletter. The probe launched in 2023. It reached orbit.",
            "Sign up for our science newsletter. The probe reached Jupiter on Monday.",
            "Join us on Twitter and Facebook",
            "Fans can join us on Facebook for a live chat on Monday.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "NASA's Webb telescope found carbon on a distant moon.",
        "The moon is colder than expected, the team said.",
        "The probe launched in 2023.",
        "It reached orbit.",
        "The probe reached Jupiter on Monday.",
        "Fans can join us on Facebook for a live chat on Monday.",
    ]


def test_read_more_glued_to_an_item_is_cut_and_the_item_kept() -> None:
    """A live blog's or a link list's "Read more" glued to its item stood in quotes
    ("Willowood Park (Silver Spring Drive and Badger Drive) Read more"); under a mark it
    stood alone ("👉 Read more."). The item's words stay; so does "read more" in the story's
    words or in quotation marks."""
    page = "\n\n".join(
        [
            "Willowood Park (Silver Spring Drive and Badger Drive) Read more",
            "The posts misrepresent a treaty between the U.S. and Ukraine. The claim is tied to "
            "a campaign aimed at discrediting the U.S. Read more.",
            "According to Airbnb, hours for the public are: Read more",
            "FBI agents searched his home, the agency's field office said on X. Read more here.",
            "👉 Read more.",
            "➤ Read the full story here",
            'The library\'s campaign asks children to "Read more"',
            "Nothing has spread more rapidly than the laws, and voters want to read more",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Willowood Park (Silver Spring Drive and Badger Drive)",
        "The posts misrepresent a treaty between the U.S. and Ukraine.",
        "The claim is tied to a campaign aimed at discrediting the U.S.",
        "According to Airbnb, hours for the public are:",
        "FBI agents searched his home, the agency's field office said on X.",
        'The library\'s campaign asks children to "Read more"',
        "Nothing has spread more rapidly than the laws, and voters want to read more",
    ]


def test_a_live_blogs_update_stamp_is_no_sentence() -> None:
    """A live blog's update stamp, the time and who wrote the update ("Updated 11:39 p.m. ET
    / Ariel Edwards-Levy", "7:47 p.m. ET / Tami Luhby") or the time and the day ("Updated
    1:30 p.m. Friday, July 23"), stood as sentences and reached quotes. A schedule's time
    and day, a show's "ET/PT", are news."""
    page = "\n\n".join(
        [
            "Updated 11:39 p.m. ET / Ariel Edwards-Levy",
            "Voters who disliked both parties broke for Republicans.",
            "7:47 p.m. ET / Tami Luhby",
            "Updated 1:30 p.m. Friday, July 23",
            "1 p.m. Sunday, July 18",
            "An encore on NBC will follow at 2 p.m. ET/PT.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "Voters who disliked both parties broke for Republicans.",
        "1 p.m. Sunday, July 18",
        "An encore on NBC will follow at 2 p.m. ET/PT.",
    ]


def test_an_outlets_call_to_its_app_is_no_sentence() -> None:
    """An outlet's call to its own app or edition, after a label or a purpose ("► Get
    breaking news alerts: Download the free Tennessean app for the latest storm updates."),
    stood as sentences. Someone's use of an app is news, and so is an agency's or a shop's
    app the story tells the reader of, where it is for no news."""
    page = "\n\n".join(
        [
            "► Get breaking news alerts: Download the free Tennessean app for the latest storm "
            "updates.",
            "► Aftermath and recovery: Follow the latest tornado developments on the free "
            "Tennessean app.",
            "To be notified of breaking news, we encourage you to download the Caller-Times app "
            "for your mobile device.",
            "Download your local site's app to ensure you're always connected to the news.",
            "News alerts delivered to your phone: Download IndyStar app for breaking news, "
            "sports.",
            "Stay tuned to APP.com for the latest on these races and download our mobile app to "
            "have live election results at your fingertips.",
            "You can subscribe to our print edition, ad-free app or e-newspaper here.",
            "More than 200,000 readers downloaded the Tennessean app for storm news in March.",
            "People can download the Volusia Beaches App for real-time beach updates.",
            "Residents are encouraged to download the AVL Collects app for pickup news.",
            "Alternatively download the FEMA app or call toll free 800-621-3362.",
            "Customers can download the McDonald's app for free fries on Fridays.",
            '"Download the Tennessean app for news," the mayor said.',
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "More than 200,000 readers downloaded the Tennessean app for storm news in March.",
        "People can download the Volusia Beaches App for real-time beach updates.",
        "Residents are encouraged to download the AVL Collects app for pickup news.",
        "Alternatively download the FEMA app or call toll free 800-621-3362.",
        "Customers can download the McDonald's app for free fries on Fridays.",
        '"Download the Tennessean app for news," the mayor said.',
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "“There it is!” she yelled.",
        "“Why is he meeting with the oppressor?” she asked.",
        '"The Commonwealth will not survive this." one X user posted.',
        "He saw it at Ripley's Believe It or Not! on Hollywood Boulevard.",
        "The committee chairman, Rep. Bennie Thompson, D-Miss. said the vote was set.",
        'Billie Eilish ("What Was I Made For?") from "Barbie" won.',
        "A celebrity special of Who Wants to Be a Millionaire? has been scrapped.",
    ],
)
def test_a_word_in_lower_case_goes_on_after_a_quotation_or_a_bang(paragraph: str) -> None:
    """Punkt broke after a "!" or "?" (a quotation's, a title's) and after a party and state
    before any word: "“There it is!” | she yelled." (about 900 breaks in news-qa-dev)."""
    assert split_sentences(paragraph) == [paragraph]


@pytest.mark.parametrize(
    "paragraph",
    [
        "“Go card!” Woods tweeted.",
        '"Well, why is that, Kevin?" Crawford asked.',
        '"We will wait for a decision." He added.',
        "“What a game, what a coach, what a team!” President Trump wrote.",
        "‘Can you do it for them?’ Dale Earnhardt Jr. said.",
        '"Why take the risk?" López Obrador asked.',
    ],
)
def test_an_attribution_goes_on_with_the_quotation_before_it(paragraph: str) -> None:
    """Punkt broke after a quotation's "!", "?" or full stop before a capitalised name:
    "“Go card!” | Woods tweeted." left the quote without its speaker and the speaker a
    sentence of its own (262 breaks in news-qa-dev, 125 in every fourth article of news-1m)."""
    assert split_sentences(paragraph) == [paragraph]


@pytest.mark.parametrize(
    ("paragraph", "parts"),
    [
        (
            '"We won." Smith said the vote was fair.',
            ['"We won."', "Smith said the vote was fair."],
        ),
        ("The sign read “Closed.” Police left.", ["The sign read “Closed.”", "Police left."]),
        ('He asked "Why?" That said.', ['He asked "Why?"', "That said."]),
        ("It was over. Trump said.", ["It was over.", "Trump said."]),
    ],
)
def test_a_sentence_after_a_quotation_that_is_no_attribution_alone_is_its_own(
    paragraph: str, parts: list[str]
) -> None:
    """An attribution goes on only as a name or a pronoun and a verb of saying alone, after
    a quotation: a sentence that says more, another verb, a stopword or no quotation part."""
    assert split_sentences(paragraph) == parts


@pytest.mark.parametrize(
    ("paragraph", "parts"),
    [
        ("Did it work? iPhone sales say yes.", ["Did it work?", "iPhone sales say yes."]),
        ("Who knows? eBay does.", ["Who knows?", "eBay does."]),
        ('He left." http://x.com/a has it.', ['He left."', "http://x.com/a has it."]),
    ],
)
def test_a_name_or_an_address_in_lower_case_opens_a_sentence(
    paragraph: str, parts: list[str]
) -> None:
    assert split_sentences(paragraph) == parts


@pytest.mark.parametrize(
    "paragraph",
    [
        "Minjee won the 2012 U.S. Girls’ Junior and Min Woo the 2016 U.S. Junior Amateur.",
        "A used car cost $28,740, according to J.D. Powers' Banks.",
        "(It has not been entirely successful; see fact No. 15.)",
        'Johnson maintains that "all guidance was followed completely in No. 10."',
        "He canceled trips to his home in Wilmington, Del. and Tuesday to Hemlock, Mich.",
        "The two met at a grave in Yalobusha County, Miss. and felt a connection.",
        'Whether "40 oz. to Fresno," the punk songs they released in June, is any indication.',
        "The trail entrance is along the powerline 0.5 mi. west of the parking lot.",
        "The salad has ¼ cup feta, 1 tsp. olive oil and 1 Tbsp. balsamic vinegar.",
        "Die PEPA ist eine fallübergreifende bzw. lebenslange Akte.",
        "Die App steht für 25 Mio. Versicherte zur Verfügung.",
        "Das regelt § 291a Absatz 3 Nr. 4 SGB V.",
    ],
)
def test_a_sentence_goes_on_after_an_abbreviation_that_ends_none(paragraph: str) -> None:
    """Punkt broke after "U.S." before a plural's possessive ("the 2012 U.S. | Girls’
    Junior"), after "No." before a number, a state or a unit before a word in lower case,
    and German's "bzw.", "Mio." and "Nr.": 42 breaks in news-qa-dev and every 4th article
    of news-1m, none a sentence's end."""
    assert split_sentences(paragraph) == [paragraph]


def test_those_abbreviations_end_a_sentence_before_a_new_one() -> None:
    """Before a capital a state, a unit, "U.S." and "Mio." in a title end their sentence:
    the joins want a word in lower case, a number or a plural's possessive after them."""
    assert split_sentences(
        "He lives in Dover, Del. He left for Wilmington, Del. and Hemlock, Mich. on Monday."
    ) == ["He lives in Dover, Del.", "He left for Wilmington, Del. and Hemlock, Mich. on Monday."]
    assert split_sentences("The bag weighs 5 lbs. The 40 oz. bottle is small.") == [
        "The bag weighs 5 lbs.",
        "The 40 oz. bottle is small.",
    ]
    assert split_sentences("Stocks rose in the U.S. It’s late. The U.S. Girls’ Junior ended.") == [
        "Stocks rose in the U.S.",
        "It’s late.",
        "The U.S. Girls’ Junior ended.",
    ]
    assert split_sentences("He sang O Dio Mio. After the show he was No. 1.") == [
        "He sang O Dio Mio.",
        "After the show he was No. 1.",
    ]


def test_more_credits_players_pitches_and_tweet_tails_are_cut() -> None:
    """A photographer's "NAME for CNN" before a caption, a "courtesy" credit, The Week's
    pitch, CNN's older video player, Fox Business's, RT's, Moneycontrol's and CNET's notes,
    an embedded tweet's link and poster, and a gallery's title before or after its items
    stood as sentences or in them, and reached quotes. The story's words stay: a caption, a
    tweet's words, "courtesy of" in prose, "Writing for CNN Opinion"."""
    page = "\n\n".join(
        [
            "Matthew Busch for CNN People in Uvalde light candles during a memorial on May 25.",
            "Andrea Ellen Reed for CNN",
            "Writing for CNN Opinion, the historian said the vote was close.",
            "courtesy Ron Magill",
            "Jill Filipovic Courtesy Jill Filipovic",
            "It shows Madison, 8, and Nevaeh, 4. courtesy Smith & Noble family",
            "Odds courtesy of BetMGM as of Tuesday",
            "The new eclipse calculations come courtesy of John Irwin, an amateur astronomer.",
            "Get the facts behind the news, plus analysis from multiple perspectives.",
            "JUST WATCHED What the mortgage rate spike means for first-time home buyers Replay "
            "More Videos ... MUST WATCH What the mortgage rate spike means for first-time home "
            "buyers 02:33",
            "GET FOX BUSINESS ON THE GO BY CLICKING HERE",
            "Also on rt.com Journalists & politicians from Morales’ party threatened with "
            "sedition arrests",
            "Like this story? Share it with a friend!",
            'Use the code "GETPRO".',
            "Also: See Black Friday coverage at CNET",
            "Also, big congrats to Pyotr Dubrov who just marked 300 days on the station "
            "pic.twitter.com/09LZ80TT9g — Matthias Maurer (@astro_matthias) February 4, 2022",
            "pic.twitter.com/ZhQ9hfN84I — Glacier National Park (@GlacierNPS) June 16, 2022",
            "Jane said the facts behind the news matter, and she would like this story to spread.",
            "A man leaves the Uvalde civic center on May 24. William Luther/San Antonio "
            "Express-News/Zuma In pictures: Mass shooting at Texas elementary school Prev Next",
            "In pictures: Mass shooting at Texas elementary school 44 photos The area around the "
            "school has become a memorial.",
            "In pictures: Mass shooting at Texas elementary school The fence is covered in "
            "flowers.",
            "In pictures: Mass shooting at Texas elementary school",
            "Photos taken in pictures: the museum shows them.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "People in Uvalde light candles during a memorial on May 25.",
        "Writing for CNN Opinion, the historian said the vote was close.",
        "It shows Madison, 8, and Nevaeh, 4.",
        "Odds courtesy of BetMGM as of Tuesday",
        "The new eclipse calculations come courtesy of John Irwin, an amateur astronomer.",
        "Also, big congrats to Pyotr Dubrov who just marked 300 days on the station",
        "Jane said the facts behind the news matter, and she would like this story to spread.",
        "A man leaves the Uvalde civic center on May 24.",
        "The area around the school has become a memorial.",
        "The fence is covered in flowers.",
        "Photos taken in pictures: the museum shows them.",
    ]


def test_the_weeks_forms_and_moneycontrols_pitch_are_left_out() -> None:
    """The Week's box "Sign up to our ..." (v5 knew "Sign up for ...") and the form after it,
    the WeekDay newsletter's consent form, and Moneycontrol's pitch for Moneycontrol Pro were
    stored as sentences. News stays: an error someone reports ("There was a problem."), a
    newsletter named in the story, Moneycontrol's Pro in prose."""
    page = "\n\n".join(
        [
            "Sign up to our 10 Things You Need to Know Today newsletter A free daily digest of "
            "the biggest news stories of the day - and the best features from our website "
            "Name: Your Email Address Contact me with news and offers from other Future brands "
            "Thank you for signing up to TheWeek. You will receive a verification email "
            "shortly. There was a problem. Please refresh the page and try again. By "
            "submitting your information you agree to the Terms & Conditions and Privacy "
            "Policy and are aged 16 or over.",
            "The Duke and Duchess of Cambridge are set to move into Adelaide Cottage.",
            "The app crashed on Monday. There was a problem. Please refresh the page and try "
            "again.",
            "We will use the details you have shared to manage your registration. You agree to "
            "the processing, storage, sharing and use of this information for the purpose of "
            "managing your registration as described in our Privacy Policy.",
            "Would you like to receive The WeekDay newsletter ?",
            "The WeekDay newsletter provides you with a daily digest of news and analysis.",
            "We will use the details you have shared to manage your newsletter subscription.",
            "We will use the information you have shared for carefully considered and specific "
            "purposes, where we believe we have a legitimate case to do so, for example to send "
            "you communications about similar products and services we offer. You can find out "
            "more about our legitimate interest activity in our Privacy Policy.",
            "If you wish to object to the use of your data in this way, please tick here.",
            "'We' includes The Week and other Future Publishing Limited brands as detailed here.",
            "Readers of the WeekDay newsletter were asked to vote.",
            "Get access to India's fastest growing financial subscriptions service Moneycontrol "
            "Pro for as little as Rs 599 for first year.",
            "Moneycontrol Pro offers you all the information you need for wealth creation "
            "including actionable investment ideas, independent research and insights & "
            "analysis For more information, check out the Moneycontrol website or mobile app.",
            "Moneycontrol Pro gained 100,000 subscribers, the company said.",
        ]
    )
    assert [s for _, s in article_sentences(page)] == [
        "The Duke and Duchess of Cambridge are set to move into Adelaide Cottage.",
        "The app crashed on Monday.",
        "There was a problem.",
        "Please refresh the page and try again.",
        "Readers of the WeekDay newsletter were asked to vote.",
        "Moneycontrol Pro gained 100,000 subscribers, the company said.",
    ]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (  # a reviewer's article: the quotes had lost the day, the month or the century
            "Die Sanierung der Mülheimer Brücke soll am 15. Januar 2027 beginnen. Bereits im 19. "
            "Jahrhundert sei die Brücke ein Sorgenkind gewesen. Eine Entscheidung über den "
            "Radweg fällt erst am 3. März.",
            [
                "Die Sanierung der Mülheimer Brücke soll am 15. Januar 2027 beginnen.",
                "Bereits im 19. Jahrhundert sei die Brücke ein Sorgenkind gewesen.",
                "Eine Entscheidung über den Radweg fällt erst am 3. März.",
            ],
        ),
        (  # html-articles' comwrap page: "Am 12." | "Bis 13." | "September startet..."
            "Am 12. Bis 13. September startet wieder die DMEXCO 2018. Wir sind dabei.",
            ["Am 12. Bis 13. September startet wieder die DMEXCO 2018.", "Wir sind dabei."],
        ),
        (
            "Am 12. Sept. beginnt es. Am 1. Okt. endet es. Im 3. Jh. war das so. Er wurde "
            "zum 3. Mal Meister.",
            [
                "Am 12. Sept. beginnt es.",
                "Am 1. Okt. endet es.",
                "Im 3. Jh. war das so.",
                "Er wurde zum 3. Mal Meister.",
            ],
        ),
        (
            "De vergadering is op 5. januari. Prezident přijel 7. května do Prahy. Hän saapui "
            "3. maaliskuuta. Det skjedde 17. mai.",
            [
                "De vergadering is op 5. januari.",
                "Prezident přijel 7. května do Prahy.",
                "Hän saapui 3. maaliskuuta.",
                "Det skjedde 17. mai.",
            ],
        ),
        (
            "Es gibt viele Gründe, z. B. die Kosten. Andere, u. a. Berlin, sind dafür. Das "
            "heißt, d. h. Neubau. Vor allem v. a. Kinder. Er sagte bzw. Schrieb es.",
            [
                "Es gibt viele Gründe, z. B. die Kosten.",
                "Andere, u. a. Berlin, sind dafür.",
                "Das heißt, d. h. Neubau.",
                "Vor allem v. a. Kinder.",
                "Er sagte bzw. Schrieb es.",
            ],
        ),
    ],
)
def test_a_german_ordinal_date_or_abbreviation_ends_no_sentence(
    paragraph: str, expected: list[str]
) -> None:
    """German writes an ordinal with a full stop ("am 3. März"), which Punkt took for a
    sentence's end before a capital, so a quote lost the month or the day."""
    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize(
    "paragraph",
    [
        "The vote was held in 2019. March was the month it failed.",
        "He scored 12. May he score more.",
        "The plan failed in 1998. April saw a new one.",
        "Die Zahl stieg auf 2.5. März war schlecht.",
        # news-1m's and news-qa-dev's: months English shares with German
        "Boats killed 22, nearing the record of 25. August was a particularly bad month.",
        "8. April 21, 1841: Henry Van Pelt publishes the first issue of The Appeal.",
        "Crews raised the rocket at Launch Complex 37. Feb. 26: The payload was delivered.",
    ],
)
def test_a_year_or_an_english_number_before_a_month_still_ends_a_sentence(
    paragraph: str,
) -> None:
    """Only a German-style ordinal (one or two digits) goes on to a month's name."""
    assert len(split_sentences(paragraph)) == 2


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"])
def test_a_french_opening_guillemet_opens_the_next_sentence(space: str) -> None:
    """Punkt ended a sentence after the spaced "«" that opens the next one, so a digest's
    extract started mid-quotation ("…Thomas Müller. «" | "Nous avons besoin… »")."""
    paragraph = (
        f"Le match a été remporté par Thomas Müller. «{space}Nous avons besoin de "
        f"temps.{space}» Puis il est parti."
    )
    assert split_sentences(paragraph) == [
        "Le match a été remporté par Thomas Müller.",
        f"«{space}Nous avons besoin de temps.{space}»",
        "Puis il est parti.",
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "El partido terminó. «Necesitamos tiempo», dijo. Luego se fue.",
        "Das Spiel endete. „Wir brauchen Zeit“, sagte er. »Wir brauchen Zeit«, sagte er.",
        "Матч закончился. «Нам нужно время», сказал он. Потом ушёл.",
        "« Nous avons besoin de temps. » Puis il est parti.",
    ],
)
def test_quotation_marks_glued_to_their_words_split_as_before(paragraph: str) -> None:
    expected = {
        "El": ["El partido terminó.", "«Necesitamos tiempo», dijo.", "Luego se fue."],
        "Da": [
            "Das Spiel endete.",
            "„Wir brauchen Zeit“, sagte er.",
            "»Wir brauchen Zeit«, sagte er.",
        ],
        "Ма": ["Матч закончился.", "«Нам нужно время», сказал он.", "Потом ушёл."],
        "« ": ["« Nous avons besoin de temps. »", "Puis il est parti."],
    }
    assert split_sentences(paragraph) == expected[paragraph[:2]]


def test_an_arabic_question_mark_and_a_chinese_quotations_stop_end_sentences() -> None:
    assert split_sentences("قال الوزير: هل هذا صحيح؟ لا أحد يعرف.") == [
        "قال الوزير: هل هذا صحيح؟",
        "لا أحد يعرف.",
    ]
    assert split_sentences("他说：“这是真的。”然后他走了。") == [
        "他说：“这是真的。”",
        "然后他走了。",
    ]
    # a Japanese quotation's stop is followed by the sentence it is in
    assert split_sentences("「本当ですか？」と彼は言った。") == ["「本当ですか？」と彼は言った。"]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (  # a re-check of splitter 7: "Der 1." | "FC Köln spielt in der 2." | "Bundesliga."
            "Der 1. FC Köln spielt in der 2. Bundesliga. Das ist so.",
            ["Der 1. FC Köln spielt in der 2. Bundesliga.", "Das ist so."],
        ),
        ("Es war der 2. Versuch. Er gelang.", ["Es war der 2. Versuch.", "Er gelang."]),
        (
            "Die 3. Liga spielt. Beim 4. Anlauf klappte es. Zur 6. Stunde kam er.",
            ["Die 3. Liga spielt.", "Beim 4. Anlauf klappte es.", "Zur 6. Stunde kam er."],
        ),
    ],
)
def test_a_german_ordinal_after_an_article_counts_the_noun_after_it(
    paragraph: str, expected: list[str]
) -> None:
    """After "der", "die", "im", "zum", "beim"... a German ordinal counts the noun that
    follows, whichever it is: Punkt ended a sentence at the ordinal's stop before it."""
    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize(
    "paragraph",
    [
        "I am 12. My sister is ten.",
        "I am 12. Next year I will be 13.",
        "She was in the 2. Division was next.",
        "They said it would die 2. Then it did.",
    ],
)
def test_an_english_number_after_a_word_like_a_german_article_still_ends_a_sentence(
    paragraph: str,
) -> None:
    assert len(split_sentences(paragraph)) == 2


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (  # a re-check of splitter 7: "Dr. Müller kam ca." | "10 Min." | "zu spät."
            "Dr. Müller kam ca. 10 Min. zu spät. Dann ging es los.",
            ["Dr. Müller kam ca. 10 Min. zu spät.", "Dann ging es los."],
        ),
        (
            "Nach Art. 5 GG ist das erlaubt. Das regelt Art. 3 Abs. 1 GG. Gut.",
            ["Nach Art. 5 GG ist das erlaubt.", "Das regelt Art. 3 Abs. 1 GG.", "Gut."],
        ),
        (
            "Er kam ca. 3 Std. zu spät. Der Preis lag bei ca. zehn Euro. Ruf an unter Tel. "
            "0123 45. Das war evtl. Zu viel, ggf. Mehr, inkl. Steuern usw. und mehr. Dann usw. "
            "Morgen geht es weiter.",
            [
                "Er kam ca. 3 Std. zu spät.",
                "Der Preis lag bei ca. zehn Euro.",
                "Ruf an unter Tel. 0123 45.",
                "Das war evtl. Zu viel, ggf. Mehr, inkl. Steuern usw. und mehr.",
                "Dann usw.",
                "Morgen geht es weiter.",
            ],
        ),
    ],
)
def test_a_german_abbreviation_ends_no_sentence_before_what_it_goes_on_to(
    paragraph: str, expected: list[str]
) -> None:
    """German's "ca.", "Min.", "Std.", "Art.", "Abs.", "Tel.", "evtl.", "ggf.", "inkl." and
    "usw." end no sentence before the number or word each goes on to: Punkt ended one after
    each. "usw." before a capital may end one, and does."""
    assert split_sentences(paragraph) == expected


def test_english_art_before_a_number_still_ends_a_sentence() -> None:
    """news-1m's events list: "Art." is the English word there."""
    paragraph = "Aug. 18: Salisbury University Kids Camp: Nature as Art. 9 a.m. $30."
    assert split_sentences(paragraph) == [
        "Aug. 18: Salisbury University Kids Camp: Nature as Art.",
        "9 a.m. $30.",
    ]


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"])
def test_a_french_closing_guillemet_closes_the_sentence_before_it(space: str) -> None:
    """A quotation of several sentences left its closing "»" opening a sentence of its own:
    "« Nous ne céderons pas." | "Jamais." | "», a-t-il dit." It closes "Jamais.", and what
    goes on in lower case or after a comma goes on with it, as English's "Never.” he said."."""
    paragraph = (
        f"«{space}Nous ne céderons pas. Jamais.{space}», a-t-il dit. «{space}Plus jamais."
        f" Non.{space}» Puis il est parti. «{space}Oui. Jamais !{space}» a-t-il crié."
    )
    assert split_sentences(paragraph) == [
        f"«{space}Nous ne céderons pas.",
        f"Jamais.{space}», a-t-il dit.",
        f"«{space}Plus jamais.",
        f"Non.{space}»",
        "Puis il est parti.",
        f"«{space}Oui.",
        f"Jamais !{space}» a-t-il crié.",
    ]


def test_an_english_quotation_and_a_german_guillemet_split_as_before() -> None:
    paragraph = (
        "“We will not yield. Never.” he said. Then he left. Das Spiel endete. »Wir brauchen "
        "Zeit.« Gut. »Wir auch.« »Nein«, sagte er."
    )
    assert split_sentences(paragraph) == [
        "“We will not yield.",
        "Never.” he said.",
        "Then he left.",
        "Das Spiel endete.",
        "»Wir brauchen Zeit.«",
        "Gut.",
        "»Wir auch.«",
        "»Nein«, sagte er.",
    ]


def test_punkt_tables_in_nltk_data_are_not_read(tmp_path: Path) -> None:
    """Any tokenizers/punkt_tab/english on nltk's search path (NLTK_DATA, ~/nltk_data, the
    venv's) replaced the bundled tables: a CLI run from a shell with NLTK_DATA and the bot's
    service without it split the same corpus differently under one SPLITTER_VERSION."""
    text = (
        "The company moved to Calif. Later that year, it left for Fla. "
        "Officials met at 10 Main Ave. Smith said so."
    )
    elsewhere = tmp_path / "nltk_data"
    tables = elsewhere / "tokenizers" / "punkt_tab" / "english"
    tables.mkdir(parents=True)
    for name in ("abbrev_types.txt", "collocations.tab", "sent_starters.txt", "ortho_context.tab"):
        (tables / name).touch()  # no abbreviations at all: "Calif." ends a sentence
    # nltk's own tokenizer reads them there, and splits the text otherwise
    split_there = (
        "import json, sys; from nltk.tokenize.punkt import PunktTokenizer; "
        "from retrieval.corpus.sentences import split_sentences; "
        "print(json.dumps([PunktTokenizer().tokenize(sys.argv[1]), split_sentences(sys.argv[1])]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", split_there, text],
        env={**os.environ, "NLTK_DATA": str(elsewhere), "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    nltks, ours = json.loads(done.stdout)
    assert nltks != [text]
    assert ours == split_sentences(text) == [text]
