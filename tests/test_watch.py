"""`build --watch`: a saved change is rebuilt, and only what it affects."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from conftest import edit
from leafletgen.build import BuildOptions, build
from leafletgen.watch import watch


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_saved_edit_is_rebuilt_and_only_where_it_matters(small_project: Path,
                                                          tmp_path: Path):
    options = BuildOptions(small_project, tmp_path / "out")
    results = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(
        options, lambda: results.append(build(options)), lambda: not stop.is_set()))
    watcher.start()
    try:
        wait_for(lambda: len(results) == 1)
        assert {o.language for o in results[0].rendered} == {"en", "lt"}
        edit(small_project / "text" / "lt.yaml", "answer: Taip.", "answer: Taip, galite.")
        wait_for(lambda: len(results) == 2)
        assert {o.language for o in results[1].rendered} == {"lt"}
        time.sleep(0.5)  # nothing changed since: no further build
        assert len(results) == 2
    finally:
        stop.set()
        watcher.join()
