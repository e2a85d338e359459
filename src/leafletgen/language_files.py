"""Language files written by the tool: a new translation started from another language
(`leafletgen lang add`), and any language file replaced only after the project, with the
new file, still validates (`po import` and `lang add` both write through here).
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from ruamel.yaml import YAML

from .errors import ContentError, Problem
from .filenames import SCHEMA_DIR, STATISTICS_FILE, TEXT_DIR
from .files import read_content, replace_file
from .languages import unknown_subtag
from .load import MAX_FILE_BYTES, load_project, load_yaml
from .model import Project
from .schemas import modeline, modeline_beside, write_schemas
from .translation import (
    MISSING,
    REVIEWED,
    UNREVIEWED,
    entry_status,
    fingerprint,
    source_language,
)
from .validate import validate
from .values import LANGUAGE_RE
from .write import what_to_do

# Where else a language file can be written, when the project's folder refuses it.
_ELSEWHERE = "copy the project to a folder you can write to"


@dataclass(frozen=True)
class NewLanguage:
    path: Path
    name: str
    entries: int  # written commented out, to translate
    made_in: tuple[str, ...]  # leaflets that will be made in it
    not_made_in: tuple[str, ...]  # leaflets whose `languages:` list leaves it out


def add_language(project: Project, code: str, from_code: str | None = None) -> NewLanguage:
    """Write text/<code>.yaml: the labels and titles of `from_code` (the source language by
    default) to translate in place, and every entry commented out, with the text to
    translate and the fingerprint of the source text it must be translated from. Until an
    entry is uncommented and translated, leaflets print it from the fallback, as drafts."""
    path = project.root / TEXT_DIR / f"{code}.yaml"
    if not LANGUAGE_RE.match(code) or (unknown := unknown_subtag(code)):
        reason = unknown if LANGUAGE_RE.match(code) else "not a language code such as de, " \
            "sr-Latn or pt-BR"
        raise ContentError(Problem(path, None, "", f"cannot add {code!r}: {reason}"))
    if path.exists() or path.is_symlink():
        raise ContentError(Problem(path, None, "", f"{code!r} is already a language of this "
                                   "project: translate it in this file, or with "
                                   f"`leafletgen po export {code}`"))
    model = project.languages.get(from_code or project.organisation.source_language)
    if model is None:
        raise ContentError(Problem(project.root / TEXT_DIR / f"{from_code}.yaml", None, "",
                                   f"no language {from_code!r} to start from"))
    name = _native_name(code)
    leaflets = {}
    for leaflet_id, texts in model.leaflets.items():
        leaflet: dict[str, Any] = {"title": texts.title}
        if texts.subtitle:
            leaflet["subtitle"] = texts.subtitle
        if texts.sections:
            leaflet["sections"] = dict(texts.sections)
        if texts.charts:
            leaflet["charts"] = dict(texts.charts)
        if texts.key_messages:
            leaflet["key_messages"] = list(texts.key_messages)
        leaflets[leaflet_id] = leaflet
    head = {"language": {"name": name}, "status": "unreviewed", "labels": dict(model.labels),
            # Words for the pictograms and pictures, read out where they cannot be seen.
            **({"icons": dict(model.icons)} if model.icons else {}),
            **({"images": dict(model.images)} if model.images else {}),
            "leaflets": leaflets, **({"figures": dict(model.figures)} if model.figures else {})}
    source = source_language(project)
    yaml = YAML()
    yaml.width = 4096  # a long label stays on one line, as a translator would type it
    commented = []
    for entry_id, entry in model.entries.items():
        lines = io.StringIO()
        yaml.dump({entry_id: {"translated_from": fingerprint(source.entries[entry_id]),
                              "question": entry.question, "answer": literal_text(entry.answer)}},
                  lines)
        commented += [f"# {line}".rstrip() for line in lines.getvalue().splitlines()]
    buffer = io.StringIO()
    yaml.dump(head, buffer)
    schema_line = modeline_beside(path, "language")
    if schema_line is None:  # a project whose files name no schema: give it its own
        write_schemas(project.root / SCHEMA_DIR)
        schema_line = modeline(path, project.root / SCHEMA_DIR, "language")
    text = (
        f"{schema_line}\n"
        f"# {name} ({code}): a new translation, started from {model.name} ({model.code}) by\n"
        f"# `leafletgen lang add {code}`. Translate every text below in place. Each entry\n"
        "# is commented out: remove the `# ` before its lines and translate it. Until then it\n"
        "# prints in the fallback language, and the leaflets are drafts. `leafletgen status\n"
        f"# --entries` shows what is left; `leafletgen po export {code}` gives the same texts\n"
        "# to a translation tool instead.\n"
        + buffer.getvalue() + "entries:\n" + "".join(f"  {line}\n" for line in commented))
    write_content_file(project, path, text)
    validated = validate(load_project(project.root))
    made_in = tuple(leaflet.id for leaflet in validated.leaflets.values()
                    if code in leaflet.languages)
    not_made_in = tuple(leaflet.id for leaflet in validated.leaflets.values()
                        if code not in leaflet.languages and leaflet.companion != code)
    return NewLanguage(path, name, len(model.entries), made_in, not_made_in)


def _native_name(code: str) -> str:
    """The language's name in itself, from CLDR: Deutsch, Tiếng Việt, اردو."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def literal_text(text: str) -> str:
    from ruamel.yaml.scalarstring import LiteralScalarString

    return LiteralScalarString(text + "\n") if "\n" in text.strip() else text


def content_file_problems(project: Project, path: Path, text: str) -> list[Problem]:
    """What validation says of the project as it would be with `text` as its language file
    or statistics.yaml at `path`: the check before a write, and the workspace's as one
    types. Empty: it validates."""
    loaded = load_project(project.root)
    try:
        replacement = load_yaml(path, replacement=text.encode("utf-8"))
        if path == project.root / STATISTICS_FILE:
            loaded = dataclasses.replace(loaded, statistics=replacement)
        else:
            loaded.texts[path.stem] = replacement
        validate(loaded)
    except ContentError as error:
        return list(error.problems)
    return []


def write_content_file(project: Project, path: Path, text: str) -> None:
    """Validate the project as it would be with `text` as the language file (or the
    statistics) `path`, then write it atomically, keeping the permissions of the file it
    replaces."""
    if problems := content_file_problems(project, path, text):
        raise ContentError([Problem(problem.file, problem.line, problem.key,
                                    f"after the change: {problem.message}")
                            for problem in problems])
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None  # kept as it was
    try:
        replace_file(path, text.encode("utf-8"), mode)
    except OSError as error:
        raise _cannot_write(path, error) from None


def _cannot_write(path: Path, error: OSError) -> ContentError:
    return ContentError(Problem(path, None, "", "cannot write it: "
                                + what_to_do(error, _ELSEWHERE, "try again")))



@dataclass(frozen=True)
class Review:
    path: Path
    reviewed: tuple[str, ...]  # entries marked reviewed now
    left: tuple[tuple[str, str], ...]  # (entry, why it cannot be reviewed yet)
    whole_file: bool  # the labels and titles too


def review_language(project: Project, code: str, entry_ids: tuple[str, ...], by: str,
                    on: datetime.date) -> Review:
    """Mark what a reviewer checked: the given entries of a translation, or (none given)
    the whole file, its labels and titles and every entry that is translated from the
    current source text. Each records who, when, and the source text's fingerprint; an
    entry that is missing or outdated cannot be reviewed, as there is nothing current to
    check."""
    language = project.languages.get(code)
    if language is None or language.is_source:
        what = "the source language, which is not translated" if language else \
            "not a language of this project"
        raise ContentError(Problem(project.root / TEXT_DIR / f"{code}.yaml", None, "",
                                   f"cannot review {code!r}: it is {what}"))
    if not by.strip():
        raise ContentError(Problem(language.file, None, "", "a review needs the reviewer's "
                                   "name (--by)"))
    source = source_language(project)
    wanted = entry_ids or tuple(source.entries)
    problems, reviewable, left = [], [], []
    for entry_id in wanted:
        if entry_id not in source.entries:
            problems.append(Problem(language.file, None, f"entries.{entry_id}",
                                    "no such entry in entries.yaml"))
            continue
        status = entry_status(project, code, entry_id)
        if status in (UNREVIEWED, REVIEWED):
            reviewable.append(entry_id)
            continue
        why = "not translated yet" if status == MISSING else \
            "its source text changed since it was translated: update the translation first"
        left.append((entry_id, why))
        if entry_ids:  # asked for by name: say why it cannot be done
            problems.append(Problem(language.file, language.line(f"entries.{entry_id}"),
                                    f"entries.{entry_id}", f"cannot be reviewed: {why}"))
    if problems:
        raise ContentError(problems)

    yaml = round_trip_yaml()
    data = yaml.load(read_content(language.file, MAX_FILE_BYTES).decode("utf-8-sig"))
    for entry_id in reviewable:
        node = data["entries"][entry_id]
        node["status"] = "reviewed"
        node["review"] = {"by": by.strip(), "date": on,
                          "source": fingerprint(source.entries[entry_id])}
    if not entry_ids:
        data["status"] = "reviewed"
        data.pop("review", None)
        data.insert(list(data).index("status") + 1, "review", {"by": by.strip(), "date": on})
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    write_content_file(project, language.file, buffer.getvalue())
    return Review(language.file, tuple(reviewable), tuple(left), not entry_ids)


def round_trip_yaml() -> YAML:
    """ruamel in round-trip mode, laid out as the language files are: comments, order and
    block scalars kept."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    # One date object in many records would be written as an anchor and aliases, which
    # content may not hold.
    yaml.representer.ignore_aliases = lambda data: True
    return yaml
