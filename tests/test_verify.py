"""Every verification rule seen to fire: a template, stylesheet or font that breaks exactly
one property of a real PDF, and the message the build then gives.

Disable any rule in verify.py and one of these fails (tests/mutate_checks.py proves it)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import REPO, build_errors, edit, override, page_texts, renamed_font, with_css
from leafletgen.build import BuildOptions, build

HOTLINE = "+37060871204"


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


def test_the_untouched_project_passes_every_check(small_project: Path, tmp_path: Path):
    """The control: each case below differs from this by its one breakage."""
    result = build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    assert [o.warnings for o in result.outputs] == [()]


def _font_with_swapped_digits(project: Path) -> None:
    """Noto Sans renamed, whose character map sends 4 to the glyph of 5 and 5 to that of 4:
    the text layer keeps saying 4 while the page shows 5."""
    font = renamed_font("NotoSans-Regular.ttf", "Swapped Sans", "SwappedSans-Regular")
    four, five = font.getBestCmap()[ord("4")], font.getBestCmap()[ord("5")]
    for table in font["cmap"].tables:
        if ord("4") in table.cmap:
            table.cmap[ord("4")], table.cmap[ord("5")] = five, four
    (project / "fonts").mkdir()
    font.save(project / "fonts" / "SwappedSans-Regular.ttf")
    edit(project / "project.yaml", "leaflets:\n", 'fonts:\n  en: ["Swapped Sans"]\n\nleaflets:\n')


def test_a_font_that_draws_other_digits_is_caught_on_paper(small_project: Path,
                                                           tmp_path: Path):
    _font_with_swapped_digits(small_project)
    assert build_errors(small_project, tmp_path) == [
        "card/card.en.pdf: page 1: the hotline reads '+37060871205' on paper, where the text "
        f"layer says '{HOTLINE}': a font or stylesheet draws other digits than the text holds"]


@pytest.mark.parametrize("css", [
    "* { color: #fff !important; }",
    ".hotline-number { position: relative; }\n"
    ".hotline-number::after { content: ''; position: absolute; left: -2mm; right: -2mm; "
    "top: -1mm; bottom: -1mm; background: #fff; }",
], ids=["white on white", "covered"])
def test_a_hotline_without_ink_is_caught_on_paper(small_project: Path, tmp_path: Path,
                                                  css: str):
    with_css(small_project, css)
    errors = build_errors(small_project, tmp_path)
    assert errors  # under the title and in the band at the foot: each is found
    for error in errors:
        assert error.startswith("card/card.en.pdf: page 1: the hotline has no ink on paper "
                                "(contrast ")
        assert error.endswith("its colour matches what is behind it, or something covers it")


def _hotline_followed_by(project: Path, after: str) -> None:
    override(project, "masthead.html", "<h1>{{ title }}</h1><p style=\"font-family: 'Noto Sans "
             f"Devanagari'\">{{{{ hotline.display }}}}{after}</p>")


def test_a_danda_right_after_the_hotline_is_not_read_as_a_digit(small_project: Path,
                                                                tmp_path: Path):
    """A Hindi sentence ends on a danda, written right after the number: OCR, reading
    digits only, reads the upright stroke as a "1", which is not kept."""
    _hotline_followed_by(small_project, "\u0964")
    result = build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    [output] = result.outputs
    assert output.warnings == ()  # and no error: build() raised none


def test_a_letter_right_after_the_hotline_that_reads_as_a_digit_is_caught(
        small_project: Path, tmp_path: Path):
    """A capital iota looks like a "1" to OCR and to a reader, and is no punctuation."""
    _hotline_followed_by(small_project, "\u0399")
    assert build_errors(small_project, tmp_path) == [
        "card/card.en.pdf: page 1: the hotline reads '+370608712041' on paper, where the "
        f"text layer says '{HOTLINE}': a font or stylesheet draws other digits than the "
        "text holds"]


def test_a_hotline_that_reads_backwards_is_caught(small_project: Path, tmp_path: Path):
    with_css(small_project, ".hotline-number bdi { direction: rtl; unicode-bidi: "
                             "bidi-override; }")
    assert build_errors(small_project, tmp_path) == [
        "card/card.en.pdf: page 1: the hotline reads '04712608370+' from left to right, not "
        f"'{HOTLINE}'",
        "card/card.en.pdf: page 1: the hotline reads '04712608370+' on paper, where the text "
        f"layer says '{HOTLINE}': a font or stylesheet draws other digits than the text holds"]


def test_a_hotline_missing_from_the_text_layer_is_caught(small_project: Path, tmp_path: Path):
    override(small_project, "hotline-panel.html", "<p>{{ labels.hotline_heading }}</p>")
    override(small_project, "masthead.html", "<h1>{{ title }}</h1>")
    errors = build_errors(small_project, tmp_path)
    assert "card/card.en.pdf: the hotline '+370 608 712 04' is not in the text layer" in errors


def test_expected_text_missing_from_the_page_is_caught(small_project: Path, tmp_path: Path):
    override(small_project, "masthead.html", "<header></header>")
    assert build_errors(small_project, tmp_path) == [
        "card/card.en.pdf: text 'Test card' is not in the PDF's text layer as written"]


def test_text_past_the_page_edge_is_caught(small_project: Path, tmp_path: Path):
    with_css(small_project, ".hotline-number { font-size: 60pt; white-space: nowrap; }")
    errors = build_errors(small_project, tmp_path)
    assert any(e.startswith("card/card.en.pdf: page 1: text runs past the page's edge (")
               and e.endswith("): a line too long to break") for e in errors), errors


def test_a_letter_the_font_cannot_draw_is_caught(small_project: Path, tmp_path: Path):
    # Template text is not checked before rendering as content is: only the PDF shows it.
    override(small_project, "masthead.html", "<h1>{{ title }} \u2603</h1>")
    assert build_errors(small_project, tmp_path) == [
        "card/card.en.pdf: font Noto-Sans-Bold has no glyph for '☃' (U+2603): it prints as "
        "an empty box"]


def test_a_qr_code_that_does_not_decode_is_caught(small_project: Path, tmp_path: Path):
    with_css(small_project, ".qr-hotline img { filter: blur(0); opacity: 0.02; }")
    errors = build_errors(small_project, tmp_path)
    assert "card/card.en.pdf: the hotline QR code for 'tel:+37060871204' does not decode from " \
        "the PDF at 300 dpi" in errors


def test_a_qr_code_the_leaflet_does_not_intend_is_caught(small_project: Path, tmp_path: Path):
    import qrcode

    qrcode.make("https://evil.example/", border=4, box_size=10).save(small_project / "code.png")
    override(small_project, "masthead.html",
              f'<h1>{{{{ title }}}}</h1><img alt="code" style="width: 25mm" '
              f'src="{(small_project / "code.png").as_uri()}">')
    assert build_errors(small_project, tmp_path) == [
        "card/card.en.pdf: page 1 has a QR code for 'https://evil.example/', which this "
        "leaflet does not intend"]


STRAY = "https://evil.example/"
STRAY_ERROR = ("card/card.en.pdf: page 1 has a QR code for 'https://evil.example/', which this "
               "leaflet does not intend")


def _stray_modules() -> list[list[bool]]:
    import qrcode

    code = qrcode.QRCode(border=0)
    code.add_data(STRAY)
    return code.get_matrix()


def test_a_stray_qr_code_drawn_as_paths_is_caught(small_project: Path, tmp_path: Path):
    # An SVG: one path of many squares, read where it is drawn.
    import qrcode.image.svg

    qrcode.make(STRAY, image_factory=qrcode.image.svg.SvgPathImage).save(
        small_project / "code.svg")
    override(small_project, "masthead.html",
             f'<h1>{{{{ title }}}}</h1><img alt="code" style="width: 25mm" '
             f'src="{(small_project / "code.svg").as_uri()}">')
    assert build_errors(small_project, tmp_path) == [STRAY_ERROR]


@pytest.mark.parametrize("dark", [
    "background: #000",
    # A border round nothing, its corners rounded: drawn as a path with curves.
    "box-sizing: border-box; border: 0.4mm solid #000; border-radius: 0.15mm"])
def test_a_stray_qr_code_drawn_as_boxes_is_caught(small_project: Path, tmp_path: Path,
                                                  dark: str):
    # Each dark module an element, square or rounded: a page of small plain rectangles,
    # which alone are not candidates, is read whole.
    rows = "".join(
        '<div style="height: 0.8mm">' + "".join(
            f'<span style="display: inline-block; width: 0.8mm; height: 0.8mm; '
            f'{dark if is_dark else ""}"></span>' for is_dark in row)
        + "</div>" for row in _stray_modules())
    override(small_project, "masthead.html", "<h1>{{ title }}</h1>"
             f'<div style="font-size: 0; line-height: 0; margin: 4mm">{rows}</div>')
    assert build_errors(small_project, tmp_path) == [STRAY_ERROR]


def test_a_stray_qr_code_drawn_by_a_project_font_is_caught(small_project: Path,
                                                           tmp_path: Path):
    # A project font under leafletgen's own family name whose X is a square one em wide
    # and tall, and whose space is one em: lines of X and space draw a code as text.
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    font = renamed_font("NotoSans-Regular.ttf", "Noto Sans", "NotoSans-Regular")
    pen = TTGlyphPen(font.getGlyphSet())
    pen.moveTo((0, -293))
    pen.lineTo((0, 707))
    pen.lineTo((1000, 707))
    pen.lineTo((1000, -293))
    pen.closePath()
    square = font.getBestCmap()[ord("X")]
    font["glyf"][square] = pen.glyph()
    font["hmtx"][square] = (1000, 0)
    font["hmtx"][font.getBestCmap()[ord(" ")]] = (1000, 0)
    (small_project / "fonts").mkdir()
    font.save(small_project / "fonts" / "NotoSans-Regular.ttf")
    lines = "\n".join("".join("X" if dark else " " for dark in row) for row in _stray_modules())
    override(small_project, "masthead.html", "<h1>{{ title }}</h1>"
             "<div style=\"font-family: 'Noto Sans'; font-size: 0.8mm; line-height: 1; "
             f'white-space: pre; font-kerning: none; margin: 4mm" aria-hidden="true">{lines}</div>')
    assert STRAY_ERROR in build_errors(small_project, tmp_path)


def test_a_qr_code_printed_too_small_is_caught(small_project: Path, tmp_path: Path):
    with_css(small_project, ".qr-hotline, .qr-hotline img { width: 9mm !important; "
                             "height: 9mm !important; }")
    errors = build_errors(small_project, tmp_path)
    assert any("the QR code for 'tel:+37060871204' on page 1 prints 0.2" in e
               and "mm modules; phones need at least" in e for e in errors), errors


def test_text_beyond_the_format_is_caught(small_project: Path, tmp_path: Path):
    with_css(small_project, ".answer { margin-bottom: 300mm; }")
    [error] = build_errors(small_project, tmp_path)
    assert error.startswith("card/card.en.pdf: card (en) does not fit: 4 pages where its "
                            "format has 1; ")


def test_a_document_shorter_than_its_format_is_caught(small_project: Path, tmp_path: Path):
    edit(small_project / "project.yaml", "pages: 1", "pages: 3")
    assert build_errors(small_project, tmp_path) == [
        "card/card.en.pdf: has 1 pages where its format has 3: 2 pages short"]


def test_weasyprints_errors_are_the_builds(small_project: Path, tmp_path: Path):
    override(small_project, "masthead.html", '<h1>{{ title }}</h1><img alt="" src="none.png">')
    errors = build_errors(small_project, tmp_path)
    assert any(e.startswith("card/card.en.pdf: WeasyPrint: Failed to load image at ")
               for e in errors), errors


def test_every_bundled_hotline_is_read_from_the_pixels(bundled_build: Path):
    """Each page's hotline, found by a reader of our own in the text layer, was also read
    back from the pixels, as the hotline, in ink."""
    import json

    from conftest import page_texts

    manifest = json.loads((bundled_build / "manifest.json").read_text(encoding="utf-8"))
    screens = [r for r in manifest["outputs"] if r["kind"] == "screen"]
    assert len(screens) == 43
    for record in screens:
        texts = page_texts(bundled_build / record["path"])
        # A right-to-left line's text layer may hold the number's groups in any order.
        pages_with_number = {page for page, text in enumerate(texts, start=1)
                             if any(sorted(run.replace(" ", "")) == sorted(HOTLINE)
                                    for run in re.findall(r"[+\d][+\d ]*", text))}
        read = record["hotline_on_paper"]
        assert pages_with_number and {r["page"] for r in read} >= pages_with_number, record["path"]
        assert all(r["read"] == HOTLINE and r["contrast"] > 200 for r in read), record["path"]


TAMIL = """language:
  name: தமிழ்
status: unreviewed
labels:
  hotline_heading: உதவி எண்
  hotline_qr_caption: அழைக்க
  hotline_qr_alt: உதவி எண் குறியீடு
  sources_heading: ஆதாரங்கள்
  source_qr_alt: ஆதாரம் குறியீடு
  website_label: மேலும்
  draft_mark: வரைவு
leaflets:
  card:
    title: ஔடதம் ஃ
    sections:
      main: கேள்விகள்
entries:
  legal:
    translated_from: b2ae4ce1436a
    question: எல்லையைக் கடப்பது குற்றமா?
    answer: இல்லை, 291 பிரிவு 2.
  help:
    translated_from: b8e9ab8d3e90
    question: நான் உதவலாமா?
    answer: ஆம்.
"""


def test_text_of_a_reordering_script_is_checked_as_written(small_project: Path,
                                                           tmp_path: Path):
    """Tamil draws vowel signs before the consonants they follow; its text layer gives the
    words back as written (ActualText, text_layer.py), so it is checked as written."""
    (small_project / "text" / "ta.yaml").write_text(TAMIL, encoding="utf-8")
    edit(small_project / "project.yaml", "languages: [en, lt]", "languages: [en, lt, ta]")
    build(BuildOptions(small_project, tmp_path / "control", languages=("ta",)))  # it builds
    with_css(small_project, "h1 { display: none; }")
    assert build_errors(small_project, tmp_path, languages=("ta",)) == [
        "card/card.ta.pdf: text 'ஔடதம் ஃ' is not in the PDF's text layer as written"]


PERSIAN = """language:
  name: فارسی
status: unreviewed
labels:
  hotline_heading: خط تلفن Sienos Grupė
  hotline_qr_caption: برای تماس اسکن کنید
  hotline_qr_alt: کد QR برای تماس
  sources_heading: منابع
  source_qr_alt: کد QR منبع
  website_label: پاسخ‌های بیشتر
  draft_mark: پیش‌نویس
leaflets:
  card:
    title: کارت آزمایشی Sienos Grupė
    sections:
      main: پرسش‌ها
entries:
  legal:
    translated_from: b2ae4ce1436a
    question: آیا عبور از مرز برای درخواست پناهندگی جرم است؟
    answer: نه، طبق ماده 291 بند 2.
  help:
    translated_from: b8e9ab8d3e90
    question: آیا می‌توانم با Sienos Grupė کمک کنم؟
    answer: بله.
"""


def test_right_to_left_text_is_checked_word_by_word(small_project: Path, tmp_path: Path):
    """pdfium reorders a mixed right-to-left line by its own rules, so there each word must
    be in the text layer (joiners and marks aside), not the line as written."""
    (small_project / "text" / "fa.yaml").write_text(PERSIAN, encoding="utf-8")
    edit(small_project / "project.yaml", "languages: [en, lt]", "languages: [en, lt, fa]")
    build(BuildOptions(small_project, tmp_path / "control", languages=("fa",)))  # it builds
    override(small_project, "masthead.html", "<header></header>")
    assert build_errors(small_project, tmp_path, languages=("fa",)) == [
        "card/card.fa.pdf: text 'کارت آزمایشی Sienos Grupė' is not in the PDF's text layer "
        "as written"]


def test_a_font_from_outside_the_fonts_folders_is_caught(small_project: Path, tmp_path: Path):
    """fontconfig sees only the fonts folders, but a stylesheet can load a font file from
    elsewhere in the project with @font-face: it is not one the project checked."""
    (small_project / "elsewhere").mkdir()
    font = TTFont(REPO / "fonts" / "NotoSans-Regular.ttf")
    for record in font["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = "StraySans"
    font.save(small_project / "elsewhere" / "StraySans.ttf")
    url = (small_project / "elsewhere" / "StraySans.ttf").as_uri()
    with_css(small_project, f"@font-face {{ font-family: Stray; src: url({url}); }}\n"
                             "h1 { font-family: Stray; }")
    errors = build_errors(small_project, tmp_path)
    assert any(e.startswith("card/card.en.pdf: the PDF uses font ") and e.endswith(
        "which is not one of the project's: a character fell back to a system font")
        for e in errors), errors


def test_combining_accents_are_read_back_as_written(small_project: Path, tmp_path: Path):
    """Left-to-right text is compared as written, combining marks and all (Lithuanian
    dictionaries mark stress with them): only right-to-left words drop their marks."""
    edit(small_project / "text" / "lt.yaml", "title: Bandomoji kortelė",
         "title: Bandomoji ką\u0303 kortelė")
    result = build(BuildOptions(small_project, tmp_path / "out", languages=("lt",)))
    assert "Bandomoji ką\u0303 kortelė" in " ".join(page_texts(result.outputs[0].file))


def test_a_line_that_ends_after_a_slash_or_dash_is_no_space():
    """The text layer breaks lines with a newline; after "</" or an en dash the text may
    have had no space, and a space there is not counted on either side."""
    from leafletgen.verify import normalise_text

    assert normalise_text("x()</\r\nscript>") == normalise_text("x()</script>")
    assert normalise_text("2021 –\r\n2023") == normalise_text("2021 – 2023")
    assert normalise_text("may\r\ncross") == "may cross"
    assert normalise_text("may\r\ncross") != normalise_text("maycross")


def test_a_right_to_left_leaflet_with_left_to_right_text_passes_its_text_check(
        small_project: Path, tmp_path: Path):
    # A Hebrew file whose texts are still Lithuanian, as a new translation starts: on a
    # right-to-left page viewers move each sentence's full stop to its other end
    # (".Ar galiu padėti"), which the word-by-word check must allow.
    shutil.copy(small_project / "text" / "lt.yaml", small_project / "text" / "he.yaml")
    edit(small_project / "project.yaml", "languages: [en, lt]", "languages: [en, lt, he]")
    build(BuildOptions(small_project, tmp_path / "out", languages=("he",)))
    assert sorted(path.name for path in (tmp_path / "out").rglob("*.pdf")) == ["card.he.pdf"]
