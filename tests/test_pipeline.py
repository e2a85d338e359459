"""One document's stages in order (pipeline.py): render, prepress, verify, preview."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import Image


def test_a_render_past_its_time_limit_is_a_failure_of_that_document(small_project: Path):
    """Rendering alone (compose has its own limit, tested with templates): a document that
    takes longer than the limit fails by name, and the others are not held up."""
    from leafletgen.build import check, resource_roots
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.pipeline import Pipeline

    project, fonts = check(small_project)
    leaflet = project.leaflets["card"]
    document = compose(project, leaflet, "en", make_environment(project))
    with IsolatedFontconfig(fonts.folders):
        made = Pipeline(fonts, resource_roots(project), 0.001, None).make(document)
        assert made.rendered is None and made.pdf == b""
        assert made.failure.startswith("rendering took longer than 0.001 s (the limit; "
                                       "--time-limit sets it)")
        assert Pipeline(fonts, resource_roots(project), 30, None).make(document).failure is None


def test_the_printed_file_is_what_is_verified_and_previewed(small_project: Path):
    """An office sheet is made from the render, and its checks and preview are of the
    sheet: its preflight counts the sheet's page and size, its preview is an A4 landscape
    PNG, while the render it came from stays a single A5 page."""
    from leafletgen.build import check, resource_roots
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.pipeline import Pipeline

    project, fonts = check(small_project)
    leaflet = project.leaflets["card"]
    document = compose(project, leaflet, "en", make_environment(project), "office")
    with IsolatedFontconfig(fonts.folders):
        made = Pipeline(fonts, resource_roots(project), 30, 30).make(document)
    assert made.failure is None and made.verification is not None
    assert made.verification.errors == []
    assert made.rendered is not None and made.rendered.page_count == 1
    with pikepdf.open(io.BytesIO(made.rendered.pdf)) as render:
        render_mm = [round(float(v) / 72 * 25.4) for v in render.pages[0].MediaBox[2:]]
    with pikepdf.open(io.BytesIO(made.pdf)) as sheet:
        sheet_mm = [round(float(v) / 72 * 25.4) for v in sheet.pages[0].MediaBox[2:]]
    assert render_mm != sheet_mm
    assert made.verification.preflight is not None
    assert list(made.verification.preflight.media_mm) == sheet_mm
    [preview] = made.previews
    width, height = Image.open(io.BytesIO(preview)).size
    assert abs(width / height - sheet_mm[0] / sheet_mm[1]) < 0.01
