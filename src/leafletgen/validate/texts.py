"""text/<language>.yaml: a language's words, checked against the entries they translate,
the leaflets they are printed in, and the placeholders of the source text."""

from __future__ import annotations

from typing import Any

from ..content import (
    EntryTextSpec,
    LanguageFile,
    Organisation,
    SourceEntryText,
    SourceLanguageFile,
)
from ..filenames import ENTRIES_FILE, STATISTICS_FILE, TEXT_DIR
from ..languages import (
    default_font_stack,
    direction_of,
    nearest_languages,
    script_of,
    unknown_subtag,
)
from ..load import LoadedProject, YamlFile, dotted
from ..markup import markup_problems
from ..model import Entry, EntryText, LanguageText, Leaflet
from ..pictograms import icon_names
from ..pictures import picture_id
from ..placeholders import SIMPLE_NAMES, placeholders
from ..values import LANGUAGE_RE
from .shape import Reader


def language(reader: Reader, code: str, file: YamlFile, source_language: str | None,
             entries: dict[str, Entry], font_stack: tuple[tuple[str, ...], int | None] | None,
             ) -> LanguageText | None:
    if not _named_by_code(reader, code, file):
        return None
    is_source = code == source_language
    fields = reader.read_fields(file, SourceLanguageFile if is_source else LanguageFile,
                                file.data)
    if is_source and isinstance(file.data, dict):
        _every_entry_given(reader, file, file.data.get("entries"), entries)
    info = fields.get("language")
    if info is not None and info.fallback is not None and (
            info.fallback == code or not (file.path.parent / f"{info.fallback}.yaml").is_file()):
        reader.error(file, ("language", "fallback"), f"no other language file {TEXT_DIR}/"
                     f"{info.fallback}.yaml to fall back to")
    # Translations start as drafts: only a reviewer's explicit word makes them final.
    file_reviewed = is_source or fields.get("status") == "reviewed"
    texts = _entry_texts(reader, file, fields.get("entries", {}), entries, is_source,
                         file_reviewed)
    if info is None or "labels" not in fields:
        return None
    families, stack_line = font_stack or (default_font_stack(code), None)
    return LanguageText(
        code, info.name, info.direction or direction_of(code), file.path, is_source,
        file_reviewed, fields["labels"].model_dump(), fields.get("leaflets", {}), texts,
        {dotted(key_path): line for key_path, line in file.lines.items()},
        script=script_of(code), font_stack=families, font_stack_line=stack_line,
        fallback=info.fallback,
        figures=fields.get("figures", {}),
        icons=fields.get("icons", {}),
        images=fields.get("images", {}))


def _named_by_code(reader: Reader, code: str, file: YamlFile) -> bool:
    """Whether the file's name is a language code CLDR knows."""
    if not LANGUAGE_RE.match(code):
        nearest = nearest_languages(code)
        reader.error(file, (), f"the file name must be a language code such as lt.yaml or "
                     f"sr-Latn.yaml, not {file.path.name!r}" + (
                         f" (the nearest known: {'; '.join(nearest)})" if nearest else ""))
        return False
    if unknown := unknown_subtag(code):
        reader.error(file, (), f"the file name {file.path.name!r} names {unknown}")
        return False
    return True


def _entry_texts(reader: Reader, file: YamlFile, given: dict[str, SourceEntryText],
                 entries: dict[str, Entry], is_source: bool,
                 file_reviewed: bool) -> dict[str, EntryText]:
    """The entries a language file gives, each with whether it is reviewed: its own
    status, or else the file's (the source language's are by definition)."""
    texts = {}
    for entry_id, spec in given.items():
        path = ("entries", entry_id)
        if entry_id not in entries:
            reader.error(file, path, "unknown entry id (every entry must be declared in "
                         f"{ENTRIES_FILE})")
            continue
        for problem in markup_problems(spec.answer):
            reader.error(file, (*path, "answer"), problem)
        status = spec.status if isinstance(spec, EntryTextSpec) else None
        reviewed = is_source or (status == "reviewed" if status else file_reviewed)
        texts[entry_id] = EntryText(reviewed=reviewed, **dict(spec))
    return texts


def _every_entry_given(reader: Reader, file: YamlFile, given: Any,
                       entries: dict[str, Entry]) -> None:
    """The source language gives the text of every entry."""
    for entry_id in entries:
        if isinstance(given, dict) and entry_id not in given:
            reader.error(file, ("entries", entry_id), "missing: the source language must "
                         "give the text of every entry")


def placeholders_kept(reader: Reader, files: dict[str, YamlFile],
                      languages: dict[str, LanguageText], entries: dict[str, Entry],
                      source_language: str | None, statistics: set[str]) -> None:
    """Placeholders must be well formed and known in the source text, and a translation
    must keep exactly the placeholders of the text it translates."""
    source = languages.get(source_language or "")
    for code, text_of in languages.items():
        file = files[code]
        for entry_id, text in text_of.entries.items():
            for field in ("question", "answer"):
                path = ("entries", entry_id, field)
                found, broken = placeholders(getattr(text, field))
                for message in broken:
                    reader.error(file, path, message)
                if text_of.is_source:
                    _known_placeholders(reader, file, path, found, entries[entry_id], statistics)
                    if field == "question" and any(n.startswith("icon:") for n in found):
                        reader.error(file, path, "a pictogram {icon:…} goes in the answer, at "
                                     "the start of a step; an entry's own is `icon:` in "
                                     f"{ENTRIES_FILE}")
                    continue
                if source is None or entry_id not in source.entries:
                    continue
                wanted, _ = placeholders(getattr(source.entries[entry_id], field))
                for name in sorted(set(wanted) | set(found)):
                    if found[name] < wanted[name]:
                        reader.error(file, path, f"placeholder {{{name}}} of the source text is "
                                     "missing: copy it into the translation unchanged")
                    elif found[name] > wanted[name]:
                        reader.error(file, path, f"placeholder {{{name}}} is not in the source "
                                     "text" + (" as often" if wanted[name] else ""))


def _known_placeholders(reader: Reader, file: YamlFile, path: tuple[str, ...],
                        found: dict[str, int], entry: Entry, statistics: set[str]) -> None:
    cited = {f"source:{s}" for s in entry.cites}
    for name in found:
        if name.startswith("source:") and name not in cited:
            reader.error(file, path, f"placeholder {{{name}}}: the entry does not cite "
                         f"{name.split(':', 1)[1]!r} (entries.yaml)")
        elif name.startswith("stat:"):
            if name.split(":", 1)[1] not in statistics:
                reader.error(file, path, f"placeholder {{{name}}}: no such figure in "
                             f"{STATISTICS_FILE}")
        elif name.startswith("icon:"):
            if name.split(":", 1)[1] not in icon_names():
                reader.error(file, path, f"placeholder {{{name}}}: no such pictogram (known: "
                             f"{', '.join(sorted(icon_names()))})")
        elif not name.startswith("source:") and name not in SIMPLE_NAMES:
            reader.error(file, path, f"unknown placeholder {{{name}}} (known: {{hotline}}, "
                         "{website}, {source:<cited source id>}, {stat:<figure id>}, "
                         "{icon:<pictogram>})")


def _named_icons(leaflet: Leaflet, entries: dict[str, Entry],
                source: LanguageText | None) -> tuple[str, ...]:
    """The pictograms a leaflet's content names: its entries' and phrases' `icon:`, and the
    `{icon:…}` steps of its answers in the source text."""
    names: dict[str, None] = {}
    for entry_id in leaflet.entry_ids:
        if entry_id not in entries:
            continue  # reported where the leaflet names it
        for shown in (entry_id, *entries[entry_id].say):
            if shown in entries and (icon := entries[shown].icon) is not None:
                names[icon] = None
        text = source.entries.get(entry_id) if source else None
        if text is not None:
            found, _ = placeholders(text.answer)
            names.update({name.split(":", 1)[1]: None for name in found
                          if name.startswith("icon:")})
    return tuple(names)


def pictures_described(reader: Reader, leaflet: Leaflet, entries: dict[str, Entry],
                       source: LanguageText | None, files: dict[str, YamlFile]) -> None:
    """Every pictogram and picture a leaflet's content names has words in the source
    language. A translation without them is read out in the source language's (compose.py):
    a missing one does not stop a new translation."""
    if source is None:
        return
    file = files[source.code]
    for icon in _named_icons(leaflet, entries, source):
        if icon not in source.icons:
            reader.error(file, ("icons", icon), f"missing: words for the pictogram {icon!r} "
                         f"(leaflet {leaflet.id!r} prints it)")
    named = [leaflet.cover_image] + [entries[e].image for e in leaflet.entry_ids if e in entries]
    for picture in dict.fromkeys(p for p in named if p is not None):
        stem = picture_id(picture)
        if stem not in source.images:
            reader.error(file, ("images", stem), f"missing: words for the picture {picture} "
                         f"(leaflet {leaflet.id!r} prints it)")


def translations_complete(reader: Reader, leaflet: Leaflet,
                          languages: dict[str, LanguageText], files: dict[str, YamlFile],
                          ) -> None:
    """Every language a leaflet is built in must give all the text the leaflet prints."""
    companion = (leaflet.companion,) if leaflet.companion else ()
    source = next((t for t in languages.values() if t.is_source), None)
    wanted = source.leaflets.get(leaflet.id) if source else None
    for code in (*leaflet.languages, *companion):
        text_of = languages.get(code)
        if text_of is None:
            continue  # its file is missing or broken, and that is reported already
        file = files[code]
        because = (f"(leaflet {leaflet.id!r} prints {code} beside every language)"
                   if code == leaflet.companion else f"(leaflet {leaflet.id!r} is built in {code})")
        text = text_of.leaflets.get(leaflet.id)
        if text is None:
            reader.error(file, ("leaflets", leaflet.id), f"missing: the leaflet's title {because}")
        else:
            for section in leaflet.sections:
                if section.id not in text.sections:
                    reader.error(file, ("leaflets", leaflet.id, "sections", section.id),
                                 f"missing: the section heading {because}")
            for chart in leaflet.charts:
                if chart.id not in text.charts:
                    reader.error(file, ("leaflets", leaflet.id, "charts", chart.id),
                                 f"missing: the chart's title {because}")
            if wanted is not None and len(text.key_messages) != len(wanted.key_messages):
                reader.error(file, ("leaflets", leaflet.id, "key_messages"),
                             f"{len(text.key_messages)} key messages where the source "
                             f"language has {len(wanted.key_messages)} {because}")
        for figure_id in leaflet.figure_ids:
            if figure_id not in text_of.figures:
                reader.error(file, ("figures", figure_id),
                             f"missing: the figure's label {because}")
        # A missing entry is not an error: it is printed from the fallback language and
        # makes the leaflet a draft (translation.py).


def phrases_given(reader: Reader, leaflet: Leaflet, entries: dict[str, Entry],
                  languages: dict[str, LanguageText], loaded: LoadedProject,
                  organisation: Organisation | None) -> None:
    """A phrase to say is printed in the officials' language too: that language must be
    named, and must give the phrase itself (a fallback would show an officer the wrong
    language)."""
    said = [(entry_id, phrase) for entry_id in leaflet.entry_ids if entry_id in entries
            for phrase in entries[entry_id].say]
    if not said or organisation is None:
        return
    officials = organisation.officials_language
    if officials is None:
        reader.error(loaded.project, ("organisation", "officials_language"),
                     f"missing: leaflet {leaflet.id!r} prints phrases to say ({said[0][0]} "
                     "says " + said[0][1] + "), and they are printed in the officials' "
                     "language too: name it, e.g. `officials_language: lt`")
        return
    text_of = languages.get(officials)
    if text_of is None:
        if officials not in loaded.texts:
            reader.error(loaded.project, ("organisation", "officials_language"),
                         f"no language file {TEXT_DIR}/{officials}.yaml")
        return
    for entry_id, phrase in said:
        if phrase not in text_of.entries:
            reader.error(loaded.texts[officials], ("entries", phrase),
                         f"missing: the phrase {phrase!r}, which {entry_id!r} prints in "
                         f"{officials} (leaflet {leaflet.id!r})")
