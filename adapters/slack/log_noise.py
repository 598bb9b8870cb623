"""What bolt and waitress log that an operator would have to filter, made one line or once.

- bolt warns "As you gave `client` as well, `token` will be unused" on every start when
  `SLACK_BOT_TOKEN` is set (it reads the variable itself, even with a client given, as ours
  always is): dropped, the client holds that very token.
- bolt's warning for a request no listener handles carries a multi-line "[Suggestion]" code
  snippet (`@app.action(...)`): cut to its first line, which names the request.
- waitress warns "Task queue depth is N" for every request queued behind its threads: a burst
  of 20 mentions gave ~40 lines. Requests on this server only ack (listeners run on another
  executor), so a queue of some requests drains in milliseconds: said once a minute at most.
"""

from __future__ import annotations

import logging
import threading
import time

_TOKEN_UNUSED = "As you gave `client` as well, `token` will be unused."
_UNHANDLED = "Unhandled request ("


class BoltNoise(logging.Filter):
    """On bolt's framework logger (ours: `App(logger=...)`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message == _TOKEN_UNUSED:
            return False
        if message.startswith(_UNHANDLED) and "\n" in message:
            record.msg, record.args = message.split("\n", 1)[0].rstrip(" -"), None
        return True


class OncePerInterval(logging.Filter):
    """Lets one record through per `seconds`, noting how many it held back since."""

    def __init__(self, seconds: float = 60.0) -> None:
        super().__init__()
        self.seconds = seconds
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            now = time.monotonic()
            if now - self._last < self.seconds:
                self._held += 1
                return False
            held, self._held, self._last = self._held, 0, now
        record.msg = (f"{record.getMessage()} (requests waiting for a thread; said at most "
                      f"once a minute" + (f", {held} more since" if held else "") + ")")
        record.args = None
        return True


def quiet_bolt(logger: logging.Logger) -> None:
    """Install `BoltNoise` on the logger given to bolt's `App`, once."""
    if not any(isinstance(f, BoltNoise) for f in logger.filters):
        logger.addFilter(BoltNoise())


def quiet_waitress_queue() -> None:
    """Install `OncePerInterval` on waitress's queue logger, once per process."""
    queue = logging.getLogger("waitress.queue")
    if not any(isinstance(f, OncePerInterval) for f in queue.filters):
        queue.addFilter(OncePerInterval())
