"""Preflight: what a print shop checks before it prints, read from the finished PDF.

Page boxes, the output intent, whether every font is embedded, the smallest type on the
page, the colour spaces the pages paint in, and the resolution of every image. The report
goes into the manifest; what would spoil a print run is also a finding of the build.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from .colour import space_kind
from .impose import PT_PER_MM
from .manifest import OutputIntent, PreflightReport
from .options import OutputKind

MIN_TYPE_PT = 5.0  # anything smaller is unreadable on paper: an error, not a report
MIN_IMAGE_DPI = 200
GOOD_IMAGE_DPI = 300  # below it a photograph prints soft: a warning


@dataclass
class _Scan:
    smallest_pt: float | None = None
    spaces: set[str] = field(default_factory=set)
    image_dpi: list[float] = field(default_factory=list)


def preflight(pdf_bytes: bytes, kind: OutputKind, qr_modules_mm: list[float]) -> PreflightReport:
    """The report of one finished PDF (see the module's docstring)."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        scan = _Scan()
        for page in pdf.pages:
            _walk(page.obj, page.obj.get("/Resources"), _IDENTITY, scan, set())
        first = pdf.pages[0].obj
        report = PreflightReport(
            pages=len(pdf.pages),
            media_mm=_size(first.MediaBox),
            trim_mm=_size(first.TrimBox) if "/TrimBox" in first else None,
            bleed_mm=_bleed(first),
            output_intent=_output_intent(pdf),
            pdf_variant=_variant(pdf),
            tagged="/StructTreeRoot" in pdf.Root,
            fonts_not_embedded=tuple(_unembedded_fonts(pdf)),
            smallest_type_pt=round(scan.smallest_pt, 2) if scan.smallest_pt else None,
            colour_spaces=tuple(sorted(scan.spaces)),
            images=len(scan.image_dpi),
            lowest_image_dpi=round(min(scan.image_dpi)) if scan.image_dpi else None,
            smallest_qr_module_mm=round(min(qr_modules_mm), 3) if qr_modules_mm else None,
        )
    return report.model_copy(update={"problems": tuple(preflight_problems(report, kind))})


def preflight_warnings(report: PreflightReport) -> list[str]:
    """What prints, but not as well as it should."""
    lowest = report.lowest_image_dpi
    if lowest is not None and MIN_IMAGE_DPI <= lowest < GOOD_IMAGE_DPI:
        return [f"an image prints at {lowest} dpi: it will look soft (300 dpi or more is "
                "sharp); give a larger picture"]
    return []


def preflight_problems(report: PreflightReport, kind: OutputKind) -> list[str]:
    """What in a report would spoil the output: a print shop would reject it, or a reader
    could not read it."""
    problems = []
    if report.fonts_not_embedded:
        problems.append(f"fonts not embedded: {', '.join(report.fonts_not_embedded)}")
    if report.smallest_type_pt is not None and report.smallest_type_pt < MIN_TYPE_PT:
        problems.append(f"type as small as {report.smallest_type_pt} pt (at least "
                        f"{MIN_TYPE_PT:g} pt)")
    if report.lowest_image_dpi is not None and report.lowest_image_dpi < MIN_IMAGE_DPI:
        problems.append(f"an image prints at {report.lowest_image_dpi} dpi (at least "
                        f"{MIN_IMAGE_DPI}): give a larger picture, or print it smaller")
    if report.pdf_variant == "PDF/UA-1" and not report.tagged:
        problems.append("claims PDF/UA but has no structure tree")
    if kind == "print":
        intent = report.output_intent
        if not intent or intent.subtype != "GTS_PDFX" or intent.components != 4:
            problems.append("no PDF/X output intent with a CMYK profile")
        if outside := set(report.colour_spaces) - {"cmyk", "image cmyk"}:
            problems.append("colours outside CMYK: " + ", ".join(sorted(outside)))
        if report.trim_mm is None or not report.bleed_mm:
            problems.append("no TrimBox and BleedBox")
    if kind == "office-grey" and (outside := set(report.colour_spaces) - {"gray", "image gray"}):
        problems.append("colours outside grey: " + ", ".join(sorted(outside)))
    return problems


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


Matrix = tuple[float, float, float, float, float, float]


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n, as PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _matrix(values: Any) -> Matrix:
    a, b, c, d, e, f = (float(v) for v in values)
    return (a, b, c, d, e, f)


def _scale(m: Matrix) -> float:
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


_SPACE_OF = {"rg": "rgb", "RG": "rgb", "g": "gray", "G": "gray", "k": "cmyk", "K": "cmyk"}
# The operators _walk reads; pikepdf skips the others' tokens without making objects of
# them (preflight twice as fast). An inline image is returned whole only when its BI and
# EI are both named: with BI alone, parsing stopped at the image.
_READ = " ".join(["q", "Q", "cm", "BT", "Tm", "Tf", "Tj", "TJ", "'", '"', *_SPACE_OF,
                  "cs", "CS", "sh", "Do", "BI", "EI"])


def _walk(holder: Any, resources: Any, ctm: Matrix, scan: _Scan,
          seen: set[tuple[int, int]]) -> None:
    """Every operator of a content stream with the transformation in force, into forms."""
    stack = []
    tm = _IDENTITY
    font_size = 0.0
    xobjects = resources.get("/XObject", {}) if resources is not None else {}
    for instruction in pikepdf.parse_content_stream(holder, _READ):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            scan.spaces.add("inline image")
            continue
        operands, operator = instruction.operands, str(instruction.operator)
        if operator == "q":
            stack.append(ctm)
        elif operator == "Q" and stack:
            ctm = stack.pop()
        elif operator == "cm":
            ctm = _multiply(_matrix(operands), ctm)
        elif operator == "BT":
            tm = _IDENTITY
        elif operator == "Tm":
            tm = tuple(float(v) for v in operands)  # type: ignore[assignment]  # six, by the spec
        elif operator == "Tf":
            font_size = float(operands[1])
        elif operator in ("Tj", "TJ", "'", '"') and font_size:
            size = font_size * _scale(tm) * _scale(ctm)
            if scan.smallest_pt is None or size < scan.smallest_pt:
                scan.smallest_pt = size
        elif operator in _SPACE_OF:
            scan.spaces.add(_SPACE_OF[operator])
        elif operator in ("cs", "CS"):
            name = str(operands[0])
            named = resources.get("/ColorSpace", {}) if resources is not None else {}
            scan.spaces.add(space_kind(named.get(name, name)))
        elif operator == "sh":
            scan.spaces.add("shading")
        elif operator == "Do":
            xobject = xobjects.get(str(operands[0]))
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                # An image fills the unit square: the matrix gives its printed size.
                width_in = math.hypot(ctm[0], ctm[1]) / 72
                if width_in > 0:
                    scan.image_dpi.append(int(xobject.Width) / width_in)
                if not xobject.get("/ImageMask", False):
                    scan.spaces.add("image " + space_kind(xobject.get("/ColorSpace")))
            elif xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                matrix = _matrix(xobject.get("/Matrix", _IDENTITY))
                # A form drawn twice (two-up) is read once: the same sizes and colours.
                seen.add(xobject.objgen)
                _walk(xobject, xobject.get("/Resources"), _multiply(matrix, ctm), scan, seen)


def _size(box: Any) -> tuple[float, float]:
    values = [float(v) for v in box]
    return (round((values[2] - values[0]) / PT_PER_MM, 1),
            round((values[3] - values[1]) / PT_PER_MM, 1))


def _bleed(page: Any) -> float | None:
    if "/TrimBox" not in page or "/BleedBox" not in page:
        return None
    trim = [float(v) for v in page.TrimBox]
    bleed = [float(v) for v in page.BleedBox]
    return round(min(trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2],
                     bleed[3] - trim[3]) / PT_PER_MM, 2)


def _output_intent(pdf: pikepdf.Pdf) -> OutputIntent | None:
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        return None
    intent = intents[0]
    profile = intent.get("/DestOutputProfile")
    return OutputIntent(
        subtype=str(intent.get("/S", "")).lstrip("/"),
        condition=str(intent.get("/OutputConditionIdentifier", "")),
        components=int(profile.get("/N", 0)) if profile is not None else 0,
        profile_bytes=len(profile.read_bytes()) if profile is not None else 0,
    )


def _variant(pdf: pikepdf.Pdf) -> str | None:
    """The PDF/X or PDF/UA part the XMP metadata claims."""
    if "/Metadata" not in pdf.Root:
        return None
    xmp = pdf.Root.Metadata.read_bytes()
    if b"PDF/X-4" in xmp:
        return "PDF/X-4"
    if b"pdfuaid:part" in xmp:  # the claim itself, not the namespace's declaration
        return "PDF/UA-1"
    return None


def _unembedded_fonts(pdf: pikepdf.Pdf) -> list[str]:
    """Fonts whose program is not in the file: a descriptor without a font file, or no
    descriptor at all (the standard 14, which a printer substitutes). A composite font's
    program is its descendant's; a Type 3 font draws its glyphs itself."""
    missing = set()
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font" \
                or obj.get("/Subtype") in ("/Type0", "/Type3"):
            continue
        descriptor = obj.get("/FontDescriptor")
        if not isinstance(descriptor, pikepdf.Dictionary) or not any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.add(str(obj.get("/BaseFont", "?")).lstrip("/"))
    return sorted(missing)
