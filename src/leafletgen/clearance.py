"""Lines in an outlined face (outlines.py) stand clear of the lines above them by their ink.

Nastaliq climbs: a word's first letters stand high above its baseline, a kaf's or gaf's
stroke higher still, and a yeh barree's tail hangs below the line, where the next line's
tops may stand. A leading at which no two lines ever touch costs Urdu a third more paper,
and CSS has no leading for one line. So as WeasyPrint lays out each line with a run in an
outlined face, and every line after one, this moves it down as far as its ink needs to
stand CLEARANCE_PX clear of the ink of the lines above it on the page, and no further.
The line is then that much taller: page breaks, copyfit and everything drawn later see it
as it is.

Ink is read per column of the page, COLUMN_PX wide: an outlined glyph's from its outline's
control polygon, which holds its curves (so never less than the ink); any other glyph's
(a Latin name, digits) from its ink box as Pango gives it. Lines without an outlined run
are measured and moved only after the document's first line with one: other languages are
laid out as WeasyPrint lays them out.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from fontTools.pens.basePen import BasePen

from .outlines import OUTLINED_FAMILIES, _Face, outlined_face

CLEARANCE_PX = 0.75  # 0.56 pt between the ink of two lines: they read as apart at 300 dpi
COLUMN_PX = 0.5
_EMPTY, _UNKNOWN = 0x0FFFFFFF, 0x10000000  # PANGO_GLYPH_EMPTY, PANGO_GLYPH_UNKNOWN_FLAG
_RECENT_LINES = 12  # lines of a page compared with the next; a line stands on the last few


class _ColumnPen(BasePen):  # type: ignore[misc]  # fontTools has no type hints
    """A glyph's ink top and bottom in columns `width` font units wide: for each column,
    the highest and lowest points of the outline's control polygon over it (y up)."""

    def __init__(self, glyph_set: Any, width: float) -> None:
        super().__init__(glyph_set)
        self.width = width
        self.columns: dict[int, list[float]] = {}

    def _edge(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        (x0, y0), (x1, y1) = sorted((start, end))
        first, last = math.floor(x0 / self.width), math.floor(x1 / self.width)
        for column in range(first, last + 1):
            ys = [y0, y1] if x1 == x0 else [
                y0 + (y1 - y0) * (min(max(x, x0), x1) - x0) / (x1 - x0)
                for x in (column * self.width, (column + 1) * self.width)]
            span = self.columns.setdefault(column, [-math.inf, math.inf])
            span[0], span[1] = max(span[0], *ys), min(span[1], *ys)

    def _moveTo(self, pt: tuple[float, float]) -> None:
        pass

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self._edge(self._getCurrentPoint(), pt)

    def _curveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float],
                    pt3: tuple[float, float]) -> None:
        points = (self._getCurrentPoint(), pt1, pt2, pt3)
        for start, end in itertools.pairwise(points):
            self._edge(start, end)

    def _qCurveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float]) -> None:
        self._edge(self._getCurrentPoint(), pt1)
        self._edge(pt1, pt2)

    def _closePath(self) -> None:
        pass


_GLYPH_COLUMNS = 64  # columns per em a glyph's ink is kept in (font units: upem / 64)
_columns: dict[tuple[int, int], tuple[tuple[int, float, float], ...]] = {}


def _glyph_columns(face: _Face, glyph_id: int) -> tuple[tuple[int, float, float], ...]:
    """(column, top, bottom) of a glyph's ink, in font units (y up), columns upem / 64."""
    key = (id(face), glyph_id)
    if key not in _columns:
        pen = _ColumnPen(face.glyph_set, face.upem / _GLYPH_COLUMNS)
        face.draw(glyph_id, pen)
        _columns[key] = tuple((column, top, bottom)
                              for column, (top, bottom) in sorted(pen.columns.items()))
    return _columns[key]


class _LineInk:
    """The ink of one line box: for each page column, its top and bottom (px, y down), as
    placed when it was measured; `at` is where the line stood then."""

    def __init__(self, line: Any, page: int, columns: dict[int, list[float]]) -> None:
        self.line, self.page, self.columns = line, page, columns
        self.at = (line.position_x, line.position_y)

    def now(self) -> tuple[int, float]:
        """How far the line was moved since (other layout may translate it): columns, px."""
        return (round((self.line.position_x - self.at[0]) / COLUMN_PX),
                self.line.position_y - self.at[1])


def _line_ink(line: Any, every: bool, ffi: Any, pango: Any, harfbuzz: Any,
              from_units: float) -> dict[int, list[float]] | None:
    """The ink of a laid-out line per page column; None if no run of it is in an outlined
    face, unless `every` line is measured."""
    from weasyprint.formatting_structure import boxes

    textboxes = [box for box in line.descendants()
                 if isinstance(box, boxes.TextBox) and box.text.strip()]
    if not every and not any(family in OUTLINED_FAMILIES for box in textboxes
                             for family in box.style["font_family"]):
        return None
    columns: dict[int, list[float]] = {}
    outlined = False
    rectangle = ffi.new("PangoRectangle *")
    length = ffi.new("unsigned int *")
    for textbox in textboxes:
        # As drawing will (weasyprint.draw.text): laid out, a line's Pango layout is freed.
        textbox.pango_layout.reactivate(textbox.style)
        try:
            outlined |= _measure(textbox, columns, rectangle, length, ffi, pango, harfbuzz,
                                 from_units)
        finally:
            textbox.pango_layout.deactivate()
    return columns if outlined or every else None


def _measure(textbox: Any, columns: dict[int, list[float]], rectangle: Any, length: Any,
             ffi: Any, pango: Any, harfbuzz: Any, from_units: float) -> bool:
    """Widen `columns` by the ink of a text box's line; whether it has an outlined run."""
    outlined = False
    layout_line = pango.pango_layout_get_line_readonly(textbox.pango_layout.layout, 0)
    baseline = textbox.position_y + textbox.baseline
    x = 0
    run = layout_line.runs
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        font = glyph_item.item.analysis.font
        hb_face = harfbuzz.hb_font_get_face(pango.pango_font_get_hb_font(font))
        blob = harfbuzz.hb_face_reference_blob(hb_face)
        data = harfbuzz.hb_blob_get_data(blob, length)
        face = outlined_face(data, int(length[0]), harfbuzz.hb_face_get_index(hb_face), ffi)
        harfbuzz.hb_blob_destroy(blob)
        if face is not None:
            description = pango.pango_font_describe_with_absolute_size(font)
            size = pango.pango_font_description_get_size(description) * from_units
            pango.pango_font_description_free(description)
        glyphs = glyph_item.glyphs
        for i in range(glyphs.num_glyphs):
            info = glyphs.glyphs[i]
            left = textbox.position_x + (x + info.geometry.x_offset) * from_units
            origin = baseline + info.geometry.y_offset * from_units
            if face is not None:
                outlined = True
                scale = size / face.upem
                step = face.upem / _GLYPH_COLUMNS * scale
                for column, top, bottom in _glyph_columns(face, info.glyph):
                    _widen(columns, left + column * step, left + (column + 1) * step,
                           origin - top * scale, origin - bottom * scale)
            elif info.glyph != _EMPTY and not info.glyph & _UNKNOWN:
                pango.pango_font_get_glyph_extents(font, info.glyph, rectangle, ffi.NULL)
                if rectangle.width > 0 and rectangle.height > 0:
                    _widen(columns, left + rectangle.x * from_units,
                           left + (rectangle.x + rectangle.width) * from_units,
                           origin + rectangle.y * from_units,
                           origin + (rectangle.y + rectangle.height) * from_units)
            x += info.geometry.width
    return outlined


def _widen(columns: dict[int, list[float]], left: float, right: float, top: float,
           bottom: float) -> None:
    for column in range(math.floor(left / COLUMN_PX), math.ceil(right / COLUMN_PX)):
        span = columns.setdefault(column, [top, bottom])
        span[0], span[1] = min(span[0], top), max(span[1], bottom)


def lines_clear_by_ink(inline_module: Any) -> None:
    """Make WeasyPrint (`weasyprint.layout.inline`) move each line with an outlined run,
    and every line after one, down until its ink stands clear of the lines above it.
    Patched once per process; the wrapper keeps WeasyPrint's own as `original`."""
    get_next_linebox = inline_module.get_next_linebox
    if getattr(get_next_linebox, "clears_ink", False):
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.ffi import FROM_UNITS, ffi, harfbuzz, pango

    def get_next_linebox_clear(context: Any, linebox: Any, position_y: float, *args: Any,
                               ) -> Any:
        line, resume_at = get_next_linebox(context, linebox, position_y, *args)
        containing_block = args[2]
        if line is None or isinstance(containing_block, boxes.MarginBox):
            return line, resume_at
        recent: list[_LineInk] = context.__dict__.setdefault("measured_lines", [])
        # Once a document has a line in an outlined face, its other lines (a Latin
        # translation under it, a heading over it) are measured and cleared too.
        columns = _line_ink(line, bool(recent), ffi, pango, harfbuzz, FROM_UNITS)
        if columns is None:
            return line, resume_at
        page = context.current_page
        down = 0.0
        for above in recent:
            shift_x, shift_y = above.now()
            if above.page != page or above.line.position_y >= line.position_y:
                continue
            for column, (_, bottom) in above.columns.items():
                span = columns.get(column + shift_x)
                if span is not None:
                    down = max(down, bottom + shift_y + CLEARANCE_PX - span[0])
        if down > 0:
            # The line's boxes move down; the line keeps its top and grows by as much.
            line.translate(0, down)
            line.position_y -= down
            line.height += down
            line.baseline += down
            for span in columns.values():
                span[0] += down
                span[1] += down
        recent.append(_LineInk(line, page, columns))
        del recent[:-_RECENT_LINES]
        return line, resume_at

    get_next_linebox_clear.clears_ink = True  # type: ignore[attr-defined]
    get_next_linebox_clear.original = get_next_linebox  # type: ignore[attr-defined]
    inline_module.get_next_linebox = get_next_linebox_clear
