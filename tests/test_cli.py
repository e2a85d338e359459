"""The CLI as option parsing and exit codes; the pipeline itself is tested without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BUNDLED, decode_qr, edit, page_count


def test_build_writes_the_documented_paths(run, small_project: Path, tmp_path: Path):
    code, stdout, stderr = run("build", "--project", small_project, "--output", "out")
    assert code == 0, stderr
    assert stdout.startswith("built 2 PDF(s) in ")
    assert "[1/2] card/card.en.pdf: 1 page(s)" in stderr  # progress
    assert "  lt  Lietuvių: 1 PDF(s); not reviewed: the labels and titles, 2 entries\n" in stderr
    assert sorted(p.relative_to(tmp_path / "out").as_posix()
                  for p in (tmp_path / "out").rglob("*")) == [
        ".leafletgen-sources.json", ".leafletgen-state.json", "card", "card/card.en.pdf",
        "card/card.lt.pdf", "manifest.json"]


def test_lang_and_leaflet_select_and_the_manifest_keeps_the_rest(run, small_project: Path,
                                                                 tmp_path: Path):
    assert run("build", "-p", small_project, "-o", "out")[0] == 0
    code, _, stderr = run("build", "-p", small_project, "-o", "out", "--lang", "lt",
                          "--leaflet", "card", "--force")
    assert code == 0, stderr
    assert "[1/1] card/card.lt.pdf" in stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [(r["leaflet"], r["language"]) for r in manifest["outputs"]] == [
        ("card", "en"), ("card", "lt")]


def test_usage_errors_exit_2(run, small_project: Path):
    code, _, stderr = run("build", "-p", small_project, "--lang", "xx")
    assert code == 2
    assert "no leaflet is made in 'xx' (languages: en, lt)" in stderr
    code, _, stderr = run("build", "-p", small_project, "--leaflet", "poster")
    assert code == 2
    assert "no leaflet 'poster' in the project (it has: card)" in stderr
    assert run("build", "--no-such-option")[0] == 2


def test_content_errors_exit_1_and_build_nothing(run, small_project: Path, tmp_path: Path):
    edit(small_project / "project.yaml", "format: A5", "format: A3")
    code, stdout, stderr = run("build", "-p", small_project, "-o", "out")
    assert (code, stdout) == (1, "")
    assert stderr == ("error: 1 problem found:\n  small/project.yaml:10:5: leaflets.card.format: "
                      "unknown page format 'A3' (known: A4, A5, A6, DL, credit-card, "
                      "A5-booklet, DL-trifold; a project adds its own under `formats:`)\n")
    assert not (tmp_path / "out").exists()


def test_list_shows_leaflets_languages_and_review_state(run, small_project: Path):
    code, stdout, _ = run("list", "-p", small_project)
    assert code == 0
    assert stdout.splitlines() == [
        "card  (A5, 1 page(s), template handout.html)",
        "  en       English          source",
        "  lt       Lietuvių         draft: unreviewed translation",
    ]


def test_init_makes_a_project_that_builds(run, tmp_path: Path):
    code, stdout, _ = run("init", "fresh")
    assert code == 0
    assert "leafletgen build --project fresh" in stdout
    code, _, stderr = run("build", "-p", "fresh", "-o", "fresh-out")
    assert code == 0, stderr
    pdf = tmp_path / "fresh-out" / "first-leaflet" / "first-leaflet.en.pdf"
    assert page_count(pdf) == 1
    assert {text for _, text in decode_qr(pdf)} == {"tel:+37060000000",
                                                     "https://example.org/source"}
    assert run("init", "fresh")[0] == 1  # never overwrites a folder in use


def test_preview_writes_a_png_of_every_page_beside_each_pdf(run, small_project: Path,
                                                            tmp_path: Path):
    from PIL import Image

    edit(small_project / "project.yaml", "pages: 1", "pages: 2")
    edit(small_project / "project.yaml", "      - id: main\n",
         "      - id: main\n        new_page: true\n")
    code, _, stderr = run("preview", "-p", small_project, "-o", "out", "--lang", "en",
                          "--dpi", "50")
    assert code == 0, stderr
    folder = tmp_path / "out" / "card"
    assert page_count(folder / "card.en.pdf") == 2
    assert sorted(p.name for p in folder.glob("*.png")) == ["card.en.p1.png", "card.en.p2.png"]
    with Image.open(folder / "card.en.p1.png") as image:
        # A5 is 148 x 210 mm: 291 x 413 pixels at 50 dpi.
        assert abs(image.width - 148 / 25.4 * 50) <= 1
        assert abs(image.height - 210 / 25.4 * 50) <= 1


def test_check_counts_every_output_a_build_makes(run, bundled_build: Path):
    code, stdout, _ = run("check", "-p", BUNDLED)
    assert code == 0
    written = len(json.loads((bundled_build / "manifest.json").read_text())["outputs"])
    assert written == 94
    assert stdout == f"ok: 6 leaflet(s), 19 language(s), {written} PDF(s) to build\n"


def test_the_working_folder_is_the_project_when_it_holds_one(run, small_project: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(small_project)  # as a coordinator who opened a terminal there
    code, stdout, stderr = run("check")
    assert code == 0, stderr
    assert stdout.startswith("ok: 1 leaflet(s), 2 language(s), 2 PDF(s) to build")
    code, _, stderr = run("build")
    assert code == 0, stderr
    assert (small_project / "build" / "card" / "card.en.pdf").is_file()
    assert run("build")[1].startswith("up to date")  # its own output is not an input


def test_a_file_a_command_cannot_write_is_one_sentence(run, small_project: Path,
                                                       tmp_path: Path):
    (tmp_path / "afile").write_text("in the way")
    code, _, stderr = run("po", "export", "-p", small_project, "lt", "-o", "afile/lt.po")
    assert (code, stderr) == (1, "error: cannot write afile/lt.po: part of the path is a "
                                 "file, not a folder; give another file with -o\n")
    code, _, stderr = run("init", "afile/new")
    assert (code, stderr) == (1, "error: cannot write afile/new: part of the path is a file, "
                                 "not a folder; choose another folder\n")
