"""Command-line output into a pipe whose reader stops early (`partnerbot sources | head -1`).

Python turns the closed pipe into a `BrokenPipeError` at the next write or at the flush on
exit, with a traceback or an "Exception ignored" line; a command-line tool should just stop,
as one killed by SIGPIPE does (status 141).
"""

from __future__ import annotations

import os
import select
import signal
import sys
from collections.abc import Callable

SIGPIPE_STATUS = 128 + signal.SIGPIPE


def quiet_on_closed_stdout(run: Callable[[], int]) -> int:
    """`run()`, or `SIGPIPE_STATUS` without a word when stdout's reader has gone."""
    try:
        try:
            return run()
        finally:
            sys.stdout.flush()  # a broken pipe shows here, while it can still be caught
    except BrokenPipeError:
        if not _stdout_reader_gone():
            raise
        # what is still buffered goes nowhere, so the flush at exit cannot fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return SIGPIPE_STATUS


def _stdout_reader_gone() -> bool:
    """Whether the broken pipe is stdout's (not, say, a socket's while serving)."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no real file descriptor (tests)
        return False
