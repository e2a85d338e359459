"""Mixed-direction text: every run that reads the other way is isolated explicitly.

WeasyPrint 70 leaves bidirectional text to Pango line by line and ignores `unicode-bidi`,
so an unisolated `+370 608 712 04` in an Arabic line prints `04 712 608 370+`, and a Latin
phrase split by a tag prints its words backwards. What does work: an element with a `dir`
attribute (its own inline box), and, inside one string, the Unicode isolates LRI/RLI…PDI.
So every opposite-direction run in content is found here and wrapped before rendering:
`<bdi dir="ltr">` in HTML, isolate characters in CSS strings (page margin boxes).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import markupsafe

LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"

_STRONG_LTR = {"L"}
_STRONG_RTL = {"R", "AL"}
_CLOSING = {")": "(", "]": "["}
_OPENING = {"(": ")", "[": "]"}
_NUMBER_KINDS = {"EN", "AN"}


@dataclass(frozen=True)
class Run:
    text: str
    direction: str | None  # None: follows the surrounding text
    is_number: bool = False  # a phone number: never breaks across lines


def split_runs(text: str, base: str) -> list[Run]:
    """Cut text into pieces in the base direction and isolated opposite-direction runs.

    An opposite run starts at a letter of the other direction and takes in spaces,
    punctuation and numbers for as long as no letter of the base direction follows;
    trailing spaces and punctuation stay outside. Numbers on their own are not isolated:
    the Unicode bidi algorithm (UAX #9) orders them, and the reader expects its order:
    "1, 2, 3" and "2021–2023" read from the right in Arabic like the words around them,
    and "45%" has its sign where the script puts it. One deliberate exception: a phone
    number (`+` and digits) is isolated left to right in any text, so that it reads as it
    is dialled, stays on one line, and is set in the Latin face.
    """
    opposite = _STRONG_LTR if base == "rtl" else _STRONG_RTL
    own = _STRONG_RTL if base == "rtl" else _STRONG_LTR
    runs: list[Run] = []
    plain_start = 0
    index = 0
    while index < len(text):
        kind = unicodedata.bidirectional(text[index])
        if phone_end := _phone_number_end(text, index):
            if plain_start < index:
                runs.append(Run(text[plain_start:index], None))
            runs.append(Run(text[index:phone_end], "ltr", is_number=True))
            plain_start = index = phone_end
            continue
        if kind not in opposite:
            index += 1
            continue
        end = index
        last_strong = index
        while end < len(text):
            kind = unicodedata.bidirectional(text[end])
            if kind in own or (base == "rtl" and kind == "AN"):
                break
            # Numbers after a letter join its run (UAX #9 rules W2, W7 and N1), and so
            # does `%` right after a number.
            if kind in opposite or kind in _NUMBER_KINDS or \
                    (kind == "ET" and last_strong == end - 1):
                last_strong = end
            end += 1
        stop = last_strong + 1
        # A closing bracket whose opening one is inside the run belongs to it: "(LT)".
        while stop < end and text[stop] in _CLOSING and _unbalanced(text, index, stop):
            stop += 1
        if index > plain_start and text[index - 1] in _OPENING and \
                _OPENING[text[index - 1]] in text[index:stop]:
            index -= 1  # "(a) b" keeps its opening bracket too
        if plain_start < index:
            runs.append(Run(text[plain_start:index], None))
        runs.append(Run(text[index:stop], "ltr" if base == "rtl" else "rtl"))
        plain_start = index = stop
    if plain_start < len(text):
        runs.append(Run(text[plain_start:], None))
    return runs


def _phone_number_end(text: str, index: int) -> int:
    """Where a phone number starting at `index` ends (`+`, then digits in groups split by
    single spaces or hyphens), or 0 if none starts there."""
    if not (text.startswith("+", index) and text[index + 1:index + 2].isdigit()):
        return 0
    end = index + 1
    while end < len(text) and (text[end].isdigit() or (
            text[end] in " \u00a0-" and text[end + 1:end + 2].isdigit())):
        end += 1
    return end


def _unbalanced(text: str, start: int, stop: int) -> bool:
    """Whether text[start:stop] opens more of the bracket at text[stop] than it closes."""
    closing = text[stop]
    return text.count(_CLOSING[closing], start, stop) > text.count(closing, start, stop)


def run_class(text: str, is_number: bool) -> str:
    """The class attribute of an isolated run that must not break across lines, where its
    halves would read in the wrong order: a number, or a phrase of a few words (a name,
    the words to say to an officer)."""
    if is_number:
        return ' class="number"'
    return ' class="phrase"' if len(text.split()) <= 3 and len(text) <= 32 else ""


@functools.lru_cache(maxsize=16384)
def isolate_html(text: str, base: str) -> markupsafe.Markup:
    """Escaped HTML with each opposite-direction run in `<bdi dir=…>`. Kept for the texts
    seen last: compose prints each text once per copyfit step, a dozen times."""
    parts = []
    for run in split_runs(str(text), base):
        escaped = markupsafe.escape(run.text)
        if run.direction is None:
            parts.append(str(escaped))
        else:
            parts.append(f'<bdi dir="{run.direction}"{run_class(run.text, run.is_number)}>'
                         f'{escaped}</bdi>')
    return markupsafe.Markup("".join(parts))


def isolate_plain(text: str, base: str) -> str:
    """Plain text with each opposite-direction run between Unicode isolates, for places
    that take no markup: CSS `content:` strings in page margin boxes."""
    return "".join(
        run.text if run.direction is None
        else f"{LRI if run.direction == 'ltr' else RLI}{run.text}{PDI}"
        for run in split_runs(str(text), base)
    )


def strip_isolates(text: str) -> str:
    return text.translate({ord(LRI): None, ord(RLI): None, ord(PDI): None})
