"""The translation editor's side of a language file: the rows it shows (source beside
translation, what changed in the source since), the edits a form carries, and the file
those edits make, written as `po import` and `review` write: validated, atomically, its
comments and layout kept."""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ruamel.yaml.comments import CommentedMap

from ..errors import Problem
from ..files import read_content
from ..language_files import content_file_problems, literal_text, round_trip_yaml
from ..load import MAX_FILE_BYTES
from ..model import EntryText, Project
from ..placeholders import in_order
from ..source_history import SourceHistory
from ..state import file_digest
from ..translation import OUTDATED, EntryStatus, entry_status, fingerprint, source_language

FIELDS = ("question", "answer")
Change = tuple[Literal["same", "removed", "added"], str]


@dataclass(frozen=True)
class EntryRow:
    id: str
    source: EntryText
    translation: EntryText | None  # None: not translated yet
    status: EntryStatus
    placeholders: tuple[str, ...]  # the source text's, once each, in order
    # What changed in the source since the translation was made, per field, when that
    # earlier source text is known.
    source_changes: dict[str, tuple[Change, ...]] | None = None


@dataclass(frozen=True)
class Edit:
    question: str
    answer: str
    confirmed: bool = False  # "the translation still matches the changed source"


def printed_entries(project: Project, code: str) -> list[str]:
    """The entries a language's leaflets print (all of them for the source language), in
    the order of entries.yaml."""
    if project.languages[code].is_source:
        return list(project.entries)
    wanted = {entry_id for leaflet in project.leaflets.values()
              if code in leaflet.languages or leaflet.companion == code
              for entry_id in leaflet.entry_ids}
    return [entry_id for entry_id in project.entries if entry_id in wanted]


def entry_rows(project: Project, code: str, history: SourceHistory) -> list[EntryRow]:
    language = project.languages[code]
    source = source_language(project)
    rows = []
    for entry_id in printed_entries(project, code):
        text = source.entries[entry_id]
        translation = language.entries.get(entry_id)
        status = entry_status(project, code, entry_id)
        changes = None
        if status == OUTDATED and translation is not None:
            before = history.text(translation.translated_from)
            if before is not None:
                every = {name: word_changes(str(before.get(name, "")), getattr(text, name))
                         for name in FIELDS}
                changes = {name: found for name, found in every.items()
                           if any(kind != "same" for kind, _ in found)}
        rows.append(EntryRow(entry_id, text, translation, status,
                             tuple(dict.fromkeys(in_order(text.question + " " + text.answer))),
                             changes))
    return rows


_WORDS = re.compile(r"\s+|[^\s]+")


def word_changes(before: str, after: str) -> tuple[Change, ...]:
    """`after` against `before`, word by word: what stayed, went and came."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new,
                                                       autojunk=False).get_opcodes():
        if tag == "equal":
            changes.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            changes.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            changes.append(("added", "".join(new[j1:j2])))
    return tuple(changes)


def form_edits(form: Mapping[str, object], project: Project) -> dict[str, Edit]:
    """The entries a translation form carries: `question.<id>`, `answer.<id>` and, for an
    outdated one, `confirmed.<id>`. Browsers send line ends as CRLF."""
    edits = {}
    for entry_id in project.entries:
        question, answer = form.get(f"question.{entry_id}"), form.get(f"answer.{entry_id}")
        if isinstance(question, str) and isinstance(answer, str):
            edits[entry_id] = Edit(question.replace("\r\n", "\n").strip(),
                                   answer.replace("\r\n", "\n").strip(),
                                   form.get(f"confirmed.{entry_id}") == "on")
    return edits


def edited_file(project: Project, code: str, edits: dict[str, Edit]) -> tuple[str, list[str]]:
    """The language file's text with `edits` made, and the entries they change. A changed
    translation is recorded as made from the current source text, and is unreviewed again;
    the source language's entries are changed as they are."""
    language = project.languages[code]
    source = source_language(project)
    yaml = round_trip_yaml()
    data = yaml.load(read_content(language.file, MAX_FILE_BYTES).decode("utf-8-sig"))
    if not isinstance(data.get("entries"), dict):
        data["entries"] = CommentedMap()
    entries = data["entries"]
    changed = []
    for entry_id, edit in edits.items():
        current = language.entries.get(entry_id)
        same = current is not None and (current.question.strip(), current.answer.strip()) \
            == (edit.question, edit.answer)
        if (same and not edit.confirmed) or (current is None and not edit.question
                                             and not edit.answer):
            continue
        node = entries.get(entry_id)
        if not isinstance(node, dict):
            node = entries[entry_id] = CommentedMap()
        if not language.is_source:
            node["translated_from"] = fingerprint(source.entries[entry_id])
            if not same:
                node.pop("review", None)
                if data.get("status") == "reviewed":
                    node["status"] = "unreviewed"
                else:
                    node.pop("status", None)
        node["question"] = edit.question
        node["answer"] = literal_text(edit.answer)
        changed.append(entry_id)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue(), changed


def file_version(path: Path) -> str:
    """What a page remembers of the file it was made from, to see whether it changed."""
    try:
        return file_digest(path)
    except OSError:
        return "missing"


def check_edits(project: Project, code: str, edits: dict[str, Edit]) -> list[Problem]:
    """What validation would say of the language file with these edits: the command
    line's messages, for the editor to show as one types."""
    text, _ = edited_file(project, code, edits)
    return content_file_problems(project, project.languages[code].file, text)
