"""The typed model of one content project, built once by `validate` and passed explicitly.

Its parts extend the content model's (content.py) with what is worked out from several
files: an id from the key a part is filed under, the line it stands on, a leaflet's
page format and languages."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlsplit

from pydantic import ConfigDict

from .content import (
    LABELS,
    Brand,
    Chart,
    EntrySpec,
    EntryTextSpec,
    LeafletOptions,
    LeafletText,
    Organisation,
    QrSettings,
    Section,
    SourceSpec,
    StatisticSpec,
    StatisticUnit,
)
from .options import Direction
from .values import PhoneNumber

__all__ = ["LABELS", "Chart", "LeafletText", "Organisation", "PhoneNumber", "Section"]


Fold = Literal["flat", "booklet", "roll"]


@dataclass(frozen=True)
class PageFormat:
    """A page as it is read, how many of them the format has, and how they are folded.

    `fold` is "flat" (separate sheets, printed on both sides), "booklet" (sheets folded in
    half and nested: pages come in fours) or "roll" (a tri-fold: six panels on one sheet,
    the panel folded in first `narrow_mm` narrower so that it tucks in without buckling).
    """

    name: str
    width_mm: float
    height_mm: float
    pages: int = 2
    fold: Fold = "flat"
    narrow_mm: float = 0.0

    def page_width_mm(self, page: int) -> float:
        """The width of page `page` (1-based): a roll fold's tucked-in panel is narrower;
        it is page 2 (seen first on opening the cover) and page 5 (its other side)."""
        return self.width_mm - self.narrow_mm if self.fold == "roll" and page in (2, 5) \
            else self.width_mm

    @property
    def side_width_mm(self) -> float:
        """How wide one printed side is trimmed: a roll fold's three panels side by side,
        else one page."""
        return 3 * self.width_mm - self.narrow_mm if self.fold == "roll" else self.width_mm


A4 = (210.0, 297.0)
OFFICE_SAFE_MM = 5.0  # office printers leave about 4 mm unprinted, and feed paper askew
OFFICE_GUTTER_MM = 6.0  # between copies on an office sheet: cut down its middle, no cut
# runs along a copy's edge, so its edge band keeps 3 mm of white on an uneven cut


def office_format(page_format: PageFormat) -> PageFormat:
    """The page as an office sheet holds it: as many copies as fit on A4 (in whichever
    orientation fits more), a booklet's two pages side by side, a tri-fold's three panels,
    all inside the safe margin and with gutters between copies: a little smaller than the
    format where they would not fit otherwise. The name stays, so templates style it as
    the format it stands for."""
    safe = 2 * OFFICE_SAFE_MM
    width, height = page_format.width_mm, page_format.height_mm
    if page_format.fold == "roll":  # three panels across A4 landscape
        width = min(width, _down((A4[1] - safe + page_format.narrow_mm) / 3))
        height = min(height, A4[0] - safe)
    elif page_format.fold == "booklet":  # two pages across A4 landscape, folded between
        width, height = min(width, _down((A4[1] - safe) / 2)), min(height, A4[0] - safe)
    else:
        sheet_width, sheet_height, columns, rows = a4_grid(width, height, 0.0, 0.0)
        if columns * rows == 0:  # larger than A4: imposition says so
            return page_format
        width = min(width, _down((sheet_width - safe - (columns - 1) * OFFICE_GUTTER_MM)
                                 / columns))
        height = min(height, _down((sheet_height - safe - (rows - 1) * OFFICE_GUTTER_MM)
                                   / rows))
    return dataclasses.replace(page_format, width_mm=width, height_mm=height)


def a4_grid(width: float, height: float, margin: float, gutter: float,
            ) -> tuple[float, float, int, int]:
    """The A4 orientation (width, height) and the columns and rows of `width` x `height`
    mm pages it holds the most of, inside `margin` and with `gutter` between pages."""
    best = None
    for sheet_width, sheet_height in (A4, A4[::-1]):
        columns = int((sheet_width - 2 * margin + gutter + 0.01) // (width + gutter))
        rows = int((sheet_height - 2 * margin + gutter + 0.01) // (height + gutter))
        if best is None or columns * rows > best[2] * best[3]:
            best = (sheet_width, sheet_height, columns, rows)
    assert best is not None  # both orientations were tried
    return best


def _down(mm: float) -> float:
    """Rounded down to a tenth of a millimetre: rounding up could push a copy into the
    margin."""
    return math.floor(mm * 10 + 1e-6) / 10


# A leaflet names one of these in `format:`; a project may add its own (project.yaml
# `formats:`). Flat formats default to two pages, the two sides of one sheet.
PAGE_FORMATS = {
    "A4": PageFormat("A4", 210, 297),
    "A5": PageFormat("A5", 148, 210),
    "A6": PageFormat("A6", 105, 148),
    "DL": PageFormat("DL", 99, 210),
    # ISO/IEC 7810 ID-1, the size of a bank card: fits a wallet or a phone case.
    "credit-card": PageFormat("credit-card", 85.6, 54),
    # One A4 sheet folded in half: four A5 pages (eight, twelve ... with nested sheets).
    "A5-booklet": PageFormat("A5-booklet", 148, 210, pages=4, fold="booklet"),
    # One A4 sheet rolled into three DL panels: 100 + 100 + 97 mm = 297 mm.
    "DL-trifold": PageFormat("DL-trifold", 100, 210, pages=6, fold="roll", narrow_mm=3),
}

DEFAULT_BLEED_MM = 3.0


class Source(SourceSpec):
    id: str
    line: int | None = None  # in sources.yaml, for warnings found later

    @property
    def host(self) -> str:
        """Where its QR code leads, in words: printed beside it, so that a reader sees it
        before scanning (validation keeps it plain ASCII)."""
        return urlsplit(self.url).hostname or ""


STATISTIC_UNITS: tuple[StatisticUnit, ...] = get_args(StatisticUnit)


class Statistic(StatisticSpec):
    """One figure, kept once and printed everywhere through `{stat:<id>}`."""

    id: str
    line: int | None = None  # in statistics.yaml, for warnings found later


class Entry(EntrySpec):
    id: str


class EntryText(EntryTextSpec):
    reviewed: bool  # its own status, or else its file's


@dataclass(frozen=True)
class LanguageText:
    """Everything translatable for one language: one file, so a translator gets one file."""

    code: str
    name: str
    direction: Direction
    file: Path
    is_source: bool
    reviewed: bool  # the file's own status; entries may override it
    labels: dict[str, str]
    leaflets: dict[str, LeafletText]
    entries: dict[str, EntryText]
    lines: dict[str, int]  # dotted key -> line in `file`, for problems found after validation
    script: str = "Latn"  # ISO 15924
    font_stack: tuple[str, ...] = ("Noto Sans",)  # font families, first choice first
    font_stack_line: int | None = None  # its line in project.yaml when the project set it
    fallback: str | None = None  # printed where this language's entry is missing or outdated
    figures: dict[str, str] = field(default_factory=dict)  # statistic id -> label
    icons: dict[str, str] = field(default_factory=dict)  # pictogram -> its words
    images: dict[str, str] = field(default_factory=dict)  # picture's name -> its words

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    def line(self, key: str) -> int | None:
        return self.lines.get(key)


QrOptions = QrSettings


class Leaflet(LeafletOptions):
    """A leaflet with what several files decide worked out: its format, page count and
    languages."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    id: str
    format: PageFormat
    pages: int
    languages: tuple[str, ...]

    @property
    def figure_ids(self) -> tuple[str, ...]:
        """Every figure the leaflet shows, in order, once each."""
        return tuple(dict.fromkeys(
            (*self.figures, *(f for chart in self.charts for f in chart.figures))))

    @property
    def entry_ids(self) -> tuple[str, ...]:
        return tuple(entry for section in self.sections for entry in section.entries)


@dataclass(frozen=True)
class Project:
    root: Path
    organisation: Organisation
    sources: dict[str, Source]
    entries: dict[str, Entry]
    languages: dict[str, LanguageText]
    leaflets: dict[str, Leaflet]
    template_dirs: tuple[Path, ...] = field(default=())
    font_dirs: tuple[Path, ...] = field(default=())
    statistics: dict[str, Statistic] = field(default_factory=dict)
    statistics_max_age_days: int = 730  # older figures are reported as stale
    brand: Brand = field(default_factory=Brand)

    @property
    def logo(self) -> Path | None:
        return self.root / self.brand.logo if self.brand.logo else None

    def cited_sources(self, leaflet: Leaflet) -> list[Source]:
        """The sources a leaflet's entries cite, once each, in order of first citation."""
        seen: dict[str, Source] = {}
        for entry_id in leaflet.entry_ids:
            for source_id in self.entries[entry_id].cites:
                seen.setdefault(source_id, self.sources[source_id])
        for figure_id in leaflet.figure_ids:  # a figure shown is a figure cited
            source_id = self.statistics[figure_id].source
            seen.setdefault(source_id, self.sources[source_id])
        return list(seen.values())
