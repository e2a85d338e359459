"""The one error type for user mistakes, and the located problems it carries.

Anything that is not a ContentError is a bug in leafletgen and keeps its traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the user's project, located as precisely as we know."""

    file: Path | None
    line: int | None
    key: str
    message: str
    column: int | None = None  # 1-based, as editors count

    def __str__(self) -> str:
        parts = []
        if self.file:
            place = f":{self.line}" if self.line else ""
            place += f":{self.column}" if self.line and self.column else ""
            parts.append(display_path(self.file) + place)
        if self.key:
            parts.append(self.key)
        return ": ".join([*parts, self.message])


class ContentError(Exception):
    """The project's content, or what was built from it, is wrong; every problem at once."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        # Sorted so the report reads file by file, line by line, whatever order checks ran in.
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


def _sort_key(problem: Problem) -> tuple[str, int, int, str, str]:
    return (str(problem.file or ""), problem.line or 0, problem.column or 0, problem.key,
            problem.message)


class ProblemList:
    """Collects problems while a stage carries on, then raises them all together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: Path | None, line: int | None, key: str, message: str,
            column: int | None = None) -> None:
        self.items.append(Problem(file, line, key, message, column))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
