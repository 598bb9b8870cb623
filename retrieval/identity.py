"""One answer to "which names are one organisation": the lexicon's forms and the registry's
organisations together, behind the `SearchIndex` facade (`view.identity`).

The lexicon knows how the corpus writes a name (aliases in brackets, defined abbreviations,
sound-alike spellings across scripts); the registry knows which mentions of parties it
resolved into one organisation across releases. Before this module the answer layer, the
registry answers and the verifier glued the two together each in its own way. Built with
the index version it reads (a version never changes), so results are remembered per name.

A place inside another organisation's forms never makes the place that organisation: the
registry only joins what a release itself writes as one party (see `registry/orgs.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from partnerbot.corpus.language.korean import name_variants
from partnerbot.corpus.language.scripts import script_of
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.registry.orgs import norm
from partnerbot.retrieval.registry.store import Registry

_MAX_ORGS = 2  # a name found in more organisations than this is too vague to add their forms


class OrgIdentity:
    """The forms of a name and the organisations a form belongs to, for one index version."""

    def __init__(self, lexicon: Lexicon, registry: Registry) -> None:
        self._lexicon = lexicon
        self._registry = registry
        self._forms: dict[str, tuple[str, ...]] = {}

    def lexicon_forms(self, name: str) -> list[str]:
        """How the corpus writes `name` (the lexicon alone: aliases, sound-alikes)."""
        return self._lexicon.forms_of(name)

    def forms_of(self, name: str) -> tuple[str, ...]:
        """Every form the corpus gives the name: the lexicon's, one step further
        (발도리아 -> Valdoria -> バルドリア), those of its Korean variants (다솜대병원 -> 다솜대)
        and of its parts (バルドリア・ヘルスクラスター), and those of the organisation the
        registry resolved it to across releases and scripts, the name itself first."""
        if name not in self._forms:
            self._forms[name] = self._forms_of(name)
        return self._forms[name]

    def _forms_of(self, name: str) -> tuple[str, ...]:
        forms = self._lexicon.forms_of
        first = [name, *forms(name)]
        if script_of(name) == "ko":
            for variant in name_variants(name)[1:]:
                first.extend(forms(variant))
        if "・" in name:
            for part in name.split("・"):
                if len(part) >= 3:
                    first.extend(forms(part))
        found = dict.fromkeys(first)
        for form in list(found):
            if form != name:
                found.update(dict.fromkeys(forms(form)))
        orgs = self._registry.find(name)
        if 0 < len(orgs) <= _MAX_ORGS:
            for org in orgs:
                found.update(dict.fromkeys(org.forms))
        return tuple(found)

    def org_of(self, name: str) -> str | None:
        """The registry organisation `name` or one of the lexicon's forms of it names, if any."""
        for form in [name, *self._lexicon.forms_of(name)]:
            orgs = self._registry.find(form)
            if orgs:
                return orgs[0].id
        return None

    def orgs_like(self, names: list[str], first: str, keep: Callable[[str], bool] = lambda f: True,
                  ) -> tuple[str, ...]:
        """`first` and the organisations the lexicon's forms of `names` belong to (when the
        registry could not join them itself: `Kawasaki` ~ `川崎市`); `keep` drops forms too
        general to identify anything ("City"). A form that is only a part of every name given
        (`Japan` of `Japan Bioindustry Association`) names a place or a word, not the body."""
        ids = [first]
        forms = dict.fromkeys(f for n in names for f in self._lexicon.forms_of(n))
        keys = [norm(n) for n in names]
        for form in forms:
            k = norm(form)
            part = all(k != n and k in n for n in keys)  # "Japan" of "Japan Bioindustry Association"
            if form != names[0] and keep(form) and not part:
                ids.extend(o.id for o in self._registry.find(form)[:1])
        return tuple(dict.fromkeys(ids))
