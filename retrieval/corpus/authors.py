"""An article's authors as people: what pages, feeds and exports put in the author field
that names nobody left out. Every draft's authors go through `clean_authors`
(`ArticleDraft`), whichever reader made it.

Measured on the 181 real pages of html-articles and the 7,946 articles of news-qa-dev
(docs/retrieval.md, "Authors"): a job title after a name ("Tom Krisher, AP Auto Writer"),
a role or a CMS account ("Staff writer", "Admin", "Jdadmin"), the outlet or its publisher
("Cleveland com" on Cleveland's page, "Condé Nast" on Wired's), a label ("Текст: Венера
Ерофеева", "Analysis by"), a date run on ("Malcolm Owen Monday", "November"), a phrase
split at its "and" ("The Russian", "Syrian defense ministries"), and names run together
beside their parts ("Jackie Wattles Ashley Strickland"). Then (the second review): a company
or a public body ("NJ Advance Media"), user names ("Kevin-R", "Rmb", and "Gaborr" run into
the names beside it), a label without its "by" ("Review Brian Lowry", "Video Stefanie
Blendis"), the outlet's possessive ("CNN's Rob Picheta", "CNN's Beijing Bureau"), an agency
before a name ("Reuters Robert Shackelford") and phrases ("Authorized Use Of Military
Force", "Zatko's Disclosure"); and a title's word that is a surname too ("Martha C. White").
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# A label before the name, in the languages of the corpora. "Von" and "Par" are surnames
# too ("Von Miller"): only with their colon.
_LABEL = re.compile(
    r"^(?:(?:текст|автор|text|texto|autor|auteur|autore|testo|photos?|words|von|par|por)\s*:"
    r"|(?:текст|автор|texto|autor)\s+(?=\w)"
    r"|(?:analysis|opinion|commentary|review|story|reporting|words)\s+by\s+"
    r"|(?:analysis|opinion|review|written|video|portraits|photographs|illustration)\s+(?=[A-Z])"
    r"|with\s+reporting(?:\s+by)?\s+)\s*",
    re.IGNORECASE,
)
# The outlet's own credit before a name or a bureau: "CNN's Rob Picheta", "CNN's Beijing Bureau"
_POSSESSIVE = re.compile(r"^(?P<outlet>\S+)['’]s\s+(?=\S)", re.IGNORECASE)
# "Phil Helsel is a reporter for NBC News."
_IS_A = re.compile(r"\s+is\s+(?:a|an|the)\s+.*$", re.IGNORECASE)
# "Martha C. White For CNN Business"
_FOR = re.compile(r"\s+for\s+(?P<outlet>.+)$", re.IGNORECASE)
# What a name written with a separate word may hold in lower case
_PARTICLES = _wordset(
    "de da das do dos du del della der den des di la le lo las los dela delos van von ter ten "
    "y e bin ibn al el ould bint zu af av st"
)
_PARTICLE_PREFIX = re.compile(r"^(?:al|el|d|l|de|da|di|ibn|bin|ben|van|von)['’-]")
# The last word of a job title: "AP Auto Writer", "CNN Editor-at-large", "News reporter"
_ROLES = _wordset(
    "writer writers reporter reporters correspondent editor editors editor-at-large "
    "columnist contributor producer photographer critic anchor"
)
# Title words that are surnames alone ("Martha C. White", "Billy House"): a title's only
# together, so a name's words hold them as one ("Kaitlan Collins White House Correspondent")
_TITLE_PAIRS = frozenset(("white house",))
# What comes before it in one: "Chief National Affairs Correspondent"
_TITLE_WORDS = (
    _ROLES
    | _TITLE_PAIRS
    | _wordset(
        "ap staff senior chief national political politics security auto autos sports sport "
        "business science technology tech health medical affairs foreign legal "
        "economics economy entertainment investigative news digital managing executive associate "
        "deputy contributing special global international world financial finance climate "
        "education travel food opinion features weather space local metro city state breaking "
        "general assignment congressional justice courts crime culture arts music film "
        "television tv markets money investigations video data"
    )
)
# A newsroom, not a person: "Staff Reports", "HNN Staff", "Editorial", "Science X staff",
# "CNN Editorial Research"
_DESKS = _wordset("staff reports desk team editorial newsroom research")
# Content systems' accounts
_ACCOUNTS = re.compile(
    r"^(?:\w*admin|administrator|webmaster|editor|author|user|guest|anonymous|unknown"
    r"|redaction|rédaction|redacción|redazione|redaktion|редакция)$",
    re.IGNORECASE,
)
# Degrees and credentials a list parts from their name: "Ilana Muhlstein, MS, RDN"
_CREDENTIALS = _wordset(
    "phd ph.d md m.d ms msc ma ba bs bsc rd rdn ld rn np mph mba cpt cscs jd esq dds dvm "
    "lcsw cfa cpa"
)
# Page furniture read as a byline: "Social Links Navigation", "Last Updated"
_FURNITURE = _wordset("navigation updated published posted subscribe menu")
# Publishers, which own the outlet and write nothing: alone, never an author
_PUBLISHERS = frozenset(
    ("condé nast", "conde nast", "gannett", "hearst", "advance local", "future plc")
)
# Agencies: alone, the byline a wire story carries; after a name, no part of it
_AGENCIES = (
    "associated press",
    "the associated press",
    "ap",
    "reuters",
    "afp",
    "agence france-presse",
    "pti",
    "upi",
    "bloomberg",
    "cnn",
    "sputnik international",
)
# A day run on from the byline's date: "Malcolm Owen Monday", "Carrie Arnold November".
# Months that are names too (April, May, June, August, March, July) stay.
_DATE_WORDS = _wordset(
    "monday tuesday wednesday thursday friday saturday sunday "
    "january february september october november december"
)
# The words an outlet's name adds to its own: "Cleveland com", "The Week UK", "CNN Sport"
_OUTLET_WORDS = _wordset(
    "the com www us uk news online media sport sports business weekly daily magazine bureau"
)
# The nouns that make a name an outlet's: "Houston Chronicle", "Tucker Carlson Network"
_OUTLET_NOUNS = _wordset(
    "times post herald gazette journal tribune chronicle press network show channel radio "
    "review star sun globe mail telegraph express observer guardian independent insider today "
    "report blog institute group company inc llc ltd"
)
# A company or a public body, never a person: "NJ Advance Media", "Prefeitura Municipal de
# Jaraguá do Sul" (Jaraguá do Sul's city hall). Their last or first word says so.
_COMPANY_LAST = _wordset("media inc llc ltd corp corporation holdings")
_PUBLIC_BODY_FIRST = _wordset("prefeitura")
# Words a phrase holds and a name does not: "Authorized Use Of Military Force",
# "Complaints Leveled At Authorities", "With Contributions From"
_PHRASE_WORDS = _wordset("of at from with")
# A user name: digits, an underscore or an "@" ("jsmith_2"), or a letter hyphened on
# ("Kevin-R" beside "Kevin Rebong"); a name's hyphens join parts ("Jean-Paul", "Yu-na")
_HANDLE = re.compile(r"[\d_@]|\w-\w$")
# One word without a vowel: a user name or initials ("Rmb" on Remember 80/90). An acronym
# in capitals is an agency's ("BBC"), and "y" is a vowel ("Lynn").
_NO_VOWEL = re.compile(r"[A-Z][b-df-hj-np-tv-xz]{2,}")
# A possessive is a phrase's, not a name's: "Zatko's Disclosure" (a heading read as a name)
_POSSESSIVE_WORD = re.compile(r"\w['’]s$", re.IGNORECASE)
MAX_NAME_WORDS = 5  # beyond, a phrase: "The Top Republican On The Senate Judiciary Committee"


def is_agency(name: str) -> bool:
    """Whether `name` is a news agency's alone ("Reuters", "REUTERS", "The Associated
    Press", "PTI"): a wire story's credit, which a page gives as its author."""
    return " ".join(name.split()).lower() in _AGENCIES


def clean_authors(names: Iterable[str], source: str | None = None) -> tuple[str, ...]:
    """The people among an article's author names, in order, each once (writes nothing).

    `source` is the article's outlet: an author that is only its name, or a desk of it, is
    none. A name listed and also run together with another listed name
    ("Ann Lee Bo Chan" beside "Ann Lee" and "Bo Chan") is left out as a repeat."""
    outlet = _words(source or "")
    people = [n for n in (_person(name, outlet) for name in names) if n]
    people = [n for n in people if not _run_together(n, people)]
    return tuple(dict.fromkeys(people))


def _person(name: str, outlet: frozenset[str]) -> str:
    """`name` as a person's name, or "" if it names nobody."""
    name = " ".join(name.split())
    if "," in name:  # a list's entry with its title: "Tom Krisher, AP Auto Writer"
        head, _, rest = name.partition(",")
        if not any(_person(part, outlet) for part in rest.split(",")):
            name = head
    name = _without_outlet_before_label(name, outlet)
    name = _LABEL.sub("", name).strip()
    outlets_own = False
    if (match := _POSSESSIVE.match(name)) and _words(match["outlet"]) <= outlet:
        name, outlets_own = name[match.end() :], True
    name = _IS_A.sub("", name)
    if (match := _FOR.search(name)) and _own_words(match["outlet"].split()[0]) <= outlet:
        name = name[: match.start()]  # "Amy Kuperinsky for NJ.com" on nj.com's page
    words = _name_words(name)
    while len(words) > 1 and words[-1].lower() in _DATE_WORDS:
        words.pop()
    if len(words) > 2 and words[-1].lower() in _ROLES:  # a title after the name
        kept = list(words)
        while kept and (kept[-1].lower() in _TITLE_WORDS or kept[-1].lower() in outlet):
            kept.pop()
        if not kept:
            return ""
        words = kept if len(kept) >= 2 else words
    name = " ".join(words)
    while (shorter := _without_run_on(name, outlet)) != name:
        name = shorter
    name = _without_agency_before(name)
    words = _name_words(name)
    lowered = [w.lower().strip(".") for w in words]
    # A writer whose outlet bears their name ("Paul Krugman", "The Chris Hayes Show")
    outlet = frozenset() if _person_like(words) else outlet
    if not words or all(w in _TITLE_WORDS | outlet for w in lowered):
        return ""  # "Staff writer", "AP National Political Writer", "CNN"
    if len(words) == 1 and (
        _ACCOUNTS.match(name)
        or lowered[0] in _DATE_WORDS
        or lowered[0] in _CREDENTIALS
        or _NO_VOWEL.fullmatch(name)
    ):
        return ""
    if (
        lowered[-1] in _DESKS
        or _FURNITURE & set(lowered)
        or (outlets_own and lowered[-1] == "bureau")
    ):
        return ""
    if name.lower() in _PUBLISHERS or _outlet_like(name, outlet) or _company(lowered):
        return ""
    if lowered[0] == "the" and name.lower() not in _AGENCIES:
        return ""  # "The Russian", "The Water Coolest"
    if _mixed_case(words) or len([w for w in lowered if w not in _PARTICLES]) > MAX_NAME_WORDS:
        return ""
    if _PHRASE_WORDS & set(lowered) or any(
        _HANDLE.search(w) or _POSSESSIVE_WORD.search(w) for w in words
    ):
        return ""
    return name


def _name_words(name: str) -> list[str]:
    """The words of `name`, a title's pair of words as one word ("White House")."""
    words: list[str] = []
    for word in name.split():
        if words and f"{words[-1]} {word}".lower() in _TITLE_PAIRS:
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
    return words


def _person_like(words: list[str]) -> bool:
    """True if `words` read as a person's name whatever the outlet: two or more capitalised
    words (a name's particles aside), none an acronym ("BBC Africa") nor an outlet's, a
    desk's or a title's word."""
    plain = [w for w in words if w.lower() not in _PARTICLES]
    not_a_name = _OUTLET_WORDS | _OUTLET_NOUNS | _TITLE_WORDS | _DESKS
    return (
        len(plain) >= 2
        and all(w[:1].isupper() and not _initials(w.strip(".")) for w in plain)
        and not {w.lower() for w in plain} & not_a_name
    )


def _own_words(text: str) -> frozenset[str]:
    """The words of an outlet's name but those outlets add: "NJ.com" is "nj"."""
    return _words(text) - _OUTLET_WORDS


def _company(lowered: list[str]) -> bool:
    """True for a company or a public body by its last or first word ("NJ Advance Media")."""
    return lowered[-1] in _COMPANY_LAST or lowered[0] in _PUBLIC_BODY_FIRST


def _without_outlet_before_label(name: str, outlet: frozenset[str]) -> str:
    """`name` without the outlet's words before a label: "CNN Business Video John General"."""
    words = name.split()
    start = 0
    while start < len(words) - 1 and words[start].lower() in outlet | _OUTLET_WORDS:
        start += 1
    rest = " ".join(words[start:])
    return rest if start and outlet and _LABEL.match(rest) else name


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.split(r"[^\w'’-]+", text.lower()) if w)


def _squashed(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def _outlet_like(name: str, outlet: frozenset[str]) -> bool:
    """True if `name` is the outlet, its site or a desk of it: its words are the outlet's
    words and the words outlets add ("Cleveland com", "The Week UK", "CNN Business")."""
    words = _words(name)
    own = words - _OUTLET_WORDS
    if not outlet or not words:
        return False
    return (bool(own) and own <= outlet) or (bool(outlet - _OUTLET_WORDS) and own == set())


def _without_run_on(name: str, outlet: frozenset[str]) -> str:
    """`name` without the agencies or the outlet run on after it: "Eric Tucker Associated
    Press", "Tara Subramaniam Cnn Reuters", "Finian Cunningham Sputnik International" on
    SputnikInt's page (an outlet's short form counts). One word alone may be a surname ("Ana
    Marie Cox" on Cox Media Group's page, "Michael Rubens Bloomberg"): it is cut only when it
    is an agency's initials in capitals ("AP") or the article's whole outlet ("Maegan Vazquez
    Cnn" on CNN's page). What is left must be two words or more ("Story Reuters")."""
    words = name.split()
    squashed_outlet = _squashed(" ".join(sorted(outlet))) if len(outlet) == 1 else ""
    for cut in range(2, len(words)):
        tail = words[cut:]
        if len(tail) == 1 and not (
            _initials(tail[0]) or {tail[0].lower()} == outlet - _OUTLET_WORDS
        ):
            continue
        squashed = _squashed(" ".join(tail))
        if _outlets_only([w.lower() for w in tail], outlet) or (
            len(squashed_outlet) >= 4 and squashed.startswith(squashed_outlet)
        ):
            return " ".join(words[:cut])
    return name


def _without_agency_before(name: str) -> str:
    """`name` without an agency before it: "Reuters Robert Shackelford" (beside "Robert
    Shackelford"). What is left must be two words or more."""
    words = name.split()
    for cut in range(len(words) - 2, 0, -1):
        if _outlets_only([w.lower() for w in words[:cut]], frozenset()):
            return " ".join(words[cut:])
    return name


def _outlets_only(words: list[str], outlet: frozenset[str]) -> bool:
    """True if `words` are agencies' names and the outlet's words, one after another."""
    names = {tuple(a.split()) for a in _AGENCIES} | {(w,) for w in outlet}
    reachable = {0}
    for start in range(len(words)):
        if start in reachable:
            reachable.update(start + len(n) for n in names if tuple(words[start:][: len(n)]) == n)
    return len(words) in reachable


def _initials(word: str) -> bool:
    """True for an acronym ("AP", "BBC"); an initial ("C") is a name's."""
    return word.isupper() and 2 <= len(word) <= 4


def _mixed_case(words: list[str]) -> bool:
    """True for a phrase: a word in lower case after a capitalised one ("Syrian defense
    ministries", "Detroit News wire services"). A name's particles ("de", "van", "al-")
    and a bureau ("bne Tehran bureau") are no such word; a name in lower case throughout
    ("bell hooks") is a name."""
    capitalised = False
    for word in words:
        first = word[:1]
        if first.isupper():
            capitalised = True
        elif first.islower() and capitalised:
            lower = word.lower()
            if not (lower in _PARTICLES or _PARTICLE_PREFIX.match(lower) or lower == "bureau"):
                return True
    return False


def _run_together(name: str, names: list[str]) -> bool:
    """True if `name` is two or more of the other `names` written one after another, with at
    most one word more: a user name, an outlet ("Gaborr Kristen Holmes Veronica Stracqualursi"
    beside "Kristen Holmes" and "Veronica Stracqualursi")."""
    parts = {tuple(n.split()) for n in names if n != name}
    words = tuple(name.split())
    if len(parts) < 2:
        return False
    without_one = (words[:i] + words[i + 1 :] for i in range(len(words)))
    return _most_parts(words, parts) >= 1 or any(_most_parts(w, parts) >= 2 for w in without_one)


def _most_parts(words: tuple[str, ...], parts: set[tuple[str, ...]]) -> int:
    """The most `parts` that written one after another are `words`, or 0 if none are."""
    most = {0: 0}  # word positions the parts can reach from the start: the most parts used
    for start in range(len(words)):
        if start in most:
            for part in parts:
                if words[start : start + len(part)] == part:
                    end = start + len(part)
                    most[end] = max(most.get(end, 0), most[start] + 1)
    return most.get(len(words), 0)
