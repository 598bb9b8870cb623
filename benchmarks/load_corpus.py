"""The two corpus versions of the load benchmark, and which version a reply came from.

The old version is the bundled corpus plus release A; the admin reindex swaps in the bundled
corpus plus releases B and C (B in English, C its Korean translation) and without A. A, B
and C tell the same (made-up, clearly labelled) story with different details, so the same
question is answered from A by the old index and from B or C by the new one: a reply that
cites A next to B or C mixed the two versions. Replies citing only bundled releases fit
both versions and count as "either".
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "docs.jsonl"

_A = ("LINK-J and Medicen Paris Region hold a joint biotech forum in Lyon",
      "Tokyo, 2024-03-04. Load-test release A (synthetic). Life Science Innovation Network "
      "Japan (LINK-J) and Medicen Paris Region held their first joint biotech forum in Lyon. "
      "The forum gathered 40 startups from Japan and France.\n\nThe two clusters agreed to "
      "exchange delegations every spring and to run a shared accelerator programme for "
      "digital health startups. The forum in Lyon will be held again next year.\n")
_B = ("LINK-J and Medicen Paris Region hold a joint biotech forum in Marseille",
      "Tokyo, 2024-03-04. Load-test release B (synthetic). Life Science Innovation Network "
      "Japan (LINK-J) and Medicen Paris Region held their first joint biotech forum in "
      "Marseille. The forum gathered 60 startups from Japan and France.\n\nThe two clusters "
      "agreed to exchange delegations every autumn and to run a shared accelerator programme "
      "for medical device startups. The forum in Marseille will be held again next year.\n")
_C = ("LINK-J와 메디센 파리 리전, 마르세유에서 공동 바이오 포럼 개최",
      "도쿄, 2024-03-04. 부하 시험용 보도자료 C (합성). 일본 라이프사이언스 이노베이션 "
      "네트워크(LINK-J)와 메디센 파리 리전은 마르세유에서 첫 공동 바이오 포럼을 열었다. "
      "포럼에는 일본과 프랑스의 스타트업 60곳이 참가했다.\n\n두 클러스터는 매년 가을 "
      "대표단을 교환하고 의료기기 스타트업을 위한 공동 액셀러레이터 프로그램을 운영하기로 "
      "합의했다. 마르세유 포럼은 내년에도 열린다.\n")

# Asked among the eval questions, so that some replies do tell the versions apart.
VARIANT_QUESTIONS = (
    "Where did LINK-J and Medicen Paris Region hold their joint biotech forum?",
    "How many startups attended the joint biotech forum of LINK-J and Medicen Paris Region?",
    "LINK-J와 메디센 파리 리전의 공동 바이오 포럼은 어디에서 열렸나요?",
)


@dataclass(frozen=True)
class Versions:
    """Release titles only the old or only the new corpus holds."""

    old_only: frozenset[str]
    new_only: frozenset[str]

    def classify(self, reply_text: str) -> str:
        """"old", "new", "either" (cites only releases both hold) or "mixed"."""
        old = any(t in reply_text for t in self.old_only)
        new = any(t in reply_text for t in self.new_only)
        if old and new:
            return "mixed"
        return "old" if old else "new" if new else "either"


def _entry(doc_id: str, title: str, lang: str, translation_of: str | None) -> dict[str, object]:
    return {"id": doc_id, "lang": lang, "title": title,
            "publisher": "partnerbot load benchmark (synthetic)", "date": "2024-03-04",
            "url": None, "translation_of": translation_of}


def write_old(source: Path, dst: Path) -> Versions:
    """`dst` = the releases of `source` plus A; returns how to tell the versions apart."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(source, dst)
    _add(dst, [("lt-a", *_A, "en", None)])
    return Versions(old_only=frozenset({_A[0]}), new_only=frozenset({_B[0], _C[0]}))


def write_new(dst: Path) -> None:
    """Turn the old corpus in `dst` into the new one: A out, B and its translation C in."""
    (dst / "lt-a.txt").unlink()
    manifest = dst / MANIFEST
    lines = [line for line in manifest.read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["id"] != "lt-a"]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _add(dst, [("lt-b", *_B, "en", "lt-c"), ("lt-c", *_C, "ko", "lt-b")])


def _add(dst: Path, releases: list[tuple[str, str, str, str, str | None]]) -> None:
    manifest = dst / MANIFEST
    text = manifest.read_text(encoding="utf-8") if manifest.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    for doc_id, title, body, lang, partner in releases:
        (dst / f"{doc_id}.txt").write_text(f"{title}\n\n{body}", encoding="utf-8")
        text += json.dumps(_entry(doc_id, title, lang, partner), ensure_ascii=False) + "\n"
    manifest.write_text(text, encoding="utf-8")
