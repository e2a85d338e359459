"""The typed model of one content project, built once by `validate` and passed explicitly."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .options import Direction, OutputKind


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
    fold: str = "flat"
    narrow_mm: float = 0.0

    def page_width_mm(self, page: int) -> float:
        """The width of page `page` (1-based): a roll fold's tucked-in panel is narrower;
        it is page 2 (seen first on opening the cover) and page 5 (its other side)."""
        return self.width_mm - self.narrow_mm if self.fold == "roll" and page in (2, 5) \
            else self.width_mm


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


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number as printed (`+370 608 712 04`) and as dialled (`+37060871204`)."""

    display: str

    @property
    def digits(self) -> str:
        return "+" + "".join(ch for ch in self.display if ch.isdigit())

    @property
    def tel_uri(self) -> str:
        return f"tel:{self.digits}"


@dataclass(frozen=True)
class Organisation:
    name: str
    website: str
    hotline: PhoneNumber
    source_language: str


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: datetime.date
    url: str
    line: int | None = None  # in sources.yaml, for warnings found later

    @property
    def host(self) -> str:
        """Where its QR code leads, in words: printed beside it, so that a reader sees it
        before scanning (validation keeps it plain ASCII)."""
        return urlsplit(self.url).hostname or ""


# How a figure is written: a count (1 162), a percentage (24 %), or a number of months.
STATISTIC_UNITS = ("count", "percent", "months", "years")


@dataclass(frozen=True)
class Statistic:
    """One figure, kept once and printed everywhere through `{stat:<id>}`."""

    id: str
    value: float
    unit: str
    as_of: datetime.date  # the date the figure is valid for
    source: str  # a source id
    line: int | None = None  # in statistics.yaml, for warnings found later


@dataclass(frozen=True)
class Entry:
    """A FAQ entry's language-independent part; its text lives in each language file."""

    id: str
    cites: tuple[str, ...]


@dataclass(frozen=True)
class EntryText:
    question: str
    answer: str
    reviewed: bool
    # The fingerprint of the source text this translation was made from (translation.py).
    translated_from: str | None = None


@dataclass(frozen=True)
class LeafletText:
    title: str
    subtitle: str
    sections: dict[str, str]  # section id -> heading
    charts: dict[str, str] = field(default_factory=dict)  # chart id -> title


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

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    def line(self, key: str) -> int | None:
        return self.lines.get(key)


# Labels every template may use; each language file must give all of them.
LABELS = {
    "hotline_heading": "heading over the hotline number",
    "hotline_qr_caption": "caption under the QR code that dials the hotline",
    "hotline_qr_alt": "alternative text of the hotline QR code",
    "sources_heading": "heading of the numbered list of sources",
    "source_qr_alt": "alternative text of a source's QR code",
    "website_label": "label before the organisation's website",
    "draft_mark": "mark printed on every page of a draft",
}


@dataclass(frozen=True)
class Section:
    id: str
    entries: tuple[str, ...]
    new_page: bool


@dataclass(frozen=True)
class QrOptions:
    hotline: bool
    sources: bool


@dataclass(frozen=True)
class Chart:
    """A bar chart of figures of the same unit, drawn from statistics.yaml."""

    id: str
    figures: tuple[str, ...]


@dataclass(frozen=True)
class Leaflet:
    id: str
    template: str
    format: PageFormat
    pages: int
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    qr: QrOptions
    # A second language printed beside each one (a bilingual card: Arabic and Lithuanian).
    companion: str | None = None
    figures: tuple[str, ...] = ()  # key figures, shown large with their labels
    charts: tuple[Chart, ...] = ()
    published: datetime.date | None = None  # printed on reports
    outputs: tuple[OutputKind, ...] = ("screen",)  # a build may say otherwise
    copyfit: bool = False  # shrink type within the template's limits until the text fits
    bleed_mm: float = DEFAULT_BLEED_MM  # print-shop output: how far backgrounds run past the trim

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
