"""The time limit on work a project's content drives (timing.py)."""

from __future__ import annotations

import threading
import time

import pytest

from leafletgen.timing import RenderTimeout, time_limit


def test_work_past_the_limit_is_stopped_with_what_it_was():
    started = time.perf_counter()
    with pytest.raises(RenderTimeout, match=r"composing x\.html took longer than 0\.05 s"), \
            time_limit(0.05, "composing x.html"):
        while True:
            pass
    assert time.perf_counter() - started < 1


def test_work_within_the_limit_runs_and_leaves_no_timer():
    with time_limit(5):
        pass
    time.sleep(0.05)  # a timer left armed would fire here


def test_outside_the_main_thread_the_limit_is_not_enforced():
    seen = []

    def work() -> None:
        with time_limit(0.01):
            time.sleep(0.05)
        seen.append("done")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == ["done"]
