"""The JSON Schemas editors read: current with the content model, named by every content
file, and strict enough to underline what `leafletgen check` refuses."""

from __future__ import annotations

import datetime
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import BUNDLED, REPO
from leafletgen import schemas

SHIPPED = REPO / "src" / "leafletgen" / "schemas"


def _as_json(value):
    """YAML data as an editor's YAML server sees it: dates are text."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    return value.isoformat() if isinstance(value, datetime.date) else value


def _schema_named_by(path: Path) -> Path:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema="), path
    return (path.parent / first.split("=", 1)[1]).resolve()


def _problems(path: Path, data=None) -> list[str]:
    schema = yaml.safe_load(_schema_named_by(path).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")) if data is None else data)
    return sorted(f"{'.'.join(map(str, error.absolute_path))}: {error.validator}"
                  for error in _deepest(validator.iter_errors(data)))


def _deepest(errors):
    """Each error where it is, not at the `anyOf` around it (a key that may also be left
    empty), as an editor shows it."""
    for error in errors:
        inner = [e for e in error.context or () if e.schema != {"type": "null"}]
        yield from _deepest(inner) if inner else [error]


def test_the_shipped_schemas_are_those_the_model_gives():
    shipped = {path.name: path.read_text(encoding="utf-8") for path in SHIPPED.glob("*.json")}
    assert shipped == schemas.rendered(), ("the schemas are out of date: run "
                                           "`python -c 'from leafletgen import schemas; "
                                           "schemas.write_schemas(schemas.SHIPPED_DIR)'`")


CONTENT_FILES = sorted(BUNDLED.glob("*.yaml")) + sorted((BUNDLED / "text").glob("*.yaml"))


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: str(p.relative_to(BUNDLED)))
def test_every_bundled_file_names_its_schema_and_keeps_to_it(path: Path):
    expected = {"project.yaml": "project", "entries.yaml": "entries", "sources.yaml": "sources",
                "statistics.yaml": "statistics", "en.yaml": "source-language"}
    schema = _schema_named_by(path)
    assert schema.parent == SHIPPED
    assert schema.name == f"{expected.get(path.name, 'language')}.schema.json"
    assert _problems(path) == []


def test_the_schema_underlines_a_misspelt_key_a_wrong_value_and_a_missing_key():
    path = BUNDLED / "text" / "lt.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = data["entries"]["asylum-legal"]
    entry["answr"] = entry.pop("answer")
    data["status"] = "done"
    data["language"]["direction"] = "up"
    del data["labels"]["draft_mark"]
    assert _problems(path, data) == [
        "entries.asylum-legal: additionalProperties",
        "entries.asylum-legal: required",
        "labels: required",
        "language.direction: enum",
        "status: enum",
    ]


def test_the_schema_underlines_a_bad_id_a_bad_address_and_a_number_as_text():
    sources = yaml.safe_load((BUNDLED / "sources.yaml").read_text(encoding="utf-8"))
    first = next(iter(sources))
    sources["Bad Id"] = sources[first]
    sources[first] = {**sources[first], "url": "javascript:alert(1)"}
    assert _problems(BUNDLED / "sources.yaml", sources) == [
        ": additionalProperties", f"{first}.url: pattern"]
    project = yaml.safe_load((BUNDLED / "project.yaml").read_text(encoding="utf-8"))
    project["leaflets"]["village-handout"]["pages"] = "two"
    project["organisation"]["hotline"] = 37060871204
    assert _problems(BUNDLED / "project.yaml", project) == [
        "leaflets.village-handout.pages: type", "organisation.hotline: type"]


def test_init_gives_a_project_whose_files_name_schemas_it_holds(run, tmp_path: Path):
    code, _, _ = run("init", tmp_path / "new")
    assert code == 0
    project = tmp_path / "new"
    files = [*project.glob("*.yaml"), *(project / "text").glob("*.yaml")]
    assert len(files) == 4
    for path in files:
        assert _schema_named_by(path).parent == (project / "schemas").resolve()
        assert _problems(path) == []
    code, _, stderr = run("lang", "add", "de", "-p", project)
    assert code == 0, stderr
    assert _schema_named_by(project / "text" / "de.yaml") == (
        project / "schemas" / "language.schema.json").resolve()
    assert _problems(project / "text" / "de.yaml") == []


def test_the_schemas_command_links_a_project_that_had_none(run, small_project: Path):
    assert not (small_project / "schemas").exists()
    code, stdout, stderr = run("schemas", "-p", small_project)
    assert (code, stderr) == (0, "")
    assert stdout == "6 schema(s) written to small/schemas/, 5 file(s) now name theirs\n"
    assert _schema_named_by(small_project / "text" / "en.yaml").name == \
        "source-language.schema.json"
    assert _schema_named_by(small_project / "text" / "lt.yaml").name == "language.schema.json"
    for path in [*small_project.glob("*.yaml"), *(small_project / "text").glob("*.yaml")]:
        assert _problems(path) == [], path
    # Run again, nothing changes; the project still checks.
    assert run("schemas", "-p", small_project)[1] == (
        "0 schema(s) written to small/schemas/, 0 file(s) now name theirs\n")
    assert run("check", "-p", small_project)[0] == 0
