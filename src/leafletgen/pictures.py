"""Pictures a project prints: photographs and drawings from its own images/ folder.

An image file is content, so it is untrusted: it must be a regular file inside images/,
and it must decode as a PNG or JPEG of a sane size before any template sees it. It goes
into the page as a data URI, so the document is the same wherever the project lies and a
changed picture changes it. For the print shop it becomes CMYK through the output
intent's profile; for the grey office sheets, grey (colour.py).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from .files import RefusedFile, read_limited

MAX_PICTURE_BYTES = 20_000_000
MAX_PICTURE_PIXELS = 60_000_000  # a 300 dpi A3 photograph is 17 million
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


class PictureError(Exception):
    """Why a picture cannot be printed, in words for the person who chose it."""


def read_picture(path: Path, images_dir: Path) -> tuple[bytes, str, tuple[int, int]]:
    """The bytes, media type and pixel size of a picture; PictureError if it is not one."""
    from PIL import Image

    try:
        data = read_limited(path, MAX_PICTURE_BYTES, [images_dir])
    except RefusedFile as refused:
        raise PictureError(refused.reason) from None
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            if size[0] * size[1] > MAX_PICTURE_PIXELS:
                raise PictureError(f"{size[0]} x {size[1]} pixels is more than a leaflet "
                                   "needs; save it smaller")
            image.verify()
    except PictureError:
        raise
    except Exception:  # whatever Pillow finds wrong with a file is the file's
        raise PictureError("is not a PNG or JPEG picture that can be read") from None
    if kind not in FORMATS:
        raise PictureError(f"is a {kind} file; save it as PNG or JPEG")
    return data, FORMATS[kind], size


def picture_id(path: str) -> str:
    """`images/forest.jpg` -> `forest`: how language files name a picture."""
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def data_uri(data: bytes, media_type: str) -> str:
    """Bytes as a data URI: how every picture goes into a page (QR codes, pictograms, the
    logo and the project's pictures), so no document names a path."""
    return f"data:{media_type};base64," + base64.b64encode(data).decode()
