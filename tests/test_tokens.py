import itertools
import re
import sys
import unicodedata

import pytest

from retrieval.index import tokens
from retrieval.index.tokens import Tokenizer, is_shouting


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


@pytest.mark.parametrize(
    ("written", "plain"),
    [("U.S.", "US"), ("U.S", "US"), ("W.H.O.", "WHO"), ("U.K.", "UK"), ("D.C.", "DC")],
)
def test_acronyms_with_or_without_dots_are_one_term(written: str, plain: str) -> None:
    tokenize = Tokenizer()
    assert tokenize(f"the {written} said") == tokenize(f"the {plain} said")
    assert len(tokenize(written)) == 1


def test_a_dotted_acronym_is_not_split_into_letters() -> None:
    assert Tokenizer()("the U.S. evacuation") == ["us", "evacu"]
    assert Tokenizer()("U.S.-Mexico border") == ["us", "mexico", "border"]
    # Without the news rules, the dots split it.
    assert Tokenizer(acronyms=False)("the U.S. evacuation") == ["u", "evacu"]


def test_an_acronym_in_capitals_is_not_a_stopword() -> None:
    tokenize = Tokenizer()
    assert tokenize("WHO calls for a moratorium") == ["who", "call", "moratorium"]
    assert tokenize("IT spending grew") == ["it", "spend", "grow"]
    # The same words in lower case, or capitalized to start a sentence, are stopwords.
    assert tokenize("who calls it in") == ["call"]
    assert tokenize("It is who we are") == []
    assert tokenize("WHO US") == ["who", "us"]  # a question of acronyms only
    assert Tokenizer(acronyms=False)("WHO calls") == ["call"]


@pytest.mark.parametrize(
    ("unspelt", "spelt"),
    [
        ("whats", "What's"),
        ("wheres", "Where’s"),
        ("thats", "that's"),
        ("hows", "How's"),
        ("whos", "Who's"),
        ("whens", "When's"),
        ("whys", "Why's"),
        ("theres", "There's"),
        ("heres", "Here's"),
        ("cant", "can't"),
        ("theyre", "they're"),
        ("aint", "ain't"),
    ],
)
def test_a_contraction_typed_without_its_apostrophe_is_left_out_as_with_it(
    unspelt: str, spelt: str
) -> None:
    """The word "whats" was kept, stemmed to "what": "whats the latest on the jan 6 hearing"
    searched for "what" and quoted shouted headings ("WHAT:", "WHAT MATTERS:")."""
    tokenize = Tokenizer()
    asked = "{} the latest on the jan 6 hearing"
    assert tokenize(asked.format(unspelt)) == tokenize(asked.format(spelt))
    assert tokenize(asked.format(unspelt)) == ["latest", "jan", "6", "hear"]
    start = len(unspelt) + 5
    assert tokenize.words(f"{unspelt} the latest") == [("latest", start, start + 6)]


def test_unspelt_contractions_that_are_words_of_their_own_are_kept() -> None:
    tokenize = Tokenizer()
    # "won't" keeps "won", the past of "win", and so does "wont"
    assert tokenize("why wont they stop") == tokenize("why won't they stop") == ["win", "stop"]
    assert Tokenizer(irregular=False)("wont") == Tokenizer(irregular=False)("won't") == ["won"]
    assert tokenize("Jony Ive, Sungjae Im and lets") == ["joni", "ive", "sungja", "im", "let"]
    # In capitals, an acronym like the stopwords, unless the text shouts.
    assert tokenize("WHATS next for the party") == ["what", "next", "parti"]
    assert tokenize("WHATS NEXT FOR THE PARTY") == ["next", "parti"]


def test_in_a_headline_set_in_capitals_capitals_mark_no_acronym() -> None:
    tokenize = Tokenizer()
    assert tokenize("IT IS WHO WE ARE") == []
    # Dots still mark one: the wire's "U.S." is the country.
    assert tokenize("U.S. NAVAL FORCES ATTACK IRANIAN OIL PLATFORM") == [
        "us",
        "naval",
        "forc",
        "attack",
        "iranian",
        "oil",
        "platform",
    ]
    assert tokenize("WHO AND IT STAFF") == ["staff"]
    # A headline with a few acronyms is not shouting.
    assert tokenize("BREAKING: WHO declares an emergency")[:2] == ["break", "who"]


@pytest.mark.parametrize(
    ("words", "digits"),
    [
        ("six-week abortion ban", "6 Weeks abortion ban"),
        ("Twelve people", "12 people"),
        ("thirty years", "30 years"),
        ("the Fifth Amendment", "the 5th Amendment"),
        ("first quarter", "1st quarter"),
    ],
)
def test_number_words_meet_their_digits(words: str, digits: str) -> None:
    assert Tokenizer()(words) == Tokenizer()(digits)


def test_number_rules_that_would_mislead_are_left_out() -> None:
    tokenize = Tokenizer()
    assert tokenize("dozens of protesters") == ["dozen", "protest"]  # not 12
    assert tokenize("second round") == ["second", "round"]  # also the unit of time
    assert tokenize("two hundred") == ["2", "hundr"]  # a multiplier stays a word
    assert tokenize("one of them") == ["one"]  # mostly a pronoun
    assert Tokenizer(numbers=False)("six weeks") == ["six", "week"]


def test_numbers_with_separators_are_one_term() -> None:
    tokenize = Tokenizer()
    assert tokenize("about 1,500 citizens") == ["1500", "citizen"]
    assert tokenize("1,500") == tokenize("1500")
    assert tokenize("a $1.3 billion jackpot") == ["1.3", "billion", "jackpot"]
    assert tokenize("1,500,000.75 dollars") == ["1500000.75", "dollar"]
    # Commas that do not group thousands separate numbers.
    assert tokenize("scores of 3,4 and 1,50") == ["score", "3", "4", "1", "50"]
    assert Tokenizer(numbers=False)("1,500") == ["1", "500"]


def test_words_give_offsets_of_acronyms_and_numbers() -> None:
    text = "Some 1,500 Americans remain, the W.H.O. and the U.S said."
    assert [(t, text[a:b]) for t, a, b in Tokenizer().words(text)] == [
        ("1500", "1,500"),
        ("american", "Americans"),
        ("remain", "remain"),
        ("who", "W.H.O"),
        ("us", "U.S"),
        ("say", "said"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The W.H.O. calls for a moratorium on Covid vaccine boosters",
        "Some 1,500 Americans still in Afghanistan in last days of U.S. evacuation",
        "IT IS WHO WE ARE: U.S. NAVAL FORCES",
        "He left at 8 a.m. on the sixth, paying 1,2 or 1.5bn, e.g.the cost",
        "Ｔｈｅ ＷＨＯ ｓａｉｄ ｓｉｘ",
    ],
)
def test_words_and_terms_agree(text: str) -> None:
    tokenize = Tokenizer()
    assert [t for t, _, _ in tokenize.words(text)] == tokenize(text)


def test_the_news_rules_are_in_the_signature() -> None:
    signatures = {
        Tokenizer().signature,
        Tokenizer(acronyms=False).signature,
        Tokenizer(numbers=False).signature,
    }
    assert len(signatures) == 3 and Tokenizer().signature.startswith("v4:")


CJK_NAMES = ("CJK UNIFIED IDEOGRAPH", "HIRAGANA", "KATAKANA", "HANGUL")


def reference_words(text: str) -> list[str]:
    """Runs of word characters and combining marks of the text without invisible characters,
    NFKC; runs of CJK characters in them as overlapping bigrams (a lone one as itself)."""
    text = unicodedata.normalize(
        "NFKC", re.sub("[\u00ad\u200b-\u200d\u2060\ufe0e\ufe0f\ufeff]", "", text)
    )
    runs = "".join(
        c if re.match(r"\w", c) or unicodedata.category(c)[0] == "M" else " " for c in text
    ).split()
    words: list[str] = []
    for run in runs:
        cjk = [unicodedata.name(c, "").startswith(CJK_NAMES) for c in run]
        for same, group in itertools.groupby(zip(run, cjk, strict=True), lambda p: p[1]):
            chars = "".join(c for c, _ in group)
            if same and len(chars) > 1:
                words.extend(chars[i : i + 2] for i in range(len(chars) - 1))
            else:
                words.append(chars)
    return words


UNDECOMPOSED = {
    **dict(zip("łøđðıħŧة", "loddihtه", strict=True)),
    **{"æ": "ae", "œ": "oe", "þ": "th"},
}


def reference_fold(word: str) -> str:
    """Case-folded, decomposed, marks with a combining class out but kana voicing, letters
    without a decomposition as `UNDECOMPOSED` maps them, digits ASCII, composed."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    kept = [
        str(unicodedata.decimal(c)) if c.isdecimal() else UNDECOMPOSED.get(c, c)
        for c in decomposed
        if not unicodedata.combining(c) or c in "\u3099\u309a"
    ]
    return unicodedata.normalize("NFC", "".join(kept))


def reference_terms(tokenizer: Tokenizer, text: str) -> list[str]:
    """The common path's definition (text without capital stopwords or joined words), plain:
    `reference_words`, each folded; stopwords and overlong words out; forms; stems."""
    import Stemmer

    from retrieval.index.tokens import LEFT_OUT, MAX_TOKEN_LENGTH

    words = [w for w in map(reference_fold, reference_words(text)) if w]
    stopwords = LEFT_OUT if tokenizer.stopwords else frozenset()
    forms = tokenizer._forms
    kept = [forms.get(w, w) for w in words if len(w) <= MAX_TOKEN_LENGTH and w not in stopwords]
    return Stemmer.Stemmer("english").stemWords(kept) if tokenizer.stem else kept


PLAIN_TEXTS = [
    "Shares rose sharply on Monday after the central bank's decision",
    "It’s the ‘best’ “deal” — or – not • 3−2 they said",
    "Café owners in Zürich said the naïve plan failed",
    "ﬁne ﬂow ＡＢＣ ｄｅｆ ½ children began six fifth",
    "東京で会議が開かれた and then snake_case words_2 x",
    "İstanbul ISTANBUL Αθήνα ΑΘΗΝΑ Beyoncé naïve Ångström",
    "Łódź Wałęsa Ørsted Diyarbakır DİYARBAKIR Þórshavn Œuvre ٢٠٢٤ ۲۰۲۴ २०२४ غزة Straße",
    "हिन्दी समाचार and مَدْرَسَة and Straßen\u00adbahn\u00adfahrer, word\u2060joiner \ufeffx",
    "第十届北京国际科技博览会于周三在国家会议中心开幕，吸引了来自四十多个国家的三千多家企业参展",
    "2024年 한국은 서울에서 ｶﾞｲﾄﾞ 年 a\u0301 \u0301",
    "a" * 45 + " overlong words are left out " + "b" * 41,
    "",
    "   ",
    "The the quick Quick QUICK",
    "whats the latest, hes told theyre here and cant wait",
]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
@pytest.mark.parametrize("options", [{}, {"stem": False}, {"stopwords": False}])
def test_common_path_terms_are_the_plain_pipelines(text: str, options: dict[str, bool]) -> None:
    """The common path finds ASCII words as bytes and caches each word's final term; it
    gives what the plain pipeline gives, also on a second call (from the caches)."""
    tokenizer = Tokenizer(**options)
    expected = reference_terms(tokenizer, text)
    assert tokenizer(text) == expected
    assert tokenizer(text) == expected


WRITTEN_TEXTS = [
    "The U.S. and the US said IT was the WHO's call, not the who of it.",
    "U.S. NAVAL FORCES ATTACK IRAN'S OIL PLATFORMS IN THE GULF",  # shouting: IT, US stopwords
    "Shares rose 1,500 points, or 3.5%, to 12,345.67 on six days in the fifth week. IT fell.",
    "WHO\nThe WHO said so.\nThe WHO said so.\nU.N. and E.U. officials met A.I. experts in D.C.",
]


@pytest.mark.parametrize("text", WRITTEN_TEXTS)
@pytest.mark.parametrize("options", [{}, {"stem": False}, {"acronyms": False}])
def test_texts_with_acronyms_or_joined_words_get_the_terms_words_gives(
    text: str, options: dict[str, bool]
) -> None:
    """Such texts (most whole articles) go through a cache of each written word's term;
    they get the terms `words` (the highlighting path, `_terms` word by word) gives, also
    from the cache, and a stopword in capitals still depends on the whole text."""
    tokenizer = Tokenizer(**options)
    expected = [term for term, _, _ in tokenizer.words(text)]
    assert tokenizer(text) == expected
    assert tokenizer(text) == expected


def test_a_stopword_in_capitals_is_decided_by_its_own_text_from_the_cache() -> None:
    tokenizer = Tokenizer()
    assert "it" in tokenizer("IT spending rose at the firm")
    assert "it" not in tokenizer("IT SPENDING ROSE AT THE FIRM")
    assert "it" in tokenizer("IT spending rose at the firm")


NEWS_TEXTS = [
    "The U.S. Navy said on Monday.  It sent 1,500 sailors to the port of Aden.",
    "Prices rose 2.5% in May. Analysts had expected a smaller rise.",
    "Café owners in Zürich met the mayor. The meeting lasted an hour.",
    "Six ships left.\nThe fifth arrived on the 3rd day — late, again.",
]


@pytest.mark.parametrize("text", [*NEWS_TEXTS, "The ship sank on Monday’s storm — all hands"])
def test_common_path_words_give_the_terms(text: str) -> None:
    """A segment builder maps the common path's written words straight to term ids: their
    terms, left-out words dropped, must be the text's terms; other texts have no such
    words."""
    tokenizer = Tokenizer()
    words = tokenizer.ascii_words(text)
    if words is None:
        assert "." in text or "," in text or any(w.isupper() for w in text.split())
    else:
        assert [t for t in tokenizer.ascii_terms(words) if t] == tokenizer(text)


def test_common_path_words_are_those_of_plain_ascii_text() -> None:
    tokenizer = Tokenizer()
    assert tokenizer.ascii_words("Ships sail at dawn") == [b"ships", b"sail", b"at", b"dawn"]
    assert tokenizer.ascii_terms([b"ships", b"at"]) == ["ship", None]
    assert tokenizer.ascii_words("The U.S. Navy sailed") is None  # an acronym: as written
    assert tokenizer.ascii_words("Zürich sailed") is None  # not ASCII


def shouting_by_the_rule(words: list[str]) -> bool:
    """`is_shouting`'s rule word by word: three or more words in capitals (two letters or
    more), and more of them than words with lower-case letters."""
    caps = sum(1 for word in words if word.isupper() and len(word) > 1)
    lower = sum(1 for word in words if not word.isupper() and word != word.upper())
    return caps >= 3 and caps > lower


@pytest.mark.parametrize(
    "text",
    [
        "U.S. NAVAL FORCES ATTACK IRAN'S OIL PLATFORMS",
        "US NAVY SAYS IT WILL SAIL and then it sails away",
        "US NAVY SAYS IT WILL SAIL and then it sails away again",
        "A B C D E F are letters",
        "STRASSE straße ǅUNGLA İSTANBUL ĸRA 42 1,500 U.S _ __",
        "ÇA VA BIEN MERCI é",
        "",
    ],
)
def test_shouting_is_decided_by_its_rule(text: str) -> None:
    words = Tokenizer()._written_words(text)
    assert is_shouting(words) == shouting_by_the_rule(words)


WORDS_TEXTS = [
    *WRITTEN_TEXTS,
    "the the THE The tHe: it IT It, U.S.-U.S. u.s. us US",
    "Ｔｈｅ ＷＨＯ ｓａｉｄ ｓｉｘ — “İstanbul” and Zürich's 1,500.5 a.m. e.g.the",
    "x" * 40 + " ab,cd.ef 1,2,3 3.4.5 ...a ,b a.. ,, x",
]


@pytest.mark.parametrize(
    "options",
    [{}, {"stem": False}, {"acronyms": False}, {"stopwords": False}, {"numbers": False}],
)
def test_words_are_each_written_word_s_term_at_its_offsets(options: dict[str, bool]) -> None:
    """`words` (the highlights) takes each written word's term from the cache `__call__`
    fills too: the terms `_terms` gives the whole text's words, stemmed, whichever of the
    two read a text first, each found where it is written."""
    tokenizer = Tokenizer(**options)
    for text in WORDS_TEXTS + WORDS_TEXTS[::-1]:
        tokenizer(text.upper())  # fills the cache with other texts' capitals
        split = tokenizer._split(text)  # noqa: SLF001
        plain = tokenizer._terms([unicodedata.normalize("NFKC", w) for w, _ in split])  # noqa: SLF001
        kept = [term for term in plain if term]
        expected = tokenizer._stemmer().stemWords(kept) if tokenizer.stem else kept  # noqa: SLF001
        found = tokenizer.words(text)
        assert [term for term, _, _ in found] == expected, text
        by_offset = {a: w for w, a in split}
        assert all(text[a:b] == by_offset[a] for _, a, b in found)
        assert tokenizer(text) == expected


def test_chinese_japanese_and_korean_runs_are_overlapping_bigrams() -> None:
    """Their words are not spaced: a question's substring of a run must meet the run."""
    tokenize = Tokenizer()
    run = "第十届北京国际科技博览会于周三在国家会议中心开幕"
    assert tokenize("博览会") == ["博览", "览会"]
    assert set(tokenize("博览会")) < set(tokenize(run))
    assert tokenize("年") == ["年"]  # a lone character is itself
    assert tokenize("東京で会議") == ["東京", "京で", "で会", "会議"]
    assert tokenize("한국은 서울") == ["한국", "국은", "서울"]
    assert tokenize("2024年iPhone手机") == ["2024", "年", "iphon", "手机"]
    # a run past MAX_TOKEN_LENGTH is no URL or hash: kept
    assert tokenize("中国" * 30) == ["中国", "国中"] * 29 + ["中国"]
    assert tokenize("The U.S. and 博览会") == ["us", "博览", "览会"]  # as written too


def test_words_of_cjk_runs_are_their_bigrams_where_they_are() -> None:
    text = "北京博览会 opens"
    assert Tokenizer().words(text) == [
        ("北京", 0, 2),
        ("京博", 1, 3),
        ("博览", 2, 4),
        ("览会", 3, 5),
        ("open", 6, 11),
    ]


@pytest.mark.parametrize("text", ["İstanbul", "ISTANBUL", "the U.S. and İstanbul", "İSTANBUL"])
def test_a_dotted_capital_i_is_an_i_whatever_the_words_around_it(text: str) -> None:
    """Case-folded, "İ" is "i" and a combining dot: a whole word, the dot folded away."""
    tokenize = Tokenizer()
    assert tokenize(text)[-1] == "istanbul"
    assert [term for term, _, _ in tokenize.words(text)] == tokenize(text)


def test_combining_marks_stay_in_their_word() -> None:
    tokenize = Tokenizer()
    # the vowel signs (spacing marks) are letters; the virama is folded away like an accent
    assert tokenize("हिन्दी समाचार") == ["हिनदी", "समाचार"]
    assert tokenize("مَدْرَسَة") == tokenize("مدرسة") == ["مدرسه"]  # vowel points are accents
    assert tokenize("が") != tokenize("か")  # a voiced kana is another kana


@pytest.mark.parametrize(
    ("plain", "accented"),
    [
        ("cafe", "café"),
        ("Beyonce", "Beyoncé"),
        ("Orleans", "Orléans"),
        ("ΑΘΗΝΑ", "Αθήνα"),
        ("Sao Paulo", "São Paulo"),
        ("Zurich", "Zu\u0308rich"),  # decomposed
    ],
)
def test_words_without_their_accents_meet_them(plain: str, accented: str) -> None:
    tokenize = Tokenizer()
    assert tokenize(plain) == tokenize(accented)
    assert tokenize(f"The U.S. and {plain}") == tokenize(f"The U.S. and {accented}")


@pytest.mark.parametrize(
    ("keyboard", "written"),
    [
        ("Lodz", "Łódź"),
        ("Walesa", "Wałęsa"),
        ("Orsted", "Ørsted"),
        ("Diyarbakir", "Diyarbakır"),
        ("Diyarbakır", "DİYARBAKIR"),
        ("Tudman", "Tuđman"),
        ("Gudmundsdottir", "Guðmundsdóttir"),
        ("Thorshavn", "Þórshavn"),
        ("Aeroe", "Ærø"),
        ("oeuvre", "Œuvre"),
        ("Strasse", "Straße"),
        ("Hal Saflieni", "Ħal Saflieni"),
        ("2024", "٢٠٢٤"),  # Arabic-Indic digits
        ("2024", "۲۰۲۴"),  # Persian
        ("2024", "२०२४"),  # Devanagari
        ("غزه", "غزة"),  # teh marbuta written as heh
    ],
)
def test_letters_without_a_decomposition_and_other_digits_meet_the_keyboards(
    keyboard: str, written: str
) -> None:
    """Dropping combining marks leaves "ł", "ø" or a dotless "ı" as they are: they have no
    decomposition, and "Lodz" never found "Łódź", nor "Diyarbakır" "DİYARBAKIR"."""
    tokenize = Tokenizer()
    assert tokenize(keyboard) == tokenize(written)
    assert tokenize(f"The U.S. and {keyboard}") == tokenize(f"The U.S. and {written}")
    assert [term for term, _, _ in tokenize.words(written)] == tokenize(written)


@pytest.mark.parametrize(
    "invisible", ["\u00ad", "\u2060", "\u200b", "\u200c", "\u200d", "\ufe0e", "\ufe0f", "\ufeff"]
)
def test_invisible_characters_leave_the_word_whole(invisible: str) -> None:
    tokenize = Tokenizer()
    written = f"Straßen{invisible}bahn{invisible}fahrer"
    assert tokenize(written) == tokenize("Straßenbahnfahrer") == ["strassenbahnfahr"]
    assert tokenize(f"U.S. {written}") == ["us", "strassenbahnfahr"]
    text = f"{invisible}the {written} left{invisible}"
    assert tokenize.words(text) == [("strassenbahnfahr", 5, 5 + len(written)), ("left", 25, 29)]


def test_an_emojis_style_selector_is_no_word() -> None:
    """Phone keyboards send "❤️" as a heart and U+FE0F: the selector, a combining mark,
    was a word of its own, the rarest of the question, and "Who won the Masters? 👍️"
    quoted emoji-strewn darts reports."""
    tokenize = Tokenizer()
    assert tokenize("Who won the Masters? 👍\ufe0f") == tokenize("Who won the Masters?")
    assert tokenize.words("I \u2764\ufe0f golf") == [("golf", 5, 9)]
    assert tokenize("\u2600\ufe0e weather") == ["weather"]


@pytest.mark.parametrize(
    "text",
    [
        "第十届北京国际科技博览会于周三在国家会议中心开幕，吸引了来自四十多个国家的三千多家企业参展。",
        "The W.H.O. met in 北京 and İstanbul; Beyoncé sang in Orléans at 8 a.m.",
        "ｶﾞｲﾄﾞ ガイド 한국은 हिन्दी مَدْرَسَة Straßen\u00adbahn \u200bx\u200b a\u0301 \u0301",
        "İSTANBUL VE ANKARA'DA US IT WHO",
    ],
)
def test_words_of_text_not_ascii_are_its_terms_at_their_offsets(text: str) -> None:
    tokenize = Tokenizer()
    found = tokenize.words(text)
    assert [term for term, _, _ in found] == tokenize(text)
    assert all(term in tokenize(text[a:b]) for term, a, b in found)


def test_the_tokenizer_keeps_no_text_it_reads_and_builds_its_patterns_once() -> None:
    """A bot tokenizes every question and quote it sees for as long as it runs: holding
    them (a cache keyed by text) grows without bound. The patterns for text that is not
    ASCII are built once, not for each text."""
    tokenizer = Tokenizer()
    text = "Le café « Zéphyr » a rouvert ses portes — “enfin” 4711."
    held = sys.getrefcount(text)
    assert tokenizer(text) and tokenizer.words(text)
    assert sys.getrefcount(text) == held
    built = tokens._wide.cache_info().misses
    for n in range(20):
        tokenizer.words(f"Numéro {n} à Zürich")
    assert tokens._wide.cache_info().misses == built
