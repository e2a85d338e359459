"""Copyfit steps and the overflow message, without rendering."""

from __future__ import annotations

from leafletgen.fit import MAX_STEPS, STEP_PT, Copyfit, TypeScale, overflow_message


def test_copyfit_steps_down_from_the_designed_size_to_the_minimum():
    designed = Copyfit(0)
    assert designed(body_pt=9, min_body_pt=8).body_pt == 9
    assert designed.steps == 4  # 8.75, 8.5, 8.25, 8
    smallest = Copyfit(designed.steps)
    assert smallest(body_pt=9, min_body_pt=8).body_pt == 8
    beyond = Copyfit(designed.steps + 3)
    assert beyond(body_pt=9, min_body_pt=8).body_pt == 8  # never below the minimum
    wide = Copyfit(0)
    wide(body_pt=12, min_body_pt=2)
    assert wide.steps == MAX_STEPS and STEP_PT == 0.25


def test_sizes_shrink_with_the_body_and_space_faster():
    scale = TypeScale(designed_pt=10, body_pt=8)
    assert scale.pt(20) == "16.00pt"
    assert scale.mm(10) == "6.40mm"  # with the square of the scale
    assert scale.leading(1.4) == "1.160"  # a tenth tighter at most
    assert TypeScale(10, 5).leading(1.2) == "1.100"  # never tighter than 1.1


def test_the_overflow_message_says_where_and_what_to_do():
    assert overflow_message("card", "en", 3, 1, 41.4, None, False) == (
        "card (en) does not fit: 3 pages where its format has 1; 41 mm of text run onto "
        "pages 2, 3: shorten the text, or set `copyfit: true` on the leaflet")
    assert overflow_message("card", "en", 2, 1, 5, 8.0, True).endswith(
        "onto page 2, even at 8 pt, the smallest body size its template allows: shorten "
        "the text")


def test_a_step_keeps_only_what_its_html_changes_and_gives_it_back_whole():
    """A build holds every document's dozen steps at once: each is kept as what differs
    from the document's own HTML, and comes back exactly as the template wrote it."""
    import pickle

    from conftest import BUNDLED
    from leafletgen.build import check
    from leafletgen.compose import compose, make_environment

    project, _ = check(BUNDLED)
    leaflet = project.leaflets["village-handout"]
    environment = make_environment(project)
    document = compose(project, leaflet, "lt", environment)
    steps = (*document.fit_steps, *document.grow_steps)
    assert len(steps) >= 6
    htmls = [step.html(document.html) for step in steps]
    assert len({document.html, *htmls}) == len(steps) + 1  # each step its own
    for step, html in zip(steps, htmls, strict=True):
        assert f"{step.body_pt:.2f}pt" in html  # the body size it is set in
        assert sum(map(len, step.packed)) < len(html.encode()) / 20
    # What a worker is sent of the document is its own HTML and little more.
    assert len(pickle.dumps(document)) < 2 * len(document.html.encode())
