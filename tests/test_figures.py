"""Statistics as one source of truth: a figure changed once changes in every language."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pikepdf
import pytest

from conftest import BUNDLED, decode_qr, edit, page_texts, pdf_text, read_yaml


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(BUNDLED, target)
    return target


def test_a_figure_changed_once_changes_in_every_language(run, project: Path, tmp_path: Path):
    edit(project / "statistics.yaml", "  value: 1162", "  value: 1250")
    code, _, stderr = run("build", "-p", project, "-o", "out", "--leaflet", "village-handout",
                          "--for", "screen")
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
    assert ("text/en.yaml:116: entries.economic-migrants.answer: the figure 1162 is typed by "
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
    assert "statistics.yaml:6: refugee-status-lt: figure as of 1990-01-01 is " in stderr


def test_an_unknown_figure_is_an_error(run, project: Path):
    edit(project / "text" / "en.yaml", "{stat:refugee-status-lt}", "{stat:refugees}")
    code, _, stderr = run("check", "-p", project)
    assert code == 1
    assert ("entries.economic-migrants.answer: placeholder {stat:refugees}: no such figure in "
            "statistics.yaml") in stderr


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_fact_sheet_charts_are_labelled_in_the_leaflets_language(bundled_build: Path,
                                                                 lang: str):
    pdf = bundled_build / "fact-sheet" / f"fact-sheet.{lang}.pdf"
    content = read_yaml(BUNDLED / "text" / f"{lang}.yaml")
    [page] = page_texts(pdf)
    for title in content["leaflets"]["fact-sheet"]["charts"].values():
        assert title in page
    leaflet = read_yaml(BUNDLED / "project.yaml")["leaflets"]["fact-sheet"]
    shown = [*leaflet["figures"], *(f for chart in leaflet["charts"] for f in chart["figures"])]
    for figure_id in shown:
        assert content["figures"][figure_id] in page
    # The EU's decisions are one bar of three parts, each labelled with its share, in order,
    # and the chart names its source and its date.
    percent = {"en": "{}%", "lt": "{} %"}[lang]
    shares = [page.index(percent.format(n) + " " + content["figures"][f]) for n, f in
              [(24, "eu-refugee-rate-2023"), (20, "eu-subsidiary-rate-2023"),
               (56, "eu-other-decisions-2023")]]
    assert shares == sorted(shares)
    assert {"en": "European Union Agency for Asylum, June 18, 2024",
            "lt": "European Union Agency for Asylum, 2024 m. birželio 18 d."}[lang] in page
    # Charts and QR codes are drawn as vector graphics: no raster image in the PDF.
    with pikepdf.open(pdf) as document:
        assert not [obj for obj in document.objects if isinstance(obj, pikepdf.Stream)
                    and obj.get("/Subtype") == "/Image"]


def test_press_report_has_a_cover_running_heads_and_a_date(bundled_build: Path):
    pdf = bundled_build / "press-report" / "press-report.en.pdf"
    title = read_yaml(BUNDLED / "text" / "en.yaml")["leaflets"]["press-report"]["title"]
    cover, *rest = page_texts(pdf)
    assert len(rest) == 3
    assert "November 25, 2026" in cover
    assert title in cover
    # Three key messages and the press contact on the cover, not the people's hotline QR.
    text = read_yaml(BUNDLED / "text" / "en.yaml")["leaflets"]["press-report"]
    assert len(text["key_messages"]) == 3
    assert all(" ".join(message.split()) in cover for message in text["key_messages"])
    contact = read_yaml(BUNDLED / "project.yaml")["organisation"]["press_contact"]
    assert f"{contact['name']} {contact['phone']}" in cover
    assert not [target for _, target in decode_qr(pdf) if target.startswith("tel:")]
    # Running heads: the title and the organisation, on every page but the cover.
    head = f"{title} Sienos Grupė"
    assert all(head in page for page in rest)
    assert head not in cover
    lt_cover = page_texts(bundled_build / "press-report" / "press-report.lt.pdf")[0]
    assert "2026 m. lapkričio 25 d." in lt_cover


def test_dates_in_the_future_are_warnings(run, project: Path):
    _, _, stderr = run("check", "-p", project)
    assert "in the future" not in stderr
    next_year = datetime.date.today().year + 1
    edit(project / "sources.yaml", "  date: 2000-09-26", f"  date: {next_year}-09-26")
    edit(project / "statistics.yaml", "  as_of: 2024-01-15\n  source: migration-department\n"
         "subsidiary", f"  as_of: {next_year}-01-15\n  source: migration-department\nsubsidiary")
    code, _, stderr = run("check", "-p", project)
    assert code == 0
    assert (f"warning: leaflets/sources.yaml:3: criminal-code.date: {next_year}-09-26 is in "
            "the future: check it") in stderr.replace("project/", "leaflets/")
    assert (f"warning: leaflets/statistics.yaml:6: refugee-status-lt.as_of: {next_year}-01-15 "
            "is in the future: check it") in stderr.replace("project/", "leaflets/")
    code, _, stderr = run("build", "-p", project, "--strict", "--leaflet", "fact-sheet")
    assert code == 1 and "is in the future" in stderr
