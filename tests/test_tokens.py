from retrieval.index.tokens import Tokenizer


def test_tokens_are_normalized_case_folded_stemmed_and_stopword_free() -> None:
    tokens = Tokenizer()("The ＡＲＭＩＥＳ were Exercising in the border TOWNS")
    assert tokens == ["armi", "exercis", "border", "town"]


def test_switches_turn_stemming_and_stopwords_off() -> None:
    assert Tokenizer(stem=False, stopwords=False)("The Towns") == ["the", "towns"]


def test_words_give_offsets_into_the_original_text() -> None:
    text = "Iran's forces began drills"
    words = Tokenizer().words(text)
    assert [(t, text[a:b]) for t, a, b in words] == [
        ("iran", "Iran"),
        ("forc", "forces"),
        ("begin", "began"),
        ("drill", "drills"),
    ]


def test_signature_changes_with_the_rules() -> None:
    assert Tokenizer().signature != Tokenizer(stem=False).signature


def test_irregular_forms_meet_their_base_form() -> None:
    tokenize = Tokenizer()
    assert tokenize("the exercise began") == tokenize("the exercise begins")
    assert tokenize("Chelsea won") == tokenize("Chelsea wins")
    assert Tokenizer(irregular=False)("began") == ["began"]
