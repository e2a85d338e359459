"""`leafletgen build --watch`: rebuild whenever a project file is saved.

Polling file times is enough at this size (a few hundred files) and needs nothing
installed; each rebuild is incremental, so it renders only what the change affects.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from .options import BuildOptions
from .resources import builtin_folders

POLL_SECONDS = 0.2
SETTLE_SECONDS = 0.1  # editors save in several writes; wait until the files are still


def file_times(options: BuildOptions) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every input file: the project's and the built-ins'."""
    output = options.output_dir.resolve()
    times = {}
    for folder in [options.project_dir.resolve(), *builtin_folders()]:
        for root, dirs, files in os.walk(folder):
            root_path = Path(root)
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"
                       and (root_path / d).resolve() != output]
            for name in files:
                path = root_path / name
                try:
                    info = path.stat()
                except OSError:  # deleted while we looked
                    continue
                times[str(path)] = (info.st_mtime_ns, info.st_size)
    return times


def watch(options: BuildOptions, rebuild: Callable[[], object],
          keep_going: Callable[[], bool] = lambda: True) -> None:
    """Build now, then again after every change, until `keep_going` says stop (Ctrl-C
    in the command line)."""
    seen = file_times(options)
    rebuild()
    while keep_going():
        time.sleep(POLL_SECONDS)
        now = file_times(options)
        if now == seen:
            continue
        while True:  # let the save finish
            time.sleep(SETTLE_SECONDS)
            settled = file_times(options)
            if settled == now:
                break
            now = settled
        seen = now
        rebuild()
