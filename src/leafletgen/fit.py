"""Copyfit: type a little smaller, and spacing a little tighter, until the text fits.

A template says what it was designed at and how far it may shrink, with
`{% set type = copyfit(body_pt=9, min_body_pt=8) %}`, and writes its sizes through `type`:
`font-size: {{ type.pt(11) }}`, `margin: {{ type.mm(3) }} 0`. Compose renders the
template once per step, from the designed size down to the minimum; after rendering,
the worker takes the first step whose pages fit the format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STEP_PT = 0.25  # one step of the body size: small enough that a reader does not notice
MAX_STEPS = 16


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
        """A space between blocks: it shrinks faster than the type, so space goes first."""
        return f"{length * self.scale ** 2:.2f}mm"

    def leading(self, designed: float) -> str:
        """Line height, tightened by up to a tenth with the steps, never below 1.1."""
        return f"{max(1.1, designed - (1 - self.scale) * 1.2):.3f}"


@dataclass(frozen=True)
class FitStep:
    """One copyfit step of a document: its body size and the HTML typeset at it."""

    body_pt: float
    html: str


class Copyfit:
    """The `copyfit(...)` function a template calls, at one step; it remembers the
    template's limits, so compose knows how many steps there are."""

    def __init__(self, step: int = 0):
        self.step = step
        self.limits: tuple[float, float] | None = None
        self.given: TypeScale | None = None  # what the template was given

    def __call__(self, body_pt: float, min_body_pt: float) -> TypeScale:
        designed, minimum = float(body_pt), float(min(min_body_pt, body_pt))
        self.limits = (designed, minimum)
        self.given = TypeScale(designed, max(minimum, designed - self.step * STEP_PT))
        return self.given

    @property
    def steps(self) -> int:
        """How many steps below the designed size the template allows."""
        if self.limits is None:
            return 0
        designed, minimum = self.limits
        return min(MAX_STEPS, math.ceil((designed - minimum) / STEP_PT - 1e-9))


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
