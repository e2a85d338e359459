"""The gallery in the README: each bundled leaflet's pages side by side, as they print.

    python docs/gallery.py build/        # writes docs/gallery/<leaflet>.<lang>.png
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2
from PIL import Image

# What a coordinator would look at first: the source language, and Arabic for the
# leaflets made for people seeking asylum (right to left, and a draft).
SHOWN = [("village-handout", "en"), ("village-handout", "lt"), ("village-trifold", "en"),
         ("your-rights", "en"), ("your-rights", "ar"), ("pocket-card", "ar"),
         ("fact-sheet", "en"), ("press-report", "en")]
DPI = 45
GAP = 8


def pages_side_by_side(pdf_path: Path) -> Image.Image:
    pdf = pypdfium2.PdfDocument(pdf_path)
    try:
        pages = [page.render(scale=DPI / 72).to_pil().convert("RGB") for page in pdf]
    finally:
        pdf.close()
    sheet = Image.new("RGB", (sum(p.width for p in pages) + GAP * (len(pages) + 1),
                              max(p.height for p in pages) + 2 * GAP), (200, 200, 200))
    x = GAP
    for page in pages:
        sheet.paste(page, (x, GAP))
        x += page.width + GAP
    return sheet


def main() -> None:
    build = Path(sys.argv[1] if len(sys.argv) > 1 else "build")
    out = Path(__file__).resolve().parent / "gallery"
    out.mkdir(exist_ok=True)
    for leaflet, code in SHOWN:
        target = out / f"{leaflet}.{code}.png"
        # 64 colours hold black text, greys, the stripe and the draft mark: a fifth the size.
        pages_side_by_side(build / leaflet / f"{leaflet}.{code}.pdf").quantize(64).save(
            target, optimize=True)
        print(target, target.stat().st_size // 1024, "KiB")


if __name__ == "__main__":
    main()
