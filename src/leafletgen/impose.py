"""Sheets from pages: where each page of a rendered leaflet lands on the paper printed.

The print shop gets every page on a sheet of its own, with bleed and crop marks; a
tri-fold's six panels on the two sides of one A4 sheet. The office printer gets A4: small
pages repeated across the sheet to be cut apart, a booklet's pages in folding order, all
inside a safe margin where office printers print reliably. Pages that would not fit inside
it are rendered smaller for the office (model.office_format), not scaled down, so type and
codes keep the sizes their checks measured. Pages are placed whole, as form XObjects, so
text stays text and QR codes stay vectors.
"""

from __future__ import annotations

import dataclasses
import io
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pikepdf

from .model import A4, OFFICE_GUTTER_MM, OFFICE_SAFE_MM, PageFormat, a4_grid

PT_PER_MM = 72 / 25.4
SLUG_MM = 10.0  # room around a print-shop sheet's bleed for the crop marks
MARK_OFFSET_MM = 3.0  # crop marks start this far from the trim, outside the bleed ...
MARK_LENGTH_MM = 5.0  # ... and are this long
OFFICE_MARK_MM = (OFFICE_SAFE_MM + 0.5, 10.0)  # office cut and fold marks: from/to this
# far in from the sheet's edge, in a gutter or a fold
MARK_WIDTH_PT = 0.25


class ImpositionError(Exception):
    """The rendered pages do not have the size their format says."""


@dataclass(frozen=True)
class Slot:
    """One page on a sheet: its trim's lower-left corner at (x, y) mm on the sheet's trim,
    showing past its trim by `bleed` mm on the sides (left, bottom, right, top) that are
    the sheet's outer edges; where two pages meet neither shows past the fold or cut."""

    page: int  # 0-based page of the rendered PDF
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    bleed: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Sheet:
    width_mm: float  # the trimmed sheet
    height_mm: float
    slots: tuple[Slot, ...]
    cuts_x: tuple[float, ...] = ()  # office: where the sheet is cut apart, for cut marks
    cuts_y: tuple[float, ...] = ()
    folds_x: tuple[float, ...] = ()  # where it is folded, for fold marks


def roll_fold_sides(page_format: PageFormat, rtl: bool, bleed: float) -> list[Sheet]:
    """A tri-fold's two sides. Outside: the tucked-in panel's back, the back cover and the
    front cover; inside: the three panels seen when it is open. Mirrored for a leaflet
    read from right to left, whose cover opens the other way."""
    outside, inside = [1, 5, 0], [2, 3, 4]  # 0-based pages, left to right, read left to right
    if rtl:
        outside, inside = outside[::-1], inside[::-1]
    return [_row(page_format, order, bleed) for order in (outside, inside)]


def _row(page_format: PageFormat, order: list[int], bleed: float) -> Sheet:
    widths = [page_format.page_width_mm(page + 1) for page in order]
    height = page_format.height_mm
    slots, x = [], 0.0
    for index, (page, width) in enumerate(zip(order, widths, strict=True)):
        left = bleed if index == 0 else 0.0
        right = bleed if index == len(order) - 1 else 0.0
        slots.append(Slot(page, x, 0.0, width, height, (left, bleed, right, bleed)))
        x += width
    folds = tuple(sum(widths[:i]) for i in range(1, len(widths)))
    return Sheet(x, height, tuple(slots), folds_x=folds)


def print_sheets(page_format: PageFormat, pages: int, rtl: bool, bleed: float) -> list[Sheet]:
    """The print shop's sheets: every page on its own with bleed all round (the shop
    imposes flat and booklet pages itself), a tri-fold as its two flat sides."""
    if page_format.fold == "roll":
        return roll_fold_sides(page_format, rtl, bleed)
    return [Sheet(page_format.page_width_mm(page + 1), page_format.height_mm,
                  (Slot(page, 0.0, 0.0, page_format.page_width_mm(page + 1),
                        page_format.height_mm, (bleed,) * 4),))
            for page in range(pages)]


def office_sheets(page_format: PageFormat, pages: int, rtl: bool) -> list[Sheet]:
    """A4 sheets for an office printer, printed on both sides, of pages the size
    office_format gives."""
    if page_format.fold == "roll":
        return [_centred_on_a4(side) for side in roll_fold_sides(page_format, rtl, 0.0)]
    if page_format.fold == "booklet":
        return booklet_sheets(page_format, pages, rtl)
    return [_repeated(page_format, page) for page in range(pages)]


def _centred_on_a4(side: Sheet) -> Sheet:
    """A side narrower than A4 landscape, in the middle of an A4 landscape sheet."""
    x0, y0 = (A4[1] - side.width_mm) / 2, (A4[0] - side.height_mm) / 2
    return Sheet(A4[1], A4[0],
                 tuple(dataclasses.replace(slot, x_mm=x0 + slot.x_mm, y_mm=y0 + slot.y_mm)
                       for slot in side.slots),
                 folds_x=tuple(x0 + fold for fold in side.folds_x))


def booklet_order(pages: int, rtl: bool) -> list[tuple[int, int]]:
    """The (left, right) pages of each side of each sheet, 0-based, for a booklet of
    `pages` (a multiple of 4) folded and nested: page 1 on the outside, the middle pair in
    the centre. Bound on the right edge when read from right to left."""
    sides = []
    for sheet in range(pages // 4):
        front = (pages - 1 - 2 * sheet, 2 * sheet)
        back = (2 * sheet + 1, pages - 2 - 2 * sheet)
        sides += [front[::-1], back[::-1]] if rtl else [front, back]
    return sides


def booklet_sheets(page_format: PageFormat, pages: int, rtl: bool) -> list[Sheet]:
    width, height = page_format.width_mm, page_format.height_mm
    sheet_width, sheet_height = A4[1], A4[0]  # landscape
    x0, y0 = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
    return [Sheet(sheet_width, sheet_height,
                  (Slot(left, x0, y0, width, height), Slot(right, x0 + width, y0, width, height)),
                  folds_x=(x0 + width,))
            for left, right in booklet_order(pages, rtl)]


def _repeated(page_format: PageFormat, page: int) -> Sheet:
    """One page as many times as it fits on A4 inside the safe margin, with gutters, in
    whichever orientation fits more, so a ream makes the most copies; the grid is centred,
    so the two sides of a sheet line up whichever way the printer turns it. The cuts run
    down the middle of the gutters."""
    width, height = page_format.width_mm, page_format.height_mm
    gutter = OFFICE_GUTTER_MM
    sheet_width, sheet_height, columns, rows = a4_grid(width, height, OFFICE_SAFE_MM, gutter)
    if columns * rows == 0:
        raise ImpositionError(f"a {page_format.name} page ({width:g} x {height:g} mm) does "
                              "not fit on an A4 sheet inside its safe margin")
    x0 = (sheet_width - columns * width - (columns - 1) * gutter) / 2
    y0 = (sheet_height - rows * height - (rows - 1) * gutter) / 2
    slots = tuple(Slot(page, x0 + column * (width + gutter), y0 + row * (height + gutter),
                       width, height)
                  for row in range(rows) for column in range(columns))
    return Sheet(sheet_width, sheet_height, slots,
                 cuts_x=tuple(x0 + column * (width + gutter) - gutter / 2
                              for column in range(1, columns)),
                 cuts_y=tuple(y0 + row * (height + gutter) - gutter / 2
                              for row in range(1, rows)))


def impose(pdf_bytes: bytes, sheets: list[Sheet], *, marks: str, mark_colour: str,
           finish: Callable[[pikepdf.Pdf], None] = lambda pdf: None,
           slug_pdf: bytes = b"") -> bytes:
    """A new PDF of `sheets`, each slot showing its page of `pdf_bytes`. `marks` is "crop"
    (print shop: the sheet gets a slug with crop and fold marks, TrimBox and BleedBox) or
    "cut" (office: cut and fold marks near the edges of an A4 page). `mark_colour` is the
    content-stream colour operator the marks are drawn in (registration black, or grey).
    `slug_pdf`'s page (a line naming a draft) goes in the slug above the trim, between the
    crop marks. `finish` gets the sheets before they are saved (to convert their colours)."""
    source = pikepdf.open(io.BytesIO(pdf_bytes))
    sheet_pdf = pikepdf.new()
    _carry_document_data(source, sheet_pdf)
    slug_form, slug_width_mm = None, 0.0
    if slug_pdf and marks == "crop":
        with pikepdf.open(io.BytesIO(slug_pdf)) as slug_source:
            slug_page = slug_source.pages[0]
            slug_width_mm = float(slug_page.MediaBox[2] - slug_page.MediaBox[0]) / PT_PER_MM
            slug_form = sheet_pdf.copy_foreign(slug_page.as_form_xobject())
    forms: dict[int, tuple[pikepdf.Object, tuple[float, float]]] = {}
    for sheet in sheets:
        slug = SLUG_MM if marks == "crop" else 0.0
        bleed = max((max(slot.bleed) for slot in sheet.slots), default=0.0)
        media = (sheet.width_mm + 2 * slug, sheet.height_mm + 2 * slug)
        page = sheet_pdf.add_blank_page(page_size=(media[0] * PT_PER_MM, media[1] * PT_PER_MM))
        xobjects = pikepdf.Dictionary()
        content = []
        for slot in sheet.slots:
            if slot.page not in forms:
                forms[slot.page] = _page_form(source, slot)
            name = f"/P{slot.page}"
            form, trim_origin = forms[slot.page]
            xobjects[name] = sheet_pdf.copy_foreign(form)
            content.append(_place(slot, trim_origin, name, slug))
        content.append(_crop_marks(sheet, slug, bleed) if marks == "crop"
                       else _office_marks(sheet))
        if slug_form is not None:
            # Above the trim and past the bleed, centred: clear of the corners' crop marks.
            xobjects["/Slug"] = slug_form
            x = (slug + (sheet.width_mm - slug_width_mm) / 2) * PT_PER_MM
            y = (slug + sheet.height_mm + bleed + 1.5) * PT_PER_MM
            content.append(f"q 1 0 0 1 {_n(x)} {_n(y)} cm /Slug Do Q")
        page.obj.Resources = pikepdf.Dictionary(XObject=xobjects)
        page.obj.Contents = sheet_pdf.make_stream(
            zlib.compress((f"{mark_colour}\n" + "\n".join(content)).encode()),
            Filter=pikepdf.Name.FlateDecode)
        if marks == "crop":
            trim = [slug, slug, slug + sheet.width_mm, slug + sheet.height_mm]
            page.obj.TrimBox = _box(trim)
            page.obj.BleedBox = _box([trim[0] - bleed, trim[1] - bleed,
                                      trim[2] + bleed, trim[3] + bleed])
    finish(sheet_pdf)
    output = io.BytesIO()
    # deterministic_id: the same pages give the same file, byte for byte. Streams are
    # written as they are: compressed, but the XMP metadata plain, as PDF/X expects.
    # The render's PDF version stays: PDF/X-4 needs 1.6 at least.
    sheet_pdf.save(output, deterministic_id=True, compress_streams=False,
                   min_version=source.pdf_version)
    return output.getvalue()


def _carry_document_data(source: pikepdf.Pdf, target: pikepdf.Pdf) -> None:
    """What makes the rendered PDF a PDF/X (output intent, XMP, Info) or names its
    language goes over to the sheets; the structure tree does not (sheets are not read on
    screen, their screen PDF is)."""
    for key in ("/OutputIntents", "/Metadata", "/Lang"):
        if key in source.Root:
            target.Root[key] = _copy(source, target, source.Root[key])
    if "/Info" in source.trailer:
        target.trailer.Info = _copy(source, target, source.trailer.Info)


def _copy(source: pikepdf.Pdf, target: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    if isinstance(value, pikepdf.String):
        return value
    # copy_foreign takes indirect objects only (with all they refer to).
    return target.copy_foreign(value if value.is_indirect else source.make_indirect(value))


def _page_form(source: pikepdf.Pdf, slot: Slot,
               ) -> tuple[pikepdf.Object, tuple[float, float]]:
    """A rendered page as a form XObject in the page's own coordinates, bleed included,
    and where its trim starts; checked to be the size its slot expects."""
    try:
        page = source.pages[slot.page]
    except IndexError:
        raise ImpositionError(f"page {slot.page + 1} is missing") from None
    trim = _trim(page)
    width, height = (trim[2] - trim[0]) / PT_PER_MM, (trim[3] - trim[1]) / PT_PER_MM
    if abs(width - slot.width_mm) > 0.5 or abs(height - slot.height_mm) > 0.5:
        raise ImpositionError(
            f"page {slot.page + 1} is {width:.1f} x {height:.1f} mm where its format's page "
            f"is {slot.width_mm:g} x {slot.height_mm:g} mm (does the template set its own "
            "@page size?)")
    form = page.as_form_xobject()
    form.BBox = page.obj.MediaBox  # qpdf's is the TrimBox, which would cut the bleed off
    # qpdf joins the page's content streams into one, uncompressed.
    form.write(zlib.compress(form.read_bytes()), filter=pikepdf.Name.FlateDecode)
    return form, (trim[0], trim[1])


def _trim(page: pikepdf.Page) -> list[float]:
    box = page.obj.get("/TrimBox", page.obj.MediaBox)
    return [float(value) for value in box]


def _place(slot: Slot, trim_origin: tuple[float, float], name: str, slug: float) -> str:
    """Draw page form `name` with its trim at the slot, clipped to the slot and its bleed."""
    trim_x, trim_y = trim_origin
    x, y = (slug + slot.x_mm) * PT_PER_MM, (slug + slot.y_mm) * PT_PER_MM
    left, bottom, right, top = (value * PT_PER_MM for value in slot.bleed)
    clip = (x - left, y - bottom, slot.width_mm * PT_PER_MM + left + right,
            slot.height_mm * PT_PER_MM + bottom + top)
    return (f"q {_n(clip[0])} {_n(clip[1])} {_n(clip[2])} {_n(clip[3])} re W n "
            f"1 0 0 1 {_n(x - trim_x)} {_n(y - trim_y)} cm {name} Do Q")


def _crop_marks(sheet: Sheet, slug: float, bleed: float) -> str:
    """Crop marks at the trim's corners and fold marks at the folds, all in the slug
    outside the bleed, so that no background running into the bleed covers them."""
    left, bottom = slug, slug
    right, top = slug + sheet.width_mm, slug + sheet.height_mm
    start = max(MARK_OFFSET_MM, bleed + 0.5)
    end = start + MARK_LENGTH_MM
    crops = []
    for x, outward in ((left, -1), (right, 1)):
        for y, upward in ((bottom, -1), (top, 1)):
            crops.append(((x + outward * start, y), (x + outward * end, y)))  # horizontal
            crops.append(((x, y + upward * start), (x, y + upward * end)))  # vertical
    folds = []
    for fold in sheet.folds_x:
        x = slug + fold
        folds += [((x, bottom - start), (x, bottom - end)), ((x, top + start), (x, top + end))]
    marks = _stroke(crops, MARK_WIDTH_PT)
    if folds:  # dashed: a fold is not a cut
        marks += "\n" + _stroke(folds, MARK_WIDTH_PT, dashed=True)
    return marks


def _office_marks(sheet: Sheet) -> str:
    """Short cut and fold lines in from the sheet's edges, just inside the safe margin, in
    the gutters between copies or on the folds, where no page prints."""
    near, far = OFFICE_MARK_MM
    lines = []
    for x in sheet.cuts_x + sheet.folds_x:
        lines += [((x, near), (x, far)),
                  ((x, sheet.height_mm - near), (x, sheet.height_mm - far))]
    for y in sheet.cuts_y:
        lines += [((near, y), (far, y)),
                  ((sheet.width_mm - near, y), (sheet.width_mm - far, y))]
    return _stroke(lines, MARK_WIDTH_PT)


def _stroke(lines: Iterable[tuple[tuple[float, float], tuple[float, float]]], width: float,
            dashed: bool = False) -> str:
    parts = [f"q {width} w 0 J" + (" [2 2] 0 d" if dashed else "")]
    for (x1, y1), (x2, y2) in lines:
        parts.append(f"{_n(x1 * PT_PER_MM)} {_n(y1 * PT_PER_MM)} m "
                     f"{_n(x2 * PT_PER_MM)} {_n(y2 * PT_PER_MM)} l S")
    parts.append("Q")
    return "\n".join(parts)


def _box(values: list[float]) -> pikepdf.Array:
    return pikepdf.Array([round(value * PT_PER_MM, 4) for value in values])


def _n(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
