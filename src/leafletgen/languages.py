"""The one place that knows what a language code means: the script it is written in, its
direction, the fonts it is set in, the CLDR locale that writes its numbers and dates, and
whether CLDR knows it.
All of it comes from CLDR through Babel (likely subtags, aliases), not from a hand table:
`hi` is Devanagari, `bn` Bengali, `prs` (Dari) is CLDR's `fa-AF`, `kmr` its `ku`.
"""

from __future__ import annotations

import difflib
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


# CLDR's codes for no language at all.
_NOT_LANGUAGES = {"und", "mul", "mis", "zxx"}


@functools.cache
def _language_names() -> Mapping[str, str]:
    """Every language code CLDR knows, ISO 639-1 and 639-3 and its aliases, with its name
    in English: `lt` Lithuanian, `prs` Dari, `kmr` Kurdish."""
    names = Locale("en").languages
    known = {code: name for code, name in names.items()
             if "_" not in code and code not in _NOT_LANGUAGES}
    for code, target in _aliases().items():
        if "_" not in code and code not in known and target in names:
            known[code] = names[target]
    return known


def nearest_languages(code: str, count: int = 3) -> list[str]:
    """The known languages a mistaken code most likely meant, each as its codes and name
    (`so or som (Somali)`): by name (`dari`, `belarusian`), then by spelling (`prss`)."""
    names = _language_names()
    wanted = code.split("-")[0].lower()
    by_name = [known for known, name in names.items()
               if len(wanted) >= 3 and name.lower().startswith(wanted)]
    by_code = difflib.get_close_matches(wanted, list(names), count, cutoff=0.6)
    lowered = {name.lower(): name for name in names.values()}
    by_spelling = [lowered[name] for name in
                   difflib.get_close_matches(wanted, list(lowered), count, cutoff=0.75)]
    nearest = list(dict.fromkeys([names[known] for known in by_name + by_code] + by_spelling))
    codes_of: dict[str, list[str]] = {}
    for known, name in names.items():
        codes_of.setdefault(name, []).append(known)
    spelled = []
    for name in nearest[:count]:
        *others, last = sorted(codes_of[name], key=lambda known: (len(known), known))
        spelled.append(f"{', '.join(others)} or {last} ({name})" if others
                       else f"{last} ({name})")
    return spelled


def unknown_subtag(code: str) -> str | None:
    """What in a well-formed language code CLDR does not know: `xx`, `ar-Latx`, `lt-QQ`."""
    names = Locale("en")
    language, *rest = code.split("-")
    if language not in names.languages and language not in _aliases():
        nearest = nearest_languages(language)
        return f"an unknown language {language!r} (" + (
            f"the nearest known: {'; '.join(nearest)}" if nearest
            else "a code from ISO 639, e.g. lt, ar, ckb") + ")"
    for subtag in rest:
        known = names.scripts if len(subtag) == 4 else names.territories
        if subtag not in known:
            kind = "script" if len(subtag) == 4 else "region"
            return f"an unknown {kind} {subtag!r} in {code!r}"
    return None


# Scripts whose glyphs are stored out of reading order (vowel signs before consonants): a
# PDF's glyphs cannot give their words back, so text_layer.py adds them as ActualText.
REORDERING_SCRIPTS = frozenset({"Beng", "Deva", "Gujr", "Guru", "Khmr", "Knda", "Mlym", "Mymr",
                                "Orya", "Sinh", "Taml", "Telu"})

# Scripts that set smaller than Latin at the same size (a small x-height, dense strokes):
# the built-in templates give them a point more.
SMALL_SETTING_SCRIPTS = frozenset({"Arab", "Ethi", "Beng", "Deva", "Gujr", "Guru", "Knda",
                                   "Mlym", "Sinh", "Taml", "Telu"})

# How much more leading a script needs than Latin in tightly set lines (titles, a card's
# phrases) so that no two lines' glyphs touch: vowel signs stand above the Indic headline
# and below it. Measured from glyph boxes (benchmarks/page_measures.py): with Latin's
# 1.15, the two-line titles of hi and ta overlapped by 0.7 and 0.8 pt; the body, at 1.4,
# had no overlap in any bundled language, so it keeps its leading (and its type size).
LEADING_SCALES = dict.fromkeys(REORDERING_SCRIPTS, 1.08)

# How much more leading a face needs than Latin in every line, the body's too: Nastaliq's
# words climb from their first letter to their last, and its dots hang below the line.
# Where a line's ink still reaches the line above, clearance.py moves it down: at 1.4 the
# card no longer fitted its page once every touch was cleared; at 1.2 both Urdu leaflets fit.
FACE_LEADING_SCALES = {"Noto Nastaliq Urdu": 1.2}

# How much longer a page set in a face takes to make than one in Latin: Nastaliq is drawn
# as outlines (outlines.py) and each of its lines is measured by its ink (clearance.py).
# Measured on the bundled Urdu leaflets: 3.7x the others' time for two A5 pages, 3.1x for
# the A6 card in three kinds.
FACE_WORK_SCALES = {"Noto Nastaliq Urdu": 3.0}


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


# Languages written in another style of their script than the one it is set in above: Urdu
# readers read Nastaliq, not Naskh (outlines.py draws it, so that its text copies back).
LANGUAGE_FONT_STACKS = {("ur", "Arab"): ("Noto Nastaliq Urdu", "Noto Sans")}


def default_font_stack(code: str) -> tuple[str, ...]:
    """The fonts a language is set in unless the project says otherwise."""
    script = script_of(code)
    stack = LANGUAGE_FONT_STACKS.get((code.split("-")[0].lower(), script))
    return stack or DEFAULT_FONT_STACKS.get(script, DEFAULT_FONT_STACKS["Latn"])
