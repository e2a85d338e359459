"""Compose without rendering: the HTML a document gets, and what verification must find."""

from __future__ import annotations

from pathlib import Path

from conftest import BUNDLED
from leafletgen.build import check
from leafletgen.compose import compose, make_environment, output_name


def _composed(project_dir: Path, leaflet: str, code: str, kind: str = "screen"):
    project, _ = check(project_dir)
    return compose(project, project.leaflets[leaflet], code, make_environment(project), kind)


def test_output_names_follow_the_kind():
    assert output_name("card", "ar", "screen") == "card/card.ar.pdf"
    assert output_name("card", "ar", "office-grey") == "card/card.ar.office-grey.pdf"


def test_a_document_knows_what_verification_must_find(small_project: Path):
    document = _composed(small_project, "card", "lt")
    assert document.expected_text[:2] == ("+370 608 712 04", "Bandomoji kortelė")
    assert "Ar galiu padėti?" in document.expected_text
    assert [qr.target for qr in document.qr_codes] == [
        "tel:+37060871204", "https://e-seimas.lrs.lt/portal/legalAct/lt/TAD/TAIS.111555"]
    assert document.text_check == "exact" and not document.rtl
    assert document.draft_reasons[0] == "lt: labels and titles: translation not reviewed"
    assert '<html lang="lt" dir="ltr">' in document.html


def test_right_to_left_and_reordering_scripts_are_checked_their_own_way():
    assert _composed(BUNDLED, "your-rights", "ar").text_check == "words"
    assert _composed(BUNDLED, "your-rights", "ar").rtl
    assert _composed(BUNDLED, "your-rights", "ti").text_check == "exact"


def test_the_hotline_in_text_never_breaks_across_lines():
    document = _composed(BUNDLED, "your-rights", "en")
    assert "+370\u00a0608\u00a0712\u00a004" in document.html


def test_print_documents_carry_their_bleed(small_project: Path):
    assert _composed(small_project, "card", "en", "print").bleed_mm == 3.0
    assert _composed(small_project, "card", "en").bleed_mm == 0.0
