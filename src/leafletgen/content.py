"""The content model: every key a person may write in a project's YAML files, declared
once, with its type, default, description and an example.

Validation reads the files through these classes (validate/), the JSON Schemas that
editors use to complete keys and underline typos are generated from them (schemas.py),
and the pipeline's model (model.py) extends them with what is worked out from several
files. Adding a leaflet option is adding one field to `LeafletOptions`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from .options import Direction, OutputKind
from .values import (
    Email,
    Fingerprint,
    FormatName,
    HexColour,
    IconName,
    Id,
    ImagePath,
    LanguageCode,
    Phone,
    PictureFile,
    TemplateName,
    Text,
    WebAddress,
)

Status = Literal["reviewed", "unreviewed"]
# How a figure is written: a count (1 162), a percentage (24 %), or a number of months.
StatisticUnit = Literal["count", "percent", "months", "years"]


class Content(BaseModel):
    """What every part of a content file shares: unknown keys are mistakes, values are
    taken as written (no text turned into a number), and `key:` with nothing after it
    means the key's default where it has one."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True,
                              use_attribute_docstrings=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        if data is None and all(not f.is_required() for f in cls.model_fields.values()):
            return {}
        if isinstance(data, dict):
            return {key: value for key, value in data.items()
                    if value is not None or key not in cls.model_fields
                    or cls.model_fields[key].is_required()}
        return data


# project.yaml ---------------------------------------------------------------------------

class PressContact(Content):
    """Whom a journalist calls: printed on the cover of press documents."""

    name: Text = Field(examples=["Ona Jonaitė"])
    """A person or a desk, as printed."""
    phone: Phone
    """In international format."""
    email: Email | None = None
    """Printed under the phone number."""


class Organisation(Content):
    """Who publishes the leaflets, printed on every one."""

    name: Text = Field(examples=["Sienos Grupė"])
    """The organisation's name as printed."""
    website: WebAddress
    """Printed on every leaflet, beside the hotline."""
    hotline: Phone
    """The phone number printed large and in a QR code, in international format."""
    source_language: LanguageCode = Field(examples=["en"])
    """The language the texts are written in first; every other language translates it."""
    press_contact: PressContact | None = None
    """For press documents; without it they give the hotline."""
    officials_language: LanguageCode | None = Field(None, examples=["lt"])
    """The language of the country's officers: a phrase to say (`say:` of an entry) is
    printed in it too, large enough to show."""


Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class Colour(Content):
    """One colour as each output prints it: RGB in the screen PDF and on office sheets,
    CMYK in the print shop's file, a grey on the grey office sheets."""

    screen: HexColour = Field(examples=["#1773e6"])
    """RGB, written #rrggbb."""
    print: tuple[Percent, Percent, Percent, Percent] = Field(strict=False,
                                                             examples=[[90, 50, 0, 10]])
    """Cyan, magenta, yellow and black, each 0 to 100 (%)."""
    grey: Percent = Field(examples=[60])
    """How dark it prints in grey: 0 is white, 100 black."""


class Palette(Content):
    """The colours every built-in template uses, each by its role."""

    ink: Colour = Colour(screen="#000000", print=(0, 0, 0, 100), grey=100)
    """Text, rules and frames."""
    accent: Colour = Colour(screen="#1773e6", print=(90, 50, 0, 10), grey=60)
    """The organisation's colour: the edge stripe, the hotline band, the first chart bar."""
    accent_light: Colour = Colour(screen="#dbe9fb", print=(14, 6, 0, 0), grey=12)
    """A pale tint behind callouts and key figures, and the last part of a stacked bar."""
    muted: Colour = Colour(screen="#8fb6e8", print=(45, 20, 0, 0), grey=35)
    """A second colour for charts, between the accent and its tint."""
    draft: Colour = Colour(screen="#aa0000", print=(0, 100, 100, 30), grey=50)
    """The draft mark across unreviewed pages (printed see-through)."""


class Faces(Content):
    """The brand's typefaces, first choice first, from the project's or leafletgen's fonts/
    folders. A face that lacks a script's letters leaves them to the language's own fonts."""

    heading: tuple[Text, ...] = Field((), strict=False, examples=[["Noto Serif"]])
    """For titles, headings and questions."""
    body: tuple[Text, ...] = Field((), strict=False, examples=[["Noto Sans"]])
    """For everything else."""


class Brand(Content):
    """How the organisation looks: its logo, its colours and its typefaces."""

    logo: ImagePath | None = Field(None, examples=["images/logo.svg"])
    """An SVG in the project's images/ folder, printed in mastheads and on covers."""
    colours: Palette = Palette()
    """Each colour by its role; those left out keep the built-in ones."""
    faces: Faces = Faces()
    """Its typefaces; left out, each language's own fonts."""


class PageFormatSpec(Content):
    """A flat page size of the project's own, printed on both sides."""

    width_mm: float = Field(ge=20, le=1000, examples=[120])
    height_mm: float = Field(ge=20, le=1000, examples=[180])
    pages: int = Field(2, ge=1)
    """How many pages a leaflet of this format has unless it says otherwise."""


class QrSettings(Content):
    """Which QR codes a leaflet prints."""

    hotline: bool = True
    """A code that dials the hotline."""
    sources: bool = True
    """A code beside each numbered source that opens it."""


class Section(Content):
    """A group of entries under one heading (its words are in each language file)."""

    id: Id = Field(examples=["law"])
    entries: tuple[Id, ...] = Field(strict=False, examples=[["asylum-legal"]])
    """The FAQ entries of this section, in order (ids from entries.yaml)."""
    new_page: bool = False
    """Start the section on a new page."""


class Chart(Content):
    """A bar chart of figures of one unit, drawn from statistics.yaml."""

    id: Id = Field(examples=["asylum-decisions"])
    figures: tuple[Id, ...] = Field(min_length=1, strict=False,
                                    examples=[["refugee-status-lt", "rejected-lt"]])
    """The figures compared, as ids from statistics.yaml."""


class LeafletOptions(Content):
    """What a leaflet is made of and how it is printed; fields the pipeline uses as they
    are written (the model's Leaflet adds what is worked out)."""

    template: TemplateName = Field(examples=["handout.html"])
    """The page template: a file in the project's templates/ folder or a built-in one."""
    sections: tuple[Section, ...] = Field(min_length=1, strict=False)
    """The sections in order, each with its entries."""
    qr: QrSettings = QrSettings()
    companion: LanguageCode | None = None
    """A language printed beside each one (a bilingual card: Arabic above, Lithuanian
    below)."""
    figures: tuple[Id, ...] = Field((), strict=False)
    """Key figures shown large with their labels (ids from statistics.yaml)."""
    charts: tuple[Chart, ...] = Field((), strict=False)
    published: datetime.date | None = None
    """The date printed on a report."""
    cover_image: PictureFile | None = Field(None, examples=["images/forest.jpg"])
    """A photograph on the first page, under the title (never of people seeking asylum);
    its words are in each language file under `images:`."""
    outputs: tuple[OutputKind, ...] = Field(("screen",), min_length=1, strict=False)
    """What a build makes: screen (tagged PDF/UA), print (PDF/X-4 with bleed and crop
    marks), office and office-grey (A4 sheets for an office printer)."""
    copyfit: bool = False
    """Shrink the type, within the template's limits, until the text fits its pages."""
    bleed_mm: float = Field(3.0, ge=0, le=10)
    """For the print shop: how far backgrounds run past the trim."""


class LeafletSpec(LeafletOptions):
    """One leaflet as project.yaml gives it."""

    format: FormatName = Field(examples=["A5", "DL-trifold"])
    """A page format: A4, A5, A6, DL, credit-card, A5-booklet, DL-trifold, or one of the
    project's `formats:`."""
    pages: int | None = Field(None, ge=1)
    """How many pages; the format's own count when left out."""
    languages: tuple[Id, ...] | None = Field(None, min_length=1, strict=False)
    """The languages it is made in; left out, every language whose file gives its title."""


class ProjectFile(Content):
    """project.yaml: the organisation, the leaflets and the settings of a project."""

    organisation: Organisation
    leaflets: dict[Id, LeafletSpec]
    brand: Brand = Brand()
    """The logo and the colours the built-in templates use."""
    fonts: dict[LanguageCode, Annotated[tuple[Text, ...], Strict(False)]] = Field(
        default_factory=dict, examples=[{"ar": ["Noto Naskh Arabic", "Noto Sans"]}])
    """Font families per language, first choice first, instead of the built-in ones."""
    statistics_max_age_days: int = Field(730, ge=1)
    """Figures older than this many days are reported as stale."""
    formats: dict[FormatName, PageFormatSpec] = Field(default_factory=dict)
    """Page formats of the project's own, by name."""


# entries.yaml, sources.yaml, statistics.yaml --------------------------------------------

class EntrySpec(Content):
    """A FAQ entry's language-independent part; its words are in each language file."""

    cites: tuple[Id, ...] = Field((), strict=False, examples=[["geneva-convention"]])
    """The sources it rests on (ids from sources.yaml), listed under the answer."""
    icon: IconName | None = Field(None, examples=["phone"])
    """A pictogram for it: on a pocket card, beside each phrase."""
    image: PictureFile | None = Field(None, examples=["images/water.jpg"])
    """A photograph or drawing printed beside the answer; its words are in each language
    file under `images:`, by the file's name without its extension."""
    say: tuple[Id, ...] = Field((), strict=False, examples=[["say-asylum"]])
    """Phrases to say aloud (ids of entries whose question is the phrase), printed after
    the answer in a box: in the reader's language and in the officials' language."""


class SourceSpec(Content):
    """A published source a fact rests on; its QR code opens it."""

    title: Text
    publisher: Text
    date: datetime.date
    """When it was published, written YYYY-MM-DD."""
    url: WebAddress


class StatisticSpec(Content):
    """One figure, kept once and printed everywhere as {stat:<id>}."""

    value: float = Field(ge=0, lt=1e12, allow_inf_nan=False, examples=[1162])
    unit: StatisticUnit
    as_of: datetime.date
    """The date the figure is valid for."""
    source: Id
    """The source it comes from (an id from sources.yaml)."""


# text/<language>.yaml ---------------------------------------------------------------------

class LanguageInfo(Content):
    name: Text = Field(examples=["Lietuvių"])
    """The language's own name for itself."""
    direction: Direction | None = None
    """ltr or rtl; left out, the direction of the language's script."""
    fallback: LanguageCode | None = None
    """The language printed where this one has no entry yet (else the source language)."""


class Labels(Content):
    """Words every template may use; each language gives all of them."""

    hotline_heading: Text
    """Heading over the hotline number."""
    hotline_qr_caption: Text
    """Caption under the QR code that dials the hotline."""
    hotline_qr_alt: Text
    """Alternative text of the hotline QR code."""
    sources_heading: Text
    """Heading of the numbered list of sources."""
    source_qr_alt: Text
    """Alternative text of a source's QR code."""
    website_label: Text
    """Label before the organisation's website."""
    draft_mark: Text
    """Mark printed on every page of a draft."""


class LeafletText(Content):
    """A leaflet's own words in one language."""

    title: Text
    subtitle: str = ""
    sections: dict[Id, Text] = Field(default_factory=dict)
    """Section id -> its heading."""
    charts: dict[Id, Text] = Field(default_factory=dict)
    """Chart id -> its title."""
    key_messages: tuple[Text, ...] = Field((), max_length=3, strict=False)
    """What a journalist should take away, in up to three sentences: on a report's cover."""


class Review(Content):
    """Who checked a translation, and when (`leafletgen review` writes it)."""

    by: Text
    date: datetime.date


class EntryReview(Review):
    source: Fingerprint
    """The fingerprint of the source text the reviewer checked the translation against."""


class SourceEntryText(Content):
    """One FAQ entry's words in the source language."""

    question: Text
    answer: Text
    """The answer, in the Markdown subset leaflets print: paragraphs, lists, **bold**,
    *italics* and links."""


class EntryTextSpec(SourceEntryText):
    """One FAQ entry's words in a translation."""

    status: Status | None = None
    """The translation's state; left out, the file's own status."""
    translated_from: Fingerprint | None = None
    """The fingerprint of the source text this translates (`leafletgen status --entries`)."""
    review: EntryReview | None = None


class LanguageWords(Content):
    """What every language file gives."""

    language: LanguageInfo
    labels: Labels
    leaflets: dict[Id, LeafletText]
    figures: dict[Id, Text] = Field(default_factory=dict)
    """Figure id -> its label."""
    icons: dict[IconName, Text] = Field(default_factory=dict, examples=[{"phone": "Telephone"}])
    """Pictogram -> words for what it shows, read out where the picture cannot be seen."""
    images: dict[Id, Text] = Field(default_factory=dict,
                                   examples=[{"forest": "A path through a pine forest"}])
    """Picture (its file name without the extension) -> words for what it shows."""


class SourceLanguageFile(LanguageWords):
    """text/<source language>.yaml: the words every translation translates."""

    entries: dict[Id, SourceEntryText]
    """The words of every entry in entries.yaml."""


class LanguageFile(LanguageWords):
    """text/<language>.yaml: a translation, one file per language for one translator."""

    entries: dict[Id, EntryTextSpec] = Field(default_factory=dict)
    """The entries translated so far; the others print in the fallback language."""
    status: Status = "unreviewed"
    """A translation is a draft until a speaker reviews it."""
    review: Review | None = None


LABELS = {name: field.description or name for name, field in Labels.model_fields.items()}
