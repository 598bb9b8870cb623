"""partnerbot: answers questions about life-science partnerships from press releases.

The layers live in the repository's top-level folders and install as sub-packages of this one
(`partnerbot.corpus`, `partnerbot.retrieval`, `partnerbot.bot`, `partnerbot.adapters`), so
nothing but `partnerbot` lands at the top of site-packages, and every module has that one
name (importing a layer as `bot` from a checkout fails). Static tools that need the installed
shape as a tree (mypy, import-linter) read a view of links built outside the source tree by
`tests/package_view.py`.
"""

__version__ = "0.1.0"
