"""The pipeline's model (model.py): what is worked out from several files."""

from __future__ import annotations

from conftest import BUNDLED
from leafletgen.build import check
from leafletgen.model import PAGE_FORMATS


def test_a_roll_folds_tucked_in_panel_is_narrower():
    trifold = PAGE_FORMATS["DL-trifold"]
    assert [trifold.page_width_mm(page) for page in range(1, 7)] == [100, 97, 100, 100, 97, 100]
    assert sum(trifold.page_width_mm(page) for page in (1, 2, 3)) == 297  # one A4 side
    assert PAGE_FORMATS["A5"].page_width_mm(2) == 148


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
        "en", "ar", "ckb", "fa", "fr", "ps", "ru", "ti")
