"""Right-to-left and mixed-direction text: the splitting rules, then the printed result,
measured from character boxes and QR positions in the real PDFs."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from conftest import BUNDLED, locate_qr, page_count, pdf_text, read_yaml, visual_lines
from leafletgen.bidi import isolate_html, split_runs

HOTLINE = "+37060871204"  # the printed hotline, without its spaces
RTL_LANGUAGES = ["ar", "fa", "ckb", "ps"]
LTR_LANGUAGES = ["en", "fr", "ru", "ti"]
LEAFLETS = ["your-rights", "pocket-card"]


def opposite_runs(text: str, base: str) -> list[str]:
    return [run.text for run in split_runs(text, base) if run.direction]


def test_phone_numbers_latin_phrases_and_percentages_are_isolated_in_rtl_text():
    text = "اتصل بـ Sienos Grupė (LT) على +370 608 712 04، حصل 24% على الحماية"
    assert opposite_runs(text, "rtl") == ["Sienos Grupė (LT)", "+370 608 712 04", "24%"]


def test_rtl_runs_are_isolated_in_ltr_text_and_neutral_edges_stay_outside():
    assert opposite_runs("Say: «أريد اللجوء» (asylum).", "ltr") == ["أريد اللجوء"]
    assert opposite_runs("No other script here, 112.", "ltr") == []


def test_isolated_html_escapes_content_and_marks_numbers_unbreakable():
    html = isolate_html("<b>Caritas</b> على +370 608", "rtl")
    assert html == ('&lt;<bdi dir="ltr" class="phrase">b&gt;Caritas&lt;/b</bdi>&gt; على '
                    '<bdi dir="ltr" class="number">+370 608</bdi>')


def _pdf(build: Path, leaflet: str, lang: str) -> Path:
    return build / leaflet / f"{leaflet}.{lang}.pdf"


@pytest.mark.parametrize("leaflet", LEAFLETS)
@pytest.mark.parametrize("lang", RTL_LANGUAGES + LTR_LANGUAGES)
def test_hotline_reads_left_to_right_on_paper(bundled_build: Path, leaflet: str, lang: str):
    lines = ["".join(ch for ch in line if ch.isdigit() or ch == "+")
             for line in visual_lines(_pdf(bundled_build, leaflet, lang))]
    assert sum(HOTLINE in line for line in lines) >= 1
    # Reversed groups ("04 712 608 370+") are the known failure; no line may show them.
    assert not any("04712608" in line for line in lines)


@pytest.mark.parametrize("lang", RTL_LANGUAGES + LTR_LANGUAGES)
def test_phone_number_inside_an_answer_reads_left_to_right(bundled_build: Path, lang: str):
    # The your-rights leaflet prints the hotline four times: under the title, in the band
    # at the foot of each side, and inside a list item on the back.
    lines = ["".join(ch for ch in line if ch.isdigit() or ch == "+")
             for line in _all_lines(_pdf(bundled_build, "your-rights", lang))]
    assert sum(HOTLINE in line for line in lines) == 4


@pytest.mark.parametrize("lang", RTL_LANGUAGES + LTR_LANGUAGES)
def test_list_markers_stand_on_the_side_lines_begin(bundled_build: Path, lang: str):
    lines = [line for line in _all_lines(_pdf(bundled_build, "your-rights", lang))
             if "•" in line]
    assert len(lines) == 3  # the three items of "what to say"
    for line in lines:
        assert line.endswith("•") if lang in RTL_LANGUAGES else line.startswith("•"), line


@pytest.mark.parametrize("leaflet", LEAFLETS)
@pytest.mark.parametrize("lang", RTL_LANGUAGES + LTR_LANGUAGES)
def test_hotline_qr_stands_on_the_side_lines_begin(bundled_build: Path, leaflet: str,
                                                   lang: str):
    centres = [centre for _, target, centre in locate_qr(_pdf(bundled_build, leaflet, lang))
               if target.startswith("tel:")]
    assert centres
    for centre in centres:
        assert centre > 0.5 if lang in RTL_LANGUAGES else centre < 0.5


@pytest.mark.parametrize("lang", RTL_LANGUAGES)
def test_embedded_latin_phrases_keep_their_word_order(bundled_build: Path, lang: str):
    # Latin letters only: pdfium gives some letters of Naskh ligatures odd boxes.
    lines = ["".join(ch for ch in line if unicodedata.bidirectional(ch) == "L")
             for line in _all_lines(_pdf(bundled_build, "your-rights", lang))]
    assert any("Prašauprieglobsčio" in line for line in lines)
    assert not any("prieglobsčioPrašau" in line for line in lines)
    assert any("SienosGrupė" in line for line in lines)
    assert not any("GrupėSienos" in line for line in lines)


def _all_lines(path: Path) -> list[str]:
    """The visual lines of every page, in page order."""
    return [line for page in range(page_count(path)) for line in visual_lines(path, page)]


def _letters(text: str) -> str:
    """Copy-paste from an RTL PDF loses joiners (ZWNJ), may give hamza and vowel marks as
    separate characters, and puts punctuation at either end of a word: compare letters."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if unicodedata.category(ch) not in ("Mn", "Cf", "Po"))


@pytest.mark.parametrize("leaflet", LEAFLETS)
@pytest.mark.parametrize("lang", RTL_LANGUAGES)
def test_arabic_script_words_copy_out_in_reading_order(bundled_build: Path, leaflet: str,
                                                       lang: str):
    text = _letters(pdf_text(_pdf(bundled_build, leaflet, lang)))
    content = read_yaml(BUNDLED / "text" / f"{lang}.yaml")
    sections = read_yaml(BUNDLED / "project.yaml")["leaflets"][leaflet]["sections"]
    wanted = [content["leaflets"][leaflet]["title"]]
    wanted += [content["entries"][entry_id]["question"]
               for section in sections for entry_id in section["entries"]]
    wanted_words = {word for phrase in wanted for word in _letters(phrase).split()
                    if any(unicodedata.bidirectional(ch) == "AL" for ch in word)}
    words = set(text.split())
    assert wanted_words and wanted_words <= words, wanted_words - words
