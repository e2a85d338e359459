"""Rendering in worker processes changes nothing but the time it takes."""

from __future__ import annotations

from pathlib import Path

from conftest import BUNDLED, tree_snapshot
from leafletgen.build import BuildOptions, DocumentMade, build
from leafletgen.state import STATE_NAME


def test_one_and_two_workers_give_identical_pdfs_reports_and_manifests(tmp_path: Path):
    seen = {}
    for jobs in (1, 2):
        progress: list = []
        result = build(BuildOptions(BUNDLED, tmp_path / f"jobs-{jobs}",
                                    leaflets=("your-rights", "pocket-card"),
                                    languages=("en", "ar"), jobs=jobs),
                       report=progress.append)
        # 2 languages of your-rights (screen), 2 of the pocket card (screen, print, grey).
        assert len(result.rendered) == 2 + 2 * 3
        files = tree_snapshot(tmp_path / f"jobs-{jobs}")
        files.pop(STATE_NAME)
        # Progress lines in the same order, whatever finished first (timings differ).
        order = [(event.index, event.name) for event in progress if isinstance(event, DocumentMade)]
        seen[jobs] = (files, order)
    assert seen[1] == seen[2]


def _submitted(tmp_path: Path, languages: tuple[str, ...]):
    """The bundled project's documents in `languages`, composed and given to workers that
    only record them: (the started work, each group of documents as given, in order, and
    the (leaflet, language) pairs the build selected)."""
    from leafletgen import build as building
    from leafletgen.build import check, select
    from leafletgen.compose import make_environment
    from leafletgen.state import BuildState

    class Recording:
        def __init__(self) -> None:
            self.groups: list[list] = []

        def submit(self, documents) -> None:
            self.groups.append(documents)

    project, fonts = check(BUNDLED)
    options = BuildOptions(BUNDLED, tmp_path / "out", languages=languages)
    pairs = select(project, options)
    workers = Recording()
    work = building._compose_and_submit(options, project, fonts, pairs,
                                        make_environment(project),
                                        BuildState(tmp_path / "out"), workers)
    return work, workers.groups, pairs


def test_the_longest_documents_are_given_to_the_workers_first(tmp_path: Path):
    """A leaflet's outputs in a language go to the workers as soon as they are composed,
    the most paper first, so that no worker is left with the long report at the end; the
    build still writes and reports them in the project's order."""
    work, groups, pairs = _submitted(tmp_path, ("en", "lt"))
    leaflets = [group[0].leaflet_id for group in groups]
    # Paper per language: the handout's four A5 pages in four kinds, the tri-fold's six DL
    # panels in three, the report's four A4 pages, then one A4 page, two A5 pages, the
    # A6 card in three kinds; in the project's order where it is the same.
    assert leaflets == ["village-handout"] * 2 + ["village-trifold"] * 2 + ["press-report"] * 2 \
        + ["fact-sheet"] * 2 + ["your-rights", "pocket-card"]
    assert work.submitted == sum(map(len, groups)) == len(work.composed)
    assert [(document.leaflet_id, document.language) for document in work.composed] == [
        (leaflet.id, code) for leaflet, code in pairs for _ in leaflet.outputs]


def test_a_leaflet_set_in_nastaliq_is_given_to_the_workers_before_its_paper_says(tmp_path: Path):
    """Urdu, drawn as outlines and measured line by line, takes three times as long as
    the same paper in Latin: its two A5 pages and its card go before the English A4 fact
    sheet, which takes longer than the English two pages, so that the Urdu card, in three
    kinds, is not the one left at the end."""
    _, groups, _ = _submitted(tmp_path, ("en", "ur"))
    assert [f"{group[0].leaflet_id} {group[0].language}" for group in groups][-5:] == [
        "your-rights ur", "pocket-card ur", "fact-sheet en", "your-rights en", "pocket-card en"]
