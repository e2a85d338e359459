"""QR codes read from the regions where one could be drawn (regions.py): the same codes,
in the same places, as a raster of each whole page gives, from less of the page; and the
reason text in leafletgen's own fonts is not read. Stray codes drawn in other ways are
caught in tests/test_verify.py."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from fontTools.ttLib import TTFont

from conftest import REPO, with_css
from leafletgen import regions
from leafletgen.fonts import load_fonts
from leafletgen.resources import builtin_dir
from leafletgen.verify import PRINT_DPI, _decode_qr_codes, _trusted_font

# A screen, print and office output of each kind of page: A5 leaflets with sources, the
# A6 card on its sheet of four, a tri-fold, an A4 fact sheet and report, an Urdu page.
SAMPLE = ["your-rights/your-rights.en.pdf", "your-rights/your-rights.ur.pdf",
          "pocket-card/pocket-card.ar.pdf", "pocket-card/pocket-card.ar.print.pdf",
          "pocket-card/pocket-card.ar.office-grey.pdf", "village-trifold/village-trifold.lt.pdf",
          "village-handout/village-handout.lt.office.pdf", "fact-sheet/fact-sheet.en.pdf",
          "press-report/press-report.en.pdf"]


def _whole_pages(pdf: pypdfium2.PdfDocument) -> list[tuple[int, str, float, float, int]]:
    """Each code a raster of the whole page gives: page, text, left and top (a share of
    the page), width in pixels."""
    found = []
    for number, page in enumerate(pdf, start=1):
        image = page.render(scale=PRINT_DPI / 72, grayscale=True).to_pil()
        for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            position = code.position
            corners = (position.top_left, position.top_right, position.bottom_right,
                       position.bottom_left)
            found.append((number, code.text, min(c.x for c in corners) / image.size[0],
                          min(c.y for c in corners) / image.size[1],
                          position.top_right.x - position.top_left.x))
    return sorted(found, key=lambda code: (code[0], code[3], code[2]))  # page, top, left


@pytest.mark.parametrize("name", SAMPLE)
def test_regions_give_the_codes_a_whole_page_gives(bundled_build: Path, name: str):
    fonts = load_fonts((builtin_dir("fonts"),))
    pdf = pypdfium2.PdfDocument(bundled_build / name)
    try:
        whole = _whole_pages(pdf)
        read = [(found.page, found.barcode.text, found.area.left, found.area.top,
                 found.barcode.position.top_right.x - found.barcode.position.top_left.x)
                for found in _decode_qr_codes(pdf, fonts)]
    finally:
        pdf.close()
    assert whole
    assert [(page, text) for page, text, *_ in read] == [(page, text) for page, text, *_ in whole]
    for (*_, left, top, width), (*_, whole_left, whole_top, whole_width) in zip(
            read, whole, strict=True):
        assert (left, top) == pytest.approx((whole_left, whole_top), abs=1e-6)
        assert abs(width - whole_width) <= 1  # zxing's edge, a pixel either way


@pytest.mark.parametrize("name, share", [
    ("your-rights/your-rights.en.pdf", 0.1),
    ("your-rights/your-rights.ur.pdf", 0.1),  # Urdu's outlines are not read
    # The card's rounded frames are plain: its icons and code are read, and their margins.
    ("pocket-card/pocket-card.en.pdf", 0.15),
    ("pocket-card/pocket-card.ar.office-grey.pdf", 0.15)])
def test_regions_are_a_small_part_of_a_leaflets_pages(bundled_build: Path, name: str,
                                                      share: float):
    trusted = _trusted_font(load_fonts((builtin_dir("fonts"),)))
    pdf = pypdfium2.PdfDocument(bundled_build / name)
    try:
        for page in pdf:
            width, height = page.get_size()
            found = regions.qr_regions(regions.qr_candidates(page, trusted), width, height)
            assert 0 < sum((r[2] - r[0]) * (r[3] - r[1]) for r in found) < share * width * height
    finally:
        pdf.close()


def test_leafletgens_own_fonts_draw_no_square_glyphs():
    # Why their text is not read for codes: none has a block, a square or a
    # legacy-computing mosaic a code could be set from (U+25CC, the dotted circle under a
    # lone mark, is the one geometric shape they have).
    squares = [range(0x2580, 0x2600), range(0x2B1B, 0x2B1D), range(0x2B1E, 0x2B24),
               range(0x1FB00, 0x1FC00), range(0x25A0, 0x25CC), range(0x25CD, 0x2600)]
    fonts = sorted((REPO / "fonts").glob("*.ttf"))
    assert len(fonts) >= 20
    for path in fonts:
        cmap = TTFont(path).getBestCmap()
        found = [f"U+{code:04X} {unicodedata.name(chr(code), '')}" for code in cmap
                 if any(code in block for block in squares) and code != 0x25CC]
        assert found == [], path.name


def test_a_handout_is_read_in_a_small_part_of_its_page(small_project: Path, tmp_path: Path):
    # Backgrounds, rules and the edge stripe are plain; the codes and icons are read.
    from leafletgen.build import BuildOptions, build

    # A few rules too: narrow plain rectangles, fewer than a code of boxes has.
    with_css(small_project, "h1::after, h3::after { content: ''; display: block; "
             "height: 0.5mm; background: #000; }")
    build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    trusted = _trusted_font(load_fonts((builtin_dir("fonts"),)))
    pdf = pypdfium2.PdfDocument(tmp_path / "out" / "card" / "card.en.pdf")
    try:
        page = pdf[0]
        width, height = page.get_size()
        candidates = regions.qr_candidates(page, trusted)
        found = regions.qr_regions(candidates, width, height)
    finally:
        pdf.close()
    assert not candidates.read_whole and len(found) >= 2
    assert 0 < sum((r[2] - r[0]) * (r[3] - r[1]) for r in found) < 0.2 * width * height


def test_a_rounded_box_is_plain_and_other_curved_shapes_are_read():
    # The card's frames: a background and a border with rounded corners (four curves from
    # side to side, straight lines along them). An icon's curves run across its box; and
    # two shapes of four curves each: a diamond bulging inside its box, and a bow tie
    # whose corners are round but whose lines cross it; and a path of that diamond and
    # then a square, which is not plain for its last shape being a box.
    import base64

    import weasyprint

    def svg(path: str) -> str:
        data = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="{path}"'
                ' fill="#000"/></svg>').encode()
        return "data:image/svg+xml;base64," + base64.b64encode(data).decode()

    drawn = [(REPO / "icons" / "phone.svg").as_uri(),
             svg("M5 0C8 2 8 2 10 5C8 8 8 8 5 10C2 8 2 8 0 5C2 2 2 2 5 0Z"),
             svg("M1 0L9 0C9.5 0 10 .5 10 1L0 9C0 9.5 .5 10 1 10L9 10C9.5 10 10 9.5 10 9"
                 "L0 1C0 .5 .5 0 1 0Z"),
             svg("M5 0C8 2 8 2 10 5C8 8 8 8 5 10C2 8 2 8 0 5C2 2 2 2 5 0Z M0 0L2 0L2 2L0 2Z")]
    html = ('<div style="border: 1pt solid #1773e6; border-radius: 3mm; background: #dbe9fb;'
            ' height: 20mm"></div><div style="margin-top: 20mm">'
            + "".join(f'<img src="{uri}" style="width: 8mm; margin: 2mm">' for uri in drawn)
            + "</div>")
    pdf = pypdfium2.PdfDocument(weasyprint.HTML(string=html).write_pdf())
    try:
        paths = [(regions.placed_bounds(obj, form), regions._plain(obj))
                 for obj, form in regions.placed_objects(pdf[0])
                 if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_PATH]
    finally:
        pdf.close()
    box = [plain for (_, _, _, top), plain in paths if top > 700]
    shapes = [plain for (_, _, _, top), plain in paths if top < 700]
    assert box and all(box), paths
    assert len(shapes) >= len(drawn) and not any(shapes), paths
