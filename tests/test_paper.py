"""Reading the paper: a crop of a page read back with Tesseract, on small PDFs made here
(pdfium draws their standard font itself)."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2
import pytest

from leafletgen.paper import MIN_CONTRAST, Box, PaperReader


def _page(text: bytes, colour: bytes = b"0 g", ground: bytes = b"") -> pypdfium2.PdfDocument:
    """A page with `text` in 20 pt Helvetica, in `colour`, over `ground` (drawn first)."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(300, 100))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(ground + b" " + colour + b" BT /F1 20 Tf 20 40 Td ("
                                    + text + b") Tj ET")
    data = io.BytesIO()
    pdf.save(data)
    return pypdfium2.PdfDocument(data.getvalue())


@pytest.fixture(scope="module")
def reader():
    reader = PaperReader()
    yield reader
    reader.close()


def _box(document: pypdfium2.PdfDocument) -> Box:
    textpage = document[0].get_textpage()
    return Box.around([Box(*textpage.get_charbox(i)) for i in range(textpage.count_chars())])


def test_digits_are_read_from_the_pixels(reader):
    document = _page(b"+370 608 712 04")
    reading = reader.read(document[0], _box(document))
    assert reading.text.replace(" ", "") == "+37060871204"
    assert reading.contrast > 200


def test_white_on_white_has_no_ink(reader):
    document = _page(b"+370 608 712 04", colour=b"1 g")
    reading = reader.read(document[0], _box(document))
    assert reading.contrast < MIN_CONTRAST
    assert reading.text.replace(" ", "") == ""


def test_light_text_on_a_dark_ground_is_ink_too(reader):
    document = _page(b"+370 608 712 04", colour=b"1 g", ground=b"0 g 0 0 300 100 re f")
    reading = reader.read(document[0], _box(document))
    assert reading.contrast > 200
    assert reading.text.replace(" ", "") == "+37060871204"
