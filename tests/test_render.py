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


def test_copyfit_lays_out_every_step_it_tries_and_writes_only_the_one_it_keeps(
        small_project: Path):
    """Writing a PDF is a third of a render; a copyfit step that is tried and refused is
    laid out only. The file kept is the one a render of that step alone gives."""
    from leafletgen.build import check, resource_roots, select
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.render import Renderer, import_weasyprint

    edit(small_project / "project.yaml", "    pages: 1\n", "    pages: 1\n    copyfit: true\n")
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: " + "Officers must register the request and give the person a paper. " * 5)
    project, fonts = check(small_project)
    [(leaflet, code)] = select(project, BuildOptions(small_project, small_project / "out",
                                                     languages=("en",)))
    composed = compose(project, leaflet, code, make_environment(project))
    document_class = import_weasyprint().document.Document
    write_pdf = document_class.write_pdf
    writes: list[int] = []

    def counted(document, *args, **kwargs):
        writes.append(len(document.pages))
        return write_pdf(document, *args, **kwargs)

    with IsolatedFontconfig(fonts.folders):
        renderer = Renderer(resource_roots(project))
        document_class.write_pdf = counted
        try:
            kept = renderer.render(composed)
        finally:
            document_class.write_pdf = write_pdf
        [step] = [step for step in composed.fit_steps if step.body_pt == kept.body_pt]
        tried = composed.fit_steps.index(step) + 2  # the designed size, then each step down
        alone = Renderer(resource_roots(project)).render(dataclasses.replace(
            composed, html=step.html(composed.html), fit_steps=(), grow_steps=()))
    assert tried >= 3 and kept.page_count == 1
    assert writes == [1]  # not the refused steps, which ran onto a second page
    assert kept.pdf == alone.pdf
