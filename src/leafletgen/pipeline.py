"""The stages one composed document goes through, in order: render -> prepress -> verify
(-> preview). `build.py` runs the whole build (load, validate, compose, then this for each
document, in worker processes, then write); this is where a document's stages meet.

Verification comes after prepress because what gets printed is checked: the sheets, the
CMYK or grey file, with their QR codes decoded from their own pixels. The text and the
hotline are read from the render, where each page stands on its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .compose import ComposedDocument
from .fonts import FontSet

if TYPE_CHECKING:  # imported for real only where something renders: they load WeasyPrint
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


class Pipeline:
    """Makes documents of one project, with WeasyPrint, the fonts and Tesseract prepared
    once (in each worker process)."""

    def __init__(self, fonts: FontSet, roots: tuple[Path, ...], time_limit: float | None,
                 preview_dpi: int | None):
        from .paper import MissingOcrData, PaperReader
        from .render import Renderer
        from .verify import RenderReadings

        self.renderer = Renderer(roots)
        self.reader: PaperReader | None = None
        self.setup_failure: str | None = None  # each document fails with it
        try:
            self.reader = PaperReader()
        except MissingOcrData as missing:
            self.setup_failure = str(missing)
        self.fonts = fonts
        self.time_limit = time_limit
        self._readings = RenderReadings()  # of the last renders verified
        self.preview_dpi = preview_dpi

    def forget(self) -> None:
        """Drop the renders and readings kept for reuse (a benchmark measures making)."""
        self.renderer.forget()
        self._readings.forget()

    def make(self, composed: ComposedDocument) -> MadeDocument:
        from .impose import ImpositionError
        from .prepress import finish
        from .preview import page_pngs
        from .timing import RenderTimeout
        from .verify import verify

        if self.reader is None:
            return MadeDocument(composed, None, None, (), self.setup_failure)
        # render: the PDF, in smaller type step by step if the leaflet copyfits
        try:
            rendered = self.renderer.render(composed, self.time_limit)
        except RenderTimeout as error:
            return MadeDocument(composed, None, None, (), str(error))
        # prepress: the file for the print shop or the office printer (a screen PDF is
        # printed as it is); a document that overflows is not imposed, only reported
        printed = rendered.pdf
        if composed.kind != "screen" and rendered.has_its_pages:
            try:
                printed = finish(rendered)
            except ImpositionError as error:
                return MadeDocument(composed, rendered, None, (), str(error))
        # verify: the render's text and hotline, the printed file's codes and preflight;
        # a render is read once for the office sheets in colour and in grey made from it
        verification = verify(rendered, self.fonts, self.reader,
                              printed if printed is not rendered.pdf else None, self._readings)
        # preview: PNGs of what is printed, for a file that passed
        previews = page_pngs(printed, self.preview_dpi) \
            if self.preview_dpi and not verification.errors else []
        return MadeDocument(composed, rendered, verification, tuple(previews), pdf=printed)
