"""Authors are people: what pages, feeds and exports put in the author field that names
nobody is left out, whichever reader made the draft (`clean_authors` in `ArticleDraft`)."""

import pytest

from retrieval.corpus.json_records import draft_from_mapping
from retrieval.corpus.pages import extract_article
from retrieval.models import ArticleDraft

# Each as the 181 pages of html-articles and news-qa-dev gave it, with its outlet
CASES = [
    ("Connecticut Post", ["Tom Krisher", "Ap Auto Writer"], ("Tom Krisher",)),
    ("Associated Press", ["STEVE PEOPLES", "AP National Political Writer"], ("STEVE PEOPLES",)),
    ("Houston Chronicle", ["Paul Takahashi", "Staff writer"], ("Paul Takahashi",)),
    ("Wired", ["Condé Nast", "Molly Wood"], ("Molly Wood",)),
    ("POLYGRAPH.info", ["The Russian", "Syrian defense ministries"], ()),
    ("Inexhibit magazine", ["Admin"], ()),
    ("Jeongdong Theater", ["Jdadmin"], ()),
    ("Cleveland", ["Troy Smith", "Cleveland com"], ("Troy Smith",)),
    ("Wday_", ["Текст Венера Ерофеева"], ("Венера Ерофеева",)),
    ("SputnikInt", ["Finian Cunningham Sputnik International"], ("Finian Cunningham",)),
    ("Hosted", ["JILL LAWLESS Associated Press"], ("JILL LAWLESS",)),
    ("AppleInsider", ["Malcolm Owen Monday", "November"], ("Malcolm Owen",)),
    ("NBC News", ["Phil Helsel is a reporter"], ("Phil Helsel",)),
    ("Sky News", ["Tom Gillespie News reporter"], ("Tom Gillespie",)),
    ("CNN", ["Analysis by Chris Cillizza", "CNN Editor-at-large"], ("Chris Cillizza",)),
    ("CNN", ["Opinion Jim Himes For Cnn Business Perspectives"], ("Jim Himes",)),
    ("The Week", ["The Week Staff", "The Week UK", "Social Links Navigation"], ()),
    ("The Beachbody Blog", ["Ilana Muhlstein", "MS", "RDN"], ("Ilana Muhlstein",)),
    ("Phys.org", ["Science X staff"], ()),
    (
        "CNN",
        ["Jackie Wattles Ashley Strickland", "Jackie Wattles", "Ashley Strickland"],
        ("Jackie Wattles", "Ashley Strickland"),
    ),
    ("Nj", ["Amy Kuperinsky", "NJ Advance Media"], ("Amy Kuperinsky",)),
    ("jaraguadosul.sc.gov.br", ["Prefeitura Municipal de Jaraguá do Sul"], ()),
    (
        "The Real Deal New York",
        ["David Jeans", "Kevin Rebong", "Kevin-R"],
        ("David Jeans", "Kevin Rebong"),
    ),
    ("Remember 80/90", ["Rmb"], ()),
    ("CNN", ["Review Brian Lowry"], ("Brian Lowry",)),
    ("CNN", ["Written Nell Lewis", "Video Stefanie Blendis"], ("Nell Lewis", "Stefanie Blendis")),
    (
        "CNN",
        ["Cnn Business Video John General", "Cnn Business Portraits Sarah Silbiger For Cnn"],
        ("John General", "Sarah Silbiger"),
    ),
    ("CNN", ["Cnn'S Rob Picheta", "Balint Bardi"], ("Rob Picheta", "Balint Bardi")),
    ("CNN", ["Nectar Gan", "Cnn'S Beijing Bureau"], ("Nectar Gan",)),
    ("CNN", ["Cnn Editorial Research"], ()),
    ("CNN", ["Oren Liebermann", "Authorized Use Of Military Force"], ("Oren Liebermann",)),
    ("CNN", ["Nimi Princewill", "Complaints Leveled At Authorities"], ("Nimi Princewill",)),
    ("The Week", ["Rafi Schwartz", "With Contributions From"], ("Rafi Schwartz",)),
    ("CNN", ["Sen. Chuck Grassley", "Zatko'S Disclosure"], ("Sen. Chuck Grassley",)),
    ("CNN", ["Reuters Robert Shackelford", "Robert Shackelford"], ("Robert Shackelford",)),
    (
        "CNN",
        [
            "Gaborr Kristen Holmes Veronica Stracqualursi",
            "Kristen Holmes",
            "Veronica Stracqualursi",
        ],
        ("Kristen Holmes", "Veronica Stracqualursi"),
    ),
    (
        "CNN",
        ["Michael Warren Dan Merica Gaborr", "Michael Warren", "Dan Merica"],
        ("Michael Warren", "Dan Merica"),
    ),
]


@pytest.mark.parametrize(("source", "authors", "people"), CASES)
def test_what_names_nobody_is_no_author(
    source: str, authors: list[str], people: tuple[str, ...]
) -> None:
    draft = ArticleDraft(title="T", text="x", source=source, authors=tuple(authors))
    assert draft.authors == people


@pytest.mark.parametrize(
    "name",
    [
        "Marcus De Guzman",
        "Ariane de Vogue",
        "Abigail Van Buren",
        "Danielle Wiener-Bronner",
        "Nadeen Ebrahim al-Lawati",
        "Лида Буслаева",
        "Kei Eno",
        "Regan",  # a one-word pen name
        "bell hooks",
        "bne Tehran bureau",
        "Associated Press",
        "The Associated Press",
        "Reuters",
        "Von Miller",
        "Brian May",
        "A. Writer",
        "Billy House",  # a title's word alone is a surname: "White House" is the title
        "Jean-Paul Sartre",
        "Sun Yat-sen",
        "Kim Yu-na",
        "Abd al-Rahman",
        "Lynn",  # one word, its "y" a vowel
        "BBC",  # an acronym is no user name
        "Mohammed Abo Al Gheit",
    ],
)
def test_names_stay_as_they_are(name: str) -> None:
    draft = ArticleDraft(title="T", text="x", source="Tidewater Gazette", authors=(name,))
    assert draft.authors == (name,)


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("Tidewater Gazette", "Juan dela Cruz"),
        ("Tidewater Gazette", "Ronald delos Santos"),
        ("Tidewater Gazette", "Jorge de los Reyes"),
        ("Tidewater Gazette", "María de las Mercedes"),
        ("Tidewater Gazette", "Sheikh Ahmed ould Abdallah"),
        ("Paul Krugman", "Paul Krugman"),  # a writer whose outlet is their name
        ("Tucker Carlson Network", "Tucker Carlson"),
        ("The Chris Hayes Show", "Chris Hayes"),
        ("Cox Media Group", "Ana Marie Cox"),  # one outlet word after a name is a surname
        ("Tidewater Gazette", "Michael Rubens Bloomberg"),
        ("Martha C. White", "Martha C. White"),  # "White" is no title word alone
    ],
)
def test_names_the_outlet_or_an_agency_holds_stay(source: str, name: str) -> None:
    draft = ArticleDraft(title="T", text="x", source=source, authors=(name,))
    assert draft.authors == (name,)


@pytest.mark.parametrize(
    ("source", "name", "person"),
    [
        ("Houston Chronicle", "Houston Chronicle", ""),
        ("CNN", "Maegan Vazquez Cnn", "Maegan Vazquez"),
        ("CNN", "Tara Subramaniam Cnn Reuters", "Tara Subramaniam"),
        ("Tidewater Gazette", "JOHN SMITH AP", "JOHN SMITH"),
        ("Nj", "Amy Kuperinsky for NJ.com", "Amy Kuperinsky"),  # the outlet's site
        ("CNN", "Martha C. White Business Writer", "Martha C. White"),
        ("CNN", "Kaitlan Collins White House Correspondent", "Kaitlan Collins"),
    ],
)
def test_an_outlet_or_agency_run_on_is_cut(source: str, name: str, person: str) -> None:
    draft = ArticleDraft(title="T", text="x", source=source, authors=(name,))
    assert draft.authors == ((person,) if person else ())


def test_run_together_names_stay_when_their_parts_are_not_listed() -> None:
    draft = ArticleDraft(title="T", text="x", source="CNN", authors=("Ann Lee Bo Chan",))
    assert draft.authors == ("Ann Lee Bo Chan",)


def test_a_name_one_word_longer_than_one_listed_name_stays() -> None:
    """Only two or more listed names and one word more are a repeat: "Mary Ann Lee" beside
    "Ann Lee" may be another person."""
    draft = ArticleDraft(title="T", text="x", source="CNN", authors=("Mary Ann Lee", "Ann Lee"))
    assert draft.authors == ("Mary Ann Lee", "Ann Lee")


@pytest.mark.parametrize("handle", ["jsmith_2", "reporter42", "@jsmith"])
def test_a_user_name_is_no_author(handle: str) -> None:
    draft = ArticleDraft(title="T", text="x", source="Tidewater Gazette", authors=(handle,))
    assert draft.authors == ()


def test_an_exports_author_string_is_cleaned_as_it_is_parted() -> None:
    record: dict[str, object] = {
        "title": "T",
        "text": "x",
        "source": "Connecticut Post",
        "authors": "By Tom Krisher, AP Auto Writer",
    }
    assert draft_from_mapping(record).authors == ("Tom Krisher",)
    record["authors"] = ["Tom Krisher, AP Auto Writer"]  # one entry of a list, title and all
    assert draft_from_mapping(record).authors == ("Tom Krisher",)


def test_a_pages_publisher_is_no_author() -> None:
    page = """<html><head><title>Harbour ferry returns - Wired</title>
<meta property="og:site_name" content="Wired">
<meta name="author" content="Condé Nast, Molly Wood"></head><body><article>
<h1>Harbour ferry returns</h1>
<p>The harbour ferry returned to service on Monday after a winter of repairs to its hull and
engines, the operator said.</p>
<p>Crossings run every half hour from the north quay until the end of October.</p>
</article></body></html>"""
    draft = extract_article(page)
    assert draft is not None
    assert draft.authors == ("Molly Wood",)
