"""Colour conversion for print and the office printer, on a small PDF made here."""

from __future__ import annotations

import io

import pikepdf

from leafletgen.colour import convert, rgb_to_cmyk, to_grey


def test_neutral_colours_go_to_the_black_plate_only():
    assert rgb_to_cmyk(0, 0, 0) == (0.0, 0.0, 0.0, 1.0)
    c, m, y, k = rgb_to_cmyk(0.5, 0.5, 0.5)
    assert (c, m, y) == (0.0, 0.0, 0.0) and abs(k - 0.5) < 1e-9
    assert rgb_to_cmyk(1, 0, 0) == (0.0, 1.0, 1.0, 0.0)


def test_grey_levels_follow_luminance():
    assert abs(to_grey("rgb", [1, 1, 1]) - 1) < 1e-9
    assert abs(to_grey("rgb", [1, 0, 0]) - 0.299) < 1e-9
    assert to_grey("cmyk", [0, 0, 0, 1]) == 0
    assert to_grey("gray", [0.25]) == 0.25


def _page_with(content: bytes) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(100, 100))
    page.Contents = pdf.make_stream(content)
    return pdf


def _operators(pdf: pikepdf.Pdf) -> list[tuple[str, list[float]]]:
    saved = io.BytesIO()
    pdf.save(saved)
    with pikepdf.open(io.BytesIO(saved.getvalue())) as reopened:
        return [(str(i.operator), [float(v) for v in i.operands])
                for i in pikepdf.parse_content_stream(reopened.pages[0])
                if str(i.operator) in ("rg", "RG", "g", "G", "k", "K")]


def test_rgb_and_grey_become_cmyk_for_print():
    pdf = _page_with(b"0 0 0 rg 1 0 0 RG 0.5 g 0 0 10 10 re f")
    convert(pdf, "cmyk")
    assert _operators(pdf) == [("k", [0, 0, 0, 1]), ("K", [0, 1, 1, 0]), ("k", [0, 0, 0, 0.5])]


def test_every_colour_becomes_grey_for_the_office_printer():
    pdf = _page_with(b"1 0 0 rg 0 0 0 1 K 0 0 10 10 re f")
    convert(pdf, "gray")
    [(fill, [level]), (stroke, [black])] = _operators(pdf)
    assert (fill, stroke, black) == ("g", "G", 0.0)
    assert abs(level - 0.299) < 1e-6
