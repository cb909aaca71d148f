"""Which messages speak to the bot, and what they ask: a group message that mentions it or
replies to it, a photo whose caption opens with /ask, the question in a message, whether a
message after an answer leans on it, and a message that only thanks. Pure reading of updates:
nothing is sent from here."""

from __future__ import annotations

import re
from enum import Enum

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext import filters

from bot.runtime import Context
from retrieval.index.tokens import Tokenizer

# A message that only acknowledges ("thanks!", "ok 👍", "🙏", "great job"): under an answer
# it would otherwise be taken for a follow-up, and a whole new answer posted in the group. It
# holds a word or a sign of thanks: "🤔", "😀😀" or "..." is none, and is told it has no
# words; nor does a bare "yes", "no" or "sure" ask anything ("next" found "the next
# election"). A question mark makes it a question ("Great?", "Nice?"), as does any other word
# ("Great Barrier Reef"); no word of a tail or an opening ("that's", "very") is an ack
# word, so a message parses one way. "thanks, that helps" and "merci" thank as "ok thanks".
_ACK_WORDS = (
    r"(?:that(?:['’]s| is| was)? |(?:very|really|so|super) )?"
    r"(?:(?:many )?thanks?|thank (?:you|u)|thx|thnx|thanx|tks|tnx|ty|cheers|ok(?:ay)?|great"
    r"|good|cool|nice|perfect|got it|awesome|brilliant|excellent|amazing|wow|understood|lol"
    r"|ha(?:ha)+|helpful|helps|helped|merci|danke|gracias|grazie|спасибо"
    r"|yes|yeah|yep|yup|sure|no|nope|alright|fine)\b"
    r"(?: (?:a lot|so much|very much|again|mate|one|job|stuff|bot|beaucoup|schön))?"
)
_ACK_SIGNS = "👍🙏👌👏🤝❤♥🫶✅💯"
_BETWEEN = rf"[^\w?{_ACK_SIGNS}]*"  # no sign in it: one way to match, no backtracking blow-up
THANKS = re.compile(
    rf"{_BETWEEN}(?:(?:{_ACK_WORDS}|[{_ACK_SIGNS}]){_BETWEEN})+",
    re.IGNORECASE,
)


# A message that only greets ("hi", "Hello bot!", "good morning") or asks what the bot does
# ("help", "what can you do?"): searched, its words found chance passages ("Dublin's hi-tech
# lab", "Hey Jude"). Whole messages only: "Hello Kitty maker sued?" and "Help to Buy
# scheme?" are questions. A question mark changes nothing here ("hello?").
GREETING = re.compile(
    r"\W*(?:hi|hiya|hello|hallo|hey|heya|howdy|yo|hola|bonjour|salut|ciao|greetings"
    r"|(?:good )?(?:morning|afternoon|evening)|good day)"
    r"(?:\W+(?:there|bot|all|everyone|everybody|guys|folks|friend|mate))*\W*",
    re.IGNORECASE,
)
# A greeting or a thank-you that opens a question ("hi, who won the open?", "hey bot who
# won?", "thanks! and what about Federer?"): searched with it, "hi" found "Dublin's hi-tech
# lab". It ends at a mark, or at an addressee ("bot", "all"), so "Hello Kitty maker sued?"
# and "Good morning America ratings?" keep their words; "Nice, France" is no thanks.
_OPENING = re.compile(
    r"\W*(?:(?:hi|hiya|hello|hallo|hey|heya|howdy|yo|hola|bonjour|salut|ciao|greetings"
    r"|(?:good )?(?:morning|afternoon|evening)|good day"
    r"|(?:many )?thanks?|thank (?:you|u)|thx|ty|cheers|ok(?:ay)?)"
    r"(?:(?:\W+(?:there|bot|all|everyone|everybody|guys|folks|friend|mate))+\b[,!.:;]*"
    r"|\s*[,!.:;]+|\s+[–—-])\s*)+(?=\w)",  # not "hi-tech lab"
    re.IGNORECASE,
)


def without_greeting(question: str) -> str:
    """`question` without the greeting or thanks it opens with, if it asks more than that."""
    return _OPENING.sub("", question, count=1)


ASKS_FOR_HELP = re.compile(
    r"\W*(?:(?:please )?help(?: me| please)?|what can you do|how (?:does this|do you) work)\W*",
    re.IGNORECASE,
)

# A message that asks for more of the last answer ("more", "next", "anything else?"):
# searched, "next" found "the next election". It is a press of the More ▸ of that answer's
# last page shown (`answers.show_more`).
ASKS_FOR_MORE = re.compile(
    r"\W*(?:(?:please )?(?:(?:show|give|send|tell) (?:me )?)?(?:some |any )?more"
    r"(?: (?:please|passages|results|answers|sources|of (?:that|this|it)))?"
    r"|next(?: (?:page|one|please))?|continue|go on|anything else|what else|others)\W*",
    re.IGNORECASE,
)

# How a message sent after an answer (a reply to it; in a private chat, any message while
# the answer is recent) reads against it, by its words alone; the corpus settles the rest
# (`retrieval.follow_ups`).
#
# It points back at the answer with "else", "next" or "later" anywhere ("and who else?",
# "what happened next in the trial?"), or a pronoun or "this" before a second searchable
# word of its own ("who did he beat?", "how much did this deal cost?"): it is read with the
# answer's question. The pronouns are stopwords, so they never count among its searchable
# words. Not "that", which joins clauses as often as it points back, nor "this week", "next
# month", "later this year": a time, which news questions name all the time. A question
# word and one word at most ("which province?", "what year?", "how many?", "who won?") asks
# which one of the answer's: the province it names, not any stored province (asked alone,
# "which district?" after a Zürich tram line quoted an Afghan earthquake's district).
#
# A pronoun after words of its own most often points at them ("Which company turned off
# the AC in its stores?"): of 1,000 real standalone questions (news-qa-dev), 260 were so
# taken for follow-ups, and 19 still when a pronoun counted only before a second word. Nor
# does the "it" of "is it legal to…", "is it true that…", "why is it so hot…" point back
# (`_EXPLETIVE_IT`): "is it legal to own a python in florida" was searched with "elon musk
# twitter", the question above it.
#
# With fewer than this many searchable words of its own, or opening with "and", "but",
# "also", "what about", it may follow the answer up ("which province?", "what about
# Federer?") or ask on its own ("What is the flood tax?", "Who is Adam Neumann?"): read with
# the answer only when its words are tied to it. With this many and no such opening, it is
# a question of its own ("Which search engine does Time Warner own a stake in?": search,
# engine, time, warner, stake), asked alone.
OWN_QUESTION_TERMS = 3
# A follow-up's pronoun stands for what it would otherwise name, so it names little else
# ("How much did this deal cost taxpayers?": four words). With this many, its opening
# pronoun may as well stand for its own words ("This Pro Football Hall of Famer, known
# for…", "Which of these foods received UN world heritage status?"): it may follow the
# answer up, as above. Of the 1,000, none is read as a follow-up now, and 16 may be.
NAMES_ITS_OWN_TERMS = 5
_TIMES = (
    "week|weekend|month|year|season|morning|afternoon|evening|night|spring|summer|fall"
    "|autumn|winter|time|today|this|that"
)
_NOT_A_TIME = rf"(?! (?:{_TIMES})\b)"
_OPENS_ON_EARLIER = re.compile(
    r"^\W*(?:and|but|also|so|or|then|what about|how about)\b", re.IGNORECASE
)
# "Who else?" asks for more of the answer's; "next" or "later" may ("what happened next?")
# or may name something of its own: after a determiner ("the next total solar eclipse"),
# or among as many words of its own as a pronoun's question names (NAMES_ITS_OWN_TERMS:
# "Beyoncé's next project…", "Who is next in the line of royal succession?"), where it is
# read with the answer only if its words are tied to it.
_ASKS_FOR_MORE = re.compile(r"\belse\b", re.IGNORECASE)
_GOES_ON_FROM_EARLIER = re.compile(
    r"(?<!\bthe )(?<!\ba )(?<!\bits )(?<!\bhis )(?<!\bher )(?<!\btheir )"
    rf"\b(?:next|later){_NOT_A_TIME}\b",
    re.IGNORECASE,
)
_POINTS_BACK = re.compile(
    r"\b(?:he|she|him|his|her|hers|they|them|their|theirs|it|its|these|those"
    rf"|this{_NOT_A_TIME})\b",
    re.IGNORECASE,
)
# The "it" of "is it true that…", "is it legal to…", "why is it so hot…": it stands for
# the clause after "to" or "that", not for anything of the answer. Before any other word
# it may be the answer's subject ("is it safe for children?", "is it legal under EU
# law?"), as it is alone ("is it true?", "is it worth it").
_EXPLETIVE_IT = re.compile(
    r"it(?:['’]s|\s+is|\s+was)?\s+(?:(?:true|false|legal|illegal|safe|unsafe|possible"
    r"|impossible|likely|unlikely|ok|okay|necessary|hard|easy|worth)\s+(?:to|that)|so)"
    r"\s+(?=\w)",
    re.IGNORECASE,
)
_ASKS_WHICH_ONE = re.compile(
    r"^\W*(?:(?:which|what|whose|who|where|when|why)(?:\s+[\w'’-]+)?"
    r"|how(?:\s+(?:many|much|long|old|far|come|so))?(?:\s+[\w'’-]+)?)\W*$",
    re.IGNORECASE,
)
_TERMS = Tokenizer()  # the index's rules: the words a search looks up


class Lean(Enum):
    """How a message sent after an answer reads against it (`lean`)."""

    NONE = "a question of its own"
    MAYBE = "a follow-up if its words are tied to the answer"
    POINTS_BACK = "a follow-up"


def lean(message: str) -> Lean:
    """How `message`, sent after an answer, leans on it: it points back at it
    (`_ASKS_FOR_MORE`, `_ASKS_WHICH_ONE`, or "next", `_GOES_ON_FROM_EARLIER`, or a pronoun
    that opens it, `_opens_on_a_pronoun`, with fewer than NAMES_ITS_OWN_TERMS searchable
    words), may follow it up (either and more words, `_OPENS_ON_EARLIER`, or fewer than
    OWN_QUESTION_TERMS searchable words), or is a question of its own."""
    if _ASKS_FOR_MORE.search(message) or _ASKS_WHICH_ONE.match(message):
        return Lean.POINTS_BACK
    own_terms = len(set(_TERMS(message)))
    if _GOES_ON_FROM_EARLIER.search(message) or _opens_on_a_pronoun(message):
        return Lean.POINTS_BACK if own_terms < NAMES_ITS_OWN_TERMS else Lean.MAYBE
    if _OPENS_ON_EARLIER.search(message) or own_terms < OWN_QUESTION_TERMS:
        return Lean.MAYBE
    return Lean.NONE


def _opens_on_a_pronoun(message: str) -> bool:
    """Whether a pronoun or "this" (`_POINTS_BACK`) comes before a second searchable word
    of `message`, other than the "it" that stands for nothing (`_EXPLETIVE_IT`)."""
    for pronoun in _POINTS_BACK.finditer(message):
        if len(_TERMS(message[: pronoun.start()])) >= 2:
            return False
        if not _EXPLETIVE_IT.match(message, pronoun.start()):
            return True
    return False


class _AddressedToBot(filters.MessageFilter):
    """A group message that mentions the bot or replies to one of its messages (`ask`
    answers only those replying to an answer)."""

    def filter(self, message: Message) -> bool:
        # of the replies, `ask` keeps only those to answers
        return replies_to_bot(message) or mentions_bot(message)


def replies_to_bot(message: Message) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == message.get_bot().id)


def mentions_bot(message: Message) -> bool:
    bot = message.get_bot()
    mention = f"@{bot.username}".lower()
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    in_caption = message.parse_caption_entities(kinds)  # a photo's caption asks too
    for entity, text in (message.parse_entities(kinds) | in_caption).items():
        if entity.type == MessageEntity.MENTION and text.lower() == mention:
            return True
        if entity.user is not None and entity.user.id == bot.id:
            return True
    return False


ADDRESSED_TO_BOT = _AddressedToBot(name="addressed_to_bot")


class _CommandToThisBot(filters.MessageFilter):
    """A message opening with a command addressed to this bot by name (/foo@<this bot>):
    in a group, a command without the name may be another bot's."""

    def filter(self, message: Message) -> bool:
        entities = message.entities
        if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset:
            return False
        addressee = message.parse_entity(entities[0]).partition("@")[2]
        return addressee.lower() == message.get_bot().username.lower()


COMMAND_TO_THIS_BOT = _CommandToThisBot(name="command_to_this_bot")


class _AsksInCaption(filters.MessageFilter):
    """A photo (or other media) whose caption opens with /ask or /ask@<this bot>."""

    def filter(self, message: Message) -> bool:
        return caption_command(message, message.get_bot().username) is not None


ASKS_IN_CAPTION = _AsksInCaption(name="asks_in_caption")


def caption_command(message: Message, username: str) -> list[str] | None:
    """The words after the /ask opening a caption, as `context.args` has those of a text's;
    None for a caption that opens with no /ask for this bot. CommandHandler reads only a
    message's text, and a photo captioned "/ask@bot question" went unanswered."""
    entities = message.caption_entities
    if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset:
        return None
    command = message.parse_caption_entity(entities[0])
    name, _, addressee = command[1:].partition("@")
    if name.lower() != "ask" or addressee.lower() not in ("", username.lower()):
        return None
    return (message.caption or "")[len(command) :].split()


def text_of(message: Message) -> str:
    """What a message says: its text, or a photo's caption."""
    return message.text or message.caption or ""


def question_in(message: Message, context: Context) -> str:
    """The question in a message: without the /ask command or the bot's @mention."""
    if context.args is not None:  # a command: /ask question ("/ask @bot question" too)
        return without_mention(" ".join(context.args), context.bot.username)
    return without_mention(text_of(message), context.bot.username)  # or a photo's caption


def without_mention(text: str, username: str) -> str:
    """`text` without the bot's @mention, wherever it is: a question asked of the bot
    (a message, a command's words, the message "/ask" replies to) names it to reach it,
    and searched, "newsbot_test_bot" was named as no stored article's word."""
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


def in_group(message: Message) -> bool:
    return message.chat.type != ChatType.PRIVATE


def command_name(text: str) -> str:
    """The name of the command `text` opens with, without its slash or @bot: "subscribe"."""
    return text.split()[0][1:].split("@")[0].lower()
