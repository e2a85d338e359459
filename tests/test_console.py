"""What a build says: a short summary a person reads to the end, `-v` for every line,
`--json` for scripts."""

from __future__ import annotations

import json
from pathlib import Path


def test_a_cold_build_of_the_bundled_project_fits_on_a_screen(bundled_cold_build):
    code, stdout, stderr = (bundled_cold_build.code, bundled_cold_build.stdout,
                            bundled_cold_build.stderr)
    assert code == 0, stderr
    lines = (stderr + stdout).splitlines()
    assert len(lines) <= 30, "\n".join(lines)
    progress = [line for line in lines if line.startswith("[")]
    assert [line.split("]")[0] for line in progress] == [
        "[1/94", "[10/94", "[20/94", "[30/94", "[40/94", "[50/94", "[60/94", "[70/94", "[80/94",
        "[90/94", "[94/94"]
    assert "84 of 94 PDF(s) are drafts, marked DRAFT on every page; by language:" in lines
    drafts = [line for line in lines if line.startswith("  ")]
    # Languages in the same state share a line.
    assert drafts == [
        "  lt   Lietuvių: 57 PDF(s); not reviewed: the labels and titles, 15 entries",
        "  ru   Русский: 8 PDF(s); not reviewed: the labels and titles, 13 entries",
        "  am ar ckb es fa fr hi kmr prs ps so ta ti ur: 4 PDF(s) each; not reviewed: the "
        "labels and titles, 6 entries",
        "  be pl: 4 PDF(s) each; not reviewed: the labels and titles, 7 entries"]
    stale = [line for line in lines if "days old" in line]
    assert len(stale) == len(set(stale)) == 7  # each stale figure once, not once per PDF
    assert [line.split(":")[0] for line in lines if line.startswith("next:")] == ["next"] * 2
    assert stdout == "built 94 PDF(s) in " + stdout.split(" in ", 1)[1]
    assert stdout.rstrip().endswith("into out/ (94 rendered, 0 up to date)")


def test_verbose_says_every_line(run, small_project: Path):
    code, stdout, stderr = run("build", "-p", small_project, "-o", "out", "-v")
    assert code == 0, stderr
    assert "[1/2] card/card.en.pdf: 1 page(s)" in stderr
    assert "[2/2] card/card.lt.pdf: 1 page(s)" in stderr
    assert "draft: out/card/card.lt.pdf: lt: labels and titles: translation not reviewed" \
        in stderr
    assert stdout.rstrip().endswith("(2 rendered, 0 up to date; 1 draft(s))")


def test_json_is_for_scripts(run, small_project: Path):
    code, stdout, stderr = run("build", "-p", small_project, "-o", "out", "--json")
    assert code == 0, stderr
    result = json.loads(stdout)
    assert [(o["language"], o["draft"]) for o in result["outputs"]] == [("en", False),
                                                                        ("lt", True)]
    assert result["rendered"] == 2
    code, stdout, _ = run("build", "-p", small_project, "-o", "out", "--json")
    assert json.loads(stdout)["up_to_date"] is True


def test_watch_does_not_repeat_what_it_said(small_project: Path, tmp_path: Path,
                                            monkeypatch):
    """After a save, --watch says the new build's line, not the same drafts again."""
    import click

    from leafletgen import cli
    from leafletgen.options import BuildOptions

    monkeypatch.chdir(tmp_path)
    lines: list[str] = []
    monkeypatch.setattr(click, "echo", lambda message="", err=False, **_: lines.append(message))
    options = BuildOptions(small_project, tmp_path / "out")
    said: set[str] = set()
    with click.Context(cli.cli):
        cli._run_build(options, said=said)
        first = list(lines)
        lines.clear()
        cli._run_build(BuildOptions(small_project, tmp_path / "out", force=True), said=said)
    assert any("are drafts" in line for line in first)
    assert not any("are drafts" in line for line in lines), lines
    assert lines[-1].startswith("built 2 PDF(s)")


def test_a_terminal_sees_one_bar_that_updates_itself():
    import io

    from leafletgen.build import DocumentMade
    from leafletgen.console import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    progress = Progress(screen)
    for index in (1, 29, 58):
        progress(DocumentMade(index, 58, f"card/card.{index}.pdf", f"[{index}/58] ..."))
    progress.done()
    frames = screen.getvalue().split("\r\033[K")
    assert frames == ["", "[........................]  1/58  card/card.1.pdf",
                      "[############............] 29/58  card/card.29.pdf",
                      "[########################] 58/58  card/card.58.pdf", ""]
