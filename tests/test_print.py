"""Print production: the print shop's PDF/X, the screen PDF/UA, the office sheets, copyfit.

Every check opens the PDF that was written: its boxes and output intent with pikepdf, its
pixels with pdfium, its QR codes with zxing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from conftest import decode_qr, edit, tree_snapshot
from leafletgen.build import build
from leafletgen.errors import ContentError
from leafletgen.impose import booklet_order, roll_fold_sides
from leafletgen.model import PAGE_FORMATS
from leafletgen.options import BuildOptions

MM = 72 / 25.4
HOTLINE_TEL = "tel:+37060871204"


def boxes(page: pikepdf.Page) -> dict[str, list[float]]:
    return {name: [float(v) for v in page.obj[name]]
            for name in ("/MediaBox", "/TrimBox", "/BleedBox") if name in page.obj}


def render(path: Path, page: int = 0, dpi: int = 150):
    pdf = pypdfium2.PdfDocument(path)
    try:
        return pdf[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        pdf.close()


def pixel_at(image, page_height_pt: float, x_pt: float, y_pt: float, dpi: int = 150):
    """The pixel at PDF coordinates (origin bottom left)."""
    scale = dpi / 72
    return image.getpixel((int(x_pt * scale), int((page_height_pt - y_pt) * scale)))


def mark_near(image, page_height_mm: float, x_mm: float, y_mm: float) -> bool:
    """Whether a thin line passes within a millimetre of the point (x, y) mm (pixels at
    300 dpi)."""
    scale = 300 / 25.4
    steps = [step / 10 for step in range(-10, 11)]
    return any(sum(image.getpixel((int((x_mm + dx) * scale),
                                   int((page_height_mm - y_mm - dy) * scale)))) < 3 * 200
               for dx in steps for dy in steps)


def dark(pixel) -> bool:
    return sum(pixel) < 3 * 160


def colour_operators(pdf: pikepdf.Pdf) -> set[str]:
    """Every colour-setting operator in every content stream, forms included."""
    found: set[str] = set()
    seen: set = set()

    def walk(holder, resources) -> None:
        for instruction in pikepdf.parse_content_stream(holder):
            operator = str(instruction.operator)
            if operator in ("rg", "RG", "g", "G", "k", "K"):
                found.add(operator)
            elif operator in ("cs", "CS"):
                found.add(f"{operator} {instruction.operands[0]}")
        for xobject in (resources.get("/XObject") or {}).values() if resources else ():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                walk(xobject, xobject.get("/Resources"))

    for page in pdf.pages:
        walk(page, page.obj.get("/Resources"))
    return found


def text_positions(path: Path, page: int, needle: str) -> list[float]:
    """Left edges (pt) of every occurrence of `needle` on a page."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        textpage = pdf[page].get_textpage()
        searcher = textpage.search(needle)
        found = []
        while (hit := searcher.get_next()) is not None:
            found.append(textpage.get_charbox(hit[0])[0])
        return found
    finally:
        pdf.close()


def manifest_record(output: Path, name: str) -> dict:
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    return next(record for record in manifest["outputs"] if record["path"] == name)


# The print shop's PDF/X-4.

def test_print_pdf_has_a_pdfx_output_intent_with_an_embedded_cmyk_profile(bundled_build):
    with pikepdf.open(bundled_build / "village-handout/village-handout.en.print.pdf") as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        assert intents[0].S == "/GTS_PDFX"
        profile = intents[0].DestOutputProfile
        assert int(profile.N) == 4
        icc = profile.read_bytes()
        # An ICC profile's header: its signature, and the colour space of its data.
        assert icc[36:40] == b"acsp" and icc[16:20] == b"CMYK"
        assert b"PDF/X-4" in pdf.Root.Metadata.read_bytes()
        assert pdf.pdf_version >= "1.6"  # what PDF/X-4 is based on
        assert pdf.docinfo["/Trapped"] == "/False"


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


@pytest.mark.parametrize("name, side", [
    ("village-handout/village-handout.en.print.pdf", "left"),
    ("pocket-card/pocket-card.ar.print.pdf", "right"),  # mirrored: Arabic lines start right
])
def test_the_edge_band_runs_into_the_bleed(bundled_build, name, side):
    path = bundled_build / name
    with pikepdf.open(path) as pdf:
        found = boxes(pdf.pages[0])
    trim, media = found["/TrimBox"], found["/MediaBox"]
    image = render(path)
    x_in_bleed = trim[0] - 1.5 * MM if side == "left" else trim[2] + 1.5 * MM
    x_other_bleed = trim[2] + 1.5 * MM if side == "left" else trim[0] - 1.5 * MM
    middle = (trim[1] + trim[3]) / 2
    red, _, blue = pixel_at(image, media[3], x_in_bleed, middle)
    assert blue > red + 60, "the band is not there, past the trim"
    assert pixel_at(image, media[3], x_other_bleed, middle) == (255, 255, 255)


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


def test_print_output_qr_codes_decode_and_are_reproducible(small_project, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    for output in (first, second):
        build(BuildOptions(small_project, output, outputs=("print", "office-grey")))
    pdfs = [{name: data for name, data in tree_snapshot(output).items() if name.endswith(".pdf")}
            for output in (first, second)]
    assert len(pdfs[0]) == 4 and pdfs[0] == pdfs[1]
    assert (1, HOTLINE_TEL) in decode_qr(first / "card/card.en.print.pdf")


# The screen PDF/UA.

def structure_elements(element, found: list) -> list:
    if isinstance(element, pikepdf.Dictionary):
        if "/S" in element:
            found.append(element)
        kids = element.get("/K")
        if kids is not None:
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                structure_elements(kid, found)
    return found


@pytest.mark.parametrize("name, language", [
    ("your-rights/your-rights.ar.pdf", "ar"), ("village-handout/village-handout.lt.pdf", "lt")])
def test_screen_pdf_is_tagged_with_title_language_and_alt_text(bundled_build, name, language):
    with pikepdf.open(bundled_build / name) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.Lang == language
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo["/Title"])
        assert b"pdfuaid" in pdf.Root.Metadata.read_bytes()
        figures = [e for e in structure_elements(pdf.Root.StructTreeRoot, [])
                   if e.S == "/Figure"]
        assert figures and all(str(figure.get("/Alt", "")).strip() for figure in figures)
        assert any("+370 608 712 04" in str(figure.Alt) for figure in figures)


# Office sheets.

def test_two_a5_pages_on_an_a4_landscape_sheet_with_cut_marks(bundled_build):
    path = bundled_build / "village-handout/village-handout.en.office.pdf"
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2  # the handout's two pages, each sheet two copies
        for page in pdf.pages:
            assert [round(float(v) / MM) for v in page.MediaBox] == [0, 0, 297, 210]
    for page, text in ((0, "People in the forest"), (1, "Questions we hear often")):
        lefts = sorted(text_positions(path, page, text))
        assert len(lefts) == 2
        assert lefts[0] < 148 * MM < lefts[1]
        assert abs((lefts[1] - lefts[0]) - 148 * MM) < 0.5  # the same page, 148 mm on
    # The cut: 148.5 mm in, marked near the top and bottom edges (where the right-hand
    # page's edge band also begins), nowhere else along the edge.
    image = render(path, dpi=300)
    assert mark_near(image, 210, 148.5, 203) and mark_near(image, 210, 148.5, 7)
    assert not mark_near(image, 210, 100, 203)


def test_four_a6_cards_a_sheet_cut_at_the_middle(bundled_build):
    # The Arabic card's edge band is on the right: on the left, only the cut marks are.
    path = bundled_build / "pocket-card/pocket-card.ar.office-grey.pdf"
    image = render(path, dpi=300)
    assert mark_near(image, 297, 7, 148.5)
    assert not mark_near(image, 297, 7, 140) and not mark_near(image, 297, 2, 148.5)


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
    for sheet_side, order in ((0, [2, 6, 1]), (1, [3, 4, 5])):
        lefts = {number: text_positions(path, sheet_side, f"{number} / 6") for number in order}
        assert all(len(found) == 1 for found in lefts.values()), lefts
        assert sorted(order, key=lambda number: lefts[number][0]) == order


def test_booklet_office_sheets_in_folding_order(small_project, tmp_path):
    (small_project / "templates").mkdir()
    # Four pages, each marked with its number.
    (small_project / "templates" / "booklet.html").write_text(
        '{% extends "handout.html" %}{% block body %}{{ super() }}'
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


# Formats.

def test_a_project_defines_its_own_format(small_project, tmp_path):
    edit(small_project / "project.yaml", "leaflets:\n",
         "formats:\n  postcard: {width_mm: 130, height_mm: 190, pages: 1}\n\nleaflets:\n")
    edit(small_project / "project.yaml", "format: A5\n    pages: 1\n", "format: postcard\n")
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: No.")
    output = tmp_path / "out"
    build(BuildOptions(small_project, output, languages=("en",), outputs=("screen", "office")))
    with pikepdf.open(output / "card/card.en.pdf") as pdf:
        assert [round(float(v) / MM) for v in pdf.pages[0].MediaBox] == [0, 0, 130, 190]
    with pikepdf.open(output / "card/card.en.office.pdf") as pdf:  # 2 postcards an A4
        assert [round(float(v) / MM) for v in pdf.pages[0].MediaBox] == [0, 0, 297, 210]
    assert decode_qr(output / "card/card.en.office.pdf").count((1, HOTLINE_TEL)) == 2


# Fit.

LONG = "Officers must register the request and give the person a paper that says so. "


def test_a_long_translation_is_copyfitted_and_fits(small_project, tmp_path):
    edit(small_project / "project.yaml", "    pages: 1\n", "    pages: 1\n    copyfit: true\n")
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: " + LONG * 21)
    output = tmp_path / "out"
    messages: list[str] = []
    build(BuildOptions(small_project, output, languages=("en",)),
          lambda event: messages.append(str(event)))
    record = manifest_record(output, "card/card.en.pdf")
    assert record["pages"] == 1
    assert 8 <= record["body_pt"] < record["designed_pt"] == 9
    assert any(f"set in {record['body_pt']:g} pt to fit" in m for m in messages)
    # The PDF itself is set smaller: the answer's type, read back from the text layer,
    # against the hotline number's, which the template sets at 22 pt and copyfit leaves be.
    pdf = pypdfium2.PdfDocument(output / "card/card.en.pdf")
    try:
        textpage = pdf[0].get_textpage()
        sizes = [pypdfium2.raw.FPDFText_GetFontSize(
            textpage.raw, textpage.search(text).get_next()[0]) for text in ("Officers", "+370")]
    finally:
        pdf.close()
    assert 22 * sizes[0] / sizes[1] == pytest.approx(record["body_pt"], abs=0.05)
    # Without copyfit, the same text is an overflow.
    edit(small_project / "project.yaml", "    copyfit: true\n", "")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(small_project, tmp_path / "plain", languages=("en",)))
    assert "card (en) does not fit: 2 pages where its format has 1" in str(caught.value)


def test_far_too_long_text_fails_with_the_overflow_even_at_the_smallest_size(
        small_project, tmp_path, run):
    edit(small_project / "project.yaml", "    pages: 1\n", "    pages: 1\n    copyfit: true\n")
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: " + LONG * 60)
    code, _, stderr = run("build", "-p", small_project, "-o", "out", "--lang", "en")
    assert code == 1
    assert re.search(r"card/card\.en\.pdf: card \(en\) does not fit: 2 pages where its format "
                     r"has 1; \d+ mm of text run onto page 2, even at 8 pt, the smallest body "
                     r"size its template allows: shorten the text", stderr), stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists()


# Preflight.

def test_preflight_report_in_the_manifest(bundled_build):
    report = manifest_record(bundled_build, "village-handout/village-handout.en.print.pdf")
    preflight = report["preflight"]
    assert preflight["trim_mm"] == [148.0, 210.0] and preflight["bleed_mm"] == 3.0
    assert preflight["output_intent"]["subtype"] == "GTS_PDFX"
    assert preflight["output_intent"]["components"] == 4
    assert preflight["pdf_variant"] == "PDF/X-4"
    assert preflight["fonts_not_embedded"] == [] and preflight["colour_spaces"] == ["cmyk"]
    assert 5 <= preflight["smallest_type_pt"] < 9
    assert preflight["smallest_qr_module_mm"] >= 0.4
    assert preflight["images"] == 0 and preflight["problems"] == []
    screen = manifest_record(bundled_build, "village-handout/village-handout.en.pdf")
    assert screen["preflight"]["pdf_variant"] == "PDF/UA-1" and screen["preflight"]["tagged"]
    assert screen["preflight"]["output_intent"] is None
