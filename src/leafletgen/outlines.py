"""Nastaliq drawn as outlines, with an invisible text layer that copies as it reads.

Nastaliq sets each word on a slope: HarfBuzz raises its letters one above the other and
draws many of them with pieces shared by other letters. WeasyPrint writes that as glyphs
with text rise, each mapped to the text it first stood for, and no reader can take the
words back: pdfium and poppler gave fragments of other letters (`ی ں ˰ / Ŵ̫ہ`) for the
Urdu leaflets, pdfium broke a line at every rise, and an ActualText over a line did not
help pdfium where a Latin run splits the line (it reads each object's text against the
font's ToUnicode, and spreads it over the object's box).

So a face listed in OUTLINED_FACES is drawn here instead, in two layers:
- what the reader sees: each glyph's outline from the embedded font, filled as a path at
  the place HarfBuzz gave it. Paths carry no text, so no reader extracts them;
- what readers copy: under the outlines, in render mode 3 (invisible), each character of
  the text once, in the same font, in the order it stands on the line from left to right,
  on the baseline, each cluster's characters sharing the cluster's width. That is the
  shape of any Arabic-script line WeasyPrint writes in Naskh, which both readers give back
  in reading order.
Runs of any other face on the line (the Latin face of a URL, digits) are left to
WeasyPrint, which skips the outlined glyphs by their advance only.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

from fontTools.pens.basePen import BasePen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

from .resources import builtin_dir

# Faces drawn as outlines, by the SHA-256 of their font file: only leafletgen's own
# files, so a project's font cannot be taken for one and draw what its text does not say.
OUTLINED_FACES = ("NotoNastaliqUrdu-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf")
OUTLINED_FAMILIES = ("Noto Nastaliq Urdu",)  # their family, as a stylesheet names it

# A mark around each line's outlines, with the line's number on the page: measuring
# tools (benchmarks/page_measures.py) take a line's glyph boxes from it.
LINE_MARK = "OutlinedLine"


@cache
def _outlined_digests() -> frozenset[str]:
    digests = set()
    for name in OUTLINED_FACES:
        path = builtin_dir("fonts") / name
        if path.is_file():
            digests.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return frozenset(digests)


class _PdfPen(BasePen):  # type: ignore[misc]  # fontTools has no type hints
    """A glyph's outline as PDF path operators, in font units (y up)."""

    def __init__(self, glyph_set: Any) -> None:
        super().__init__(glyph_set)
        self.operators: list[str] = []

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self.operators.append(f"{_n(pt[0])} {_n(pt[1])} m")

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self.operators.append(f"{_n(pt[0])} {_n(pt[1])} l")

    def _curveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float],
                    pt3: tuple[float, float]) -> None:
        self.operators.append(" ".join(f"{_n(x)} {_n(y)}" for x, y in (pt1, pt2, pt3)) + " c")

    def _qCurveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float]) -> None:
        # A quadratic Bézier is the cubic whose controls lie 2/3 of the way to its one.
        x0, y0 = self._getCurrentPoint()
        self._curveToOne((x0 + 2 / 3 * (pt1[0] - x0), y0 + 2 / 3 * (pt1[1] - y0)),
                         (pt2[0] + 2 / 3 * (pt1[0] - pt2[0]), pt2[1] + 2 / 3 * (pt1[1] - pt2[1])),
                         pt2)

    def _closePath(self) -> None:
        self.operators.append("h")


def _n(value: float) -> str:
    """A number as short as PDF allows, to a millionth."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class _Face:
    """One outlined font file: its outlines by glyph id, and its character map."""

    def __init__(self, content: bytes, index: int) -> None:
        self._font = TTFont(io.BytesIO(content), fontNumber=index, lazy=True)
        self.glyph_set = self._font.getGlyphSet()
        self._order = self._font.getGlyphOrder()
        self.cmap = {code: self._font.getGlyphID(name)
                     for code, name in (self._font.getBestCmap() or {}).items()}
        self.upem = self._font["head"].unitsPerEm
        self._paths: dict[int, str] = {}

    def draw(self, glyph_id: int, pen: Any) -> None:
        """Draw a glyph's outline with a fontTools pen; nothing for an id the font lacks."""
        if 0 <= glyph_id < len(self._order):
            self.glyph_set[self._order[glyph_id]].draw(pen)

    def path(self, glyph_id: int) -> str:
        """PDF path operators in font units; empty for a glyph that draws nothing."""
        if glyph_id not in self._paths:
            pen = _PdfPen(self.glyph_set)
            self.draw(glyph_id, pen)
            self._paths[glyph_id] = " ".join(pen.operators)
        return self._paths[glyph_id]


# What a mirrored character is drawn as in a right-to-left run (Unicode's
# BidiMirroring.txt, the pairs a leaflet uses): readers that reorder the line mirror it
# back, as they do in a line of Naskh (text_layer.py).
_MIRRORED = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))

_faces: dict[tuple[str, int], _Face] = {}  # by file digest and face index
_line_numbers = itertools.count(1)  # for LINE_MARK, from 1 in each document
# The fonts drawn as outlines in the document being rendered, by PDF name (`/HASH+Family`),
# with their glyphs' widths (the font's own dict, which WeasyPrint writes as /W); and the
# names of those among them WeasyPrint also drew as text.
_outlined: dict[str, dict[int, int]] = {}
_drawn_as_text: set[str] = set()


def _face(font: Any) -> _Face | None:
    """The outlined face of a WeasyPrint font, None if it is not one of OUTLINED_FACES.
    Decided once per font object by its file's digest, not by WeasyPrint's hash of its
    description: another project's font of the same name and weight has the same hash."""
    if "outlined_face" not in font.__dict__:
        font.outlined_face = _known_face(hashlib.sha256(font.file_content).hexdigest(),
                                         font.index, lambda: font.file_content)
    face: _Face | None = font.outlined_face
    return face


def _known_face(digest: str, index: int, content: Callable[[], bytes]) -> _Face | None:
    if digest in _outlined_digests() and (digest, index) not in _faces:
        _faces[digest, index] = _Face(content(), index)
    return _faces.get((digest, index))


_by_data: dict[tuple[int, int, int], _Face | None] = {}


def outlined_face(data: Any, length: int, index: int, ffi: Any) -> _Face | None:
    """The outlined face of the font file HarfBuzz holds at `data` (a cffi pointer, as
    laid-out text gives it), None if it is not one of OUTLINED_FACES. Decided by the
    file's digest, once per file in memory."""
    key = (int(ffi.cast("uintptr_t", data)), length, index)
    if key not in _by_data:
        content = ffi.buffer(data, length)
        _by_data[key] = _known_face(hashlib.sha256(content).hexdigest(), index,
                                    lambda: bytes(content))
    return _by_data[key]


def draw_outlined(text_module: Any) -> None:
    """Make WeasyPrint (`weasyprint.draw.text`) draw OUTLINED_FACES as outlines over an
    invisible text layer. Patched once per process."""
    draw_first_line = text_module.draw_first_line
    if getattr(draw_first_line, "outlines", False):
        return
    import pydyf
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    def draw_first_line_outlined(stream: Any, textbox: Any, text_overflow: str,
                                 block_ellipsis: str, matrix: Any) -> Any:
        if not textbox.text.strip():
            return draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
        if text_overflow == "ellipsis" or block_ellipsis != "none":
            # WeasyPrint sets such a line anew; its glyphs are drawn as they are, and the
            # font's glyphs are then kept (see outlined_fonts_boxed).
            emojis = draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
            for font, *_ in _outlined_runs(stream, textbox):
                _drawn_as_text.add(font.name.decode())
            return emojis
        # As WeasyPrint does first: setting it anew would lay the line out again, and free
        # the glyphs read here.
        pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
        runs = _outlined_runs(stream, textbox)
        if not runs:
            return draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)

        # WeasyPrint skips an empty glyph by its width / 1000 where it means / 1024 (its
        # own glyphs advance by their width in points): scaled, the rest of the line stays.
        kept = []
        for _, _, _, glyph_item, _ in runs:
            glyphs = glyph_item.glyphs
            for i in range(glyphs.num_glyphs):
                info = glyphs.glyphs[i]
                kept.append((info, info.glyph, info.geometry.width))
                info.glyph = pango.PANGO_GLYPH_EMPTY
                info.geometry.width = round(info.geometry.width * 1000 * FROM_UNITS)
        try:
            emojis = draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
        finally:
            for info, glyph, width in kept:
                info.glyph, info.geometry.width = glyph, width

        utf8 = textbox.pango_layout.text.encode()
        line = next(_line_numbers)
        stream.end_text()
        stream.begin_marked_content(LINE_MARK, pydyf.Dictionary({"Line": line}))
        for _, size, face, glyph_item, run_left in runs:
            _draw_outlines(stream, face, size, glyph_item, run_left, matrix.values, FROM_UNITS)
        stream.end_marked_content()
        stream.begin_text()
        stream.begin_marked_content(LINE_MARK, pydyf.Dictionary({"Line": line}))
        stream.set_text_rendering(3)
        for font, size, face, glyph_item, run_left in runs:
            stream.set_text_matrix(*matrix.values)
            stream.move_text_to(run_left * FROM_UNITS, 0)
            stream.set_font_size(font.hash, size)
            stream.show_text(_invisible_text(font, size, face, glyph_item, utf8, FROM_UNITS))
        stream.set_text_rendering(0)
        stream.end_marked_content()
        return emojis

    def _outlined_runs(stream: Any, textbox: Any) -> list[tuple[Any, float, _Face, Any, int]]:
        """The runs of the first line in an outlined face: font, size, face, glyph item,
        and where on the line the run starts (Pango units)."""
        first_line, _ = textbox.pango_layout.get_first_line()
        runs = []
        left = 0
        run = first_line.runs
        while run != ffi.NULL:
            glyph_item = run.data
            run = run.next
            glyphs = glyph_item.glyphs
            font, size = stream.add_font(glyph_item.item.analysis.font)
            if pango.pango_version() < 14802:  # as WeasyPrint: Pango's issue 530
                size = textbox.style["font_size"]
            face = _face(font)
            if face is not None:
                runs.append((font, size, face, glyph_item, left))
                _outlined[font.name.decode()] = font.widths
            left += sum(glyphs.glyphs[i].geometry.width for i in range(glyphs.num_glyphs))
        return runs

    draw_first_line_outlined.outlines = True  # type: ignore[attr-defined]
    draw_first_line_outlined.original = draw_first_line  # type: ignore[attr-defined]
    text_module.draw_first_line = draw_first_line_outlined


def _draw_outlines(stream: Any, face: _Face, size: float, glyph_item: Any, left: int,
                   matrix: tuple[float, ...], from_units: float) -> None:
    """Fill each glyph of a run where the text matrix puts it (`left`: the run's start on
    the line, in Pango units). In text space y is up and Pango's offsets are down."""
    a, b, c, d, e, f = matrix
    scale = size / face.upem
    glyphs = glyph_item.glyphs
    x = left
    for i in range(glyphs.num_glyphs):
        info = glyphs.glyphs[i]
        path = face.path(info.glyph)
        if path:
            u = (x + info.geometry.x_offset) * from_units
            v = -info.geometry.y_offset * from_units
            placed = (a * scale, b * scale, c * scale, d * scale,
                      a * u + c * v + e, b * u + d * v + f)
            # q/cm/Q written out: WeasyPrint's own would multiply its CTM for each glyph.
            stream.stream.append(
                f"q {' '.join(_n(value) for value in placed)} cm {path} f Q".encode())
        x += info.geometry.width


def _invisible_text(font: Any, size: float, face: _Face, glyph_item: Any, utf8: bytes,
                    from_units: float) -> str:
    """The run's characters for a TJ operator: left to right as they stand, each
    cluster's characters over its width, each character a glyph mapped to it alone."""
    glyphs = glyph_item.glyphs
    clusters = glyphs.log_clusters
    count = glyphs.num_glyphs
    item = glyph_item.item
    rtl = item.analysis.level % 2
    parts = []
    i = 0
    while i < count:
        j = i
        width = 0
        while j < count and clusters[j] == clusters[i]:
            width += glyphs.glyphs[j].geometry.width
            j += 1
        start = clusters[i]
        if rtl:
            end = item.length if i == 0 else clusters[i - 1]
        else:
            end = item.length if j == count else clusters[j]
        characters = utf8[item.offset + start:item.offset + end].decode("utf-8", "replace")
        # Bidi isolates and other format characters the font does not draw stay out, as
        # WeasyPrint leaves out their empty glyphs.
        characters = "".join(character for character in characters
                             if ord(character) in face.cmap
                             or unicodedata.category(character) != "Cf")
        if rtl:  # right to left: the characters as they stand, brackets as drawn
            characters = "".join(_MIRRORED.get(character, character)
                                 for character in reversed(characters))
        if characters:
            share = width * from_units * 1000 / size / len(characters)
            for character in characters:
                glyph_id = _glyph_for(font, character, share)
                parts.append(f"<{glyph_id:04x}>")
                if round(font.widths[glyph_id] - share, 2):
                    parts.append(f"{font.widths[glyph_id] - share:.2f}")
        elif width:
            parts.append(f"{-width * from_units * 1000 / size:.2f}")
        i = j
    return "".join(parts)


def _glyph_for(font: Any, character: str, share: float) -> int:
    """A glyph id of the font that maps to this character alone, as wide as its share of
    the cluster to a hundredth of an em: poppler takes a character's box from the glyph's
    width, not from where the next one is placed, and where boxes overlap it splits words
    and lines. The ids are the font's own, from 1 up: its glyphs are drawn as outlines, so
    no text uses them, and an id beyond them WeasyPrint would map to .notdef, 1 em wide."""
    ids: dict[tuple[str, int], int] = font.__dict__.setdefault("outlined_ids", {})
    width = max(1, round(share / 10)) * 10
    key = (character, width)
    if key not in ids:
        if len(ids) + 1 < font.glyph_count:
            ids[key] = len(ids) + 1
        else:  # every id taken: the nearest width this character has
            key = min((k for k in ids if k[0] == character),
                      key=lambda k: abs(k[1] - width), default=next(iter(ids)))
    glyph_id = ids[key]
    font.to_unicode[glyph_id] = key[0]
    font.widths[glyph_id] = key[1]
    return glyph_id


def new_document() -> None:
    """Start a document: line numbers from 1, no font drawn yet (the same document gives
    the same file, whichever process renders it and after what)."""
    global _line_numbers
    _line_numbers = itertools.count(1)
    _outlined.clear()
    _drawn_as_text.clear()


def outlined_fonts_boxed(pdf_bytes: bytes) -> bytes:
    """The PDF with every glyph of the fonts drawn as outlines replaced by a box as wide
    as its advance, half an em high. Those glyphs carry only the invisible text, and
    readers take a character's box from its glyph: a letter's outline that no one sees
    (pdfium found text past the page's edge), and an empty one a character without a box,
    which pdfium leaves out where a text object has only such characters (a "[1]").
    The PDF unchanged if there are none. Call once after each write_pdf."""
    widths = {name: of_font for name, of_font in _outlined.items()
              if name not in _drawn_as_text}
    if not widths:
        return pdf_bytes
    import pikepdf

    from .text_layer import saved

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        changed = False
        for obj in pdf.objects:
            if (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
                    and obj.get("/Subtype") == "/CIDFontType2"
                    and str(obj.get("/BaseFont", "")) in widths):
                program = obj.FontDescriptor.FontFile2
                program.write(_boxed(program.read_bytes(), widths[str(obj.BaseFont)]))
                changed = True
        return saved(pdf) if changed else pdf_bytes


def _boxed(program: bytes, widths: dict[int, int]) -> bytes:
    """The font program with each glyph a box of its width (thousandths of an em)."""
    # Without recalcTimestamp=False fontTools stamps the font with the time it was saved,
    # and the same document would give another file at every build.
    font = TTFont(io.BytesIO(program), recalcTimestamp=False)
    upem = font["head"].unitsPerEm
    glyf = font["glyf"]
    for glyph_id, name in enumerate(font.getGlyphOrder()):
        width = round(widths.get(glyph_id, 0) * upem / 1000)
        if width > 0:
            pen = TTGlyphPen(None)
            pen.moveTo((0, 0))
            pen.lineTo((0, upem // 2))
            pen.lineTo((width, upem // 2))
            pen.lineTo((width, 0))
            pen.closePath()
            glyf[name] = pen.glyph()
        else:
            glyf[name] = Glyph()
    boxed = io.BytesIO()
    font.save(boxed)
    return boxed.getvalue()
