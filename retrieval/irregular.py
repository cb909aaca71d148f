"""Irregular English verb forms and plurals, mapped to the form a stemmer can match.

A stemmer turns "begins" and "beginning" into "begin" but leaves "began" alone, so "Where
did the exercise begin?" misses "the exercise began in Aslanduz". Forms that are mostly
another word in news copy ("left", "fed", "lead", "shot", "bore") are not listed.
"""

_BASE_FORMS = {
    "arise": "arose arisen", "awake": "awoke awoken", "become": "became",
    "begin": "began begun", "bend": "bent", "bind": "bound", "bite": "bit bitten",
    "bleed": "bled", "blow": "blew blown", "break": "broke broken", "breed": "bred",
    "bring": "brought", "build": "built", "burn": "burnt", "buy": "bought",
    "catch": "caught", "choose": "chose chosen", "cling": "clung", "come": "came",
    "creep": "crept", "deal": "dealt", "dig": "dug", "draw": "drew drawn",
    "dream": "dreamt", "drink": "drank drunk", "drive": "drove driven", "eat": "ate eaten",
    "fall": "fell fallen", "feel": "felt", "fight": "fought", "find": "found",
    "flee": "fled", "fly": "flew flown", "forbid": "forbade forbidden",
    "forecast": "forecasted", "foresee": "foresaw foreseen", "forget": "forgot forgotten",
    "forgive": "forgave forgiven", "freeze": "froze frozen", "get": "got gotten",
    "give": "gave given", "go": "went gone", "grind": "ground", "grow": "grew grown",
    "hang": "hung", "hear": "heard", "hide": "hid hidden", "hold": "held", "keep": "kept",
    "kneel": "knelt", "know": "knew known", "lay": "laid", "lend": "lent", "lose": "lost",
    "make": "made", "mean": "meant", "meet": "met", "mislead": "misled",
    "mistake": "mistook mistaken", "oversee": "oversaw overseen",
    "overtake": "overtook overtaken", "pay": "paid", "rebuild": "rebuilt", "repay": "repaid",
    "ride": "rode ridden", "ring": "rang rung", "rise": "rose risen", "run": "ran",
    "say": "said", "see": "saw seen", "seek": "sought", "sell": "sold", "send": "sent",
    "shake": "shook shaken", "shine": "shone", "shrink": "shrank shrunk", "sing": "sang sung",
    "sink": "sank sunk", "sit": "sat", "slay": "slew slain", "sleep": "slept",
    "slide": "slid", "speak": "spoke spoken", "speed": "sped", "spend": "spent",
    "spin": "spun", "spring": "sprang sprung", "stand": "stood", "steal": "stole stolen",
    "stick": "stuck", "sting": "stung", "strike": "struck stricken", "strive": "strove striven",
    "swear": "swore sworn", "sweep": "swept", "swim": "swam swum", "swing": "swung",
    "take": "took taken", "teach": "taught", "tear": "tore torn", "tell": "told",
    "think": "thought", "throw": "threw thrown", "undergo": "underwent undergone",
    "understand": "understood", "undertake": "undertook undertaken", "uphold": "upheld",
    "wake": "woke woken", "wear": "wore worn", "weep": "wept", "win": "won",
    "withdraw": "withdrew withdrawn", "withhold": "withheld", "write": "wrote written",
    "child": "children", "man": "men", "woman": "women", "foot": "feet", "tooth": "teeth",
    "mouse": "mice", "goose": "geese", "crisis": "crises", "analysis": "analyses",
}

IRREGULAR: dict[str, str] = {
    form: base for base, forms in _BASE_FORMS.items() for form in forms.split()
}
