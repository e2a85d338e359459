"""`leafletgen lang add`: a new translation that builds at once, shows the translator what
to translate from, and counts as translated entry by entry."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED, pdf_text, read_yaml


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(BUNDLED, target)
    return target


def _status(run, project: Path, leaflet: str, code: str) -> dict:
    _, stdout, _ = run("status", "-p", project, "--json")
    return next(r for r in json.loads(stdout) if (r["leaflet"], r["language"]) == (leaflet, code))


def test_a_new_language_builds_at_once_as_a_draft(run, project: Path):
    code, stdout, stderr = run("lang", "add", "de", "-p", project)
    assert code == 0, stderr
    assert stdout.splitlines() == [
        "wrote project/text/de.yaml: Deutsch, with its labels and titles to translate in "
        "place and 18 entries to translate (commented out until then)",
        "made in de from the next build, as drafts: your-rights, pocket-card",
        "not made in de: village-handout, village-trifold, fact-sheet, press-report; add de "
        "to their `languages:` in project.yaml to make them in it too"]
    data = read_yaml(project / "text" / "de.yaml")
    assert data["language"] == {"name": "Deutsch"} and data["status"] == "unreviewed"
    assert data["entries"] is None  # every entry is still to translate
    # The pictograms' words and the report's key messages come to translate in place too.
    english = read_yaml(BUNDLED / "text" / "en.yaml")
    assert data["icons"] == english["icons"]
    assert data["leaflets"]["press-report"]["key_messages"] == \
        english["leaflets"]["press-report"]["key_messages"]
    assert _status(run, project, "your-rights", "de")["entries"]["missing"] == 3
    code, _, stderr = run("build", "-p", project, "-o", "out", "--lang", "de",
                          "--leaflet", "your-rights", "-v")
    assert code == 0, stderr
    assert "de: entry asylum-right: not translated; printed in English (en)" in stderr
    english = read_yaml(BUNDLED / "text" / "en.yaml")["entries"]["asylum-right"]["question"]
    assert english in pdf_text(Path("out") / "your-rights" / "your-rights.de.pdf")


def test_an_entry_uncommented_and_translated_counts_as_translated(run, project: Path):
    run("lang", "add", "de", "-p", project)
    path = project / "text" / "de.yaml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"  # asylum-right:\n(?:  #   .*\n)+", text).group(0)
    translated = block.replace("  # ", "  ", ).replace(
        "Can I ask for asylum in Lithuania?", "Kann ich in Litauen Asyl beantragen?")
    path.write_text(text.replace(block, translated), encoding="utf-8")
    row = _status(run, project, "your-rights", "de")
    assert row["entries"]["unreviewed"] == 1 and row["entries"]["missing"] == 2
    assert row["entries"]["outdated"] == 0  # it says which source text it was made from


def test_a_translation_may_start_from_another_language(run, project: Path):
    code, _, stderr = run("lang", "add", "uk", "--from", "ru", "-p", project)
    assert code == 0, stderr
    text = (project / "text" / "uk.yaml").read_text(encoding="utf-8")
    assert "started from Русский (ru)" in text
    russian = read_yaml(BUNDLED / "text" / "ru.yaml")
    assert f"title: {russian['leaflets']['village-handout']['title']}" in text
    assert read_yaml(project / "text" / "uk.yaml")["language"]["name"] == "Українська"


@pytest.mark.parametrize("args, message", [
    (("lt",), "'lt' is already a language of this project: translate it in this file, or "
              "with `leafletgen po export lt`"),
    (("xx",), "cannot add 'xx': an unknown language 'xx' (a code from ISO 639, e.g. lt, ar, "
              "ckb)"),
    (("DE_de",), "cannot add 'DE_de': not a language code such as de, sr-Latn or pt-BR"),
])
def test_a_code_that_cannot_be_added_is_refused(run, project: Path, args, message: str):
    before = sorted(p.name for p in (project / "text").iterdir())
    code, _, stderr = run("lang", "add", *args, "-p", project)
    assert code == 1
    assert message in stderr
    assert sorted(p.name for p in (project / "text").iterdir()) == before


def test_exporting_a_language_the_project_lacks_says_how_to_start_it(run, project: Path):
    code, _, stderr = run("po", "export", "-p", project, "de")
    assert code == 2
    assert "'de' is not a language of this project yet; start it with: leafletgen lang add " \
        "de" in stderr


def test_a_whole_review_makes_a_language_final_and_records_who(run, project: Path):
    before = (project / "text" / "lt.yaml").read_text(encoding="utf-8")
    code, stdout, stderr = run("review", "lt", "--by", "Ona K.", "-p", project)
    assert code == 0, stderr
    assert stdout.startswith("reviewed by Ona K. in project/text/lt.yaml: the labels and "
                             "titles, and 15 entries (met-people, ")
    assert "not reviewed: entry asylum-right: not translated yet" in stderr
    after = (project / "text" / "lt.yaml").read_text(encoding="utf-8")
    assert before.splitlines()[0] in after  # comments kept
    data = read_yaml(project / "text" / "lt.yaml")
    today = datetime.date.today()
    assert data["status"] == "reviewed" and data["review"] == {"by": "Ona K.", "date": today}
    entry = data["entries"]["who-pays"]
    assert entry["status"] == "reviewed"
    assert entry["review"] == {"by": "Ona K.", "date": today, "source": entry["translated_from"]}
    assert _status(run, project, "fact-sheet", "lt")["final"] is True
    code, _, stderr = run("build", "-p", project, "-o", "out", "--final", "--lang", "lt",
                          "--leaflet", "fact-sheet")
    assert code == 0, stderr


def test_a_review_of_named_entries_marks_only_those(run, project: Path):
    code, stdout, stderr = run("review", "fr", "asylum-right", "--by", "Amina", "-p", project)
    assert code == 0, stderr
    assert stdout == "reviewed by Amina in project/text/fr.yaml: 1 entry (asylum-right)\n"
    data = read_yaml(project / "text" / "fr.yaml")
    assert data["status"] == "unreviewed"
    assert data["entries"]["asylum-right"]["status"] == "reviewed"
    assert "status" not in data["entries"]["tell-officers"]
    row = _status(run, project, "your-rights", "fr")
    assert row["entries"]["reviewed"] == 1 and row["final"] is False


@pytest.mark.parametrize("args, message", [
    (("lt", "asylum-right"), "project/text/lt.yaml: entries.asylum-right: cannot be reviewed: "
                             "not translated yet"),
    (("en",), "cannot review 'en': it is the source language, which is not translated"),
    (("lt", "no-such-entry"), "entries.no-such-entry: no such entry in entries.yaml"),
])
def test_what_cannot_be_reviewed_is_refused(run, project: Path, args, message: str):
    before = {p.name: p.read_bytes() for p in (project / "text").iterdir()}
    code, _, stderr = run("review", *args, "--by", "Ona", "-p", project)
    assert code == 1
    assert message in stderr
    assert {p.name: p.read_bytes() for p in (project / "text").iterdir()} == before


def test_new_text_from_a_translator_needs_a_new_review(run, project: Path):
    import polib

    run("review", "lt", "who-pays", "--by", "Ona", "-p", project)
    run("po", "export", "-p", project, "lt", "-o", "lt.po")
    catalogue = polib.pofile("lt.po")
    [message] = [m for m in catalogue if m.msgctxt == "entries.who-pays.question"]
    message.msgstr = "Kas už tai moka?"
    catalogue.save()
    code, _, stderr = run("po", "import", "-p", project, "lt.po")
    assert code == 0, stderr
    entry = read_yaml(project / "text" / "lt.yaml")["entries"]["who-pays"]
    assert entry["status"] == "unreviewed" and "review" not in entry


def test_a_project_folder_that_refuses_writing_is_one_sentence(run, project: Path):
    import os
    import stat
    import subprocess

    text = project / "text"
    # As root, permissions do not stop writing: a read-only bind mount does.
    mounted = subprocess.run(["mount", "--bind", "-o", "ro", text, text], capture_output=True)
    if mounted.returncode != 0:
        os.chmod(text, stat.S_IRUSR | stat.S_IXUSR)
        if os.access(text, os.W_OK):
            pytest.skip("cannot make a folder read-only here")
    try:
        code, _, stderr = run("lang", "add", "de", "-p", project)
        assert code == 1
        assert "project/text/de.yaml: cannot write it: " in stderr
        assert "copy the project to a folder you can write to" in stderr
        assert "Traceback" not in stderr
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", text], check=True)
        else:
            os.chmod(text, 0o755)
