"""A small invented corpus for the registry tests: one cluster and its partners, in English,
Korean and Japanese, with an earlier-partners list long enough to need two pages."""

from __future__ import annotations

import json
from pathlib import Path

CLUSTER = "Brightwater Bio Cluster"
EARLIER = ["Alder Genomics", "Birchfield University", "Cedarline Institute", "Dunmore Health",
           "Elmstead Biologics", "Fernhill Medical Center", "Glenrock Pharma",
           "Hollowmere Foundation", "Ivybridge Labs", "Juniper Vale University",
           "Kestwick Diagnostics"]
_WHEN = ["May 2016", "June 2016", "July 2017", "August 2017", "March 2018", "April 2018",
         "May 2019", "June 2019", "July 2020", "August 2020", "September 2021"]

RELEASES = {
    "r1": ("en", "2023-03-06", "Brightwater Bio Cluster signs MOU with Corvane Therapeutics",
           "Brightwater Bio Cluster (BBC) signed a memorandum of understanding (MOU) with Corvane "
           "Therapeutics on March 3, 2023 to support joint clinical research.\n\n"
           "So far, Brightwater Bio Cluster has signed MOUs with the following partners: "
           + "; ".join(f"{'and ' if i == len(EARLIER) - 1 else ''}{n} in {w}"
                       for i, (n, w) in enumerate(zip(EARLIER, _WHEN, strict=True))) + "."),
    "r2": ("ko", "2024-05-12", "브라이트워터 바이오클러스터, 한솔메디컬재단과 업무협약 체결",
           "브라이트워터 바이오클러스터(Brightwater Bio Cluster)는 2024년 5월 10일 한솔메디컬재단과 "
           "바이오 인재 양성을 위한 업무협약(MOU)을 체결했다고 밝혔다."),
    "r3": ("ja", "2025-01-21", "ブライトウォーター・バイオクラスター、北浜大学と連携協定を締結",
           "ブライトウォーター・バイオクラスター（Brightwater Bio Cluster）は2025年1月20日、北浜大学と"
           "研究連携に関する協定を締結した。"),
}


def write_corpus(folder: Path) -> Path:
    """The releases as .txt files with a docs.jsonl manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for rid, (lang, date, title, body) in RELEASES.items():
        (folder / f"{rid}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        rows.append({"id": rid, "title": title, "publisher": "Brightwater", "date": date,
                     "lang": lang, "url": f"https://example.org/{rid}"})
    (folder / "docs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return folder
