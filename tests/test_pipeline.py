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


def test_a_render_is_read_once_for_all_its_outputs_and_finds_the_same(small_project: Path,
                                                                     monkeypatch):
    """The office sheets in colour and in grey come from one render: its text layer,
    hotline pixels and fonts are read once for them, in whatever order the outputs come,
    and each output's verification is what a pipeline that made it alone finds."""
    from leafletgen import verify
    from leafletgen.build import check, resource_roots
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.pipeline import Pipeline

    project, fonts = check(small_project)
    environment = make_environment(project)
    leaflet = project.leaflets["card"]
    documents = [compose(project, leaflet, "en", environment, kind)
                 for kind in ("office", "screen", "print", "office-grey")]
    reads = []
    read_render = verify.read_render
    monkeypatch.setattr(verify, "read_render",
                        lambda rendered, *args: reads.append(rendered.composed.kind)
                        or read_render(rendered, *args))
    with IsolatedFontconfig(fonts.folders):
        pipeline = Pipeline(fonts, resource_roots(project), 30, None)
        together = [pipeline.make(document).verification for document in documents]
        # The office sheets, in colour and in grey, are made from one render (of the
        # page at the size a sheet holds it); the screen and print PDFs are renders of
        # their own.
        assert reads == ["office", "screen", "print"]
        reads.clear()
        alone = [Pipeline(fonts, resource_roots(project), 30, None).make(document).verification
                 for document in documents]
    assert reads == ["office", "screen", "print", "office-grey"]
    assert together == alone
    assert all(v is not None and v.errors == [] and v.decoded_qr and v.hotline_on_paper
               for v in together)


def test_a_reading_is_not_taken_for_a_document_that_expects_other_text(small_project: Path):
    """A reading kept for a render is only the same render's, read against the same
    expectations: another expected text or hotline on the same pages is read again."""
    import dataclasses

    from leafletgen.build import check, resource_roots
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.paper import PaperReader
    from leafletgen.render import Renderer
    from leafletgen.verify import RenderReadings, verify

    project, fonts = check(small_project)
    document = compose(project, project.leaflets["card"], "en", make_environment(project))
    with IsolatedFontconfig(fonts.folders):
        rendered = Renderer(resource_roots(project)).render(document)
        readings, reader = RenderReadings(), PaperReader()
        assert verify(rendered, fonts, reader, None, readings).errors == []
        other_text = dataclasses.replace(document, expected_text=("Words not on the card",))
        other_hotline = dataclasses.replace(document, hotline="+370 600 000 00")
        assert [f.message for f in verify(dataclasses.replace(rendered, composed=other_text),
                                          fonts, reader, None, readings).errors] == [
            "text 'Words not on the card' is not in the PDF's text layer as written"]
        assert [f.message for f in verify(dataclasses.replace(rendered, composed=other_hotline),
                                          fonts, reader, None, readings).errors] == [
            "the hotline '+370 600 000 00' is not in the text layer"]
