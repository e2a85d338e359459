"""What a build records of each output, as typed records: written to build/manifest.json
(and the build state) and read back from them, so nothing downstream handles a bare dict.
`leafletgen build --json` prints the same records."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .options import OutputKind

MANIFEST_NAME = "manifest.json"


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PageArea(Record):
    """Where something stands on its page, as fractions of the page's width and height
    from its top-left corner: enough to draw it on a picture of the page at any size."""

    left: float
    top: float
    right: float
    bottom: float


class QrReading(Record):
    """A QR code decoded from the output's pixels."""

    page: int  # 1-based
    target: str
    module_mm: float  # one module, measured on paper
    area: PageArea | None = None  # where it was decoded


class HotlineOnPaper(Record):
    """One place the hotline stands, as the pixels read it."""

    page: int  # 1-based
    read: str  # digits and + as OCR read them
    contrast: int  # of its ink against what is behind it, 0-255
    area: PageArea | None = None  # where the text layer has it, which the pixels were read at


class OutputIntent(Record):
    subtype: str  # GTS_PDFX for PDF/X
    condition: str
    components: int  # 4: CMYK
    profile_bytes: int


class PreflightReport(Record):
    """What a print shop checks, read from the finished file (preflight.py)."""

    pages: int
    media_mm: tuple[float, float]
    trim_mm: tuple[float, float] | None
    bleed_mm: float | None
    output_intent: OutputIntent | None
    pdf_variant: str | None  # "PDF/X-4", "PDF/UA-1"
    tagged: bool
    fonts_not_embedded: tuple[str, ...]
    smallest_type_pt: float | None
    colour_spaces: tuple[str, ...]
    images: int
    lowest_image_dpi: int | None
    smallest_qr_module_mm: float | None
    problems: tuple[str, ...] = ()  # what would spoil the print run


class OutputRecord(Record):
    """One output as the manifest lists it."""

    leaflet: str
    language: str
    path: str  # relative to the output folder
    pages: int  # of the file: the leaflet's, or the sheets they are imposed on
    bytes: int
    sha256: str
    draft: bool
    draft_reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    qr_codes: tuple[QrReading, ...]
    fonts: tuple[str, ...]
    kind: OutputKind = "screen"
    body_pt: float | None = None  # the body size it is set in
    designed_pt: float | None = None  # the body size its template was designed at
    page_fills: tuple[float, ...] = ()  # how far down each page's area its text reaches, 0-1
    preflight: PreflightReport | None = None
    hotline_on_paper: tuple[HotlineOnPaper, ...] = ()

    @property
    def copyfitted(self) -> bool:
        return self.body_pt is not None and self.designed_pt is not None \
            and self.body_pt != self.designed_pt


class BuiltOutput(OutputRecord):
    """An output of this build: its record, and what only this build knows of it."""

    file: Path = Field(exclude=True)  # where it is
    seconds: float = Field(0.0, exclude=True)  # rendering time; 0 for one kept as it was
    rendered: bool = Field(True, exclude=True)  # False: up to date, kept from before

    def record(self) -> OutputRecord:
        return OutputRecord.model_validate(self.model_dump())

    @classmethod
    def kept(cls, record: OutputRecord, output_dir: Path) -> BuiltOutput:
        """An output kept from the previous build, as its record describes it."""
        return cls(**dict(record), file=(output_dir / record.path).resolve(), rendered=False)


class Manifest(Record):
    tool: str
    project: str
    subsetter: str  # which font subsetter made the files
    outputs: tuple[OutputRecord, ...]

    def to_bytes(self) -> bytes:
        return (self.model_dump_json(indent=2) + "\n").encode()


def read_record(data: object) -> OutputRecord | None:
    """A record read back from the state or an older manifest, or None if it is not one."""
    try:
        return OutputRecord.model_validate(data)
    except ValidationError:
        return None


def read_manifest(output_dir: Path) -> Manifest:
    """The previous build's manifest, with the records we can read, or an empty one."""
    try:
        data = json.loads((output_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data = data if isinstance(data, dict) else {}
    outputs = data.get("outputs")
    records = [record for item in (outputs if isinstance(outputs, list) else [])
               if (record := read_record(item)) is not None]
    return Manifest(tool=str(data.get("tool", "")), project=str(data.get("project", "")),
                    subsetter=str(data.get("subsetter", "")), outputs=tuple(records))

