"""Render, verify and preview documents, in this process or in a pool of worker processes.

Each worker prepares WeasyPrint and the fonts once and then takes documents one by one;
results come back in the order the documents were given, whatever finishes first, so
reports and outputs do not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .compose import ComposedDocument
from .fonts import FontSet

if TYPE_CHECKING:  # imported for real only inside the workers: they load WeasyPrint
    from .render import RenderedDocument
    from .verify import Verification


@dataclass(frozen=True)
class MadeDocument:
    """One document rendered and verified, or the reason it could not be."""

    composed: ComposedDocument
    rendered: RenderedDocument | None  # None when rendering failed
    verification: Verification | None
    previews: tuple[bytes, ...]
    failure: str | None = None  # e.g. the render time limit was reached
    pdf: bytes = b""  # the file written: the render itself, or the sheets made from it


class Worker:
    """Renders documents of one project with fonts and WeasyPrint prepared once."""

    def __init__(self, fonts: FontSet, roots: tuple[Path, ...], time_limit: float | None,
                 preview_dpi: int | None):
        from .paper import MissingOcrData, PaperReader
        from .render import Renderer  # WeasyPrint: imported only where something renders

        self.renderer = Renderer(roots)
        self.reader: PaperReader | None = None
        self.setup_failure: str | None = None  # each document fails with it
        try:
            self.reader = PaperReader()  # Tesseract, loaded once per process
        except MissingOcrData as missing:
            self.setup_failure = str(missing)
        self.fonts = fonts
        self.time_limit = time_limit
        self.preview_dpi = preview_dpi

    def make(self, composed: ComposedDocument) -> MadeDocument:
        from .impose import ImpositionError
        from .prepress import finish
        from .preview import page_pngs
        from .timing import RenderTimeout
        from .verify import verify

        if self.reader is None:
            return MadeDocument(composed, None, None, (), self.setup_failure)
        try:
            rendered = self.renderer.render(composed, self.time_limit)
        except RenderTimeout as error:
            return MadeDocument(composed, None, None, (), str(error))
        pdf = rendered.pdf
        if composed.kind != "screen" and rendered.page_count == composed.pages:
            try:
                pdf = finish(rendered)
            except ImpositionError as error:
                return MadeDocument(composed, rendered, None, (), str(error))
        verification = verify(rendered, self.fonts, self.reader,
                              pdf if pdf is not rendered.pdf else None)
        previews = page_pngs(pdf, self.preview_dpi) \
            if self.preview_dpi and not verification.errors else []
        return MadeDocument(composed, rendered, verification, tuple(previews), pdf=pdf)


def make_all(documents: list[ComposedDocument], fonts: FontSet, roots: tuple[Path, ...],
             time_limit: float | None, preview_dpi: int | None, jobs: int,
             ) -> Iterator[MadeDocument]:
    """Every document made, in order. Call it with the build's fontconfig in place: the
    workers inherit it."""
    if jobs <= 1 or len(documents) <= 1:
        worker = Worker(fonts, roots, time_limit, preview_dpi)
        for document in documents:
            yield worker.make(document)
        return
    # fork: a worker starts in milliseconds and shares the modules the parent imported, so
    # WeasyPrint and the checkers are imported once here, not once in every worker.
    import weasyprint  # noqa: F401

    from . import preview, verify  # noqa: F401

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    executor = ProcessPoolExecutor(
        max_workers=min(jobs, len(documents)), mp_context=context, initializer=_start_worker,
        initargs=(fonts, roots, time_limit, preview_dpi, os.getpid()))
    # A leaflet's outputs in one language go to one worker together: its office sheets
    # are made from the render its screen PDF is.
    groups: dict[tuple[str, str], list[ComposedDocument]] = {}
    for document in documents:
        groups.setdefault((document.leaflet_id, document.language), []).append(document)
    try:
        for made in executor.map(_make_group_in_worker, groups.values()):
            yield from made
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


_worker: Worker | None = None  # in each worker process


def _start_worker(fonts: FontSet, roots: tuple[Path, ...], time_limit: float | None,
                  preview_dpi: int | None, parent: int) -> None:
    global _worker
    # Ctrl-C and `kill` are the parent's to handle: it stops the pool and cleans up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A parent killed with SIGKILL cannot stop its workers: they stop themselves.
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    _worker = Worker(fonts, roots, time_limit, preview_dpi)


def _make_group_in_worker(documents: list[ComposedDocument]) -> list[MadeDocument]:
    assert _worker is not None
    return [_worker.make(document) for document in documents]


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)
