"""Files are decoded as fetched pages are: UTF-8 with a few stray bytes is UTF-8, a page's
declared charset is honoured, and only text that is not mostly UTF-8 has its charset guessed.
"""

from __future__ import annotations

import codecs
import gzip
import json
import random
import sys
from pathlib import Path
from types import FrameType

import aiosqlite
import pytest

from retrieval.charset import (
    decode_body,
    legacy_codec,
    mixed_text,
    mostly_utf8,
    undeclared_text,
)
from retrieval.corpus.formats import read_records
from retrieval.corpus.ingest import ingest_paths
from retrieval.corpus.store import CorpusStore
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.poll import FeedPoller
from retrieval.feeds.registry import FeedRegistry
from tests.feed_server import FeedServer, Route

# UTF-8 with one windows-1252 byte in it (0x92, a curly apostrophe pasted from an old
# document), as an admin found them stored: read by a guesser, the first as Shift_JIS
# ("Prices at Zﾃｼrich cafﾃｩs ... The city痴 mayor"), the second as windows-1250 ("CafĂ©
# in ZĂĽrich â€”").
ZURICH = (
    "Zurich cafe prices",
    b"Prices at Z\xc3\xbcrich caf\xc3\xa9s rose by \xc2\xa35 this year."
    b" The city\x92s mayor spoke.",
    "Prices at Zürich cafés rose by £5 this year. The city’s mayor spoke.",
)
CAFE = (
    "Café in Zürich — prices",
    b"The caf\xc3\xa9 in Z\xc3\xbcrich \xe2\x80\x94 the oldest \x96 raised its prices.",
    "The café in Zürich — the oldest – raised its prices.",
)


def _file(title: str, body: bytes, name: str) -> bytes:
    suffix = name.removesuffix(".gz").rpartition(".")[2]
    if suffix == "txt":
        return title.encode() + b"\n\n" + body + b"\n"
    if suffix == "html":
        return (
            (
                f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><article>'
                f"<h1>{title}</h1><p>"
            ).encode()
            + body
            + b"</p></article></body></html>"
        )
    # JSON whose strings hold the raw bytes: json.dumps of the text, its stray byte put back
    fields = json.dumps({"title": title, "text": "BODY"}, ensure_ascii=False).encode()
    return fields.replace(b"BODY", body) + b"\n"


@pytest.mark.parametrize("article", [ZURICH, CAFE], ids=["zurich", "cafe"])
@pytest.mark.parametrize(
    "name",
    ["a.txt", "a.txt.gz", "a.json", "a.jsonl", "a.jsonl.gz", "a.html", "a.html.gz"],
)
def test_utf8_with_a_stray_windows_1252_byte_is_read_as_utf8(
    tmp_path: Path, article: tuple[str, bytes, str], name: str
) -> None:
    title, body, text = article
    data = _file(title, body, name)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    [record] = read_records(path)
    assert record.draft is not None
    assert (record.draft.title, record.draft.text) == (title, text)


@pytest.mark.parametrize("name", ["a.txt", "a.html"])
def test_a_utf8_mark_is_no_part_of_a_text_with_a_stray_byte(tmp_path: Path, name: str) -> None:
    """Editors that write a UTF-8 mark put it before a stray byte's text too; it stood as
    U+FEFF at the head of the title."""
    title, body, text = ZURICH
    path = tmp_path / name
    path.write_bytes(codecs.BOM_UTF8 + _file(title, body, name))
    [record] = read_records(path)
    assert record.draft is not None
    assert (record.draft.title, record.draft.text) == (title, text)


# A windows-1252 page with a UTF-8 footer (its "”" holds 0x9D, a byte windows-1252 lacks).
LEGACY_WITH_UTF8 = (
    "Le café de Zoë a été rénové après des mois de travaux, a dit le maire. ".encode("cp1252")
    + "© 2024 — “News” Desk".encode()
)


@pytest.mark.parametrize(
    ("name", "meta"),
    [("page.html", '<meta charset="windows-1252">'), ("page.html", ""), ("notes.txt", "")],
)
def test_a_legacy_file_with_some_utf8_keeps_every_letter(
    tmp_path: Path, meta: str, name: str
) -> None:
    """Read by a guesser, as Mac Roman ("¬© 2024 ‚ÄĒ ‚ÄúNews‚ÄĚ") even where the page said
    windows-1252; each part is read as what it is, as a fetched page's is."""
    if name.endswith(".html"):
        head = f"<html><head>{meta}<title>Café</title></head><body><article><p>"
        data = head.encode() + LEGACY_WITH_UTF8 + b"</p></article></body></html>"
    elif meta:
        return  # a text file declares nothing
    else:
        data = b"Caf\xe9\n\n" + LEGACY_WITH_UTF8
    path = tmp_path / name
    path.write_bytes(data)
    [record] = read_records(path)
    assert record.draft is not None
    expected = "Le café de Zoë a été rénové après des mois de travaux, a dit le maire. © 2024"
    assert record.draft.text.startswith(expected) and "— “News” Desk" in record.draft.text
    assert "a dit le maire. © 2024 — “News” Desk" in decode_body(data)  # as a feed reads it


@pytest.mark.parametrize(
    ("codec", "text"),
    [
        ("cp1251", "Землетрясение в Казани произошло в среду вечером, сообщили спасатели."),
        ("cp932", "水曜日の夜、東京でマグニチュード4.2の地震が発生した。被害はないという。"),
        ("gb18030", "周三晚上，北京发生4.2级地震。朱镕基表示没有损失报告。"),
        ("cp949", "수요일 밤 서울에서 지진이 발생했습니다. 피해는 없다고 밝혔습니다."),
        ("cp874", "นายกรัฐมนตรี “แถลง” ข่าววันนี้ เกิดแผ่นดินไหวเมื่อคืนวันพุธ"),
        ("cp1252", "Le café de la gare a rouvert à Noël. « C’est génial », dit Zoë."),
    ],
)
def test_legacy_text_is_not_mostly_utf8(codec: str, text: str) -> None:
    """The few valid UTF-8 sequences a legacy charset's bytes make by chance (one for every
    three stray bytes, in Thai) do not make it UTF-8."""
    assert not mostly_utf8(text.encode(codec))
    assert mostly_utf8(ZURICH[1]) and mostly_utf8(CAFE[1])


# Turkish news with no curly quote in it (one would give it away as Windows-1254 rather than
# ISO-8859-9), which was stored read as windows-1252 ("Erdoðan Ýstanbul'da konuþtu") up to a
# few hundred bytes and as windows-1250 ("Erdođan") past them.
TURKISH = (
    "Erdoğan İstanbul'da konuştu\n\n"
    "Cumhurbaşkanı Recep Tayyip Erdoğan, perşembe günü İstanbul'da iş dünyası "
    "temsilcileriyle bir araya geldi. Görüşmede enflasyon, yatırımlar ve ihracat konuşuldu. "
    'Erdoğan, "Türkiye ekonomisi güçlü" dedi. Toplantıya Ayşe Yılmaz ve Şükrü Çelik de '
    "katıldı.\n\n"
    "Merkez Bankası geçen ay faiz oranını yüzde 50'de sabit tuttu. Ekonomistler, yılın ikinci "
    "yarısında enflasyonun düşmesini bekliyor. İhracatçılar ise kurdaki dalgalanmanın "
    "siparişleri olumsuz etkilediğini söylüyor.\n\n"
    "Ankara'da yapılan açıklamada, Ticaret Bakanlığı'nın yeni destek paketini önümüzdeki "
    "hafta duyuracağı belirtildi. Paketin küçük ve orta ölçekli işletmelere düşük faizli "
    "kredi sağlaması öngörülüyor. Sanayi odaları, kararın gecikmeden uygulanmasını istedi.\n\n"
    "Öte yandan İzmir'de düzenlenen fuarda 40 ülkeden 1.200 firma ürünlerini sergiledi. "
    "Fuarın açılışında konuşan vali, bölgenin ihracatta rekor kırdığını söyledi. "
    "Ziyaretçi sayısının geçen yılı aşması bekleniyor."
)


@pytest.mark.parametrize("codec", ["cp1254", "iso8859_9"])
@pytest.mark.parametrize("paragraphs", [1, 2, 3, 4, 5])
def test_turkish_without_curly_quotes_is_read_as_windows_1254(codec: str, paragraphs: int) -> None:
    """From a headline and a paragraph (280 bytes) to five paragraphs (1,000 bytes)."""
    text = "\n\n".join(TURKISH.split("\n\n")[: paragraphs + 1])
    assert legacy_codec(text.encode(codec)) == "cp1254"
    assert undeclared_text(text.encode(codec)) == text


@pytest.mark.parametrize(
    "text",
    [
        "Vláda schválila nový zákon o daních. Ministr řekl, že který občan bude platit méně.",
        "Guvernul a aprobat miercuri bugetul pe anul viitor. Ministrul finanţelor a declarat "
        "că ţara are nevoie de investiţii în infrastructură şi că economia creşte mai repede "
        "decât se aştepta. Opoziţia a criticat proiectul.",
    ],
)
def test_czech_and_romanian_with_letters_turkish_shares_stay_windows_1250(text: str) -> None:
    """Read as Windows-1254, Czech's "ý" is Turkish's "ı", Romanian's "ţ" its "ş"; their
    other letters ("ø è", "ã") say they are not Turkish."""
    assert undeclared_text(text.encode("cp1250")) == text


async def test_a_saved_copy_of_a_fetched_page_is_a_duplicate_of_it(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection, tmp_path: Path
) -> None:
    """The page with a stray byte was read right by the feed and garbled from the file
    ("ZĂĽrich"), so the copy was stored as a second article."""
    page = feed_server.fixture("pages/market.html").replace(
        b"beside the car park.", b"beside the Z\xc3\xbcrich caf\xc3\xa9\x92s car park."
    )
    feed_server.routes["/pages/market.html"] = Route(body=page)
    url = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss")
    await FeedRegistry(db).add(url)
    [outcome] = (await FeedPoller(db, fetcher).poll_due()).outcomes
    assert outcome.added == 1
    async with db.execute("SELECT text FROM articles") as cur:
        [(text,)] = await cur.fetchall()
    assert "beside the Zürich café’s car park." in text
    assert decode_body(page, "text/html") == decode_body(page)  # the header says no more

    (tmp_path / "market.html").write_bytes(page)
    report = await ingest_paths(CorpusStore(db), [tmp_path / "market.html"])
    assert (report.added, report.duplicates) == (0, 1)


def test_legacy_text_is_read_without_a_call_of_python_per_byte() -> None:
    """Each byte of windows-1252 that is no UTF-8 went through a Python error handler: 4 MiB
    took 3.5 s (a 60 MiB file, 53 s), where reading it takes a few hundredths."""
    text = "Le café de Zoë a été rénové. « C’est génial », dit-elle. " * 75_000
    legacy = text.encode("cp1252")  # 600,000 bytes that are no UTF-8
    calls = 0

    def count(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        calls += event == "call"  # a Python function entered, an error handler's too

    sys.setprofile(count)
    try:
        read = undeclared_text(legacy)
    finally:
        sys.setprofile(None)
    assert read == text
    assert calls < 10_000  # counted, not timed: a loaded machine slows any reading
    # what the UTF-8 decoder with windows-1252 for its errors reads, the same, byte for byte
    rng = random.Random(7)
    pieces = [b"caf\xe9 ", "— “é” 😀 ő".encode(), b"\x81\x8d\x9d", b"\xe2\x80", b"\xf0\x9f"]
    for _ in range(2_000):
        content = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        content = bytes(rng.sample(content, len(content))) if rng.random() < 0.3 else content
        assert mixed_text(content) == content.decode("utf-8", errors="newsbot-windows-1252")
