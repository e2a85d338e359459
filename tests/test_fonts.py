"""Fonts: each language's stack, the glyph guarantee before rendering, and the PDF's own
fonts after it."""

from __future__ import annotations

import ctypes
import os
import shutil
import unicodedata
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from conftest import BUNDLED, DATA, REPO, decode_qr, edit, page_count
from leafletgen.build import BuildOptions, build
from leafletgen.errors import ContentError

REPO_FONTS = REPO / "fonts"


def problems_of(project: Path, output: Path, **options) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, output, **options))
    return [str(p) for p in caught.value.problems]


def test_a_letter_outside_the_languages_own_fonts_is_an_error(small_project: Path,
                                                               tmp_path: Path):
    # leafletgen bundles an Arabic font, but Lithuanian is set in Noto Sans alone: an
    # Arabic letter there would come from a face the leaflet was not designed with.
    edit(small_project / "text" / "lt.yaml", "answer: Taip.", "answer: Taip, ن.")
    assert problems_of(small_project, tmp_path / "out") == [
        f"{small_project / 'text' / 'lt.yaml'}:25: entries.help.answer: no font for lt "
        "(Noto Sans) covers 1 character of this Arabic text: 'ن' (U+0646 ARABIC LETTER "
        "NOON); Noto Naskh Arabic has it (in the project's or leafletgen's fonts/): add it to "
        "fonts.lt in project.yaml, e.g. fonts: {lt: [Noto Sans, Noto Naskh Arabic]}"]


def test_missing_letters_are_one_problem_per_language_naming_the_font_to_add(
        small_project: Path, tmp_path: Path):
    """Hebrew in a language set in Noto Sans alone: once, with the count and the font, not
    once per letter per text."""
    edit(small_project / "text" / "lt.yaml", "answer: Taip.", "answer: Taip, שלום.")
    edit(small_project / "text" / "lt.yaml", "question: Ar galiu padėti?",
         "question: Ar galiu padėti, עזרה?")
    assert problems_of(small_project, tmp_path / "out") == [
        f"{small_project / 'text' / 'lt.yaml'}:24: entries.help.question: no font for lt "
        "(Noto Sans) covers 8 characters of its Hebrew text (and 1 other text): 'ע' (U+05E2 "
        "HEBREW LETTER AYIN), 'ז' (U+05D6 HEBREW LETTER ZAYIN), 'ר' (U+05E8 HEBREW LETTER "
        "RESH), ...; Noto Sans Hebrew has them (in the project's or leafletgen's fonts/): add "
        "it to fonts.lt in project.yaml, e.g. fonts: {lt: [Noto Sans, Noto Sans Hebrew]}"]


def test_a_project_sets_a_languages_font_stack(small_project: Path, tmp_path: Path):
    edit(small_project / "text" / "lt.yaml", "answer: Taip.", "answer: Taip, ن.")
    edit(small_project / "project.yaml", "leaflets:\n",
         'fonts:\n  lt: ["Noto Sans", "Noto Naskh Arabic"]\n\nleaflets:\n')
    build(BuildOptions(small_project, tmp_path / "out", languages=("lt",)))
    with pikepdf.open(tmp_path / "out" / "card" / "card.lt.pdf") as pdf:
        names = {str(f.BaseFont).split("+")[-1] for f in pdf.pages[0].Resources.Font.values()}
    assert "Noto-Naskh-Arabic" in names


def test_a_font_stack_naming_a_missing_family_is_an_error(small_project: Path,
                                                          tmp_path: Path):
    edit(small_project / "project.yaml", "leaflets:\n",
         'fonts:\n  lt: ["Comic Sans MS"]\n\nleaflets:\n')
    [message] = problems_of(small_project, tmp_path / "out")
    assert message.startswith(f"{small_project / 'project.yaml'}:8: fonts.lt: font family "
                              "'Comic Sans MS' is not in the project's or leafletgen's fonts/")


def test_a_glyph_missing_from_the_pdf_fails_verification(small_project: Path, tmp_path: Path):
    # Template text escapes the content check; the PDF's own fonts still give it away.
    templates = small_project / "templates"
    templates.mkdir()
    (templates / "sources-panel.html").write_text("<p>✈</p>", encoding="utf-8")
    messages = problems_of(small_project, tmp_path / "out", languages=("en",))
    assert any("has no glyph for '✈' (U+2708): it prints as an empty box" in m
               for m in messages), messages


def test_a_new_language_is_one_content_file(tmp_path: Path):
    # Tamil: a script the bundled project does not use yet, added without touching code or
    # project.yaml. The your-rights leaflet lists no languages, so the new file is enough.
    project = tmp_path / "project"
    shutil.copytree(BUNDLED, project)
    shutil.copy(DATA / "ta.yaml", project / "text" / "ta.yaml")
    output = tmp_path / "out"
    build(BuildOptions(project, output, languages=("ta",)))
    pdf_path = output / "your-rights" / "your-rights.ta.pdf"
    assert page_count(pdf_path) == 2
    assert (1, "tel:+37060871204") in decode_qr(pdf_path)
    # Copy-paste of Tamil is unreliable (vowel signs are reordered into cluster glyphs and
    # some vanish from the text layer), so check glyphs: every Tamil letter of the content
    # is drawn from the Tamil font.
    content = (DATA / "ta.yaml").read_text(encoding="utf-8")
    tamil = {ch for ch in content
             if 0x0B80 <= ord(ch) <= 0x0BFF and unicodedata.category(ch) == "Lo"}
    with pikepdf.open(pdf_path) as pdf:
        to_unicode = "".join(  # regular and bold
            font.ToUnicode.read_bytes().decode("latin-1")
            for page in pdf.pages for font in page.Resources.Font.values()
            if str(font.BaseFont).split("+")[-1].startswith("Noto-Sans-Tamil"))
    drawn = {ch for ch in tamil if f"{ord(ch):04x}" in to_unicode.lower()}
    assert tamil and drawn == tamil, tamil - drawn


def test_broken_fonts_are_named_all_at_once(run, small_project: Path):
    fonts = small_project / "fonts"
    fonts.mkdir()
    regular = (REPO_FONTS / "NotoSans-Regular.ttf").read_bytes()
    (fonts / "random.ttf").write_bytes(bytes(range(256)) * 20)
    (fonts / "truncated.ttf").write_bytes(regular[: len(regular) // 3])
    with open(fonts / "zeros.otf", "wb") as sparse:  # 100 MB that take no disk space
        sparse.truncate(100_000_000)
    (fonts / "faces.ttc").write_bytes(b"ttcf\x00\x01\x00\x00\xff\xff\xff\xff" + bytes(100))
    os.mkfifo(fonts / "pipe.ttf")
    (fonts / "system.ttf").symlink_to(REPO_FONTS / "NotoSans-Bold.ttf")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines[0] == "error: 6 problems found:"
    assert lines[1:] == [
        "  small/fonts/faces.ttc: not a font leafletgen can use: the collection claims "
        "4294967295 faces; replace it with the font's original file",
        "  small/fonts/pipe.ttf: is not a regular file (a named pipe); only ordinary files "
        "are read",
        "  small/fonts/random.ttf: not a font leafletgen can use: TTLibError while reading it "
        "(Not a TrueType or OpenType font (bad sfntVersion)); replace it with the font's "
        "original file",
        "  small/fonts/system.ttf: is a link to a file outside the project; copy the file "
        "into the project instead",
        lines[5],
        "  small/fonts/zeros.otf: file is 100000000 bytes, over the limit of 50000000",
    ]
    assert lines[5].startswith("  small/fonts/truncated.ttf: not a font leafletgen can use: ")


def test_fontconfig_folders_of_killed_builds_are_removed(small_project: Path, tmp_path: Path):
    import tempfile

    from leafletgen.fonts import IsolatedFontconfig

    dead = 2 ** 22 + 7  # above Linux's largest pid_max: no process has it
    abandoned = Path(tempfile.gettempdir()) / f"{IsolatedFontconfig.PREFIX}{dead}-x"
    ours = Path(tempfile.gettempdir()) / f"{IsolatedFontconfig.PREFIX}{os.getpid()}-x"
    for folder in (abandoned, ours):
        (folder / "cache").mkdir(parents=True, exist_ok=True)
    try:
        with IsolatedFontconfig(()):
            pass
        assert not abandoned.exists()
        assert ours.exists()  # this process is alive: not abandoned
    finally:
        shutil.rmtree(ours, ignore_errors=True)
        shutil.rmtree(abandoned, ignore_errors=True)


def _faces_of(path: Path, needle: str) -> set[str]:
    """The fonts that draw each occurrence of `needle` in the PDF's text layer."""
    pdf = pypdfium2.PdfDocument(path)
    faces = set()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    try:
        for page in pdf:
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\u00a0", " ")
            start = text.find(needle)
            while start >= 0:
                for index in range(start, start + len(needle)):
                    if text[index].strip():
                        pypdfium2.raw.FPDFText_GetFontInfo(textpage, index, name, 256,
                                                           ctypes.byref(flags))
                        faces.add(name.value.decode().split("+")[-1])
                start = text.find(needle, start + 1)
    finally:
        pdf.close()
    return faces


@pytest.mark.parametrize("lang", sorted(path.stem for path in (BUNDLED / "text").glob("*.yaml")))
def test_the_hotline_is_set_in_the_latin_face_in_every_language(bundled_build: Path,
                                                                 lang: str):
    # A script's own face may draw digits of another design (Naskh, Devanagari, Tamil
    # all have Latin digits); the number people dial is always set in the same face.
    [screen, *_] = sorted(bundled_build.glob(f"*/*.{lang}.pdf"))
    faces = _faces_of(screen, "+370 608 712 04")
    assert faces and faces <= {"Noto-Sans", "Noto-Sans-Bold"}, (screen.name, faces)


def _gap_after(path: Path, text: str) -> float:
    """The space on the page between `text`'s last character and the next one drawn, in
    ems of the text's size (its capital height is taken as 0.71 em, Noto Sans's)."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        textpage = pdf[0].get_textpage()
        start = textpage.get_text_range().index(text)
        last = textpage.get_charbox(start + len(text) - 1)
        following = textpage.get_charbox(start + len(text) + 1)  # after the space
        capital = textpage.get_charbox(start)
    finally:
        pdf.close()
    return (following[0] - last[2]) / ((capital[3] - capital[1]) / 0.71)


def test_an_entry_printed_from_its_fallback_is_set_in_that_languages_fonts(
        small_project: Path, tmp_path: Path):
    # A Sinhala file without entries: they print in English, in English's fonts. In the
    # Sinhala stack the space after a comma was Noto Sans Sinhala's, half as wide again.
    sinhala = (small_project / "text" / "lt.yaml").read_text(encoding="utf-8")
    sinhala = sinhala[:sinhala.index("entries:")].replace("Lietuvių", "සිංහල")
    (small_project / "text" / "si.yaml").write_text(sinhala, encoding="utf-8")
    edit(small_project / "project.yaml", "languages: [en, lt]", "languages: [en, lt, si]")
    build(BuildOptions(small_project, tmp_path / "out", languages=("en", "si")))
    english = _gap_after(tmp_path / "out" / "card" / "card.en.pdf", "No,")
    # Measured: 0.41 em in both; 0.63 em in the Sinhala card before.
    assert _gap_after(tmp_path / "out" / "card" / "card.si.pdf", "No,") == \
        pytest.approx(english, abs=0.03)
