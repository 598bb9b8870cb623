"""Links to a public translation page for a quote written in another language than the question.

The server never calls the translation service: it only builds a URL that the user's own client
opens (a Slack URL button, a Telegram inline URL button). Quotes stay verbatim in the reply; the
link is for a reader who cannot read the release's language. URLs are kept within the platform's
limit by cutting the quote between words (the page translates what it is given: a shortened
quote is still useful, an over-long URL is refused outright).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from partnerbot.bot.types import Answer, Quote

_LANGS = {"en", "ko", "ja"}  # the corpus' languages; every service above knows these three
_LABELS = {"en": "Translate", "ko": "번역", "ja": "翻訳"}


@dataclass(frozen=True)
class TranslateLink:
    """A button under the reply: `label` (in the asker's language, with the quote's `[n]`)."""

    n: int
    label: str
    url: str


def _q(text: str) -> str:
    return quote(text, safe="")


def _google(source: str, target: str, text: str) -> str:
    return (f"https://translate.google.com/?sl={source}&tl={target}&text={_q(text)}"
            "&op=translate")


def _deepl(source: str, target: str, text: str) -> str:
    # DeepL reads the text from the fragment, where a `/` would end the target language
    return f"https://www.deepl.com/translator#{source}/{target}/{_q(text.replace('/', chr(92) + '/'))}"


def _papago(source: str, target: str, text: str) -> str:
    return f"https://papago.naver.com/?sk={source}&tk={target}&st={_q(text)}"


_BUILDERS: dict[str, Callable[[str, str, str], str]] = {
    "google": _google, "deepl": _deepl, "papago": _papago}


def translate_url(service: str, source: str, target: str, text: str, limit: int) -> str | None:
    """The translation page for `text`, at most `limit` characters long; the text is cut
    between words (or characters, for scripts without spaces) until it fits. None when the
    service is off or unknown, or when not even a few words fit."""
    build = _BUILDERS.get(service)
    text = " ".join(text.split())
    if build is None or not text:
        return None
    url = build(source, target, text)
    if len(url) <= limit:
        return url
    lo, hi = 0, len(text)  # the longest prefix that fits: encoded length grows with the prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(build(source, target, _cut(text, mid))) <= limit:
            lo = mid
        else:
            hi = mid - 1
    cut = _cut(text, lo)
    return build(source, target, cut) if len(cut) > 1 else None


def _cut(text: str, n: int) -> str:
    """`text` shortened to about `n` characters, at a space when one is near, with "…"."""
    if n >= len(text):
        return text
    head = text[: max(n - 1, 0)]
    space = head.rfind(" ")
    if space >= len(head) * 0.7:
        head = head[:space]
    return head.rstrip() + "…"


def quote_languages(answer: Answer, q: Quote) -> tuple[str, str] | None:
    """(source, target) when quote `q` of `answer` is in another of the corpus' languages than
    the asker's (the quote's language is its cited release's); None otherwise."""
    target = answer.lang
    cited = answer.citation(q.n)
    source = cited.lang if cited else None
    if target not in _LANGS or source is None or source == target or source not in _LANGS:
        return None
    return source, target


def button_label(target: str, n: int) -> str:
    """`번역 [2]`: the translate button of quote `n`, in the asker's language."""
    return f"{_LABELS.get(target, _LABELS['en'])} [{n}]"


def quote_link(answer: Answer, q: Quote, service: str, limit: int) -> TranslateLink | None:
    """The link for quote `q` of `answer` when its release is in another language than the
    asker's; None otherwise, or when `service` is "off" (or "model": the model translates,
    see adapters/slack/quote_translate.py and adapters/telegram/quote_translate.py)."""
    langs = quote_languages(answer, q)
    if service not in _BUILDERS or langs is None:
        return None
    url = translate_url(service, langs[0], langs[1], q.text, limit)
    return TranslateLink(n=q.n, label=button_label(langs[1], q.n), url=url) if url else None


def translate_links(answer: Answer, service: str, limit: int) -> list[TranslateLink]:
    """The links for every quote of `answer` that has one, in quote order, without repeats."""
    links: list[TranslateLink] = []
    for q in answer.quotes:
        link = quote_link(answer, q, service, limit)
        if link is not None and all(other.url != link.url for other in links):
            links.append(link)
    return links
