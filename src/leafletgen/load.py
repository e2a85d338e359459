"""Stage 1, load: YAML files -> plain data that remembers where every key stands.

PyYAML's own loader forgets line numbers and silently keeps the last of two duplicate
keys; we compose the node tree ourselves so that validation can point at
`text/lt.yaml:14: entries.asylum-legal.answer` and duplicates are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem

MAX_FILE_BYTES = 1_000_000

KeyPath = tuple[str | int, ...]


@dataclass
class YamlFile:
    """One loaded YAML file: its data and the line of every key or item in it."""

    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, key_path: KeyPath) -> int:
        """The line of `key_path`, or of its nearest ancestor we know (a missing key is
        reported at the mapping that should hold it)."""
        while key_path:
            if key_path in self.lines:
                return self.lines[key_path]
            key_path = key_path[:-1]
        return self.lines.get((), 1)


def dotted(key_path: KeyPath) -> str:
    return ".".join(f"[{part}]" if isinstance(part, int) else part for part in key_path).replace(
        ".[", "["
    )


def load_yaml(path: Path) -> YamlFile:
    """Read one YAML file; raise ContentError listing every problem found in it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError(Problem(path, None, "", f"cannot read file: {error.strerror}")) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError(
            Problem(path, None, "", f"file is {len(raw)} bytes, over the limit of {MAX_FILE_BYTES}")
        )
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark from Windows editors is harmless
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError(
            Problem(path, line, "", "not UTF-8 text: save the file as UTF-8")
        ) from None

    loader = _Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else None
            message = error.problem or "syntax error"
            if error.context:
                message = f"{error.context}, {message}"
            hint = " (use spaces, not tabs, to indent)" if "'\\t'" in message else ""
            raise ContentError(
                Problem(path, line, "", f"YAML syntax error: {message}{hint}")
            ) from None
        except yaml.YAMLError as error:
            raise ContentError(Problem(path, None, "", f"YAML error: {error}")) from None
        if root is None:
            raise ContentError(Problem(path, 1, "", "file is empty"))
        if loader.alias_lines:
            # Content has no use for anchors, and aliases allow "billion laughs" bombs:
            # refuse them before anything is expanded.
            raise ContentError([
                Problem(path, line, "", "YAML aliases (*name) are not allowed in content")
                for line in loader.alias_lines
            ])
        builder = _Builder(path, loader)
        data = builder.build(root, ())
    finally:
        loader.dispose()
    if builder.problems:
        raise ContentError(builder.problems)
    return YamlFile(path, data, builder.lines)


class _Loader(yaml.SafeLoader):
    """A safe loader that notes every alias it meets while composing."""

    def __init__(self, text: str):
        super().__init__(text)
        self.alias_lines: list[int] = []

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.alias_lines.append(self.peek_event().start_mark.line + 1)
        return super().compose_node(parent, index)


class _Builder:
    """Turns a composed node tree into Python values, recording lines and problems."""

    def __init__(self, path: Path, loader: yaml.SafeLoader):
        self.path = path
        self.loader = loader
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, key_path: KeyPath) -> Any:
        self.lines.setdefault(key_path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key_path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key_path, index)) for index, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            self.problems.append(
                Problem(self.path, node.start_mark.line + 1, dotted(key_path),
                        f"bad value: {error}")
            )
            return None

    def _mapping(self, node: yaml.MappingNode, key_path: KeyPath) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(self.path, line, dotted(key_path), "keys must be plain text"))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(self.path, line, dotted(key_path), "merge keys (<<) are not allowed")
                )
                continue
            key = str(key_node.value)
            child_path = (*key_path, key)
            if key in result:
                self.problems.append(
                    Problem(self.path, line, dotted(child_path),
                            f"duplicate key (first given on line {self.lines[child_path]})")
                )
                continue
            self.lines[child_path] = line
            result[key] = self.build(value_node, child_path)
        return result
