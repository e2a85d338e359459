"""The content model (content.py) on its own: no files, no build."""

from __future__ import annotations

import datetime

import pytest
from pydantic import BaseModel, ValidationError

from leafletgen import content


def _models() -> list[type[BaseModel]]:
    found = []
    for value in vars(content).values():
        if isinstance(value, type) and issubclass(value, content.Content) \
                and value is not content.Content and value not in found:
            found.append(value)
    return found


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_every_field_says_what_it_is(model: type[BaseModel]):
    """An editor shows a key's description as it is typed: each field has one (its
    docstring), or is a text whose name says it all (title, name, question ...)."""
    plain = {"title", "subtitle", "name", "question", "publisher", "by", "date", "id", "url",
             "unit", "value", "width_mm", "height_mm", "language", "labels", "leaflets",
             "organisation", "qr", "charts", "review"}
    missing = [name for name, field in model.model_fields.items()
               if not field.description and name not in plain]
    assert missing == []


def test_unknown_keys_are_mistakes():
    with pytest.raises(ValidationError) as caught:
        content.QrSettings.model_validate({"hotline": True, "sourses": False})
    assert [error["type"] for error in caught.value.errors()] == ["extra_forbidden"]


def test_a_key_with_nothing_after_it_means_its_default():
    assert content.QrSettings.model_validate(None) == content.QrSettings()
    assert content.LeafletText.model_validate({"title": "T", "subtitle": None,
                                               "sections": None}).subtitle == ""
    with pytest.raises(ValidationError):  # a key without a default must be given
        content.LeafletText.model_validate({"title": None})


def test_values_are_taken_as_written():
    """No text turned into a number or a date, no number into a phone number."""
    with pytest.raises(ValidationError):
        content.PageFormatSpec.model_validate({"width_mm": "120", "height_mm": 180})
    with pytest.raises(ValidationError):
        content.SourceSpec.model_validate({"title": "T", "publisher": "P",
                                           "date": "2020-01-01", "url": "https://a.lt"})
    spec = content.SourceSpec.model_validate({"title": " T ", "publisher": "P",
                                              "date": datetime.date(2020, 1, 1),
                                              "url": "https://a.lt"})
    assert spec.title == "T"  # surrounding white space is not part of a text


def test_the_source_language_has_no_review_state():
    entry = {"question": "Q?", "answer": "A."}
    assert content.EntryTextSpec.model_validate({**entry, "status": "reviewed"}).status \
        == "reviewed"
    with pytest.raises(ValidationError):
        content.SourceEntryText.model_validate({**entry, "status": "reviewed"})


def test_the_labels_templates_use_come_from_the_model():
    assert list(content.LABELS) == list(content.Labels.model_fields)
    assert content.LABELS["draft_mark"] == "Mark printed on every page of a draft."
