"""Loading YAML: lines kept, and the traps PyYAML leaves open closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from leafletgen.errors import ContentError
from leafletgen.load import load_yaml


def messages(path: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_yaml(path)
    return [f"{p.line}: {p.key}: {p.message}" if p.key else f"{p.line}: {p.message}"
            for p in caught.value.problems]


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "file.yaml"
    path.write_bytes(data)
    return path


def test_lines_of_keys_and_items_are_kept(tmp_path: Path):
    loaded = load_yaml(write(tmp_path, b"a:\n  b: 1\n  c:\n    - x\n    - y\n"))
    assert loaded.data == {"a": {"b": 1, "c": ["x", "y"]}}
    assert loaded.line(("a", "b")) == 2
    assert loaded.line(("a", "c", 1)) == 5
    assert loaded.line(("a", "missing")) == 1  # reported at the mapping that lacks it


def test_duplicate_keys_are_errors(tmp_path: Path):
    assert messages(write(tmp_path, b"a: 1\nb: 2\na: 3\n")) == [
        "3: a: duplicate key (first given on line 1)"]


def test_aliases_are_refused_before_expansion(tmp_path: Path):
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n".encode()
        for i in range(8))
    assert messages(write(tmp_path, bomb)) == [
        f"{line}: YAML aliases (*name) are not allowed in content" for line in range(2, 10)]


def test_tabs_are_explained(tmp_path: Path):
    assert messages(write(tmp_path, b"a:\n\tb: 1\n")) == [
        "2: YAML syntax error: while scanning for the next token, found character '\\t' "
        "that cannot start any token (use spaces, not tabs, to indent)"]


def test_empty_and_non_utf8_files(tmp_path: Path):
    assert messages(write(tmp_path, b"# only a comment\n")) == ["1: file is empty"]
    assert messages(write(tmp_path, "a: 1\nb: Lietuvių\n".encode("cp1257"))) == [
        "2: not UTF-8 text: save the file as UTF-8"]


def test_byte_order_mark_is_accepted(tmp_path: Path):
    assert load_yaml(write(tmp_path, b"\xef\xbb\xbfa: 1\n")).data == {"a": 1}


def test_oversized_file_is_refused(tmp_path: Path):
    assert messages(write(tmp_path, b"a: " + b"x" * 1_100_000 + b"\n")) == [
        "None: file is 1100004 bytes, over the limit of 1000000"]
