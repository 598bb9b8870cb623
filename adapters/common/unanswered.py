"""Record the questions the bot could not answer, for `partnerbot report`.

`answer_or_apology` (adapters/common/chat.py) is the one call every chat platform makes for an
answer; it tells `notify`, which hands an abstention to the store each app registered with
`watch` for that engine and platform. The question text is kept only when
PARTNERBOT_LOG_QUESTIONS allows (else "": the report still counts it).
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Protocol

from partnerbot.bot.ops.feedback import Unanswered
from partnerbot.bot.types import Answer, Question

log = logging.getLogger("partnerbot.unanswered")


class UnansweredLog(Protocol):
    def record_unanswered(self, item: Unanswered) -> None: ...


_lock = threading.Lock()
_watchers: weakref.WeakKeyDictionary[object, dict[str, tuple[UnansweredLog, bool]]] = \
    weakref.WeakKeyDictionary()


def watch(engine: object, platform: str, store: UnansweredLog, keep_text: bool) -> None:
    """Record `engine`'s abstentions on `platform` in `store` (one store per engine and
    platform: the latest registration wins)."""
    with _lock:
        _watchers.setdefault(engine, {})[platform] = (store, keep_text)


def notify(engine: object, question: Question, answer: Answer) -> None:
    """Called for every answer; records abstentions. Never raises into the reply."""
    if answer.kind != "abstain":
        return
    with _lock:
        found = _watchers.get(engine, {}).get(question.platform or "")
    if found is None:
        return
    store, keep_text = found
    try:
        store.record_unanswered(Unanswered(
            platform=question.platform or "", question=question.text if keep_text else "",
            lang=answer.lang or "en", request_id=question.request_id or ""))
    except Exception:
        log.warning("could not record an unanswered question", exc_info=True)
