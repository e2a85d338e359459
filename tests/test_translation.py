"""The translation workflow: outdated and missing text, fallback, drafts and --final."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pikepdf

from conftest import BUNDLED, edit, page_texts, pdf_text, read_yaml

LT = "small/text/lt.yaml"


def source_fingerprint(question: str, answer: str) -> str:
    """Written here from the documented rule, not imported: whitespace-folded question and
    answer, one per line, sha256, first 12 hex digits."""
    text = "\n".join(" ".join(part.split()) for part in (question, answer))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def mark_reviewed(project: Path) -> None:
    """What a reviewer does: the whole Lithuanian file is checked and current."""
    edit(project / "text" / "lt.yaml", "status: unreviewed", "status: reviewed")


def test_the_bundled_translations_are_current(run):
    # Every translation records the fingerprint of today's source: none is outdated.
    code, stdout, _ = run("status", "-p", BUNDLED, "--json")
    assert code == 0
    rows = json.loads(stdout)
    assert rows and all(row["entries"]["outdated"] == 0 and row["entries"]["missing"] == 0
                        for row in rows)
    en = read_yaml(BUNDLED / "text" / "en.yaml")["entries"]["who-pays"]
    lt = read_yaml(BUNDLED / "text" / "lt.yaml")["entries"]["who-pays"]
    assert lt["translated_from"] == source_fingerprint(en["question"], en["answer"])


def test_a_reviewed_current_translation_builds_final(run, small_project: Path):
    mark_reviewed(small_project)
    code, stdout, stderr = run("build", "-p", small_project, "-o", "out", "--final")
    assert code == 0, stderr
    assert "are drafts" not in stdout + stderr
    assert "next: every PDF is final" in stderr


def test_editing_the_source_makes_translations_outdated_and_final_builds_fail(
        run, small_project: Path, tmp_path: Path):
    mark_reviewed(small_project)
    assert run("build", "-p", small_project, "-o", "out", "--final")[0] == 0
    before = (tmp_path / "out" / "card" / "card.lt.pdf").read_bytes()
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: No. Article 291, part 2, frees you from liability.")

    code, _, stderr = run("build", "-p", small_project, "-o", "out", "--final")
    assert code == 1
    assert stderr.splitlines()[1:] == [
        f"  {LT}:18: entries.legal: card in lt cannot be final: source text changed since it "
        "was translated; printed in English (en) (once the translation matches the source "
        "again, set translated_from: " + source_fingerprint(
            "Is crossing to ask for asylum a crime?",
            "No. Article 291, part 2, frees you from liability.") + ")"]
    # Nothing was rendered or written.
    assert (tmp_path / "out" / "card" / "card.lt.pdf").read_bytes() == before

    # Without --final the leaflet is built as a draft that prints the English answer,
    # marked with the language it comes from.
    code, _, stderr = run("build", "-p", small_project, "-o", "out")
    assert code == 0, stderr
    pdf = tmp_path / "out" / "card" / "card.lt.pdf"
    text = pdf_text(pdf)
    assert "No. Article 291, part 2, frees you from liability." in text
    assert "ENGLISH" in text  # the fallback mark (set in capitals)
    assert "Ne, pagal 291 straipsnio 2 dalį." not in text
    assert all("JUODRAŠTIS" in page for page in page_texts(pdf))
    with pikepdf.open(pdf) as document:
        assert "DRAFT" in str(document.docinfo["/Keywords"])
    record = next(r for r in json.loads((tmp_path / "out" / "manifest.json").read_text())
                  ["outputs"] if r["language"] == "lt")
    assert record["draft"] is True
    assert record["draft_reasons"] == [
        "lt: entry legal: source text changed since it was translated; printed in English (en)"]

    # The translator updates the text and records the new fingerprint: final again.
    new = source_fingerprint("Is crossing to ask for asylum a crime?",
                             "No. Article 291, part 2, frees you from liability.")
    edit(small_project / "text" / "lt.yaml", "translated_from: b2ae4ce1436a",
         f"translated_from: {new}")
    edit(small_project / "text" / "lt.yaml", "answer: Ne, pagal 291 straipsnio 2 dalį.",
         "answer: Ne. 291 straipsnio 2 dalis atleidžia nuo atsakomybės.")
    assert run("build", "-p", small_project, "-o", "out", "--final")[0] == 0
    assert "Ne. 291 straipsnio 2 dalis atleidžia nuo atsakomybės." in pdf_text(pdf)


def test_unreviewed_text_blocks_final_with_each_entry_named(run, small_project: Path):
    code, _, stderr = run("build", "-p", small_project, "-o", "out", "--final")
    assert code == 1
    assert stderr.splitlines()[1:] == [
        f"  {LT}:3: status: card in lt cannot be final: translation not reviewed",
        f"  {LT}:18: entries.legal: card in lt cannot be final: translation not reviewed",
        f"  {LT}:22: entries.help: card in lt cannot be final: translation not reviewed"]


def test_a_missing_entry_falls_back_to_the_languages_chosen_fallback(tmp_path: Path, run):
    # Russian readers near the border read Lithuanian: the project says so for ru.
    project = tmp_path / "project"
    shutil.copytree(BUNDLED, project)
    edit(project / "text" / "ru.yaml", "  name: Русский\n", "  name: Русский\n  fallback: lt\n")
    ru = (project / "text" / "ru.yaml").read_text(encoding="utf-8")
    start = ru.index("  who-pays:\n")
    end = ru.index("  economic-migrants:\n")
    (project / "text" / "ru.yaml").write_text(ru[:start] + ru[end:], encoding="utf-8")

    code, stdout, _ = run("status", "-p", project, "--json")
    row = next(r for r in json.loads(stdout)
               if (r["leaflet"], r["language"]) == ("village-handout", "ru"))
    assert row["entries"]["missing"] == 1 and row["final"] is False

    code, _, stderr = run("build", "-p", project, "-o", "out", "--lang", "ru",
                          "--leaflet", "village-handout", "-v")
    assert code == 0, stderr
    text = pdf_text(tmp_path / "out" / "village-handout" / "village-handout.ru.pdf")
    lt_question = read_yaml(BUNDLED / "text" / "lt.yaml")["entries"]["who-pays"]["question"]
    assert lt_question in text
    assert "LIETUVIŲ" in text  # the fallback mark names the language
    assert "ru: entry who-pays: not translated; printed in Lietuvių (lt)" in stderr


def test_status_prints_a_table_of_leaflets_and_languages(run, small_project: Path):
    code, stdout, _ = run("status", "-p", small_project)
    assert code == 0
    assert stdout.splitlines() == [
        "leaflet  lang  source  reviewed  unreviewed  outdated  missing  state  why",
        "card     en    2       -         -           -         -        final",
        "card     lt    -       -         2           -         -        draft  not reviewed: "
        "the labels and titles, 2 entries",
    ]


def test_a_copied_language_file_is_told_what_it_lacks(run, tmp_path: Path):
    """A coordinator copies en.yaml to de.yaml, as people do: the build says that no
    leaflet is made in de, and once listed, that the copy does not say what it was
    translated from, with the fingerprint to give."""
    run("init", "project")
    project = tmp_path / "project"
    shutil.copy(project / "text" / "en.yaml", project / "text" / "de.yaml")
    code, _, stderr = run("check", "-p", project)
    assert code == 0
    assert ("warning: project/text/de.yaml: no leaflet is made in de: add de to the "
            "`languages:` of the leaflets it is for in project.yaml (first-leaflet)") in stderr
    edit(project / "project.yaml", "languages: [en]", "languages: [en, de]")
    code, _, stderr = run("build", "-p", project, "-o", "out", "--final")
    assert code == 1
    assert re.search(r"project/text/de.yaml:\d+: entries.first-question: first-leaflet in de "
                     r"cannot be final: it does not say which source text it was translated "
                     r"from: add translated_from \(leafletgen status --entries gives it\); "
                     r"printed in English \(en\) \(the current source text's is [0-9a-f]{12}\)",
                     stderr), stderr
    assert "no leaflet is made in de" not in stderr
