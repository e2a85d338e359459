"""The kinds of value content is written in (values.py), on their own."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from leafletgen.values import LanguageCode, Phone, WebAddress, host_problem


def _error(kind, value) -> str:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_python(value)
    return caught.value.errors()[0]["msg"]


def test_a_phone_number_is_international_and_in_quotes():
    number = TypeAdapter(Phone).validate_python("+370 608 712 04")
    assert (number.display, number.digits, number.tel_uri) == (
        "+370 608 712 04", "+37060871204", "tel:+37060871204")
    assert "write the phone number in quotes" in _error(Phone, 37060871204)
    assert "not an international phone number: '8 608 712 04'" in _error(Phone, "8 608 712 04")
    assert "not an international phone number" in _error(Phone, "+370 60")


@pytest.mark.parametrize(("netloc", "problem"), [
    ("www.sienosgrupe.lt", None),
    ("sienosgrupe.lt:443", None),
    ("sienosgrupe.lt@evil.example", "user part"),
    ("sіenosgrupe.lt", "plain ASCII"),  # a Cyrillic і
    ("xn--sienosgrup-0mb.lt", None),  # sienosgrupė: one script, Latin with a diacritic
    ("xn--senosgrupe-x2i.lt", "mixes scripts"),  # sіenosgrupe with a Cyrillic і
    ("localhost", "not a valid host name"),
    ("-bad-.lt", "not a valid host name"),
    ("site.lt:http", "malformed port"),
])
def test_a_host_must_be_the_one_a_phone_opens(netloc: str, problem: str | None):
    found = host_problem(netloc)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_a_web_address_is_https_or_http_and_its_host_plain():
    assert TypeAdapter(WebAddress).validate_python(" https://a.lt/x ") == "https://a.lt/x"
    assert "not a web address: 'javascript:alert(1)'" in _error(WebAddress, "javascript:alert(1)")
    assert "user part" in _error(WebAddress, "https://a.lt@b.example/")


def test_a_language_code_is_one_cldr_knows():
    assert TypeAdapter(LanguageCode).validate_python("sr-Latn") == "sr-Latn"
    assert "names an unknown language 'xx'" in _error(LanguageCode, "xx")
    assert "should match pattern" in _error(LanguageCode, "LT")
