"""A story's extract: the sentence or two of one of its reports that best say what happened.

The extract is the item's most representative sentence (and a second from the same article
when the first is short and the second is close to the story too): the sentence closest to
the centroid of the whole item (all its articles' sentences, plus their titles, which state
what happened), after dropping lines that are page furniture rather than news, and photos'
captions (`_uncaptioned`). News is
written lead first, so an article's first sentences of prose get a small bonus; the
centroid decides between reports, and overrules a lead that is off the story.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retrieval.corpus.furniture import is_photo_caption
from retrieval.corpus.text import is_near_duplicate, joined_sentences
from retrieval.digest.story_articles import StoryArticle, cut_short, has_text, prose
from retrieval.digest.story_terms import Vector, dot, unit_vector
from retrieval.index.tokens import Tokenizer

TITLE_WEIGHT = 2.0  # titles' share of the centroid, relative to one sentence
LEAD_BONUS = (0.25, 0.1)  # for an article's first and second sentences of prose
SHORT_SENTENCE_WORDS = 25  # a best sentence this short may take a second one along
MAX_EXTRACT_WORDS = 45  # if both fit in this
MAX_EXTRACT_CHARS = 360
SECOND_SENTENCE_SHARE = 0.5  # of the best sentence's similarity to the centroid


@dataclass(frozen=True, slots=True)
class Extract:
    """What an item says happened, and the article it was taken from."""

    text: str
    article_id: int


def representative_extract(
    articles: Sequence[StoryArticle], tokenizer: Tokenizer, idf: Mapping[str, float]
) -> Extract:
    """One or two sentences that best say what the story is, from one of its articles
    that has text of its own (`has_text`), if any has.

    `idf` weighs terms (from `idf_table` over the period's articles, which hold these).
    Empty when no line is prose (a results table): the headline then says it all.
    """

    def vector(text: str) -> Vector:
        return unit_vector({t: n * idf.get(t, 1.0) for t, n in Counter(tokenizer(text)).items()})

    told = [a for a in articles if has_text(a)] or articles  # not a headline's echo
    # its headline shown with it: one cut short ("Powerball: A single winning ticket for
    # the $2.04 billion jackpot was ...") only where no other report has a whole one
    told = [a for a in told if not cut_short(a.title)] or told
    candidates = [
        (article.id, position, sentence, vector(sentence))
        for article in told
        for position, sentence in enumerate(prose(_uncaptioned(article.sentences)))
    ] or [  # a gallery: its captions are all it says
        (article.id, position, sentence, vector(sentence))
        for article in told
        for position, sentence in enumerate(prose(article.sentences))
    ]
    if not candidates:
        return Extract("", told[0].id)  # tables, lists: the headline says it
    centroid: defaultdict[str, float] = defaultdict(float)
    for *_, v in candidates:
        for term, weight in v.items():
            centroid[term] += weight
    for article in articles:
        for term, weight in vector(article.title).items():
            centroid[term] += TITLE_WEIGHT * weight
    center = unit_vector(centroid)
    similarity = [dot(v, center) for *_, v in candidates]
    scores = [
        sim + (LEAD_BONUS[position] if position < len(LEAD_BONUS) else 0.0)
        for sim, (_, position, _, _) in zip(similarity, candidates, strict=True)
    ]
    ranking = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    best = ranking[0]
    article_id, position, text, _ = candidates[best]
    chosen = [(position, text)]
    if len(text.split()) < SHORT_SENTENCE_WORDS:
        for other in ranking[1:]:  # its neighbours, the better first
            other_article, other_position, other_text, _ = candidates[other]
            if (
                other_article == article_id
                # the sentence before or after: "His" or "he tells Johnson" of one further
                # on names someone the extract never introduced
                and abs(other_position - position) == 1
                and similarity[other] >= SECOND_SENTENCE_SHARE * similarity[best]
                and len(text.split()) + len(other_text.split()) <= MAX_EXTRACT_WORDS
                and not is_near_duplicate(text, other_text, threshold=0.5)
            ):
                chosen.append((other_position, other_text))
                break
    return Extract(_clip(joined_sentences(t for _, t in sorted(chosen))), article_id)


def _uncaptioned(sentences: Sequence[str]) -> list[str]:
    """`sentences` but photos' captions (`furniture.is_photo_caption`, given the line after
    each, which may be its credit). A caption describes a picture ("A man walks past a
    destroyed building in Kyiv, Ukraine, May 3, 2022."): set at a page's head, it took the
    lead's bonus, and a story's extract showed the picture instead of the news."""
    after = [*sentences[1:], ""]
    return [s for s, line in zip(sentences, after, strict=True) if not is_photo_caption(s, line)]


def _clip(text: str) -> str:
    if len(text) <= MAX_EXTRACT_CHARS:
        return text
    cut = text[: MAX_EXTRACT_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_EXTRACT_CHARS // 2 else cut).rstrip(" ,;:") + "…"
