"""The brand's palette: the templates paint in its screen colours, and the print shop's
file and the grey office sheets get the values the brand declares, read from the PDFs."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from conftest import BUNDLED, edit, read_yaml
from leafletgen.build import build
from leafletgen.content import Colour, Palette
from leafletgen.options import BuildOptions
from leafletgen.palette import css_colours, rgb, swatches


def _fills(pdf_path: Path) -> set[tuple[str, tuple[float, ...]]]:
    """Every fill colour set in the file, forms included: ("k", (c, m, y, k)), ("g", ...)."""
    found: set[tuple[str, tuple[float, ...]]] = set()
    seen: set = set()

    def walk(holder, resources) -> None:
        for instruction in pikepdf.parse_content_stream(holder):
            operator = str(instruction.operator)
            if operator in ("rg", "g", "k"):
                found.add((operator, tuple(round(float(v), 3) for v in instruction.operands)))
        for xobject in (resources.get("/XObject") or {}).values() if resources else ():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                walk(xobject, xobject.get("/Resources"))

    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            walk(page, page.obj.get("/Resources"))
    return found


def test_a_colour_is_given_for_screen_print_and_grey():
    accent = Colour(screen="#1773E6", print=(90, 50, 0, 10), grey=60)
    assert rgb(accent) == (23, 115, 230)
    palette = Palette(accent=accent)
    assert css_colours(palette)["accent"] == "#1773e6"
    assert swatches(palette, "cmyk")[(23, 115, 230)] == [0.9, 0.5, 0.0, 0.1]
    assert swatches(palette, "gray")[(23, 115, 230)] == [pytest.approx(0.4)]


def test_the_print_file_and_the_grey_sheets_carry_the_declared_colours(bundled_build: Path):
    accent = read_yaml(BUNDLED / "project.yaml")["brand"]["colours"]["accent"]
    r, g, b = (int(accent["screen"][i:i + 2], 16) / 255 for i in (1, 3, 5))
    # The screen PDF paints the stripe in the screen colour ...
    screen = _fills(bundled_build / "village-handout" / "village-handout.en.pdf")
    assert ("rg", tuple(round(v, 3) for v in (r, g, b))) in screen
    # ... the print shop's file in the brand's CMYK, not a formula's ...
    printed = _fills(bundled_build / "village-handout" / "village-handout.en.print.pdf")
    assert ("k", tuple(v / 100 for v in accent["print"])) in printed
    assert not [colour for colour in printed if colour[0] == "rg"]
    # ... and the grey office sheets in the brand's grey.
    grey = _fills(bundled_build / "village-handout" / "village-handout.en.office-grey.pdf")
    assert ("g", (round(1 - accent["grey"] / 100, 3),)) in grey


def test_a_changed_palette_changes_every_output(small_project: Path, tmp_path: Path):
    edit(small_project / "project.yaml", "leaflets:\n", "brand:\n  colours:\n    accent: "
         "{screen: \"#aa3300\", print: [0, 80, 100, 20], grey: 45}\n\nleaflets:\n")
    edit(small_project / "project.yaml", "    pages: 1\n",
         "    pages: 1\n    outputs: [screen, print]\n")
    build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    printed = _fills(tmp_path / "out" / "card" / "card.en.print.pdf")
    assert ("k", (0.0, 0.8, 1.0, 0.2)) in printed


@pytest.mark.parametrize("brand, message", [
    ("  logo: images/missing.svg\n",
     "brand.logo: images/missing.svg: cannot be read: no such file, or a broken link"),
    ("  logo: ../outside.svg\n", "brand.logo: must be an SVG file in the project's images/ "
     "folder, such as images/logo.svg"),
    ("  colours:\n    accent: {screen: blue, print: [0, 0, 0, 100], grey: 100}\n",
     "brand.colours.accent.screen: a screen colour is written #rrggbb, such as #1773e6"),
    ("  colours:\n    accent: {screen: \"#000000\", print: [0, 0, 0, 120], grey: 100}\n",
     "brand.colours.accent.print[3]:"),
])
def test_a_broken_brand_is_named(run, small_project: Path, brand: str, message: str):
    edit(small_project / "project.yaml", "leaflets:\n", f"brand:\n{brand}\nleaflets:\n")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert message in stderr, stderr


def test_the_brands_heading_face_sets_the_headings_and_a_missing_one_is_named(
        run, small_project: Path, tmp_path: Path):
    from conftest import renamed_font

    font = renamed_font("NotoSans-Bold.ttf", "Brand Sans", "BrandSans-Bold")
    (small_project / "fonts").mkdir()
    font.save(small_project / "fonts" / "BrandSans-Bold.ttf")
    edit(small_project / "project.yaml", "leaflets:\n",
         "brand:\n  faces:\n    heading: [Brand Sans]\n\nleaflets:\n")
    build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    with pikepdf.open(tmp_path / "out" / "card" / "card.en.pdf") as pdf:
        names = {str(font.BaseFont).split("+")[-1]
                 for page in pdf.pages for font in page.Resources.Font.values()}
    assert "Brand-Sans-Bold" in names and "Noto-Sans" in names  # headings, and the text
    edit(small_project / "project.yaml", "heading: [Brand Sans]", "heading: [Brand Serif]")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert "brand.faces.heading: font family 'Brand Serif' is not in the project's" in stderr
