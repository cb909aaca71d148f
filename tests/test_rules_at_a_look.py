"""The looks that pass prose before the furniture and clutter rules read it let through a
sentence of each rule: a look that passed one the rule matches would change what is stored."""

import pytest

from retrieval.corpus.clutter import _cut, _may_cut, is_clutter
from retrieval.corpus.furniture import _passed_at_a_look, is_furniture

FURNITURE = [
    # credits
    "The Associated Press contributed to this report.",
    "Contributing: Jane Doe and John Roe",
    "Contributed by: Jane Doe",
    "— Associated Press",
    "USA TODAY Sports",
    "Reuters",
    "AFP",
    "From staff and wire reports.",
    "From USA TODAY Network and wire reports",
    # the paper's lines about its people
    "Jane Doe is a trending news reporter for USA TODAY.",
    "Julia covers breaking news for USA TODAY.",
    "Its content is produced independently of USA TODAY.",
    "Jane Doe is a reporter for Gannett.",
    "Reach her at jdoe@usatoday.com and follow her on X @jdoe.",
    "Jane Doe can be reached at 515-284-8000.",
    "Follow USA TODAY reporter Jane Doe on Twitter @jdoe.",
    "Contact him at 555-1234 or on X.",
    "She can be reached at 555-1234.",
    # lines of a page
    "___",
    "♦",
    "12.",
    "– Jane Smith",
    "Justin Sullivan/Getty Images",
    "New York CNN Business —",
    # a reader's note, a click
    "Story idea?",
    "Want to send Nicole a note?",
    "For the latest news, click here.",
    # a live blog's stamp
    "Updated 11:39 p.m. ET / Ariel Edwards-Levy",
    "7:47 p.m. ET / Tami Luhby",
    "Updated 1:30 p.m. Friday, July 23",
    # promotions and calls to an app
    "Sign up for our newsletter.",
    "SUBSCRIBE NOW",
    "Read more here.",
    "► Read the full story here.",
    "Need a news break?",
    "Check out the latest podcasts",
    "Download the free USA TODAY app.",
    "📲 The USA TODAY app gets you to the heart of the news — fast.",
    "Download for award-winning coverage, crosswords, audio storytelling and more.",
    "► Get breaking news alerts: Download the free Tennessean app for the latest updates.",
    "Download your local site's app to ensure you're always connected to the news.",
    "You can subscribe to our print edition, ad-free app or e-newspaper here.",
    "Youcan subscribe to our print edition, ad-free app or e-newspaper.",
]


@pytest.mark.parametrize("sentence", FURNITURE)
def test_furniture_is_not_passed_at_a_look(sentence: str) -> None:
    assert is_furniture(sentence)
    assert not _passed_at_a_look(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The Senate voted on Tuesday, the agency said.",
        "“We will win,” she said.",
        "He said the happening was over.",
    ],
)
def test_prose_is_passed_at_a_look(sentence: str) -> None:
    assert _passed_at_a_look(sentence)
    assert not is_furniture(sentence)


CUT = [
    "Kevin Dietsch/Getty Images The Senate voted.",
    "Matthew Busch for CNN People in Uvalde light candles.",
    "The square was full. (Photo by Ahmed Saleh/AFP via Getty Images)",
    "Crowds gathered Hide Caption 5 of 16",
    "Flowers were left at the gate. Prev Next",
    "In pictures: The UK's new prime minister Prev Next She took office.",
    "Willowood Park (Silver Spring Drive and Badger Drive) Read more",
    "A day on the station pic.twitter.com/09LZ80TT9g",
    "Love you — Dave Coulier (@DaveCoulier) January 10, 2022",
    "Their daughters, 4 and 6. Courtesy Smith family",
    "Photo: Reuters/Jon Nazca",
]


@pytest.mark.parametrize("sentence", CUT)
def test_a_cut_is_looked_for(sentence: str) -> None:
    assert _cut(sentence) != [sentence]
    assert _may_cut(sentence)


PAGE_NOTES = [
    "Story continues below.",
    "Follow AP's coverage at https://apnews.com/hub/elections",
    "See the full list at https://example.com/list",
    "Read it at https://example.com",
    "Find out more at https://example.com",
    "Watch the video at https://example.com/v",
    "Listen to the episode at https://example.com/p",
    "Get the whole story at https://example.com/s",
    "Copyright 2023 The Associated Press.",
    "© 2023 Cable News Network.",
    "All rights reserved.",
    "This article was originally published by The Conversation.",
    "This material may not be published, broadcast, rewritten or redistributed.",
    "Follow Jane Doe on Twitter: @jdoe",
    "Follow CNN Opinion Join us on Twitter and Facebook.",
    "Join us on Twitter and Facebook.",
    "Get the facts behind the news, plus analysis from multiple perspectives.",
    "GET FOX BUSINESS ON THE GO BY CLICKING HERE",
    "Also on rt.com Another story",
    "Like this story?",
    "Share it with a friend!",
    'Use the code "GETPRO".',
    "Also: See what else happened",
    "Moneycontrol Pro offers you the market's best research.",
    "We will use the information you have shared to manage your registration as you asked.",
    "You agree to the processing, storage, sharing and use of this information for the"
    " purpose of managing your account as described in our Privacy Policy.",
    "The WeekDay newsletter provides you with the week's news.",
    "You can find out more about our legitimate interest activity in our Privacy Policy.",
    "If you wish to object to the use of your data in this way, please tick here.",
    "‘We’ includes The Week and other Future Publishing Limited brands.",
    "'We' includes The Week and other Future Publishing Limited brands.",
    '"We" includes The Week and other Future Publishing Limited brands.',
]


@pytest.mark.parametrize("sentence", PAGE_NOTES)
def test_a_page_note_is_looked_for(sentence: str) -> None:
    assert is_clutter(sentence)
