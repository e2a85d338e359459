"""Round trip with translators' tools: export a language to PO, edit it as a translator
would (with polib), import it back."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from conftest import BUNDLED, edit, read_yaml


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(BUNDLED, target)
    return target


def export(run, project: Path, lang: str) -> polib.POFile:
    code, _, stderr = run("po", "export", "-p", project, lang, "-o", f"{lang}.po")
    assert code == 0, stderr
    return polib.pofile(str(Path.cwd() / f"{lang}.po"))


def message(catalogue: polib.POFile, key: str) -> polib.POEntry:
    [found] = [entry for entry in catalogue if entry.msgctxt == key]
    return found


def test_export_pairs_each_source_text_with_its_translation(run, project: Path):
    catalogue = export(run, project, "lt")
    assert catalogue.metadata["Language"] == "lt"
    en = read_yaml(project / "text" / "en.yaml")
    lt = read_yaml(project / "text" / "lt.yaml")
    entry = message(catalogue, "entries.who-pays.answer")
    assert entry.msgid == en["entries"]["who-pays"]["answer"].strip()
    assert entry.msgstr == lt["entries"]["who-pays"]["answer"].strip()
    assert "fuzzy" not in entry.flags
    # Entries lt has no text for yet (the your-rights leaflet) are there, untranslated.
    assert message(catalogue, "entries.asylum-right.question").msgstr == ""


def test_an_unedited_catalogue_changes_nothing(run, project: Path):
    before = (project / "text" / "lt.yaml").read_bytes()
    export(run, project, "lt")
    code, stdout, stderr = run("po", "import", "-p", project, "lt.po")
    assert code == 0, stderr
    assert stdout == ("nothing to change: lt.po holds what project/text/lt.yaml already "
                      "says\n")
    assert (project / "text" / "lt.yaml").read_bytes() == before


def test_import_changes_exactly_the_edited_texts_and_keeps_comments(run, project: Path):
    path = project / "text" / "lt.yaml"
    before_text = path.read_text(encoding="utf-8")
    before = read_yaml(path)
    catalogue = export(run, project, "lt")
    message(catalogue, "entries.helping-legal.answer").msgstr = "Ne.\n\nAntra pastraipa."
    message(catalogue, "labels.sources_heading").msgstr = "Nuorodos"
    catalogue.save()
    code, _, stderr = run("po", "import", "-p", project, "lt.po")
    assert code == 0, stderr
    after = read_yaml(path)
    assert after["entries"]["helping-legal"]["answer"] == "Ne.\n\nAntra pastraipa.\n"
    assert after["labels"]["sources_heading"] == "Nuorodos"
    before["entries"]["helping-legal"]["answer"] = after["entries"]["helping-legal"]["answer"]
    before["labels"]["sources_heading"] = "Nuorodos"
    assert after == before  # nothing else moved
    after_text = path.read_text(encoding="utf-8")
    comments = [line for line in before_text.splitlines() if line.startswith("#")]
    assert comments and comments == [line for line in after_text.splitlines()
                                     if line.startswith("#")]
    # The entries before the edited one are untouched, byte for byte.
    def entries_before_helping_legal(text: str) -> str:
        return text.split("\nentries:\n")[1].split("  helping-legal:")[0]

    assert entries_before_helping_legal(after_text) == entries_before_helping_legal(before_text)


def test_a_broken_placeholder_is_refused_and_nothing_is_written(run, project: Path):
    path = project / "text" / "fr.yaml"
    before = path.read_bytes()
    catalogue = export(run, project, "fr")
    entry = message(catalogue, "entries.tell-officers.answer")
    assert "{hotline}" in entry.msgid
    entry.msgstr = entry.msgstr.replace("{hotline}", "{hotline")
    message(catalogue, "labels.sources_heading").msgstr = "Références"  # a valid edit too
    catalogue.save()
    code, _, stderr = run("po", "import", "-p", project, "fr.po")
    assert code == 1
    assert "entries.tell-officers.answer: broken placeholder near" in stderr
    assert "placeholder {hotline} must appear 1 time(s) as in the source text, not 0" in stderr
    assert path.read_bytes() == before


def test_unknown_ids_and_a_wrong_language_are_refused(run, project: Path, tmp_path: Path):
    before = (project / "text" / "lt.yaml").read_bytes()
    catalogue = export(run, project, "lt")
    catalogue.append(polib.POEntry(msgctxt="entries.no-such-entry.answer", msgid="x",
                                   msgstr="y"))
    catalogue.save()
    code, _, stderr = run("po", "import", "-p", project, "lt.po")
    assert code == 1
    assert "entries.no-such-entry.answer: unknown id" in stderr
    catalogue.metadata["Language"] = "de"
    catalogue.save()
    code, _, stderr = run("po", "import", "-p", project, "lt.po")
    assert code == 1
    assert "Language: header names 'de', which is not a translation of this project" in stderr
    assert (project / "text" / "lt.yaml").read_bytes() == before


def test_outdated_entries_export_fuzzy_and_clearing_fuzzy_confirms_them(run, project: Path):
    edit(project / "text" / "en.yaml", "      Not all: many people we meet",
         "      Not all: most people we meet")
    code, stdout, _ = run("status", "-p", project, "--entries")
    assert "lt entry gone-to-germany: source text changed" in stdout
    catalogue = export(run, project, "lt")
    answer = message(catalogue, "entries.gone-to-germany.answer")
    question = message(catalogue, "entries.gone-to-germany.question")
    assert "fuzzy" in answer.flags and "fuzzy" in question.flags
    answer.msgstr = answer.msgstr.replace("daug", "dauguma")
    answer.flags.remove("fuzzy")
    question.flags.remove("fuzzy")
    catalogue.save()
    code, stdout, stderr = run("po", "import", "-p", project, "lt.po")
    assert code == 0, stderr
    assert "confirmed current: gone-to-germany" in stdout
    code, stdout, _ = run("status", "-p", project, "--entries")
    assert "lt entry gone-to-germany: translation not reviewed" in stdout
    assert "lt entry gone-to-germany: source text changed" not in stdout


def test_a_catalogue_that_is_a_fifo_is_refused_without_waiting(run, project: Path,
                                                                tmp_path: Path):
    import os

    os.mkfifo(tmp_path / "lt.po")
    before = (project / "text" / "lt.yaml").read_bytes()
    code, _, stderr = run("po", "import", "-p", project, tmp_path / "lt.po")
    assert code == 1
    assert "lt.po: is not a regular file (a named pipe); only ordinary files are read" in stderr
    assert (project / "text" / "lt.yaml").read_bytes() == before


def test_a_region_in_the_language_header_is_the_projects_language(run, project: Path):
    """Poedit and Weblate write `Language: lt_LT`; the project's language is `lt`."""
    catalogue = export(run, project, "lt")
    catalogue.metadata["Language"] = "lt_LT"
    message(catalogue, "entries.who-pays.question").msgstr = "Kas moka?"
    catalogue.save()
    code, stdout, stderr = run("po", "import", "-p", project, "lt.po")
    assert code == 0, stderr
    assert "1 text(s) changed (entries.who-pays.question)" in stdout
    assert read_yaml(project / "text" / "lt.yaml")["entries"]["who-pays"]["question"] == \
        "Kas moka?"


def test_import_keeps_the_files_permissions_and_the_projects_own_templates(run, project: Path):
    import os
    import stat

    # A leaflet whose template only the project has: the check after import must find it.
    (project / "templates").mkdir()
    shutil.copy(BUNDLED.parent / "templates" / "handout.html",
                project / "templates" / "our-handout.html")
    edit(project / "project.yaml", "template: handout.html", "template: our-handout.html")
    path = project / "text" / "lt.yaml"
    os.chmod(path, 0o640)
    catalogue = export(run, project, "lt")
    message(catalogue, "entries.who-pays.question").msgstr = "Kas moka?"
    catalogue.save()
    code, _, stderr = run("po", "import", "-p", project, "lt.po")
    assert code == 0, stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
