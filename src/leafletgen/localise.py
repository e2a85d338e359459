"""Numbers, percentages and dates as each language writes them, from CLDR through Babel.

`1162` is `1,162` in English, `1 162` in Lithuanian (a no-break space) and `1.162` in
Pashto; a date is `13 lipca 2021` in Polish and `2021 m. liepos 13 d.` in Lithuanian.
Templates reach these through the `number`, `percent` and `date` filters.
"""

from __future__ import annotations

import datetime
import functools

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
    return _babel_date(value, "long", locale=babel_locale(code))
