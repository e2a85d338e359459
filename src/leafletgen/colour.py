"""Colours rewritten in a PDF's content streams: to CMYK for the print shop, to grey for
the office printer.

WeasyPrint paints text, rules and SVG (the QR codes) in RGB whatever the output intent
says; only CSS `device-cmyk()` colours come out as CMYK. A print shop converts RGB black
to four-colour black, which smears small type and QR modules across four plates. So every
RGB and grey colour becomes CMYK here, neutral greys and black on the black plate only.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

import pikepdf

from .resources import print_profile

Swatches = dict[tuple[int, int, int], list[float]]
DEVICE_SPACES = {"/DeviceRGB": "rgb", "/DeviceGray": "gray", "/DeviceCMYK": "cmyk"}


def rgb_to_cmyk(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """Device RGB to device CMYK with full grey-component replacement: a neutral colour
    is black ink only, so black text and QR codes print on one plate."""
    k = 1 - max(r, g, b)
    if k >= 1 - 1e-6:
        return 0.0, 0.0, 0.0, 1.0
    return ((1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k)


def to_grey(space: str, values: list[float]) -> float:
    """Any device colour's grey level (0 black, 1 white), by luminance."""
    if space == "rgb":
        r, g, b = values
        return 0.299 * r + 0.587 * g + 0.114 * b
    if space == "cmyk":
        c, m, y, k = values
        return max(0.0, 1 - min(1.0, 0.299 * c + 0.587 * m + 0.114 * y + k))
    return values[0]


def convert(pdf: pikepdf.Pdf, target: str, swatches: Swatches | None = None) -> None:
    """Rewrite every page's colours to `target` ("cmyk" or "gray"), forms and tiling
    patterns included, each once. An RGB colour found in `swatches` (0-255 RGB -> the
    target's values) becomes what it gives; the brand's palette decides its own colours.
    What cannot be rewritten (images, shadings, colour spaces other than device and ICC
    ones) stays as it is; preflight, reading the written file, reports it."""
    done: set[tuple[int, int]] = set()
    for page in pdf.pages:
        _convert_stream(pdf, page.obj, page.obj.get("/Resources"), target, done,
                        swatches or {}, is_page=True)


def _convert_stream(pdf: pikepdf.Pdf, holder: pikepdf.Object, resources: Any, target: str,
                    done: set[tuple[int, int]], swatches: Swatches,
                    is_page: bool = False) -> None:
    if not is_page:
        if holder.objgen in done:
            return
        done.add(holder.objgen)
    _fix_group(holder, target)
    rewritten = _rewrite(pikepdf.parse_content_stream(holder), target, _named_spaces(resources),
                         swatches)
    data = zlib.compress(pikepdf.unparse_content_stream(rewritten))
    if is_page:
        holder.Contents = pdf.make_stream(data, Filter=pikepdf.Name.FlateDecode)
    else:
        holder.write(data, filter=pikepdf.Name.FlateDecode)
    if resources is None:
        return
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            _convert_stream(pdf, xobject, xobject.get("/Resources"), target, done, swatches)
        elif xobject.get("/Subtype") == "/Image" and xobject.objgen not in done:
            done.add(xobject.objgen)
            _convert_image(xobject, target)
    for pattern in (resources.get("/Pattern") or {}).values():
        if pattern.get("/PatternType") == 1:  # tiling: a content stream of its own
            _convert_stream(pdf, pattern, pattern.get("/Resources"), target, done, swatches)


def _rewrite(instructions: Iterable[Any], target: str, named: dict[str, str],
             swatches: Swatches) -> list[Any]:
    result: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    # For fill and stroke: the device colour space later `sc`/`scn` operands are in, which
    # they are converted from (None: another space, left alone); saved and restored with
    # q and Q. `rg`, `g` and `k` set the space as `cs` does.
    spaces: dict[str, str | None] = {"fill": "gray", "stroke": "gray"}
    stack = []
    target_space = pikepdf.Name("/DeviceCMYK" if target == "cmyk" else "/DeviceGray")
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            result.append(instruction)
            continue
        operands, operator = list(instruction.operands), str(instruction.operator)
        lower, stroke = operator.lower(), operator.isupper()
        side = "stroke" if stroke else "fill"
        if operator == "q":
            stack.append(dict(spaces))
        elif operator == "Q" and stack:
            spaces = stack.pop()
        if lower in ("rg", "g", "k"):
            space: str = {"rg": "rgb", "g": "gray", "k": "cmyk"}[lower]
            spaces[side] = space
            new = "kK" if target == "cmyk" else "gG"
            result.append(pikepdf.ContentStreamInstruction(
                _colour_values(space, target, [float(v) for v in operands], swatches),
                pikepdf.Operator(new[stroke])))
            continue
        if lower == "cs":
            name = str(operands[0])
            spaces[side] = DEVICE_SPACES.get(name) or named.get(name)
            if spaces[side] in ("rgb", "gray", "cmyk"):
                result.append(pikepdf.ContentStreamInstruction([target_space],
                                                               pikepdf.Operator(operator)))
                continue
            spaces[side] = None
        elif lower in ("sc", "scn") and (current := spaces[side]) is not None:
            values = _colour_values(current, target, [float(v) for v in operands], swatches)
            result.append(pikepdf.ContentStreamInstruction(values, pikepdf.Operator(operator)))
            continue
        result.append(instruction)
    return result


def _colour_values(space: str, target: str, values: list[float],
                   swatches: Swatches) -> list[float]:
    if space == "rgb" and len(values) == 3:
        swatch = swatches.get((round(values[0] * 255), round(values[1] * 255),
                               round(values[2] * 255)))
        if swatch is not None:
            return [round(v, 4) for v in swatch]
    if target == "gray":
        return [round(to_grey(space, values), 4)]
    if space == "cmyk":
        return [round(v, 4) for v in values]
    if space == "gray":
        return [0.0, 0.0, 0.0, round(1 - values[0], 4)]
    return [round(v, 4) for v in rgb_to_cmyk(*values)]


def _convert_image(image: Any, target: str) -> None:
    """A picture in the target's space: to CMYK through the print profile (the output
    intent's, so the shop's RIP sees the values it was characterised for), or to grey by
    luminance. A mask (a stencil, or a picture's transparency) is left as it is."""
    from PIL import Image, ImageCms

    space = space_kind(image.get("/ColorSpace"))
    if image.get("/ImageMask", False) or space == ("cmyk" if target == "cmyk" else "gray"):
        return
    try:
        picture = pikepdf.PdfImage(image).as_pil_image()
    except Exception:  # a space or filter Pillow cannot read: preflight reports it
        return
    rgb: Image.Image = picture.convert("RGB")
    if target == "cmyk":
        converted = ImageCms.profileToProfile(
            rgb, ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(print_profile())),
            outputMode="CMYK")
        assert converted is not None
    else:
        converted = rgb.convert("L")
    image.write(zlib.compress(converted.tobytes()), filter=pikepdf.Name.FlateDecode)
    image.ColorSpace = pikepdf.Name("/DeviceCMYK" if target == "cmyk" else "/DeviceGray")
    image.BitsPerComponent = 8
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]


def _named_spaces(resources: Any) -> dict[str, str]:
    """Colour spaces a content stream names through its resources, by kind."""
    if resources is None:
        return {}
    return {name: space_kind(space)
            for name, space in (resources.get("/ColorSpace") or {}).items()}


def space_kind(space: Any) -> str:
    """"rgb", "gray" or "cmyk" for a device, calibrated or ICC-based space; else its name."""
    name = str(space[0] if isinstance(space, pikepdf.Array) and len(space) else space)
    if name in DEVICE_SPACES:
        return DEVICE_SPACES[name]
    if name in ("/CalRGB", "/CalGray"):
        return "rgb" if name == "/CalRGB" else "gray"
    if name == "/ICCBased":
        return {1: "gray", 3: "rgb", 4: "cmyk"}.get(int(space[1].get("/N", 0)), "icc")
    return name.lstrip("/").lower()


def _fix_group(holder: pikepdf.Object, target: str) -> None:
    """A transparency group blends in its own colour space: make it the target's."""
    group = holder.get("/Group")
    if group is not None and "/CS" in group:
        group.CS = pikepdf.Name("/DeviceCMYK" if target == "cmyk" else "/DeviceGray")
