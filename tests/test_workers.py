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
                                    languages=("en", "ar", "ti"), jobs=jobs),
                       report=progress.append)
        # 3 languages of your-rights (screen), 3 of the pocket card (screen, print, grey).
        assert len(result.rendered) == 3 + 3 * 3
        files = tree_snapshot(tmp_path / f"jobs-{jobs}")
        files.pop(STATE_NAME)
        # Progress lines in the same order, whatever finished first (timings differ).
        order = [(event.index, event.name) for event in progress if isinstance(event, DocumentMade)]
        seen[jobs] = (files, order)
    assert seen[1] == seen[2]
