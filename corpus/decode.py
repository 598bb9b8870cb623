"""Bytes to text for the encodings Korean and Japanese releases actually come in."""

from __future__ import annotations

import codecs
import re
import string

from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.language.scripts import (
    CJK_PUNCTUATION,
    FULLWIDTH_ASCII,
    HAN_UNIFIED,
    HANGUL_SYLLABLES,
    KANA,
)

# Legacy encodings tried after UTF-8, with a test of whether the result looks like real text.
# cp949 is a superset of euc-kr and cp932 of shift_jis (circled digits, NEC symbols); cp1252
# covers English text saved on Windows with curly quotes. On a tie the earlier codec wins.
_LEGACY = ("cp1252", "cp949", "euc-kr", "shift_jis", "cp932")
_WESTERN = frozenset("“”‘’–—…•·©®™°±×€£¥§¶éèêëàâäçîïôöùûüñáíóúÉÈÀÇÜÖÄßæøåÆØÅ\u00a0")
_HANGUL = re.compile(f"[{HANGUL_SYLLABLES}]")
_JAPANESE = re.compile(f"[{KANA}{HAN_UNIFIED}{CJK_PUNCTUATION}{FULLWIDTH_ASCII}]")
_HANJA = re.compile(f"[{HAN_UNIFIED}]")
_ASCII = re.compile(r"[\x00-\x7f]")
# Printable ASCII, ending in a backslash escape that escape codecs reject.
_PROBE = (string.ascii_letters + string.digits + string.punctuation.replace("\\", "")
          + " \t\n\r\\u").encode("ascii")


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the first 8 KiB: no text file of ours has them (UTF-16 aside)."""
    return b"\x00" in data[:8192]


def ascii_compatible(encoding: str) -> bool:
    """Whether `encoding` reads ASCII bytes as ASCII, as any charset a page can declare in its
    own (ASCII) markup must. Rules out what a hostile or mistaken page may name: UTF-16/32
    without a BOM (decodes any bytes), UTF-7 and `unicode_escape` (yield lone surrogates from
    ASCII), EBCDIC, and names that are not text encodings at all."""
    try:
        return _PROBE.decode(encoding) == _PROBE.decode("ascii")
    except (LookupError, UnicodeError):
        return False


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode `data`: UTF-8, the declared charset, then cp949/euc-kr, Shift_JIS, cp1252.

    Legacy codecs accept each other's bytes, so when more than one succeeds the one whose
    output looks most like its own language wins (Shift_JIS bytes decoded as cp949 yield rare
    UHC-extension syllables; cp949 bytes decoded as Shift_JIS yield half-width katakana).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise UnreadableFile("undecodable UTF-16 text") from e
    if looks_binary(data):
        raise UnreadableFile("binary file (contains NUL bytes)")
    # Strict UTF-8 almost never decodes anything else, so it goes before a declared charset,
    # which saved pages often get wrong.
    for enc in ("utf-8-sig", declared):
        if not enc or not ascii_compatible(enc):
            continue
        try:
            return data.decode(enc)
        except (UnicodeError, LookupError):
            continue
    best: tuple[float, str] | None = None
    for enc in _LEGACY:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text, enc)
        if best is None or score > best[0]:
            best = (score, text)
    if best is None or best[0] < 0.5:
        raise UnreadableFile("undecodable text (not UTF-8, CP949/EUC-KR, Shift_JIS or CP1252)")
    return best[1]


def _plausibility(text: str, enc: str) -> float:
    """Share of non-ASCII characters that belong to the codec's own language."""
    non_ascii = len(text) - len(_ASCII.findall(text))
    if non_ascii == 0:
        return 1.0
    if enc == "cp1252":
        # Plausible only as a sprinkle of punctuation and accents in otherwise ASCII text;
        # Korean or Japanese bytes read as cp1252 are mostly non-ASCII mojibake.
        western = sum(1 for ch in text if ch in _WESTERN)
        return 1.0 if western == non_ascii and non_ascii <= 0.3 * len(text) else 0.0
    if enc in ("shift_jis", "cp932"):
        return len(_JAPANESE.findall(text)) / non_ascii
    # Everyday Korean uses the 2,350 KS X 1001 syllables; misdecoded bytes land elsewhere.
    common = sum(1 for ch in _HANGUL.findall(text) if _in_ksx1001(ch))
    hanja = len(_HANJA.findall(text))
    return (common + hanja * 0.5) / non_ascii


def _in_ksx1001(ch: str) -> bool:
    try:
        ch.encode("euc-kr")
    except UnicodeEncodeError:
        return False
    return True
