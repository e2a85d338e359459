"""Where on a page a QR code could be drawn: verification rasterises these regions at print
resolution, not the whole page, and decodes what is in them.

A code is modules of ink. WeasyPrint can draw them as an image, as paths (the tool's own
codes, a template's SVG or a grid of boxes), as a shading, or as glyphs of a font. So every
page object is a candidate, placed on the page through the forms it is drawn in (a print
sheet places the page at its bleed, an office sheet four times), except:

- a plain path: up to four upright rectangles, square-cornered or rounded (a background,
  a frame, a rule, the edge stripe, a box with a border radius). Alone it is not a code,
  and what is drawn over it is a candidate itself. But a code can be drawn as boxes, each
  a plain path (a grid of elements with a background): a page with PLAIN_FOR_A_CODE plain
  paths no wider than a module in one direction is read whole;
- the outlines of leafletgen's own Nastaliq (outlines.py), inside its marked lines;
- text in leafletgen's own fonts, none of which has a block or square glyph (tested).
  Text in a project's font, or in a font that is none of the project's, is a candidate:
  such a font may draw anything.

Each candidate is grown by a margin for its quiet zone (four modules of a code at least
21 modules wide: a fifth of its size, plus 1 mm), and candidates whose margins meet are one
region, grown again, until none meet. On a page with more candidates than MAX_CANDIDATES,
or whose regions cover most of it, the whole page is one region.
"""

from __future__ import annotations

import ctypes
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium

from .outlines import LINE_MARK

PT_PER_MM = 72 / 25.4
MARGIN_MM = 1.0
MARGIN_SHARE = 0.2  # of a candidate's larger side: a quiet zone of 4 modules of 21
LARGEST_MODULE_MM = 2.0  # the largest module a code of boxes is taken to have
PLAIN_RECTANGLES = 4  # a path of up to this many upright rectangles is plain
PLAIN_FOR_A_CODE = 12  # plain paths this narrow on a page, and it could be a code of boxes
MAX_CANDIDATES = 200  # more, and the page is read whole (merging is quadratic)
MOST_OF_THE_PAGE = 0.6
# zxing decides black and white per 8 x 8 block of its image, from the blocks around:
# regions start on the whole page's blocks, so that a code's pixels are read as there.
BLOCK_PX = 8

Rect = tuple[float, float, float, float]  # left, bottom, right, top, in points (y up)


def placed_objects(page: pypdfium2.PdfPage,
                   ) -> Iterator[tuple[pypdfium2.PdfObject, pypdfium2.PdfMatrix | None]]:
    """Every object of a page, forms' objects too, with the matrix of the form it is drawn
    in (None on the page itself): a form's objects are in its space."""
    forms: list[pypdfium2.PdfMatrix] = []
    for obj in page.get_objects():
        del forms[obj.level:]
        yield obj, forms[-1] if forms else None
        if obj.type == pdfium.FPDF_PAGEOBJ_FORM:
            forms.append(obj.get_matrix().multiply(forms[-1]) if forms else obj.get_matrix())


def placed_bounds(obj: pypdfium2.PdfObject, form: pypdfium2.PdfMatrix | None) -> Rect:
    """An object's bounding box on the page."""
    left, bottom, right, top = obj.get_bounds()
    if form is None:
        return left, bottom, right, top
    corners = [form.on_point(x, y) for x in (left, right) for y in (bottom, top)]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def mark_param(raw: Any, name: str, key: bytes) -> int | None:
    """The integer `key` of the content mark `name` a page object (pdfium's handle) is
    inside, None if it is not."""
    for index in range(pdfium.FPDFPageObj_CountMarks(raw)):
        mark = pdfium.FPDFPageObj_GetMark(raw, index)
        length = ctypes.c_ulong()
        pdfium.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(length))
        buffer = (ctypes.c_ushort * (length.value // 2 + 1))()
        pdfium.FPDFPageObjMark_GetName(mark, buffer, length.value, ctypes.byref(length))
        if bytes(buffer)[:length.value].decode("utf-16-le").rstrip("\x00") == name:
            value = ctypes.c_int()
            if pdfium.FPDFPageObjMark_GetParamIntValue(mark, key, ctypes.byref(value)):
                return value.value
    return None


def font_name(obj: pypdfium2.PdfObject) -> str:
    """A text object's font's base name, without its subset tag."""
    font = pdfium.FPDFTextObj_GetFont(obj.raw)
    length = pdfium.FPDFFont_GetBaseFontName(font, None, 0) if font else 0
    buffer = ctypes.create_string_buffer(length)
    if length:
        pdfium.FPDFFont_GetBaseFontName(font, buffer, length)
    return buffer.value.decode("latin-1").split("+", 1)[-1]


def _plain(obj: pypdfium2.PdfObject) -> bool:
    """Whether a path is up to PLAIN_RECTANGLES rectangles, upright, their corners square
    or rounded: a fill, a frame, a rule, a box with a border radius."""
    x, y = ctypes.c_float(), ctypes.c_float()
    shapes: list[list[tuple[int, float, float]]] = []
    curves = 0  # in the last shape
    for index in range(pdfium.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium.FPDFPath_GetPathSegment(obj.raw, index)
        kind = pdfium.FPDFPathSegment_GetType(segment)
        pdfium.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        if kind == pdfium.FPDF_SEGMENT_MOVETO or not shapes:
            # Read no further than the answer: a QR code's path has a shape per run of
            # modules, a letter's outline dozens of curves.
            if len(shapes) == PLAIN_RECTANGLES or (shapes and not _upright_rectangle(shapes[-1])):
                return False
            shapes.append([])
            curves = 0
        shapes[-1].append((kind, x.value, y.value))
        curves += kind == pdfium.FPDF_SEGMENT_BEZIERTO
        if curves > 4 * 3:
            return False
    return not shapes or _upright_rectangle(shapes[-1])  # the others are read above


def _upright_rectangle(shape: list[tuple[int, float, float]]) -> bool:
    """Whether one closed shape of a path is an upright rectangle: at most four corners;
    or, rounded, four curves (three points each: two controls and the end), each from one
    side to the next, with at most five straight lines along its sides (a closing one too).
    Every point is then on the rectangle's edges."""
    xs, ys = {px for _, px, _ in shape}, {py for _, _, py in shape}
    curves = sum(kind == pdfium.FPDF_SEGMENT_BEZIERTO for kind, _, _ in shape)
    if not curves:
        return len(xs) <= 2 and len(ys) <= 2
    if curves != 4 * 3 or len(shape) - curves > 1 + 5:
        return False
    left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
    on_edge = all(min(abs(px - left), abs(px - right)) < 0.01
                  or min(abs(py - bottom), abs(py - top)) < 0.01 for _, px, py in shape)
    straight = all(abs(px - qx) < 0.01 or abs(py - qy) < 0.01
                   for (_, px, py), (kind, qx, qy) in itertools.pairwise(shape)
                   if kind == pdfium.FPDF_SEGMENT_LINETO)
    return on_edge and straight


@dataclass(frozen=True)
class Candidates:
    boxes: tuple[Rect, ...]
    read_whole: bool  # more than MAX_CANDIDATES, or a code may be drawn of plain boxes


def qr_candidates(page: pypdfium2.PdfPage, trusted_font: Callable[[str], bool],
                  ) -> Candidates:
    """Boxes of every object on a page that could draw a QR code or part of one (see the
    module's docstring); `trusted_font(base_name)` says whether a text object's font is
    one of leafletgen's own."""
    boxes: list[Rect] = []
    small_plain = 0
    for obj, form in placed_objects(page):
        if obj.type == pdfium.FPDF_PAGEOBJ_FORM:
            continue  # its objects are read themselves
        bounds = placed_bounds(obj, form)
        if obj.type == pdfium.FPDF_PAGEOBJ_PATH and _plain(obj):
            left, bottom, right, top = bounds
            if min(right - left, top - bottom) <= LARGEST_MODULE_MM * PT_PER_MM:
                small_plain += 1
                if small_plain >= PLAIN_FOR_A_CODE:
                    return Candidates(tuple(boxes), read_whole=True)
            continue
        if obj.type == pdfium.FPDF_PAGEOBJ_PATH and \
                mark_param(obj.raw, LINE_MARK, b"Line") is not None:
            continue
        if obj.type == pdfium.FPDF_PAGEOBJ_TEXT and trusted_font(font_name(obj)):
            continue
        boxes.append(bounds)
        if len(boxes) > MAX_CANDIDATES:
            return Candidates(tuple(boxes), read_whole=True)
    return Candidates(tuple(boxes), read_whole=False)


def _grown(box: Rect) -> Rect:
    left, bottom, right, top = box
    margin = MARGIN_MM * PT_PER_MM + MARGIN_SHARE * max(right - left, top - bottom)
    return left - margin, bottom - margin, right + margin, top + margin


def _meet(a: Rect, b: Rect) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _union(a: Rect, b: Rect) -> Rect:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _first_meeting(groups: list[Rect]) -> tuple[int, int] | None:
    grown = [_grown(group) for group in groups]
    for first, a in enumerate(grown):
        for second in range(first + 1, len(grown)):
            if _meet(a, grown[second]):
                return first, second
    return None


def qr_regions(candidates: Candidates, width: float, height: float) -> list[Rect]:
    """The regions of a page (`width` x `height` pt) to read for QR codes: candidates and
    their quiet zones, those that meet made one, on the page."""
    page = (0.0, 0.0, width, height)
    if candidates.read_whole:
        return [page]
    groups = list(candidates.boxes)
    while pair := _first_meeting(groups):
        first, second = pair
        groups[first] = _union(groups[first], groups.pop(second))
    regions = []
    for group in groups:
        left, bottom, right, top = _grown(group)
        region = (max(left, 0.0), max(bottom, 0.0), min(right, width), min(top, height))
        if region[0] < region[2] and region[1] < region[3]:
            regions.append(region)
    covered = sum((r[2] - r[0]) * (r[3] - r[1]) for r in regions)
    return [page] if covered > MOST_OF_THE_PAGE * width * height else regions


def pixel_box(region: Rect, height: float, scale: float, raster: tuple[int, int],
              ) -> tuple[int, int, int, int]:
    """A region's pixels in the page's `raster` (width, height) at `scale` (left, top,
    right, bottom; y down), out to whole blocks of it and no further than its edges."""
    left, bottom, right, top = region
    return (max(math.floor(left * scale / BLOCK_PX) * BLOCK_PX, 0),
            max(math.floor((height - top) * scale / BLOCK_PX) * BLOCK_PX, 0),
            min(math.ceil(right * scale / BLOCK_PX) * BLOCK_PX, raster[0]),
            min(math.ceil((height - bottom) * scale / BLOCK_PX) * BLOCK_PX, raster[1]))
