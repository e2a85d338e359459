"""Loading YAML: lines kept, and the traps PyYAML leaves open closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUNDLED, DATA
from leafletgen import load
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
    assert messages(write(tmp_path, b"a: &x 1\nb: *x\n")) == [
        "2: YAML aliases (*name) are not allowed in content"]


def test_tabs_are_explained(tmp_path: Path):
    assert messages(write(tmp_path, b"a:\n\tb: 1\n")) == [
        "2: YAML syntax error: while scanning for the next token, found character '\\t' "
        "that cannot start any token (use spaces, not tabs, to indent)"]


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x9f", "\ufffe"])
def test_a_character_yaml_refuses_is_named_with_its_line(tmp_path: Path, char: str):
    path = write(tmp_path, f'a: 1\nb: "Sienos{char} Grupė"\n'.encode())
    assert messages(path) == [f"2: contains the character U+{ord(char):04X}, which YAML "
                              "files may not hold: delete it"]


def test_empty_and_non_utf8_files(tmp_path: Path):
    assert messages(write(tmp_path, b"# only a comment\n")) == ["1: file is empty"]
    assert messages(write(tmp_path, "a: 1\nb: Lietuvių\n".encode("cp1257"))) == [
        "2: not UTF-8 text: save the file as UTF-8"]


def test_byte_order_mark_is_accepted(tmp_path: Path):
    assert load_yaml(write(tmp_path, b"\xef\xbb\xbfa: 1\n")).data == {"a": 1}


def test_oversized_file_is_refused(tmp_path: Path):
    assert messages(write(tmp_path, b"a: " + b"x" * 1_100_000 + b"\n")) == [
        "None: file is 1100004 bytes, over the limit of 1000000"]


def _read(path: Path):
    try:
        loaded = load_yaml(path)
    except ContentError as error:
        return [str(problem) for problem in error.problems]
    return loaded.data, loaded.lines, loaded.columns


def test_libyaml_reads_every_file_as_pyyamls_own_parser_does(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    # Values, lines and columns (past letters of every plane) through libyaml, and the same
    # files through the parser that reports problems; a file that is not well formed, has
    # an alias or is nested deep is read by that parser alone.
    flow = write(tmp_path, "a: {x: ąčęėį, y: 2}\nb: [ž, 𝔸𝔹, {c: 1}]\nc: 2024-01-15\n".encode())
    paths = [flow, *sorted(BUNDLED.rglob("*.yaml")), *sorted(DATA.rglob("*.yaml"))]
    assert all(load._composed_by_libyaml(path.read_text(encoding="utf-8-sig")) is not None
               for path in paths)
    through_libyaml = [_read(path) for path in paths]
    monkeypatch.setattr(load, "_composed_by_libyaml", lambda text: None)
    assert [_read(path) for path in paths] == through_libyaml
    assert through_libyaml[0][2][("a", "y")] == 15 and through_libyaml[0][2][("b", 2, "c")] == 13


@pytest.mark.parametrize(("char", "named"), [
    ("\u00ad", "a soft hyphen"), ("\u180e", "a Mongolian vowel separator"),
    ("\u200b", "a zero-width space"), ("\u2060", "a word joiner"),
    ("\ufeff", "a zero-width no-break space (a stray byte-order mark)"),
    ("\ufffc", "an object replacement character"),
    ("\ufffd", "a replacement character (text damaged by a wrong encoding)")])
def test_each_invisible_character_is_named(tmp_path: Path, char: str, named: str):
    path = write(tmp_path, f'a: "Sienos {char}Grupė"\n'.encode())
    assert messages(path) == [f"1: a: contains {named} (U+{ord(char):04X}, character 8): "
                              "delete it"]
