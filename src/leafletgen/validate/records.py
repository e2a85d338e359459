"""The files of records kept by id: sources, statistics and FAQ entries."""

from __future__ import annotations

from ..content import EntrySpec, SourceSpec, StatisticSpec
from ..filenames import ENTRIES_FILE, IMAGE_DIR, SOURCES_FILE
from ..load import YamlFile
from ..model import Entry, Source, Statistic
from ..pictures import PictureError, read_picture
from ..qr import MAX_QR_MM, smallest_size_mm
from .shape import Reader


def declared(file: YamlFile | None) -> set[str]:
    """The ids a file of records declares, broken or not: an id that is declared counts as
    known, so one mistake is reported once, not again wherever the id is used."""
    return set(file.data) if file is not None and isinstance(file.data, dict) else set()


def sources(reader: Reader, file: YamlFile | None) -> dict[str, Source]:
    if file is None:
        return {}
    found = {}
    for source_id, spec in reader.read_mapping(file, SourceSpec, file.data).items():
        if (size := smallest_size_mm(spec.url)) > MAX_QR_MM:
            reader.error(file, (source_id, "url"), f"too long for a printed QR code: its code "
                         f"would be {size:g} mm wide, and {MAX_QR_MM:g} mm is the most a "
                         "leaflet prints; give a shorter address for the same page")
            continue
        found[source_id] = Source(id=source_id, line=file.line((source_id,)), **dict(spec))
    return found


def statistics(reader: Reader, file: YamlFile | None,
               known_sources: set[str]) -> dict[str, Statistic]:
    if file is None:
        return {}
    found = {}
    for stat_id, spec in reader.read_mapping(file, StatisticSpec, file.data).items():
        at = (stat_id, "value")
        problems = len(reader.problems.items)
        if spec.unit == "percent" and spec.value > 100:
            reader.error(file, at, f"a percentage runs from 0 to 100, not {spec.value:g}")
        elif spec.unit == "count" and not spec.value.is_integer():
            reader.error(file, at, f"a count is a whole number, not {spec.value:g}")
        if spec.source not in known_sources:
            reader.error(file, (stat_id, "source"), f"unknown source {spec.source!r} (not in "
                         f"{SOURCES_FILE})")
        if len(reader.problems.items) == problems:
            found[stat_id] = Statistic(id=stat_id, line=file.line((stat_id,)), **dict(spec))
    return found


def entries(reader: Reader, file: YamlFile, known_sources: set[str]) -> dict[str, Entry]:
    found = {}
    for entry_id, spec in reader.read_mapping(file, EntrySpec, file.data).items():
        if spec.image is not None:
            picture_readable(reader, file, (entry_id, "image"), spec.image)
        reader.unique(file, (entry_id, "cites"), spec.cites)
        for index, source_id in enumerate(spec.cites):
            if source_id not in known_sources:
                reader.error(file, (entry_id, "cites", index),
                             f"cites unknown source {source_id!r} (not in {SOURCES_FILE})")
        reader.unique(file, (entry_id, "say"), spec.say)
        found[entry_id] = Entry(id=entry_id, **dict(spec))
    for entry_id, entry in found.items():
        for index, phrase in enumerate(entry.say):
            if phrase not in found:
                reader.error(file, (entry_id, "say", index),
                             f"says unknown entry {phrase!r} (not in {ENTRIES_FILE})")
    return found


def picture_readable(reader: Reader, file: YamlFile, key_path: tuple[str | int, ...],
                     name: str) -> None:
    """A picture must be a PNG or JPEG inside the project's images/ folder."""
    root = file.path.parent
    try:
        read_picture(root / name, root / IMAGE_DIR)
    except PictureError as error:
        reader.error(file, key_path, f"{name}: {error}")
