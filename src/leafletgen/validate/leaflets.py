"""project.yaml: the organisation, the page formats, the font stacks and the leaflets,
checked against the other files they name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..content import (
    Brand,
    LeafletOptions,
    LeafletSpec,
    Organisation,
    PageFormatSpec,
    ProjectFile,
)
from ..filenames import ENTRIES_FILE, IMAGE_DIR, STATISTICS_FILE, TEXT_DIR
from ..files import RefusedFile, check_regular
from ..load import KeyPath, LoadedProject, YamlFile
from ..model import PAGE_FORMATS, Chart, Entry, Leaflet, PageFormat, Section, Statistic
from . import records
from .shape import Reader


class ProjectSettings:
    """project.yaml's parts that are right, for the checks of other files."""

    def __init__(self, reader: Reader, file: YamlFile):
        self.file = file
        self.fields = reader.read_fields(file, ProjectFile, file.data)
        organisation = self.fields.get("organisation")
        self.organisation: Organisation | None = organisation
        self.max_age_days: int = self.fields.get("statistics_max_age_days", 730)
        self.formats = self._formats(reader)
        self.brand: Brand = self.fields.get("brand", Brand())
        if self.brand.logo is not None:
            self._check_image(reader, ("brand", "logo"), self.brand.logo)

    def _check_image(self, reader: Reader, key_path: KeyPath, name: str) -> None:
        """An image must be a regular file inside the project's images/ folder."""
        root = self.file.path.parent
        try:
            check_regular(root / name, within=[root / IMAGE_DIR])
        except RefusedFile as refused:
            reader.error(self.file, key_path, f"{name}: {refused.reason}")

    @property
    def source_language(self) -> str | None:
        if self.organisation is not None:
            return self.organisation.source_language
        # Still used to tell a source file from a translation when the rest is broken.
        raw = self.file.data.get("organisation") if isinstance(self.file.data, dict) else None
        language = raw.get("source_language") if isinstance(raw, dict) else None
        return language if isinstance(language, str) else None

    def _formats(self, reader: Reader) -> dict[str, PageFormat]:
        """The built-in page formats and the project's own (flat sheets of any size)."""
        formats = dict(PAGE_FORMATS)
        own: dict[str, PageFormatSpec] = self.fields.get("formats", {})
        for name, spec in own.items():
            if name in PAGE_FORMATS:
                reader.error(self.file, ("formats", name),
                             f"{name} is a built-in format; give yours another name")
                continue
            formats[name] = PageFormat(name, spec.width_mm, spec.height_mm, spec.pages)
        return formats

    def font_stacks(self, reader: Reader, texts: dict[str, YamlFile],
                    ) -> dict[str, tuple[tuple[str, ...], int | None]]:
        """The project's own font stacks, each with its line. Whether the families exist is
        checked with the fonts (see fonts.stack_problems)."""
        stacks: dict[str, tuple[tuple[str, ...], int | None]] = {}
        for code, families in self.fields.get("fonts", {}).items():
            if code not in texts:
                reader.error(self.file, ("fonts", code), f"no language file {TEXT_DIR}/{code}.yaml")
            if not families:
                reader.error(self.file, ("fonts", code),
                             "must be a list of font family names, first choice first")
                continue
            stacks[code] = (families, self.file.line(("fonts", code)))
        return stacks

    def leaflet_specs(self) -> dict[str, LeafletSpec]:
        specs: dict[str, LeafletSpec] = self.fields.get("leaflets", {})
        return specs


def leaflets(reader: Reader, settings: ProjectSettings, loaded: LoadedProject,
             entries: dict[str, Entry], statistics: dict[str, Statistic],
             template_dirs: tuple[Path, ...]) -> dict[str, Leaflet]:
    file = settings.file
    found = {}
    for leaflet_id, spec in settings.leaflet_specs().items():
        path: KeyPath = ("leaflets", leaflet_id)
        page_format = settings.formats.get(spec.format)
        if page_format is None:
            reader.error(file, (*path, "format"), f"unknown page format {spec.format!r} (known: "
                         f"{', '.join(settings.formats)}; a project adds its own under "
                         "`formats:`)")
        pages = _pages(reader, file, (*path, "pages"), spec.pages, page_format)
        if spec.companion is not None and spec.companion not in loaded.texts:
            reader.error(file, (*path, "companion"),
                         f"no language file {TEXT_DIR}/{spec.companion}.yaml")
        languages = _languages(reader, file, path, spec, loaded, settings.source_language)
        _sections(reader, file, (*path, "sections"), spec.sections, entries)
        _figures(reader, file, (*path, "figures"), spec.figures, statistics)
        _charts(reader, file, (*path, "charts"), spec.charts, statistics)
        reader.unique(file, (*path, "outputs"), spec.outputs)
        if spec.cover_image is not None:
            records.picture_readable(reader, file, (*path, "cover_image"), spec.cover_image)
        if not any((folder / spec.template).is_file() for folder in template_dirs):
            reader.error(file, (*path, "template"), f"no template {spec.template!r} in "
                         + " or ".join(str(folder) for folder in template_dirs))
        if page_format is None or pages is None:
            continue
        options = {name: getattr(spec, name) for name in LeafletOptions.model_fields}
        found[leaflet_id] = Leaflet(id=leaflet_id, format=page_format, pages=pages,
                                    languages=languages, **options)
    return found


def _pages(reader: Reader, file: YamlFile, key_path: KeyPath, pages: int | None,
           page_format: PageFormat | None) -> int | None:
    """The leaflet's page count: the format's unless it says otherwise, as far as the
    fold allows (a tri-fold has six panels; a booklet's pages come in fours)."""
    if page_format is None or pages is None:
        return page_format.pages if page_format is not None else pages
    if page_format.fold == "roll" and pages != page_format.pages:
        reader.error(file, key_path, f"{page_format.name} has {page_format.pages} panels; "
                     "leave `pages` out")
        return None
    if page_format.fold == "booklet" and pages % 4:
        reader.error(file, key_path, f"{page_format.name} has 4, 8, 12 ... pages (each "
                     f"sheet folded gives four), not {pages}")
        return None
    return pages


def _languages(reader: Reader, file: YamlFile, path: KeyPath, spec: LeafletSpec,
               loaded: LoadedProject, source_language: str | None) -> tuple[str, ...]:
    if spec.languages is None:
        # Without a list, a leaflet is made in every language whose file gives its text:
        # adding a language is adding one file.
        codes = _languages_with_text(path[-1], loaded, spec.companion, source_language)
        if not codes:
            reader.error(file, path, f"no language file gives this leaflet's text (add "
                         f"leaflets.{path[-1]} to a {TEXT_DIR}/<language>.yaml, or list "
                         "its languages here)")
        return codes
    reader.unique(file, (*path, "languages"), spec.languages)
    for index, code in enumerate(spec.languages):
        if code not in loaded.texts:
            reader.error(file, (*path, "languages", index),
                         f"no language file {TEXT_DIR}/{code}.yaml")
        elif code == spec.companion:
            reader.error(file, (*path, "languages", index),
                         f"{code} is this leaflet's companion language, printed beside "
                         "every other one; it cannot be one of them")
    return spec.languages


def _languages_with_text(leaflet_id: str | int, loaded: LoadedProject, companion: str | None,
                         source: str | None) -> tuple[str, ...]:
    """The languages whose files have a `leaflets.<id>` section, source language first."""
    def gives(data: Any) -> bool:
        return isinstance(data, dict) and isinstance(data.get("leaflets"), dict) \
            and leaflet_id in data["leaflets"]

    codes = [code for code, file in loaded.texts.items() if code != companion and gives(file.data)]
    return tuple(sorted(codes, key=lambda code: (code != source, code)))


def _sections(reader: Reader, file: YamlFile, key_path: KeyPath,
              sections: tuple[Section, ...], entries: dict[str, Entry]) -> None:
    reader.unique(file, key_path, [section.id for section in sections], "section")
    used: set[str] = set()
    for index, section in enumerate(sections):
        path = (*key_path, index)
        for entry_index, entry_id in enumerate(section.entries):
            if entry_id not in entries:
                reader.error(file, (*path, "entries", entry_index),
                             f"unknown entry {entry_id!r} (not in {ENTRIES_FILE})")
            elif entry_id in used:
                reader.error(file, (*path, "entries", entry_index),
                             f"entry {entry_id!r} is already used in this leaflet")
            used.add(entry_id)


def _figures(reader: Reader, file: YamlFile, key_path: KeyPath, figures: tuple[str, ...],
             statistics: dict[str, Statistic]) -> None:
    reader.unique(file, key_path, figures)
    for index, figure_id in enumerate(figures):
        if figure_id not in statistics:
            reader.error(file, (*key_path, index),
                         f"unknown figure {figure_id!r} (not in {STATISTICS_FILE})")


def _charts(reader: Reader, file: YamlFile, key_path: KeyPath, charts: tuple[Chart, ...],
            statistics: dict[str, Statistic]) -> None:
    reader.unique(file, key_path, [chart.id for chart in charts], "chart")
    for index, chart in enumerate(charts):
        path = (*key_path, index)
        _figures(reader, file, (*path, "figures"), chart.figures, statistics)
        if len({statistics[f].unit for f in chart.figures if f in statistics}) > 1:
            reader.error(file, (*path, "figures"), "a chart compares figures of one unit")
