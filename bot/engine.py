"""The answer engine: a question in, a cited extractive answer out.

Every statement of a reply is a sentence quoted verbatim from a release; when the releases do
not cover the question, the engine says so and offers the closest releases instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from partnerbot.bot import abstain
from partnerbot.bot.admin import Admin
from partnerbot.bot.evidence import Evidence, QuestionTerms, score_sentences, select
from partnerbot.bot.help import examples, is_help_request
from partnerbot.bot.lang import detect_lang
from partnerbot.bot.messages import message
from partnerbot.bot.metrics import Metrics
from partnerbot.bot.question_kind import Kind, question_kind
from partnerbot.bot.question_text import clean_question
from partnerbot.bot.request_context import request_scope
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Answer, Citation, Question, Quote
from partnerbot.corpus.model import Release
from partnerbot.corpus.reader import CorpusError
from partnerbot.retrieval.embedders import Embedder, make_embedder
from partnerbot.retrieval.index import (
    IndexCorrupt,
    IndexMissing,
    LoadedIndex,
    build_index,
    current_version,
    load_index,
)
from partnerbot.retrieval.passage import Passage
from partnerbot.retrieval.retriever import Hit, Retriever
from partnerbot.retrieval.summary import BuildSummary, IndexStatus, Progress, ReleaseInfo

log = logging.getLogger("partnerbot.engine")

SEARCH_K = 12
RANKED_K = 60  # for the list of distinct releases (retrieved, closest releases)
SUGGESTIONS = 3


@dataclass(frozen=True)
class _State:
    """One loaded index version and its retriever: a question uses one state start to end."""

    index: LoadedIndex
    retriever: Retriever


class Engine:
    """Thread-safe; picks up a newer index version between questions."""

    def __init__(self, settings: Settings, embedders: Sequence[Embedder], state: _State) -> None:
        self.settings = settings
        self.embedders = list(embedders)
        self._state = state
        self._reload_lock = threading.Lock()
        self._swap_lock = threading.Lock()
        self._reloading = False
        self._unloadable = ""  # a version that failed to load: not retried on every question
        self._examples: dict[tuple[str, str], tuple[str, ...]] = {}
        self.metrics = Metrics(self.status)
        self.admin = Admin(self)

    # ---- construction ---------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings, embedders: Sequence[Embedder] | None = None,
             progress: Progress | None = None) -> Engine:
        """Load the index in settings.index_dir, building it from settings.corpus_dir if it is
        absent or damaged. A mismatch (other embedders or format) is an error that says how to
        rebuild, because rebuilding silently could take long and surprise the operator."""
        embs = list(embedders) if embedders is not None else [
            make_embedder(n, settings.st_model) for n in settings.embedders]
        try:
            index = load_index(settings.index_dir, embs)
        except IndexMissing:
            build_index(settings.corpus_dir, settings.index_dir, embs, progress=progress)
            index = load_index(settings.index_dir, embs)
        except IndexCorrupt as exc:
            # Rebuild once; if that fails too, one error says both (a one-line exit for the
            # CLI), never a loop of rebuilds.
            log.info("%s; rebuilding from %s", exc, settings.corpus_dir)
            try:
                build_index(settings.corpus_dir, settings.index_dir, embs, progress=progress,
                            rebuild=True)
            except (OSError, CorpusError) as build_exc:  # no corpus, disk full, read-only
                raise IndexCorrupt(f"{exc} (rebuilding it from {settings.corpus_dir} failed: "
                                   f"{build_exc})") from None
            index = load_index(settings.index_dir, embs)
            log.warning("%s; rebuilt it from %s as version %s", exc, settings.corpus_dir,
                        index.version)
        return cls(settings, embs, _State(index, Retriever(index, embs)))

    # ---- index lifecycle ------------------------------------------------------------
    def _current(self) -> _State:
        """The state to answer with; starts loading a newer version in the background."""
        state = self._state
        latest = current_version(self.settings.index_dir)
        if (latest and latest != state.index.version and latest != self._unloadable
                and not self._reloading):
            with self._reload_lock:
                if not self._reloading:
                    self._reloading = True
                    threading.Thread(target=self._reload, name="index-reload", daemon=True).start()
        return state

    def _reload(self) -> None:
        """Load the version CURRENT names. One that fails to load is remembered, so the old
        version keeps serving and the failure is logged once, not on every question; a later
        build writes a new version name, which is tried afresh."""
        version = current_version(self.settings.index_dir) or ""
        try:
            index = load_index(self.settings.index_dir, self.embedders)
            if self._install(index):
                log.info("now serving index %s", index.version)
        except Exception as exc:  # keep serving the old version
            self._unloadable = version
            log.error("could not load index version %s, still serving %s: %s", version,
                      self._state.index.version, exc)
        finally:
            self._reloading = False

    def refresh(self) -> str:
        """Load the newest version now (tests and admin commands); returns its name."""
        latest = current_version(self.settings.index_dir)
        if latest and latest != self._state.index.version:
            self._install(load_index(self.settings.index_dir, self.embedders))
        return self._state.index.version

    def _install(self, index: LoadedIndex) -> bool:
        """Serve `index` unless the served one is already what CURRENT names: a background
        reload that finishes after `refresh()` must not put an older version back."""
        with self._swap_lock:
            if self._state.index.version == current_version(self.settings.index_dir):
                return False
            self._state = _State(index, Retriever(index, self.embedders))
            return True

    def reindex(self, progress: Progress | None = None, rebuild: bool = False) -> BuildSummary:
        """Build a new version from settings.corpus_dir beside the old one and swap it in; the
        old one keeps serving until then. Raises IndexBusy if a build is already running."""
        try:
            summary = build_index(self.settings.corpus_dir, self.settings.index_dir,
                                  self.embedders, progress=progress, rebuild=rebuild)
            self.refresh()
        except Exception:
            self.metrics.reindexed(ok=False)
            raise
        self.metrics.reindexed(ok=True)
        return summary

    def status(self) -> IndexStatus:
        index = self._state.index
        return IndexStatus(version=index.version, releases=len(index.releases),
                           passages=len(index.passages),
                           built_at=str(index.manifest.get("built_at", "")),
                           embedders=tuple(e.name for e in self.embedders),
                           index_dir=str(self.settings.index_dir))

    def releases(self) -> list[ReleaseInfo]:
        """Newest first; undated releases last."""
        rels = sorted(self._state.index.releases.values(),
                      key=lambda r: (r.date or "", r.id), reverse=True)
        return [ReleaseInfo(doc_id=r.id, title=r.title, publisher=r.publisher, date=r.date,
                            lang=r.lang, url=r.url, source=r.source) for r in rels]

    # ---- answering ------------------------------------------------------------------
    def help(self, lang: str = "en") -> Answer:
        state = self._state
        key = (state.index.version, lang)
        found = self._examples.get(key)
        if found is None:  # scans every release: once per index version and language
            found = tuple(examples(state.index.releases.values(), lang, state.index.lexicon))
            self._examples[key] = found
        return Answer(kind="help", text=message("help", lang), lang=lang, examples=found,
                      index_version=state.index.version)

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
        if is_help_request(text):
            return self.help(lang)
        state = self._current()
        try:
            answer = self._answer(state, text, lang)
        except Exception:
            log.exception("answering failed (request %s)", question.request_id)
            answer = Answer(kind="error", text=message("error", lang), lang=lang)
        elapsed = (time.perf_counter() - started) * 1000
        return Answer(**{**answer.__dict__, "latency_ms": elapsed,
                         "index_version": state.index.version})

    def _answer(self, state: _State, text: str, lang: str) -> Answer:
        index = state.index
        q = state.retriever.embed(text)
        ranked = state.retriever.search(q, k=RANKED_K)
        hits = ranked[:SEARCH_K]
        retrieved = _distinct_releases(ranked)
        terms = QuestionTerms.of(text, q.expansion, index.lexicon)
        kind = question_kind(text)
        chosen = select(score_sentences(hits, index, terms, kind,
                                        q.vectors.get(index.sentence_embedder)), kind)
        verdict = abstain.decide(terms, kind, chosen, index.releases, index.bm25)
        if verdict.abstain:
            # the reason quotes the question's words
            log.info("abstaining: %s", verdict.reason if self.settings.log_questions
                     else "(reason withheld: log_questions is off)")
            return self._abstention(index, retrieved, lang)
        chosen = self._prefer_question_language(state, list(verdict.evidence), hits, lang, terms, kind,
                                                q.vectors.get(index.sentence_embedder))
        return _compose(chosen, index.releases, retrieved, lang)

    def _abstention(self, index: LoadedIndex, retrieved: Sequence[str], lang: str) -> Answer:
        citations = tuple(_citation(i + 1, index.releases[d])
                          for i, d in enumerate(retrieved[:SUGGESTIONS]))
        return Answer(kind="abstain", text=message("abstain", lang), lang=lang,
                      citations=citations, retrieved=tuple(retrieved),
                      sources_heading=message("closest", lang))

    def _prefer_question_language(self, state: _State, chosen: list[Evidence], hits: list[Hit],
                                  lang: str, terms: QuestionTerms, kind: Kind,
                                  query_vector: np.ndarray | None) -> list[Evidence]:
        """When the best evidence is in another language but its release has a translation in
        the question's language, quote the aligned sentence of the translation first."""
        index = state.index
        best = chosen[0]
        release = index.releases[best.doc_id]
        partner_id = release.translation_of
        if release.lang == lang or not partner_id or partner_id not in index.releases:
            return chosen
        if index.releases[partner_id].lang != lang:
            return chosen
        aligned = _aligned_passages(state, best, partner_id)
        if not aligned:
            return chosen
        fake_hits = [Hit(passage=p, score=hits[0].score * (1 - 0.05 * i))
                     for i, p in enumerate(aligned)]
        # scoring expands to the partner's own translation link (the release we came from);
        # only sentences of the question-language version are wanted here
        candidates = [ev for ev in score_sentences(fake_hits, index, terms, kind, query_vector)
                      if ev.doc_id == partner_id]
        if not candidates:
            return chosen
        return [candidates[0], *[ev for ev in chosen if ev.text != candidates[0].text]][:3]


def _aligned_passages(state: _State, ev: Evidence, partner_id: str) -> list[Passage]:
    """Passages of the translation closest to the evidence's passage, by cross-lingual vectors."""
    index = state.index
    source = next((p for p in index.passages_of.get(ev.doc_id, [])
                   if p.start <= ev.start < p.end + 1), None)
    targets = index.passages_of.get(partner_id, [])
    if source is None or not targets:
        return []
    # the embedder that aligns languages best is listed last by convention (use)
    store = index.stores[state.retriever.embedders[-1].name]
    position = index.position[source.id]
    src = store.reconstruct(position)
    sims = np.array([float(store.reconstruct(index.position[t.id]) @ src) for t in targets])
    order = np.argsort(-sims)[:2]
    return [targets[int(i)] for i in order]


def _distinct_releases(hits: Sequence[Hit]) -> list[str]:
    out: list[str] = []
    for hit in hits:
        doc = hit.passage.doc_id
        if doc not in out:
            out.append(doc)
    return out


def _citation(n: int, release: Release) -> Citation:
    return Citation(n=n, doc_id=release.id, title=release.title, publisher=release.publisher,
                    date=release.date, url=release.url,
                    source=Path(release.source).name if release.source else release.id,
                    lang=release.lang)


def _compose(chosen: Sequence[Evidence], releases: dict[str, Release], retrieved: Sequence[str],
             lang: str) -> Answer:
    numbers: dict[str, int] = {}
    quotes: list[Quote] = []
    for ev in chosen:
        n = numbers.setdefault(ev.doc_id, len(numbers) + 1)
        quotes.append(Quote(n=n, text=ev.text, doc_id=ev.doc_id, start=ev.start, end=ev.end))
    # a quoted release's translation is listed too, so both versions are at hand
    for doc_id in list(numbers):
        partner = releases[doc_id].translation_of
        if partner and partner in releases and partner not in numbers:
            numbers[partner] = len(numbers) + 1
    citations = tuple(_citation(n, releases[d]) for d, n in numbers.items())
    return Answer(kind="answer", text=message("answer_lead", lang), lang=lang,
                  quotes=tuple(quotes), citations=citations, retrieved=tuple(retrieved),
                  sources_heading=message("sources", lang))

