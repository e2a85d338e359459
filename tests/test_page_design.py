"""Type and space for lay readers, measured from the bundled PDFs as they print:
the size letters are set in from each text object's font size and matrix, characters per
line, lines broken with a hyphen, the page numbers, and the draft mark in the text layer
(benchmarks/page_measures.py reads them; it shares no code with the templates)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BUNDLED, page_measures, page_texts, read_yaml

LARGE_SCRIPTS = {"ar", "fa", "ckb", "ps", "ti"}  # Arabic script and Ethiopic set small


@pytest.fixture(scope="module")
def measured(bundled_build: Path) -> dict[str, dict]:
    manifest = json.loads((bundled_build / "manifest.json").read_text(encoding="utf-8"))
    return {record["path"]: {**page_measures.row(record, page_measures.measure(
        bundled_build / record["path"])), "leaflet": record["leaflet"],
        "language": record["language"]}
        for record in manifest["outputs"] if record["kind"] == "screen"}


def test_nothing_is_set_below_8_pt_and_no_word_is_hyphenated(measured):
    assert len(measured) == 26
    assert {path: row["smallest_pt"] for path, row in measured.items()
            if row["smallest_pt"] < 8} == {}
    assert {path: row["hyphenated"] for path, row in measured.items() if row["hyphenated"]} \
        == {}


def test_a5_leaflets_are_set_at_12_pt_and_a_point_more_in_arabic_script_and_ethiopic(measured):
    a5 = {path: row for path, row in measured.items()
          if row["leaflet"] in ("village-handout", "your-rights")}
    assert len(a5) == 12
    for path, row in a5.items():
        # Designed at 12 (13), set a point smaller to fit or up to two larger to fill.
        designed = 13 if row["language"] in LARGE_SCRIPTS else 12
        assert designed - 1 <= row["body_pt"] <= designed + 2, path


def test_lines_are_short_enough_to_follow(measured):
    """55-70 characters is comfortable; A4 is set in two columns to get there."""
    for path, row in measured.items():
        limit = 70 if row["leaflet"] in ("fact-sheet", "press-report") else 80
        if row["language"] not in LARGE_SCRIPTS:  # Arabic letters are narrower
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
