"""Pictograms: named by content, drawn from the vendored icons in the brand's colour,
tagged as figures with words in the document's language, mirrored where they point."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from conftest import BUNDLED, edit, figure_alts, read_yaml
from leafletgen.pictograms import MIRRORED_IN_RTL, icon_names, pictogram
from leafletgen.resources import builtin_dir


def test_the_vendored_icons_are_those_named_with_their_licence():
    folder = builtin_dir("icons")
    assert (folder / "LICENSE").read_text().startswith("MIT License")
    readme = (folder / "README.md").read_text()
    assert icon_names() == {"phone", "message-circle", "droplet", "ambulance", "clock",
                            "file-text", "shield-check"}
    assert all(f"| {name} |" in readme for name in icon_names())


def test_an_icon_is_drawn_in_the_colour_given_and_mirrored_only_where_it_points():
    drawn = pictogram("droplet", "Water", "#1773e6", rtl=True)
    svg = base64.b64decode(drawn.data_uri.split(",", 1)[1]).decode()
    assert 'stroke="#1773e6"' in svg and "currentColor" not in svg
    assert not drawn.mirrored  # a drop has no direction
    assert pictogram("message-circle", "", "#000000", rtl=True).mirrored
    assert not pictogram("message-circle", "", "#000000", rtl=False).mirrored
    assert icon_names() >= MIRRORED_IN_RTL


@pytest.mark.parametrize("lang", ["en", "ar", "ti"])
def test_each_pictogram_is_a_figure_with_words_in_the_leaflets_language(bundled_build: Path,
                                                                        lang: str):
    words = read_yaml(BUNDLED / "text" / f"{lang}.yaml")["icons"]
    alts = figure_alts(bundled_build / "your-rights" / f"your-rights.{lang}.pdf")
    # The steps of "what to say": speak, papers, call; the phone under the title; the
    # speech bubble of the "say this" box.
    for name in ("message-circle", "file-text", "phone"):
        assert words[name] in alts, (lang, name, alts)
    english = read_yaml(BUNDLED / "text" / "en.yaml")["icons"]
    if lang != "en":
        assert not set(english.values()) & set(alts)


def test_a_step_names_its_pictogram_and_an_unknown_one_is_an_error(run, small_project: Path):
    edit(small_project / "text" / "en.yaml", "answer: No, under Article 291 part 2.",
         "answer: \"{icon:dropplet} No, under Article 291 part 2.\"")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert "placeholder {icon:dropplet}: no such pictogram (known: ambulance, clock" in stderr


def test_an_entry_icon_must_be_one_of_the_set(run, small_project: Path):
    edit(small_project / "entries.yaml", "help: {}", "help:\n  icon: tractor")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert "help.icon: no pictogram 'tractor' (known: ambulance, clock" in stderr


def test_a_pictogram_in_a_question_is_refused(run, small_project: Path):
    edit(small_project / "text" / "en.yaml", "question: May I help?",
         "question: \"{icon:phone} May I help?\"")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert ("entries.help.question: a pictogram {icon:…} goes in the answer, at the start of "
            "a step; an entry's own is `icon:` in entries.yaml") in stderr


def test_the_source_language_gives_words_for_every_pictogram_its_leaflets_print(
        run, small_project: Path):
    edit(small_project / "entries.yaml", "help: {}", "help:\n  icon: phone")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert ("small/text/en.yaml:1: icons.phone: missing: words for the pictogram 'phone' "
            "(leaflet 'card' prints it)") in stderr
    edit(small_project / "text" / "en.yaml", "leaflets:\n", "icons:\n  phone: Telephone\n"
         "leaflets:\n")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 0, stderr  # Lithuanian lacks the words: it prints the English ones
