"""Placeholders: counted and checked in a text, and filled in it."""

from __future__ import annotations

from collections import Counter

from leafletgen.placeholders import fill, placeholders


def test_placeholders_are_counted_and_literal_braces_are_not_placeholders():
    found, problems = placeholders("Call {hotline} or {hotline}, see {source:law} {{x}}")
    assert found == Counter({"hotline": 2, "source:law": 1})
    assert problems == []


def test_a_lone_brace_is_a_broken_placeholder_named_where_it_is():
    _, problems = placeholders("Call {hotline now")
    assert problems == ["broken placeholder near 'Call {hotline no': write {name}, or {{ "
                        "and }} for literal braces"]


def test_fill_replaces_placeholders_and_unescapes_braces():
    values = {"hotline": "+370 608 712 04", "source:law": "[1]"}
    assert fill("{hotline} {source:law} {{x}} {other}", values) == \
        "+370 608 712 04 [1] {x} {other}"
    assert fill("{other}.", values, missing="") == "."
