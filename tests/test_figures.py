"""Statistics as one source of truth: a figure changed once changes in every language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED, edit, pdf_text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(BUNDLED, target)
    return target


def test_a_figure_changed_once_changes_in_every_language(run, project: Path, tmp_path: Path):
    edit(project / "statistics.yaml", "  value: 1162", "  value: 1250")
    code, _, stderr = run("build", "-p", project, "-o", "out", "--leaflet", "village-handout")
    assert code == 0, stderr
    texts = {lang: pdf_text(tmp_path / "out" / "village-handout" /
                            f"village-handout.{lang}.pdf") for lang in ("en", "lt", "ru", "pl")}
    assert "1,250" in texts["en"]
    # Lithuanian, Russian and Polish group with a no-break space (read back as a space).
    for lang in ("lt", "ru", "pl"):
        assert "1 250" in texts[lang], lang
    assert not any("162" in text for text in texts.values())


def test_percentages_are_written_the_languages_way(bundled_build: Path):
    def text(lang: str) -> str:
        return pdf_text(bundled_build / "village-handout" / f"village-handout.{lang}.pdf")

    assert "2023, 24% of asylum applicants" in text("en")
    assert "ES 24 % prieglobsčio" in text("lt")


def test_a_figure_typed_by_hand_in_a_translation_is_flagged(run, project: Path):
    # Dropping the placeholder is an error (test_validate); typing the figure beside it,
    # where it will not follow the statistics, is this warning.
    edit(project / "text" / "lt.yaml", "suteikė {stat:refugee-status-lt} žmonėms",
         "suteikė {stat:refugee-status-lt} (1162) žmonėms")
    code, _, stderr = run("check", "-p", project)
    assert code == 0  # a warning only
    assert ("entries.economic-migrants.answer: the number 1162 is not in the source text; it "
            "is the figure {stat:refugee-status-lt}: write that") in stderr
    code, _, stderr = run("build", "-p", project, "-o", "out", "--strict", "--lang", "lt")
    assert code == 1
    assert "the number 1162 is not in the source text" in stderr


def test_a_figure_typed_by_hand_in_the_source_is_flagged(run, project: Path):
    edit(project / "text" / "en.yaml", "to {stat:refugee-status-lt} people",
         "to {stat:refugee-status-lt} people (1162)")
    _, _, stderr = run("check", "-p", project)
    assert ("text/en.yaml:62: entries.economic-migrants.answer: the figure 1162 is typed by "
            "hand: write {stat:refugee-status-lt} so it follows statistics.yaml") in stderr


def test_stale_figures_are_warnings_with_their_age(run, project: Path):
    edit(project / "project.yaml", "leaflets:\n", "statistics_max_age_days: 100000\n\nleaflets:\n")
    _, _, stderr = run("check", "-p", project)
    assert "days old" not in stderr
    edit(project / "statistics.yaml", "  as_of: 2024-01-15\n  source: migration-department\n"
         "subsidiary", "  as_of: 1990-01-01\n  source: migration-department\nsubsidiary")
    edit(project / "project.yaml", "statistics_max_age_days: 100000",
         "statistics_max_age_days: 365")
    _, _, stderr = run("check", "-p", project)
    assert "statistics.yaml:5: refugee-status-lt: figure as of 1990-01-01 is " in stderr


def test_an_unknown_figure_is_an_error(run, project: Path):
    edit(project / "text" / "en.yaml", "{stat:refugee-status-lt}", "{stat:refugees}")
    code, _, stderr = run("check", "-p", project)
    assert code == 1
    assert ("entries.economic-migrants.answer: placeholder {stat:refugees}: no such figure in "
            "statistics.yaml") in stderr
