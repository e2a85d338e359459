"""Rendering fetches nothing it should not, and stops at its time limit."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import edit, pdf_contains
from leafletgen.build import BuildOptions, build
from leafletgen.errors import ContentError

PASSWD = Path("/etc/passwd")
PASSWD_LINE = PASSWD.read_bytes().splitlines()[0] if PASSWD.exists() else b""


@pytest.mark.skipif(not PASSWD_LINE, reason="needs a readable /etc/passwd")
def test_weasyprints_own_fetcher_would_embed_a_local_file():
    """The danger is real: without leafletgen's fetcher an attachment link embeds the file.
    (If this stops failing open, the test below proves less.)"""
    import weasyprint

    html = '<a rel="attachment" href="file:///etc/passwd">x</a>'
    pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf_contains(pdf, PASSWD_LINE)


def test_a_template_cannot_reach_files_devices_or_the_network(
        small_project: Path, tmp_path: Path, recording_server):
    base_url, requests = recording_server
    (small_project / "escape.png").symlink_to(PASSWD)
    os.mkfifo(small_project / "fifo.png")  # opening it for reading would wait forever
    project_uri = small_project.resolve().as_uri()
    (small_project / "templates").mkdir()
    (small_project / "templates" / "sources-panel.html").write_text(
        '<a rel="attachment" href="file:///etc/passwd">a</a>'
        f'<img src="{base_url}/pixel.png" alt="">'
        f'<style>@import url("{base_url}/import.css");</style>'
        '<img src="file:///dev/zero" alt="">'
        f'<img src="{project_uri}/escape.png" alt=""><img src="{project_uri}/fifo.png" alt="">',
        encoding="utf-8")
    output = tmp_path / "out"
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(small_project, output, languages=("en",), time_limit=20))
    refused = sorted(str(p).split("refused to fetch ", 1)[1] for p in caught.value.problems
                     if "refused to fetch" in str(p))
    assert refused == sorted([
        "file:///dev/zero: outside the project's and leafletgen's folders",
        "file:///etc/passwd: outside the project's and leafletgen's folders",
        f"{base_url}/import.css: only files inside the project may be used",
        f"{base_url}/pixel.png: only files inside the project may be used",
        f"{project_uri}/escape.png: outside the project's and leafletgen's folders",
        f"{project_uri}/fifo.png: not a regular file",
    ])
    assert requests == []
    assert not output.exists()


def test_content_links_to_the_network_are_printed_never_fetched(
        small_project: Path, tmp_path: Path, recording_server):
    base_url, requests = recording_server
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         f"answer: No, see [the law]({base_url}/leak?q=1) and <{base_url}/auto>.")
    edit(small_project / "sources.yaml",
         "url: https://e-seimas.lrs.lt/portal/legalAct/lt/TAD/TAIS.111555",
         f"url: {base_url}/source")
    result = build(BuildOptions(small_project, tmp_path / "out", languages=("en",)))
    pdf = result.outputs[0].file.read_bytes()
    assert pdf_contains(pdf, f"{base_url}/leak?q=1".encode())  # a link annotation
    assert not pdf_contains(pdf, PASSWD_LINE or b"root:")
    assert requests == []




@pytest.mark.skipif(shutil.which("strace") is None,
                    reason="needs strace (./dev.sh test installs it)")
def test_a_build_runs_no_other_program(small_project: Path, tmp_path: Path):
    """WeasyPrint's library lookup would run ldconfig, gcc and ld about 210 times at every
    start (render.import_weasyprint); a build runs nothing but itself."""
    trace = tmp_path / "exec.txt"
    done = subprocess.run(["strace", "-f", "-e", "trace=execve", "-o", str(trace),
                           sys.executable, "-m", "leafletgen", "build", "-p", str(small_project),
                           "-o", str(tmp_path / "out"), "-j", "2"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    programs = [line.split('"')[1] for line in trace.read_text().splitlines()
                if "execve(" in line and "= 0" in line]
    assert programs == [sys.executable]


def _copyfit_card(project: Path, css: str = "") -> tuple:
    """The small project's card set with copyfit and too much text for its size, and
    `css` after the built-in stylesheet: (check's project and fonts, the leaflet)."""
    from conftest import with_css
    from leafletgen.build import check

    edit(project / "project.yaml", "    pages: 1\n", "    pages: 1\n    copyfit: true\n")
    edit(project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: " + "Officers must register the request and give the person a paper. " * 5)
    if css:
        with_css(project, css)
    checked = check(project)
    return checked, checked[0].leaflets["card"]


def test_copyfit_lays_out_every_step_it_tries_and_writes_only_the_one_it_keeps(
        small_project: Path, monkeypatch):
    """Writing a PDF is a third of a render; a copyfit step that is tried and refused is
    laid out only, and only as far as its one allowed page: it runs onto a second, and is
    refused whatever that holds, so WeasyPrint stops there and makes no page furniture
    (margin boxes) for it. The file kept is the one a render of that step alone gives."""
    from leafletgen.build import resource_roots
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.render import Renderer, import_weasyprint

    (project, fonts), leaflet = _copyfit_card(small_project)
    composed = compose(project, leaflet, "en", make_environment(project))
    weasyprint = import_weasyprint()
    layout = weasyprint.layout
    writes: list[int] = []
    made = {"pages": 0, "furnished": 0}

    def counting(function, what):
        def counted(*args, **kwargs):
            made[what] += 1
            return function(*args, **kwargs)
        return counted

    def written(document, *args, **kwargs):
        writes.append(len(document.pages))
        return write_pdf(document, *args, **kwargs)

    write_pdf = weasyprint.document.Document.write_pdf
    with IsolatedFontconfig(fonts.folders):
        renderer = Renderer(resource_roots(project))
        with monkeypatch.context() as patched:
            patched.setattr(weasyprint.document.Document, "write_pdf", written)
            patched.setattr(layout.page, "remake_page",
                            counting(layout.page.remake_page, "pages"))
            patched.setattr(layout, "make_margin_boxes",
                            counting(layout.make_margin_boxes, "furnished"))
            kept = renderer.render(composed)
        [step] = [step for step in composed.fit_steps if step.body_pt == kept.body_pt]
        tried = composed.fit_steps.index(step) + 2  # the designed size, then each step down
        alone = Renderer(resource_roots(project)).render(dataclasses.replace(
            composed, html=step.html(composed.html), fit_steps=(), grow_steps=()))
    assert tried >= 3 and kept.page_count == 1
    assert writes == [1]  # not the refused steps, which ran onto a second page
    assert made == {"pages": tried, "furnished": 1}  # a page each, furniture for the kept
    assert kept.pdf == alone.pdf


def _layouts_counted(monkeypatch) -> list[str]:
    """The kind of each document WeasyPrint lays out from now on."""
    from leafletgen.render import Renderer

    laid_out: list[str] = []
    lay_out = Renderer._laid_out

    def counted(self, composed, *args):
        done = lay_out(self, composed, *args)
        if done.document is not None or done.stopped:  # not a render from a moment ago
            laid_out.append(composed.kind)
        return done

    monkeypatch.setattr(Renderer, "_laid_out", counted)
    return laid_out


def test_a_leaflets_other_outputs_are_laid_out_once_at_the_size_its_first_was_kept_at(
        small_project: Path, monkeypatch):
    """The print shop's and the office's pages have the text area of the screen PDF's:
    after the screen PDF's search, each is laid out once, at the size it kept, and the
    office sheets in grey not at all; each file is the one a pipeline that made it alone
    gives, which searched."""
    from leafletgen.build import resource_roots
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.pipeline import Pipeline

    (project, fonts), leaflet = _copyfit_card(small_project)
    environment = make_environment(project)
    documents = [compose(project, leaflet, "en", environment, kind)
                 for kind in ("screen", "print", "office", "office-grey")]
    laid_out = _layouts_counted(monkeypatch)
    with IsolatedFontconfig(fonts.folders):
        pipeline = Pipeline(fonts, resource_roots(project), 30, None)
        together = [pipeline.make(document) for document in documents]
        assert laid_out.count("screen") >= 3  # the designed size, and steps down
        assert laid_out[laid_out.count("screen"):] == ["print", "office"]
        alone = [Pipeline(fonts, resource_roots(project), 30, None).make(document)
                 for document in documents]
    assert len({made.rendered.body_pt for made in together}) == 1
    assert all(made.rendered.page_count == 1 and made.verification.errors == []
               for made in together)
    # The print shop's render carries a random XMP id until prepress replaces it: the
    # files compared are the ones written.
    assert [made.pdf for made in together] == [made.pdf for made in alone]


def test_an_output_that_lays_out_otherwise_at_that_size_is_searched_for_its_own(
        small_project: Path, monkeypatch):
    """A template may set the print shop's copy looser than the screen PDF: at the size
    the screen PDF kept it runs onto a second page, so its own search goes on, down to a
    size at which it fits, as a pipeline that made it alone finds, with no more layouts
    (the one at the screen PDF's size is one the search makes)."""
    from leafletgen.build import resource_roots
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.pipeline import Pipeline

    (project, fonts), leaflet = _copyfit_card(
        small_project, "{% if output.print %}.entry { margin-bottom: 9mm !important }{% endif %}")
    environment = make_environment(project)
    screen, printed = (compose(project, leaflet, "en", environment, kind)
                       for kind in ("screen", "print"))
    laid_out = _layouts_counted(monkeypatch)
    with IsolatedFontconfig(fonts.folders):
        pipeline = Pipeline(fonts, resource_roots(project), 30, None)
        on_screen, for_print = pipeline.make(screen), pipeline.make(printed)
        together = laid_out.count("print")
        alone = Pipeline(fonts, resource_roots(project), 30, None).make(printed)
    assert laid_out.count("print") == 2 * together
    assert for_print.rendered.page_count == on_screen.rendered.page_count == 1
    assert for_print.rendered.body_pt < on_screen.rendered.body_pt
    assert for_print.pdf == alone.pdf


def test_a_page_that_refers_to_the_number_of_pages_is_laid_out_to_the_end(small_project: Path):
    """WeasyPrint paginates again while a page's text depends on the number of pages. A
    card whose first pass, knowing no number yet, runs onto a second page, and which
    then fits on one, fits: its layout is not stopped at the first pass's second page,
    and it is kept at the size it was designed at or larger."""
    import weasyprint

    from conftest import with_css
    from leafletgen.build import check, resource_roots
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.render import Renderer

    edit(small_project / "project.yaml", "    pages: 1\n", "    pages: 1\n    copyfit: true\n")
    # After each paragraph: for 0 pages (the first pass) seventy words, for more nothing.
    with_css(small_project, "@counter-style shrinking { system: additive; "
                            f"additive-symbols: 1 '', 0 '{'x ' * 70}'; }}"
                            " p::after { content: counter(pages, shrinking) }")
    project, fonts = check(small_project)
    composed = compose(project, project.leaflets["card"], "en", make_environment(project))
    with IsolatedFontconfig(fonts.folders):
        assert len(weasyprint.HTML(string=composed.html, base_url=composed.base_url)
                   .render().pages) == 1  # WeasyPrint alone
        kept = Renderer(resource_roots(project)).render(composed)
    assert kept.page_count == 1
    assert composed.designed_pt is not None and kept.body_pt >= composed.designed_pt
