"""Figures kept honest: no hand-typed copies, no stale values.

A figure typed into a translation by hand is the one that ends up wrong when the
statistics change. Every number in a translated entry must therefore also be in its
source text (years, article numbers); figures come through `{stat:<id>}` placeholders.
These are warnings; `build --strict` makes them errors.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from .errors import Problem
from .filenames import SOURCES_FILE, STATISTICS_FILE
from .model import Project
from .placeholders import fill

# A number as text writes it: 1162, 1 162, 1,162, 24.5 (grouping by spaces of any kind).
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f,.]\d{3})*(?:[.,]\d+)?")


def _numbers(text: str) -> list[str]:
    """The numbers in a text, placeholders left out, digits of any script made ASCII and
    grouping removed: `۲۹۱` -> `291`, `1 162` -> `1162`."""
    text = fill(text, {}, missing=" ")
    ascii_digits = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)
    return [re.sub(r"[ \u00a0\u202f,.](?=\d{3}\b)", "", match)
            for match in _NUMBER.findall(ascii_digits)]


def _value_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def figure_warnings(project: Project, today: datetime.date) -> list[Problem]:
    problems: list[Problem] = []
    by_value: dict[str, str] = {}
    for stat in project.statistics.values():
        by_value.setdefault(_value_text(stat.value), stat.id)
    source = project.languages.get(project.organisation.source_language)
    if source is None:
        return problems
    for entry_id, text in source.entries.items():
        for field in ("question", "answer"):
            key = f"entries.{entry_id}.{field}"
            for number in _numbers(getattr(text, field)):
                if number in by_value:
                    problems.append(Problem(
                        source.file, source.line(key), key,
                        f"the figure {number} is typed by hand: write "
                        f"{{stat:{by_value[number]}}} so it follows statistics.yaml"))
    for language in project.languages.values():
        if language.is_source:
            continue
        for entry_id, text in language.entries.items():
            if entry_id not in source.entries:
                continue
            for field in ("question", "answer"):
                key = f"entries.{entry_id}.{field}"
                allowed = _numbers(getattr(source.entries[entry_id], field))
                for number in _numbers(getattr(text, field)):
                    if number in allowed:
                        continue
                    hint = (f"; it is the figure {{stat:{by_value[number]}}}: write that"
                            if number in by_value else "")
                    problems.append(Problem(
                        language.file, language.line(key), key,
                        f"the number {number} is not in the source text{hint}"))
    statistics_file = project.root / STATISTICS_FILE
    for stat in project.statistics.values():
        age = (today - stat.as_of).days
        if age > project.statistics_max_age_days:
            problems.append(Problem(
                statistics_file, stat.line, stat.id,
                f"figure as of {stat.as_of.isoformat()} is {age} days old (the limit is "
                f"{project.statistics_max_age_days}, statistics_max_age_days in project.yaml)"))
    problems += future_date_warnings(project, today)
    return sorted(set(problems))


def future_date_warnings(project: Project, today: datetime.date) -> list[Problem]:
    """A source or a figure dated after today is a typo (2042 for 2024) until the day
    comes: a reader would take it as a misprint, or the figure as made up."""
    problems = []
    for source in project.sources.values():
        if source.date > today:
            problems.append(Problem(project.root / SOURCES_FILE, source.line, f"{source.id}.date",
                                    f"{source.date.isoformat()} is in the future: check it"))
    for stat in project.statistics.values():
        if stat.as_of > today:
            problems.append(Problem(project.root / STATISTICS_FILE, stat.line, f"{stat.id}.as_of",
                                    f"{stat.as_of.isoformat()} is in the future: check it"))
    return problems
