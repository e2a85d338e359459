"""Prepress: the printed file made from a render, in CMYK for the print shop or in grey
for the office printer, its QR codes still decoding."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from conftest import HOTLINE_TEL, colour_operators, decode_qr, render


def test_print_colours_are_cmyk_only_black_included(bundled_build):
    for name in ("village-handout/village-handout.en.print.pdf",
                 "pocket-card/pocket-card.fa.print.pdf"):
        with pikepdf.open(bundled_build / name) as pdf:
            operators = colour_operators(pdf)
        assert operators & {"k", "K"}
        assert not operators & {"rg", "RG", "g", "G", "cs /DeviceRGB", "CS /DeviceRGB"}, name
    # Black text is black ink alone, not four inks: the text's fill is 0 0 0 1 k.
    with pikepdf.open(bundled_build / "village-handout/village-handout.en.print.pdf") as pdf:
        form = next(iter(pdf.pages[0].obj.Resources.XObject.values()))
        fills = {tuple(float(v) for v in i.operands)
                 for i in pikepdf.parse_content_stream(form) if str(i.operator) == "k"}
    assert (0.0, 0.0, 0.0, 1.0) in fills


def test_grey_sheets_are_grey_and_their_qr_codes_decode_at_300_dpi(bundled_build):
    path = bundled_build / "village-handout/village-handout.en.office-grey.pdf"
    found = decode_qr(path, dpi=300)
    assert found.count((1, HOTLINE_TEL)) == 2  # one on each half of the sheet
    assert sum(page == 2 for page, _ in found) >= 2  # the sources' codes on the back
    image = render(path, dpi=50)
    assert all(max(image.getpixel((x, y))) - min(image.getpixel((x, y))) <= 2
               for x in range(image.width) for y in range(image.height))
    with pikepdf.open(path) as pdf:
        assert not colour_operators(pdf) & {"rg", "RG", "k", "K"}
    for name in ("pocket-card/pocket-card.ar.office-grey.pdf",):
        assert decode_qr(bundled_build / name).count((1, HOTLINE_TEL)) == 4  # four A6 a sheet


def test_a_print_draft_names_itself_in_the_slug_outside_the_trim(bundled_build: Path):
    import pypdfium2

    from conftest import boxes

    def slug_words(name: str) -> tuple[str, list[float], list[float]]:
        path = bundled_build / "village-handout" / name
        with pikepdf.open(path) as pdf:
            trim = boxes(pdf.pages[0])["/TrimBox"]
        document = pypdfium2.PdfDocument(path)
        try:
            textpage = document[0].get_textpage()
            words, tops = [], []
            for index in range(textpage.count_chars()):
                _, bottom, _, top = textpage.get_charbox(index)
                if bottom > trim[3]:  # above the trim (boxes are in points)
                    words.append(textpage.get_text_range(index, 1))
                    tops.append(top)
        finally:
            document.close()
        return "".join(words), trim, tops

    text, trim, tops = slug_words("village-handout.lt.print.pdf")
    assert " ".join(text.split()).startswith(
        "DRAFT · village-handout.lt.print.pdf · lt · JUODRAŠTIS: vertimas nepatikrintas"), text
    assert "DRAFT: translation not yet reviewed" in text
    # Above the trim and its bleed, inside the sheet.
    assert min(tops) > trim[3] + 3 * 72 / 25.4
    final, _, _ = slug_words("village-handout.en.print.pdf")
    assert final == ""
