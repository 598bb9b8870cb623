"""The one object the answer layer holds: a read-only view of one index version.

txtai's `Embeddings` and Haystack's `DocumentStore` are the models: callers search, ask for
sentence similarities and term statistics, and never reach the FAISS stores, the BM25 index
or the lexicon behind them. A question uses one `SearchIndex` from start to end, so a reindex
that swaps versions mid-question cannot mix two versions in one reply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from partnerbot.corpus.model import Release
from partnerbot.retrieval import lexicon as _lexicon
from partnerbot.retrieval import phonetic as _phonetic
from partnerbot.retrieval.embedders.base import Embedder
from partnerbot.retrieval.identity import OrgIdentity
from partnerbot.retrieval.load import LoadedIndex
from partnerbot.retrieval.passage import Passage
from partnerbot.retrieval.registry import partners_json
from partnerbot.retrieval.registry.parties import explain as explain_parties
from partnerbot.retrieval.registry.parties import extract as extract_records
from partnerbot.retrieval.registry.records import Org, PartyMention, Record
from partnerbot.retrieval.registry.store import Registry
from partnerbot.retrieval.retriever import Hit, QueryVectors, Retriever, margin_of
from partnerbot.retrieval.tokenize import token_set, tokenize

__all__ = ["Hit", "NameForms", "Org", "OrgIdentity", "PartyMention", "Passage", "QueryVectors", "Record", "Registry",
           "SearchIndex", "TermStats", "extract_records", "partners_json", "tokenize"]


class TermStats:
    """Words as the lexical index sees them, and how rare each is in this corpus."""

    def __init__(self, index: LoadedIndex) -> None:
        self._bm25 = index.bm25

    def tokens(self, text: str) -> list[str]:
        return tokenize(text)

    def token_set(self, text: str) -> frozenset[str]:
        return token_set(text)

    def idf(self, token: str) -> float:
        return self._bm25.idf(token)

    def doc_freq(self, token: str) -> int:
        """How many passages hold the token."""
        return self._bm25.doc_freq(token)

    def has_token(self, token: str) -> bool:
        return self._bm25.has_token(token)

    def known(self, forms: Sequence[str]) -> bool:
        """Does the corpus contain one of these forms of a name, every word of it?"""
        for form in forms:
            toks = tokenize(form)
            if toks and all(self._bm25.has_token(t) for t in toks):
                return True
        return False


class NameForms:
    """Names as the corpus writes them: the forms of a name in every script it uses
    (aliases in parentheses, defined abbreviations, sound-alike spellings)."""

    def __init__(self, index: LoadedIndex) -> None:
        self._lexicon = index.lexicon

    def forms_of(self, name: str) -> list[str]:
        return self._lexicon.forms_of(name)

    @property
    def aliases(self) -> Mapping[str, Sequence[str]]:
        """Every learnt name with its other forms (help examples pick names from these)."""
        return self._lexicon.aliases

    @staticmethod
    def names_in(text: str) -> list[str]:
        return _lexicon.names_in(text)

    @staticmethod
    def name_runs(text: str) -> list[list[str]]:
        return _lexicon.name_runs(text)

    @staticmethod
    def mentions(text: str, forms: Sequence[str]) -> bool:
        return _lexicon.mentions(text, forms)

    @staticmethod
    def sound_similarity(a: str, b: str, prefix: bool = False) -> float:
        """How alike two spellings sound, in any of our scripts (1 - normalised edit
        distance of their phonetic keys; 0 when either has none). `prefix`: `a` against the
        start of `b` (ラオンセル in 라온셀테라퓨틱스)."""
        ka, kb = _phonetic.key(a), _phonetic.key(b)
        if prefix:
            kb = kb[:len(ka)]
        return _phonetic.similarity(ka, kb) if len(ka) >= 3 and kb else 0.0

    @staticmethod
    def sounds_alike(a: str, b: str, prefix: bool = False) -> bool:
        """One name in two scripts, by sound, at the lexicon's own threshold."""
        return NameForms.sound_similarity(a, b, prefix) >= _phonetic.SOUND_ALIKE


class SearchIndex:
    """Search, sentence similarities, term statistics, name forms and translation partners of
    one index version."""

    def __init__(self, index: LoadedIndex, embedders: Sequence[Embedder]) -> None:
        self._index = index
        self._retriever = Retriever(index, embedders)
        # the embedder that aligns languages best is listed last by convention (use)
        self._aligner = embedders[-1].name if embedders else ""
        self.terms = TermStats(index)
        self.names = NameForms(index)
        self.identity = OrgIdentity(index.lexicon, index.registry)

    @property
    def version(self) -> str:
        return self._index.version

    @property
    def releases(self) -> Mapping[str, Release]:
        return self._index.releases

    @property
    def built_at(self) -> str:
        """ISO 8601 time the version was built (UTC), as its manifest records it."""
        return str(self._index.manifest.get("built_at", ""))

    @property
    def registry(self) -> Registry:
        """Partnership records and organisations of this version (lists, counts, periods)."""
        return self._index.registry

    def explain_parties(self, doc_id: str) -> list[dict[str, object]] | None:
        """Each candidate party of a release with why the fitted decision took it or not;
        None when the version has no such release."""
        release = self._index.releases.get(doc_id)
        return explain_parties(release) if release is not None else None

    @property
    def passage_count(self) -> int:
        return len(self._index.passages)

    def query(self, text: str, lang: str | None = None) -> QueryVectors:
        """The question embedded once by every embedder, with its cross-script expansion;
        `lang` (the question's language) levels the embedders' same-language preference."""
        return self._retriever.embed(text, lang)

    def search(self, query: str | QueryVectors, k: int = 10) -> list[Hit]:
        """Passages ranked by dense and lexical search, fused."""
        return self._retriever.search(query, k=k)

    def passages_of(self, doc_id: str) -> Sequence[Passage]:
        return self._index.passages_of.get(doc_id, ())

    def translation_of(self, doc_id: str) -> str | None:
        """The id of the same release in another language, when both are in the index."""
        release = self._index.releases.get(doc_id)
        partner = release.translation_of if release else None
        return partner if partner and partner in self._index.releases else None

    def sentence_similarities(self, passages: Sequence[Passage],
                              query: QueryVectors) -> dict[tuple[str, int], float]:
        """Cosine of each sentence of `passages` to the question, keyed (passage id, sentence
        number), by the index's sentence embedder, less its same-language margin for sentences
        in the question's language: what ranks the sentences of a release in another
        language, where shared words are rare."""
        index = self._index
        vector = query.vectors.get(index.sentence_embedder)
        if vector is None or index.sentence_vectors is None:
            return {}
        margin = margin_of(index.sentence_embedder) if query.lang else 0.0
        sims: dict[tuple[str, int], float] = {}
        for passage in passages:
            row = index.sentence_row[passage.id]
            block = np.asarray(index.sentence_vectors[row:row + len(passage.sentences)],
                               dtype=np.float32)
            level = margin if passage.lang == query.lang else 0.0
            for j, value in enumerate(block @ vector):
                sims[(passage.id, j)] = float(value) - level
        return sims

    def aligned_passages(self, doc_id: str, offset: int, partner_id: str,
                         n: int = 2) -> list[Passage]:
        """The `n` passages of release `partner_id` (a translation) closest, by cross-lingual
        vectors, to the passage of `doc_id` holding character `offset`."""
        index = self._index
        source = next((p for p in index.passages_of.get(doc_id, [])
                       if p.start <= offset < p.end + 1), None)
        targets = index.passages_of.get(partner_id, [])
        if source is None or not targets or self._aligner not in index.stores:
            return []
        store = index.stores[self._aligner]
        src = store.reconstruct(index.position[source.id])
        sims = np.array([float(store.reconstruct(index.position[t.id]) @ src) for t in targets])
        return [targets[int(i)] for i in np.argsort(-sims)[:n]]
