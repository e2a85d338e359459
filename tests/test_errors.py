"""Problems as a person reads them (errors.py)."""

from __future__ import annotations

from pathlib import Path

from leafletgen.errors import ContentError, Problem


def test_a_problem_names_file_line_column_and_key(monkeypatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    text = tmp_path / "text" / "lt.yaml"
    assert str(Problem(text, 7, "status", "must be reviewed or unreviewed", 1)) == \
        "text/lt.yaml:7:1: status: must be reviewed or unreviewed"
    assert str(Problem(text, 7, "", "file is empty")) == "text/lt.yaml:7: file is empty"
    assert str(Problem(None, None, "card/card.en.pdf", "does not fit")) == \
        "card/card.en.pdf: does not fit"


def test_problems_read_file_by_file_line_by_line_each_once():
    a, b = Path("a.yaml"), Path("b.yaml")
    error = ContentError([Problem(b, 1, "", "x"), Problem(a, 9, "", "y", 3),
                          Problem(a, 9, "", "y", 1), Problem(b, 1, "", "x")])
    assert [(p.file, p.line, p.column) for p in error.problems] == [
        (a, 9, 1), (a, 9, 3), (b, 1, None)]
