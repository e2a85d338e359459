"""A project's templates are content from anyone: they run in a sandbox, are read only
from the template folders, and whatever goes wrong in them is reported at their line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import tree_snapshot
from leafletgen.build import BuildOptions, build
from leafletgen.errors import ContentError

PASSWD = Path("/etc/passwd")


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # problems name files as the user would type them


def _override(project: Path, name: str, text: str) -> Path:
    folder = project / "templates"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(project: Path, output: Path, **options) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, output, languages=("en",), **options))
    assert not output.exists()  # nothing rendered, nothing written
    return [str(problem) for problem in caught.value.problems]


def test_a_template_cannot_reach_python_or_the_shell(small_project: Path, tmp_path: Path):
    marker = tmp_path / "ran"
    _override(small_project, "masthead.html",
              "<p>{{ title }}</p>\n"
              f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}\n")
    problems = _problems(small_project, tmp_path / "out")
    assert problems == [
        "small/templates/masthead.html:2: card/card.en.pdf: template error: not allowed in a "
        "template: access to attribute '__init__' of 'type' object is unsafe."]
    assert not marker.exists()


def test_a_template_cannot_change_what_compose_gives_it(small_project: Path, tmp_path: Path):
    _override(small_project, "masthead.html", "{{ sections.append(1) }}")
    [problem] = _problems(small_project, tmp_path / "out")
    assert problem.startswith("small/templates/masthead.html:1: card/card.en.pdf: template "
                              "error: not allowed in a template: access to attribute 'append'")


@pytest.mark.skipif(not PASSWD.exists(), reason="needs /etc/passwd")
def test_a_partial_linked_out_of_the_project_is_refused(small_project: Path, tmp_path: Path):
    (small_project / "templates").mkdir()
    (small_project / "templates" / "masthead.html").symlink_to(PASSWD)
    assert _problems(small_project, tmp_path / "out") == [
        "small/templates/masthead.html: card/card.en.pdf: template refused: is a link to a "
        "file outside the project; copy the file into the project instead"]


@pytest.mark.skipif(not PASSWD.exists(), reason="needs /etc/passwd")
def test_a_folder_linked_to_the_root_serves_nothing(small_project: Path, tmp_path: Path):
    _override(small_project, "masthead.html", '{% include "root/etc/passwd" %}')
    (small_project / "templates" / "root").symlink_to("/")
    assert _problems(small_project, tmp_path / "out") == [
        "small/templates/root/etc/passwd: card/card.en.pdf: template refused: is a link to a "
        "file outside the project; copy the file into the project instead"]


def test_a_template_that_is_a_fifo_is_refused_without_waiting(small_project: Path,
                                                              tmp_path: Path):
    (small_project / "templates").mkdir()
    os.mkfifo(small_project / "templates" / "masthead.html")
    assert _problems(small_project, tmp_path / "out") == [
        "small/templates/masthead.html: card/card.en.pdf: template refused: is not a regular "
        "file (a named pipe); only ordinary files are read"]


def test_a_template_that_includes_itself_is_an_error(small_project: Path, tmp_path: Path):
    _override(small_project, "masthead.html", '<p>\n{% include "masthead.html" %}</p>')
    [problem] = _problems(small_project, tmp_path / "out")
    assert problem.startswith("small/templates/masthead.html:2: card/card.en.pdf: template "
                              "error: templates include or call each other without end")


def test_a_runaway_loop_ends_at_the_time_limit(run, small_project: Path, tmp_path: Path):
    output = tmp_path / "out"
    build(BuildOptions(small_project, output, languages=("en",)))
    before = tree_snapshot(output)
    _override(small_project, "masthead.html",
              "{% for i in range(100000) %}\n{% for j in range(100000) %}{% endfor %}\n"
              "{% endfor %}")
    code, _, stderr = run("build", "-p", small_project, "-o", output, "--time-limit", "1",
                          "--lang", "en")
    assert code == 1
    assert "small/templates/masthead.html:2: card/card.en.pdf: template error: composing " \
        "handout.html took longer than 1 s (the limit; --time-limit sets it)" in stderr
    assert "Traceback" not in stderr
    assert tree_snapshot(output) == before


@pytest.mark.parametrize("expression, message", [
    ('"x" * 10**10', "not allowed in a template: a repetition this long is not allowed"),
    ("2 ** 100000", "not allowed in a template: a power this large is not allowed"),
    ("1 / 0", "ZeroDivisionError: division by zero"),
    ("title.nothing()", "'str object' has no attribute 'nothing'"),
])
def test_a_template_expression_that_fails_is_located(small_project: Path, tmp_path: Path,
                                                     expression: str, message: str):
    _override(small_project, "masthead.html", f"<p>{{{{ title }}}}</p>\n{{{{ {expression} }}}}")
    assert _problems(small_project, tmp_path / "out") == [
        f"small/templates/masthead.html:2: card/card.en.pdf: template error: {message}"]
