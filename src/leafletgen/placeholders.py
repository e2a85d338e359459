"""Placeholders in translatable text: `{hotline}`, `{website}`, `{source:criminal-code}`.

The hotline is written once, in project.yaml, and every language prints it through
`{hotline}`, so no translation can carry a mistyped digit. A translation must keep every
placeholder of its source text, and may add none; `{{` and `}}` print literal braces.
"""

from __future__ import annotations

import re
from collections import Counter

# A placeholder, or an escaped brace, or a lone brace (a broken placeholder).
_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z]+(?::[a-z0-9-]+)?)\}|[{}]")
SIMPLE_NAMES = ("hotline", "website")


def placeholders(text: str) -> tuple[Counter[str], list[str]]:
    """The placeholders of a text with their counts, and the problems with its braces."""
    found: Counter[str] = Counter()
    problems = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is None:
            snippet = text[max(0, match.start() - 10):match.end() + 10]
            problems.append(f"broken placeholder near {snippet!r}: write {{name}}, or {{{{ "
                            "and }} for literal braces")
            continue
        found[match.group(1)] += 1
    return found, problems


def fill(text: str, values: dict[str, str], missing: str | None = None) -> str:
    """The text with its placeholders replaced (they were validated before). A placeholder
    without a value stays as written, or becomes `missing` when that is given."""
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values.get(match.group(1) or "", token if missing is None else missing)

    return _TOKEN.sub(replace, text)


def in_order(text: str) -> list[str]:
    """The placeholders of a text in the order they stand, repeats included."""
    return [match.group(1) for match in _TOKEN.finditer(text) if match.group(1)]
