"""The engine: the one object adapters hold. A question in, a cited answer out, counted.

It routes a question (too long, help, or a real question), answers it against the version
of the index that is live when it arrives (`retrieval.live.LiveIndex`), and times and counts
it. What to quote is `bot.answer`'s job; admin operations are `bot.admin`'s; how the pieces
are built from the settings is `bot.wiring`'s.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from partnerbot.bot.answer.pipeline import answer_question
from partnerbot.bot.answer.weights import Weights
from partnerbot.bot.help import courtesy, examples
from partnerbot.bot.lang import detect_lang
from partnerbot.bot.messages import message
from partnerbot.bot.ops.admin import Admin
from partnerbot.bot.ops.metrics import Metrics
from partnerbot.bot.partners.answers import answer_aggregate, partners_answer
from partnerbot.bot.question.clean import clean_question
from partnerbot.bot.question.parsed import parse
from partnerbot.bot.request_context import request_scope
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Answer, Progress, Question
from partnerbot.retrieval.live import Embedder, LiveIndex

if TYPE_CHECKING:
    from partnerbot.bot.llm.compose import Composer

log = logging.getLogger("partnerbot.engine")


class Engine:
    """Thread-safe; each question uses the index version live when it arrives."""

    def __init__(self, settings: Settings, live: LiveIndex) -> None:
        self.settings = settings
        self.live = live
        self._examples: dict[tuple[str, str], tuple[str, ...]] = {}
        self.metrics = Metrics(live.status)
        self.admin = Admin.of(live, self.metrics)
        # the reader's fitted weights; None: those shipped in bot/data/reader_weights.json
        # (cross-validation sets the weights fitted on its training folds here)
        self.reader_weights: Weights | None = None
        # an optional language model phrasing answers from the quotes (bot/llm/compose.py); with
        # no model configured nothing of it is imported
        self.composer: Composer | None = None
        if settings.llm_url:
            from partnerbot.bot.llm.compose import open_composer

            self.composer = open_composer(settings, self.metrics)

    @classmethod
    def open(cls, settings: Settings, embedders: Sequence[Embedder] | None = None,
             progress: Progress | None = None) -> Engine:
        """Shorthand for `bot.wiring.open_engine`: settings -> embedders -> live index -> engine."""
        from partnerbot.bot.wiring import open_engine

        return open_engine(settings, embedders, progress)

    @property
    def embedders(self) -> list[Embedder]:
        return self.live.embedders

    def refresh(self) -> str:
        """Serve the newest index version now (tests, admin commands); returns its name."""
        return self.live.refresh()

    def help(self, lang: str = "en", greet: bool = False) -> Answer:
        """The help text and example questions; `greet`: after a greeting, say hello first."""
        view = self.live.served
        key = (view.version, lang)
        found = self._examples.get(key)
        if found is None:  # scans every release: once per index version and language
            found = tuple(examples(view.releases.values(), lang, view.names))
            self._examples[key] = found
        text = message("help", lang)
        if greet:
            text = f"{message('greeting', lang)} {text}"
        return Answer(kind="help", text=text, lang=lang, examples=found,
                      index_version=view.version)

    def partners(self, name: str, lang: str) -> Answer | None:
        """The partnerships of the organisation `name` from the registry of the live index
        version (`/partners list NAME`), or None when the registry does not know it."""
        return partners_answer(name, lang, self.live.current())

    def answer(self, question: Question) -> Answer:
        """Every question passes here, whatever the platform: it is counted and timed here,
        and everything logged while answering carries its request id."""
        started = time.perf_counter()
        with request_scope(question):
            try:
                answer = self._reply(question, started)
            except Exception:
                self.metrics.error(question.platform, "engine")
                raise
            self.metrics.answered(question.platform, answer.kind, time.perf_counter() - started)
        return answer

    def _reply(self, question: Question, started: float) -> Answer:
        text = question.text.strip()
        lang = question.lang or detect_lang(text)
        if len(text) > self.settings.max_question_chars:
            return Answer(kind="too_long", lang=lang, text=message(
                "too_long", lang, n=len(text), limit=self.settings.max_question_chars))
        text = clean_question(text)  # after the length check: that counts what was sent
        kind = courtesy(text)
        if kind is not None:
            return self.help(lang, greet=kind == "greeting")
        view = self.live.current()
        try:
            parsed = parse(text, lang, view, question.context)
            answer = (answer_aggregate(parsed, view)
                      or answer_question(parsed, view, self.settings.log_questions,
                                         self.reader_weights))
            if self.composer is not None:
                answer = self.composer.compose(answer, parsed, view)
        except Exception:
            log.exception("answering failed (request %s)", question.request_id)
            answer = Answer(kind="error", text=message("error", lang), lang=lang)
        elapsed = (time.perf_counter() - started) * 1000
        return replace(answer, latency_ms=elapsed, index_version=view.version)
