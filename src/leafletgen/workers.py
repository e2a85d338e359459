"""Make documents (pipeline.py), in this process or in a pool of worker processes.

Each worker prepares its Pipeline once and then takes a leaflet's outputs in one language
at a time, as the build submits them; results come back in the order they were submitted,
whatever finishes first, so reports and outputs do not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from .compose import ComposedDocument
from .fonts import FontSet
from .pipeline import MadeDocument, Pipeline


class Workers:
    """Makes documents: in this process, or in a pool of worker processes started at once.

    A build starts them before it composes its documents: a fork copies the parent as it
    is, and composing loads each language's CLDR data and holds every document, which a
    worker does not need (with 44 languages that was 35 MB more in every worker). A build
    whose documents all turn out to be up to date has then imported WeasyPrint for nothing,
    about half a second."""

    def __init__(self, fonts: FontSet, roots: tuple[Path, ...], time_limit: float | None,
                 preview_dpi: int | None, jobs: int):
        self._setup = (fonts, roots, time_limit, preview_dpi)
        self._here: Pipeline | None = None
        self._pool: ProcessPoolExecutor | None = None
        # What was submitted: a group's documents, or the future of its made documents.
        self._queued: list[list[ComposedDocument] | Future[list[MadeDocument]]] = []
        if jobs <= 1:
            return
        # fork: a worker starts in milliseconds and shares the modules the parent imported,
        # so WeasyPrint and the checkers are imported once here, not once in every worker.
        from . import pipeline, preview, verify  # noqa: F401
        from .render import import_weasyprint

        import_weasyprint()
        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                         initializer=_start_worker,
                                         initargs=(*self._setup, os.getpid()))
        self._pool.submit(int).result()  # a fork context starts every worker at the first task

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exception: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, documents: list[ComposedDocument]) -> None:
        """Start making a leaflet's outputs in one language, in a worker at once: together,
        as its office sheets are made from the render its screen PDF is. Call it with the
        build's fontconfig in place, as the workers were started with it."""
        if not documents:
            return
        if self._pool is None:
            self._queued.append(documents)
        else:
            self._queued.append(self._pool.submit(_make_group_in_worker, documents))

    def made(self) -> Iterator[MadeDocument]:
        """Every document submitted, made, in the order submitted, whichever finished
        first."""
        for queued in self._queued:
            if isinstance(queued, list):  # made here, one by one
                if self._here is None:  # nothing to make: nothing to load
                    self._here = Pipeline(*self._setup)
                for document in queued:
                    yield self._here.make(document)
            else:
                yield from queued.result()
        self._queued = []


_worker: Pipeline | None = None  # in each worker process


def _start_worker(fonts: FontSet, roots: tuple[Path, ...], time_limit: float | None,
                  preview_dpi: int | None, parent: int) -> None:
    global _worker
    # Ctrl-C and `kill` are the parent's to handle: it stops the pool and cleans up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A parent killed with SIGKILL cannot stop its workers: they stop themselves.
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    _worker = Pipeline(fonts, roots, time_limit, preview_dpi)


def _make_group_in_worker(documents: list[ComposedDocument]) -> list[MadeDocument]:
    assert _worker is not None
    return [_worker.make(document) for document in documents]


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)
