"""JSON Schemas of the content files, generated from the content model (content.py), so
that an editor (VS Code with the YAML extension, or any editor using yaml-language-server)
completes keys, shows each key's description and underlines a typo as it is typed.

Each content file names its schema in its first line:
    # yaml-language-server: $schema=<relative path>/project.schema.json
The schemas ship inside the package (`schemas/`); `leafletgen init` and `leafletgen
schemas` copy them into a project's own `schemas/` folder, so they work offline."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from .content import (
    EntrySpec,
    LanguageFile,
    ProjectFile,
    SourceLanguageFile,
    SourceSpec,
    StatisticSpec,
)
from .filenames import ENTRIES_FILE, PROJECT_FILE, SOURCES_FILE, STATISTICS_FILE, TEXT_DIR
from .files import replace_file
from .resources import PACKAGE_DIR
from .values import ID_PATTERN

SHIPPED_DIR = PACKAGE_DIR / "schemas"
MODELINE = "# yaml-language-server: $schema="
# The schema of each content file, by file name (text/<language>.yaml is one of the two
# language schemas, after whether it is the source language).
FILE_SCHEMAS = {PROJECT_FILE: "project", ENTRIES_FILE: "entries", SOURCES_FILE: "sources",
                STATISTICS_FILE: "statistics"}
_TITLES = {"project": "leafletgen project.yaml", "entries": "leafletgen entries.yaml",
           "sources": "leafletgen sources.yaml", "statistics": "leafletgen statistics.yaml",
           "language": "leafletgen text/<language>.yaml (a translation)",
           "source-language": "leafletgen text/<source language>.yaml"}


def _by_id(record: type[BaseModel], description: str) -> dict[str, Any]:
    """A file that maps ids to records: any other key is underlined."""
    schema = TypeAdapter(dict[str, record]).json_schema()  # type: ignore[valid-type]
    item = schema.pop("additionalProperties")
    return {**schema, "description": description, "patternProperties": {ID_PATTERN: item},
            "additionalProperties": False}


def generate() -> dict[str, dict[str, Any]]:
    """Every schema, by name (`project` is written as project.schema.json)."""
    schemas = {
        "project": ProjectFile.model_json_schema(),
        "entries": _by_id(EntrySpec, "The FAQ entries: each id with the sources it cites."),
        "sources": _by_id(SourceSpec, "The sources facts rest on, by id."),
        "statistics": _by_id(StatisticSpec, "The figures leaflets print, by id."),
        "language": LanguageFile.model_json_schema(),
        "source-language": SourceLanguageFile.model_json_schema(),
    }
    return {name: _empty_means_default(_one_line_descriptions({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": _TITLES[name],
        **{key: value for key, value in schema.items() if key != "title"}}))
        for name, schema in schemas.items()}


def _empty_means_default(schema: Any) -> Any:
    """`key:` with nothing after it means a key's default (content.Content), so the
    schema lets a key that has one be empty too: `entries:` while all are commented out."""
    if isinstance(schema, list):
        return [_empty_means_default(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _empty_means_default(value) for key, value in schema.items()}
    required = set(schema.get("required", ()))
    for name, field in schema.get("properties", {}).items():
        if name not in required and {"type": "null"} not in field.get("anyOf", ()):
            described = {key: field[key] for key in ("description", "default", "examples",
                                                     "title") if key in field}
            rest = {key: value for key, value in field.items() if key not in described}
            schema["properties"][name] = {**described, "anyOf": [rest, {"type": "null"}]}
    return schema


def _one_line_descriptions(schema: Any) -> Any:
    """Descriptions come from docstrings wrapped at 100 columns; an editor wraps them itself."""
    if isinstance(schema, dict):
        return {key: " ".join(value.split()) if key == "description" and isinstance(value, str)
                else _one_line_descriptions(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_one_line_descriptions(item) for item in schema]
    return schema


def schema_file_name(name: str) -> str:
    return f"{name}.schema.json"


def rendered() -> dict[str, str]:
    """Every schema file's text, by file name."""
    return {schema_file_name(name): json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
            for name, schema in generate().items()}


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder`; the files that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in rendered().items():
        target = folder / name
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        replace_file(target, text.encode("utf-8"))
        changed.append(target)
    return changed


def modeline(file: Path, schema_dir: Path, name: str) -> str:
    """The first line of a content file that points editors at its schema."""
    relative = os.path.relpath(schema_dir / schema_file_name(name), file.parent)
    return MODELINE + Path(relative).as_posix()


def content_files(root: Path, source_language: str | None) -> dict[Path, str]:
    """Each content file of the project at `root`, with the name of its schema."""
    files = {root / name: schema for name, schema in FILE_SCHEMAS.items()
             if (root / name).is_file()}
    for path in sorted((root / TEXT_DIR).glob("*.yaml")):
        files[path] = "source-language" if path.stem == source_language else "language"
    return files


def set_modeline(path: Path, line: str) -> bool:
    """Make `line` the file's first line (replacing an older modeline); whether it changed."""
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    body = rest if first.startswith(MODELINE) else text
    wanted = f"{line}\n{body}"
    if wanted == text:
        return False
    replace_file(path, wanted.encode("utf-8"), path.stat().st_mode & 0o777)
    return True


def link_project(root: Path, schema_dir: Path, source_language: str | None) -> list[Path]:
    """Point every content file of a project at its schema in `schema_dir`; the files
    that changed."""
    return [path for path, name in content_files(root, source_language).items()
            if set_modeline(path, modeline(path, schema_dir, name))]


def modeline_beside(path: Path, name: str) -> str | None:
    """The modeline a new file in `path`'s folder should have: the one its neighbours use,
    naming schema `name` (a project may keep its schemas anywhere), or None if none has one."""
    for neighbour in sorted(path.parent.glob("*.yaml")):
        with neighbour.open(encoding="utf-8", errors="replace") as stream:
            first = stream.readline().rstrip("\n")
        if first.startswith(MODELINE) and first.endswith(".schema.json"):
            folder = first[len(MODELINE):].rpartition("/")[0]
            return f"{MODELINE}{folder + '/' if folder else ''}{schema_file_name(name)}"
    return None
