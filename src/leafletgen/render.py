"""Stage 4, render: a composed HTML document -> PDF bytes, with everything WeasyPrint said.

WeasyPrint is imported here only, so commands that do not render never pay for it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import mimetypes
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .clearance import lines_clear_by_ink
from .compose import ComposedDocument
from .files import RefusedFile, read_limited
from .fit import roomy
from .options import DEFAULT_TIME_LIMIT, Severity
from .outlines import draw_outlined, new_document, outlined_fonts_boxed
from .resources import print_profile
from .tagging import declare_languages, furniture_as_artifacts
from .text_layer import copy_as_read, mirrored_glyphs_as_drawn
from .timing import time_limit

MAX_RESOURCE_BYTES = 50_000_000  # a font or image a leaflet uses is far smaller


@dataclass(frozen=True)
class LogRecord:
    level: Severity
    message: str


@dataclass(frozen=True)
class RenderedDocument:
    composed: ComposedDocument
    pdf: bytes
    page_count: int
    log: tuple[LogRecord, ...]  # WeasyPrint's warnings and errors, and refused fetches
    seconds: float
    resources: tuple[Path, ...] = ()  # the files WeasyPrint loaded (images, stylesheets)
    body_pt: float | None = None  # the body size it was set in (copyfit may shrink it)
    overflow_mm: float = 0.0  # how much text ran onto pages beyond the format's
    page_fills: tuple[float, ...] = ()  # how far down each page's area its text reaches
    slug_pdf: bytes = b""  # a print-shop draft's slug line (compose.ComposedDocument.slug_html)

    @property
    def overflows(self) -> bool:
        return self.page_count > self.composed.pages

    @property
    def has_its_pages(self) -> bool:
        """Whether it has as many pages as its format: only then is it imposed and read."""
        return self.page_count == self.composed.pages


# What each output is rendered as: the screen PDF (and the office sheets made from it) is
# tagged PDF/UA; the print shop's is PDF/X-4, with bleed and a CMYK output intent.
PDF_VARIANTS = {"screen": "pdf/ua-1", "office": "pdf/ua-1", "office-grey": "pdf/ua-1",
                "print": "pdf/x-4"}


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        level: Severity = "error" if record.levelno >= logging.ERROR else "warning"
        self.records.append(LogRecord(level, record.getMessage()))


def import_weasyprint() -> Any:
    """WeasyPrint, imported. It opens Pango, HarfBuzz and fontconfig by trying names that
    cffi looks up with ctypes.util.find_library first, which on Linux runs ldconfig, gcc
    and ld for each: about 210 programs and 0.15 s at every start. On Linux the names it
    tries next (libpango-1.0.so.0 ...) are opened directly, so the lookup is skipped."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import ctypes.util

    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = find_library
    return weasyprint


class Renderer:
    """Renders documents of one project; fonts are prepared once, not once per document."""

    def __init__(self, allowed_roots: tuple[Path, ...]):
        weasyprint = import_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        from weasyprint import draw, layout
        from weasyprint.layout import inline
        from weasyprint.pdf import tags

        declare_languages(tags)  # PDF/UA: a language change is declared where it happens
        copy_as_read(draw)  # text in Devanagari, Tamil ... copies as written
        draw_outlined(draw.text)  # and Nastaliq
        lines_clear_by_ink(inline)  # whose lines stand apart by their ink
        stop_past_pages(layout)  # and a copyfit try stops once it runs past its pages
        self._allowed_roots = tuple(root.resolve() for root in allowed_roots)
        self._font_config = FontConfiguration()
        # The last few renders: a leaflet's office sheets are made from the very PDF its
        # screen output is, so it is rendered once.
        self._recent: dict[tuple[str, str], RenderedDocument] = {}
        # Where each leaflet's last output in a language was kept (see _as_chosen).
        self._chosen: dict[tuple[str, str], _Choice] = {}

    @staticmethod
    def subsetter() -> str:
        """Which font subsetter write_pdf will use: HarfBuzz's is about 10x faster."""
        from weasyprint.text.ffi import harfbuzz_subset

        return "harfbuzz" if harfbuzz_subset is not None else "fonttools"

    def render(self, composed: ComposedDocument,
               seconds: float | None = DEFAULT_TIME_LIMIT) -> RenderedDocument:
        """Render one document, in smaller type step by step while it has more pages than
        its format and copyfit allows another step; or, when it fits with room to spare
        (fit.roomy), in the largest type copyfit allows, or halfway there, or one step
        up, whichever is the largest that fits. A leaflet's next output in a language
        is first laid out at the size its last one was kept at, and kept there if its
        pages come out the same (see _as_chosen).
        Each step is laid out, and only the one kept is written as a PDF.
        RenderTimeout after `seconds` (each)."""
        started = time.perf_counter()
        key = (composed.leaflet_id, composed.language)
        before = self._chosen.get(key)
        tried = self._as_chosen(composed, before, seconds)
        kept = tried if tried is not None and _Choice.of(tried) == before else \
            self._searched(composed, seconds, tried)
        if kept.stopped:  # nothing fits: the error says by how much, from the whole
            kept = self._laid_out(composed, kept.html, kept.body_pt, seconds, whole=True)
        self._chosen[key] = _Choice.of(kept)
        rendered = self._written(kept, seconds)
        if composed.slug_html:  # once, for the render that was kept
            rendered = self._with_slug(rendered, seconds)
        return dataclasses.replace(rendered, seconds=time.perf_counter() - started)

    def _searched(self, composed: ComposedDocument, seconds: float | None,
                  tried: _LaidOut | None) -> _LaidOut:
        """The copyfit step kept, found by laying out one step after another (`tried` is
        one laid out already)."""
        def laid_out(html: str, body_pt: float | None) -> _LaidOut:
            if tried is not None and tried.html == html:
                return tried
            return self._laid_out(composed, html, body_pt, seconds)

        kept = laid_out(composed.html, composed.designed_pt)
        if kept.overflows:
            for step in composed.fit_steps:
                kept = laid_out(step.html(composed.html), step.body_pt)
                if not kept.overflows:
                    break
        elif composed.grow_steps and (kept.page_count < composed.pages
                                      or roomy(kept.page_fills)):
            # The largest size first, then halfway, then one step: three layouts at most.
            grow = composed.grow_steps
            for step in dict.fromkeys((grow[-1], grow[(len(grow) - 1) // 2], grow[0])):
                larger = laid_out(step.html(composed.html), step.body_pt)
                if not larger.overflows:
                    kept = larger
                    break
        return kept

    def _as_chosen(self, composed: ComposedDocument, before: _Choice | None,
                   seconds: float | None) -> _LaidOut | None:
        """This document laid out at the size `before` (the leaflet's last output in this
        language) was kept at. Where its pages come out the same, their text areas are
        alike, and the search would end at that size again (the print shop's page adds
        bleed outside it; an office page gives up its margins down to a limit, not its
        area). A leaflet's outputs in a language are rendered together, in one process:
        a search costs up to four layouts, this one. None where nothing was kept, or there
        is nothing to search."""
        if before is None or not (composed.fit_steps or composed.grow_steps):
            return None
        steps = {step.body_pt: step for step in (*composed.fit_steps, *composed.grow_steps)}
        if before.body_pt == composed.designed_pt:
            html = composed.html
        elif before.body_pt in steps:
            html = steps[before.body_pt].html(composed.html)
        else:
            return None
        return self._laid_out(composed, html, before.body_pt, seconds)

    def _with_slug(self, rendered: RenderedDocument, seconds: float | None) -> RenderedDocument:
        """A print-shop draft's slug line as a PDF of its own, rendered through the sandbox
        like the document (a project may override its template)."""
        composed = rendered.composed
        fetcher = _ProjectFetcher(self._weasyprint, self._allowed_roots)
        with time_limit(seconds):
            slug_pdf = self._weasyprint.HTML(
                string=composed.slug_html, base_url=composed.base_url, url_fetcher=fetcher,
            ).write_pdf(font_config=self._font_config)
        log = [LogRecord("error", f"refused to fetch {url}: {why}") for url, why in fetcher.refused]
        return dataclasses.replace(rendered, slug_pdf=slug_pdf, log=(*rendered.log, *log),
                                   resources=(*rendered.resources, *fetcher.served))

    def forget(self) -> None:
        """Drop the renders kept for reuse (a benchmark measures rendering itself)."""
        self._recent.clear()
        self._chosen.clear()

    def _laid_out(self, composed: ComposedDocument, html: str, body_pt: float | None,
                  seconds: float | None, whole: bool = False) -> _LaidOut:
        """One copyfit step, laid out: its pages, not yet its PDF. Unless `whole`, the
        layout stops where it is known to run past the document's pages (`stopped`)."""
        variant = PDF_VARIANTS[composed.kind]
        key = (variant, html)
        if key in self._recent:
            return _LaidOut(composed, html, body_pt, None, self._recent[key].page_count,
                            self._recent[key].overflow_mm, self._recent[key].page_fills)
        capture = _Capture()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(capture)
        fetcher = _ProjectFetcher(self._weasyprint, self._allowed_roots)
        # A stylesheet's @color-profile lands in the dict it is given, which the render
        # must then be given too.
        color_profiles: dict[str, Any] = {}
        stylesheets = [self._weasyprint.CSS(
            string=_print_css(composed.bleed_mm), url_fetcher=fetcher,
            color_profiles=color_profiles)] if variant == "pdf/x-4" else []
        started = time.perf_counter()
        _page_limit.pages = None if whole else composed.pages
        try:
            with time_limit(seconds):
                document = self._weasyprint.HTML(
                    string=html, base_url=composed.base_url, url_fetcher=fetcher,
                ).render(font_config=self._font_config, stylesheets=stylesheets,
                         color_profiles=color_profiles, pdf_variant=variant)
        except _PastItsPages as past:
            return _LaidOut(composed, html, body_pt, None, past.page_count, float("nan"), (),
                            stopped=True)
        finally:
            _page_limit.pages = None
            logger.removeHandler(capture)
        return _LaidOut(composed, html, body_pt, document, len(document.pages),
                        overflow_mm(document, composed.pages), page_fills(document),
                        fetcher, capture, time.perf_counter() - started)

    def _written(self, laid_out: _LaidOut, seconds: float | None) -> RenderedDocument:
        """The PDF of a laid-out step, within what is left of its time limit."""
        composed, html = laid_out.composed, laid_out.html
        variant = PDF_VARIANTS[composed.kind]
        key = (variant, html)
        if laid_out.document is None:  # rendered a moment ago
            return dataclasses.replace(self._recent[key], composed=composed)
        capture, fetcher = laid_out.capture, laid_out.fetcher
        assert capture is not None and fetcher is not None
        logger = logging.getLogger("weasyprint")
        logger.addHandler(capture)
        new_document()
        try:
            with time_limit(None if seconds is None
                            else max(0.001, seconds - laid_out.seconds)):
                # Same input, same file: the identifier comes from the content, not a clock.
                identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
                pdf = laid_out.document.write_pdf(pdf_identifier=identifier, pdf_tags=True,
                                                  pdf_variant=variant)
                pdf = mirrored_glyphs_as_drawn(outlined_fonts_boxed(pdf))
                if variant == "pdf/ua-1":
                    pdf = furniture_as_artifacts(pdf)
        finally:
            logger.removeHandler(capture)
        log = [LogRecord("error", f"refused to fetch {url}: {why}") for url, why in fetcher.refused]
        rendered = RenderedDocument(
            composed, pdf, laid_out.page_count, (*log, *capture.records), 0.0,
            tuple(fetcher.served), laid_out.body_pt, laid_out.overflow_mm,
            laid_out.page_fills)
        self._recent = {k: v for k, v in list(self._recent.items())[-3:]}
        self._recent[key] = rendered
        return rendered


@dataclass
class _LaidOut:
    """A copyfit step laid out by WeasyPrint, with what its layout logged and fetched;
    `document` is None where the same HTML was rendered a moment ago, and where the
    layout `stopped` once it ran past the document's pages: then it has at least
    `page_count` pages, and no overflow or fills measured."""

    composed: ComposedDocument
    html: str
    body_pt: float | None
    document: Any  # weasyprint.Document
    page_count: int
    overflow_mm: float
    page_fills: tuple[float, ...]
    fetcher: Any = None
    capture: _Capture | None = None
    seconds: float = 0.0
    stopped: bool = False

    @property
    def overflows(self) -> bool:
        return self.page_count > self.composed.pages


@dataclass(frozen=True)
class _Choice:
    """Where a copyfit search ended: the body size kept, and the pages it gave."""

    body_pt: float | None
    page_count: int
    page_fills: tuple[float, ...]

    @classmethod
    def of(cls, laid_out: _LaidOut) -> _Choice:
        return cls(laid_out.body_pt, laid_out.page_count, laid_out.page_fills)


def _print_css(bleed_mm: float) -> str:
    """What makes a render the print shop's: bleed on every page, and CMYK output intent
    (WeasyPrint writes a PDF/X-4 output intent only for a CMYK `@color-profile`)."""
    return (f"@page {{ bleed: {bleed_mm:g}mm }}\n"
            f"@color-profile device-cmyk {{ src: url({print_profile().as_uri()}); "
            "components: c, m, y, k }\n")


class _PastItsPages(Exception):
    """A copyfit try stopped where it ran past the pages its document may have."""

    def __init__(self, page_count: int):
        super().__init__(page_count)
        self.page_count = page_count


class _PageLimit(threading.local):
    """The pages the document being laid out in this thread may have; None to lay it out
    whole."""

    pages: int | None = None


_page_limit = _PageLimit()


def stop_past_pages(layout: Any) -> None:
    """Make WeasyPrint's layout stop (`_PastItsPages`) once the document it lays out has
    made the last page `_page_limit` allows and has text for another: a copyfit try that
    does not fit is refused whatever else it holds, and the pages past the last allowed
    one and what a layout costs after its pages (margin boxes, the draft mark on each
    page) are not worth making. It does not stop where one of those pages refers to a
    counter (`counter(pages)`, `target-counter()`): WeasyPrint lays such a page out again
    once it knows the number, and the page may then hold less."""
    make_all_pages = layout.make_all_pages
    if getattr(make_all_pages, "stops_past_pages", False):
        return

    def make_all_pages_within(context: Any, root_box: Any, html: Any,
                              pages: list[Any]) -> Any:
        limit = _page_limit.pages
        for made, page in enumerate(make_all_pages(context, root_box, html, pages), 1):
            yield page
            # The last page allowed is made, and there is text for a page after it.
            if (limit is not None and made == limit and context.page_maker[made][0] is not None
                    and not _refers_to_counters(context, made)):
                raise _PastItsPages(made + 1)

    make_all_pages_within.stops_past_pages = True  # type: ignore[attr-defined]
    layout.make_all_pages = make_all_pages_within


def _refers_to_counters(context: Any, made: int) -> bool:
    """Whether any of the first `made` pages has text that WeasyPrint fills in from a
    counter it learns later (it keeps a lookup for it on that page). Other pages are laid
    out again, if at all, from where they began, and come out the same."""
    return any(entry[-1]["content_lookups"] for entry in context.page_maker[:made])


MM_PER_PX = 25.4 / 96


def _text_depth(page: Any) -> float:
    """How far down a page's area its text reaches, in CSS px: the bottom of its last line
    or picture. Page furniture (margin boxes) and fixed elements (the draft mark, the edge
    band) are on every page and do not count."""
    from weasyprint.formatting_structure import boxes

    def last_bottom(box: Any, bottom: float) -> float:
        for child in getattr(box, "children", ()):
            if isinstance(child, boxes.MarginBox) or child.style["position"] == "fixed":
                continue
            if isinstance(child, (boxes.LineBox, boxes.ReplacedBox)):
                bottom = max(bottom, child.position_y + child.height)
            else:
                bottom = last_bottom(child, bottom)
        return bottom

    top = page._page_box.content_box_y()
    return float(last_bottom(page._page_box, top) - top)


def overflow_mm(document: Any, allowed: int) -> float:
    """How much text, in mm of page height, ran onto the pages beyond the first `allowed`:
    the depth down to the last line of each such page."""
    return sum(_text_depth(page) for page in document.pages[allowed:]) * MM_PER_PX


def page_fills(document: Any) -> tuple[float, ...]:
    """Each page's fill: how far down its area the text reaches, from 0 to 1."""
    return tuple(round(min(1.0, _text_depth(page) / page._page_box.height), 3)
                 for page in document.pages)


# Why a file a document asks for is refused, as the build reports it.
_FETCH_REFUSALS = {"missing": "no such file",
                   "outside": "outside the project's and leafletgen's folders",
                   "special": "not a regular file",
                   "large": f"larger than {MAX_RESOURCE_BYTES // 1_000_000} MB"}


def _ProjectFetcher(weasyprint: Any, allowed_roots: tuple[Path, ...]) -> Any:
    """A URL fetcher that serves only regular files inside the allowed folders, and data: URIs
    that leafletgen itself writes (QR codes); it refuses the network and everything else."""

    class ProjectFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(timeout=1, allowed_protocols=("file", "data"))
            self.refused: list[tuple[str, str]] = []
            self.served: list[Path] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                return self._refuse(url, "only files inside the project may be used")
            path = Path(unquote(urlsplit(url).path))
            try:  # decided on the open file, as every file a project gives is
                data = read_limited(path, MAX_RESOURCE_BYTES, allowed_roots)
            except RefusedFile as refused:
                return self._refuse(url, _FETCH_REFUSALS.get(refused.kind, refused.reason))
            real = path.resolve()
            content_type = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
            self.served.append(real)
            return weasyprint.urls.URLFetcherResponse(url, data, {"Content-Type": content_type})

        def _refuse(self, url: str, why: str) -> Any:
            self.refused.append((url, why))
            raise ValueError(why)

    return ProjectFetcher()
