"""Preflight: what a print shop checks, read from the finished file; every rule is seen to
fire on a file that breaks it."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from conftest import build_errors, manifest_record, override, with_css
from leafletgen.build import build
from leafletgen.options import BuildOptions
from leafletgen.preflight import preflight


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


def test_type_too_small_to_read_is_caught_by_preflight(small_project: Path, tmp_path: Path):
    with_css(small_project, ".source-list { font-size: 4pt; }")
    assert build_errors(small_project, tmp_path) == [
        "card/card.en.pdf: preflight: type as small as 4.0 pt (at least 5 pt)"]


def test_an_image_below_200_dpi_is_caught_by_preflight(small_project: Path, tmp_path: Path):
    from PIL import Image

    Image.new("L", (40, 40), 128).save(small_project / "grey.png")
    override(small_project, "masthead.html",
              f'<h1>{{{{ title }}}}</h1><img alt="grey" style="width: 30mm" '
              f'src="{(small_project / "grey.png").as_uri()}">')
    assert build_errors(small_project, tmp_path) == [
        "card/card.en.pdf: preflight: an image prints at 34 dpi (at least 200): give a larger "
        "picture, or print it smaller"]


@pytest.mark.parametrize("pixels, warned", [(295, True), (360, False)])  # 250 and 305 dpi
def test_an_image_below_300_dpi_is_a_warning(small_project: Path, tmp_path: Path,
                                             pixels: int, warned: bool):
    from PIL import Image

    Image.new("L", (pixels, pixels), 128).save(small_project / "grey.png")
    override(small_project, "masthead.html",
             f'<h1>{{{{ title }}}}</h1><img alt="grey" style="width: 30mm" '
             f'src="{(small_project / "grey.png").as_uri()}">')
    build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    warnings = manifest_record(tmp_path / "out", "card/card.en.pdf")["warnings"]
    soft = [w for w in warnings if "it will look soft" in w]
    assert soft == ([f"preflight: an image prints at {round(pixels / (30 / 25.4))} dpi: it "
                     "will look soft (300 dpi or more is sharp); give a larger picture"]
                    if warned else [])


def test_print_and_grey_rules_fire_on_a_file_that_breaks_them(small_project: Path,
                                                               tmp_path: Path):
    """The screen PDF is everything the print shop's must not be: RGB, no output intent,
    no trim or bleed box; and it is in colour, which the grey sheets must not be."""
    with_css(small_project, ".question { color: #c00; }")
    result = build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    screen = result.outputs[0].file.read_bytes()
    assert preflight(screen, "screen", []).problems == ()
    assert preflight(screen, "print", []).problems == (
        "no PDF/X output intent with a CMYK profile", "colours outside CMYK: rgb",
        "no TrimBox and BleedBox")
    assert preflight(screen, "office-grey", []).problems == ("colours outside grey: rgb",)


def test_a_font_not_embedded_is_caught_by_preflight(tmp_path: Path):
    import io

    import pikepdf

    pdf = pikepdf.new()
    # A standard font, with no descriptor; and a TrueType font whose descriptor has no file.
    standard = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                    Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
    described = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name.Arial,
        FontDescriptor=pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor,
                                          FontName=pikepdf.Name.Arial, Flags=32)))
    page = pdf.add_blank_page(page_size=(200, 200))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=standard, F2=described))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 20 100 Td (Call) Tj /F2 12 Tf (us) Tj ET")
    data = io.BytesIO()
    pdf.save(data)
    assert preflight(data.getvalue(), "screen", []).problems == (
        "fonts not embedded: Arial, Helvetica",)


def test_a_pdf_ua_claim_without_a_structure_tree_is_caught(bundled_build: Path):
    with pikepdf.open(bundled_build / "pocket-card" / "pocket-card.en.pdf") as pdf:
        del pdf.Root.StructTreeRoot
        untagged = io.BytesIO()
        pdf.save(untagged)
    assert "claims PDF/UA but has no structure tree" in preflight(
        untagged.getvalue(), "screen", []).problems


def test_an_inline_image_and_what_follows_it_are_read(bundled_build: Path):
    """An image drawn inline in a page's content (BI ... ID ... EI) paints in a colour
    space of its own, and the operators after it are read too: here 3 pt type."""
    name = bundled_build / "pocket-card" / "pocket-card.en.print.pdf"
    assert preflight(name.read_bytes(), "print", []).problems == ()
    with pikepdf.open(name) as pdf:
        page = pdf.pages[0]
        page.contents_add(pdf.make_stream(
            b"q 10 0 0 10 20 20 cm BI /W 1 /H 1 /BPC 8 /CS /RGB ID \xc0\x00\x00 EI Q "
            b"BT /F1 3 Tf 20 40 Td (small) Tj ET"))
        changed = io.BytesIO()
        pdf.save(changed)
    assert preflight(changed.getvalue(), "print", []).problems == (
        "type as small as 3.0 pt (at least 5 pt)", "colours outside CMYK: inline image")
