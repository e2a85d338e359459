"""PNG renders of a PDF's pages, for eyes: what a script really looks like on the page."""

from __future__ import annotations

import io

import pypdfium2

from .options import PREVIEW_DPI


def page_pngs(pdf_bytes: bytes, dpi: int = PREVIEW_DPI) -> list[bytes]:
    """One PNG per page, in order."""
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        images = []
        for page in pdf:
            buffer = io.BytesIO()
            page.render(scale=dpi / 72).to_pil().save(buffer, format="PNG", optimize=True)
            images.append(buffer.getvalue())
        return images
    finally:
        pdf.close()


def preview_name(pdf_name: str, page: int) -> str:
    """`card/card.ar.pdf`, page 1 -> `card/card.ar.p1.png`."""
    return f"{pdf_name.removesuffix('.pdf')}.p{page}.png"
