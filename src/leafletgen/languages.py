"""The one place that knows what a language code means: the script it is written in, its
direction, the fonts it is set in, the CLDR locale that writes its numbers and dates, and
whether CLDR knows it.
All of it comes from CLDR through Babel (likely subtags, aliases), not from a hand table:
`hi` is Devanagari, `bn` Bengali, `prs` (Dari) is CLDR's `fa-AF`, `kmr` its `ku`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from .options import Direction

# Scripts written right to left (Unicode's list of those in use).
RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand",
                         "Samr", "Yezi"})


def _aliases() -> Mapping[str, str]:
    return get_global("language_aliases")


def cldr_code(code: str) -> str:
    """The code CLDR files a language under: `prs` -> `fa_AF`, `iw` -> `he`, `lt` -> `lt`."""
    language, *rest = code.split("-")
    alias = _aliases().get(language)
    return "_".join([alias, *rest]) if alias else code.replace("-", "_")


@functools.cache
def script_of(code: str) -> str:
    """The ISO 15924 script a language is written in: its code's script subtag, else the
    one CLDR's likely subtags give (`hi` -> Deva, `ckb` -> Arab, `ti` -> Ethi), else Latin."""
    for part in code.split("-")[1:]:
        if len(part) == 4:
            return part
    language = cldr_code(code)  # an alias may name the script: `sr_Latn`
    likely = get_global("likely_subtags")
    for candidate in (language, language.split("_")[0]):
        for subtag in [*candidate.split("_")[1:], *(likely.get(candidate) or "").split("_")[1:]]:
            if len(subtag) == 4:
                return str(subtag)
    return "Latn"


def direction_of(code: str) -> Direction:
    return "rtl" if script_of(code) in RTL_SCRIPTS else "ltr"


# Languages CLDR knows (their script, their region) but writes no locale data for: their
# numbers and dates are written as in the nearest language it has.
_NEAREST_LOCALE = {"arz": "ar_EG"}


@functools.cache
def babel_locale(code: str) -> Locale:
    """The CLDR locale for a language code; the bare language if the region or script is
    unknown, and English (with a plain, unambiguous format) when CLDR has no data at all."""
    language = code.split("-")[0]
    for candidate in (cldr_code(code), cldr_code(language), _NEAREST_LOCALE.get(language, "")):
        if not candidate:
            continue
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")


def unknown_subtag(code: str) -> str | None:
    """What in a well-formed language code CLDR does not know: `xx`, `ar-Latx`, `lt-QQ`."""
    names = Locale("en")
    language, *rest = code.split("-")
    if language not in names.languages and language not in _aliases():
        return f"an unknown language {language!r} (a code from ISO 639, e.g. lt, ar, ckb)"
    for subtag in rest:
        known = names.scripts if len(subtag) == 4 else names.territories
        if subtag not in known:
            kind = "script" if len(subtag) == 4 else "region"
            return f"an unknown {kind} {subtag!r} in {code!r}"
    return None


# Scripts whose glyphs are stored out of reading order (vowel signs before consonants), so
# a PDF's text layer cannot give the words back reliably.
REORDERING_SCRIPTS = frozenset({"Beng", "Deva", "Gujr", "Guru", "Khmr", "Knda", "Mlym", "Mymr",
                                "Orya", "Sinh", "Taml", "Telu"})

# Scripts that set smaller than Latin at the same size (a small x-height, dense strokes):
# the built-in templates give them a point more.
SMALL_SETTING_SCRIPTS = frozenset({"Arab", "Ethi", "Beng", "Deva", "Gujr", "Guru", "Knda",
                                   "Mlym", "Sinh", "Taml", "Telu"})

# Each script's fonts, in order; Noto Sans last so that Latin names, URLs and digits inside
# any text come out in one consistent face. A project overrides a language's stack with
# `fonts: {<code>: [family, ...]}` in project.yaml.
DEFAULT_FONT_STACKS = {
    "Latn": ("Noto Sans",),
    "Cyrl": ("Noto Sans",),
    "Grek": ("Noto Sans",),
    "Arab": ("Noto Naskh Arabic", "Noto Sans"),
    "Armn": ("Noto Sans Armenian", "Noto Sans"),
    "Beng": ("Noto Sans Bengali", "Noto Sans"),
    "Deva": ("Noto Sans Devanagari", "Noto Sans"),
    "Ethi": ("Noto Sans Ethiopic", "Noto Sans"),
    "Geor": ("Noto Sans Georgian", "Noto Sans"),
    "Guru": ("Noto Sans Gurmukhi", "Noto Sans"),
    "Hebr": ("Noto Sans Hebrew", "Noto Sans"),
    "Sinh": ("Noto Sans Sinhala", "Noto Sans"),
    "Taml": ("Noto Sans Tamil", "Noto Sans"),
}


def default_font_stack(code: str) -> tuple[str, ...]:
    """The fonts a language is set in unless the project says otherwise."""
    return DEFAULT_FONT_STACKS.get(script_of(code), DEFAULT_FONT_STACKS["Latn"])
