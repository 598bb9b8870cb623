"""Adding releases safely: the checks on an upload (corpus/intake.py), the atomic corpus writer
(corpus/writer.py), `partnerbot add`/`remove` end to end, and kill -9 during a change.

Child processes run the real command line with the fake embedder (tests/fakes/hash_cli.py).
Names in the texts are made up.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from partnerbot.bot.ops.admin import Admin
from partnerbot.bot.settings import BUNDLED_CORPUS
from partnerbot.corpus.errors import CorpusError, UnreadableFile
from partnerbot.corpus.intake import check_upload
from partnerbot.corpus.reader import read_corpus
from partnerbot.corpus.writer import JOURNAL, CorpusWriter, recover
from partnerbot.retrieval.index import build_index, current_version
from tests.conftest import HashEmbedder
from tests.pdfs import make_pdf
from tests.test_faults_index import ROOT, _env, cli, wait_for_pause

NEW_TEXT = """Veltris Genomics Signs MOU with the Northbay Bio Cluster

Veltris Genomics signed a memorandum of understanding with the Northbay Bio Cluster on
March 3, 2025. The two will run a joint accelerator for diagnostics start-ups.
"""


def docx(paragraphs: list[tuple[str, str]]) -> bytes:
    """A minimal real .docx: (style, text) paragraphs in word/document.xml."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
        for style, text in paragraphs)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f'<w:document xmlns:w="{w}"><w:body>{body}</w:body>'
                                        f"</w:document>")
    return buf.getvalue()


# ---- checks on an upload ------------------------------------------------------------------
@pytest.mark.parametrize(("name", "data", "reason"), [
    ("a.txt", b"x" * 2048, "over the"),
    ("a.txt", b" \n\t ", "empty"),
    ("a.pdf", NEW_TEXT.encode(), "named .pdf but its bytes are text"),
    ("a.txt", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "its bytes are a PNG image"),
    ("a.docx", b"%PDF-1.4\n", "its bytes are a PDF"),
    ("a.exe", b"MZ", "not a release type"),
    ("a.html", b"just words, no markup at all", "not HTML"),
    ("a.pdf", make_pdf([[]]), "no text layer"),
    ("a.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer garbage",
     "PDF"),
])
def test_a_bad_upload_is_refused_with_one_line(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile) as exc:
        check_upload(name, data, max_bytes=1024)
    assert reason in str(exc.value) and "\n" not in str(exc.value)


def test_a_docx_bomb_is_refused_before_inflating() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b"a" * (60 * 1024 * 1024))
    assert len(buf.getvalue()) < 1024 * 1024
    with pytest.raises(UnreadableFile, match="decompression bomb"):
        check_upload("bomb.docx", buf.getvalue())


def test_a_docx_is_read_and_stored_as_plain_text() -> None:
    data = docx([("Title", "Veltris Genomics Signs MOU with the Northbay Bio Cluster"),
                 ("Normal", "Veltris Genomics signed a memorandum with the Northbay Bio "
                            "Cluster on March 3, 2025.")])
    upload = check_upload("release.docx", data)
    assert upload.suffix == ".txt" and b"memorandum" in upload.data
    assert upload.release.title.startswith("Veltris Genomics Signs MOU")
    assert upload.release.date == "2025-03-03" and upload.release.lang == "en"


def test_html_with_scripts_is_kept_as_text_only() -> None:
    page = (b"<html><head><title>Veltris signs MOU</title><script>steal()</script></head>"
            b"<body><article><h1>Veltris signs MOU</h1><p onclick=\"x()\">" + NEW_TEXT.encode()
            + b"</p></article></body></html>")
    upload = check_upload("page.html", page)
    assert upload.suffix == ".txt" and b"<" not in upload.data and b"steal" not in upload.data
    assert any("text only" in n for n in upload.notes)


def test_a_pdf_with_text_is_kept_as_it_is() -> None:
    data = make_pdf([["Veltris Genomics Signs MOU with Northbay", "",
                      "Veltris Genomics signed an MOU with Northbay on March 3, 2025."]])
    upload = check_upload("r.pdf", data)
    assert upload.suffix == ".pdf" and upload.data == data and upload.release.date == "2025-03-03"


# ---- the writer -----------------------------------------------------------------------------
def test_put_replace_remove_keep_corpus_and_manifest_in_step(corpus_copy: Path) -> None:
    writer = CorpusWriter(corpus_copy)
    before = {r.id for r in read_corpus(corpus_copy).releases}
    writer.put("900", ".txt", NEW_TEXT.encode(), {"title": "Veltris x Northbay", "lang": "en"})
    new = {r.id: r for r in read_corpus(corpus_copy).releases}["900"]
    assert new.title == "Veltris x Northbay" and new.lang == "en"
    writer.put("900", ".md", b"# Replaced\n\n" + NEW_TEXT.encode(), {"title": "Replaced"})
    assert sorted(p.name for p in corpus_copy.glob("900.*")) == ["900.md"]
    lines = (corpus_copy / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["id"] for x in lines].count("900") == 1
    writer.remove("900")
    assert {r.id for r in read_corpus(corpus_copy).releases} == before
    assert "900" not in (corpus_copy / "docs.jsonl").read_text(encoding="utf-8")
    assert not [p for p in corpus_copy.iterdir() if p.name.startswith(".")]


def test_a_committed_journal_is_rolled_forward(corpus_copy: Path) -> None:
    (corpus_copy / ".partnerbot-tmp-a").write_bytes(NEW_TEXT.encode())
    (corpus_copy / JOURNAL).write_text(json.dumps(
        {"rename": [[".partnerbot-tmp-a", "901.txt"]], "delete": ["000.txt"]}))
    (corpus_copy / ".partnerbot-tmp-uncommitted").write_bytes(b"half")
    assert recover(corpus_copy)
    names = {p.name for p in corpus_copy.iterdir()}
    assert "901.txt" in names and "000.txt" not in names
    assert not [n for n in names if n.startswith(".")]


def test_the_bundled_corpus_is_read_only(tmp_path: Path) -> None:
    admin = Admin(tmp_path / "index", BUNDLED_CORPUS, [HashEmbedder()])
    with pytest.raises(CorpusError, match="read-only"):
        admin.prepare("a.txt", NEW_TEXT.encode())


# ---- partnerbot add / remove ----------------------------------------------------------------
@pytest.fixture
def built(corpus_copy: Path, tmp_path: Path) -> Path:
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, [HashEmbedder()])
    return index_dir


def test_add_shows_what_it_understood_adds_and_refuses_the_duplicate(
        built: Path, corpus_copy: Path, tmp_path: Path) -> None:
    release = tmp_path / "veltris.txt"
    release.write_text(NEW_TEXT, encoding="utf-8")
    args = ("--corpus", str(corpus_copy), "--index", str(built))
    proc = cli("add", str(release), "--url", "https://example.org/news/1", *args)
    assert proc.returncode == 0, proc.stderr
    assert "Add as 005" in proc.stdout and "date: 2025-03-03" in proc.stdout
    assert "title: Veltris Genomics Signs MOU" in proc.stdout and "6 releases" in proc.stdout
    assert (corpus_copy / "005.txt").read_text(encoding="utf-8") == NEW_TEXT

    again = cli("add", str(release), *args)
    assert again.returncode == 2 and "duplicate: same text as 005" in again.stderr
    assert "--replace 005" in again.stderr and not (corpus_copy / "006.txt").exists()

    moved = tmp_path / "moved.txt"
    moved.write_text(NEW_TEXT.replace("joint accelerator", "shared accelerator"), "utf-8")
    same_link = cli("add", str(moved), "--url", "https://example.org/news/1/", *args)
    assert same_link.returncode == 2 and "same link as 005" in same_link.stderr

    replaced = cli("add", str(moved), "--replace", "005", "--date", "2025-03-04", *args)
    assert replaced.returncode == 0, replaced.stderr
    assert "Replace 005 with" in replaced.stdout and "6 releases" in replaced.stdout
    entry = [json.loads(x) for x in (corpus_copy / "docs.jsonl").read_text("utf-8").splitlines()
             if '"005"' in x]
    assert entry[0]["date"] == "2025-03-04"

    removed = cli("remove", "005", *args)
    assert removed.returncode == 0 and "5 releases" in removed.stdout
    assert not (corpus_copy / "005.txt").exists()


# ---- kill -9 during a corpus change ---------------------------------------------------------
@pytest.mark.parametrize(("point", "committed"), [
    ("corpus-temp", False), ("corpus-journal", False), ("corpus-manifest", True),
    ("corpus-file", True)])
def test_add_killed_with_sigkill_leaves_old_or_new_never_half(
        built: Path, corpus_copy: Path, tmp_path: Path, point: str, committed: bool) -> None:
    old_version = current_version(built)
    old_ids = {r.id for r in read_corpus(corpus_copy).releases}
    release = tmp_path / "veltris.txt"
    release.write_text(NEW_TEXT, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.hash_cli", "add", str(release), "--title",
         "Veltris x Northbay", "--corpus", str(corpus_copy), "--index", str(built)],
        cwd=ROOT, env=_env({"PARTNERBOT_TEST_PAUSE_AT": point}), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    try:
        wait_for_pause(child, point)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stderr is not None:
            child.stderr.close()

    # the index is untouched; the manifest is whole; a reader sees no new release file
    # without its manifest line (the manifest goes first)
    assert current_version(built) == old_version
    for line in (corpus_copy / "docs.jsonl").read_text("utf-8").splitlines():
        json.loads(line)
    seen = {r.id: r for r in read_corpus(corpus_copy).releases}
    assert set(seen) in (old_ids, old_ids | {"005"})
    if "005" in seen:
        assert seen["005"].title == "Veltris x Northbay"

    # the next build finishes a committed change first and drops an uncommitted one
    proc = cli("index", "--corpus", str(corpus_copy), "--index", str(built))
    assert proc.returncode == 0, proc.stderr
    ids = {r.id for r in read_corpus(corpus_copy).releases}
    assert ids == (old_ids | {"005"} if committed else old_ids)
    assert not [p for p in corpus_copy.iterdir() if p.name.startswith(".")]
    assert f"{len(ids)} releases" in proc.stdout


def test_a_size_refusal_is_in_one_unit_with_the_limit_as_configured() -> None:
    """A 50 MiB file against a 20 MiB limit once read "52.4 MB is over the 21 MB limit"."""
    with pytest.raises(UnreadableFile) as exc:
        check_upload("a.txt", b"x" * (50 << 20), max_bytes=20 << 20)
    assert str(exc.value) == "refused: 50.0 MiB is over the 20 MiB limit"
    with pytest.raises(UnreadableFile) as exc:
        check_upload("a.txt", b"x" * ((1 << 20) + 1), max_bytes=1 << 20)
    assert str(exc.value) == "refused: 1.000001 MiB is over the 1 MiB limit"


def test_add_refuses_a_file_over_the_limit_in_one_unit(corpus_copy: Path,
                                                       tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (3 << 20))
    proc = cli("add", str(big), "--corpus", str(corpus_copy), "--index", str(tmp_path / "i"),
               env={"PARTNERBOT_MAX_UPLOAD_MB": "2"})
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("partnerbot: refused: 3.0 MiB is over the 2 MiB limit "
                                   "(PARTNERBOT_MAX_UPLOAD_MB)")
