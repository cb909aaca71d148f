"""Which capitalised words open a sentence: after a break Punkt made, a word that is no
stopword ("The") and that Punkt has not seen open sentences goes on the sentence before.

Apart from where sentences break (`punkt_breaks`) and from German ordinals
(`ordinal_breaks`), which both ask it of the word after a break.
"""

from __future__ import annotations

from retrieval.corpus.punkt import is_sentence_starter
from retrieval.index.tokens import STOPWORDS


def goes_on_a_sentence(word: str) -> bool:
    """Whether a capitalised `word` after a break Punkt made may go on the sentence before:
    no stopword ("The"), nor a word Punkt has seen open sentences."""
    key = word.lower()
    return key not in STOPWORDS and not is_sentence_starter(key)
