"""Numbers, percentages, dates and quotation marks as each language writes them, from CLDR
(through Babel, and CLDR's delimiters in cldr/quotation-marks.json).

`1162` is `1,162` in English, `1 162` in Lithuanian (a no-break space) and `1.162` in
Pashto; a date is `13 lipca 2021` in Polish and `2021 m. liepos 13 d.` in Lithuanian.
Templates reach these through the `number`, `percent` and `date` filters.
"""

from __future__ import annotations

import datetime
import functools
import json
from pathlib import Path

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

from .languages import babel_locale


def format_number(value: float, code: str) -> str:
    return format_decimal(value, locale=babel_locale(code))


def format_percentage(fraction: float, code: str) -> str:
    """`0.24` -> `24%`, `24 %`, ... as the language writes it."""
    return format_percent(fraction, locale=babel_locale(code))


@functools.lru_cache(maxsize=4096)  # every document formats every figure for placeholders
def format_figure(value: float, unit: str, code: str) -> str:
    """A statistic as the language writes it: percentages are stored as 24 for 24 %."""
    if unit == "percent":
        return format_percentage(value / 100, code)
    return format_number(value, code)


def format_date(value: datetime.date, code: str) -> str:
    """A date as the language writes it, that never breaks across lines: its spaces are
    no-break spaces, and a word joiner holds the characters of a CJK date together
    (`2000年9月26日` may break at every character)."""
    written = _babel_date(value, "long", locale=babel_locale(code)).replace(" ", "\u00a0")
    return WORD_JOINER.join(written) if any(map(_is_cjk, written)) else written


WORD_JOINER = "\u2060"


def _is_cjk(char: str) -> bool:
    """An ideograph or kana: a line may break before or after any of them."""
    return "\u3040" <= char <= "\u30ff" or "\u3400" <= char <= "\u9fff"


@functools.cache
def _quotation_marks() -> dict[str, str]:
    """Each CLDR locale's quotation marks: start, end, and the inner pair (`“”‘’`)."""
    path = Path(__file__).parent / "cldr" / "quotation-marks.json"
    marks: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["marks"]
    return marks


def quotation_marks(code: str) -> tuple[str, str]:
    """The marks a language opens and closes a quotation with: `“` `”` in English,
    `„` `“` in Lithuanian, `«` `»` in Russian, `”` `“` in Arabic (in reading order)."""
    locale = babel_locale(code)
    marks = _quotation_marks()
    for name in (str(locale), locale.language):
        if name in marks:
            return marks[name][0], marks[name][1]
    return "\u201c", "\u201d"


def curl_quotes(text: str, code: str) -> str:
    """Straight double quotes, in pairs, as the language writes them: `"illegals"` is
    `“illegals”` in English, `„nelegalais“` in Lithuanian. A text with an odd number of
    them is left alone: which one opens is anybody's guess."""
    if text.count('"') % 2:
        return text
    start, end = quotation_marks(code)
    parts = text.split('"')
    return "".join(part + (start if index % 2 == 0 else end) if index < len(parts) - 1
                   else part for index, part in enumerate(parts))
