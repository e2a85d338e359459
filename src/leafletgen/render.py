"""Stage 4, render: a composed HTML document -> PDF bytes, with everything WeasyPrint said.

WeasyPrint is imported here only, so commands that do not render never pay for it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mimetypes
import signal
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .compose import ComposedDocument
from .options import DEFAULT_TIME_LIMIT

MAX_RESOURCE_BYTES = 50_000_000  # a font or image a leaflet uses is far smaller


class RenderTimeout(Exception):
    """Rendering one document took longer than its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise RenderTimeout in this block after `seconds` of wall time. A timer signal
    interrupts WeasyPrint's Python code wherever it loops; it works in a process's main
    thread (each build worker is one), and elsewhere the limit is not enforced."""
    if not seconds or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise RenderTimeout(f"rendering took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class LogRecord:
    level: str  # "error" or "warning"
    message: str


@dataclass(frozen=True)
class RenderedDocument:
    composed: ComposedDocument
    pdf: bytes
    page_count: int
    log: tuple[LogRecord, ...]  # WeasyPrint's warnings and errors, and refused fetches
    seconds: float
    resources: tuple[Path, ...] = ()  # the files WeasyPrint loaded (images, stylesheets)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        level = "error" if record.levelno >= logging.ERROR else "warning"
        self.records.append(LogRecord(level, record.getMessage()))


class Renderer:
    """Renders documents of one project; fonts are prepared once, not once per document."""

    def __init__(self, allowed_roots: tuple[Path, ...]):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        self._allowed_roots = tuple(root.resolve() for root in allowed_roots)
        self._font_config = FontConfiguration()

    @staticmethod
    def subsetter() -> str:
        """Which font subsetter write_pdf will use: HarfBuzz's is about 10x faster."""
        from weasyprint.text.ffi import harfbuzz_subset

        return "harfbuzz" if harfbuzz_subset is not None else "fonttools"

    def render(self, composed: ComposedDocument,
               seconds: float | None = DEFAULT_TIME_LIMIT) -> RenderedDocument:
        """Render one document; RenderTimeout after `seconds`."""
        started = time.perf_counter()
        capture = _Capture()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(capture)
        fetcher = _ProjectFetcher(self._weasyprint, self._allowed_roots)
        try:
            with time_limit(seconds):
                html = self._weasyprint.HTML(string=composed.html, base_url=composed.base_url,
                                             url_fetcher=fetcher)
                document = html.render(font_config=self._font_config)
                # Same input, same file: the identifier comes from the content, not a clock.
                identifier = hashlib.sha256(composed.html.encode()).hexdigest()[:32].encode()
                pdf = document.write_pdf(pdf_identifier=identifier, pdf_tags=True)
        finally:
            logger.removeHandler(capture)
        log = [LogRecord("error", f"refused to fetch {url}: {why}") for url, why in fetcher.refused]
        return RenderedDocument(composed, pdf, len(document.pages), (*log, *capture.records),
                                time.perf_counter() - started, tuple(fetcher.served))


def _ProjectFetcher(weasyprint, allowed_roots: tuple[Path, ...]):
    """A URL fetcher that serves only regular files inside the allowed folders, and data: URIs
    that leafletgen itself writes (QR codes); it refuses the network and everything else."""

    class ProjectFetcher(weasyprint.urls.URLFetcher):
        def __init__(self) -> None:
            super().__init__(timeout=1, allowed_protocols=("file", "data"))
            self.refused: list[tuple[str, str]] = []
            self.served: list[Path] = []

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                return self._refuse(url, "only files inside the project may be used")
            path = Path(unquote(urlsplit(url).path))
            try:
                real = path.resolve(strict=True)
                info = real.stat()
            except OSError:
                return self._refuse(url, "no such file")
            if not any(real.is_relative_to(root) for root in allowed_roots):
                return self._refuse(url, "outside the project's and leafletgen's folders")
            if not stat.S_ISREG(info.st_mode):
                return self._refuse(url, "not a regular file")
            if info.st_size > MAX_RESOURCE_BYTES:
                return self._refuse(url, f"larger than {MAX_RESOURCE_BYTES // 1_000_000} MB")
            content_type = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
            self.served.append(real)
            return weasyprint.urls.URLFetcherResponse(
                url, real.read_bytes(), {"Content-Type": content_type})

        def _refuse(self, url: str, why: str):
            self.refused.append((url, why))
            raise ValueError(why)

    return ProjectFetcher()
