"""The whole pipeline on the bundled project, checked from the PDFs themselves."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pikepdf
import pytest

from conftest import (
    BUNDLED,
    REPO,
    bundled_outputs,
    decode_qr,
    edit,
    figure_alts,
    font_families,
    page_count,
    page_texts,
    pdf_text,
    read_yaml,
    tree_snapshot,
)
from leafletgen.build import BuildOptions, build
from leafletgen.errors import ContentError

HOTLINE_TEL = "tel:+37060871204"
HOTLINE_PRINTED = "+370 608 712 04"


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_village_handout_is_built_in_each_language(bundled_build: Path, lang: str):
    pdf = bundled_build / "village-handout" / f"village-handout.{lang}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert page_count(pdf) == 4  # an A5 booklet


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_hotline_qr_dials_the_hotline(bundled_build: Path, lang: str):
    codes = decode_qr(bundled_build / "village-handout" / f"village-handout.{lang}.pdf")
    assert (1, HOTLINE_TEL) in codes


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_every_cited_source_has_a_qr_that_opens_it(bundled_build: Path, lang: str):
    entries = read_yaml(BUNDLED / "entries.yaml")
    sources = read_yaml(BUNDLED / "sources.yaml")
    leaflet = read_yaml(BUNDLED / "project.yaml")["leaflets"]["village-handout"]
    used = [e for section in leaflet["sections"] for e in section["entries"]]
    cited = {s for e in used for s in (entries[e] or {}).get("cites", [])}
    assert cited, "the bundled handout should cite sources"
    decoded = {text for _, text in
               decode_qr(bundled_build / "village-handout" / f"village-handout.{lang}.pdf")}
    assert decoded == {HOTLINE_TEL} | {sources[s]["url"] for s in cited}


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_text_layer_has_hotline_title_and_every_question(bundled_build: Path, lang: str):
    text = pdf_text(bundled_build / "village-handout" / f"village-handout.{lang}.pdf")
    content = read_yaml(BUNDLED / "text" / f"{lang}.yaml")
    assert HOTLINE_PRINTED in text
    assert content["leaflets"]["village-handout"]["title"] in text
    leaflet = read_yaml(BUNDLED / "project.yaml")["leaflets"]["village-handout"]
    # Straight double quotes are printed as the language's: “…” in English.
    quotes = {"en": "\u201c\u201d", "lt": "\u201e\u201c"}[lang]
    for section in leaflet["sections"]:
        for entry_id in section["entries"]:
            question = " ".join(content["entries"][entry_id]["question"].split())
            question = re.sub(r'"([^"]*)"', lambda m: quotes[0] + m[1] + quotes[1], question)
            assert question in text


def test_unreviewed_translation_is_marked_draft_on_every_page(bundled_build: Path):
    lt = read_yaml(BUNDLED / "text" / "lt.yaml")
    assert lt["status"] == "unreviewed"
    mark = lt["labels"]["draft_mark"]
    pdf_path = bundled_build / "village-handout" / "village-handout.lt.pdf"
    with pikepdf.open(pdf_path) as pdf:
        assert "DRAFT" in str(pdf.docinfo.get("/Keywords", ""))
    pages = page_texts(pdf_path)
    assert len(pages) == 4
    assert all(mark in page for page in pages)
    english = pdf_text(bundled_build / "village-handout" / "village-handout.en.pdf")
    assert read_yaml(BUNDLED / "text" / "en.yaml")["labels"]["draft_mark"] not in english


def test_manifest_lists_every_output_with_true_sizes_and_hashes(bundled_build: Path):
    manifest = json.loads((bundled_build / "manifest.json").read_text())
    records = {(r["leaflet"], r["language"], r["kind"]): r for r in manifest["outputs"]}
    assert set(records) == set(bundled_outputs())
    for record in records.values():
        data = (bundled_build / record["path"]).read_bytes()
        assert record["bytes"] == len(data)
        assert record["sha256"] == hashlib.sha256(data).hexdigest()
        assert record["pages"] == page_count(bundled_build / record["path"])
        assert record["warnings"] == []
    assert records[("village-handout", "lt", "screen")]["draft"] is True
    assert records[("village-handout", "lt", "print")]["draft"] is True
    assert records[("village-handout", "en", "screen")]["draft"] is False


def test_only_project_fonts_are_embedded(bundled_build: Path):
    bundled = {family.replace(" ", "-") for family in font_families(REPO / "fonts")}
    pdfs = sorted(bundled_build.rglob("*.pdf"))
    assert len(pdfs) == len(bundled_outputs())
    for pdf_path in pdfs:
        with pikepdf.open(pdf_path) as pdf:
            # Every font object, those of the pages placed on office and print sheets too.
            names = {str(font.BaseFont).split("+")[-1] for font in pdf.objects
                     if isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/Font"
                     and "/BaseFont" in font}
        # Styled faces are named after their family: Noto-Sans-Bold, Noto-Sans-Italic.
        assert names and all(any(name == family or name in (f"{family}-Bold", f"{family}-Italic")
                                 for family in bundled) for name in names), names


def test_same_input_gives_identical_pdfs(bundled_build: Path, tmp_path: Path):
    build(BuildOptions(BUNDLED, tmp_path, languages=("en",), leaflets=("village-handout",)))
    name = "village-handout/village-handout.en.pdf"
    assert (tmp_path / name).read_bytes() == (bundled_build / name).read_bytes()


# Verification: a PDF that came out is not yet a correct one.

def test_overflowing_text_fails_the_build_and_keeps_the_previous_output(small_project: Path,
                                                                        tmp_path: Path):
    output = tmp_path / "out"
    build(BuildOptions(small_project, output))
    before = tree_snapshot(output)
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: " + "A much longer answer that will not fit. " * 50)
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(small_project, output))
    # Lithuanian overflows too: its translation is now outdated, so it prints the English.
    problems = [str(p) for p in caught.value.problems]
    assert [re.sub(r"\d+ mm", "N mm", p) for p in problems] == [
        f"card/card.{code}.pdf: card ({code}) does not fit: 3 pages where its format has 1; "
        "N mm of text run onto pages 2, 3: shorten the text, or set `copyfit: true` on the "
        "leaflet"
        for code in ("en", "lt")]
    assert tree_snapshot(output) == before


def test_a_template_that_hides_the_qr_fails_the_build(small_project: Path, tmp_path: Path):
    # A user's template overrides the built-in one and breaks the hotline QR code.
    (small_project / "templates").mkdir()
    (small_project / "templates" / "hotline-panel.html").write_text(
        '<p class="hotline-number">{{ hotline.display }}</p>', encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    assert [str(p) for p in caught.value.problems] == [
        "card/card.en.pdf: the hotline QR code for 'tel:+37060871204' does not decode from "
        "the PDF at 300 dpi"]
    assert not (tmp_path / "out").exists()


def test_a_template_cannot_pull_in_files_from_outside_the_project(small_project: Path,
                                                                  tmp_path: Path):
    secret = tmp_path / "case-file.txt"
    secret.write_text("private", encoding="utf-8")
    (small_project / "templates").mkdir()
    (small_project / "templates" / "sources-panel.html").write_text(
        f'<img src="{secret.as_uri()}" alt="x"><a rel="attachment" href="{secret.as_uri()}">a</a>',
        encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    messages = [str(p) for p in caught.value.problems]
    assert (f"card/card.en.pdf: WeasyPrint: refused to fetch {secret.as_uri()}: outside the "
            "project's and leafletgen's folders") in messages


def test_a_character_no_font_has_is_reported_before_rendering(small_project: Path,
                                                              tmp_path: Path):
    edit(small_project / "text" / "lt.yaml", "answer: Taip.", "answer: Taip ✈ taip.")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(small_project, tmp_path / "out"))
    assert [str(p) for p in caught.value.problems] == [
        f"{small_project / 'text' / 'lt.yaml'}:25: entries.help.answer: no font for lt "
        "(Noto Sans) covers 1 character of this symbol text: '✈' (U+2708 AIRPLANE); add a "
        "font that has it (e.g. a Noto font for the script, from notofonts.github.io) to the "
        "project's fonts/ folder and name it in project.yaml under fonts.lt"]


def test_each_qr_has_alternative_text_in_the_tagged_pdf(bundled_build: Path):
    labels = read_yaml(BUNDLED / "text" / "en.yaml")["labels"]
    labels_icons = read_yaml(BUNDLED / "text" / "en.yaml")["icons"]
    with pikepdf.open(bundled_build / "village-handout" / "village-handout.en.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en"
    alts = figure_alts(bundled_build / "village-handout" / "village-handout.en.pdf")
    # A code for each of the six sources. The hotline's code is in the band at the foot of
    # every page, page furniture (an artifact, which needs no words); its number is said
    # in the text (test_text_layer_has_hotline_title_and_every_question).
    codes = [alt for alt in alts if alt.startswith("QR")]
    assert len(codes) == 6
    assert all(alt.startswith(labels["source_qr_alt"]) for alt in codes)
    # The logo, and each pictogram, by their words.
    assert alts[0] == "Sienos Grupė"
    assert [alt for alt in alts if not alt.startswith("QR")][1:] == [
        labels_icons[name] for name in ("phone", "droplet", "ambulance", "clock",
                                        "shield-check", "phone")]


def test_content_is_printed_as_text_never_run_as_markup_or_template(small_project: Path,
                                                                    tmp_path: Path):
    # Questions are plain text (answers take a Markdown subset and refuse HTML: test_markup).
    hostile = "May I {{ 7 * 7 }} {% raw %} <b>bold</b> <script>x()</script> <img src=x> *a*?"
    # Braces are placeholder syntax in content; doubled, they print as literal braces.
    written = hostile.replace("{", "{{").replace("}", "}}")
    edit(small_project / "text" / "en.yaml", "question: May I help?",
         f"question: '{written}'")
    edit(small_project / "text" / "en.yaml", "  website_label: More",
         '  website_label: "More\\" } body { display: none } </style><i>"')
    build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    # A line may end after "</" with no space in the text: the text layer then shows one.
    text = pdf_text(tmp_path / "out" / "card" / "card.en.pdf").replace("/ ", "/")
    assert hostile in text
    assert 'More" } body { display: none } </style><i>: https://example.org' in text


def test_weasyprint_warnings_are_reported_and_fail_under_strict(small_project: Path,
                                                                tmp_path: Path):
    (small_project / "templates").mkdir()
    (small_project / "templates" / "entry.html").write_text(
        '<h3 class="question" style="colour: red">{{ entry.question }}</h3>', encoding="utf-8")
    options = BuildOptions(small_project, tmp_path / "out", languages=("en",))
    result = build(options)
    [output] = result.outputs
    assert output.warnings and all("colour" in w for w in output.warnings)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["outputs"][0]["warnings"] == list(output.warnings)

    before = tree_snapshot(tmp_path / "out")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(small_project, tmp_path / "out", languages=("en",), strict=True))
    assert all(str(p).startswith("card/card.en.pdf: WeasyPrint: Ignored `colour: red`")
               for p in caught.value.problems)
    assert tree_snapshot(tmp_path / "out") == before


def test_without_a_hotline_qr_the_number_is_still_printed(small_project: Path, tmp_path: Path):
    edit(small_project / "project.yaml", "    sections:\n",
         "    qr:\n      hotline: false\n    sections:\n")
    build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    pdf_path = tmp_path / "out" / "card" / "card.en.pdf"
    assert HOTLINE_PRINTED in pdf_text(pdf_path)
    assert not any(text.startswith("tel:") for _, text in decode_qr(pdf_path))


def test_an_overflow_is_one_problem_for_all_outputs_of_a_leaflet(run, tmp_path: Path):
    """Text that does not fit is reported once, not once per output kind, and not with
    the complaints of a preflight that cannot apply to pages never imposed."""
    project = tmp_path / "project"
    shutil.copytree(BUNDLED, project)
    text = (project / "text" / "en.yaml").read_text(encoding="utf-8")
    start = text.index("answer: |\n", text.index("  met-people:")) + len("answer: |\n")
    long = "      A long paragraph that does not fit on the page. " * 60 + "\n\n"
    (project / "text" / "en.yaml").write_text(text[:start] + long + text[start:],
                                              encoding="utf-8")
    # The print shop's file and the grey sheets: the two whose preflight has colour rules.
    code, _, stderr = run("build", "-p", project, "-o", "out", "--lang", "en",
                          "--leaflet", "village-handout", "--for", "print",
                          "--for", "office-grey")
    assert code == 1
    problems = [line for line in stderr.splitlines() if line.startswith("  ")]
    assert len(problems) == 1, stderr
    assert problems[0].startswith("  village-handout/village-handout.en.print.pdf (and 1 "
                                  "other output of it): village-handout (en) does not fit: ")
    assert "colours outside" not in stderr
