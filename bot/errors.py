"""The errors a user can fix, as the layers below raise them: adapters catch these (one line,
exit status 2 on the command line) without reaching past `bot/` into `retrieval/` or
`corpus/`."""

from partnerbot.corpus.reader import CorpusError
from partnerbot.retrieval.embedders.base import EmbedderError
from partnerbot.retrieval.layout import IndexBusy, IndexError_

USER_ERRORS: tuple[type[Exception], ...] = (CorpusError, EmbedderError, IndexError_)

__all__ = ["USER_ERRORS", "CorpusError", "EmbedderError", "IndexBusy", "IndexError_"]
