"""A language file to and from a gettext PO catalogue, for translators' own tools.

Each translatable text is one message: the context is its key in the language file
(`entries.who-pays.answer`), the msgid is the source language's text, the msgstr the
translation. Outdated entries are exported `fuzzy`. On import, a message changes the file
only where the translator changed its text, or cleared `fuzzy` to confirm it; the YAML is
edited in place (ruamel.yaml), so comments, order and untouched text stay as they were.
A catalogue with any problem changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
from ruamel.yaml.scalarstring import LiteralScalarString

from . import __version__
from .errors import ProblemList
from .files import read_content
from .language_files import round_trip_yaml, write_content_file
from .load import MAX_FILE_BYTES
from .model import Project
from .placeholders import placeholders
from .translation import OUTDATED, entry_status, fingerprint, source_language


@dataclass(frozen=True)
class Message:
    key: str  # dotted key in the language file
    source: str
    translation: str | None
    fuzzy: bool
    status: str  # of the entry, or "labels"/"titles"


def _messages(project: Project, code: str) -> Iterator[Message]:
    source = source_language(project)
    language = project.languages[code]
    for name, text in source.labels.items():
        yield Message(f"labels.{name}", text, language.labels.get(name), False, "labels")
    for leaflet_id, texts in source.leaflets.items():
        own = language.leaflets.get(leaflet_id)
        prefix = f"leaflets.{leaflet_id}"
        yield Message(f"{prefix}.title", texts.title, own.title if own else None, False,
                      "titles")
        if texts.subtitle:
            yield Message(f"{prefix}.subtitle", texts.subtitle,
                          (own.subtitle or None) if own else None, False, "titles")
        for section_id, heading in texts.sections.items():
            yield Message(f"{prefix}.sections.{section_id}", heading,
                          own.sections.get(section_id) if own else None, False, "titles")
    for entry_id, source_text in source.entries.items():
        status = entry_status(project, code, entry_id)
        own_text = language.entries.get(entry_id)
        for field in ("question", "answer"):
            yield Message(f"entries.{entry_id}.{field}", getattr(source_text, field),
                          getattr(own_text, field) if own_text else None,
                          status == OUTDATED, status)


def export_po(project: Project, code: str) -> str:
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.metadata = {
        "Project-Id-Version": project.organisation.name,
        "Language": code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"leafletgen {__version__}",
        "X-Source-Language": project.organisation.source_language,
    }
    for message in _messages(project, code):
        catalogue.append(polib.POEntry(
            msgctxt=message.key,
            msgid=message.source,
            msgstr=message.translation or "",
            flags=["fuzzy"] if message.fuzzy else [],
            comment=f"status: {message.status}",
        ))
    return str(catalogue) + "\n"


@dataclass(frozen=True)
class ImportResult:
    path: Path
    changed: tuple[str, ...]  # dotted keys whose text changed
    confirmed: tuple[str, ...]  # entries whose translation now matches the current source


def import_po(project: Project, po_path: Path) -> ImportResult:
    """Check a translator's catalogue against the project, then apply it to the language
    file in one atomic write; on any problem raise ContentError and write nothing."""
    problems = ProblemList()
    try:
        # A translator's file, from anywhere: a FIFO or a device is refused, not waited on.
        catalogue = polib.pofile(read_content(po_path, MAX_FILE_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        problems.add(po_path, None, "", f"not a readable PO file: {error}")
        problems.raise_if_any()
    code = _project_language(project, catalogue.metadata.get("Language", ""))
    language = project.languages.get(code)
    if language is None or language.is_source:
        translations = [c for c, lang in project.languages.items() if not lang.is_source]
        problems.add(po_path, None, "Language", f"header names {code or 'no language'!r}, "
                     "which is not a translation of this project (translations: "
                     f"{', '.join(translations)})")
        problems.raise_if_any()
    assert language is not None  # refused above

    expected = {message.key: message for message in _messages(project, code)}
    updates: dict[str, str] = {}
    unfuzzy_fields: dict[str, set[str]] = {}
    for item in catalogue:
        if item.obsolete:
            continue
        key = item.msgctxt or ""
        message = expected.get(key)
        if message is None:
            problems.add(po_path, item.linenum, key or item.msgid[:30],
                         "unknown id: no such text in the source language")
            continue
        if item.msgid != message.source:
            problems.add(po_path, item.linenum, key, "the source text changed since this "
                         "catalogue was exported: export it again and merge")
            continue
        if not item.msgstr:
            continue
        wanted, _ = placeholders(item.msgid)
        found, broken = placeholders(item.msgstr)
        for text in broken:
            problems.add(po_path, item.linenum, key, text)
        for name in sorted(set(wanted) | set(found)):
            if found[name] != wanted[name]:
                problems.add(po_path, item.linenum, key, f"placeholder {{{name}}} must appear "
                             f"{wanted[name]} time(s) as in the source text, not {found[name]}")
        if item.msgstr != (message.translation or ""):
            updates[key] = item.msgstr
        if key.startswith("entries.") and "fuzzy" not in item.flags:
            entry_id, field = key.split(".")[1:]
            unfuzzy_fields.setdefault(entry_id, set()).add(field)
    problems.raise_if_any()

    yaml = round_trip_yaml()
    data = yaml.load(read_content(language.file, MAX_FILE_BYTES).decode("utf-8-sig"))
    file_reviewed = data.get("status") == "reviewed"
    for key, text in updates.items():
        *parents, last = key.split(".")
        node = data
        for part in parents:
            if node.get(part) is None:
                node[part] = {}
            node = node[part]
        node[last] = LiteralScalarString(text + "\n") if "\n" in text.strip() else text
    if any(not key.startswith("entries.") for key in updates) and file_reviewed:
        data["status"] = "unreviewed"  # a changed label or title needs a reviewer again

    source = source_language(project)
    confirmed = []
    changed_entries = {key.split(".")[1] for key in updates if key.startswith("entries.")}
    for entry_id, fields in unfuzzy_fields.items():
        node = data["entries"].get(entry_id)
        if fields != {"question", "answer"} or node is None:
            continue
        current = fingerprint(source.entries[entry_id])
        if node.get("translated_from") != current:
            if "translated_from" in node:
                node["translated_from"] = current
            else:
                node.insert(0, "translated_from", current)
            confirmed.append(entry_id)
    for entry_id in changed_entries:
        node = data["entries"][entry_id]
        if file_reviewed or node.get("status") == "reviewed":
            node["status"] = "unreviewed"  # new text: a reviewer must see it
        node.pop("review", None)  # a review of the text it replaces

    if updates or confirmed:  # an unchanged catalogue leaves the file as it is, byte for byte
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        write_content_file(project, language.file, buffer.getvalue())
    return ImportResult(language.file, tuple(sorted(updates)), tuple(sorted(confirmed)))


def _project_language(project: Project, header: str) -> str:
    """The project's language a PO `Language:` header names. Poedit and Weblate write
    `lt_LT` where the project has `lt`: a region the project does not have is dropped."""
    code = header.strip().replace("_", "-")
    if code not in project.languages and "-" in code:
        base = code.split("-", 1)[0]
        if base in project.languages:
            return base
    return code
