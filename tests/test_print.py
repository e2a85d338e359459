"""Print production: the print shop's PDF/X, the screen PDF/UA, the office sheets, copyfit.

Every check opens the PDF that was written: its boxes and output intent with pikepdf, its
pixels with pdfium, its QR codes with zxing.
"""

from __future__ import annotations

import re

import pikepdf
import pypdfium2
import pytest

from conftest import (
    HOTLINE_TEL,
    MM,
    boxes,
    build_errors,
    decode_qr,
    edit,
    manifest_record,
    pdf_text,
    pixel_at,
    render,
    tree_snapshot,
)
from leafletgen.build import build
from leafletgen.errors import ContentError
from leafletgen.options import BuildOptions

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
        # The hotline's code is in the band at the foot of each page, furniture; the number
        # itself is said in the tagged text, once.
        assert "+370 608 712 04" in pdf_text(bundled_build / name)


# Office sheets.


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


def test_a_format_larger_than_a4_has_no_office_sheet(small_project, tmp_path):
    edit(small_project / "project.yaml", "leaflets:\n",
         "formats:\n  poster: {width_mm: 300, height_mm: 420, pages: 1}\n\nleaflets:\n")
    edit(small_project / "project.yaml", "format: A5\n    pages: 1\n", "format: poster\n")
    assert build_errors(small_project, tmp_path, outputs=("office",)) == [
        "card/card.en.office.pdf: a poster page (300 x 420 mm) does not fit on an A4 sheet "
        "inside its safe margin"]


# Fit.

LONG = "Officers must register the request and give the person a paper that says so. "


def test_a_long_translation_is_copyfitted_and_fits(small_project, tmp_path):
    edit(small_project / "project.yaml", "    pages: 1\n", "    pages: 1\n    copyfit: true\n")
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: " + LONG * 4)
    output = tmp_path / "out"
    messages: list[str] = []
    build(BuildOptions(small_project, output, languages=("en",)),
          lambda event: messages.append(str(event)))
    record = manifest_record(output, "card/card.en.pdf")
    assert record["pages"] == 1
    assert 11 <= record["body_pt"] < record["designed_pt"] == 12
    assert any(f"set in {record['body_pt']:g} pt to fit" in m for m in messages)
    # The PDF itself is set smaller: the answer's type, read back from the text layer,
    # against the hotline number's, which the template sets at 24 pt and copyfit leaves be.
    pdf = pypdfium2.PdfDocument(output / "card/card.en.pdf")
    try:
        textpage = pdf[0].get_textpage()
        def size_of(text: str) -> float:  # the largest it is set in (the hotline's panel)
            search, found = textpage.search(text), []
            while (hit := search.get_next()) is not None:
                found.append(pypdfium2.raw.FPDFText_GetFontSize(textpage.raw, hit[0]))
            return max(found)

        sizes = [size_of("Officers"), size_of("+370")]
    finally:
        pdf.close()
    assert 24 * sizes[0] / sizes[1] == pytest.approx(record["body_pt"], abs=0.05)
    # Without copyfit, the same text is an overflow.
    edit(small_project / "project.yaml", "    copyfit: true\n", "")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(small_project, tmp_path / "plain", languages=("en",)))
    assert "card (en) does not fit: 2 pages where its format has 1" in str(caught.value)


def test_far_too_long_text_fails_with_the_overflow_even_at_the_smallest_size(
        small_project, tmp_path, run):
    edit(small_project / "project.yaml", "    pages: 1\n", "    pages: 1\n    copyfit: true\n")
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: " + LONG * 15)
    code, _, stderr = run("build", "-p", small_project, "-o", "out", "--lang", "en")
    assert code == 1
    assert re.search(r"card/card\.en\.pdf: card \(en\) does not fit: 2 pages where its format "
                     r"has 1; \d+ mm of text run onto page 2, even at 11 pt, the smallest body "
                     r"size its template allows: shorten the text", stderr), stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists()


# Preflight.

