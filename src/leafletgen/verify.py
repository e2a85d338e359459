"""Stage 5, verify: a rendered PDF -> findings, from the PDF itself, not from our intentions.

A finished PDF is not a correct one. We rasterise each page at print resolution and
decode every QR code, read the text layer back, count the pages and list the fonts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pikepdf
import pypdfium2
import zxingcpp

from .qr import MIN_MODULE_MM, QUIET_ZONE_MODULES
from .render import RenderedDocument

PRINT_DPI = 300
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    message: str


@dataclass(frozen=True)
class DecodedQr:
    page: int  # 1-based
    text: str
    module_mm: float | None  # measured from the raster; None if the target is unknown


@dataclass(frozen=True)
class Verification:
    findings: tuple[Finding, ...]
    decoded_qr: tuple[DecodedQr, ...]
    fonts: tuple[str, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def verify(rendered: RenderedDocument, font_families: Iterable[str]) -> Verification:
    composed = rendered.composed
    findings = [Finding(record.level, f"WeasyPrint: {record.message}") for record in rendered.log]

    if rendered.page_count != composed.pages:
        over = rendered.page_count - composed.pages
        detail = (f"the text overflows by {over} page{'s' if over > 1 else ''}" if over > 0
                  else f"{-over} page{'s' if over < -1 else ''} short")
        findings.append(Finding("error", f"has {rendered.page_count} pages where its format "
                                f"has {composed.pages}: {detail}"))

    pdf = pypdfium2.PdfDocument(rendered.pdf)
    try:
        text = " ".join(page.get_textpage().get_text_bounded() for page in pdf)
        decoded = _decode_qr_codes(pdf)
    finally:
        pdf.close()

    findings += _check_text(text, composed.expected_text)
    measured = _measure_qr(decoded, composed.qr_codes)
    findings += _check_qr(measured, composed.qr_codes)
    fonts = _pdf_fonts(rendered.pdf)
    findings += _check_fonts(fonts, font_families)
    return Verification(tuple(findings), tuple(measured), tuple(fonts))


def normalise_text(text: str) -> str:
    """Text as read back from a PDF: line breaks and runs of spaces become one space."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def _check_text(text: str, expected: Iterable[str]) -> list[Finding]:
    found = normalise_text(text)
    return [
        Finding("error", f"text {wanted!r} is not in the PDF's text layer as written")
        for wanted in expected
        if normalise_text(wanted) not in found
    ]


def _decode_qr_codes(pdf: pypdfium2.PdfDocument) -> list[tuple[int, zxingcpp.Barcode]]:
    found = []
    for number, page in enumerate(pdf, start=1):
        image = page.render(scale=PRINT_DPI / 72, grayscale=True).to_pil()
        for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            found.append((number, barcode))
    return found


def _measure_qr(decoded, qr_codes) -> list[DecodedQr]:
    modules_by_target = {qr.target: qr.symbol_modules for qr in qr_codes}
    result = []
    for page, barcode in decoded:
        modules = modules_by_target.get(barcode.text)
        module_mm = None
        if modules:
            position = barcode.position
            width_px = abs(position.top_right.x - position.top_left.x)
            module_mm = width_px / modules * MM_PER_INCH / PRINT_DPI
        result.append(DecodedQr(page, barcode.text, module_mm))
    return result


def _check_qr(measured: list[DecodedQr], qr_codes) -> list[Finding]:
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


def _pdf_fonts(pdf_bytes: bytes) -> list[str]:
    """The base names of every font the PDF uses, subset tags removed."""
    names = set()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            resources = page.obj.get("/Resources", {})
            for font in resources.get("/Font", {}).values():
                name = str(font.get("/BaseFont", "?")).lstrip("/")
                names.add(name.split("+", 1)[-1])
    return sorted(names)


def _squash(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).lower()


def _check_fonts(fonts: list[str], families: Iterable[str]) -> list[Finding]:
    allowed = {_squash(family) for family in families}
    return [
        Finding("error", f"the PDF uses font {font!r}, which is not one of the project's: "
                "a character fell back to a system font")
        for font in fonts
        if not any(_squash(font).startswith(family) for family in allowed)
    ]
