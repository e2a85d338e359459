"""Lines in Nastaliq stand clear of the lines above them by their ink (clearance.py),
measured on the outlines a reader sees (benchmarks/page_measures.py, which shares no code
with it), with WeasyPrint as it lays out lines and with its own line breaking put back."""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint
from weasyprint.layout import inline

from conftest import REPO, page_measures
from leafletgen.clearance import lines_clear_by_ink
from leafletgen.outlines import draw_outlined, new_document

NASTALIQ = (REPO / "fonts" / "NotoNastaliqUrdu-Regular.ttf").as_uri()
LATIN = (REPO / "fonts" / "NotoSans-Regular.ttf").as_uri()
# Kaf and gaf climb, yeh barree hangs; a Latin name and the hotline's digits sit in the line.
URDU = ("گاؤں کے لوگ جنگل میں ملنے والے لوگوں کی مدد کر سکتے ہیں۔ Sienos Grupė کو "
        "+370 608 712 04 پر کال کریں، وہ دن رات جواب دیتے ہیں۔ ") * 4


def _render(tmp_path: Path, name: str, body: str, css: str) -> Path:
    fonts = (f"@font-face {{ font-family: 'Noto Nastaliq Urdu'; src: url('{NASTALIQ}') }}"
             f"@font-face {{ font-family: 'Noto Sans'; src: url('{LATIN}') }}"
             "@page { size: 100mm 60mm; margin: 8mm }"
             "body { font-family: 'Noto Nastaliq Urdu', 'Noto Sans'; font-size: 12pt }")
    new_document()
    pdf = tmp_path / f"{name}.pdf"
    weasyprint.HTML(string=f"<style>{fonts}{css}</style>{body}").write_pdf(
        pdf, pdf_identifier=b"same")
    return pdf


@pytest.fixture
def render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Render HTML with the outlines drawn, cleared (True) or as WeasyPrint sets it."""
    draw_outlined(weasyprint.draw.text)
    lines_clear_by_ink(inline)

    def rendered(name: str, body: str, css: str = "", cleared: bool = True) -> Path:
        with monkeypatch.context() as patch:
            if not cleared:
                patch.setattr(inline, "get_next_linebox", inline.get_next_linebox.original)
            return _render(tmp_path, name, body, css)

    return rendered


def _collisions(pdf: Path) -> list[tuple[str, str, float]]:
    return [hit for page in page_measures.measure(pdf) for hit in page.collisions]


def _baselines(pdf: Path) -> list[list[float]]:
    """Each page's baselines of outlined lines, top down (pdfium's y runs up)."""
    return [sorted({char.baseline for char in page_measures.chars(page) if char.outlined},
                   reverse=True) for page in page_measures.pypdfium2.PdfDocument(pdf)]


def test_lines_set_tight_stand_clear_of_each_other(render):
    body = f'<p dir="rtl" style="line-height: 1">{URDU}</p>'
    as_set = _collisions(render("as-set", body, cleared=False))
    assert len(as_set) > 5 and max(depth for *_, depth in as_set) > 2
    assert _collisions(render("cleared", body)) == []


def test_lines_of_another_block_and_latin_lines_between_are_cleared_too(render):
    # A heading over the text, a Latin line under it and Urdu again under that: the
    # card's order. The Latin line's ink is its letters' boxes.
    body = (f'<h1 dir="rtl" style="line-height: 1; margin: 0">{URDU[:40]}</h1>'
            f'<p dir="rtl" style="line-height: 1; margin: 0">{URDU[:200]}</p>'
            "<p style=\"font-family: 'Noto Sans'; line-height: 0.9; margin: 0\">Prašau "
            "paskambinti Sienos Grupei. Jie atsiliepia dieną ir naktį, jie padės jums.</p>"
            f'<p dir="rtl" style="line-height: 1; margin: 0">{URDU[:60]}</p>')
    as_set = _collisions(render("as-set", body, cleared=False))
    assert {"◌"} < {upper for upper, _, _ in as_set} and {"◌"} < {lower for _, lower, _ in as_set}
    assert _collisions(render("cleared", body)) == []


def test_a_line_is_moved_only_as_far_as_its_ink_needs(render):
    # At a leading where nothing touches nothing moves: the same file to the byte.
    body = f'<p dir="rtl" style="line-height: 2.6">{URDU[:300]}</p>'
    assert _collisions(render("as-set", body, cleared=False)) == []
    assert render("cleared", body).read_bytes() == render("as-set", body,
                                                          cleared=False).read_bytes()


def test_the_first_line_of_a_page_stands_at_its_top(render):
    # The last line of the page before is not above it. (The first page's first line
    # stands lower, under the paragraph's margin.)
    body = f'<p dir="rtl" style="line-height: 1">{URDU * 3}</p>'
    as_set, cleared = _baselines(render("as-set", body, cleared=False)), _baselines(
        render("cleared", body))
    assert len(as_set) > 1 and len(cleared) > len(as_set)  # cleared lines need more pages
    assert [page[0] for page in cleared] == [as_set[0][0]] + [as_set[1][0]] * (len(cleared) - 1)


def test_lines_without_nastaliq_are_laid_out_as_weasyprint_lays_them(render):
    # Latin lines set so tight that they collide are left so: other languages' PDFs are
    # the same file with and without clearance.
    body = ("<p style=\"font-family: 'Noto Sans'; line-height: 0.6\">"
            + "Prašau paskambinti Sienos Grupei, jie atsiliepia dieną ir naktį. " * 6 + "</p>")
    cleared = render("cleared", body)
    assert _collisions(cleared) != []
    assert cleared.read_bytes() == render("as-set", body, cleared=False).read_bytes()
