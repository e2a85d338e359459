"""The kinds of value content is written in: ids, texts, web addresses, phone numbers,
language codes, fingerprints. Each is a type the content model (content.py) declares
fields with; its check runs wherever the field is read, and its pattern goes into the
JSON Schemas editors read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, PlainValidator, StringConstraints, WithJsonSchema

from .languages import unknown_subtag
from .pictograms import icon_names

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# The subset of BCP 47 a leaflet needs: language, optional script, optional region.
LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$"
# International format only: a leaflet travels, so the country code must be printed.
PHONE_PATTERN = r"^\+[1-9][0-9]{0,2}(?: ?[0-9]{1,4}){1,7}$"
FORMAT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*$"
TEMPLATE_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.html$"
FINGERPRINT_PATTERN = r"^[0-9a-f]{12}$"
HEX_COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
# A file in the project's images/ folder, by a path without "..", spaces or odd characters.
IMAGE_PATTERN = r"^images/(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_-]*\.svg$"
# Named like an id (language files give its words under that name): images/forest.jpg.
PICTURE_PATTERN = r"^images/(?:[a-z0-9]+(?:-[a-z0-9]+)*/)*[a-z0-9]+(?:-[a-z0-9]+)*\.(?:png|jpe?g)$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"
LANGUAGE_RE = re.compile(LANGUAGE_PATTERN)
URL_SCHEMES = ("https", "http")

# What a value that does not match a pattern is told, by pattern.
PATTERN_MESSAGES = {
    ID_PATTERN: "ids are lower-case letters, digits and single hyphens",
    LANGUAGE_PATTERN: "not a language code such as lt, ckb or sr-Latn",
    FORMAT_NAME_PATTERN: "format names are letters, digits and hyphens",
    TEMPLATE_PATTERN: "must be a file name ending in .html, found in the project's templates/ "
                      "folder or the built-in ones",
    HEX_COLOUR_PATTERN: "a screen colour is written #rrggbb, such as #1773e6",
    IMAGE_PATTERN: "must be an SVG file in the project's images/ folder, such as images/logo.svg",
    PICTURE_PATTERN: "must be a .png or .jpg file in the project's images/ folder, named in "
                     "lower-case letters, digits and hyphens, such as images/forest.jpg",
    EMAIL_PATTERN: "not an e-mail address such as press@example.org",
    FINGERPRINT_PATTERN: "must be the 12-character fingerprint `leafletgen status --entries` "
                         "shows for the source text",
}

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
# Surrounding white space is not part of a text; an empty text is a mistake.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
TemplateName = Annotated[str, StringConstraints(pattern=TEMPLATE_PATTERN)]
FormatName = Annotated[str, StringConstraints(pattern=FORMAT_NAME_PATTERN)]
Fingerprint = Annotated[str, StringConstraints(pattern=FINGERPRINT_PATTERN)]
HexColour = Annotated[str, StringConstraints(pattern=HEX_COLOUR_PATTERN)]
ImagePath = Annotated[str, StringConstraints(pattern=IMAGE_PATTERN)]
Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN)]
PictureFile = Annotated[str, StringConstraints(pattern=PICTURE_PATTERN)]


def _known_icon(name: str) -> str:
    if name not in icon_names():
        raise ValueError(f"no pictogram {name!r} (known: {', '.join(sorted(icon_names()))})")
    return name


IconName = Annotated[str, StringConstraints(pattern=ID_PATTERN), AfterValidator(_known_icon)]


def _known_language(code: str) -> str:
    if unknown := unknown_subtag(code):
        raise ValueError(f"names {unknown}")
    return code


LanguageCode = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN),
                         AfterValidator(_known_language)]


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number as printed (`+370 608 712 04`) and as dialled (`+37060871204`)."""

    display: str

    @property
    def digits(self) -> str:
        return "+" + "".join(ch for ch in self.display if ch.isdigit())

    @property
    def tel_uri(self) -> str:
        return f"tel:{self.digits}"


def _phone(value: Any) -> PhoneNumber:
    if isinstance(value, PhoneNumber):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError("write the phone number in quotes, e.g. \"+370 608 712 04\"")
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a phone number in quotes, e.g. \"+370 608 712 04\"")
    text = value.strip()
    digits = sum(ch.isdigit() for ch in text)
    if not re.match(PHONE_PATTERN, text) or not 8 <= digits <= 15:
        raise ValueError(f"not an international phone number: {text!r} (expected + country "
                         "code and digits, e.g. \"+370 608 712 04\")")
    return PhoneNumber(text)


Phone = Annotated[PhoneNumber, PlainValidator(_phone),
                  WithJsonSchema({"type": "string", "pattern": PHONE_PATTERN,
                                  "examples": ["+370 608 712 04"]})]


def _web_address(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in URL_SCHEMES or not parts.netloc or any(c.isspace() for c in url):
        raise ValueError(f"not a web address: {url!r} (expected https://...)")
    if problem := host_problem(parts.netloc):
        raise ValueError(f"{problem}: {url!r}")
    return url


WebAddress = Annotated[Text, AfterValidator(_web_address),
                       WithJsonSchema({"type": "string", "format": "uri",
                                       "pattern": "^https?://[^\\s@]+$",
                                       "examples": ["https://www.sienosgrupe.lt"]})]

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def host_problem(netloc: str) -> str | None:
    """Why a web address's host could mislead a reader, or None. A QR code's target is
    not visible, so the host printed beside it must be the one the phone opens: no user
    part (`https://site.lt@evil.example/` opens evil.example), and plain ASCII letters
    only, so no look-alike letters of another script and no invisible characters."""
    if "@" in netloc:
        return ("the address has a user part before '@', so a phone would open the host "
                "after it; give the plain address")
    host, _, port = netloc.rpartition(":") if netloc.count(":") == 1 else (netloc, "", "")
    if port and not port.isdigit():
        return "the address has a malformed port"
    labels = host.lower().rstrip(".").split(".")
    if any(not label.isascii() for label in labels):
        return ("the address's host has characters other than plain ASCII letters, digits "
                "and hyphens (look-alike or invisible letters can lead elsewhere); type the "
                "address again by hand")
    if any(label.startswith("xn--") and _mixes_scripts(label) for label in labels):
        return "the address's host is an internationalised name that mixes scripts"
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        return "the address's host is not a valid host name"
    return None


def _mixes_scripts(label: str) -> bool:
    """Whether a punycode label decodes to letters of more than one script (a Cyrillic
    'а' among Latin letters is the classic homograph), or does not decode at all."""
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return True
    # The first word of a letter's Unicode name is its script: LATIN, CYRILLIC, GREEK ...
    return len({unicodedata.name(ch, "?").split(" ")[0] for ch in decoded if ch.isalpha()}) > 1

