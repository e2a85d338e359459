"""PNG previews of pages (preview.py)."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image

from leafletgen.preview import page_pngs, preview_name


def test_one_png_per_page_at_the_resolution_asked():
    pdf = pikepdf.new()
    for _ in range(2):
        pdf.add_blank_page(page_size=(72 * 2, 72))  # 2 x 1 inches
    data = io.BytesIO()
    pdf.save(data)
    pngs = page_pngs(data.getvalue(), dpi=50)
    assert [Image.open(io.BytesIO(png)).size for png in pngs] == [(100, 50), (100, 50)]
    assert preview_name("card/card.ar.pdf", 2) == "card/card.ar.p2.png"
