"""The pipeline's model (model.py): what is worked out from several files."""

from __future__ import annotations

import pytest

from conftest import BUNDLED
from leafletgen.build import check
from leafletgen.model import PAGE_FORMATS, office_format


def test_a_roll_folds_tucked_in_panel_is_narrower():
    trifold = PAGE_FORMATS["DL-trifold"]
    assert [trifold.page_width_mm(page) for page in range(1, 7)] == [100, 97, 100, 100, 97, 100]
    assert sum(trifold.page_width_mm(page) for page in (1, 2, 3)) == 297  # one A4 side
    assert PAGE_FORMATS["A5"].page_width_mm(2) == 148


@pytest.mark.parametrize("name, copies_mm", [
    ("A6", (97.0, 140.5)),  # 2 x 2 on A4: (210 - 2 x 5 - 6) / 2, (297 - 2 x 5 - 6) / 2
    ("A5", (140.5, 200.0)),  # 2 x 1 on A4 landscape
    ("A4", (200.0, 287.0)),  # one, inside the margin
    ("DL", (91.6, 200.0)),  # 3 x 1 on A4 landscape: (297 - 10 - 2 x 6) / 3
    ("credit-card", (85.6, 52.6)),  # 2 x 5: (297 - 10 - 4 x 6) / 5, its width fits
    ("A5-booklet", (143.5, 200.0)),  # two pages across A4 landscape, no gutter at a fold
    ("DL-trifold", (96.6, 200.0)),  # 96.6 + 96.6 + 93.6 = 286.8 mm of 287
])
def test_office_copies_fit_inside_a_5_mm_margin_with_6_mm_gutters(name, copies_mm):
    page = office_format(PAGE_FORMATS[name])
    assert (page.width_mm, page.height_mm) == copies_mm
    assert (page.name, page.pages, page.fold) == (name, PAGE_FORMATS[name].pages,
                                                 PAGE_FORMATS[name].fold)


def test_sources_are_cited_in_order_of_first_citation_once_each():
    project, _ = check(BUNDLED)
    leaflet = project.leaflets["fact-sheet"]
    cited = [source.id for source in project.cited_sources(leaflet)]
    first_uses = []
    for entry_id in leaflet.entry_ids:
        first_uses += [s for s in project.entries[entry_id].cites if s not in first_uses]
    for figure_id in leaflet.figure_ids:
        source = project.statistics[figure_id].source
        first_uses += [source] if source not in first_uses else []
    assert cited == first_uses and len(cited) == len(set(cited))


def test_a_leaflet_is_made_in_every_language_that_gives_its_title():
    project, _ = check(BUNDLED)
    # your-rights lists no languages: the source language first, then the others.
    assert project.leaflets["your-rights"].languages == (
        "en", "am", "ar", "ckb", "es", "fa", "fr", "hi", "kmr", "prs", "ps", "ru", "so", "ta",
        "ti", "ur")
