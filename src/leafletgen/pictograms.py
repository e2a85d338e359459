"""Pictograms: line icons an entry, a step or a panel names, drawn in the brand's colour.

The icons are a few of Tabler's (MIT), vendored in the built-in `icons/` folder, so a
build fetches nothing. Each goes into the page as an image with words for what it shows
in the document's language (`icons:` in the language file), so a tagged PDF carries it as
a figure with alternative text. Shapes that point along the line of reading (a speech
bubble's tail, a vehicle) are mirrored on right-to-left pages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .pictures import data_uri
from .resources import builtin_dir

ICON_FOLDER = "icons"
MIRRORED_IN_RTL = frozenset({"message-circle", "ambulance"})


@functools.cache
def icon_names() -> frozenset[str]:
    """The icons leafletgen has, by name (the file name without `.svg`)."""
    return frozenset(path.stem for path in builtin_dir(ICON_FOLDER).glob("*.svg"))


@functools.cache
def _svg(name: str) -> str:
    return (builtin_dir(ICON_FOLDER) / f"{name}.svg").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Pictogram:
    name: str
    alt: str
    data_uri: str
    mirrored: bool


def pictogram(name: str, alt: str, colour: str, rtl: bool) -> Pictogram:
    """Icon `name`, its strokes in `colour` (#rrggbb, from the palette), as a data URI."""
    svg = _svg(name).replace('stroke="currentColor"', f'stroke="{colour}"')
    return Pictogram(name, alt, data_uri(svg.encode(), "image/svg+xml"),
                     rtl and name in MIRRORED_IN_RTL)
