"""Each file type the corpus accepts, each encoding, and the files it must refuse."""

from pathlib import Path

import pytest

from partnerbot.corpus.reader import UnreadableFile, read_release
from tests.pdfs import make_pdf as pdf_pages


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (Helvetica, one line each)."""
    return pdf_pages([lines])


def test_txt(tmp_path: Path) -> None:
    path = tmp_path / "r1.txt"
    path.write_text(
        "Menu\n\n# Acme Partners with Beta\n\nHarbourton, 2024.01.25 - Acme and Beta "
        "signed an MOU.\n\n\n\npagetop\n",
        encoding="utf-8",
    )
    r = read_release(path)
    assert (r.id, r.title, r.lang, r.date) == ("r1", "Acme Partners with Beta", "en", "2024-01-25")
    assert r.text == "Acme Partners with Beta\n\nHarbourton, 2024.01.25 - Acme and Beta signed an MOU."
    assert r.source == str(path)
    assert r.publisher is None and r.url is None


def test_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "md1.md"
    path.write_text(
        "---\ntitle: Declared Title\ndate: 2023-11-09\nlang: ko-KR\npublisher: CBR\n"
        "url: https://example.org/r\ntranslation_of: r2\nunknown: ignored\n---\n"
        "## **Heading in body**\n\nThis body is English.\n",
        encoding="utf-8",
    )
    r = read_release(path)
    assert (r.title, r.date, r.lang, r.publisher) == ("Declared Title", "2023-11-09", "ko", "CBR")
    assert (r.url, r.translation_of) == ("https://example.org/r", "r2")
    assert r.text == "Heading in body\n\nThis body is English."


def test_markdown_broken_front_matter_is_dropped_not_quoted(tmp_path: Path) -> None:
    path = tmp_path / "md2.md"
    path.write_text("---\ntitle: [unclosed\n---\nBody text here.\n", encoding="utf-8")
    r = read_release(path)
    assert r.text == "Body text here."
    assert r.title == "Body text here."


HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Acme and Beta Sign MOU | News | Acme Corp</title>
<meta property="og:site_name" content="Acme Corp">
<meta property="article:published_time" content="2023-11-09T09:00:00+09:00">
<link rel="canonical" href="https://acme.example/news/42">
<style>p {color: red}</style><script>var tracking = 1;</script>
</head><body>
<header><div class="logo">Acme</div><ul class="gnb"><li>Home</li><li>About</li></ul></header>
<nav>Products | Careers</nav>
<main>
  <div class="breadcrumb">Home &gt; News</div>
  <article>
    <h1>Acme and Beta Sign MOU</h1>
    <time datetime="2023-11-10">Nov 10, 2023</time>
    <ul class="share-buttons"><li>twitter</li><li>Facebook</li></ul>
    <p>Acme &amp; Beta signed a memorandum
       of understanding on <b>cell therapy</b>.</p>
    <p>The deal covers <a href="/x">joint R&amp;D</a>.<br>It runs five years.</p>
    <ul><li>First item</li><li>Second item</li></ul>
    <table><tr><th>Date</th><th>Event</th></tr><tr><td>11/9</td><td>Signing</td></tr></table>
    <img src="photo.jpg" alt="photo">
    <footer>Tags: biotech</footer>
  </article>
  <aside>Related news: something else entirely</aside>
</main>
<footer>Copyright Acme. <a href="#">pagetop</a></footer>
</body></html>"""


def test_html_main_text_and_head_metadata(tmp_path: Path) -> None:
    path = tmp_path / "h1.html"
    path.write_text(HTML, encoding="utf-8")
    r = read_release(path)
    assert r.title == "Acme and Beta Sign MOU"
    assert r.date == "2023-11-09"  # article:published_time beats the <time> element
    assert r.url == "https://acme.example/news/42"
    assert r.publisher == "Acme Corp"
    assert "Acme & Beta signed a memorandum of understanding on cell therapy." in r.text
    assert "The deal covers joint R&D.\nIt runs five years." in r.text
    assert "- First item\n- Second item" in r.text
    assert "Date\tEvent\n11/9\tSigning" in r.text
    for chrome in (
        "Products",
        "Careers",
        "Home",
        "twitter",
        "Facebook",
        "Related news",
        "Copyright",
        "tracking",
        "color",
        "Tags",
        "photo",
    ):
        assert chrome not in r.text


def test_html_without_article_uses_body_minus_chrome(tmp_path: Path) -> None:
    path = tmp_path / "h2.htm"
    path.write_bytes(
        "<html><head><title>SITE | 한·일 바이오 협력 본격 추진 | 보도자료</title></head><body>"
        "<div id='header'><div class='menu'>메뉴</div></div>"
        "<div class='sns-share'>공유하기</div>"
        "<div id='contents'><p>노르비아재단은 9일 업무협약을 체결했다.</p>"
        "<p>작성일 2023.11.09</p></div></body></html>".encode("cp949")
    )
    r = read_release(path)
    assert r.title == "한·일 바이오 협력 본격 추진"
    assert r.lang == "ko"
    assert r.date == "2023-11-09"
    assert r.text == "노르비아재단은 9일 업무협약을 체결했다.\n\n작성일 2023.11.09"


def test_html_chrome_guard_keeps_a_wrapper_holding_the_text(tmp_path: Path) -> None:
    path = tmp_path / "h3.html"
    body = "Acme signed an agreement with Beta on gene therapy research. " * 3
    path.write_text(f"<body><div class='wrap has-sidebar'><p>{body}</p></div></body>")
    assert "gene therapy" in read_release(path).text


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "p1.pdf"
    path.write_bytes(
        make_pdf(
            [
                "Acme and Beta Sign MOU",
                "",
                "TOKYO, November 21, 2023 - Acme and Beta signed a memorandum of understanding",
                "covering joint research in regenerative medicine and cell therapy programs.",
                "- First commitment",
            ]
        )
    )
    r = read_release(path)
    assert r.title == "Acme and Beta Sign MOU"
    assert r.date == "2023-11-21"
    assert r.lang == "en"
    # the hard wrap is joined back into one sentence; the list item stays on its own line
    assert (
        "memorandum of understanding covering joint research in regenerative medicine "
        "and cell therapy programs."
    ) in r.text
    assert "\n- First commitment" in r.text


def test_pdf_without_text_layer_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([]))
    with pytest.raises(UnreadableFile, match="no text layer"):
        read_release(path)


def test_corrupt_pdf_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    with pytest.raises(UnreadableFile):
        read_release(path)


KOREAN = "노르비아재단과 일본 라임 밸리 사이언스 파크는 2023년 11월 9일 업무협약을 체결했다."
JAPANESE = "東都薬品工業株式会社は、2023年11月9日にカルダーパークとの提携を発表しました。"


@pytest.mark.parametrize(
    ("text", "encoding", "lang"),
    [
        (KOREAN, "cp949", "ko"),
        (KOREAN, "euc-kr", "ko"),
        (KOREAN, "utf-8-sig", "ko"),
        (KOREAN, "utf-16", "ko"),
        (JAPANESE, "shift_jis", "ja"),
        (JAPANESE + "①", "cp932", "ja"),
        (JAPANESE, "utf-8", "ja"),
        ("“Acme” and Beta – a café deal, signed November 9, 2023.", "cp1252", "en"),
    ],
)
def test_encodings(tmp_path: Path, text: str, encoding: str, lang: str) -> None:
    path = tmp_path / "enc.txt"
    path.write_bytes(text.encode(encoding))
    r = read_release(path)
    assert r.text == text
    assert r.lang == lang
    assert r.date == "2023-11-09"


def test_html_declared_charset_is_used_when_utf8_fails(tmp_path: Path) -> None:
    path = tmp_path / "sjis.html"
    path.write_bytes(
        f'<html><head><meta charset="Shift_JIS"></head><body><p>{JAPANESE}'
        "</p></body></html>".encode("shift_jis")
    )
    assert read_release(path).text == JAPANESE


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n\t \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Menu\npagetop\n  \xe2\x80\xa2 twitter\n", "no text left"),
        (bytes(range(0x80, 0x100)) * 4, "undecodable"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=reason) as info:
        read_release(path)
    assert "\n" not in str(info.value)


def test_unsupported_suffix_is_refused_by_read_release(tmp_path: Path) -> None:
    path = tmp_path / "r.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnreadableFile, match="unsupported"):
        read_release(path)
