"""Urdu in Nastaliq (outlines.py): the page shows the font's outlines, and what a reader
copies is the invisible text under them, in reading order, with pdfium and with poppler."""

from __future__ import annotations

import io
import re
import subprocess
import time
from pathlib import Path

import pikepdf
import pypdfium2
import weasyprint
from fontTools.ttLib import TTFont

from conftest import BUNDLED, REPO, page_texts, read_yaml
from leafletgen import outlines
from leafletgen.outlines import draw_outlined, new_document, outlined_fonts_boxed

URDU = read_yaml(BUNDLED / "text" / "ur.yaml")


def _poppler_words(path: Path) -> str:
    """poppler's text in its reading order, without the embedding marks it puts around
    each right-to-left run."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return " ".join(re.sub("[\u202a-\u202e]", "", text).split())


def _nastaliq_text_modes(path: Path) -> list[int]:
    """The text rendering mode of every text-showing operator set in Nastaliq."""
    modes = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            fonts = page.Resources.Font
            font, mode = None, 0
            for operands, operator in pikepdf.parse_content_stream(page):
                if operator == pikepdf.Operator("Tf"):
                    font = str(fonts[operands[0]].BaseFont)
                elif operator == pikepdf.Operator("Tr"):
                    mode = int(operands[0])
                elif operator in (pikepdf.Operator("TJ"), pikepdf.Operator("Tj")) \
                        and font and "Nastaliq" in font and "<" in str(operands[0]):
                    modes.append(mode)
    return modes


def test_urdu_copies_back_as_written_with_both_readers(bundled_build: Path):
    leaflet = bundled_build / "your-rights" / "your-rights.ur.pdf"
    texts = URDU["leaflets"]["your-rights"]
    by_pdfium, by_poppler = " ".join(page_texts(leaflet)), _poppler_words(leaflet)
    assert texts["title"] in by_pdfium and texts["title"] in by_poppler
    # poppler interleaves the letters of the draft mark, set across the page, with the
    # lines it crosses.
    assert URDU["entries"]["asylum-right"]["question"] in by_pdfium
    card = bundled_build / "pocket-card" / "pocket-card.ur.pdf"
    phrase = URDU["entries"]["say-asylum"]["question"]
    assert phrase in " ".join(page_texts(card)) and phrase in _poppler_words(card)


def test_urdu_is_drawn_as_nastaliq_outlines_over_invisible_text(bundled_build: Path):
    leaflet = bundled_build / "your-rights" / "your-rights.ur.pdf"
    modes = _nastaliq_text_modes(leaflet)
    assert modes and set(modes) == {3}  # every letter set in Nastaliq is invisible ...
    with pikepdf.open(leaflet) as pdf:
        programs = [obj.FontDescriptor.FontFile2.read_bytes() for obj in pdf.objects
                    if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
                    and obj.get("/Subtype") == "/CIDFontType2"
                    and "Nastaliq" in str(obj.BaseFont)]
    assert programs
    for program in programs:  # ... and its glyphs are boxes, not letters
        glyf = TTFont(io.BytesIO(program))["glyf"]
        assert any(glyf[name].numberOfContours for name in glyf)
        for name in glyf:
            glyph = glyf[name]
            assert glyph.numberOfContours == 0 or (
                glyph.numberOfContours == 1 and len(glyph.coordinates) == 4), name
    # So the ink where the title stands is the outlines' (a box in render mode 3 draws
    # nothing either).
    pdf = pypdfium2.PdfDocument(leaflet)
    try:
        page = pdf[0]
        textpage = page.get_textpage()
        title = URDU["leaflets"]["your-rights"]["title"]
        start = textpage.get_text_range().find(title)
        assert start >= 0
        boxes = [textpage.get_charbox(start + i, loose=True) for i in range(len(title))]
        left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
        scale = 2
        image = page.render(scale=scale, grayscale=True).to_pil()
        height = page.get_size()[1]
        area = image.crop((int(left * scale), int((height - top) * scale),
                           int(right * scale), int((height - bottom) * scale)))
        dark = sum(area.histogram()[:128])
        assert dark > 0.08 * area.width * area.height
    finally:
        pdf.close()


def test_only_leafletgens_own_nastaliq_files_are_drawn_as_outlines():
    # A project's font could carry the same family name and draw other letters than its
    # character map says; outlines would then make the page and the text layer disagree.
    original = (REPO / "fonts" / "NotoNastaliqUrdu-Regular.ttf").read_bytes()
    resaved = io.BytesIO()
    TTFont(io.BytesIO(original)).save(resaved)
    assert resaved.getvalue() != original

    class Font:
        def __init__(self, content: bytes, tag: str) -> None:
            self.file_content, self.index, self.hash = content, 0, tag

    assert outlines._face(Font(original, "SAME")) is not None
    # Even under the hash WeasyPrint gives a font of the same name and weight.
    assert outlines._face(Font(resaved.getvalue(), "SAME")) is None


def test_the_same_urdu_document_gives_the_same_file_after_another():
    text_module = weasyprint.draw.text
    draw_outlined(text_module)
    nastaliq = (REPO / "fonts" / "NotoNastaliqUrdu-Regular.ttf").as_uri()
    css = f"@font-face {{ font-family: N; src: url('{nastaliq}') }} p {{ font-family: N }}"

    def render(words: str) -> bytes:
        new_document()
        pdf = weasyprint.HTML(string=f'<style>{css}</style><p dir="rtl">{words}</p>').write_pdf(
            pdf_identifier=b"same")
        return outlined_fonts_boxed(pdf)

    first = render("پناہ کی درخواست")
    render("دن رات کھلی ہے")
    time.sleep(1.1)  # the boxed font's header held the time it was saved, to the second
    assert render("پناہ کی درخواست") == first
