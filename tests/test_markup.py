"""The Markdown subset of answers, checked in the PDFs it gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf

from conftest import BUNDLED, edit, pdf_text, visual_lines
from leafletgen.build import BuildOptions, build
from leafletgen.markup import answer_html


def link_targets(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A]


def test_emphasis_lists_and_links_print_and_links_work(small_project: Path, tmp_path: Path):
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: |\n      **No**, under *Article 291* part 2, see [the code]"
         "(https://example.org/code) or call [us](tel:+37060871204).\n\n"
         "      1. first step\n      2. second step\n\n      Line one\\\n      line two.")
    edit(small_project / "project.yaml", "    pages: 1\n", "    pages: 1\n    copyfit: true\n")
    result = build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    path = result.outputs[0].file
    # A line may end after a slash with no space in the text: the text layer then shows one.
    text = pdf_text(path).replace("/ ", "/")
    assert ("No, under Article 291 part 2, see the code (https://example.org/code) or call "
            "us (+37060871204).") in text
    assert "**" not in text and "](" not in text
    assert set(link_targets(path)) >= {"https://example.org/code", "tel:+37060871204"}
    lines = visual_lines(path)
    assert "1.firststep" in lines and "2.secondstep" in lines  # numbered as on paper
    assert "Lineone" in lines and "linetwo." in lines  # the hard break


def test_a_latin_phrase_split_by_emphasis_keeps_its_order_in_arabic(tmp_path: Path):
    project = tmp_path / "leaflets"
    shutil.copytree(BUNDLED, project)
    edit(project / "text" / "ar.yaml", "answer: ليس على العبور،",
         "answer: ليس **Caritas** Lietuva على العبور،")
    result = build(BuildOptions(project, tmp_path / "out", leaflets=("your-rights",),
                                languages=("ar",)))
    lines = visual_lines(result.outputs[0].file)
    assert any("CaritasLietuva" in line for line in lines), lines
    assert not any("LietuvaCaritas" in line for line in lines)


def test_markup_that_bypassed_validation_still_prints_as_text():
    html = answer_html('<script>x()</script> [a](javascript:x()) ![i](file:///etc/passwd)', "ltr")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<a " not in html and "<img" not in html
