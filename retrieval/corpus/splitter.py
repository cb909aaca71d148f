"""The version of the sentence rules, which each stored article records of its sentences.

An article's sentences are what its text splits into (`sentences.article_sentences`: the
paragraphs of `text.paragraphs`, Punkt and the news rules, the page furniture left out) when
it is stored. Each article records the version of those rules (`articles.splitter`), and
`newsbot reindex` splits again, from its stored text, every article of an older version.

Kept apart from the rules, which import NLTK (seconds): `newsbot stats`, which only reads,
counts the articles of an older version too.
"""

from __future__ import annotations

# Bumped whenever a change to the rules changes what some text splits into (a sentence
# parted or joined otherwise, a line kept or left out as furniture); not for a change that
# splits every text as before (speed, names, comments). 0: the articles stored before
# versions were recorded. `tests/test_sentences.py` records what the rules make of a sample of
# news beside the version, and fails when they make something else under the same one.
SPLITTER_VERSION = 8
