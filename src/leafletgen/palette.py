"""The brand's colours as each output prints them.

Templates paint in the palette's screen colours only, so the screen PDF and the office
sheets come from one render. Prepress then gives each palette colour the value the brand
declares for the print shop (CMYK) and for the grey office sheets, instead of a formula's
guess; colours outside the palette are converted by formula (colour.py).
"""

from __future__ import annotations

from .content import Colour, Palette

RGB = tuple[int, int, int]


def rgb(colour: Colour) -> RGB:
    """`#1773e6` -> (23, 115, 230)."""
    value = colour.screen.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def css_colours(palette: Palette) -> dict[str, str]:
    """Each role's CSS colour (`#1773e6`), for templates."""
    return {role: getattr(palette, role).screen.lower() for role in Palette.model_fields}


def swatches(palette: Palette, target: str) -> dict[RGB, list[float]]:
    """What each palette colour becomes in `target` ("cmyk" or "gray"), by its screen RGB:
    CMYK as fractions, grey as a level (0 black, 1 white), as PDF operators take them."""
    found: dict[RGB, list[float]] = {}
    for role in Palette.model_fields:
        colour: Colour = getattr(palette, role)
        found.setdefault(rgb(colour), [v / 100 for v in colour.print] if target == "cmyk"
                         else [1 - colour.grey / 100])
    return found
