"""Numbers and dates as each language writes them (CLDR), in the filters and on paper."""

from __future__ import annotations

import datetime
import html
from pathlib import Path

import pytest
import weasyprint
from babel.dates import format_date as _babel_date

from conftest import FONT_FACES_CSS, FONT_FAMILIES, edit, page_texts, pdf_text, visual_lines
from leafletgen.build import BuildOptions, build
from leafletgen.languages import babel_locale
from leafletgen.localise import format_date, format_number, format_percentage

DAY = datetime.date(2021, 7, 13)


@pytest.mark.parametrize(("code", "expected"), [
    ("en", "July 13, 2021"),
    ("lt", "2021 m. liepos 13 d."),
    ("pl", "13 lipca 2021"),
    ("fr", "13 juillet 2021"),
])
def test_dates_are_written_the_languages_way(code: str, expected: str):
    assert format_date(DAY, code).replace("\u00a0", " ") == expected


@pytest.mark.parametrize("code", ["en", "lt", "be", "uk", "he", "ar", "ur", "hi", "ta", "am",
                                  "ja"])
def test_a_date_never_breaks_across_lines(tmp_path: Path, code: str):
    # In a box of no width a line breaks wherever it may: Babel's date breaks there, ours
    # stays one line.
    families = ", ".join(f"'{family}'" for family in FONT_FAMILIES)

    def lines(text: str) -> int:
        pdf = tmp_path / "date.pdf"
        weasyprint.HTML(string=f"<style>{FONT_FACES_CSS} p {{ width: 0; font-family: {families} }}"
                               f"</style><p>{html.escape(text)}</p>").write_pdf(pdf)
        return len(visual_lines(pdf))

    assert lines(_babel_date(DAY, "long", locale=babel_locale(code))) > 1
    assert lines(format_date(DAY, code)) == 1, format_date(DAY, code)


def test_numbers_and_percentages_use_the_languages_separators():
    assert format_number(1162, "en") == "1,162"
    assert format_number(1162, "lt") == "1\u00a0162"  # a no-break space
    assert format_percentage(0.24, "en") == "24%"
    assert format_percentage(0.24, "lt") == "24\u00a0%"


def test_a_language_cldr_does_not_know_still_gets_a_date():
    assert format_date(DAY, "prs") == format_date(DAY, "fa-AF")
    assert format_date(DAY, "zz") == "July\u00a013,\u00a02021"


@pytest.mark.parametrize(("lang", "date"), [
    ("en", "September 26, 2000"),
    ("lt", "2000 m. rugsėjo 26 d."),
    ("ru", "26 сентября 2000\u202fг."),
])
def test_source_dates_print_in_the_leaflets_language(bundled_build: Path, lang: str,
                                                     date: str):
    text = pdf_text(bundled_build / "village-handout" / f"village-handout.{lang}.pdf")
    # The text layer gives no-break spaces back as plain ones.
    assert f"Seimas of the Republic of Lithuania, {' '.join(date.split())}" in text


def test_lay_text_is_not_hyphenated_even_where_the_language_has_a_dictionary(
        small_project: Path, tmp_path: Path):
    """A reader under stress, or in a second language, reads whole words:
    long Lithuanian words that WeasyPrint's dictionary would break go whole to the next
    line."""
    long_answer = "answer: " + " ".join(["Nepriklausomybės atkūrimo signatarų"] * 8)
    edit(small_project / "text" / "lt.yaml", "answer: Taip.", long_answer)
    build(BuildOptions(small_project, tmp_path / "out", languages=("lt",)))
    [page] = page_texts(tmp_path / "out" / "card" / "card.lt.pdf")
    assert "Nepriklausomybės atkūrimo signatarų " * 7 in page + " "
    # WeasyPrint breaks with U+2010 HYPHEN: none.
    assert "\u2010" not in page
