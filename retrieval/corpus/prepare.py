"""Articles made ready to store: what finds a stored copy (canonical URL, fingerprint) and
what storing writes (sentences, what each names, the title's terms), worked out away from
the write transaction and the event loop (`CorpusStore.insert_articles` takes them)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from retrieval.addresses import canonical_url
from retrieval.corpus.dates import is_placeholder, to_timestamp
from retrieval.corpus.sketches import band_keys, shingle_hashes
from retrieval.corpus.text import normal_words, words_fingerprint
from retrieval.index.tokens import Tokenizer
from retrieval.models import ArticleDraft


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An article ready to store: its draft with what storing it needs worked out."""

    draft: ArticleDraft
    url: str | None  # canonical form, for finding duplicates
    content_hash: str  # fingerprint of its words, likewise
    sentences: tuple[tuple[int, str], ...]  # (paragraph, sentence), in reading order
    # What each sentence names, as stored with it (`ranking.answers.packed`); empty:
    # stored without (read when a question quotes it).
    finds: tuple[bytes | None, ...] = ()
    title_terms: str | None = None  # as stored (`title_terms`); None: tokenized when asked
    published_ts: float | None = None  # the draft's date as a Unix time; None: it has none
    # the date its source gave that stands for none (`is_placeholder`): the draft is undated
    placeholder: str | None = None
    # False: only what finds a stored copy (URL, fingerprint) is worked out, for an article
    # found stored already (`identify_articles`); `complete_articles` does the rest.
    whole: bool = True
    # What finds a stored near-identical text of its outlet (`sketches.band_keys`), as stored
    # in `article_sketches`; made with the rest by `complete_articles`
    sketch: tuple[int, ...] = ()
    # its `text.normal_words`, made once for the fingerprint and the sketch (b"": made anew)
    words: bytes = field(default=b"", repr=False, compare=False)


def title_terms(title: str, tokenizer: Tokenizer) -> str:
    """A title's index terms as stored with its article: the tokenizer's signature, a tab,
    the terms joined by spaces (no term holds a space)."""
    return f"{tokenizer.signature}\t{' '.join(tokenizer(title))}"


def parsed_title_terms(stored: str | None) -> tuple[str, frozenset[str]] | None:
    """(signature of the tokenizer that made them, the terms) of what `title_terms` stored."""
    if stored is None:
        return None
    made_by, _, terms = stored.partition("\t")
    return made_by, frozenset(terms.split())


TITLE_TOKENS = Tokenizer()  # the index's token rules (`indexing`), its caches kept between batches


def titles_terms(titles: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(article id, `title_terms`) of each (article id, title)."""
    return [(i, title_terms(title, TITLE_TOKENS)) for i, title in titles]


def prepare_articles(drafts: Iterable[ArticleDraft]) -> list[PreparedArticle]:
    """Sentences (NLTK Punkt), canonical URL, fingerprint and what each sentence names, of
    each draft. Pure and CPU-bound, about a millisecond an article: callers on an event loop
    run it with `asyncio.to_thread`."""
    return complete_articles(identify_articles(drafts))


def identify_articles(drafts: Iterable[ArticleDraft]) -> list[PreparedArticle]:
    """What finds each draft's stored copy (canonical URL, fingerprint), and its date: a
    sixth of `prepare_articles`' work. Its articles are not `whole`."""
    return [_identified(draft, normal_words(draft.text)) for draft in drafts]


def _identified(draft: ArticleDraft, words: bytes) -> PreparedArticle:
    placeholder = draft.published if is_placeholder(draft.published) else None
    if placeholder:
        draft = replace(draft, published=None)
    return PreparedArticle(
        draft,
        canonical_url(draft.url),
        words_fingerprint(words),
        (),
        published_ts=to_timestamp(draft.published),
        placeholder=placeholder,
        whole=False,
        words=words,
    )


def complete_articles(
    articles: Sequence[PreparedArticle], skipped: Collection[int] = ()
) -> list[PreparedArticle]:
    """`articles` made whole (sentences, what each names, title terms), but for those at the
    positions `skipped` (found stored: `CorpusStore.stored_among`), left as they are."""
    # Imported here: NLTK takes seconds to import, and only writers need it (and the
    # compiled reading of names, numbers and dates, which the ranking owns).
    from retrieval.corpus.sentences import article_sentences
    from retrieval.ranking.answers import packed

    made = list(articles)
    todo = [n for n, article in enumerate(made) if not article.whole and n not in skipped]
    for n in todo:
        draft, words = made[n].draft, made[n].words or normal_words(made[n].draft.text)
        made[n] = replace(
            made[n],
            sentences=tuple(article_sentences(draft.text)),
            sketch=band_keys(shingle_hashes(words), draft.source),
            words=b"",  # not needed again: a batch does not hold its text twice
        )
    # the whole batch's sentences read at once: a call of the compiled reading costs more
    # than a sentence does
    finds = iter(packed([text for n in todo for _, text in made[n].sentences]))
    for n in todo:
        title = made[n].draft.title
        made[n] = replace(
            made[n],
            finds=tuple(next(finds) for _ in made[n].sentences),
            # a draft without a title is refused by the write (NOT NULL), not here
            title_terms=title_terms(title, TITLE_TOKENS) if isinstance(title, str) else None,
            whole=True,
        )
    return made
