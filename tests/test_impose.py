"""Imposition: pages on sheets for the print shop (trim, bleed and crop marks) and for an
office printer (two-up, four-up, booklets and roll folds in folding order)."""

from __future__ import annotations

import shutil

import pikepdf
import pytest

from conftest import (
    BUNDLED,
    MM,
    boxes,
    bundled_outputs,
    dark,
    edit,
    mark_near,
    page_measures,
    pixel_at,
    render,
    text_positions,
    visual_lines,
)
from leafletgen.build import build
from leafletgen.impose import booklet_order, roll_fold_sides
from leafletgen.model import PAGE_FORMATS
from leafletgen.options import BuildOptions


@pytest.mark.parametrize("name, size_mm", [
    ("village-handout/village-handout.en.print.pdf", (148, 210)),
    ("pocket-card/pocket-card.ar.print.pdf", (105, 148)),
    ("village-trifold/village-trifold.lt.print.pdf", (297, 210)),
])
def test_trim_box_inside_a_bleed_box_3_mm_larger(bundled_build, name, size_mm):
    with pikepdf.open(bundled_build / name) as pdf:
        for page in pdf.pages:
            found = boxes(page)
            trim, bleed, media = found["/TrimBox"], found["/BleedBox"], found["/MediaBox"]
            assert [round(v / MM, 1) for v in (trim[2] - trim[0], trim[3] - trim[1])] == \
                list(size_mm)
            assert [round((b - t) / MM, 2) for b, t in zip(bleed, trim, strict=True)] == \
                [-3, -3, 3, 3]
            assert media[0] <= bleed[0] and media[1] <= bleed[1]
            assert media[2] >= bleed[2] and media[3] >= bleed[3]


def test_crop_marks_sit_outside_the_bleed_on_the_trim_lines(bundled_build):
    path = bundled_build / "village-handout/village-handout.en.print.pdf"
    with pikepdf.open(path) as pdf:
        found = boxes(pdf.pages[0])
    trim, bleed, media = found["/TrimBox"], found["/BleedBox"], found["/MediaBox"]
    image = render(path)
    height = media[3]
    for x in (trim[0], trim[2]):
        # Below the bottom corners, between the bleed's edge and the paper's: the mark.
        column = [pixel_at(image, height, x, y)
                  for y in [bleed[1] - step for step in range(2, int(bleed[1] - media[1]))]]
        assert any(dark(p) for p in column), f"no crop mark below x={x / MM:.1f} mm"
    # Nothing in the corner itself, diagonally out from the trim: marks do not cross.
    assert not dark(pixel_at(image, height, trim[0] - 6 * MM, trim[1] - 6 * MM))
    # And none inside the bleed, where the background runs.
    assert not dark(pixel_at(image, height, (trim[0] + trim[2]) / 2, trim[1] - 1.5 * MM))


def test_two_a5_pages_on_an_a4_landscape_sheet_with_cut_marks(small_project, tmp_path):
    """A flat A5 leaflet of two pages: each office sheet holds two copies of one page,
    each 140.5 x 200 mm so that both fit inside the 5 mm safe margin with a 6 mm gutter."""
    edit(small_project / "project.yaml", "    pages: 1\n", "    pages: 2\n")
    edit(small_project / "project.yaml", "        entries: [legal, help]",
         "        entries: [legal]\n      - id: more\n        new_page: true\n"
         "        entries: [help]")
    for code, heading in (("en", "More questions"), ("lt", "Daugiau klausimų")):
        edit(small_project / "text" / f"{code}.yaml", "    sections:\n",
             f"    sections:\n      more: {heading}\n")
    output = tmp_path / "out"
    build(BuildOptions(small_project, output, outputs=("office",), languages=("en",)))
    path = output / "card/card.en.office.pdf"
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2  # the leaflet's two pages, each sheet two copies
        for page in pdf.pages:
            assert [round(float(v) / MM) for v in page.MediaBox] == [0, 0, 297, 210]
    for page, text in ((0, "Test card"), (1, "More questions")):
        lefts = sorted(text_positions(path, page, text))
        assert len(lefts) == 2
        assert lefts[0] < 148 * MM < lefts[1]
        assert abs((lefts[1] - lefts[0]) - 146.5 * MM) < 0.5  # a page and a gutter on
    # The cut: down the gutter's middle, 148.5 mm in, marked near the top and bottom edges
    # just inside the safe margin, nowhere else along the edge.
    image = render(path, dpi=300)
    assert mark_near(image, 210, 148.5, 203) and mark_near(image, 210, 148.5, 7)
    assert not mark_near(image, 210, 100, 203)


def test_four_a6_cards_a_sheet_cut_at_the_middle(bundled_build):
    # The Arabic card's edge band is on the right: on the left, only the cut marks are.
    path = bundled_build / "pocket-card/pocket-card.ar.office-grey.pdf"
    image = render(path, dpi=300)
    assert mark_near(image, 297, 7, 148.5)
    assert not mark_near(image, 297, 2, 140) and not mark_near(image, 297, 2, 148.5)


OFFICE_SHEETS = sorted(f"{leaflet}/{leaflet}.{code}.{kind}.pdf"
                       for leaflet, code, kind in bundled_outputs() if kind.startswith("office"))


def _ink_box_mm(image, dpi: int) -> tuple[float, float, float, float]:
    """How far the nearest ink is from the left, top, right and bottom edges, in mm."""
    left, top, right, bottom = image.convert("L").point(lambda v: 255 if v < 200 else 0) \
        .getbbox()
    width, height = image.size
    return tuple(pixels * 25.4 / dpi for pixels in (left, top, width - right, height - bottom))


@pytest.mark.parametrize("name", OFFICE_SHEETS)
def test_office_sheets_print_nothing_in_the_outer_5_mm(bundled_build, name):
    """Office printers leave the outer 4-5 mm of a sheet blank: nothing may need it, not
    a stripe, a draft mark or a cut mark (within a pixel at 100 dpi, 0.25 mm)."""
    path = bundled_build / name
    with pikepdf.open(path) as pdf:
        sides = len(pdf.pages)
    for side in range(sides):
        assert min(_ink_box_mm(render(path, side, dpi=100), 100)) > 4.7, (name, side)


def test_a6_cards_are_cut_down_a_white_gutter(bundled_build):
    """Four cards a sheet, 6 mm apart: the cuts run down the middle of the gutters, so
    no cut lies on a card's edge band (the Arabic card's is on its right, the English
    card's on its left), and a cut a millimetre or two off still cuts white."""
    for code in ("ar", "en"):
        image = render(bundled_build / f"pocket-card/pocket-card.{code}.office-grey.pdf",
                       dpi=150)

        def white(x_mm: float, y_mm: float, image=image) -> bool:
            return not dark(pixel_at(image, 297 * MM, x_mm * MM, y_mm * MM))

        steps = [y / 2 for y in range(2 * 12, 2 * 286)]  # between the cut marks
        for off_centre in (-2.5, -1.0, 0.0, 1.0, 2.5):
            assert all(white(105 + off_centre, y) for y in steps), (code, off_centre)
            assert all(white(x, 148.5 + off_centre) for x in [x / 2 for x in range(24, 396)])
        # Just outside the gutter, the cards are printed: their edge band, on one side.
        assert not all(white(105 + side * 3.5, y) for side in (-1, 1) for y in steps)


@pytest.mark.parametrize("name", OFFICE_SHEETS)
def test_office_copies_set_the_same_type_as_the_screen_pdf(bundled_build, name):
    """An office copy is a little smaller than its format, to fit with margins and
    gutters; it gives up page margin for it, not type size (nor QR module size, which
    verification checks on every output)."""
    screen_name = name.rsplit(".", 2)[0] + ".pdf"
    screen, office = (page_measures.row({"path": ""}, page_measures.measure(
        bundled_build / path)) for path in (screen_name, name))
    assert (office["body_pt"], office["smallest_pt"]) == \
        (screen["body_pt"], screen["smallest_pt"])


def test_booklet_order_by_hand():
    # One A4 sheet folded: outside 4|1, inside 2|3. Two sheets nested: 8|1, 2|7, 6|3, 4|5.
    assert booklet_order(4, rtl=False) == [(3, 0), (1, 2)]
    assert booklet_order(8, rtl=False) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    # Bound on the right: the cover is the right-hand half's other side, so each side flips.
    assert booklet_order(4, rtl=True) == [(0, 3), (2, 1)]


def test_roll_fold_panels_by_hand():
    trifold = PAGE_FORMATS["DL-trifold"]
    outside, inside = roll_fold_sides(trifold, rtl=False, bleed=0)
    # Outside: tucked-in flap (page 2), back (6), front (1); inside: 3, 4, 5.
    assert [slot.page + 1 for slot in outside.slots] == [2, 6, 1]
    assert [slot.page + 1 for slot in inside.slots] == [3, 4, 5]
    assert [slot.width_mm for slot in outside.slots] == [97, 100, 100]
    assert [slot.width_mm for slot in inside.slots] == [100, 100, 97]
    outside, inside = roll_fold_sides(trifold, rtl=True, bleed=0)
    assert [slot.page + 1 for slot in outside.slots] == [1, 6, 2]
    assert [slot.page + 1 for slot in inside.slots] == [5, 4, 3]


def test_trifold_sheet_puts_the_panels_in_roll_fold_order(bundled_build):
    path = bundled_build / "village-trifold/village-trifold.en.office.pdf"
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2
        assert [round(float(v) / MM) for v in pdf.pages[0].MediaBox] == [0, 0, 297, 210]
    # Each panel by what only it prints (panels carry no numbers): the cover's title, the
    # flap's section, the inside panels' answers running on, and the sources on the back.
    marks = {1: "People in the forest", 2: "If you meet them", 3: "What the law says",
             4: "Questions we hear often", 5: "Is it right to call them", 6: "Sources"}
    for sheet_side, order in ((0, [2, 6, 1]), (1, [3, 4, 5])):
        lefts = {number: text_positions(path, sheet_side, marks[number]) for number in order}
        assert all(len(found) == 1 for found in lefts.values()), lefts
        assert sorted(order, key=lambda number: lefts[number][0]) == order
    assert not any(text_positions(path, side, "/6") for side in (0, 1))


def test_booklet_office_sheets_in_folding_order(small_project, tmp_path):
    (small_project / "templates").mkdir()
    # Four pages, each marked with its number.
    (small_project / "templates" / "booklet.html").write_text(
        '{% extends "handout.html" %}{% block body %}'
        '<div style="font-size: 8pt">{{ super() }}</div>'
        '{% for n in range(2, 5) %}<p style="break-before: page">PAGE-{{ n }}</p>'
        '{% endfor %}{% endblock %}', encoding="utf-8")
    edit(small_project / "project.yaml", "    template: handout.html\n    format: A5\n"
         "    pages: 1\n", "    template: booklet.html\n    format: A5-booklet\n")
    output = tmp_path / "out"
    build(BuildOptions(small_project, output, outputs=("office",), languages=("en",)))
    path = output / "card/card.en.office.pdf"
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2
    middle = 297 / 2 * MM

    def halves(side: int) -> list[str]:
        found = {"PAGE-2": text_positions(path, side, "PAGE-2"),
                 "PAGE-3": text_positions(path, side, "PAGE-3"),
                 "PAGE-4": text_positions(path, side, "PAGE-4"),
                 "title": text_positions(path, side, "Test card")}
        left = [name for name, xs in found.items() if xs and xs[0] < middle]
        right = [name for name, xs in found.items() if xs and xs[0] > middle]
        return left + right

    assert halves(0) == ["PAGE-4", "title"]
    assert halves(1) == ["PAGE-2", "PAGE-3"]


def test_a_press_reports_office_copy_keeps_its_running_heads_on_the_page(tmp_path):
    # An office copy of an A4 report has a 6 mm top margin; wrapped to two lines there,
    # the title and the draft line in the running heads rose past the sheet's top edge
    # (verification: "text runs past the page's edge ('ŽŠ')").
    project = tmp_path / "leaflets"
    shutil.copytree(BUNDLED, project)
    edit(project / "project.yaml", "    template: report.html\n",
         "    template: report.html\n    outputs: [office]\n")
    build(BuildOptions(project, tmp_path / "out", leaflets=("press-report",),
                       languages=("lt",)))
    office = tmp_path / "out" / "press-report" / "press-report.lt.office.pdf"
    head = [line for line in visual_lines(office, 1) if "Žmonės" in line]
    assert len(head) == 1 and "JUODRAŠTIS" in head[0] and "SienosGrupė" in head[0], head


def test_an_urdu_leaflets_office_copy_keeps_its_hotline_band_on_the_page(tmp_path):
    # An office copy gives up 5 mm of an A5 page's bottom margin; the Urdu band (its
    # caption in two Nastaliq lines, its foot) then ran to the page's edge and below it
    # (verification: "text runs past the page's edge ('pgp')"). Its band is taller.
    build(BuildOptions(BUNDLED, tmp_path / "out", leaflets=("your-rights",),
                       languages=("ur",), outputs=("office",)))
    office = tmp_path / "out" / "your-rights" / "your-rights.ur.office.pdf"
    assert office.is_file()
