"""Property-based: whatever the content, leafletgen builds it or reports a content error;
never a traceback, never a hang past the render time limit."""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, read_yaml
from leafletgen.build import BuildOptions, build, check
from leafletgen.errors import ContentError
from leafletgen.load import load_yaml

# Keys the real files use, so generated structures often reach deep validation code.
KEYS = ["language", "name", "direction", "fallback", "status", "labels", "leaflets",
        "entries", "question", "answer", "translated_from", "card", "title", "sections",
        "main", "legal", "help", "hotline_heading", "figures", "charts", "x", "ünïcode"]
SCALARS = (st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats()
           | st.text(max_size=30) | st.dates(datetime.date(1900, 1, 1)))
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=5),
    max_leaves=25)
# Any text a translator could paste: every plane, controls, marks, right-to-left letters.
PASTED = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=120)
# Text the English font stack can draw, Markdown and placeholder characters included: these
# examples get past the glyph check and through rendering and verification.
DRAWABLE = st.text(st.characters(codec="latin-1", exclude_categories=("Cc",))
                   | st.sampled_from("ąčęėįšųūžĄČĘĖĮŠŲŪŽжизньЖ\n-*_[]()<>{}#!`\\+%"),
                   min_size=1, max_size=160)
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A deeper search than CI's: LEAFLETGEN_EXAMPLES=20 pytest tests/test_properties.py
SCALE = int(os.environ.get("LEAFLETGEN_EXAMPLES", "1"))


def paths(data, prefix=()):
    """Every key path of nested mappings and lists."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, (*prefix, index))


EN = read_yaml(DATA / "small" / "text" / "en.yaml")
EN_PATHS = list(paths(EN))


def replaced(data, path, value):
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = replaced(data[path[0]], path[1:], value)
    return copy


def with_english(text: str) -> Path:
    project = Path(tempfile.mkdtemp(prefix="leafletgen-property-")) / "small"
    shutil.copytree(DATA / "small", project)
    (project / "text" / "en.yaml").write_text(text, encoding="utf-8")
    return project


@settings(SETTINGS, max_examples=100 * SCALE)
@given(st.binary(max_size=400))
def test_any_bytes_load_or_fail_with_a_content_error(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.yaml"
        path.write_bytes(data)
        try:
            load_yaml(path)
        except ContentError as error:
            assert error.problems and all(p.file == path for p in error.problems)


@settings(SETTINGS, max_examples=150 * SCALE)
@given(st.sampled_from(EN_PATHS), STRUCTURES)
def test_any_structure_in_a_language_file_validates_or_fails_with_a_content_error(
        path, value):
    text = yaml.safe_dump(replaced(EN, path, value), allow_unicode=True)
    project = with_english(text)
    try:
        check(project)
    except ContentError as error:
        assert error.problems
    finally:
        shutil.rmtree(project.parent)


@settings(SETTINGS, max_examples=25 * SCALE)
@given(PASTED | DRAWABLE, DRAWABLE)
def test_any_pasted_text_builds_or_fails_with_a_content_error(question: str, answer: str):
    data = replaced(replaced(EN, ("entries", "help", "question"), question),
                    ("entries", "help", "answer"), answer)
    project = with_english(yaml.safe_dump(data, allow_unicode=True))
    try:
        result = build(BuildOptions(project, project.parent / "out", languages=("en",),
                                    time_limit=20))
        assert result.outputs[0].file.is_file()
    except ContentError as error:
        assert error.problems
    finally:
        shutil.rmtree(project.parent)
