"""Clutter glued into a page's sentences: photo credits, a gallery's marks and titles, links
to other stories, sign-up lines; cut out of a sentence or, where it is all a sentence is,
left out (`without_clutter`), beside the lines of `furniture`.

The pages of news-qa-dev were exported without their line breaks between a photo's credit,
its caption and the story, so Punkt makes one sentence of "Claudia Greco/Reuters In
pictures: Former UK Prime Minister Rishi Sunak Prev Next Sunak has also been scrutinized...":
a quote showed the credit and the gallery's title, and a window spent its words on them.
The story's words are kept; only what is the page's is cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A photo's credit: names, a "/", an agency or outlet ("Kevin Dietsch/Getty Images",
# "Bryan R. Smith/AFP/Getty Images", "Owen Cooban/Ministry of Defense/AP"). Without the
# "/" a name is news ("Reuters reported"), and one inside a sentence is a story's ("a photo
# by Glyn Kirk/AFP went viral"): a credit is cut only where a sentence starts, or ends.
_NAME_WORD = r"[A-Z][\w.’'&-]*"
_CREDIT_SEGMENT = (
    rf"{_NAME_WORD}(?: (?:{_NAME_WORD}|de|da|van|von|del|der|of|the|la|le|du|dos|bin|al|el))"
    r"{0,5}"
)
_AGENCY = (
    r"(?:Getty Imag(?:es|aes)(?: (?:Europe|North America|South America|AsiaPac))?"
    r"|AP|AFP|Reuters|Shutterstock|EPA(?:-EFE)?|Bloomberg|Sipa USA|Sipa|NurPhoto|Alamy"
    r"|ZUMA (?:Press(?: Wire)?|Wire)|Zuma|Anadolu Agency|Anadolu|SOPA Images|LightRocket"
    r"|USA (?:Today|TODAY)(?: (?:Network|NETWORK|Sports))?|Imagn(?: Images)?"
    r"|Redux(?: for CNN)?|CNN|NASA|Pool|Tribune Content Agency|TNS|Xinhua|Kyodo)"
)
_CREDIT = rf"(?:{_CREDIT_SEGMENT} ?/ ?)+{_AGENCY}(?![\w/])"
# A photographer's credit for CNN, without a "/": "Matthew Busch for CNN People in Uvalde
# light candles...", two to four names where a sentence starts ("Writing for CNN Opinion,"
# is one word and no credit).
_FOR_CNN = r"[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){1,3} for CNN"
# "(Photo by Ahmed Saleh/AFP via Getty Images)", "Photo: Reuters/Jon Nazca": a credit's
# own words say what it is, wherever it stands.
_PHOTO_BY = r"\((?:Photo|Image|Picture)s? (?:by|courtesy of|credit:?) [^()]{1,80}\)"
# "Courtesy SpaceX", "courtesy Ron Magill", "Jill Filipovic Courtesy Jill Filipovic": a
# credit alone, or glued after a caption's end ("... and Nevaeh, 4. courtesy Smith & Noble
# family"); names only, no sentence's end. "Odds courtesy of BetMGM as of Tuesday", "came
# courtesy of Canada’s Christine Sinclair" and "Movie descriptions courtesy of IMDB." are
# the story's.
_COURTESY = (
    r"(?:(?<=^)(?:[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3} )?|(?<=[.!?] ))[Cc]ourtesy (?:of )?"
    r"(?:the )?[A-Z0-9][^\s.!?]*(?: (?:[A-Z0-9&][^\s!?]*|of|for|the|and|family)){0,7}$"
)
_PHOTO_LABEL = (
    r"(?:Photo|Image|Picture)s?(?: credit)?: [^\s/]+(?: [^\s/]+){0,4}/[^\s/]+(?: [A-Z]\S*){0,3}"
)

# A gallery's marks: "Hide Caption 5 of 16", "Prev Next", and the title each of its items
# repeats ("In pictures: Liz Truss, the UK's new prime minister", up to "Prev Next" or the
# next credit; "Photos: The life of Queen Elizabeth II", up to where the items part).
_GALLERY_MARK = r"Hide Caption \d+ of \d+|Prev Next"
_TITLE_OPENING = 3  # "Photos:" and a title's first two words, which one gallery's items share
_IN_PICTURES = (
    rf"In pictures: (?:\S+ ){{0,15}}?(?:Prev Next|{_CREDIT}(?![\w/])|\d+ photos(?= [A-Z]|$))"
)
# The gallery's title alone, or before an item's caption once the article has shown it
# alone or before its marks (`_gallery_titles_shown`)
_GALLERY_TITLE = re.compile(r"In pictures: [^.!?]{1,120}")
_TITLE_SHOWN = re.compile(r"In pictures: ([^.!?]{1,120}?)(?= \d+ photos\b| Prev Next|$)")
# A link list's "Read more" glued to the end of its item, a live blog's entry or a fact
# check's summary ("Willowood Park (Silver Spring Drive and Badger Drive) Read more", "...
# aimed at discrediting the U.S. Read more.", "... the agency's field office in Denver said
# on X. Read more here.", which Punkt kept whole after "U.S." and "X."): cut, the item's
# words kept. In the story's words it is no link: "Click here to read more.", "Want to read
# more?", a title in quotes.
_READ_MORE = r"(?<=[^\s\"“‘'(\[]) Read more(?: here)?[.:]?$"
# An embedded tweet's tail: its picture's link (after its own links) and who posted it when
# ("... 300 consecutive days on the @Space_Station pic.twitter.com/09LZ80TT9g — Matthias
# Maurer (@astro_matthias) February 4, 2022"), or the poster alone ("Love you❤️ — Dave
# Coulier (@DaveCoulier) January 10, 2022"). Cut, the tweet's words kept.
_TWEETED = r"— [^—]{1,100}? \(@\w+\) [A-Z][a-z]+\.? \d{1,2}, \d{4}$"
_TWEET_TAIL = (
    r"(?:(?:https?://t\.co/\S+\s*)*pic\.twitter\.com/\w+(?:\s*" + _TWEETED + r")?$"
    r"|(?<!\S)" + _TWEETED + r")"
)
# USA TODAY's labels before a paragraph, glued to it: "AI-assisted summary Bird flu
# outbreaks have continued across the U.S....", "Leer en español" (its link to the story in
# Spanish, alone or before the story's first sentence). The label is cut, the summary's
# sentence kept.
_PAGE_LABEL = r"^(?:AI-assisted summary|Leer en español:?)(?: |$)"
_GLUED = re.compile(
    rf"(?:^|(?<=[.!?] )|(?<=[.!?][\"”’)] )|(?<=Prev Next ))(?:{_CREDIT})(?: (?=[A-Z\"“‘])|$)"
    rf"|^{_FOR_CNN}(?: (?=[A-Z\"“‘])|$)"
    rf"|\s*(?:{_PHOTO_BY}|{_GALLERY_MARK}|{_IN_PICTURES})\s*"
    rf"|^{_PHOTO_LABEL}$"
    rf"|{_READ_MORE}"
    rf"|{_PAGE_LABEL}"
)
# and at a sentence's end, looked for apart (by `in` first: few sentences hold them)
_TAIL = re.compile(rf"{_TWEET_TAIL}|{_COURTESY}")
# what each of `_GLUED` holds: most sentences are passed at one look (a search in C)
_GLUED_HINT = re.compile(
    "/|Hide Caption|Prev Next|In pictures:|Photo|Image|Picture|Read more"
    "|AI-assisted summary|Leer en español"
)
_CUT_HINT = re.compile(rf"{_GLUED_HINT.pattern}|CNN|\(@")  # `_may_cut`'s
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*$")

# A link to another story, as USA TODAY writes it: a label, a colon with no space, the
# headline ("More:Abortion rights protesters stage a sit-in", "obituary:'Leave It to Beaver'
# actor...", ":A detailed look at..."). The label is one of a link's, or in capitals, or the
# headline ends in no full stop; "Salem:A former Oregon lawmaker ... pleaded guilty." (a
# state's round-up) is news. So is an editor's label in capitals before a full sentence
# ("BREAKING:A magnitude 7.1 earthquake struck Japan on Monday.", Reuters' "NOTE:1986 net
# includes..."): other capitals before one are links' ("MORE TO READ:Colleges are
# shrinking.", "HATE ON THE RISE:Antisemitism almost quadrupled...", 136 in 3,000 articles
# of news-1m, none news; "EXCLUSIVE:Asian women are shut out of leadership..." too). The
# label may be a quotation from the story it links to ("'There's no need':Australian
# officials push back against UNESCO in a battle over Great Barrier Reef").
_LINK = re.compile(
    r"(?:►\s*)?(?:([^\W\d_][^:]{0,48}?)(?<=[^\W\d_’'\"”)])"
    r"|([\"“‘'][^\W\d_][^:]{0,48}?(?:[^\W\d_]|[!?])[\"”’']))?:(?=[A-Z0-9\"“‘'$])"
)
_LINK_LABELS = frozenset(
    [
        *("more", "related", "also", "icymi", "opinion", "news", "previously", "watch"),
        *("see", "obituary", "read more", "learn more", "top headlines", "see also"),
    ]
)
_LINK_LABEL_WORDS = 8
_NEWS_LABELS = frozenset(
    [
        *("breaking", "breaking news", "just in", "developing", "update", "updated"),
        *("note", "editor's note", "editor’s note", "correction", "clarification"),
    ]
)

# A page's calls to its reader that `furniture._PROMO` does not open with: a newsletter's
# or an inbox's ("Editor's Note: Sign up for CNN's Wonder Theory science newsletter.",
# "NEVER MISS A MOMENT: Follow our sports newsletter", "A version of this story appeared in
# CNN's Meanwhile in China newsletter"), a channel's, the page's own notes ("Story
# continues below.", "Follow AP's coverage at https://...", "Copyright 2023 The Associated
# Press. All rights reserved."). "wrote Imani Perry in her newsletter", "emails delivered
# to users' inboxes" and "The newsletter is part of a broader push" are news.
_CALL = re.compile(
    r"sign up|subscribe|follow (?:our|us)|join (?:our|us)|delivered (?:right )?to your"
    r"|don[’']t miss|never miss|(?:this|the) story (?:first )?appeared"
    r"|a version of this story|this (?:story|article) is part of|\bour\b",
    re.IGNORECASE,
)
_CALL_WORDS = 40
_PAGE_NOTE = re.compile(
    r"Story continues (?:below|after)\b.{0,40}"
    r"|(?:Follow|See|Read|Find|Watch|Listen to|Get) .{0,100}\bhttps?://\S+"
    r"|(?:© ?)?(?:Copyright|©) (?:©\s*)?\d{4}\b.{0,60}|All rights reserved\.?"
    r"|This (?:article|story) (?:was (?:originally|first) published|is republished)"
    r" (?:by|on|from|in) [A-Z][^.]{0,80}\.?"
    r"|Sign up (?:for|to) .{0,200}\bContact me with news and offers\b.*"
    r"|This material may not be published, broadcast, rewritten,? or redistributed\.?"
    r"|Follow [A-Z][\w.’' -]{0,40} on (?:Twitter|X|Instagram|Threads|Bluesky|Facebook)"
    r"(?::| at) @\S+"
    r"|(?:Follow CNN Opinion )?Join us on Twitter and Facebook\.?"
    # Notes that only point elsewhere: "Click here to read the full story.", "(Click here to
    # view)", "Tap or click here for steps...", "Looking for updates on California storms?",
    # "Follow our latest coverage here.", and an editor's note that opens with a pointer and
    # points to coverage or "here" ("Editor's note: Follow along here for the latest
    # updates on Trump's Cabinet.", "Editor's note:Click here to watch the Starliner
    # astronauts return...", "Editor's Note: For the latest on the Israel-Hamas conflict,
    # please see our live updates file here."). An editor's note on the story itself
    # ("This story has been updated to correct...", "This story will be updated with the
    # latest information") is news.
    r"|[(\[]?(?:please )?(?:tap or )?click here\b.{0,150}"
    r"|Looking for (?:the latest )?updates(?: on [^.!?]{1,80})?\?"
    r"|(?:[^\w\s] ?)?(?:you can )?follow (?:along with )?our (?:latest |live )?coverage\b.{0,100}"
    r"|Editor[’']s note: ?(?=.{0,150}\b(?:here|live|coverage|updates)\b)"
    r"(?:(?:follow|see|read|find|go|visit|watch|click|for the latest|you can follow)\b.{0,150}"
    r"|.{0,100}\bcan be found here\.?)"
    # The Week's pitch, Fox Business's, RT's link and its call to share, Moneycontrol's
    # code, CNET's link
    r"|Get the facts behind the news, plus analysis from multiple perspectives\.?"
    r"|GET FOX BUSINESS ON THE GO BY CLICKING HERE\.?"
    r"|Also on rt\.com\b.{0,200}|Like this story\?|Share it with a friend!"
    r"|Use the code [\"“]GETPRO[\"”]\.?|Also: See [^.!?]{1,80}"
    # Moneycontrol's pitch; The Week's consent form for its WeekDay newsletter, each line
    r"|Get access to India[’']s fastest growing financial subscriptions? service Moneycontrol"
    r" Pro\b.{0,120}|Moneycontrol Pro offers you .{0,300}"
    r"|We will use the (?:details|information) you have shared (?:to manage your"
    r" (?:registration|newsletter subscription)\b|for carefully considered and specific"
    r" purposes\b).{0,300}"
    r"|You agree to the processing, storage, sharing and use of this information for the"
    r" purpose of managing your \w+ as described in our Privacy Policy\.?"
    r"|Would you like to receive The WeekDay newsletter ?\?"
    r"|The WeekDay newsletter provides you with .{0,100}"
    r"|You can find out more about our legitimate interest activity in our Privacy Policy\.?"
    r"|If you wish to object to the use of your data in this way, please tick here\.?"
    r"|[‘'\"]We[’'\"] includes The Week and other Future Publishing Limited brands\b.{0,40}",
    re.IGNORECASE,
)
# The first two letters a page's note opens with, in lower case: most sentences are passed
# without the search (an opening outside ASCII, "©" or any case of a letter such as "ſ" for
# "s", is left to it)
_PAGE_NOTE_HEADS = frozenset(
    ["st", "fo", "se", "re", "fi", "wa", "li", "ge", "co", "al", "th", "si", "jo", "sh"]
    + ["us", "mo", "we", "yo", "wo", "if", "'w", '"w', "cl", "(c", "[c", "ta", "pl", "lo"]
    + ["ed"]
)
# The Week's sign-up box (in `_PAGE_NOTE`), and its form's lines after it in its paragraph:
# "Sign up to our 10 Things You Need to Know Today newsletter ... Contact me with news and
# offers from other Future brands Thank you for signing up to TheWeek. You will receive a
# verification email shortly. There was a problem. Please refresh the page and try again.
# By submitting your information you agree to the Terms & Conditions..." Elsewhere "There
# was a problem." is someone's words.
_SIGN_UP_BOX = re.compile(r"Sign up (?:for|to) .{0,200}\bContact me with news and offers\b.*")
_BOX_FORM = re.compile(
    r"You will receive a verification email shortly\.|There was a problem\."
    r"|Please refresh the page and try again\."
    r"|By submitting your information you agree to the Terms & Conditions and Privacy Policy"
    r"(?: and are aged \d+ or over)?\."
)
# CNN's newsletter box at an article's head, a call and what the newsletter holds, a
# paragraph of their own: "Sign up for CNN’s Wonder Theory science newsletter. Explore the
# universe with news on fascinating discoveries, scientific advancements and more.", "Get
# our free weekly newsletter Sign up for CNN Opinion’s newsletter. We’re looking back at the
# strongest, smartest opinion takes of the week...", "Our seven-part guide has helpful
# hints to achieve better sleep." The teaser after the call is left out with it: a short
# sentence that reports nobody, the paragraph's last, in the article's first paragraphs
# (further down, or after more of the paragraph, what follows a call is the story's).
_TEASER_WORDS = 25
# "USA TODAY ON TELEGRAM:Join our..." in capitals; "Trump said on Telegram: ..." is news.
_CHANNEL = re.compile(r"[A-Z ]{3,40} ON (?:TELEGRAM|WHATSAPP|INSTAGRAM|FACEBOOK|TWITTER|X): ?.*")
# A byline alone on its line at an article's head, where `furniture.from_dateline` finds no
# dateline under it ("By Sam Field"; "By Sam Field, CNN" is a credit): two to four
# capitalised words after "By", no more. Further down it is a book's author, in a list.
_NAMES = r"[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){1,3}"
_BYLINE_ALONE = re.compile(rf"By {_NAMES}(?:(?:,| and|, and) {_NAMES})*")
_BYLINE_PARAGRAPHS = 4  # as `furniture._BYLINE_LINES`
# and the staff's ("Staff Report", "Delmarva Now Staff Report", "Detroit Free Press Staff
# Reports and News Services"); further down, "Staff reports show..." is news
_STAFF_REPORT = re.compile(r"(?:[A-Z][\w.’'-]* ){0,4}Staff Reports?(?: and News Services)?")
# USA TODAY's list of links under a "►", a label and a headline: "►Extended Way Day: Save
# up to 80% with Wayfair deals", "► Related: See the Top 10 in our countdown". Its other
# lists are news: "► Memorial Day travel: Yes, airports will be mobbed." ends as a
# sentence, "► Hear Peter Benjaminson, author of "Mary Wells: The Tumultuous Life..."" has
# a quotation in the label.
_ARROW_LINK = re.compile(r"►\s*([^:\"“”,.!?]{1,60}): +[A-Z0-9\"“‘'$].*")
_REPORTED = re.compile(r"\b(?:said|says|told|warned|urged|according|wrote)\b")


def _is_link(sentence: str) -> bool:
    """Whether `sentence` is a link to another story (`_LINK`, `_ARROW_LINK`)."""
    arrow = _ARROW_LINK.fullmatch(sentence) if sentence.startswith("►") else None
    if arrow is not None:
        label = arrow[1].strip()
        return len(label.split()) <= _LINK_LABEL_WORDS and (
            label.lower() in _LINK_LABELS or _SENTENCE_END.search(sentence) is None
        )
    link = _LINK.match(sentence)
    if link is None:
        return False
    label = link[1] or link[2] or ""
    if not label or label.lower() in _LINK_LABELS:
        return True
    ends = _SENTENCE_END.search(sentence) is not None
    if not any(char.islower() for char in label):
        return not (ends and label.lower() in _NEWS_LABELS)
    return len(label.split()) <= _LINK_LABEL_WORDS and not ends


def is_clutter(sentence: str, paragraph: int = _BYLINE_PARAGRAPHS) -> bool:
    """Whether `sentence`, of the article's `paragraph`, is all clutter: a link to another
    story, a call to a newsletter, a page's note or a byline alone at the head."""
    if (sentence.find(":", 0, 52) != -1 or sentence.startswith("►")) and _is_link(sentence):
        return True
    if _is_newsletter_call(sentence):
        return True
    head = sentence[:2]
    return (
        (
            (not head.isascii() or head.lower() in _PAGE_NOTE_HEADS)
            and _PAGE_NOTE.fullmatch(sentence) is not None
        )
        or _CHANNEL.fullmatch(sentence) is not None
        or (
            sentence.startswith("In pictures: ") and _GALLERY_TITLE.fullmatch(sentence) is not None
        )
        or (
            paragraph < _BYLINE_PARAGRAPHS
            and (
                (sentence.startswith("By ") and _BYLINE_ALONE.fullmatch(sentence) is not None)
                or (
                    sentence.endswith(("Report", "Reports", "Services"))
                    and _STAFF_REPORT.fullmatch(sentence) is not None
                )
            )
        )
    )


def _is_newsletter_call(sentence: str) -> bool:
    """Whether `sentence` calls on the reader to get a newsletter (`_CALL`)."""
    # "newsletter" or "inbox" in their usual cases, looked for by `in`: a search ignoring
    # case is ten times slower, over every sentence of every article ingested
    return (
        (
            "ewsletter" in sentence
            or "EWSLETTER" in sentence
            or "nbox" in sentence
            or "NBOX" in sentence
        )
        and _CALL.search(sentence) is not None
        and len(sentence.split()) <= _CALL_WORDS
        and _REPORTED.search(sentence) is None
    )


def _teasers(pieces: list[tuple[int, str]]) -> set[int]:
    """The places in `pieces` of the teasers of newsletter boxes at the article's head: the
    second and last of a paragraph's two pieces, after a newsletter call (`_TEASER_WORDS`)."""
    teasers = set()
    for place in range(1, len(pieces)):
        number, piece = pieces[place]
        if number >= _BYLINE_PARAGRAPHS:
            break
        if (
            pieces[place - 1][0] == number
            and (place < 2 or pieces[place - 2][0] != number)
            and (place + 1 == len(pieces) or pieces[place + 1][0] != number)
            and len(piece.split()) <= _TEASER_WORDS
            and _REPORTED.search(piece) is None
            and _is_newsletter_call(pieces[place - 1][1])
        ):
            teasers.add(place)
    return teasers


def _may_cut(sentence: str) -> bool:
    """Whether `_cut` may cut anything out of `sentence`: it holds what `_GLUED` or `_TAIL`
    needs (one search for the capitals and marks, "CNN" for "for CNN")."""
    return (
        _CUT_HINT.search(sentence) is not None
        or "twitter.com" in sentence
        or "ourtesy" in sentence
    )


def _cut(sentence: str) -> list[str]:
    """`sentence` without the credits and gallery marks glued into it (`_GLUED`), parted
    where one stood between two sentences; none empty."""
    glued = _GLUED_HINT.search(sentence) is not None or "for CNN" in sentence
    tail = "twitter.com" in sentence or "(@" in sentence or "ourtesy" in sentence
    if not (glued or tail):
        return [sentence]
    parts, start = [], 0
    for cut in _GLUED.finditer(sentence) if glued else ():
        parts.append(sentence[start : cut.start()])
        start = cut.end()
    parts.append(sentence[start:])
    end = _TAIL.search(parts[-1]) if tail else None
    if end is not None:
        parts[-1] = parts[-1][: end.start()]
    return [part for part in map(str.strip, parts) if part]


def _gallery_titles(items: list[str]) -> dict[str, str]:
    """The title each of a gallery's items opens with ("Photos: The life of Queen Elizabeth
    II"), by the item: the words all items that open with the same first two of the title
    open with, when there are two or more of them."""
    galleries: dict[tuple[str, ...], list[list[str]]] = {}
    for item in items:
        words = item.split(" ")
        galleries.setdefault(tuple(words[:_TITLE_OPENING]), []).append(words)
    titles = {}
    for gallery in galleries.values():
        if len(gallery) < 2:
            continue
        common = 0
        while all(len(w) > common + 1 and w[common] == gallery[0][common] for w in gallery):
            common += 1
        for words in gallery:
            titles[" ".join(words)] = " ".join(words[:common])
    return titles


def _gallery_titles_shown(sentences: Iterable[str]) -> set[str]:
    """The titles of the galleries (`_TITLE_SHOWN`) an article's sentences show alone or
    before a gallery's marks: "In pictures: Mass shooting at Texas elementary school"."""
    return {
        title[1]
        for sentence in sentences
        if "In pictures: " in sentence
        for title in _TITLE_SHOWN.finditer(sentence)
    }


def _without_title(piece: str, titles: set[str]) -> str:
    """`piece` without the gallery's title it opens with, one of `titles` ("In pictures:
    Mass shooting at Texas elementary school The area around the Robb Elementary School...")."""
    if not piece.startswith("In pictures: "):
        return piece
    for title in titles:
        if piece.startswith(title, len("In pictures: ")):
            return piece[len("In pictures: ") + len(title) :].strip()
    return piece


def without_clutter(sentences: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """An article's (paragraph number, sentence) pairs with the clutter glued into them cut
    out (`_cut`; a gallery's title, then its item's credit), and those that are all clutter
    (`is_clutter`) or a newsletter box's teaser (`_teasers`) left out."""
    sentences = list(sentences)
    shown = _gallery_titles_shown(sentence for _, sentence in sentences)
    pieces: list[tuple[int, str]] = []
    for number, sentence in sentences:
        if _may_cut(sentence):
            pieces.extend((number, piece) for piece in _cut(sentence))
        else:  # what `_cut` gives: most sentences, a call saved
            pieces.append((number, sentence))
    if shown:  # a gallery's title before its items: few articles
        pieces = [(number, _without_title(piece, shown)) for number, piece in pieces]
        pieces = [(number, piece) for number, piece in pieces if piece]
    titles = _gallery_titles([piece for _, piece in pieces if piece.startswith("Photos: ")])
    teasers = _teasers(pieces)
    kept = []
    box = -1  # the paragraph of The Week's sign-up box, while its form's lines follow it
    for place, (number, piece) in enumerate(pieces):
        if number == box and _BOX_FORM.fullmatch(piece):
            continue
        box = number if "Contact me" in piece and _SIGN_UP_BOX.fullmatch(piece) else -1
        if place in teasers:
            continue
        title = titles.get(piece)
        for item in _cut(piece[len(title) :].strip()) if title else [piece]:
            if not is_clutter(item, number):
                kept.append((number, item))
    return kept
