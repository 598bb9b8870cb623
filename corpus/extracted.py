"""What a reader of one file type hands back; its own module so the readers (formats,
htmlpage, pdf) depend on it and not on each other."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Extracted:
    """What a file says: its body text (cleaning comes later) and what it declares.

    `meta` holds document-declared values (front matter, HTML head), already normalised;
    `headings` lists heading texts in order, the best evidence for a title.
    """

    text: str
    meta: dict[str, str] = field(default_factory=dict)
    headings: list[str] = field(default_factory=list)
