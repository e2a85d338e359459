"""Stage 1, load: a project folder's YAML files -> plain data that remembers where every
key stands.

PyYAML's own loader forgets line numbers and silently keeps the last of two duplicate
keys; we compose the node tree ourselves so that validation can point at
`text/lt.yaml:14: entries.asylum-legal.answer` and duplicates are reported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem, ProblemList
from .filenames import ENTRIES_FILE, PROJECT_FILE, SOURCES_FILE, STATISTICS_FILE, TEXT_DIR
from .files import read_content

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40  # content is a few levels deep; a deeper file is a mistake or an attack
# Tags content may carry, explicitly or resolved: plain scalars and collections. Others
# (!!binary, !!set, !!python/...) have no use here.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}"
               for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}

KeyPath = tuple[str | int, ...]


@dataclass
class YamlFile:
    """One loaded YAML file: its data and the line of every key or item in it."""

    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    columns: dict[KeyPath, int] = field(default_factory=dict)  # 1-based, where the key starts

    def line(self, key_path: KeyPath) -> int:
        """The line of `key_path`, or of its nearest ancestor we know (a missing key is
        reported at the mapping that should hold it)."""
        return self.position(key_path)[0]

    def position(self, key_path: KeyPath) -> tuple[int, int | None]:
        """The line and column of `key_path`, or of its nearest ancestor we know."""
        while key_path:
            if key_path in self.lines:
                return self.lines[key_path], self.columns.get(key_path)
            key_path = key_path[:-1]
        return self.lines.get((), 1), None  # the file as a whole

    def problem(self, key_path: KeyPath, message: str) -> Problem:
        """A problem at `key_path` in this file."""
        line, column = self.position(key_path)
        return Problem(self.path, line, dotted(key_path), message, column)


def dotted(key_path: KeyPath) -> str:
    return ".".join(f"[{part}]" if isinstance(part, int) else part for part in key_path).replace(
        ".[", "["
    )


def load_yaml(path: Path, within: Iterable[Path] | None = None,
              replacement: bytes | None = None) -> YamlFile:
    """Read one YAML file (a regular file inside one of the folders `within`), or take
    `replacement` as its new content; raise ContentError listing every problem in it."""
    raw = read_content(path, MAX_FILE_BYTES, within) if replacement is None else replacement
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark from Windows editors is harmless
    except UnicodeDecodeError as error:
        bad_line = raw[: error.start].count(b"\n") + 1
        raise ContentError(
            Problem(path, bad_line, "", "not UTF-8 text: save the file as UTF-8")
        ) from None

    root, loader = _composed_by_libyaml(text) or _composed(path, text)
    try:
        builder = _Builder(path, loader)
        data = builder.build(root, ())
    finally:
        loader.dispose()
    if builder.problems:
        raise ContentError(builder.problems)
    return YamlFile(path, data, builder.lines, builder.columns)


def _composed_by_libyaml(text: str) -> tuple[yaml.Node, yaml.CSafeLoader] | None:
    """The node tree of a file that is well formed, has no alias and is not deep, composed
    by libyaml, about fifteen times faster than PyYAML's own parser; None for any other
    file (or without libyaml), which _composed reads and reports on as it always has. The
    events are read first, without composing, so that no alias is composed. libyaml
    refuses the very characters PyYAML does (every code point was tried), so a file
    that holds one goes to _composed too."""
    if not yaml.__with_libyaml__:
        return None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent):
                return None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth >= MAX_DEPTH - 1:  # leaves count as a level in _Loader's depth
                    return None
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        loader = yaml.CSafeLoader(text)
        root = loader.get_single_node()
    except yaml.YAMLError:
        return None
    if root is None:
        loader.dispose()
        return None
    return root, loader


def _composed(path: Path, text: str) -> tuple[yaml.Node, _Loader]:
    """The node tree, composed by PyYAML's own parser; ContentError with the file's
    problem where it stands (a syntax error, every alias, too deep, empty)."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:
        # NUL and other characters YAML refuses anywhere in a file (reported before parsing).
        at = text[: error.position].count("\n") + 1
        raise ContentError(Problem(path, at, "", f"contains the character U+{error.character:04X}"
                                   ", which YAML files may not hold: delete it")) from None
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else None
            column = mark.column + 1 if mark else None
            message = error.problem or "syntax error"
            if error.context:
                message = f"{error.context}, {message}"
            hint = " (use spaces, not tabs, to indent)" if "'\\t'" in message else ""
            if "mapping values are not allowed here" in message:
                hint = (" (a text with a colon and a space in it must be in quotes: "
                        "answer: \"Note: like this\")")
            raise ContentError(
                Problem(path, line, "", f"YAML syntax error: {message}{hint}", column)
            ) from None
        except yaml.YAMLError as error:
            raise ContentError(Problem(path, None, "", f"YAML error: {error}")) from None
        except _TooDeep as error:
            raise ContentError(Problem(path, error.line, "", f"nested more than {MAX_DEPTH} "
                                       "levels deep")) from None
        if root is None:
            raise ContentError(Problem(path, 1, "", "file is empty"))
        if loader.alias_lines:
            # Content has no use for anchors, and aliases allow "billion laughs" bombs:
            # refuse them before anything is expanded.
            raise ContentError([
                Problem(path, line, "", "YAML aliases (*name) are not allowed in content")
                for line in loader.alias_lines
            ])
    except ContentError:
        loader.dispose()
        raise
    return root, loader


@dataclass
class LoadedProject:
    """Stage 1's output for a whole project folder."""

    root: Path
    project: YamlFile
    entries: YamlFile
    sources: YamlFile | None
    texts: dict[str, YamlFile]  # language code (the file's stem) -> file
    statistics: YamlFile | None = None


def load_project(root: Path) -> LoadedProject:
    """Load every content file of the project, reporting the problems of all of them."""
    root = root.resolve()
    problems = ProblemList()
    if not (root / PROJECT_FILE).is_file():
        problems.add(root / PROJECT_FILE, None, "", "missing: this folder is not a leafletgen "
                     "project (run `leafletgen init DIR` to start one)")
        problems.raise_if_any()

    def load(path: Path) -> YamlFile | None:
        try:
            return load_yaml(path, within=(root,))
        except ContentError as error:
            problems.extend(error.problems)
            return None

    project = load(root / PROJECT_FILE)
    entries = load(root / ENTRIES_FILE) if (root / ENTRIES_FILE).exists() else None
    if entries is None and not (root / ENTRIES_FILE).exists():
        problems.add(root / ENTRIES_FILE, None, "", "missing: the project's FAQ entries")
    sources = load(root / SOURCES_FILE) if (root / SOURCES_FILE).exists() else None
    statistics = load(root / STATISTICS_FILE) if (root / STATISTICS_FILE).exists() else None
    texts: dict[str, YamlFile] = {}
    text_dir = root / TEXT_DIR
    for path in sorted(text_dir.glob("*.yaml")) if text_dir.is_dir() else []:
        loaded = load(path)
        if loaded is not None:
            texts[path.stem] = loaded
    for path in sorted(text_dir.glob("*.yml")) if text_dir.is_dir() else []:
        problems.add(path, None, "", "language files end in .yaml")
    problems.raise_if_any()
    assert project is not None and entries is not None
    return LoadedProject(root, project, entries, sources, texts, statistics)


class _Loader(yaml.SafeLoader):
    """A safe loader that notes every alias it meets while composing."""

    def __init__(self, text: str):
        super().__init__(text)
        self.alias_lines: list[int] = []
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.alias_lines.append(self._next_line())
        # Composing recurses once per level: stop long before Python's recursion limit.
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self._next_line())
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


    def _next_line(self) -> int:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        return event.start_mark.line + 1 if event.start_mark else 0


class _TooDeep(Exception):
    def __init__(self, line: int):
        self.line = line


class _Builder:
    """Turns a composed node tree into Python values, recording lines and problems."""

    def __init__(self, path: Path, loader: yaml.constructor.SafeConstructor):
        self.path = path
        self.loader = loader
        self.lines: dict[KeyPath, int] = {}
        self.columns: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, key_path: KeyPath) -> Any:
        if key_path not in self.lines:
            self.lines[key_path] = node.start_mark.line + 1
            self.columns[key_path] = node.start_mark.column + 1
        if node.tag not in _PLAIN_TAGS:
            self.problems.append(self._at(node, key_path,
                                          f"the YAML tag {node.tag!r} is not allowed in content"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key_path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key_path, index)) for index, item in enumerate(node.value)]
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            # A date like 2024-13-45, or an integer of thousands of digits.
            problem = getattr(error, "problem", None) or str(error)
            if "digits" in problem:  # Python's guard against integers of thousands of digits
                problem = "a number far too long"
            self.problems.append(self._at(node, key_path,
                                          f"bad value {node.value[:40]!r}: {problem}"))
            return None
        if isinstance(value, str):
            self.problems.extend(self._at(node, key_path, message)
                                 for message in character_problems(value))
        return value

    def _at(self, node: yaml.Node, key_path: KeyPath, message: str) -> Problem:
        """A problem at the key of `key_path` (where validation's problems point too), or
        at `node` when it has none."""
        line = self.lines.get(key_path, node.start_mark.line + 1)
        column = self.columns.get(key_path, node.start_mark.column + 1)
        return Problem(self.path, line, dotted(key_path), message, column)

    def _at_node(self, node: yaml.Node, key_path: KeyPath, message: str) -> Problem:
        mark = node.start_mark
        return Problem(self.path, mark.line + 1, dotted(key_path), message, mark.column + 1)

    def _mapping(self, node: yaml.MappingNode, key_path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(self._at_node(key_node, key_path, "keys must be plain text"))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(self._at_node(key_node, key_path,
                                                   "merge keys (<<) are not allowed"))
                continue
            key = str(key_node.value)
            child_path = (*key_path, key)
            if key in result:
                self.problems.append(self._at_node(
                    key_node, child_path,
                    f"duplicate key (first given on line {self.lines[child_path]})"))
                continue
            self.lines[child_path] = line
            self.columns[child_path] = key_node.start_mark.column + 1
            result[key] = self.build(value_node, child_path)
        return result


# Invisible characters that copy-paste from chats and PDFs brings along. Direction marks and
# embeddings fight the isolation leafletgen does itself (an RLO prints the hotline backwards);
# the others break words, searches and line breaking without showing.
_DIRECTION_CONTROLS = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_INVISIBLE = {0x00AD: "a soft hyphen", 0x180E: "a Mongolian vowel separator",
              0x200B: "a zero-width space", 0x2060: "a word joiner",
              0xFEFF: "a zero-width no-break space (a stray byte-order mark)",
              0xFFFC: "an object replacement character",
              0xFFFD: "a replacement character (text damaged by a wrong encoding)"}
_JOINERS = {0x200C, 0x200D}  # ZWNJ and ZWJ: needed inside Persian, Kurdish and Indic words
_NAMED = frozenset({*_DIRECTION_CONTROLS, *_INVISIBLE, *_JOINERS})


def character_problems(text: str) -> list[str]:
    """What is wrong with the characters of one text value, one message per kind."""
    if not any(map(_suspect, set(text))):  # each character once, not each of its places
        return []
    found: dict[str, str] = {}
    for index, char in enumerate(text):
        code = ord(char)
        where = f"(U+{code:04X}, character {index + 1})"
        if code in _DIRECTION_CONTROLS:
            found.setdefault("direction", f"contains a direction control {where}: leafletgen "
                             "isolates numbers and Latin words itself; delete it")
        elif code in _INVISIBLE:
            found.setdefault(f"invisible {code}", f"contains {_INVISIBLE[code]} {where}: "
                             "delete it")
        elif code in _JOINERS and not _inside_word(text, index):
            found.setdefault("joiner", f"contains a zero-width joiner or non-joiner outside a "
                             f"word {where}: it belongs between two letters only; delete it")
        elif (code < 0x20 and char not in "\t\n") or 0x7F <= code <= 0x9F:
            found.setdefault("control", f"contains a control character {where}: delete it")
        elif code in (0x2028, 0x2029):
            # A line or paragraph separator: fonts have no glyph for it (it prints as a
            # box), and the line breaks it stands for are written as blank lines here.
            found.setdefault("separator", f"contains a Unicode line or paragraph separator "
                             f"{where}: use a new line (or a blank line) instead")
        elif 0xD800 <= code <= 0xDFFF:
            found.setdefault("surrogate", f"contains half of a UTF-16 pair {where}, which is "
                             "not a character: retype the text around it")
        elif unicodedata.category(char) == "Cf" and code not in _JOINERS:
            found.setdefault(f"format {code}", f"contains an invisible formatting character "
                             f"{where} ({unicodedata.name(char, 'unnamed')}): delete it")
    return list(found.values())


def _suspect(char: str) -> bool:
    """Whether character_problems may have something to say of `char` somewhere."""
    return char not in "\t\n" and (ord(char) in _NAMED or unicodedata.category(char) in
                                     ("Cc", "Cf", "Cs", "Zl", "Zp"))


def _inside_word(text: str, index: int) -> bool:
    def is_letter(position: int) -> bool:
        return 0 <= position < len(text) and unicodedata.category(text[position])[0] in "LM"
    return is_letter(index - 1) and is_letter(index + 1)
