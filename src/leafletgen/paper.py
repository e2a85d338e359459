"""Reading the paper: what the pixels of a page say where the text layer says the hotline.

The text layer is what the PDF claims; a font whose glyph for 4 draws a 5, or a stylesheet
that paints the number white, changes what a reader sees without changing the claim. So
each place the hotline stands is rasterised on its own (a crop a few millimetres high, not
the page) and read back with Tesseract, restricted to digits and `+`, and its contrast is
measured: the number must be there in ink, and spell the hotline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pypdfium2

# The crop is rendered so the digits stand about this many pixels tall: Tesseract reads
# best at 30-40 px per line, whatever the type size.
_TARGET_PX = 44
_MIN_SCALE, _MAX_SCALE = 150 / 72, 600 / 72
# On a 0-255 grey scale, the ink (the darkest, or on a dark ground the lightest, hundredth
# of the crop) must differ this much from the ground (its median): black on white is ~250,
# #bbb on white ~70, white on white 0.
MIN_CONTRAST = 100
_TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                  "/usr/share/tessdata", "/usr/local/share/tessdata")


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in PDF points from the bottom-left corner."""

    left: float
    bottom: float
    right: float
    top: float

    @classmethod
    def around(cls, boxes: list[Box]) -> Box:
        return cls(min(b.left for b in boxes), min(b.bottom for b in boxes),
                   max(b.right for b in boxes), max(b.top for b in boxes))


@dataclass(frozen=True)
class PaperReading:
    """What the pixels say in one box: the characters read, and the ink's contrast."""

    text: str
    contrast: int  # 0-255; verification wants at least MIN_CONTRAST


class MissingOcrData(Exception):
    """Tesseract's model is not installed."""


def tessdata_dir() -> Path:
    """Where Tesseract's English model is (TESSDATA_PREFIX first, then Debian's place)."""
    candidates = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for folder in (*candidates, *_TESSDATA_DIRS):
        if (Path(folder) / "eng.traineddata").is_file():
            return Path(folder)
    raise MissingOcrData("Tesseract's English model (eng.traineddata) is missing, so the "
                         "hotline cannot be read back from the page: install Debian's "
                         "tesseract-ocr-eng (./dev.sh does), or set TESSDATA_PREFIX")


def crop_margin(box: Box) -> float:
    """How far round a box the reader rasterises: half its height, so that digits drawn
    just beside it are read too."""
    return (box.top - box.bottom) / 2


class PaperReader:
    """One Tesseract engine, set up once per process, for digits on a single line."""

    def __init__(self) -> None:
        import tesserocr

        self._api = tesserocr.PyTessBaseAPI(path=str(tessdata_dir()) + os.sep, lang="eng",
                                            psm=tesserocr.PSM.SINGLE_LINE,
                                            oem=tesserocr.OEM.LSTM_ONLY)
        self._api.SetVariable("tessedit_char_whitelist", "+0123456789 ")

    def read(self, page: pypdfium2.PdfPage, box: Box) -> PaperReading:
        """Rasterise `box` of `page` (with crop_margin round it) and read it."""
        # Crops count from the edges of the crop box, which a page with bleed moves off 0.
        left, bottom, right, top = page.get_cropbox()
        margin = crop_margin(box)
        scale = min(_MAX_SCALE, max(_MIN_SCALE, _TARGET_PX / max(box.top - box.bottom, 1)))
        crop = (max(0.0, box.left - margin - left), max(0.0, box.bottom - margin - bottom),
                max(0.0, right - box.right - margin), max(0.0, top - box.top - margin))
        image = page.render(scale=scale, crop=crop, grayscale=True).to_pil().convert("L")
        histogram = image.histogram()
        ground = _percentile(histogram, 0.5)
        contrast = max(ground - _percentile(histogram, 0.01),
                       _percentile(histogram, 0.99) - ground)
        self._api.SetImage(image)
        return PaperReading(self._api.GetUTF8Text().strip(), contrast)

    def close(self) -> None:
        self._api.End()


def _percentile(histogram: list[int], fraction: float) -> int:
    """The grey level below which `fraction` of the pixels lie."""
    wanted, seen = fraction * sum(histogram), 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return level
    return 255
