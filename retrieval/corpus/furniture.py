"""Page furniture: the lines of a page that are not the story. Datelines cut off the
paragraphs they open, a byline's lines at an article's head, credits, reporters' bios and
addresses, photo credits, list numbers, marks and promotions; what
`sentences.article_sentences` leaves out."""

from __future__ import annotations

import re
import unicodedata

# Lines of a page that are no prose, each on its own: a quote would show them, a window of
# sentences would spend its words on them ("CNN — The Senate voted..."), and they hold no
# answer. Marks alone ("___", "♦", "..."), a list item's number ("12."), a dateline ("New
# York CNN Business —"), a byline ("– Jane Smith", "— Associated Press"), a photo credit
# ("Justin Sullivan/Getty Images"): the last three of at most a few capitalised words.
_MARKS_ONLY = re.compile(r"[\W_]+")
_LIST_NUMBER = re.compile(r"\d{1,3}\.")
_DATELINE = re.compile(r"[A-Z][\w.’'()-]*(?:,? [A-Z(][\w.’'()-]*){0,5} ?[—–]")
_BYLINE = re.compile(r"[—–-] ?[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}")
_PHOTO_CREDIT = re.compile(
    r"(?:[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}/)+"
    r"(?:AP|AFP|Getty Images|Reuters|EPA|Shutterstock|Bloomberg|Sipa|ZUMA|USA TODAY)"
    r"(?: [\w.’' -]{0,40})?"
)
_LINES = re.compile(
    "|".join(
        f"(?:{p.pattern})" for p in (_MARKS_ONLY, _LIST_NUMBER, _DATELINE, _BYLINE, _PHOTO_CREDIT)
    )
)
_LINE_CHARS = 120  # none of `_LINES` is longer: a longer sentence is not looked at
# A story opens with its dateline, on the line of its first paragraph: a place in capitals
# ("WASHINGTON —", "SOUTHERN PINES, N.C. (AP) —", "VATICAN CITY, Feb 18 -") or any place
# before an agency's mark ("Washington (CNN)", "Kyiv, Ukraine CNN —", "MOSCOW, May 12
# (Reuters) -"). A quote would open with it and a window spend its words on it: it is cut
# off its paragraph, the story's words kept. Above it, or above the story's first line, the
# byline is often lines of its own (names, "Associated Press", "Special to USA TODAY"),
# which a window would join to the story: at the head of an article they are left out, up
# to the dateline or the agency's line (`from_dateline`). Not a dateline: "Washington
# is..." (no capitals, no mark), a list's "SZA – “Snooze”" and a table's "LEAD - 350
# tonnes" or "UNC - UNCHANGED DP - DELAYED PRICING" (after capitals without a mark: a
# quotation, a number, no prose), "KFC - 218.95 seconds" and "USA TODAY NETWORK -
# Tennessee" (fewer than four words after it), "BC — Colin Guy 25 pass" and "J.D. -- And I
# don't" (no word of three capitals), "KFGO- AM" (a hyphen unspaced). Nor an editor's label
# ("NOTE - Net is after tax...", "FILE - In this 2021 photo...") or a table's row in capitals
# ("WHEAT - US three Hard Amber Durum Apl/May 161 unch", "ALUMINIUM - Barely steady 4650
# (7850) tonnes"; no sentence ends in it, a number every few words): their words are what
# they say (`_dateline_end`). In Reuters-21578 these were 33 of the 143 paragraphs cut.
_EDITORS_LABEL = r"(?:EDITOR[’']?S )?NOTE|FILE(?: PHOTO)?|UPDATED?|CORRECTION|CLARIFICATION"
_AGENCY_MARK = r"(?:\((?:AP|Reuters|AFP|CNN(?: Business)?)\)|CNN(?: Business)?(?=\s?[—–―−]))"
_PLACE_WORD = r"[A-Z0-9][\w.’'-]*"  # or a date's: "May 12"
_DATELINE_DASH = r"(?:\s?[—–―−]|\s-{1,2}(?=\s))\s*"
# A photo agency's caption opens as a dateline with the picture's day after it ("WASHINGTON,
# DC - JANUARY 26: The U.S. Supreme Court building..."): both are cut off.
_CAPTION_DAY = (
    r"(?:(?:JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER"
    r"|DECEMBER) \d{1,2}(?:, \d{4})?: +)?"
)
_DATELINE_OPENING = re.compile(
    rf"(?:(?!(?:{_EDITORS_LABEL}){_DATELINE_DASH})"
    r"[A-Z]{2}[A-Z.’'-]*[A-Z.](?: [A-Z][A-Z.’'-]*)*"  # a place in capitals
    rf"(?:, {_PLACE_WORD}(?: {_PLACE_WORD}){{0,2}}){{0,2}}(?: {_AGENCY_MARK})?{_DATELINE_DASH}"
    rf"{_CAPTION_DAY}"
    r"(?=[A-Z].*[a-z])"  # a story's first word, then prose: not a table's "NICKEL - 216 t"
    rf"|(?:{_PLACE_WORD}(?:(?:,? |/| and ){_PLACE_WORD}){{0,7}} )?{_AGENCY_MARK}"
    rf"(?:{_DATELINE_DASH}|\s+)(?=[A-Z0-9\"“‘]))"  # or a quotation of the story's
    r"(?=\S+(?:\s+\S+){3})"
)
_DATELINE_CHARS = 100  # where an agency's mark is looked for
_AGENCY_MARKED = re.compile(_AGENCY_MARK)
_SENTENCE_END = re.compile(r"[.!?](?=[\"”’)]*(?:\s|$))")  # not a decimal's point
_TABLE_NUMBERS = 5  # a table's row: at least one word in this many is a number
_AGENCY_LINE = re.compile(
    r"(?:(?:Special (?:for|to) |[\w@.’'-]+, )?(?:The )?"
    r"(?:Associated Press|AP|Reuters|AFP|USA ?TODAY(?: Sports| NETWORK| Network)?"
    r"(?: ?[-—–] ?[A-Z][A-Za-z]+)?)(?: Sports)?)"
)
_BYLINE_LINES = 4  # a byline's lines before the story: names, an agency, a title
_BYLINE_WORDS = 8  # in each, and no sentence's end
# A page's calls to its reader, opening its sentence ("Sign up for our newsletter", "Read
# more here.", "Need a news break? Play the Daily Crossword"), in sentences of at most
# `_PROMO_WORDS` words that report nobody: "Netflix lost subscribers", "Check out the list of
# winners below", "Sign up rates doubled, the agency said" are news.
_PROMO = re.compile(
    r"(?:sign up(?: (?:for|here|now|today|to get)\b|\W*$)"
    r"|subscribe(?: (?:to|here|now|today)\b|\W*$)|read more(?! than)\b"
    r"|get (?:our|the|cnn\W?s?) .{0,40}newsletter"
    r"|check out the (?:all new|latest|[\w' ]{0,30}(?:newsletter|podcast|hub|app|puzzle|game)s?\b)"
    r"|play the (?:[\w' ]{0,30}(?:crossword|puzzle|sudoku|game)s?\b)"
    r"|need a (?:news )?break|become a subscriber|support (?:our |local )?journalism"
    r"|consider supporting|looking for a free|just for subscribers|not a subscriber"
    r"|you can (?:also )?sign up (?:for free )?(?:right )?here\b"
    r"|read (?:the )?(?:original|full) (?:article|story)\b"
    r"|download (?:our (?:free )?[\w' ]{0,30}?|the (?:free )?(?-i:[A-Z])[\w' ]{0,30}? )app\b)",
    re.IGNORECASE,
)
# Other calls: a short sentence that ends on "click here" ("For the latest news, click
# here."), and USA TODAY's notes under a story ("Story idea?", "Want to send Nicole a
# note?"). "Download the app from the App Store" in a storm's story (a county's app, not
# the paper's) is news.
_CLICK_HERE = re.compile(r"[^.!?]{0,150}\bclick here\W*", re.IGNORECASE)
_READER_NOTE = re.compile(r"Story idea\?|Want to send [A-Z][\w’'-]+ a note\?")
_CALL_MARKS = "►:• "  # before a call: "► Read the full story here.", ": Download the app"
_PROMO_WORDS = 30
_REPORTED = re.compile(r"\b(?:said|says|told|warned|urged|according|wrote)\b")
# USA TODAY's box for its app, under a mark of any kind ("📲", "∎", "▶"): "The USA TODAY
# app gets you to the heart of the news — fast.", "Download for award-winning coverage,
# crosswords, audio storytelling, the eNewspaper and more.", "The USA TODAY app brings you
# every Team USA medal — right when it happens." News about the app says more than that.
_PAPER_APP = re.compile(
    r"The USA TODAY app (?:gets|brings) you\b.*|Download for award-winning coverage\b.*"
)
# An outlet's call to its own app or edition, after a label or a purpose, in a short
# sentence that reports nobody: "► Get breaking news alerts: Download the free Tennessean
# app for the latest storm updates.", "To be notified of breaking news, we encourage you to
# download the Caller-Times app", "Download your local site's app to ensure you're always
# connected to the news.", "You can subscribe to our print edition, ad-free app or
# e-newspaper here." The call is the reader's (an imperative where a sentence or a clause
# starts), the app named (or "our") and its use is news: "People can download the Volusia
# Beaches App for real-time beach updates", "Residents are encouraged to download the AVL
# Collects app", "Alternatively download the FEMA app or call toll free 800-621-3362" and
# "Download the McDonald's app, click Rewards" are news.
_APP_CALL = re.compile(
    r"(?:^|: |, (?:we encourage you to )?| and | by )"
    r"(?:[Dd]ownload(?:ing)?|[Gg]et|[Ff]ollow (?:\S+ ){0,5}?on)"
    r" (?:the |our |your local site[’']s )?(?:free )?"
    r"(?:[A-Z][\w.’'&-]*(?: [A-Z][\w.’'&-]*){0,3} )?(?:mobile )?[Aa]pp\b"
)
_APP_NEWS = re.compile(
    r"\bnews\b|\balerts\b|\bcoverage\b|\bconnected\b|\bup to date\b|\belection results\b"
    r"|\bdevelopments\b",
    re.IGNORECASE,
)
_EDITION_CALL = re.compile(r"You ?can subscribe to our print edition\b.{0,80}")


_PROMO_OPENINGS = frozenset(
    [
        "sign",
        "subscribe",
        "read",
        "get",
        "check",
        "play",
        "need",
        "become",
        "support",
        "consider",
        "looking",
        "just",
        "not",
        "you",
        "download",
    ]
)


# Who reported a story, anywhere in it (at its head `from_dateline` leaves them out too): a
# line of an agency alone or signed ("AP", "-- Associated Press", "USA TODAY Sports", "—
# Carli Pierson, USA TODAY"), the contributors' line ("Contributing: The Associated Press",
# "From USA TODAY Network and wire reports") and the sentence thanking them ("The Associated
# Press contributed to this report."). In news-qa-dev 317 pages end "From USA TODAY Network
# and wire reports"; a window spent words on them and a quote showed them. News about an
# agency says more: "USA TODAY reached out to the users for comment."
_SIGNER = r"[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}"
_CREDIT_LINE = re.compile(
    rf"(?:[—–−-]{{1,2}} ?)?(?:{_SIGNER}(?:, | and ))*{_AGENCY_LINE.pattern}"
    r"(?: [Ss]taff| columnist)?\.?"
    r"|(?:Contributing|Contributed by): .+"
    r"|From (?:the )?(?:USA TODAY(?: Network| NETWORK)?|staff)(?: and wire reports)?\.?"
)
_CREDIT_CHARS = 100  # none of `_CREDIT_LINE` is longer but a contributors' list
_CREDIT_NAME = re.compile("AP|Press|Reuters|AFP|TODAY|staff")  # one is in each
# Who contributed to "this" report, not "the" report a story is about ("More than 200
# scientists contributed to the report."), nor a number of people.
_CONTRIBUTED = re.compile(
    r"\(?(?:[—–−-]{1,2} ?)?\D+ contributed (?:to this (?:report|story|article)"
    r"|to the reporting(?: of this story)?|reporting)\.?\)?"
)


# The paper's lines about its own people, anywhere in an article: a reporter's bio ("Jane
# Doe is a trending news reporter for USA TODAY.", "Julia covers breaking news for USA
# TODAY."), how to reach a reporter ("Reach her at jdoe@usatoday.com and follow her on X
# @jdoe.", "Follow USA TODAY reporter Jane Doe on Twitter @jdoe.", "Jane Doe can be reached
# at 515-284-8000.") and a content partner's disclaimer ("24/7 Wall St. is a USA TODAY
# content partner offering financial news and commentary.", "Its content is produced
# independently of USA TODAY."). A bio says a named person "is" the paper's staff, in a
# sentence of its own: "Page became a White House correspondent for USA TODAY in 1995",
# "Evan Gershkovich is a reporter for The Wall Street Journal", "Kristin McGrath, an
# editor at RetailMeNot, told USA TODAY" and "Jones is a former Gannett editor" are news. A
# way to reach a reporter opens its sentence (or its clause) with the call, names "her",
# "him" or a reporter, and holds an address, a handle, a phone number or a platform: "Musk
# told fans to follow him on X" and "Contact the FBI at tips.fbi.gov" are news.
_PAPERS = ("USA TODAY", "USA Today", "Gannett")
_PAPER_NAME = f"(?:{'|'.join(_PAPERS)})"
# a name ("Jane Doe", "Fernando Cervantes Jr.", "Daniel de Visé", "She"), not a
# sentence's function word ("The hotline can be reached at..."); a role before it ("Staff
# writer Jane Doe", "Dolphins reporter Hal Habib")
_STAFF_ROLE = (
    r"(?i:reporter|writer|editor|correspondent|columnist|journalist|producer|critic"
    r"|contributor)s?"
)
_STAFF_NAME = (
    r"(?!(?:The|This|That|These|Those|It|Its|They|We|You|I|There|Here|What|Which|Who|A|An)\b)"
    rf"(?:(?:[A-Z][\w&’'-]* ){{0,3}}(?:[a-z]+ )?{_STAFF_ROLE} )?"
    r"(?:[A-Z][\w.’'\"()-]*(?: (?:[a-z]{2,3} )?[A-Z][\w.’'\"()-]*){0,5})"
)
# "is a trending news reporter for USA TODAY", "is USA TODAY's Books Reporter"
_STAFF_BIO = re.compile(
    rf"{_STAFF_NAME}(?:, [^,]+,)? is (?!(?:a |an |the )?former\b)"
    rf"(?:(?:\S+ ){{0,8}}?{_STAFF_ROLE}\b.*?\b{_PAPER_NAME}"
    rf"|(?:\S+ ){{0,3}}?{_PAPER_NAME}\S* (?:\S+ ){{0,3}}?{_STAFF_ROLE})\b.*"
    rf"|{_STAFF_NAME} covers .*? for .*?\b{_PAPER_NAME}\b.*"
    r"|.+ is a member of (?:the )?USA TODAY[’']?S (?i:Editorial Board|Board of Contributors)\.?"
    r"|[^.]{1,60} is a USA TODAY content partner\b.*"
    r"|Its content is produced independently of USA TODAY\.?"
)
_REACH_LINE = re.compile(
    r"(?:[^.]{0,60}(?:,| and) )?(?i:(?:(?:you|she|he) can (?:also )?)?"
    r"(?:reach|e-?mail|contact|follow|connect with|call|send|shoot|message)\b"
    rf".*\b(?:her|him|{_STAFF_ROLE})\b).*"
    rf"|{_STAFF_NAME}(?:, [^,]+,| covers .*? and)? (?:can|may) be reached\b.*"
    r"|(?i:say (?:hello|hi))\W.*"
)
_ADDRESS = re.compile(
    r"@\w|\b\d{3}-\d{4}\b"
    r"|\bon ?(?:X|Twitter|Instagram|Facebook|TikTok|Bluesky|Threads|LinkedIn)\b"
)
_REACH_OPENING = re.compile(
    r"(?i:reach|e-?mail|contact|follow|connect|call|send|shoot|message|say|you|she|he)\b"
)
_STAFF_CHARS = 300  # a bio or a way to reach someone is no longer


def _is_staff_line(sentence: str) -> bool:
    """Whether a sentence is the paper's line about its own reporter or content partner
    (`_STAFF_BIO`) or says how to reach the reporter (`_REACH_LINE`)."""
    if len(sentence) > _STAFF_CHARS:
        return False
    # a bio names the paper; a way to reach someone holds an "@", says "reached" or opens
    # with the call: most sentences are passed at a look
    if ("USA" in sentence or "Gannett" in sentence) and _STAFF_BIO.fullmatch(sentence):
        return True
    if not ("@" in sentence or "reached" in sentence or _REACH_OPENING.match(sentence)):
        return False
    return (
        _ADDRESS.search(sentence) is not None
        and _REACH_LINE.fullmatch(sentence) is not None
        and _REPORTED.search(sentence) is None
    )


def _is_credit(sentence: str) -> bool:
    """Whether a sentence credits the story's agency or reporters (`_CREDIT_LINE`,
    `_CONTRIBUTED`)."""
    if "contributed" in sentence:
        return _CONTRIBUTED.fullmatch(sentence) is not None
    if sentence.startswith(("Contributing:", "Contributed by:")):
        return True
    return (
        len(sentence) <= _CREDIT_CHARS
        and _CREDIT_NAME.search(sentence) is not None
        and _CREDIT_LINE.fullmatch(sentence) is not None
    )


# What a sentence one of `is_furniture`'s rules matches has, each rule's need (not what it
# matches), for `_passed_at_a_look`. An opening that is no letter: a digit (`_LIST_NUMBER`,
# `_LIVE_STAMP`), a dash (`_BYLINE`), a call's mark (`_without_marks`), or marks alone
# (`_MARKS_ONLY`); a quotation's mark opens none of them. An ending of `_LINES`,
# `_READER_NOTE` or `_CLICK_HERE`. An opening word of `_PROMO` (any case, as
# `_PROMO_OPENINGS`; "Download for" among them), `_LIVE_STAMP` or `_EDITION_CALL`, or a way
# to reach a reporter's (`_REACH_OPENING`) with an address (`_ADDRESS`). A credit's agency
# or contributors (`_CREDIT_NAME`, `_CONTRIBUTED`), a staff line's paper (`_PAPER_APP`'s
# too), "@" or "reached", a photo credit's "/", an app (`_is_app_call`: "[Aa]pp\b").
_LINE_OPENINGS = "—–-"
_FURNITURE_ENDINGS = ("?", "here", "here.", "here.)", "—", "–")
_FURNITURE_OPENING = re.compile(rf"(?i:{'|'.join(sorted(_PROMO_OPENINGS))})|You|Updated ")
# the first two letters those openings and `_REACH_OPENING`'s can have, in lower case: an
# ASCII opening without them is passed without a search (any case of a letter outside
# ASCII, "ſ" for "s", is left to the searches)
_OPENING_HEADS = frozenset(
    ["re", "e-", "em", "co", "fo", "ca", "se", "sh", "me", "sa", "yo", "he", "up"]
    + [word[:2] for word in _PROMO_OPENINGS]
)
# in capitals or marks, found by one search (a lower-case letter would make it try most
# places); the words in lower case are looked for by `in`
_FURNITURE_MARKS = re.compile(r"AP|AFP|Press|Reuters|TODAY|Contribut|USA|Gannett|App|@|/")
_APP_WORD = re.compile(r"app\b")


def _passed_at_a_look(sentence: str) -> bool:
    """Whether `sentence` has none of what a rule of `is_furniture` needs: it is prose."""
    first, head = sentence[:1], sentence[:2]
    if not first.isalpha() and (
        first.isdigit()
        or first in _LINE_OPENINGS
        or first in _CALL_MARKS
        or unicodedata.category(first)[0] == "S"
        or (len(sentence) <= _LINE_CHARS and _MARKS_ONLY.fullmatch(sentence) is not None)
    ):
        return False
    return (
        not sentence.endswith(_FURNITURE_ENDINGS)
        and (
            (head.isascii() and head.lower() not in _OPENING_HEADS)
            or (
                _FURNITURE_OPENING.match(sentence) is None
                and (_REACH_OPENING.match(sentence) is None or _ADDRESS.search(sentence) is None)
            )
        )
        and _FURNITURE_MARKS.search(sentence) is None
        and ("app" not in sentence or _APP_WORD.search(sentence) is None)
        and "staff" not in sentence
        and "reached" not in sentence
        and "contributed" not in sentence
    )


def is_furniture(sentence: str) -> bool:
    """Whether a sentence is a line of page furniture (`_LINES`, a live blog's update stamp
    `_LIVE_STAMP`), a credit (`_is_credit`), the paper's line about its reporter
    (`_is_staff_line`) or a promotion (`_PROMO`, the paper's app `_PAPER_APP`, an outlet's
    call to its app `_is_app_call`), not prose."""
    if not sentence or _passed_at_a_look(sentence):
        return False
    if _is_credit(sentence) or _is_staff_line(sentence):
        return True
    # Each of `_LINES` opens with a mark, a digit or a dash, ends with a dash, or has a "/";
    # each of `_PROMO` opens with one of `_PROMO_OPENINGS`: prose is passed at a look.
    if (
        len(sentence) <= _LINE_CHARS
        and (not sentence[0].isalpha() or sentence[-1] in "—–" or "/" in sentence)
        and _LINES.fullmatch(sentence)
    ):
        return True
    if sentence.endswith(("?", "here", "here.", "here.)")) and (
        _READER_NOTE.fullmatch(sentence) or _CLICK_HERE.fullmatch(sentence)
    ):
        return _REPORTED.search(sentence) is None
    if (sentence[:1].isdigit() or sentence.startswith("Updated ")) and _LIVE_STAMP.fullmatch(
        sentence
    ):
        return True
    call = _without_marks(sentence)
    return (
        bool(call)
        and (
            (call.split(None, 1)[0].lower() in _PROMO_OPENINGS and _PROMO.match(call) is not None)
            or (call.startswith(("The USA", "Download for")) and _PAPER_APP.fullmatch(call))
            or _is_app_call(call)
        )
        and len(call.split()) <= _PROMO_WORDS
        and _REPORTED.search(call) is None
    )


def _without_marks(sentence: str) -> str:
    """`sentence` without the marks a call opens with: `_CALL_MARKS` and any symbol ("📲",
    "👉", "∎")."""
    start = 0
    while start < len(sentence) and (
        sentence[start] in _CALL_MARKS or unicodedata.category(sentence[start])[0] == "S"
    ):
        start += 1
    return sentence[start:]


def _is_app_call(call: str) -> bool:
    """Whether `call` calls on the reader to get the outlet's app or edition (`_APP_CALL`,
    `_EDITION_CALL`)."""
    if call.startswith("You") and _EDITION_CALL.fullmatch(call):
        return True
    if not ("app" in call or "App" in call) or call[:1] in "\"“‘'":
        return False
    app = _APP_CALL.search(call)
    return (
        app is not None
        and (" our " in app.group() or "local site" in app.group() or _named_app(app.group()))
        and _APP_NEWS.search(call) is not None
    )


def _named_app(call: str) -> bool:
    """Whether the app of a call (`_APP_CALL`'s match) is named: a capitalised word before
    "app" ("the free Tennessean app", "IndyStar app")."""
    words = call.split()[:-1]
    while words and words[-1] == "mobile":
        words.pop()
    return bool(words) and words[-1][:1].isupper()


def _is_byline_line(line: str) -> bool:
    """Whether a line at an article's head could be a byline's: a few words, no sentence."""
    return len(line.split()) <= _BYLINE_WORDS and line[-1] not in '.!?"”’'


def _dateline_end(line: str) -> int:
    """Where the story starts after the dateline `line` opens with; 0 without one.

    A capitals' opening without an agency's mark before a row of a table (no sentence's
    end in it, a number among every `_TABLE_NUMBERS` words) is the row's label, not a
    place."""
    # a dateline opens with two capitals or has an agency's mark: prose is passed at a look
    head = line[:_DATELINE_CHARS]
    if not (line[1:2].isupper() or "(" in head or "CNN" in head):
        return 0
    dateline = _DATELINE_OPENING.match(line)
    if dateline is None:
        return 0
    story = line[dateline.end() :]
    if _SENTENCE_END.search(story) or _AGENCY_MARKED.search(dateline.group()):
        return dateline.end()
    words = story.split()
    numbers = sum(1 for word in words if any(char.isdigit() for char in word))
    return 0 if numbers * _TABLE_NUMBERS > len(words) else dateline.end()


# A page's time of publishing or updating, a line of its own that a window joined to the
# story's first sentence ("June 4, 2026, 3:50 p.m. ET Hunter Biden publicly called out...",
# "June 2, 2026 Updated June 3, 2026, 12:35 p.m. ET Former first lady..."): a date with its
# clock or an "Updated", a live blog's "11:17 am ET April 28, 2026 Share this update", a
# Korean page's "기사입력 :[ 2018-09-28 17:32 ]". Left out, or cut off the paragraph it
# opens, the story's words kept; glued to them it has a time zone or an "Updated". A
# timeline's "Jan. 6, 2021, 2:13 p.m.: Rioters breach the Capitol" and "Sept. 11, 2001,
# 8:46 a.m. American Airlines Flight 11 struck the north tower." are news, as a bare date is.
_MONTH = (
    r"(?:Jan(?:uary|\.)|Feb(?:ruary|\.)|March|April|May|June|July|Aug(?:ust|\.)"
    r"|Sept?(?:ember|\.)|Oct(?:ober|\.)|Nov(?:ember|\.)|Dec(?:ember|\.))"
)
_DAY = rf"{_MONTH} \d{{1,2}},? \d{{4}}"
_CLOCK = r"\d{1,2}:\d\d ?(?:[ap]\.m\.|[ap]m|[AP]M)"
_ZONE = r" (?:ET|[ECMP][SD]T|CT|PT|GMT|UTC)\b"
_STAMP_WORD = r"(?:Updated|Published|Posted|Last updated|Originally published)(?: on)?:? "
_STAMP_TIME = rf"{_DAY}(?:,? (?:at )?{_CLOCK}(?:{_ZONE})?)?"
_TIMESTAMP = re.compile(
    rf"(?:(?:{_STAMP_WORD})?{_STAMP_TIME}(?: {_STAMP_WORD}{_STAMP_TIME})?"
    rf"|{_CLOCK}{_ZONE} {_DAY}(?: Share this update)?"
    r"|기사입력 ?: ?\[? ?\d{4}[-.]\d\d[-.]\d\d(?: \d\d:\d\d(?::\d\d)?)? ?\]?)"
    r"(?:\Z|(?P<story> +)(?=[A-Z0-9\"“‘']))"
)
# A live blog's update stamp, a line of its own: the time and who wrote the update
# ("Updated 11:39 p.m. ET / Ariel Edwards-Levy", "7:47 p.m. ET / Tami Luhby"), or the time
# and the day without a year ("Updated 1:30 p.m. Friday, July 23"). Without the "/" and a
# name, or without "Updated", a time and a day are a schedule's: "8 p.m. ET on ABC",
# "1 p.m. Sunday, July 18" are news.
_LIVE_CLOCK = r"\d{1,2}(?::\d\d)? ?(?:[ap]\.m\.|[ap]m|[AP]M)"
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_LIVE_STAMP = re.compile(
    rf"(?:Updated )?{_LIVE_CLOCK}{_ZONE} / {_SIGNER}(?:(?:,| and|, and) {_SIGNER})*"
    rf"|Updated {_LIVE_CLOCK}(?:{_ZONE})?,? {_WEEKDAY},? {_MONTH} \d{{1,2}}(?:, \d{{4}})?"
)
_STAMP_MARKED = re.compile(rf"{_ZONE}|{_STAMP_WORD}|기사입력")
_STAMP_CLOCK = re.compile(_CLOCK)
_STAMP_OPENINGS = (
    *("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sep", "Oct", "Nov", "Dec"),
    *("Updated", "Published", "Posted", "Last updated", "Originally", "기사입력"),
)


def _timestamp_end(line: str) -> int:
    """Where the story starts after the page's time of publishing (`_TIMESTAMP`) that
    `line` opens with; 0 without one. Alone, the time has a clock, a time zone or a word
    that says what it is ("Updated"; a bare date is a timeline's); before the story's
    words, a time zone or such a word."""
    if not (line[:1].isdigit() or line.startswith(_STAMP_OPENINGS)):
        return 0
    stamp = _TIMESTAMP.match(line)
    if stamp is None:
        return 0
    marked = _STAMP_MARKED.search(stamp.group()) is not None
    if stamp.group("story"):
        return stamp.end() if marked else 0
    return stamp.end() if marked or _STAMP_CLOCK.search(stamp.group()) else 0


# CNN's embedded video player, a paragraph of its own: "Video Ad Feedback <the video's
# title> 02:17 - Source: CNN", the title again after it or only there ("Video Ad Feedback
# 03:48 - Source: CNN She fled Ukraine for the UK. Then her hosts asked her to leave"). No
# story's words are in it: news-qa-dev's 308 are all a player's.
_VIDEO_PLAYER = re.compile(r"Video Ad Feedback .{0,300}?\d{1,2}:\d\d [-•–] Source: CNN.{0,300}")
# and its older one: "JUST WATCHED <title> Replay More Videos ... MUST WATCH <title> 02:33"
# (news-qa-dev's 88 are all a player's)
_OLD_PLAYER = re.compile(
    r"JUST WATCHED .{0,300}? Replay More Videos \.\.\. MUST WATCH .{0,300}? \d{1,2}:\d\d"
)


def from_dateline(lines: list[str]) -> list[tuple[int, str]]:
    """(number, line) of an article's paragraphs, each dateline and the page's time of
    publishing cut off the paragraph it opens (before Punkt, which would part "GARDINER,
    Mont." from "– On a typical day"), a video player's left out; where a dateline opens,
    or an agency's line stands, among the first `_BYLINE_LINES`, the byline's lines before
    it (and the agency's line) left out."""
    story: list[tuple[int, str]] = []
    for number, whole in enumerate(lines):
        line = whole[_timestamp_end(whole) :]
        if (
            not line
            or (line.startswith("Video Ad") and _VIDEO_PLAYER.fullmatch(line))
            or (line.startswith("JUST WATCHED") and _OLD_PLAYER.fullmatch(line))
        ):
            continue
        start = _dateline_end(line)
        if number < _BYLINE_LINES and all(_is_byline_line(s) for _, s in story):
            if start:
                story.clear()
            elif _AGENCY_LINE.fullmatch(line):
                story.clear()
                continue
        story.append((number, line[start:]))
    return story


# A photo's caption, which the splitter keeps (its words are the page's, and a question may
# find them) but which tells no story's news: a digest takes no extract from one
# (`is_photo_caption`). An agency's caption ends with its picture's place and day, the year
# given, a comma in or after the place: "A man walks past a shop in Kyiv, Ukraine, May 3,
# 2022.", "... in Brasilia, Brazil October 30, 2022." (Reuters), "... in Washington, DC, on
# March 14, 2022." (CNN). News prose says "on Tuesday", and a date with its year after a
# weekday ("on Friday, March 15, 2024.") or after a place without a comma ("moderated by
# Kristen Welker in Nashville on Oct. 22, 2020.") is not a caption's. An editor's label
# opens one ("FILE PHOTO: ...", "FILE - In this 2021 photo, ...", "File photo/AP People
# shop ...", "This aerial photo taken September 27 shows ..."). Its credit is a line after
# it ("REUTERS/Valentyn Ogirenko", "(AP Photo/Evan Vucci)", "Justin Sullivan/Getty Images").
_PICTURE_DAY = re.compile(
    rf"(?<![\w.])(?!(?:{_WEEKDAY}|On|In|Since|Until|By|From)\b)[A-Z][\w.’'-]*,"
    rf"(?: (?:on|[A-Z][\w.’'-]*))? {_MONTH} \d{{1,2}}, (?:19|20)\d\d\.[\"”’)]*$"
)
_PICTURE_LABEL = re.compile(
    r"(?:FILE(?: PHOTO)?|File [Pp]hoto) ?[:/—–-]"
    r"|In this (?:[\w.,]+ ){0,4}?(?:photo|image|picture)\b"
    r"|This (?:\w+ ){0,2}(?:photo|image|picture) (?:taken|provided|released|shows|made)\b"
)
_AGENCY_CREDIT = re.compile(
    r"\(?(?:REUTERS|Reuters|AP Photo|AFP|EPA)/[A-Z][^/]{1,60}(?:/[\w ]{1,30})?\)?"
    r"|\((?:AP|AFP|Reuters) Photo(?:/[^()]{1,60})?\)"
    r"|[A-Z][\w.’' -]{1,60}/(?:Reuters|AP|AFP|EPA|Getty Images)/(?:FILE|File|[Ff]ile [Pp]hoto)"
)


def is_photo_credit(line: str) -> bool:
    """Whether `line` is a photo's credit alone: "REUTERS/Valentyn Ogirenko", "(AP
    Photo/Evan Vucci, File)", "Justin Sullivan/Getty Images"."""
    if "/" not in line and "Photo" not in line:
        return False
    return bool(_AGENCY_CREDIT.fullmatch(line) or _PHOTO_CREDIT.fullmatch(line))


def is_photo_caption(sentence: str, after: str = "") -> bool:
    """Whether `sentence` is a photo's caption (see `_PICTURE_DAY`): opened with an editor's
    label, ending with the picture's place and day, or followed by its credit (`after`, the
    line after it)."""
    return bool(
        _PICTURE_LABEL.match(sentence)
        or (sentence[-1:] in '."”’)' and _PICTURE_DAY.search(sentence))
        or (after and is_photo_credit(after))
    )
