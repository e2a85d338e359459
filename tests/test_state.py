"""Incremental builds: nothing is rendered twice for the same inputs, an edit renders
exactly the outputs it affects, and no damage to the build folder gives a stale PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLED, bundled_outputs, edit, read_yaml, tree_snapshot
from leafletgen.build import BuildOptions, build
from leafletgen.state import STATE_NAME


@pytest.fixture
def built_copy(tmp_path: Path, bundled_build: Path) -> tuple[Path, Path]:
    """A copy of the bundled project and of its build: (project, output folder)."""
    project = tmp_path / "leaflets"
    shutil.copytree(BUNDLED, project)
    output = tmp_path / "out"
    shutil.copytree(bundled_build, output)
    return project, output


def rendered(project: Path, output: Path, **options) -> set[str]:
    result = build(BuildOptions(project, output, **options))
    return {f"{o.leaflet}.{o.language}" for o in result.rendered}


def users_of(entry_id: str) -> set[str]:
    """The leaflets whose sections print an entry, read from project.yaml."""
    leaflets = read_yaml(BUNDLED / "project.yaml")["leaflets"]
    return {leaflet_id for leaflet_id, leaflet in leaflets.items()
            if any(entry_id in section["entries"] for section in leaflet["sections"])}


def test_a_copied_build_is_up_to_date_and_renders_nothing(built_copy):
    project, output = built_copy
    before = tree_snapshot(output)
    assert rendered(project, output) == set()
    assert tree_snapshot(output).keys() == before.keys()
    assert all(tree_snapshot(output)[name] == before[name]
               for name in before if name.endswith(".pdf"))


def test_a_no_op_build_answers_without_importing_weasyprint(built_copy):
    project, output = built_copy
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*")}
    script = ("import sys\nfrom leafletgen.cli import main\n"
              f"sys.argv = ['leafletgen', 'build', '-p', {str(project)!r}, '-o', {str(output)!r}]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print('imported:', sorted(m for m in ('weasyprint', 'jinja2', 'yaml', 'fontTools',"
              " 'pydantic') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"up to date: {len(bundled_outputs())} PDF(s) in ")
    assert "imported: []" in done.stdout
    # The last build's warnings are said again, and its drafts counted.
    assert "warning: leaflets/statistics.yaml:6: refugee-status-lt: figure as of" in \
        done.stderr.replace(str(project) + "/", "leaflets/")
    assert "84 of 94 PDF(s) are drafts (leafletgen status says why)" in done.stderr
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*")} == before


def test_an_entry_edited_in_one_language_renders_only_its_leaflets_there(built_copy):
    project, output = built_copy
    edit(project / "text" / "fa.yaml", "answer: لطفاً درخواست پناهندگی مرا ثبت کنید.",
         "answer: لطفاً درخواست پناهندگی من را ثبت کنید.")
    assert rendered(project, output) == {f"{leaflet}.fa" for leaflet in users_of("say-asylum")}


def test_an_edit_in_the_companion_language_renders_every_card_that_carries_it(built_copy):
    project, output = built_copy
    edit(project / "text" / "lt.yaml", "answer: Prašau užregistruoti mano prieglobsčio prašymą.",
         "answer: Prašau užregistruoti mano prašymą suteikti prieglobstį.")
    project_yaml = read_yaml(project / "project.yaml")["leaflets"]
    cards = [leaflet for leaflet, spec in project_yaml.items() if spec.get("companion") == "lt"]
    # Three languages of the nineteen: the rest would only take longer to say the same.
    languages = ("ar", "ti", "lt")
    expected = {f"{leaflet}.lt" for leaflet in users_of("say-asylum") if leaflet not in cards}
    expected |= {o for o in rendered_names(output)
                 if o.split(".")[0] in cards and o.split(".")[1] in languages}
    assert {"pocket-card.ar", "pocket-card.ti"} <= expected
    assert rendered(project, output, languages=languages) == expected


def rendered_names(output: Path) -> set[str]:
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    return {f"{r['leaflet']}.{r['language']}" for r in manifest["outputs"]}


def test_a_deleted_or_altered_pdf_is_rendered_again(built_copy):
    project, output = built_copy
    (output / "your-rights" / "your-rights.ar.pdf").unlink()
    damaged = output / "fact-sheet" / "fact-sheet.lt.pdf"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    damaged.write_bytes(bytes(data))
    assert rendered(project, output) == {"your-rights.ar", "fact-sheet.lt"}
    assert (output / "your-rights" / "your-rights.ar.pdf").is_file()


@pytest.mark.parametrize("damage", ["{not json", '{"format": 1, "outputs": []}', ""])
def test_a_damaged_state_file_means_a_full_rebuild_never_a_stale_pdf(built_copy, damage):
    project, output = built_copy
    edit(project / "text" / "fr.yaml", "title:", "title: (2)")
    (output / STATE_NAME).write_text(damage, encoding="utf-8")
    # English is unchanged, and rendered again all the same: nothing is trusted.
    assert rendered(project, output, leaflets=("your-rights",), languages=("en", "fr")) == {
        "your-rights.en", "your-rights.fr"}


def test_force_renders_everything(built_copy):
    project, output = built_copy
    selected = {"leaflets": ("pocket-card",), "languages": ("ar", "ti")}
    assert rendered(project, output, **selected) == set()  # all up to date
    assert rendered(project, output, **selected, force=True) == {"pocket-card.ar",
                                                                "pocket-card.ti"}


def test_two_clean_builds_are_byte_identical(small_project: Path, tmp_path: Path):
    first = build(BuildOptions(small_project, tmp_path / "one"))
    second = build(BuildOptions(small_project, tmp_path / "two"))
    assert [o.sha256 for o in first.outputs] == [o.sha256 for o in second.outputs]
    one, two = tree_snapshot(tmp_path / "one"), tree_snapshot(tmp_path / "two")
    assert {n: d for n, d in one.items() if n != STATE_NAME} == \
        {n: d for n, d in two.items() if n != STATE_NAME}


def test_a_build_that_renders_nothing_loads_no_renderer(small_project, tmp_path):
    """A comment edited: the whole-build fingerprint changes, so the build composes; every
    output is then up to date, and neither WeasyPrint nor Tesseract is started for it."""
    output = tmp_path / "out"
    build(BuildOptions(small_project, output))
    path = small_project / "project.yaml"
    path.write_text("# a comment only\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    script = ("import sys\nfrom pathlib import Path\n"
              "from leafletgen.build import build\nfrom leafletgen.options import BuildOptions\n"
              f"result = build(BuildOptions(Path({str(small_project)!r}), "
              f"Path({str(output)!r}), jobs=1))\n"
              "print(len(result.rendered), sorted(m for m in ('weasyprint', 'tesserocr')"
              " if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 []"
