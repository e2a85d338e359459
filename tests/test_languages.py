"""What a language code means, from CLDR: script, direction, locale, and whether it is
known at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import build_errors
from leafletgen.build import check
from leafletgen.fonts import load_fonts
from leafletgen.languages import (
    babel_locale,
    default_font_stack,
    direction_of,
    nearest_languages,
    script_of,
    unknown_subtag,
)
from leafletgen.localise import format_number
from leafletgen.resources import builtin_dir


@pytest.mark.parametrize("code, script, direction", [
    ("hi", "Deva", "ltr"), ("bn", "Beng", "ltr"), ("pa", "Guru", "ltr"), ("si", "Sinh", "ltr"),
    ("ta", "Taml", "ltr"), ("am", "Ethi", "ltr"), ("ti", "Ethi", "ltr"),
    ("ar", "Arab", "rtl"), ("ckb", "Arab", "rtl"), ("ps", "Arab", "rtl"), ("ur", "Arab", "rtl"),
    ("prs", "Arab", "rtl"), ("he", "Hebr", "rtl"), ("dv", "Thaa", "rtl"),
    ("kmr", "Latn", "ltr"), ("ku-Arab", "Arab", "rtl"), ("sr-Latn", "Latn", "ltr"),
    ("ru", "Cyrl", "ltr"), ("be", "Cyrl", "ltr"), ("lt", "Latn", "ltr"),
])
def test_script_and_direction_come_from_cldr(code: str, script: str, direction: str):
    assert (script_of(code), direction_of(code)) == (script, direction)


def test_aliases_are_the_locale_cldr_files_them_under():
    assert str(babel_locale("prs")) == "fa_AF"
    assert str(babel_locale("kmr")) == "ku"
    assert format_number(1162, "lt") == "1\u00a0162"
    assert str(babel_locale("lt-QQ")) == "lt"  # an unknown region: the language's own


def test_codes_cldr_does_not_know_are_named():
    assert unknown_subtag("prs") is None and unknown_subtag("kmr") is None
    assert unknown_subtag("xx") == "an unknown language 'xx' (a code from ISO 639, e.g. lt, " \
        "ar, ckb)"
    assert unknown_subtag("ar-Latx") == "an unknown script 'Latx' in 'ar-Latx'"


def test_an_unknown_code_is_told_the_nearest_known_languages():
    # A language's English name where its code should be, or a code with a letter too many.
    assert unknown_subtag("belarusian") == "an unknown language 'belarusian' (the nearest " \
        "known: be or bel (Belarusian))"
    assert "drw, prs or tnf (Dari)" in unknown_subtag("dari")
    assert "ti or tir (Tigrinya)" in unknown_subtag("tigrinya")
    assert nearest_languages("prss")[0] == "drw, prs or tnf (Dari)"
    assert nearest_languages("somali")[0] == "so or som (Somali)"


def test_a_dari_language_file_is_a_right_to_left_language(small_project: Path):
    shutil.copy(small_project / "text" / "lt.yaml", small_project / "text" / "prs.yaml")
    project, _ = check(small_project)
    assert project.languages["prs"].direction == "rtl"
    assert project.languages["prs"].font_stack == ("Noto Naskh Arabic", "Noto Sans")


@pytest.mark.parametrize("code, sample", [
    ("hi", "शरण माँगना"), ("ne", "शरण"), ("bn", "আশ্রয় চাওয়া"), ("pa", "ਸ਼ਰਨ ਮੰਗਣਾ"),
    ("si", "සරණාගත"), ("ta", "புகலிடம்"), ("am", "ጥገኝነት"), ("he", "מקלט מדיני"),
    ("hy", "ապաստան"), ("ka", "თავშესაფარი"), ("ur", "پناہ"), ("prs", "پناهندگی"),
    ("kmr", "Penaberî"), ("be", "Прытулак"),
])
def test_the_languages_at_the_border_have_a_bundled_font(code: str, sample: str):
    """Out of the box: a language's default stack is among leafletgen's own fonts, and
    they draw its script, so a new language file needs no `fonts:` line."""
    fonts = load_fonts((builtin_dir("fonts"),))
    stack = default_font_stack(code)
    assert set(stack) <= fonts.families
    assert {ord(ch) for ch in sample if not ch.isspace()} <= fonts.codepoints_of(stack)


def test_a_file_named_after_its_language_is_told_the_code(small_project: Path, tmp_path: Path):
    shutil.copy(small_project / "text" / "lt.yaml", small_project / "text" / "dari.yaml")
    assert build_errors(small_project, tmp_path) == [
        ": the file name must be a language code such as lt.yaml or "
        "sr-Latn.yaml, not 'dari.yaml' (the nearest known: drw, prs or tnf (Dari); "
        "dar (Dargwa); da or dan (Danish))"]
