"""How a printed page reads, measured from the PDF, not from the stylesheet: the body size
(the size most letters are set in, from each text object's font size and matrix), the
smallest type, characters per line, lines broken with a hyphen, the largest blank band
of each page (rows without ink, at 50 dpi, as a share of the page's height), and the
glyphs of two lines that overlap (from pdfium's glyph boxes).

    python benchmarks/page_measures.py build/        # a table of every screen PDF
"""

from __future__ import annotations

import collections
import ctypes
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium
from PIL import Image, ImageChops, ImageDraw

from leafletgen.outlines import LINE_MARK
from leafletgen.regions import mark_param, placed_objects

HYPHENS = ("-", "\u2010", "\u00ad", "\x02")  # pdfium reports a soft hyphen as \x02


@dataclass(frozen=True)
class Char:
    text: str
    size_pt: float
    left: float
    bottom: float
    right: float
    top: float
    baseline: float  # the origin's height: a mark's is its letter's
    outlined: bool = False  # invisible, under a line drawn as outlines (outlines.py)
    # An outline's polygons on the page (its curves by their points): where two lines'
    # boxes overlap, whether their ink does.
    shape: tuple[tuple[tuple[float, float], ...], ...] = ()


@dataclass(frozen=True)
class PageMeasures:
    body_pt: float  # the size most letters are set in
    sizes: dict[float, int]  # letters by size
    smallest_pt: float
    line_chars: tuple[int, ...]  # characters of each line set at the body size
    hyphenated: int  # lines that end in a hyphen inside a word
    blank_band: float  # the largest run of rows without ink, as a share of the height
    text: str
    collisions: tuple[tuple[str, str, float], ...] = ()  # glyphs of two lines that overlap


def text_object(textpage: pypdfium2.PdfTextPage, index: int,
                ) -> tuple[float, pdfium.FS_MATRIX] | None:
    """The font size and matrix of the text object character `index` belongs to."""
    obj = pdfium.FPDFText_GetTextObject(textpage, index)
    return size_and_matrix(obj) if obj else None


def size_and_matrix(obj: ctypes.c_void_p) -> tuple[float, pdfium.FS_MATRIX]:
    """A text object's font size and matrix."""
    size = ctypes.c_float()
    pdfium.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
    matrix = pdfium.FS_MATRIX()
    pdfium.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    return size.value, matrix


def turned(matrix: pdfium.FS_MATRIX) -> bool:
    """Whether a matrix sets text at an angle: a draft mark across the page, not the text."""
    return abs(matrix.b) > 1e-3 or abs(matrix.c) > 1e-3


def chars(page: pypdfium2.PdfPage) -> list[Char]:
    """Every character pdfium finds set level, with its size as printed: font size times the
    scale of its text object's matrix (WeasyPrint writes 12 px, scaled to 9 pt). The text
    under a line drawn as outlines comes with each glyph's outline instead, as a character
    "◌" at the line's baseline."""
    textpage = page.get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    found = []
    outlined_lines: dict[int, tuple[float, float]] = {}  # number -> size, baseline
    try:
        for index in range(textpage.count_chars()):
            text = textpage.get_text_range(index, 1)
            obj = pdfium.FPDFText_GetTextObject(textpage, index)
            if not obj:
                continue
            size, matrix = size_and_matrix(obj)
            if turned(matrix):
                continue
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            left, bottom, right, top = textpage.get_charbox(index)
            pdfium.FPDFText_GetCharOrigin(textpage, index, x, y)
            number = mark_param(obj, LINE_MARK, b"Line") \
                if pdfium.FPDFTextObj_GetTextRenderMode(obj) == 3 else None
            if number is not None:
                outlined_lines.setdefault(number, (round(size * scale, 2), round(y.value, 1)))
            found.append(Char(text, round(size * scale, 2), left, bottom, right, top,
                              round(y.value, 1), number is not None))
    finally:
        textpage.close()
    # A form's objects are in its space: a print sheet places the page in one, at its bleed.
    for obj, form in placed_objects(page) if outlined_lines else ():
        if obj.type == pdfium.FPDF_PAGEOBJ_PATH and \
                (number := mark_param(obj.raw, LINE_MARK, b"Line")) in outlined_lines:
            size, baseline = outlined_lines[number]
            shape = polygons(obj, form)
            xs = [x for polygon in shape for x, _ in polygon]
            ys = [y for polygon in shape for _, y in polygon]
            if xs:
                found.append(Char("\u25cc", size, min(xs), min(ys), max(xs), max(ys),
                                  baseline, True, shape))
    return found


def lines(found: list[Char]) -> list[list[Char]]:
    """Characters in lines: a new line where the text moves to another baseline, or jumps
    sideways by more than two ems (the next column, a box beside the text)."""
    result: list[list[Char]] = []
    for char in found:
        if char.text in ("\r", "\n"):
            continue
        line = result[-1] if result else None
        em = max(char.size_pt, 1)
        if line and abs(char.bottom - line[-1].bottom) < em * 0.6 \
                and min(abs(char.left - line[-1].right), abs(line[-1].left - char.right)) < 2 * em:
            line.append(char)
        else:
            result.append([char])
    return result


def polygons(obj: pypdfium2.PdfObject, form: pypdfium2.PdfMatrix | None = None,
             ) -> tuple[tuple[tuple[float, float], ...], ...]:
    """A path object's subpaths as polygons in page space (`form`: the matrix of the form
    it is drawn in), each curve by its control points (a glyph's curves are short: the
    polygon strays from them by a fraction of a point)."""
    matrix = obj.get_matrix() if form is None else obj.get_matrix().multiply(form)
    x, y = ctypes.c_float(), ctypes.c_float()
    shapes: list[list[tuple[float, float]]] = []
    for index in range(pdfium.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium.FPDFPath_GetPathSegment(obj.raw, index)
        pdfium.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = matrix.on_point(x.value, y.value)
        if pdfium.FPDFPathSegment_GetType(segment) == pdfium.FPDF_SEGMENT_MOVETO or not shapes:
            shapes.append([])
        shapes[-1].append(point)
    return tuple(tuple(shape) for shape in shapes if len(shape) > 2)


_INK_SCALE = 8  # pixels per point where two lines' ink is compared


def ink_overlap(above: Char, below: Char) -> float:
    """How far two glyphs' ink overlaps, in pt: rows of pixels both cover, drawn where
    their boxes meet. A glyph without an outline is its box."""
    left, right = max(above.left, below.left), min(above.right, below.right)
    bottom, top = max(above.bottom, below.bottom), min(above.top, below.top)
    size = (max(1, round((right - left) * _INK_SCALE)), max(1, round((top - bottom) * _INK_SCALE)))
    masks = []
    for char in (above, below):
        mask = Image.new("1", size)
        draw = ImageDraw.Draw(mask)
        for shape in char.shape or (((char.left, char.bottom), (char.right, char.bottom),
                                     (char.right, char.top), (char.left, char.top)),):
            draw.polygon([((px - left) * _INK_SCALE, (top - py) * _INK_SCALE)
                          for px, py in shape], fill=1)
        masks.append(mask)
    both = ImageChops.logical_and(*masks).getbbox()
    return 0.0 if both is None else (both[3] - both[1]) / _INK_SCALE


def line_collisions(found: list[Char]) -> list[tuple[str, str, float]]:
    """Where the glyphs of two lines overlap: (upper character, lower character, overlap
    in pt) for each pair of glyph boxes of different lines that intersect. Lines are
    grouped by baseline, so a vowel sign or a mark above a letter is part of its own
    line, and only another line's glyphs collide."""
    placed = [char for char in found if char.text.strip() and char.top > char.bottom
              and (char.text == "\u25cc" or not char.outlined)]
    by_baseline: dict[float, list[Char]] = collections.defaultdict(list)
    for char in placed:
        by_baseline[char.baseline].append(char)
    baselines = sorted(by_baseline, reverse=True)
    hits = []
    for number, upper in enumerate(baselines):
        for lower in baselines[number + 1:]:
            size = max(char.size_pt for char in by_baseline[upper] + by_baseline[lower])
            if upper - lower > 3 * size:
                break
            if upper - lower < 0.5 * size:  # a raised or lowered mark of the same line
                continue
            for above in by_baseline[upper]:
                for below in by_baseline[lower]:
                    across = min(above.right, below.right) - max(above.left, below.left)
                    overlap = below.top - above.bottom
                    if across > 0.1 and overlap > 0.1 and (above.shape or below.shape):
                        overlap = ink_overlap(above, below)
                    if across > 0.1 and overlap > 0.1:
                        hits.append((above.text, below.text, round(overlap, 2)))
    return hits


def sizes_of(path: Path, page_index: int, word: str) -> list[float]:
    """The size each occurrence of `word` on a page is set in (its first letter's)."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        found = chars(pdf[page_index])
    finally:
        pdf.close()
    text = "".join(char.text for char in found)
    sizes, start = [], text.find(word)
    while start != -1:
        sizes.append(found[start].size_pt)
        start = text.find(word, start + 1)
    return sizes


def measure_page(page: pypdfium2.PdfPage) -> PageMeasures:
    drawn = [char for char in chars(page) if char.size_pt > 0]
    found = [char for char in drawn if not (char.outlined and char.text == "\u25cc")]
    letters = [char for char in found if char.text.isalpha()]
    sizes = collections.Counter(char.size_pt for char in letters)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    body_lines = [line for line in lines(found)
                  if collections.Counter(c.size_pt for c in line).most_common(1)[0][0] == body]
    line_chars = tuple(len("".join(c.text for c in line).strip()) for line in body_lines)
    hyphenated = sum(1 for line in lines(found) if len(line) > 2
                     and line[-1].text in HYPHENS and line[-2].text.isalpha())
    return PageMeasures(body, dict(sizes), min((c.size_pt for c in letters), default=0.0),
                        line_chars,
                        hyphenated, blank_band(page), "".join(c.text for c in found),
                        tuple(line_collisions(drawn)))


def blank_band(page: pypdfium2.PdfPage, dpi: int = 50) -> float:
    """The largest run of rows without ink (nothing darker than 245 of 255) across the
    middle 80 % of the page's width (an edge stripe is not content), as a share of the
    page's height."""
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    width, height = image.size
    pixels = image.load()
    longest = run = 0
    for y in range(height):
        inked = any(pixels[x, y] < 245 for x in range(width // 10, width * 9 // 10, 2))
        run = 0 if inked else run + 1
        longest = max(longest, run)
    return longest / height


def measure(path: Path) -> list[PageMeasures]:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return [measure_page(page) for page in pdf]
    finally:
        pdf.close()


def row(record: dict, pages: list[PageMeasures]) -> dict:
    line_chars = [n for page in pages for n in page.line_chars if n >= 20]
    return {
        "output": record["path"],
        "body_pt": sum((collections.Counter(page.sizes) for page in pages),
                       collections.Counter()).most_common(1)[0][0],
        "smallest_pt": min(page.smallest_pt for page in pages),
        "chars_per_line_p90": sorted(line_chars)[int(len(line_chars) * 0.9)] if line_chars
        else 0,
        "chars_per_line_max": max(line_chars, default=0),
        "hyphenated": sum(page.hyphenated for page in pages),
        "blank_band": round(max(page.blank_band for page in pages), 2),
        "line_collisions": sum(len(page.collisions) for page in pages),
        "collision_max_pt": max((hit[2] for page in pages for hit in page.collisions),
                                default=0.0),
        # A page number in the footer, the page's last words, on a leaflet of one page.
        "page_of_one": len(pages) == 1 and pages[0].text.rstrip().endswith(("1 / 1", "1/1")),
    }


def table(output_dir: Path) -> list[dict]:
    manifest = json.loads((output_dir / "manifest.json").read_text(encoding="utf-8"))
    return [row(record, measure(output_dir / record["path"]))
            for record in manifest["outputs"] if record["kind"] == "screen"]


def main() -> None:
    rows = table(Path(sys.argv[1] if len(sys.argv) > 1 else "build"))
    columns = list(rows[0])
    print(" | ".join(columns))
    for found in rows:
        print(" | ".join(str(found[column]) for column in columns))


if __name__ == "__main__":
    main()
