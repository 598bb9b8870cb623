"""partnerbot: answers questions about life-science partnerships from press releases.

The layers live in the repository's top-level folders and install as sub-packages of this one
(`partnerbot.corpus`, `partnerbot.retrieval`, `partnerbot.bot`, `partnerbot.adapters`), so
nothing but `partnerbot` lands at the top of site-packages. In a checkout, the links in this
folder let tools that read the source tree (mypy, `python -m`) see the same names.
"""

__version__ = "0.1.0"
