"""The persisted index: one import for callers that build, load or inspect it.

`layout` (the directory, lock and garbage collection), `build` (a new version, swapped in
atomically) and `load` (one version, checked part by part) each do one job; this module names
what the rest of partnerbot uses of them.
"""

from partnerbot.retrieval.build import build_index
from partnerbot.retrieval.layout import (
    FORMAT_VERSION,
    KEEP_VERSIONS,
    IndexBusy,
    IndexCorrupt,
    IndexError_,
    IndexMismatch,
    IndexMissing,
    IndexStale,
    build_lock,
    current_version,
)
from partnerbot.retrieval.layout import slug as _slug
from partnerbot.retrieval.load import LoadedIndex, load_index

__all__ = ["FORMAT_VERSION", "KEEP_VERSIONS", "IndexBusy", "IndexCorrupt", "IndexError_",
           "IndexMismatch", "IndexMissing", "IndexStale", "LoadedIndex", "_slug", "build_index", "build_lock",
           "current_version", "load_index"]
