"""Copying text out of a PDF gives what the page shows: read back with two readers that
share no code, pdfium (Chrome's) and poppler (pdftotext, most Linux viewers)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import weasyprint

from conftest import BUNDLED, FONT_FACES_CSS, page_texts, read_yaml
from leafletgen.text_layer import mirrored_glyphs_as_drawn

RTL_CARDS = ["ar", "ckb", "fa", "prs", "ps", "ur"]


def _poppler_text(path: Path) -> str:
    """In the order the page draws it (-raw): poppler's layout order interleaves the
    letters of the draft mark, set across the page, with the lines under it."""
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.parametrize("lang", RTL_CARDS)
def test_brackets_copy_as_written_on_a_right_to_left_card(bundled_build: Path, lang: str):
    # Each phrase's Lithuanian under it: "Prašau iškviesti greitąją pagalbą (112)."
    card = bundled_build / "pocket-card" / f"pocket-card.{lang}.pdf"
    by_pdfium = " ".join(page_texts(card))
    assert "pagalbą (112)." in by_pdfium
    assert ")112(" not in by_pdfium  # in the holder's language too
    assert "pagalbą (112)." in _poppler_text(card)


def test_without_the_correction_a_mirrored_bracket_copies_as_its_mirror(tmp_path: Path):
    # An Arabic line first, then a Latin one: WeasyPrint maps each glyph to the text it
    # first drew, so the Latin brackets come out swapped until they are corrected.
    html = (f"<style>{FONT_FACES_CSS} p {{ font-family: NotoNaskhArabic, NotoSans }}</style>"
            '<p dir="rtl">اتصل (112) الآن</p><p dir="ltr">Skambinkite (112) dabar</p>')
    raw = weasyprint.HTML(string=html).write_pdf()
    for name, data in (("raw", raw), ("corrected", mirrored_glyphs_as_drawn(raw))):
        (tmp_path / f"{name}.pdf").write_bytes(data)
    assert "Skambinkite )112( dabar" in page_texts(tmp_path / "raw.pdf")[0]
    for reader in (lambda path: page_texts(path)[0], _poppler_text):
        assert "Skambinkite (112) dabar" in reader(tmp_path / "corrected.pdf")
    assert ")112(" not in page_texts(tmp_path / "corrected.pdf")[0]  # the Arabic line too


def test_a_pdf_without_mirrored_glyphs_is_left_as_it_is():
    raw = weasyprint.HTML(string="<p>No brackets here.</p>").write_pdf()
    assert mirrored_glyphs_as_drawn(raw) is raw


@pytest.mark.parametrize("lang", ["hi", "ta"])
def test_reordering_scripts_copy_as_written(bundled_build: Path, lang: str):
    # Vowel signs drawn before their consonant: pdfium gave "अɡधिकार" for "अधिकार".
    title = read_yaml(BUNDLED / "text" / f"{lang}.yaml")["leaflets"]["your-rights"]["title"]
    leaflet = bundled_build / "your-rights" / f"your-rights.{lang}.pdf"
    assert title in " ".join(page_texts(leaflet))
    assert title in " ".join(_poppler_text(leaflet).split())


def test_without_actual_text_devanagari_copies_garbled(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    # WeasyPrint as it comes, even where this process has rendered a leaflet before.
    drawing = weasyprint.draw.draw_text
    monkeypatch.setattr(weasyprint.draw, "draw_text", getattr(drawing, "original", drawing))
    html = (f"<style>{FONT_FACES_CSS} p {{ font-family: NotoSansDevanagari }}</style>"
            "<p>शरण का अधिकार</p>")
    raw = tmp_path / "raw.pdf"
    raw.write_bytes(weasyprint.HTML(string=html).write_pdf())
    assert "अधिकार" not in page_texts(raw)[0]
