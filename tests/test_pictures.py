"""Pictures from the project's images/ folder: checked as files, printed with words in
each language, sharp enough at their printed size, and converted for print and grey."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from conftest import build_errors, edit, figure_alts, with_css
from leafletgen.build import build
from leafletgen.options import BuildOptions

# The cover picture prints across the A5 page's text width, 120 mm; the test card has
# room for it 15 mm high, so the picture has that shape (8:1) and is not cropped.
PRINTED_INCHES = 120 / 25.4


def _with_cover(project: Path, pixels: int) -> None:
    (project / "images").mkdir(exist_ok=True)
    # A gradient, so that a conversion that drops the colours would show.
    picture = Image.new("RGB", (pixels, pixels // 8))
    picture.putdata([(x * 255 // pixels, 120, 255 - x * 255 // pixels)
                     for _ in range(pixels // 8) for x in range(pixels)])
    picture.save(project / "images" / "forest.png")
    edit(project / "project.yaml", "    format: A5\n",
         "    format: A5\n    cover_image: images/forest.png\n"
         "    outputs: [screen, print, office-grey]\n")
    edit(project / "text" / "en.yaml", "leaflets:\n", "images:\n  forest: A pine forest\n"
         "leaflets:\n")
    edit(project / "text" / "lt.yaml", "leaflets:\n", "images:\n  forest: Pušynas\n"
         "leaflets:\n")
    with_css(project, ".cover-picture img { height: 15mm; }")


def _images(path: Path) -> list[pikepdf.Object]:
    found = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" \
                    and not obj.get("/ImageMask", False) and obj.get("/Width", 0) > 100:
                found.append({"space": str(obj.get("/ColorSpace")), "width": int(obj.Width)})
    return found


def test_a_cover_picture_prints_with_its_words_and_in_each_outputs_colours(
        small_project: Path, tmp_path: Path):
    _with_cover(small_project, int(PRINTED_INCHES * 320))
    output = tmp_path / "out"
    build(BuildOptions(small_project, output))
    card = output / "card"
    assert [i["space"] for i in _images(card / "card.en.pdf")] == ["/DeviceRGB"]
    assert [i["space"] for i in _images(card / "card.en.print.pdf")] == ["/DeviceCMYK"]
    assert [i["space"] for i in _images(card / "card.en.office-grey.pdf")] == ["/DeviceGray"]
    # Tagged as a figure with the words of each language.
    for code, words in (("en", "A pine forest"), ("lt", "Pušynas")):
        assert words in figure_alts(card / f"card.{code}.pdf"), code


@pytest.mark.parametrize("dpi, severity", [(150, "error"), (250, "warning")])
def test_a_picture_too_small_for_its_printed_size_is_named(small_project: Path,
                                                           tmp_path: Path, dpi: int,
                                                           severity: str):
    _with_cover(small_project, int(PRINTED_INCHES * dpi))
    if severity == "error":
        errors = build_errors(small_project, tmp_path)
        [error] = errors
        found = re.search(r": preflight: an image prints at (\d+) dpi \(at least 200\): give "
                          r"a larger picture, or print it smaller$", error)
        assert found and abs(int(found[1]) - dpi) <= 2, error
        return
    messages: list[str] = []
    build(BuildOptions(small_project, tmp_path / "out", languages=("en",)),
          lambda event: messages.append(str(event)))
    from conftest import manifest_record

    record = manifest_record(tmp_path / "out", "card/card.en.pdf")
    assert any("it will look soft (300 dpi or more is sharp)" in w for w in record["warnings"])


@pytest.mark.parametrize("make, message", [
    (lambda folder: (folder / "forest.png").write_bytes(b"not a picture"),
     "images/forest.png: is not a PNG or JPEG picture that can be read"),
    (lambda folder: Image.new("RGB", (8, 8)).save(folder / "forest.png", format="GIF"),
     "images/forest.png: is a GIF file; save it as PNG or JPEG"),
    (lambda folder: None, "images/forest.png: cannot be read: no such file, or a broken link"),
])
def test_a_picture_that_is_not_one_is_named(run, small_project: Path, make, message: str):
    _with_cover(small_project, 100)
    (small_project / "images" / "forest.png").unlink()
    make(small_project / "images")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert f"leaflets.card.cover_image: {message}" in stderr, stderr


def test_a_picture_needs_words_in_the_source_language(run, small_project: Path):
    _with_cover(small_project, 100)
    edit(small_project / "text" / "en.yaml", "images:\n  forest: A pine forest\n", "")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert ("images.forest: missing: words for the picture images/forest.png (leaflet "
            "'card' prints it)") in stderr


def test_a_picture_too_large_or_misnamed_is_named(run, small_project: Path):
    _with_cover(small_project, 100)
    Image.new("1", (8000, 8000)).save(small_project / "images" / "forest.png")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert ("leaflets.card.cover_image: images/forest.png: 8000 x 8000 pixels is more than a "
            "leaflet needs; save it smaller") in stderr
    edit(small_project / "project.yaml", "cover_image: images/forest.png",
         "cover_image: images/Forest.PNG")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert ("leaflets.card.cover_image: must be a .png or .jpg file in the project's images/ "
            "folder, named in lower-case letters, digits and hyphens") in stderr
