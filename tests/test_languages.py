"""The language a text's function words say it is in (`retrieval.languages`)."""

from __future__ import annotations

import pytest

from retrieval.index.tokens import Tokenizer
from retrieval.languages import ENGLISH, content_terms, function_terms, language_of

TOKENIZER = Tokenizer()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Die Preise für Heizöl sind in der Woche deutlich gestiegen.", "german"),
        ("Nous ne toucherons pas aux retraites, a affirmé le ministre.", "french"),
        ("El gobierno anunció que los precios de la energía bajarán.", "spanish"),
        ("Erdoğan ile Müller bir araya geldi, ancak daha sonra açıklama yapmadı.", "turkish"),
        ("Министр заявил, что правительство не будет повышать налоги в этом году.", "russian"),
        # English holds German and French function words ("war", "man", "die", "point")...
        ("A man who fought in the war says soldiers die at that point.", ENGLISH),
        # ...and a wire's earnings table holds French ones ("vs", "net", "plus"), but is no French
        ("COBANCO INC <CBCO> YEAR NET Shr 34 cts vs 1.19 dlrs Net 807,000 vs 2,858,000 plus "
         "Assets 510.2 mln vs 479.7 mln par Deposits 472.3 mln vs 439.1 mln", ENGLISH),
        ("Lula da Silva was also president in:", ENGLISH),  # "da", "also": too few
    ],
)  # fmt: skip
def test_language_of(text: str, language: str) -> None:
    assert language_of(text) == language


def test_function_words_are_left_out_and_the_rest_stemmed_by_the_languages_rules() -> None:
    text = "Die Regierung will die Rente für die Jüngeren sichern, sagte der Minister den Medien"
    terms = TOKENIZER(text)
    small = {"die", "fur", "der", "den"}  # "fur": folded as the index folds "für"
    assert small <= set(terms) and language_of(text) == "german"
    kept = content_terms("german", terms, TOKENIZER)
    assert not small & set(kept) and len(kept) == len(terms) - 6
    # German's rules, where the tokenizer's English ones leave the forms apart
    strike = ["streik", "streiken", "deutsche", "deutschen"]
    assert content_terms("german", strike, TOKENIZER) == ["streik", "streik", "deutsch", "deutsch"]
    assert content_terms(ENGLISH, strike, TOKENIZER) == strike
    assert not function_terms(ENGLISH, TOKENIZER)  # the tokenizer leaves English's out


def test_words_news_is_about_are_no_function_words() -> None:
    """The Spanish list holds "estados" and "tiempo": "Estados Unidos" lost its "estado"."""
    text = "Los Estados Unidos y el gobierno de México firmaron el acuerdo en la capital."
    assert language_of(text) == "spanish"
    assert "estad" in content_terms("spanish", TOKENIZER(text), TOKENIZER)  # Spanish stem
