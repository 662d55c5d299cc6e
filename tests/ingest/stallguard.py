"""A hang guard for tests of hostile input: the work is aborted (and the test fails) when it runs past
a generous limit. Not a speed assertion: the inputs used take milliseconds when the code is linear and
minutes when it backtracks (issue 13 asks for "no run longer than 10 s per file")."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

LIMIT_SECONDS = 10.0


class Stalled(AssertionError):
    """The guarded work ran past the limit."""


@contextmanager
def stall_guard(what: str, seconds: float = LIMIT_SECONDS) -> Iterator[None]:
    """Raise `Stalled` inside the guarded block after ``seconds`` (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _fire(signum, frame):
        raise Stalled(f"{what}: still running after {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, _fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
