"""A wall-clock limit on work a project's content drives: composing its templates and
rendering its documents. A template or a text can make either run for ever."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import NoReturn


class RenderTimeout(Exception):
    """Rendering one document took longer than its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float | None, doing: str = "rendering") -> Iterator[None]:
    """Raise RenderTimeout in this block after `seconds` of wall time. A timer signal
    interrupts WeasyPrint's Python code wherever it loops; it works in a process's main
    thread (each build worker is one), and elsewhere the limit is not enforced."""
    if not seconds or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> NoReturn:
        raise RenderTimeout(f"{doing} took longer than {seconds:g} s (the limit; "
                            "--time-limit sets it): look for unusually long text, or a "
                            "template that loops")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
