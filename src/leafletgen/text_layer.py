"""A text layer that copies as it reads: mirrored brackets mapped to what they show.

In right-to-left text a bracket is drawn with its mirror's glyph: "(112)" in an Arabic
line is set with the glyphs of ")" and "(" swapped, so that it opens towards the number.
WeasyPrint 70 maps each glyph to the text it first stood for, so once a page has such a
line, every "(" on it, Lithuanian included, copies as ")" and every ")" as "(": pdfium
and poppler both gave ")112(" for the Lithuanian phrase on the Arabic pocket card. Here
each mirrored glyph is mapped back to the character the font itself says it draws (its
`cmap`): left-to-right lines copy as written, and readers that reorder a right-to-left
line (pdfium) mirror the brackets back as the bidi algorithm does.

And Devanagari, Bengali, Tamil and the other scripts whose vowel signs are drawn before
the consonant they follow: HarfBuzz merges a syllable into glyphs whose order is not the
text's, and a glyph's ToUnicode entry cannot say "these letters, in that order" (pdfium
gave "अɡधिकार" for "अधिकार"). Each line of such text is marked with its words as an
`/ActualText` span, which pdfium and poppler both copy instead of the glyphs.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont

_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")


def mirrored_glyphs_as_drawn(pdf_bytes: bytes) -> bytes:
    """The PDF with every font's ToUnicode entry for a mirrored glyph (brackets, «»)
    giving the character the glyph draws; the PDF unchanged if no entry was wrong."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        changed = False
        seen: set[tuple[int, int]] = set()
        for page in pdf.pages:
            resources = page.obj.get("/Resources")
            fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
            for font in fonts.values() if isinstance(fonts, pikepdf.Dictionary) else ():
                if font.objgen in seen or "/ToUnicode" not in font:
                    continue
                seen.add(font.objgen)
                changed |= _correct(font)
        return saved(pdf) if changed else pdf_bytes


def saved(pdf: pikepdf.Pdf) -> bytes:
    """An edited PDF as bytes, the same bytes for the same PDF (no random identifier)."""
    output = io.BytesIO()
    pdf.save(output, deterministic_id=True, compress_streams=True, min_version=pdf.pdf_version)
    return output.getvalue()


def _correct(font: pikepdf.Object) -> bool:
    """Whether any of the font's mirrored glyphs had to be mapped anew."""
    to_unicode = font.ToUnicode.read_bytes()
    mirrored = {}
    for match in _BFCHAR.finditer(to_unicode):
        text = bytes.fromhex(match.group(2).decode()).decode("utf-16-be", "replace")
        if len(text) == 1 and unicodedata.mirrored(text):
            mirrored[int(match.group(1), 16)] = text
    if not mirrored:
        return False
    drawn = _drawn_by(font)
    wrong = {gid: drawn[gid] for gid, text in mirrored.items()
             if gid in drawn and drawn[gid] != text and unicodedata.mirrored(drawn[gid])}
    if not wrong:
        return False

    def mapped(match: re.Match[bytes]) -> bytes:
        gid = int(match.group(1), 16)
        if gid not in wrong:
            return match.group(0)
        return b"<%s> <%s>" % (match.group(1), wrong[gid].encode("utf-16-be").hex().encode())

    font.ToUnicode.write(_BFCHAR.sub(mapped, to_unicode))
    return True


def _drawn_by(font: pikepdf.Object) -> dict[int, str]:
    """Glyph id -> the one character the embedded font's cmap gives it, where it is one."""
    if "/DescendantFonts" not in font:
        return {}
    descriptor = font.DescendantFonts[0].get("/FontDescriptor")
    if not isinstance(descriptor, pikepdf.Dictionary) or "/FontFile2" not in descriptor:
        return {}
    try:
        embedded = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
        best = embedded["cmap"].getBestCmap() or {}
        characters: dict[int, list[str]] = {}
        for codepoint, name in best.items():
            characters.setdefault(embedded.getGlyphID(name), []).append(chr(codepoint))
    except Exception:  # a font fontTools cannot read keeps its mapping
        return {}
    return {gid: chars[0] for gid, chars in characters.items() if len(chars) == 1}


# A letter of a script that reorders vowel signs (languages.REORDERING_SCRIPTS), by its
# Unicode block: Devanagari to Sinhala, Myanmar, Khmer, and Devanagari Extended. Searched
# in every text box drawn, so one compiled pattern.
_REORDERS = re.compile("[\u0900-\u0DFF\u1000-\u109F\u1780-\u17FF\uA8E0-\uA8FF]")


def copy_as_read(draw_module: Any) -> None:
    """Make WeasyPrint (`weasyprint.draw`) mark each piece of text in a reordering script
    with its words as ActualText. Patched once per process. A text an element hides from
    readers (`aria-hidden`: the draft mark across the page) is left alone: pdfium spreads
    an ActualText evenly over its span, and over a turned line that runs off the page."""
    draw_text = draw_module.draw_text
    if getattr(draw_text, "copies_as_read", False):
        return

    import pydyf

    def draw_text_as_read(stream: Any, textbox: Any, *args: Any) -> None:
        element = getattr(textbox, "element", None)
        if not _REORDERS.search(textbox.text) or (
                element is not None and element.get("aria-hidden") == "true"):
            draw_text(stream, textbox, *args)
            return
        stream.begin_marked_content(
            "Span", pydyf.Dictionary({"ActualText": pydyf.String(textbox.text)}))
        try:
            draw_text(stream, textbox, *args)
        finally:
            stream.end_marked_content()

    draw_text_as_read.copies_as_read = True  # type: ignore[attr-defined]
    draw_text_as_read.original = draw_text  # type: ignore[attr-defined]
    draw_module.draw_text = draw_text_as_read
