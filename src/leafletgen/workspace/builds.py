"""The workspace's builds: after every save the documents it touches are built again in
the background, one at a time, by the command line itself (`leafletgen preview`, in a
process of its own, so with the same sandbox and time limits as a build in a terminal).
Each document's progress is kept for its page to show."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

BuildState = Literal["idle", "queued", "building", "ready", "failed"]
_PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] (\S+?): ")


@dataclass(frozen=True)
class Job:
    leaflet: str
    language: str | None  # None: every language (the leaflet's press kit)
    press_kit: bool = False


@dataclass(frozen=True)
class Progress:
    state: BuildState = "idle"
    done: int = 0  # documents rendered, of
    total: int = 0
    current: str = ""  # the last one
    messages: tuple[str, ...] = ()  # what the last build said: errors, warnings, drafts
    builds: int = 0  # how many builds of it have ended: a page reloads when it grows


class Builds:
    """A queue of jobs and the one thread that runs them."""

    def __init__(self, project_dir: Path, output_dir: Path):
        self.project_dir = project_dir
        self.output_dir = output_dir
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._progress: dict[Job, Progress] = {}
        self._lock = threading.Lock()
        self._running: subprocess.Popen[str] | None = None
        self._thread = threading.Thread(target=self._work, name="workspace builds",
                                        daemon=True)
        self._thread.start()

    def request(self, job: Job) -> None:
        """Build it soon; a job already waiting is not queued twice."""
        with self._lock:
            known = self._progress.get(job, Progress())
            if known.state == "queued":
                return
            self._progress[job] = replace(known, state="queued", done=0, total=0)
        self._queue.put(job)

    def progress(self, job: Job) -> Progress:
        with self._lock:
            return self._progress.get(job, Progress())

    def close(self) -> None:
        self._queue.put(None)
        running = self._running
        if running is not None:
            running.terminate()  # the build cleans up after itself on SIGTERM
        self._thread.join(timeout=30)

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            self._run(job)

    def _set(self, job: Job, **changes: Any) -> None:
        with self._lock:
            self._progress[job] = replace(self._progress.get(job, Progress()), **changes)

    def _run(self, job: Job) -> None:
        self._set(job, state="building")
        command = "bundle" if job.press_kit else "preview"
        argv = [sys.executable, "-m", "leafletgen", command, "-p", str(self.project_dir),
                "-o", str(self.output_dir), "--leaflet", job.leaflet, "-v"]
        if job.language:
            argv += ["--lang", job.language]
        said = []
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                                   errors="replace")
        self._running = process
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip("\n")
            if match := _PROGRESS.match(line):
                self._set(job, done=int(match[1]), total=int(match[2]), current=match[3])
            if line.startswith(("error", "warning", "draft", "  ")) or ": error" in line:
                said.append(line.strip())
        code = process.wait()
        self._running = None
        with self._lock:
            known = self._progress[job]
            ended: BuildState = "ready" if code == 0 else "failed"
            # Asked for again while it ran: it stays queued, and runs again.
            self._progress[job] = replace(known, state="queued" if known.state == "queued"
                                          else ended,
                                          messages=tuple(said), builds=known.builds + 1)
