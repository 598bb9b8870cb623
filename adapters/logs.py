"""Logging for a running partnerbot: one handler on the root logger, text or JSON lines.

Installed on the handler rather than on our loggers, so library records (slack_bolt, slack_sdk,
telegram, httpx) pass the same request-id tagging and the same redaction as ours.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import IO, Any

from partnerbot.adapters.redact import Redactor
from partnerbot.bot.request_context import current_request_id
from partnerbot.bot.settings import Settings

OUR_LOGGERS = "partnerbot"


class _RequestContext(logging.Filter):
    """Stamps the request id on every record; with question logging off, drops library debug
    records, which dump whole request and response bodies (questions and answers with them)."""

    def __init__(self, keep_library_debug: bool) -> None:
        super().__init__()
        self._keep_library_debug = keep_library_debug

    def filter(self, record: logging.LogRecord) -> bool:
        if (not self._keep_library_debug and record.levelno < logging.INFO
                and not record.name.startswith(OUR_LOGGERS)):
            return False
        request_id = current_request_id()
        record.request_id = request_id
        record.request_tag = f" [{request_id}]" if request_id else ""
        return True


class TextFormatter(logging.Formatter):
    """`2024-05-01 12:00:00,123 INFO partnerbot.slack [3f2a9c1b7d0e]: message`, redacted."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request_tag)s: %(message)s")
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_tag"):  # a record that bypassed the filter
            record.request_tag = ""
        return self._redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id, and exc/stack."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": self._redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            entry["exc"] = self._redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exc"] = self._redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = self._redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)


class _Handler(logging.StreamHandler[IO[str]]):
    """Ours, so a second `configure_logging` replaces it and nothing else. Without a stream
    it writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    def __init__(self, stream: IO[str] | None) -> None:
        super().__init__(stream if stream is not None else sys.stderr)
        self._follow_stderr = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        if self._follow_stderr:
            self.stream = sys.stderr
        super().emit(record)


def configure_logging(settings: Settings, level: int = logging.WARNING,
                      stream: IO[str] | None = None) -> logging.Handler:
    """Point the root logger at `stream` (stderr) through one handler of ours, replacing any
    earlier one of ours; other handlers (a test's capture) are left alone. Returns the handler
    so a caller can remove it."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
        old.close()
    handler = _Handler(stream)
    redact = Redactor.from_settings(settings)
    handler.addFilter(_RequestContext(keep_library_debug=settings.log_questions))
    handler.setFormatter(JsonFormatter(redact) if settings.log_json else TextFormatter(redact))
    root.addHandler(handler)
    root.setLevel(level)
    return handler
