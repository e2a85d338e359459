"""Type and space for lay readers, measured from the bundled PDFs as they print:
the size letters are set in from each text object's font size and matrix, characters per
line, lines broken with a hyphen, the page numbers, and the draft mark in the text layer
(benchmarks/page_measures.py reads them; it shares no code with the templates)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import (
    BUNDLED,
    MM,
    edit,
    page_count,
    page_measures,
    page_texts,
    read_yaml,
    text_extents,
    with_css,
)
from leafletgen.build import BuildOptions, build

# Arabic script, Ethiopic, Devanagari and Tamil set small, and are set a point larger; but
# not Urdu's Nastaliq, as tall as Latin at the same size
LARGE_SCRIPTS = {"ar", "fa", "prs", "ckb", "ps", "ur", "ti", "am", "hi", "ta"}
SET_LARGER = LARGE_SCRIPTS - {"ur"}


@pytest.fixture(scope="module")
def measured(bundled_build: Path) -> dict[str, dict]:
    manifest = json.loads((bundled_build / "manifest.json").read_text(encoding="utf-8"))
    return {record["path"]: {**page_measures.row(record, page_measures.measure(
        bundled_build / record["path"])), "leaflet": record["leaflet"],
        "language": record["language"]}
        for record in manifest["outputs"] if record["kind"] == "screen"}


def test_nothing_is_set_below_8_pt_and_no_word_is_hyphenated(measured):
    assert len(measured) == 43
    assert {path: row["smallest_pt"] for path, row in measured.items()
            if row["smallest_pt"] < 8} == {}
    assert {path: row["hyphenated"] for path, row in measured.items() if row["hyphenated"]} \
        == {}


def test_no_two_lines_glyphs_overlap(measured):
    # Vowel signs above and below Indic lines, marks over Arabic letters, a raised
    # citation under a descender, Nastaliq's kaf and gaf strokes and yeh barree tails
    # (on the outlines' ink; clearance.py): measured on every glyph of every bundled page.
    # Urdu had nine touches at 1.4 times Latin's leading before its lines were cleared by
    # their ink, and 93 at Latin's leading.
    assert {path: row["line_collisions"] for path, row in measured.items()
            if row["line_collisions"]} == {}
    assert {row["language"] for row in measured.values()} >= {"ur", "hi", "ta", "ar"}


def test_urdu_lines_stand_clear_on_the_print_and_office_sheets(bundled_build: Path):
    # Where the page is placed in a form (the print sheet at its bleed, the office sheet
    # four times), its outlines are measured where the sheet shows them: each outlined
    # line's ink spans its baseline.
    for name in ("pocket-card.ur.print.pdf", "pocket-card.ur.office-grey.pdf"):
        pdf = bundled_build / "pocket-card" / name
        document = page_measures.pypdfium2.PdfDocument(pdf)
        outlined: dict[float, list] = {}
        for char in page_measures.chars(document[0]):
            if char.outlined and char.text == "\u25cc":
                outlined.setdefault(char.baseline, []).append(char)
        document.close()
        assert len(outlined) >= 10, name
        assert all(min(char.bottom for char in chars) < baseline < max(char.top for char in chars)
                   for baseline, chars in outlined.items()), name
        assert [hit for page in page_measures.measure(pdf) for hit in page.collisions] == [], name


def test_the_draft_mark_across_the_page_is_not_measured_as_text(bundled_build: Path):
    # Measured as lines, its turned letters would collide with every line they cross. The
    # English half of the French leaflet's draft mark is drawn only there.
    french = bundled_build / "your-rights" / "your-rights.fr.pdf"
    assert all("DRAFT" in text for text in page_texts(french))
    assert not any("DRAFT" in page.text for page in page_measures.measure(french))


def test_lines_set_too_tight_are_seen_to_collide(small_project: Path, tmp_path: Path):
    def collisions(output: str) -> int:
        build(BuildOptions(small_project, tmp_path / output, languages=("lt",)))
        [pdf] = (tmp_path / output).rglob("*.lt.pdf")
        return page_measures.row({"path": pdf.name}, page_measures.measure(pdf))[
            "line_collisions"]

    assert collisions("as-designed") == 0
    with_css(small_project, "html, h1, p, li { line-height: 0.6 !important; }")
    assert collisions("tight") > 0


def test_a5_leaflets_are_set_at_12_pt_and_a_point_more_in_arabic_script_and_ethiopic(measured):
    a5 = {path: row for path, row in measured.items()
          if row["leaflet"] in ("village-handout", "your-rights")}
    assert len(a5) == 21
    for path, row in a5.items():
        # Designed at 12 (13), set a point smaller to fit or up to two larger to fill.
        designed = 13 if row["language"] in SET_LARGER else 12
        assert designed - 1 <= row["body_pt"] <= designed + 2, path


def test_lines_are_short_enough_to_follow(measured):
    """55-70 characters is comfortable; A4 is set in two columns to get there."""
    for path, row in measured.items():
        limit = 70 if row["leaflet"] in ("fact-sheet", "press-report") else 80
        # Arabic letters are narrower; Devanagari and Tamil count vowel signs as characters.
        if row["language"] not in LARGE_SCRIPTS:
            assert row["chars_per_line_p90"] <= limit, (path, row["chars_per_line_p90"])


def test_a_single_page_has_no_page_number(measured, bundled_build: Path):
    assert [path for path, row in measured.items() if row["page_of_one"]] == []
    [fact_sheet] = page_texts(bundled_build / "fact-sheet" / "fact-sheet.en.pdf")
    assert fact_sheet.endswith("https://www.sienosgrupe.lt")  # the footer, and no number


def test_a_draft_says_so_on_every_page_in_its_language_and_the_source_language(
        bundled_build: Path):
    english = read_yaml(BUNDLED / "text" / "en.yaml")["labels"]["draft_mark"]
    for code in ("ar", "ti", "lt"):
        own = read_yaml(BUNDLED / "text" / f"{code}.yaml")["labels"]["draft_mark"]
        pages = page_texts(bundled_build / "your-rights" / f"your-rights.{code}.pdf") \
            if code != "lt" else page_texts(bundled_build / "village-handout" /
                                            "village-handout.lt.pdf")
        for text in pages:
            # Three times down the page, in each language.
            assert text.count(english) >= 3, code
            assert text.replace(english, "").count(own.split(":")[0]) >= 1, code
    final = page_texts(bundled_build / "your-rights" / "your-rights.en.pdf")
    assert not any(english in text for text in final)


def test_quotation_marks_are_the_languages(bundled_build: Path):
    english = " ".join(page_texts(bundled_build / "village-handout" / "village-handout.en.pdf"))
    lithuanian = " ".join(page_texts(bundled_build / "village-handout" /
                                     "village-handout.lt.pdf"))
    assert "call them \u201cillegals\u201d?" in english and '"' not in english
    assert "vadinti \u201enelegalais\u201c?" in lithuanian


@pytest.mark.parametrize("lang", ["ar", "fr", "ti"])
def test_the_words_to_say_are_in_a_box_in_the_readers_words_and_large_in_lithuanian(
        bundled_build: Path, lang: str):
    phrase = read_yaml(BUNDLED / "text" / f"{lang}.yaml")["entries"]["say-asylum"]["question"]
    lithuanian = read_yaml(BUNDLED / "text" / "lt.yaml")["entries"]["say-asylum"]["question"]
    pdf = bundled_build / "your-rights" / f"your-rights.{lang}.pdf"
    back = page_texts(pdf)[1]
    assert lithuanian in back
    if lang == "fr":  # right-to-left text layers hold the words, not their order
        assert back.index(phrase) < back.index(lithuanian)
    # Set large: the Lithuanian at least 1.5 times the body, read from its text objects.
    sizes = page_measures.sizes_of(pdf, 1, lithuanian.split()[0])
    body = page_measures.row({"path": ""}, page_measures.measure(pdf))["body_pt"]
    assert sizes and min(sizes) >= 1.5 * body, (sizes, body)


def test_the_pocket_card_pairs_each_phrase_with_its_lithuanian(bundled_build: Path):
    lithuanian = read_yaml(BUNDLED / "text" / "lt.yaml")
    english = read_yaml(BUNDLED / "text" / "en.yaml")
    [card] = page_texts(bundled_build / "pocket-card" / "pocket-card.en.pdf")
    # The officer's heading first, then each phrase followed by its Lithuanian, row by row.
    assert card.index(lithuanian["leaflets"]["pocket-card"]["title"]) == 0 or \
        card.startswith("DRAFT") or card.index(
            lithuanian["leaflets"]["pocket-card"]["title"]) < card.index(
            english["leaflets"]["pocket-card"]["title"])
    positions = []
    for phrase in ("say-asylum", "say-doctor", "say-call"):
        positions += [card.index(english["entries"][phrase]["question"]),
                      card.index(lithuanian["entries"][phrase]["question"])]
    assert positions == sorted(positions)


def test_each_pages_fill_is_recorded_and_roomy_leaflets_are_set_larger(bundled_build: Path):
    manifest = json.loads((bundled_build / "manifest.json").read_text(encoding="utf-8"))
    for record in manifest["outputs"]:
        assert len(record["page_fills"]) == record["pages"] or record["kind"] != "screen"
        assert all(0 <= fill <= 1 for fill in record["page_fills"])
    by_path = {record["path"]: record for record in manifest["outputs"]}
    # English needs fewer lines than French for the same rights: it was set larger to fill
    # its two pages, and the measured body size says so too.
    english = by_path["your-rights/your-rights.en.pdf"]
    assert english["body_pt"] > english["designed_pt"]
    measured = page_measures.row(english, page_measures.measure(
        bundled_build / english["path"]))["body_pt"]
    assert measured == english["body_pt"]


def test_the_trifold_stripe_is_on_trimmed_edges_only(bundled_build: Path):
    """On the print shop's two sides: the sheet's left and right edges carry the stripe,
    the folds between panels do not."""
    from conftest import render

    path = bundled_build / "village-trifold" / "village-trifold.en.print.pdf"
    scale, slug, bleed = 100 / 25.4, 10.0, 3.0

    def blue(image, x_mm: float) -> bool:  # half way down the panel
        red, _, blue = image.getpixel((int((slug + x_mm) * scale), int((slug + 105) * scale)))[:3]
        return blue > red + 40

    for side in (0, 1):
        image = render(path, page=side, dpi=100)
        widths = [97, 100, 100] if side == 0 else [100, 100, 97]
        folds = [sum(widths[:i]) for i in (1, 2)]
        assert blue(image, 1.0) and blue(image, sum(widths) - 1.0) and blue(image, -bleed + 0.5)
        assert not any(blue(image, fold + dx) for fold in folds for dx in (-1.0, 1.0)), side


def test_an_a6_handout_keeps_its_hotline_band_on_the_page(small_project: Path, tmp_path: Path):
    # At A5's 24 pt beside a 26 mm code, the number ran 20 mm past an A6 page's edge, and
    # verification refused every page: "the hotline reads '+3706087120' on paper".
    edit(small_project / "project.yaml", "format: A5\n    pages: 1\n", "format: A6\n")
    build(BuildOptions(small_project, tmp_path / "out", languages=("en", "lt")))
    for path in sorted((tmp_path / "out").rglob("*.pdf")):
        for page in range(page_count(path)):
            found = text_extents(path, page, "+370 608 712 04")
            assert found, (path.name, page)  # the band's, and the masthead's on page 1
            # Inside A6's 11 mm side margin, give or take a point.
            assert all(right < (105 - 11) * MM + 1 for _, right in found), (path.name, page, found)
