"""Stage 5, verify: a rendered PDF and the file printed from it -> findings, read from the
files themselves, not from our intentions.

A finished PDF is not a correct one. We rasterise each page's regions where a QR code
could be drawn (regions.py) at print resolution and decode every code, read the text layer
back, count the pages and list the fonts.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import zxingcpp

from .compose import TextCheck
from .fit import overflow_message
from .fonts import FontSet
from .manifest import HotlineOnPaper, PageArea, PreflightReport
from .options import Severity
from .paper import MIN_CONTRAST, Box, PaperReader, crop_margin
from .preflight import preflight, preflight_warnings
from .qr import MIN_MODULE_MM, QUIET_ZONE_MODULES, QrCode
from .regions import pixel_box, qr_candidates, qr_regions
from .render import RenderedDocument

PRINT_DPI = 300
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str


@dataclass(frozen=True)
class DecodedQr:
    page: int  # 1-based
    text: str
    module_mm: float | None  # measured from the raster; None if the target is unknown
    area: PageArea | None = None


@dataclass(frozen=True)
class Verification:
    findings: tuple[Finding, ...]
    decoded_qr: tuple[DecodedQr, ...]
    fonts: tuple[str, ...]
    preflight: PreflightReport | None = None  # of the printed file (preflight.py)
    hotline_on_paper: tuple[HotlineOnPaper, ...] = ()

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


@dataclass(frozen=True)
class RenderReading:
    """What verification reads from a render's own pages, with what it found there: the
    same for every output made from that render (a leaflet's office sheets in colour and
    in grey; its screen PDF too, where the format fits an office sheet at its own size)."""

    page_findings: tuple[Finding, ...]  # text past the edges, the hotline's order and ink
    text_findings: tuple[Finding, ...]
    font_findings: tuple[Finding, ...]
    fonts: tuple[str, ...]
    hotline_on_paper: tuple[HotlineOnPaper, ...]


class RenderReadings:
    """The readings of the last few renders, so that a render is read once for all the
    outputs made from it, whichever order they come in (the office sheets in colour and
    in grey are made from one render)."""

    KEPT = 4

    def __init__(self) -> None:
        self._recent: dict[tuple[object, ...], RenderReading] = {}

    def of(self, rendered: RenderedDocument, fonts: FontSet,
           reader: PaperReader) -> RenderReading:
        composed = rendered.composed
        # The render, and what its document expects to read there.
        key = (hashlib.sha256(rendered.pdf).digest(), composed.kind == "print",
               composed.hotline, composed.expected_text, composed.text_check)
        reading = self._recent.pop(key, None) or read_render(rendered, fonts, reader)
        self._recent = {**dict(list(self._recent.items())[-(self.KEPT - 1):]), key: reading}
        return reading

    def forget(self) -> None:
        """Drop the readings kept (a benchmark measures reading itself)."""
        self._recent.clear()


def read_render(rendered: RenderedDocument, fonts: FontSet,
                reader: PaperReader) -> RenderReading:
    """Read a render's pages: its text layer (text past the edges, the expected text, the
    hotline's order), the hotline from its pixels, and its fonts."""
    composed = rendered.composed
    pdf = pypdfium2.PdfDocument(rendered.pdf)
    try:
        pages = [_read_page(page) for page in pdf]
        findings = []
        if composed.kind != "print":  # the print render's pages are larger by the bleed
            findings += _check_inside_pages(pages)
        runs = _hotline_runs(pages, composed.hotline) if composed.hotline else []
        findings += _check_hotline_order(runs, composed.hotline)
        on_paper = _read_hotlines(pdf, pages, runs, reader)
        findings += _check_hotline_on_paper(on_paper, composed.hotline)
    finally:
        pdf.close()
    text = " ".join(page.text for page in pages)
    with pikepdf.open(io.BytesIO(rendered.pdf)) as document:
        used_fonts = _pdf_fonts(document)
    return RenderReading(
        tuple(findings),
        tuple(_check_text(text, composed.expected_text, composed.text_check)),
        tuple(_check_fonts(used_fonts, fonts)), tuple(sorted(used_fonts)), tuple(on_paper))


def verify(rendered: RenderedDocument, fonts: FontSet, reader: PaperReader,
           printed: bytes | None = None, readings: RenderReadings | None = None,
           ) -> Verification:
    """Check a render, and the file made from it for print (`printed`: sheets, CMYK or
    grey) where that is what gets printed: its QR codes must decode, and it is preflighted.
    The text is read from the render, where each page is on its own: once for all the
    outputs made from it, given the `readings` of the renders before."""
    composed = rendered.composed
    findings = [Finding(record.level, f"WeasyPrint: {record.message}") for record in rendered.log]

    if rendered.overflows:
        smallest = composed.fit_steps[-1].body_pt if composed.fit_steps else None
        findings.append(Finding("error", overflow_message(
            composed.leaflet_id, composed.language, rendered.page_count, composed.pages,
            rendered.overflow_mm, smallest, composed.copyfit)))
    elif rendered.page_count < composed.pages:
        short = composed.pages - rendered.page_count
        findings.append(Finding("error", f"has {rendered.page_count} pages where its format "
                                f"has {composed.pages}: {short} page{'s' if short > 1 else ''} "
                                "short"))
    if not rendered.has_its_pages:
        # Not imposed, not converted: what else a check would say of it is noise.
        return Verification(tuple(findings), (), ())

    reading = (readings or RenderReadings()).of(rendered, fonts, reader)
    # The codes of what is printed: the render itself, or the sheets made from it.
    printed_pdf = pypdfium2.PdfDocument(printed if printed is not None else rendered.pdf)
    try:
        decoded = _decode_qr_codes(printed_pdf, fonts)
    finally:
        printed_pdf.close()

    findings += [*reading.page_findings, *reading.text_findings]
    measured = _measure_qr(decoded, composed.qr_codes)
    findings += _check_qr(measured, composed.qr_codes)
    findings += reading.font_findings
    report = preflight(printed if printed is not None else rendered.pdf, composed.kind,
                       [qr.module_mm for qr in measured if qr.module_mm is not None])
    findings += [Finding("error", f"preflight: {problem}") for problem in report.problems]
    findings += [Finding("warning", f"preflight: {warning}")
                 for warning in preflight_warnings(report)]
    return Verification(tuple(findings), tuple(measured), reading.fonts, report,
                        reading.hotline_on_paper)


@dataclass(frozen=True)
class _Char:
    text: str
    box: Box | None  # None for spaces and line breaks


@dataclass(frozen=True)
class _PageText:
    chars: list[_Char]  # in pdfium's reading order
    outside: str  # the characters drawn past the page's edges

    @property
    def text(self) -> str:
        return "".join(char.text for char in self.chars)


# pdfium marks a hyphen it found at the end of a line as U+0002 in its character list, and
# gives it as U+FFFE in the text it extracts.
_LINE_END_HYPHEN = {0x02: 0xFFFE}


def _read_page(page: pypdfium2.PdfPage) -> _PageText:
    """A page's text layer, read once for every check that needs it: each character and
    its box straight from pdfium's list, in one pass (pypdfium2's get_text_range, called
    per character, maps text and list indexes anew each time: twice as slow)."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    chars, outside = [], ""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    for index in range(pdfium_c.FPDFText_CountChars(textpage)):
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        char = chr(_LINE_END_HYPHEN.get(code, code))
        if not char.strip():
            chars.append(_Char(char, None))
            continue
        pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
        box = Box(left.value, bottom.value, right.value, top.value)
        chars.append(_Char(char, box))
        if box.left < -0.5 or box.right > width + 0.5 or box.bottom < -0.5 \
                or box.top > height + 0.5:
            outside += char
    return _PageText(chars, outside)


def _check_inside_pages(pages: list[_PageText]) -> list[Finding]:
    """Text must not run past a page's edge: a line that cannot break (the hotline, a long
    web address) overflows its box sideways rather than onto the next page."""
    return [Finding("error", f"page {number}: text runs past the page's edge "
                    f"({page.outside[:40]!r}): a line too long to break")
            for number, page in enumerate(pages, start=1) if page.outside]


def _hotline_digits(hotline: str) -> str:
    return "".join(ch for ch in hotline if ch.isdigit() or ch == "+")


_Mark = tuple[str, Box]  # a character drawn on the page, and its box


def _hotline_runs(pages: list[_PageText], hotline: str) -> list[tuple[int, list[_Mark]]]:
    """Every place a page's text layer holds the hotline: (page number, its characters),
    each a run of digits, `+` and spaces with exactly the hotline's digits."""
    wanted = sorted(_hotline_digits(hotline))
    runs = []
    for number, page in enumerate(pages, start=1):
        run: list[_Char] = []
        for char in [*page.chars, _Char("", None)]:  # the sentinel ends the last run
            # A line break ends a run: what follows it is another line's text.
            if char.text and (char.text.isdigit() or char.text == "+"
                              or (char.text.isspace() and char.text not in "\r\n")):
                run.append(char)
                continue
            marks = [(c.text, c.box) for c in run if c.box is not None]
            if sorted(text for text, _ in marks) == wanted:
                runs.append((number, marks))
            run = []
    return runs


def _check_hotline_order(runs: list[tuple[int, list[_Mark]]], hotline: str) -> list[Finding]:
    """The hotline must read left to right on the page, in every script.

    Reading order in the text layer cannot prove it (pdfium itself reorders right-to-left
    lines), so the check is geometric: each run that holds exactly the hotline's digits is
    sorted by position on the page and must then spell the hotline.
    """
    if not hotline:
        return []
    wanted = _hotline_digits(hotline)
    findings = []
    for number, marks in runs:
        visual = "".join(text for text, _ in sorted(marks, key=lambda mark: mark[1].left))
        if visual != wanted:
            findings.append(Finding("error", f"page {number}: the hotline reads "
                                    f"{visual!r} from left to right, not {wanted!r}"))
    if not runs:
        findings.append(Finding("error", f"the hotline {hotline!r} is not in the text layer"))
    return findings


# Punctuation drawn as one upright stroke: the danda that ends a Hindi, Bengali or Punjabi
# sentence, and a pipe. Right beside the hotline ("… {hotline}।") it is in the crop, and
# an OCR model that reads only digits reads it as a "1".
BAR_PUNCTUATION = frozenset("।॥|")


def _read_hotlines(pdf: pypdfium2.PdfDocument, pages: list[_PageText],
                   runs: list[tuple[int, list[_Mark]]], reader: PaperReader,
                   ) -> list[HotlineOnPaper]:
    """Each place the text layer holds the hotline, read from the page's pixels; a "1"
    read at its end where the text layer holds only an upright stroke of punctuation after
    it is that stroke, and not kept. (Before the number, OCR reads such a stroke as
    nothing: measured with the danda.)"""
    readings = []
    for number, marks in runs:
        box = Box.around([box for _, box in marks])
        reading = reader.read(pdf[number - 1], box)
        read = reading.text.replace(" ", "")
        if read.endswith("1") and _bar_after(pages[number - 1], box):
            read = read[:-1]
        width, height = pdf[number - 1].get_size()
        area = PageArea(left=box.left / width, top=1 - box.top / height,
                        right=box.right / width, bottom=1 - box.bottom / height)
        readings.append(HotlineOnPaper(page=number, read=read, contrast=reading.contrast,
                                       area=area))
    return readings


def _bar_after(page: _PageText, box: Box) -> bool:
    """Whether what stands right of `box` on its line, within the margin the reader crops,
    is upright punctuation only."""
    margin = crop_margin(box)
    after = {char.text for char in page.chars
             if char.box is not None and char.text.strip() and char.box.top >= box.bottom
             and char.box.bottom <= box.top
             and box.right - 0.5 <= char.box.left < box.right + margin}
    return bool(after) and after <= BAR_PUNCTUATION


def _check_hotline_on_paper(readings: list[HotlineOnPaper], hotline: str) -> list[Finding]:
    """Where the text layer says the hotline, the page must show it: in ink that stands
    out from what is behind it, and read back by OCR as the same digits. A font can draw
    other digits than the text layer names, and a stylesheet can paint them invisible."""
    wanted = _hotline_digits(hotline)
    findings = []
    for reading in readings:
        if reading.contrast < MIN_CONTRAST:
            findings.append(Finding("error", f"page {reading.page}: the hotline has no ink on "
                                    f"paper (contrast {reading.contrast} of 255): its colour "
                                    "matches what is behind it, or something covers it"))
        elif reading.read != wanted:
            findings.append(Finding("error", f"page {reading.page}: the hotline reads "
                                    f"{reading.read!r} on paper, where the text layer says "
                                    f"{wanted!r}: a font or stylesheet draws other digits "
                                    "than the text holds"))
    return findings


def normalise_text(text: str) -> str:
    """Text as read back from a PDF: line breaks and runs of spaces become one space. A
    line may also end after a slash or a dash with no space in the text ("</" then
    "script>"), and the text layer cannot say whether a space was there: a space after
    one of them does not count, on either side of a comparison."""
    text = re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()
    return re.sub(r"(?<=[/\-\u2010\u2013\u2014]) ", "", text)


def _without_marks(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf"))


def _core(word: str) -> str:
    """A word without the punctuation at its ends: `doctor.` -> `doctor`, `(112)` -> `112`."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(word[end - 1]).startswith("P"):
        end -= 1
    return word[start:end]


def _check_text(text: str, expected: Iterable[str], mode: TextCheck) -> list[Finding]:
    """Expected text must be in the text layer. In right-to-left documents viewers and
    pdfium reorder the runs of a mixed line by their own rules, so there each word must be
    there (letters in reading order) rather than the whole line."""
    found = normalise_text(text)
    if mode == "words":
        # pdfium drops joiners (ZWNJ) and may split a word at a vowel mark.
        found = _without_marks(found)
    missing = []
    for wanted in expected:
        wanted = normalise_text(wanted)
        if mode == "words":
            # A viewer moves a left-to-right phrase's full stop to its other end
            # (".I need a doctor"): each word is looked for without its edge punctuation.
            if not all(_core(word) in found for word in _without_marks(wanted).split()):
                missing.append(wanted)
        elif wanted not in found:
            missing.append(wanted)
    return [Finding("error", f"text {wanted!r} is not in the PDF's text layer as written")
            for wanted in missing]


def _decode_qr_codes(pdf: pypdfium2.PdfDocument, fonts: FontSet) -> list[_Decoded]:
    """Every QR code on the pages, read at PRINT_DPI from the regions where one could be
    drawn (regions.py): the same pixels as a raster of the whole page has there. Page by
    page, from the top down and then from left to right."""
    found = []
    scale = PRINT_DPI / 72
    trusted = _trusted_font(fonts)
    for number, page in enumerate(pdf, start=1):
        width, height = page.get_size()
        size = (math.ceil(width * scale), math.ceil(height * scale))
        for region in qr_regions(qr_candidates(page, trusted), width, height):
            left, top, right, bottom = pixel_box(region, height, scale, size)
            # pypdfium2 takes the crop in points and rounds each side up to a pixel.
            crop = [_crop_points(pixels, scale)
                    for pixels in (left, size[1] - bottom, size[0] - right, top)]
            image = page.render(scale=scale, grayscale=True, crop=crop).to_pil()
            for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(
                    zxingcpp.BarcodeFormat.QRCode)):
                found.append(_Decoded(number, barcode, size, (left, top)))
    # In the order they stand on the page, whichever region each was read in.
    return sorted(found, key=lambda code: (code.page, code.area.top, code.area.left))


def _crop_points(pixels: int, scale: float) -> float:
    """A crop in points that pypdfium2 rounds up (math.ceil(points * scale)) to `pixels`."""
    points = pixels / scale
    while math.ceil(points * scale) > pixels:
        points = math.nextafter(points, 0.0)
    return points


def _trusted_font(fonts: FontSet) -> Callable[[str], bool]:
    """Whether an embedded font (by base name) is one of leafletgen's own, which draw no
    square glyph: only a family that no project font also has."""
    own, families = fonts.leafletgen_families, fonts.families

    @cache  # a page holds a few fonts in many text objects
    def trusted(name: str) -> bool:
        return _family_of(name, families) in own

    return trusted


@dataclass(frozen=True)
class _Decoded:
    page: int
    barcode: Any  # zxingcpp.Barcode
    image_size: tuple[int, int]  # of a raster of the whole page, in pixels
    offset: tuple[int, int]  # of the region it was found in, in that raster

    @property
    def area(self) -> PageArea:
        position = self.barcode.position
        corners = [position.top_left, position.top_right, position.bottom_right,
                   position.bottom_left]
        width, height = self.image_size
        left, top = self.offset
        return PageArea(left=(left + min(c.x for c in corners)) / width,
                        top=(top + min(c.y for c in corners)) / height,
                        right=(left + max(c.x for c in corners)) / width,
                        bottom=(top + max(c.y for c in corners)) / height)


def _measure_qr(decoded: list[_Decoded], qr_codes: Iterable[QrCode]) -> list[DecodedQr]:
    modules_by_target = {qr.target: qr.symbol_modules for qr in qr_codes}
    result = []
    for found in decoded:
        barcode = found.barcode
        modules = modules_by_target.get(barcode.text)
        module_mm = None
        if modules:
            position = barcode.position
            width_px = abs(position.top_right.x - position.top_left.x)
            module_mm = width_px / modules * MM_PER_INCH / PRINT_DPI
        result.append(DecodedQr(found.page, barcode.text, module_mm, found.area))
    return result


def _check_qr(measured: list[DecodedQr], qr_codes: Iterable[QrCode]) -> list[Finding]:
    findings = []
    decoded_texts = [m.text for m in measured]
    for qr in qr_codes:
        if qr.target not in decoded_texts:
            findings.append(Finding("error", f"the {qr.role} QR code for {qr.target!r} does not "
                                    f"decode from the PDF at {PRINT_DPI} dpi"))
    expected = {qr.target for qr in qr_codes}
    for item in measured:
        if item.text not in expected:
            findings.append(Finding("error", f"page {item.page} has a QR code for {item.text!r}, "
                                    "which this leaflet does not intend"))
        elif item.module_mm is not None and item.module_mm < MIN_MODULE_MM - 0.01:
            findings.append(Finding("error", f"the QR code for {item.text!r} on page {item.page} "
                                    f"prints {item.module_mm:.2f} mm modules; phones need at "
                                    f"least {MIN_MODULE_MM} mm (with a {QUIET_ZONE_MODULES}-module "
                                    "quiet zone)"))
    return findings


def _pdf_fonts(pdf: pikepdf.Pdf) -> dict[str, set[str]]:
    """Every font the PDF uses, by base name without subset tag, with the characters its
    ToUnicode map says it draws."""
    fonts: dict[str, set[str]] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font" \
                or "/BaseFont" not in obj or obj.get("/Subtype") == "/CIDFontType2":
            continue
        name = str(obj.BaseFont).lstrip("/").split("+", 1)[-1]
        chars = fonts.setdefault(name, set())
        if "/ToUnicode" in obj:
            chars.update(_to_unicode_chars(obj.ToUnicode.read_bytes().decode("latin-1")))
    return fonts


_HEX = r"<([0-9A-Fa-f]+)>"


def _to_unicode_chars(cmap: str) -> set[str]:
    """The characters a ToUnicode CMap maps glyphs to."""
    chars: set[str] = set()
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for _, target in re.findall(_HEX + r"\s*" + _HEX, block):
            chars.update(_utf16(target))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, target in re.findall(_HEX + r"\s*" + _HEX + r"\s*" + _HEX, block):
            start = ord(_utf16(target)[-1])
            chars.update(chr(start + i) for i in range(int(last, 16) - int(first, 16) + 1))
    return chars


def _utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be", errors="replace")


def _squash(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).lower()


def _family_of(font_name: str, families: Iterable[str]) -> str | None:
    """The project family an embedded font belongs to: the longest family name that starts
    the font's name (Noto-Sans-Ethiopic-Bold is Noto Sans Ethiopic, not Noto Sans)."""
    squashed = _squash(font_name)
    matches = [family for family in families if squashed.startswith(_squash(family))]
    return max(matches, key=len) if matches else None


def _check_fonts(used: dict[str, set[str]], fonts: FontSet) -> list[Finding]:
    """Every embedded font must be a project font, and must have a glyph for every
    character it draws: a missing one prints as a box (.notdef), and WeasyPrint writes it
    without complaint."""
    findings = []
    for name, chars in sorted(used.items()):
        family = _family_of(name, fonts.families)
        if family is None:
            findings.append(Finding("error", f"the PDF uses font {name!r}, which is not one "
                                    "of the project's: a character fell back to a system font"))
            continue
        covered = fonts.codepoints_of((family,))
        missing = sorted(ch for ch in chars if ord(ch) not in covered and ch.strip()
                         and ch != "\ufffd")
        if missing:
            listed = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
            findings.append(Finding("error", f"font {name} has no glyph for {listed}: it "
                                    "prints as an empty box"))
    return findings
