"""Broken projects: every problem reported at once, with file, line and key, exit code 1."""

from __future__ import annotations

from pathlib import Path

from conftest import edit


def problems(run, project: Path) -> list[str]:
    code, stdout, stderr = run("check", "--project", project)
    assert code == 1, stdout + stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines[0].startswith("error: ")
    return [line.strip() for line in lines[1:]]


def test_the_fixture_project_is_valid(run, small_project: Path):
    code, stdout, _ = run("check", "--project", small_project)
    assert (code, stdout) == (0, "ok: 1 leaflet(s), 2 language(s), 2 PDF(s) to build\n")


def test_yaml_syntax_error(run, small_project: Path):
    edit(small_project / "text" / "lt.yaml", "  help:\n", "  help: [\n")
    assert problems(run, small_project) == [
        "small/text/lt.yaml:24:13: YAML syntax error: while parsing a flow sequence, "
        "expected ',' or ']', but got ':'"]


def test_unknown_key(run, small_project: Path):
    edit(small_project / "project.yaml", "    pages: 1\n", "    pages: 1\n    colour: red\n")
    assert problems(run, small_project) == [
        "small/project.yaml:12:5: leaflets.card.colour: unknown key (allowed here: bleed_mm, "
        "charts, companion, copyfit, cover_image, figures, format, languages, outputs, pages, "
        "published, qr, sections, template)"]


def test_missing_section_heading(run, small_project: Path):
    # A missing entry falls back to another language (test_translation.py); a missing
    # heading has nothing to fall back to.
    edit(small_project / "text" / "lt.yaml", "      main: Klausimai\n", "      other: Kita\n")
    assert problems(run, small_project) == [
        "small/text/lt.yaml:15:5: leaflets.card.sections.main: missing: the section heading "
        "(leaflet 'card' is built in lt)"]


def test_unknown_source(run, small_project: Path):
    edit(small_project / "entries.yaml", "cites: [code]", "cites: [code, penal-code]")
    assert problems(run, small_project) == [
        "small/entries.yaml:2:17: legal.cites[1]: cites unknown source 'penal-code' (not in "
        "sources.yaml)"]


def test_every_problem_in_every_file_at_once(run, small_project: Path):
    edit(small_project / "project.yaml", '"+370 608 712 04"', '"608 712 04"')
    edit(small_project / "project.yaml", "https://example.org", "javascript:alert(1)")
    edit(small_project / "sources.yaml", "date: 2000-09-26", "date: last year")
    edit(small_project / "text" / "en.yaml", "  draft_mark: DRAFT\n", "")
    edit(small_project / "text" / "lt.yaml", "status: unreviewed", "status: done")
    assert problems(run, small_project) == [
        "small/project.yaml:3:3: organisation.website: not a web address: 'javascript:alert(1)' "
        "(expected https://...)",
        "small/project.yaml:4:3: organisation.hotline: not an international phone number: "
        "'608 712 04' (expected + country code and digits, e.g. \"+370 608 712 04\")",
        "small/sources.yaml:4:3: code.date: must be a date written as YYYY-MM-DD",
        "small/text/en.yaml:3:1: labels: missing key 'draft_mark'",
        "small/text/lt.yaml:3:1: status: must be reviewed or unreviewed, not text 'done'",
    ]


def test_duplicate_key_is_not_silently_dropped(run, small_project: Path):
    edit(small_project / "text" / "en.yaml", "  help:\n", "  legal:\n    question: Again?\n"
         "    answer: Again.\n  help:\n")
    assert problems(run, small_project) == [
        "small/text/en.yaml:20:3: entries.legal: duplicate key (first given on line 17)"]


def test_unknown_entry_and_language_in_a_leaflet(run, small_project: Path):
    edit(small_project / "project.yaml", "languages: [en, lt]", "languages: [en, lt, pl]")
    edit(small_project / "project.yaml", "entries: [legal, help]", "entries: [legal, hepl]")
    assert problems(run, small_project) == [
        "small/project.yaml:12:25: leaflets.card.languages[2]: no language file text/pl.yaml",
        "small/project.yaml:15:26: leaflets.card.sections[0].entries[1]: unknown entry 'hepl' "
        "(not in entries.yaml)",
    ]


def test_not_a_project(run, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    assert problems(run, tmp_path / "empty") == [
        "empty/project.yaml: missing: this folder is not a leafletgen project (run "
        "`leafletgen init DIR` to start one)"]


def test_companion_language_must_exist_and_give_the_leaflets_text(run, small_project: Path):
    edit(small_project / "project.yaml", "    languages: [en, lt]\n",
         "    languages: [en]\n    companion: lt\n")
    edit(small_project / "text" / "lt.yaml", "      main: Klausimai\n", "      other: Kita\n")
    assert problems(run, small_project) == [
        "small/text/lt.yaml:15:5: leaflets.card.sections.main: missing: the section heading "
        "(leaflet 'card' prints lt beside every language)"]
    edit(small_project / "project.yaml", "companion: lt", "companion: uk")
    assert problems(run, small_project) == [
        "small/project.yaml:13:5: leaflets.card.companion: no language file text/uk.yaml"]


def test_a_leaflet_without_languages_needs_a_language_that_gives_its_text(
        run, small_project: Path):
    edit(small_project / "project.yaml", "    languages: [en, lt]\n", "")
    edit(small_project / "project.yaml", "  card:\n", "  poster:\n", )
    assert problems(run, small_project)[0].startswith(
        "small/project.yaml:8:3: leaflets.poster: no language file gives this leaflet's text")


def test_placeholders_must_be_known_well_formed_and_kept_by_translations(run, small_project):
    edit(small_project / "text" / "en.yaml", "      - Call the hotline.",
         "      - Call the hotline: {hotline}.")
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: No, under Article 291 part 2 {source:code}, see {websit}.")
    edit(small_project / "text" / "lt.yaml", "answer: Taip.", "answer: Taip, {hotline.")
    assert problems(run, small_project) == [
        "small/text/en.yaml:19:5: entries.legal.answer: unknown placeholder {websit} (known: "
        "{hotline}, {website}, {source:<cited source id>}, {stat:<figure id>}, "
        "{icon:<pictogram>})",
        "small/text/lt.yaml:21:5: entries.legal.answer: placeholder {source:code} of the source "
        "text is missing: copy it into the translation unchanged",
        "small/text/lt.yaml:21:5: entries.legal.answer: placeholder {websit} of the source text "
        "is missing: copy it into the translation unchanged",
        "small/text/lt.yaml:25:5: entries.help.answer: broken placeholder near 'Taip, {hotline.': "
        "write {name}, or {{ and }} for literal braces",
        "small/text/lt.yaml:25:5: entries.help.answer: placeholder {hotline} of the source text "
        "is missing: copy it into the translation unchanged"]


# Phrases to say, key messages and the press contact.

def test_a_phrase_to_say_needs_the_officials_language_and_its_words(run, small_project: Path):
    edit(small_project / "entries.yaml", "help: {}", "help:\n  say: [legal, nothing]")
    assert problems(run, small_project) == [
        "small/entries.yaml:4:16: help.say[1]: says unknown entry 'nothing' (not in "
        "entries.yaml)",
        "small/project.yaml:1:1: organisation.officials_language: missing: leaflet 'card' "
        "prints phrases to say (help says legal), and they are printed in the officials' "
        "language too: name it, e.g. `officials_language: lt`"]
    edit(small_project / "project.yaml", "  source_language: en\n",
         "  source_language: en\n  officials_language: lt\n")
    edit(small_project / "entries.yaml", "[legal, nothing]", "[legal]")
    edit(small_project / "text" / "lt.yaml", "  legal:\n", "  legal-gone:\n")
    found = problems(run, small_project)
    assert ("small/text/lt.yaml:17:1: entries.legal: missing: the phrase 'legal', which "
            "'help' prints in lt (leaflet 'card')") in found


def test_a_translation_gives_as_many_key_messages_as_the_source(run, small_project: Path):
    edit(small_project / "text" / "en.yaml", "    title: Test card\n",
         "    title: Test card\n    key_messages: [One., Two.]\n")
    edit(small_project / "text" / "lt.yaml", "    title:", "    key_messages: [Vienas.]\n"
         "    title:")
    assert any("leaflets.card.key_messages: 1 key messages where the source language has 2 "
               "(leaflet 'card' is built in lt)" in line for line in problems(run, small_project))


def test_a_press_contact_is_a_name_a_phone_and_maybe_an_email(run, small_project: Path):
    edit(small_project / "project.yaml", "  source_language: en\n",
         "  source_language: en\n  press_contact: {name: Ona, phone: \"+370 600 00000\", "
         "email: not-an-address}\n")
    assert problems(run, small_project) == [
        "small/project.yaml:6:55: organisation.press_contact.email: not an e-mail address "
        "such as press@example.org"]


def test_a_phrase_said_twice_or_in_a_language_without_a_file(run, small_project: Path):
    edit(small_project / "entries.yaml", "help: {}", "help:\n  say: [legal, legal]")
    edit(small_project / "project.yaml", "  source_language: en\n",
         "  source_language: en\n  officials_language: de\n")
    assert problems(run, small_project) == [
        "small/entries.yaml:4:16: help.say[1]: 'legal' is listed twice",
        "small/project.yaml:6:3: organisation.officials_language: no language file "
        "text/de.yaml"]
