"""Copyfit, both ways: type a little smaller, and spacing a little tighter, until the text
fits; or larger, and looser, until it fills its pages.

A template says what it was designed at and how far it may shrink and grow, with
`{% set type = copyfit(body_pt=12, min_body_pt=11, max_body_pt=14) %}`, and writes its
sizes through `type`: `font-size: {{ type.pt(11) }}`, `margin: {{ type.mm(3) }} 0`.
Compose renders the template once per step, down to the minimum and up to the maximum;
the renderer takes the first smaller step that fits when the designed size does not,
and when it fits with room to spare, the largest step up that still fits.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

STEP_PT = 0.25  # one step of the body size: small enough that a reader does not notice
MAX_STEPS = 16
# A document with a page filled less than this is set larger if its template allows
# (fill: the depth of the text down a page's area).
ROOMY_FILL = 0.85


@dataclass(frozen=True)
class TypeScale:
    """Sizes at one copyfit step, as CSS lengths."""

    designed_pt: float
    body_pt: float

    @property
    def scale(self) -> float:
        return self.body_pt / self.designed_pt

    def pt(self, size: float) -> str:
        """A type size, shrunk with the body."""
        return f"{size * self.scale:.2f}pt"

    def mm(self, length: float) -> str:
        """A space between blocks: it shrinks and grows faster than the type, so space
        goes first and comes first."""
        return f"{length * self.scale ** 2:.2f}mm"

    def leading(self, designed: float) -> str:
        """Line height, tightened by up to a tenth with the steps down, never below 1.1;
        as designed on the steps up."""
        return f"{max(1.1, designed - max(0.0, 1 - self.scale) * 1.2):.3f}"


@dataclass(frozen=True)
class FitStep:
    """One copyfit step of a document: its body size and the HTML typeset at it, kept as
    what differs from the document's own HTML: zlib, each 16 KiB with the same stretch of
    the document's HTML as its dictionary (about 1 KiB where the text is 20-50 KB). A
    build holds every document with its dozen steps at once, and each worker process it
    forks starts with a copy of them."""

    body_pt: float
    packed: tuple[bytes, ...]

    @classmethod
    def of(cls, body_pt: float, html: str, document_html: str) -> FitStep:
        data, document = html.encode(), document_html.encode()
        parts = []
        for start in range(0, len(data), _CHUNK):
            packer = zlib.compressobj(6, zdict=_beside(document, start))
            parts.append(packer.compress(data[start:start + _CHUNK]) + packer.flush())
        return cls(body_pt, tuple(parts))

    def html(self, document_html: str) -> str:
        document = document_html.encode()
        data = []
        for index, part in enumerate(self.packed):
            unpacker = zlib.decompressobj(zdict=_beside(document, index * _CHUNK))
            data.append(unpacker.decompress(part) + unpacker.flush())
        return b"".join(data).decode()


_CHUNK = 16384


def _beside(document: bytes, start: int) -> bytes:
    """The stretch of the document's HTML a step's bytes from `start` on are most like:
    zlib reaches back 32 KiB, so from half a chunk before to a chunk and a half after."""
    return document[max(0, start - _CHUNK // 2):start + _CHUNK * 3 // 2]


class Copyfit:
    """The `copyfit(...)` function a template calls, at one step (positive: smaller,
    negative: larger); it remembers the template's limits, so compose knows how many steps
    there are each way."""

    def __init__(self, step: int = 0):
        self.step = step
        self.limits: tuple[float, float] | None = None
        self.largest: float | None = None
        self.given: TypeScale | None = None  # what the template was given

    def __call__(self, body_pt: float, min_body_pt: float,
                 max_body_pt: float | None = None) -> TypeScale:
        designed, minimum = float(body_pt), float(min(min_body_pt, body_pt))
        largest = float(max(max_body_pt or designed, designed))
        self.limits, self.largest = (designed, minimum), largest
        size = designed - self.step * STEP_PT
        self.given = TypeScale(designed, min(largest, max(minimum, size)))
        return self.given

    @property
    def steps(self) -> int:
        """How many steps below the designed size the template allows."""
        if self.limits is None:
            return 0
        designed, minimum = self.limits
        return min(MAX_STEPS, math.ceil((designed - minimum) / STEP_PT - 1e-9))

    @property
    def steps_up(self) -> int:
        """How many steps above the designed size the template allows."""
        if self.limits is None or self.largest is None:
            return 0
        return min(MAX_STEPS, math.ceil((self.largest - self.limits[0]) / STEP_PT - 1e-9))


def roomy(page_fills: tuple[float, ...]) -> bool:
    """Whether a document that fits has room to be set larger (see ROOMY_FILL)."""
    return bool(page_fills) and min(page_fills) < ROOMY_FILL


def overflow_message(leaflet: str, language: str, pages: int, allowed: int,
                     overflow_mm: float, smallest_pt: float | None,
                     copyfit: bool) -> str:
    """Why a leaflet does not fit, and by how much."""
    over = pages - allowed
    message = (f"{leaflet} ({language}) does not fit: {pages} pages where its format has "
               f"{allowed}; {overflow_mm:.0f} mm of text run onto "
               f"{'page' if over == 1 else 'pages'} "
               f"{', '.join(str(page) for page in range(allowed + 1, pages + 1))}")
    if copyfit and smallest_pt is not None:
        message += (f", even at {smallest_pt:g} pt, the smallest body size its template "
                    "allows: shorten the text")
    elif copyfit:
        message += ": its template sets no copyfit limits (copyfit(body_pt=..., "
        message += "min_body_pt=...)); shorten the text"
    else:
        message += ": shorten the text, or set `copyfit: true` on the leaflet"
    return message
