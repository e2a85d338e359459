"""The translation editor's side of a language file, without a server: the rows it shows,
what a form's edits make of the file, and what the source changed since a translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import DATA, read_yaml
from leafletgen.build import BuildOptions, build
from leafletgen.language_files import write_content_file
from leafletgen.load import load_project
from leafletgen.source_history import SourceHistory
from leafletgen.validate import validate
from leafletgen.workspace.editing import (
    Edit,
    check_edits,
    edited_file,
    entry_rows,
    word_changes,
)


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(DATA / "workspace", target)
    return target


def _project(root: Path):
    return validate(load_project(root))


def test_word_changes_say_what_stayed_went_and_came():
    assert word_changes("Call us at night.", "Call us day and night.") == (
        ("same", "Call us "), ("removed", "at"), ("added", "day and"), ("same", " night."))
    assert word_changes("a b", "a c") == (("same", "a "), ("removed", "b"), ("added", "c"))


def test_an_edit_keeps_the_files_comments_and_records_the_current_source(project_dir):
    project = _project(project_dir)
    text, changed = edited_file(project, "ar", {
        "legal": Edit("سؤال جديد؟", "لا، بموجب الفقرة 2 من المادة 291."),
        "help": Edit(project.languages["ar"].entries["help"].question,
                     project.languages["ar"].entries["help"].answer)})
    assert changed == ["legal"]  # the unchanged entry is not touched
    assert "# العربية: مسودة للاختبار. A translator's note: keep this comment." in text
    assert "# The figure and the hotline come from the project: keep both placeholders." in text
    write_content_file(project, project.languages["ar"].file, text)
    entry = read_yaml(project_dir / "text/ar.yaml")["entries"]["legal"]
    assert entry == {"translated_from": "b2ae4ce1436a", "question": "سؤال جديد؟",
                     "answer": "لا، بموجب الفقرة 2 من المادة 291."}


def test_a_changed_entry_of_a_reviewed_file_is_unreviewed_again(project_dir):
    path = project_dir / "text/ar.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: unreviewed",
                                                               "status: reviewed"),
                    encoding="utf-8")
    project = _project(project_dir)
    text, _ = edited_file(project, "ar", {"legal": Edit("سؤال؟", "جواب 2 291.")})
    write_content_file(project, path, text)
    project = _project(project_dir)
    assert not project.languages["ar"].entries["legal"].reviewed
    assert project.languages["ar"].entries["help"].reviewed


def test_a_lost_placeholder_gets_the_command_lines_message(project_dir):
    project = _project(project_dir)
    problems = check_edits(project, "ar", {"help": Edit("هل يمكنني المساعدة؟",
                                                        "نعم. {stat:volunteers} متطوعاً.")})
    assert [p.key for p in problems] == ["entries.help.answer"]
    assert "{hotline}" in problems[0].message


def test_an_outdated_translation_shows_what_changed_in_the_source(project_dir, tmp_path):
    output = tmp_path / "build"
    build(BuildOptions(project_dir, output, languages=("en",)))  # it sees the source as it was
    history = SourceHistory(output)
    project = _project(project_dir)
    text, _ = edited_file(project, "en", {"legal": Edit(
        "Is crossing to ask for asylum a crime?", "No, under Article 291 part 2 of the Code.")})
    write_content_file(project, project.languages["en"].file, text)
    project = _project(project_dir)
    rows = {row.id: row for row in entry_rows(project, "ar", history)}
    assert rows["legal"].status == "outdated"
    assert rows["legal"].source_changes == {"answer": (
        ("same", "No, under Article 291 part "), ("removed", "2."), ("added", "2 of the Code."))}
    assert rows["help"].status == "unreviewed" and rows["help"].source_changes is None
    # Confirming it, text unchanged, makes it current again.
    text, changed = edited_file(project, "ar", {"legal": Edit(
        rows["legal"].translation.question, rows["legal"].translation.answer, confirmed=True)})
    assert changed == ["legal"]
    write_content_file(project, project.languages["ar"].file, text)
    project = _project(project_dir)
    assert entry_rows(project, "ar", history)[0].status == "unreviewed"


def test_a_reviewed_entry_that_is_changed_loses_its_review(project_dir):
    import datetime

    from leafletgen.language_files import review_language

    review_language(_project(project_dir), "ar", ("legal",), "Aisha", datetime.date(2026, 12, 1))
    assert "review" in read_yaml(project_dir / "text/ar.yaml")["entries"]["legal"]
    project = _project(project_dir)
    text, _ = edited_file(project, "ar", {"legal": Edit("سؤال؟", "جواب 2 291.")})
    write_content_file(project, project.languages["ar"].file, text)
    entry = read_yaml(project_dir / "text/ar.yaml")["entries"]["legal"]
    assert "review" not in entry and "status" not in entry
    assert not _project(project_dir).languages["ar"].entries["legal"].reviewed
