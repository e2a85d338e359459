"""Stage 4b, prepress: a rendered PDF -> the file that goes to print.

The screen PDF is the render itself. The print shop's gets its pages on sheets with bleed,
crop marks, TrimBox and BleedBox, and every colour in CMYK; a tri-fold's panels go onto
the two sides of its sheet. The office sheets get A4 with cut marks, and a grey variant.
"""

from __future__ import annotations

import hashlib
import re
import uuid

import pikepdf

from .colour import convert
from .impose import impose, office_sheets, print_sheets
from .palette import swatches
from .render import RenderedDocument

REGISTRATION = "1 1 1 1 K"  # crop marks print on every plate
OFFICE_MARKS = "0 G"


def finish(rendered: RenderedDocument) -> bytes:
    """The file that is printed (see the module's docstring)."""
    composed = rendered.composed
    kind = composed.kind
    if kind == "screen":
        return rendered.pdf
    page_format = composed.page_format
    assert page_format is not None
    target = {"print": "cmyk", "office-grey": "gray"}.get(kind)

    def finish_sheets(pdf: pikepdf.Pdf) -> None:
        if target:
            convert(pdf, target, swatches(composed.palette, target))
        _stable_document_id(pdf, f"{kind}\0{composed.html}".encode())
        if kind != "print":
            _drop_ua_claim(pdf)

    if kind == "print":
        sheets = print_sheets(page_format, rendered.page_count, composed.rtl, composed.bleed_mm)
        return impose(rendered.pdf, sheets, marks="crop", mark_colour=REGISTRATION,
                      finish=finish_sheets, slug_pdf=rendered.slug_pdf)
    sheets = office_sheets(page_format, rendered.page_count, composed.rtl)
    return impose(rendered.pdf, sheets, marks="cut", mark_colour=OFFICE_MARKS,
                  finish=finish_sheets)


def _stable_document_id(pdf: pikepdf.Pdf, content: bytes) -> None:
    """WeasyPrint's PDF/X metadata names the document with a random UUID; a build must give
    the same bytes twice, so the UUID comes from the content instead."""
    if "/Metadata" not in pdf.Root:
        return
    metadata = pdf.Root.Metadata
    xmp = metadata.read_bytes()
    stable = uuid.UUID(bytes=hashlib.sha256(content).digest()[:16])
    fixed = re.sub(rb"xmp\.did:[0-9a-fA-F-]{36}", b"xmp.did:" + str(stable).encode(), xmp)
    if fixed != xmp:
        metadata.write(fixed)


def _drop_ua_claim(pdf: pikepdf.Pdf) -> None:
    """Office sheets are pages placed as forms, with no structure tree of their own: they
    must not claim PDF/UA, which the screen PDF made from the same render does."""
    if "/Metadata" not in pdf.Root:
        return
    metadata = pdf.Root.Metadata
    xmp = metadata.read_bytes()
    # The claim is an attribute of its own description, or an element; the namespace may be
    # declared on that description or further up, whichever way the XMP was written.
    fixed = re.sub(rb'<rdf:Description[^>]*pdfuaid:part="\d+"[^>]*/>', b"", xmp)
    fixed = re.sub(rb"<pdfuaid:part>\d+</pdfuaid:part>", b"", fixed)
    fixed = fixed.replace(b' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"', b"")
    if fixed != xmp:
        metadata.write(fixed)
