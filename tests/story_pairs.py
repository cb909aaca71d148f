"""Hand-made windows of reports for the grouping tests (tests/test_stories.py).

First the tricky pairs of issue 13: each pair is one story the old grouping split (or, for
`HEARTBEAT`, two follow-ups it chained), beside reports of other stories on the same topic and
day; titles as the outlets wrote them, leads in our words. Then a window for each rule that
the labelled roundups cannot exercise: the outlet rule, the one-shared-term rule, and
average link against a chain of resemblances.
"""

from __future__ import annotations

from datetime import UTC, datetime

from retrieval.digest.story_articles import StoryArticle


def at(month: int, day: int, hour: int) -> float:
    return datetime(2021, month, day, hour, tzinfo=UTC).timestamp()


def report(number: int, title: str, source: str, time: float, *lead: str) -> StoryArticle:
    return StoryArticle(number, title, lead, source, time)


BOOSTERS = [
    report(
        0,
        "WHO calls for a temporary moratorium on administering booster shots",
        "NPR",
        at(8, 4, 14),
        "WHO Director-General Tedros Adhanom Ghebreyesus asked wealthy "
        "nations to hold off on third doses until the end of September.",
        "Poorer countries have vaccinated only a small share of their people.",
    ),
    report(
        1,
        "The W.H.O. calls for a moratorium on Covid vaccine boosters",
        "New York Times",
        at(8, 4, 16),
        "Rich countries should wait at least two months before giving third "
        "doses, Tedros Adhanom Ghebreyesus said on Wednesday.",
        "The W.H.O. wants the doses sent to countries that lack vaccines.",
    ),
    report(
        2,
        "Israel offers Covid booster shots to everyone over 60",
        "Reuters",
        at(8, 4, 9),
        "Israel widened its campaign of third doses on Wednesday.",
        "Health officials said the extra shot restores protection against infection.",
    ),
    report(
        3,
        "CDC advisers to meet on boosters for nursing home residents",
        "CNN",
        at(8, 4, 11),
        "An advisory panel will weigh extra doses for the elderly.",
        "Data from Israel suggest protection wanes after six months.",
    ),
    report(
        4,
        "Landlords ask court to end eviction moratorium",
        "The Hill",
        at(8, 4, 12),
        "Property owners filed an emergency request with the Supreme Court.",
        "The ban on evictions was extended last week.",
    ),
]
ABORTION = [
    report(
        0,
        "Texas governor signs extreme six-week abortion ban into law",
        "The Guardian",
        at(5, 19, 9),
        "Greg Abbott signed a bill on Wednesday that bans abortion once "
        "cardiac activity is detected, about six weeks into a pregnancy.",
        "The law lets private citizens sue abortion providers.",
    ),
    report(
        1,
        "The Governor Of Texas Has Signed A Law That Bans Abortion As Early As 6 Weeks",
        "BuzzFeed News",
        at(5, 19, 11),
        "Abbott's signature makes it one of the strictest "
        "abortion laws in the country, banning the procedure at 6 weeks.",
        "Critics say many women do not know they are pregnant that early.",
    ),
    report(
        2,
        "Texas governor signs law expanding gun carry without a permit",
        "CNN",
        at(5, 19, 10),
        "Greg Abbott signed a bill letting Texans carry handguns without a license.",
        "Police groups had opposed the measure.",
    ),
    report(
        3,
        "Mississippi asks Supreme Court to overturn abortion ruling",
        "Fox News",
        at(5, 19, 12),
        "The state wants the justices to uphold its 15-week ban.",
        "The court will hear the case in the fall.",
    ),
]
EVACUATION = [
    report(
        0,
        "Some 1,500 Americans still in Afghanistan in last days of U.S. evacuation",
        "Reuters",
        at(8, 25, 18),
        "As many as 1,500 Americans may still be in Afghanistan, "
        "Secretary of State Antony Blinken said on Wednesday.",
        "The U.S. airlift from Kabul is due to end on Aug. 31.",
    ),
    report(
        1,
        "US says about 1,500 citizens remain in Afghanistan",
        "Fox News",
        at(8, 25, 20),
        "Blinken told reporters the US had been in touch with many of the Americans still "
        "in Afghanistan.",
        "The US has flown more than 82,000 people out of Kabul.",
    ),
    report(
        2,
        "U.K. to end evacuation flights from Kabul within hours",
        "BBC News",
        at(8, 25, 12),
        "Britain said its last flights would leave Kabul soon.",
        "Thousands of Afghans who worked for the U.K. are still waiting.",
    ),
    report(
        3,
        "Americans rally for Afghan refugees at military bases",
        "NPR",
        at(8, 25, 14),
        "Volunteers gathered donations for families arriving from Kabul.",
        "Bases in Virginia and Texas are housing thousands of evacuees.",
    ),
]
# Follow-ups of one topic, two days apart, each told by two outlets.
HEARTBEAT = [
    report(
        0,
        "Federal Judge Temporarily Blocks Texas Heartbeat Act",
        "NPR",
        at(10, 7, 2),
        "U.S. District Judge Robert Pitman ordered Texas to stop enforcing the law that "
        "bans most abortions.",
        "The Justice Department had asked for the order.",
    ),
    report(
        1,
        "Judge halts Texas abortion law in win for Justice Department",
        "The Hill",
        at(10, 7, 4),
        "Judge Robert Pitman blocked enforcement of the Texas law while the case goes on.",
        "The Justice Department sued Texas last month.",
    ),
    report(
        2,
        "Texas Abortion Ban Resumes After Decision by US Appeals Court",
        "Reuters",
        at(10, 9, 3),
        "The 5th U.S. Circuit Court of Appeals let Texas enforce its abortion ban again.",
        "The court stayed the order of a lower court judge.",
    ),
    report(
        3,
        "Appeals court lets Texas resume enforcing abortion law",
        "Fox News",
        at(10, 9, 5),
        "The 5th Circuit stayed the order blocking the Texas abortion law.",
        "Abortion providers in Texas again turned patients away.",
    ),
]

# Two stories of one topic from one outlet, an hour apart, beside two other stories.
ONE_OUTLET = [
    report(
        0,
        "Senate Democrats unveil bill to decriminalize marijuana",
        "The Hill",
        at(7, 14, 9),
        "The proposal would remove cannabis from the federal list of controlled substances.",
        "Schumer said the bill would also expunge records.",
    ),
    report(
        1,
        "Schumer sets up key vote on bipartisan infrastructure bill",
        "The Hill",
        at(7, 14, 10),
        "Senate Democrats plan a first vote on the bill next week.",
        "Schumer said he would keep the Senate in session.",
    ),
    report(
        2,
        "Ohio votes to expand broadband grants",
        "Reuters",
        at(7, 14, 8),
        "Lawmakers in Columbus approved the plan.",
    ),
    report(
        3,
        "Storm floods subway stations in New York",
        "NPR",
        at(7, 14, 7),
        "Commuters waded through water.",
    ),
]

# The first of them filed again by the same outlet, reworded: still one story.
RERUN = report(
    1,
    "Senate Democrats unveil marijuana decriminalization bill",
    "The Hill",
    at(7, 14, 11),
    "Cannabis would leave the federal list of controlled substances under the proposal.",
)

OTHER_NEWS = (
    "Harvest festival draws record crowds",
    "Mayor calls early elections",
    "Old bakery reopens on Market Street",
    "Storm floods subway stations",
    "Museum returns stolen painting",
    "Striking nurses accept pay offer",
    "Volcano eruption grounds flights",
    "Chess prodigy wins national title",
    "Zoo welcomes twin panda cubs",
    "Ferry service resumes after repairs",
    "Library extends opening hours",
    "Cyclists protest new highway",
)

# A day's window in which two articles share one rare word ("bank") and nothing else.
BANK_DAY = [
    report(
        0,
        "Rates and markets: the bank holds",
        "City Herald",
        at(6, 2, 21),
        "The central bank held rates at 4.5% on Thursday.",
    ),
    report(
        1,
        "Parmalat sues 45 banks over crash",
        "BBC News",
        at(6, 2, 15),
        "Parmalat is suing banks it says helped hide its debts from investors.",
        "The banks deny it.",
    ),
    *(report(n, title, "Radio City", at(6, 2, n)) for n, title in enumerate(OTHER_NEWS, 2)),
]

# A resembles B and B resembles C, but A and C share nothing.
CHAIN = [
    report(
        0,
        "Volcano erupts on La Palma, thousands evacuated",
        "Reuters",
        at(9, 20, 8),
        "Lava flows forced evacuations on the Canary island.",
    ),
    report(
        1,
        "La Palma volcano eruption disrupts flights to Canary Islands",
        "CNN",
        at(9, 20, 9),
        "Airlines cancelled flights as ash spread over the islands.",
    ),
    report(
        2,
        "Airlines cancel flights as pilots strike in Spain",
        "BBC News",
        at(9, 20, 10),
        "Thousands of passengers were stranded as pilots walked out.",
    ),
]

# A day of four articles on which two reports of the Rostock dockers' strike tell it in the
# words of a week of strikes: "union", "pay", "inflation", "talks" are each in one of the
# day's articles, so they look as rare as "Rostock", and the two reports were two stories.
# Among the week's strike news (`STRIKE_WEEK`, the days before) those words are common.
STRIKE_DAY = [
    report(
        0,
        "Dockers at Rostock walk out",
        "Ostsee-Zeitung",
        at(3, 10, 8),
        "Dockers at the port of Rostock walked out on Wednesday after their union rejected "
        "the employers' offer.",
        "The union wants pay to keep up with inflation, and talks broke down on Monday.",
    ),
    report(
        1,
        "Rostock port stands still as dockers strike",
        "Reuters",
        at(3, 10, 11),
        "Ships queued outside Rostock as dockers stopped work in a dispute over wages.",
        "The strike is the latest of a week of walkouts by workers demanding a rise in line "
        "with prices.",
    ),
    report(
        2,
        "Storm closes the Baltic coast's beaches",
        "NDR",
        at(3, 10, 9),
        "Gales of up to 100 km/h closed beaches from Kiel to Usedom.",
        "The weather service expects the wind to ease by Friday.",
    ),
    report(
        3,
        "Hansa Rostock sign a Danish striker",
        "Kicker",
        at(3, 10, 15),
        "The second-division club signed the forward on a three-year contract.",
        "He scored 14 goals for his old club last season.",
    ),
]
STRIKE_WEEK = [
    report(
        10,
        "Train drivers strike for a second day",
        "Reuters",
        at(3, 6, 7),
        "Train drivers walked out again on Monday after their union rejected a pay offer.",
        "The union says wages have fallen behind inflation.",
    ),
    report(
        11,
        "Nurses vote to strike over pay",
        "The Guardian",
        at(3, 6, 12),
        "Nurses backed a strike after talks with the employers failed.",
        "Workers say their pay has not kept up with prices.",
    ),
    report(
        12,
        "Teachers' union rejects pay offer",
        "BBC News",
        at(3, 7, 9),
        "The teachers' union rejected the employers' latest offer on Tuesday.",
        "It says a rise below inflation is a cut in wages.",
    ),
    report(
        13,
        "Airport staff walk out in dispute over wages",
        "DW",
        at(3, 7, 14),
        "Ground workers at Frankfurt airport walked out in a dispute over pay.",
        "The union called the strike after talks broke down.",
    ),
    report(
        14,
        "Bus drivers join the week of strikes",
        "Der Spiegel",
        at(3, 8, 8),
        "Bus drivers stopped work as the week of walkouts spread.",
        "Their union demands a rise in line with prices.",
    ),
    report(
        15,
        "Employers warn the strikes will hurt growth",
        "Handelsblatt",
        at(3, 8, 16),
        "Employers said the strikes will cost the economy dearly.",
        "The union says workers cannot wait while inflation eats their wages.",
    ),
    report(
        16,
        "Postal workers back industrial action",
        "Reuters",
        at(3, 9, 10),
        "Postal workers voted to strike after the employers' offer fell short of inflation.",
        "Talks are due to resume on Monday.",
    ),
]


# A German day among English news: four reports of four stories, and a second outlet's
# report of the Bundesliga game. Their "die", "der", "für", "in der" are no English
# stopwords and rare in the English week, so they weighed as names would.
GERMAN_DAY = [
    report(
        20,
        "Der Bürgermeister von Köln kündigt neue Radwege an",
        "Kölner Stadt-Anzeiger",
        at(11, 19, 9),
        "Der Bürgermeister von Köln hat am Dienstag neue Radwege in der Innenstadt angekündigt.",
        "Die Stadt will dafür in den nächsten Jahren rund 40 Millionen Euro ausgeben, sagte "
        "er vor dem Rat.",
    ),
    report(
        21,
        "Die Bundesregierung plant eine Reform der Rente",
        "Tagesschau",
        at(11, 19, 10),
        "Die Bundesregierung will die Rente für die jüngeren Generationen stabilisieren.",
        "Der Entwurf sieht vor, dass die Beiträge in den nächsten Jahren langsam steigen, "
        "sagte die Ministerin in Berlin.",
    ),
    report(
        22,
        "Der FC Bayern gewinnt in der Bundesliga gegen Dortmund",
        "Kicker",
        at(11, 19, 11),
        "Der FC Bayern München hat das Spitzenspiel der Bundesliga gegen Borussia Dortmund "
        "mit 4:0 gewonnen.",
        "Die Tore erzielten Lewandowski und Gnabry in der zweiten Halbzeit.",
    ),
    report(
        23,
        "Die Preise für Heizöl steigen in der Kälte deutlich",
        "WDR",
        at(11, 19, 12),
        "Die Preise für Heizöl sind in der vergangenen Woche deutlich gestiegen.",
        "Verbraucher in der Region müssen für die Füllung eines Tanks mehr als 700 Euro "
        "zahlen, teilte der Verband mit.",
    ),
    report(
        24,
        "Bayern schlägt Dortmund im Spitzenspiel mit 4:0",
        "Süddeutsche Zeitung",
        at(11, 19, 14),
        "Mit einem 4:0 gegen Borussia Dortmund hat der FC Bayern das Spitzenspiel der "
        "Bundesliga für sich entschieden.",
        "Lewandowski traf zweimal, Gnabry und Müller je einmal.",
    ),
]

# Three outlets' reports of one German rail strike, each worded its own way ("Streik",
# "Streiks", "streiken"; "Deutsche", "Deutschen"), and another story of the day.
RAIL_STRIKE = [
    report(
        30,
        "Bahnstreik legt Fernverkehr lahm",
        "Tagesschau",
        at(12, 3, 7),
        "Die Lokführergewerkschaft GDL hat am Donnerstag den Fernverkehr der Deutschen Bahn "
        "bundesweit lahmgelegt.",
        "Millionen Pendler mussten auf Busse und Autos ausweichen, teilte die Bahn mit.",
    ),
    report(
        31,
        "GDL-Streik: Deutsche Bahn stellt Fernverkehr ein",
        "Spiegel",
        at(12, 3, 8),
        "Wegen des Streiks der Lokführergewerkschaft GDL hat die Deutsche Bahn den "
        "Fernverkehr am Donnerstag fast vollständig eingestellt.",
        "Pendler mussten auf Busse ausweichen.",
    ),
    report(
        32,
        "Lokführer streiken: Chaos bei der Bahn",
        "Bild",
        at(12, 3, 9),
        "Der Streik der GDL-Lokführer hat am Donnerstag zu Chaos im Fernverkehr der "
        "Deutschen Bahn geführt.",
        "Viele Züge fielen aus.",
    ),
    report(
        33,
        "Die Preise für Heizöl steigen in der Kälte deutlich",
        "WDR",
        at(12, 3, 12),
        "Die Preise für Heizöl sind in der vergangenen Woche deutlich gestiegen.",
        "Verbraucher in der Region müssen mehr zahlen.",
    ),
]

# One outlet's two German stories of a day, alike in their frame ("Das ist eine gute/
# schlechte Nachricht ... in Deutschland", "am Montag") and their headlines' "Die ... steigen".
ONE_OUTLET_GERMAN = [
    report(
        40,
        "Die Rente steigt im Juli",
        "Spiegel",
        at(12, 6, 8),
        "Die Bundesregierung hat beschlossen, dass die Rente für alle Rentner im Juli um drei "
        "Prozent steigt und nicht mehr sinkt.",
        "Das ist eine gute Nachricht für die Rentner in Deutschland, sagte der Minister am "
        "Montag.",
    ),
    report(
        41,
        "Die Heizölpreise steigen im Winter",
        "Spiegel",
        at(12, 6, 9),
        "Die Preise für Heizöl sind in der vergangenen Woche deutlich gestiegen, wie die "
        "Verbraucherzentrale am Montag mitteilte.",
        "Das ist für viele Haushalte in Deutschland eine schlechte Nachricht, die sie im "
        "Winter spüren werden.",
    ),
]

# An English report whose words include German function words ("war", "man", "die").
WAR_REPORT = report(
    25,
    "A man who fought in the war says soldiers die for want of medics",
    "Reuters",
    at(11, 19, 15),
    "A man who fought in the war told reporters that wounded soldiers die on the way to "
    "hospital because there are too few medics at the front.",
    "He also said the army had promised more ambulances in the spring.",
)
# One wire's rating notices (Reuters, 1987-03-19): one template, filled in for two
# companies by one agency; and the wire's other items of the day before, which weigh the
# words.
WIRE_DAY = [report(100 + n, t, "Reuters", at(3, 18, 9)) for n, t in enumerate(OTHER_NEWS * 3)]
RATINGS = [
    report(
        0,
        "DUFF AND PHELPS UPGRADES BAXTER TRAVENOL <BAX>",
        "Reuters",
        at(3, 19, 18),
        "Duff and Phelps said it is upgrading to Duff 1- (one minus) from Duff 2, its rating "
        "on Baxter Travenol Inc's commercial paper totaling about 541 mln dlrs.",
        "The upgrading reflects the company's significant improvement made in reducing debt "
        "since its 1985 acquisition of American Hospital Supply Corp, it said.",
    ),
    report(
        1,
        "DUFF AND PHELPS UPGRADES PHILIP MORRIS <MO>",
        "Reuters",
        at(3, 19, 18),
        "Duff and Phelps said it is upgrading to its highest level, Duff 1+ (one plus) from "
        "Duff 1, the rating on about 836 mln dlrs of Philip Morris Companies Inc commercial "
        "paper.",
        "The change reflects the company's improvement in retiring debt incurred in the the "
        "acquisition of General Foods Corp, and the ability of both the tobacco and food "
        "product lines to generate cash flow, Duff and Phelps said.",
    ),
]
