"""Colours rewritten in a PDF's content streams: to CMYK for the print shop, to grey for
the office printer.

WeasyPrint paints text, rules and SVG (the QR codes) in RGB whatever the output intent
says; only CSS `device-cmyk()` colours come out as CMYK. A print shop converts RGB black
to four-colour black, which smears small type and QR modules across four plates. So every
RGB and grey colour becomes CMYK here, neutral greys and black on the black plate only.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass, field

import pikepdf


@dataclass
class ColourReport:
    converted: Counter = field(default_factory=Counter)  # "rgb" / "gray" / "cmyk" -> count
    unconverted: list[str] = field(default_factory=list)  # what could not be, and where


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


def convert(pdf: pikepdf.Pdf, target: str) -> ColourReport:
    """Rewrite every page's colours to `target` ("cmyk" or "gray"), forms and tiling
    patterns included, each once."""
    report = ColourReport()
    done: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, start=1):
        _convert_stream(pdf, page.obj, page.obj.get("/Resources"), target, report, done,
                        f"page {number}", is_page=True)
    return report


def _convert_stream(pdf: pikepdf.Pdf, holder: pikepdf.Object, resources, target: str,
                    report: ColourReport, done: set, where: str, is_page: bool = False,
                    ) -> None:
    if not is_page:
        if holder.objgen in done:
            return
        done.add(holder.objgen)
    _fix_group(holder, target)
    named = _named_spaces(resources)
    instructions = pikepdf.parse_content_stream(holder)
    rewritten = _rewrite(instructions, target, named, report, where)
    data = zlib.compress(pikepdf.unparse_content_stream(rewritten))
    if is_page:
        holder.Contents = pdf.make_stream(data, Filter=pikepdf.Name.FlateDecode)
    else:
        holder.write(data, filter=pikepdf.Name.FlateDecode)
    if resources is None:
        return
    for name, xobject in (resources.get("/XObject") or {}).items():
        if xobject.get("/Subtype") == "/Form":
            _convert_stream(pdf, xobject, xobject.get("/Resources"), target, report, done,
                            f"{where}, form {name}")
        elif xobject.get("/Subtype") == "/Image":
            space = _space_name(xobject.get("/ColorSpace"))
            if not _already(space, target) and not xobject.get("/ImageMask", False):
                report.unconverted.append(f"{where}: image {name} is {space}")
    for name, pattern in (resources.get("/Pattern") or {}).items():
        if pattern.get("/PatternType") == 1:  # tiling: a content stream of its own
            _convert_stream(pdf, pattern, pattern.get("/Resources"), target, report, done,
                            f"{where}, pattern {name}")
        else:
            report.unconverted.append(f"{where}: shading pattern {name}")
    for name, shading in (resources.get("/Shading") or {}).items():
        report.unconverted.append(f"{where}: shading {name} "
                                  f"({_space_name(shading.get('/ColorSpace'))})")


def _rewrite(instructions, target: str, named: dict[str, str], report: ColourReport,
             where: str) -> list:
    result = []
    # The current fill and stroke colour spaces, saved and restored with q and Q.
    spaces, stack = {"fill": "gray", "stroke": "gray"}, []
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            report.unconverted.append(f"{where}: an inline image")
            result.append(instruction)
            continue
        operands, operator = list(instruction.operands), str(instruction.operator)
        lower = operator.lower()
        side = "stroke" if operator.isupper() or operator in ("SC", "SCN") else "fill"
        if operator == "q":
            stack.append(dict(spaces))
        elif operator == "Q" and stack:
            spaces = stack.pop()
        if lower in ("rg", "g", "k"):
            space = {"rg": "rgb", "g": "gray", "k": "cmyk"}[lower]
            values = [float(v) for v in operands]
            result.append(_set_colour(space, values, target, operator.isupper(), report))
            spaces[side] = target
            continue
        if lower == "cs":
            name = str(operands[0])
            space = {"/DeviceRGB": "rgb", "/DeviceGray": "gray",
                     "/DeviceCMYK": "cmyk"}.get(name) or named.get(name, "other")
            spaces[side] = space
            if space in ("rgb", "gray", "cmyk"):
                # Later `sc`/`scn` give colours in `space`: they are converted one by one.
                spaces[side] = ("device", space)
                result.append(pikepdf.ContentStreamInstruction(
                    [pikepdf.Name("/DeviceCMYK" if target == "cmyk" else "/DeviceGray")],
                    pikepdf.Operator(operator)))
                continue
            if space != "pattern":
                report.unconverted.append(f"{where}: colour space {name}")
        if lower in ("sc", "scn") and isinstance(spaces[side], tuple):
            space = spaces[side][1]
            values = _colour_values(space, target, [float(v) for v in operands])
            report.converted[space] += 1
            result.append(pikepdf.ContentStreamInstruction(values, pikepdf.Operator(operator)))
            continue
        result.append(instruction)
    return result


def _set_colour(space: str, values: list[float], target: str, stroke: bool,
                report: ColourReport):
    report.converted[space] += 1
    new = _colour_values(space, target, values)
    operator = ("K" if stroke else "k") if target == "cmyk" else ("G" if stroke else "g")
    return pikepdf.ContentStreamInstruction(new, pikepdf.Operator(operator))


def _colour_values(space: str, target: str, values: list[float]) -> list[float]:
    if target == "gray":
        return [round(to_grey(space, values), 4)]
    if space == "cmyk":
        return [round(v, 4) for v in values]
    if space == "gray":
        return [0.0, 0.0, 0.0, round(1 - values[0], 4)]
    return [round(v, 4) for v in rgb_to_cmyk(*values)]


def _named_spaces(resources) -> dict[str, str]:
    """Colour spaces a content stream names through its resources, by kind."""
    spaces = {}
    if resources is None:
        return spaces
    for name, space in (resources.get("/ColorSpace") or {}).items():
        spaces[name] = _space_kind(space)
    return spaces


def _space_kind(space) -> str:
    name = _space_name(space)
    if name in ("/DeviceRGB", "/CalRGB"):
        return "rgb"
    if name in ("/DeviceGray", "/CalGray"):
        return "gray"
    if name == "/DeviceCMYK":
        return "cmyk"
    if name == "/Pattern":
        return "pattern"
    if name == "/ICCBased":
        return {1: "gray", 3: "rgb", 4: "cmyk"}.get(int(space[1].get("/N", 0)), "other")
    return "other"


def _space_name(space) -> str:
    if space is None:
        return "no colour space"
    if isinstance(space, pikepdf.Array):
        return str(space[0]) if len(space) else "[]"
    return str(space)


def _already(space_name: str, target: str) -> bool:
    return space_name == ("/DeviceCMYK" if target == "cmyk" else "/DeviceGray")


def _fix_group(holder: pikepdf.Object, target: str) -> None:
    """A transparency group blends in its own colour space: make it the target's."""
    group = holder.get("/Group")
    if group is not None and "/CS" in group:
        group.CS = pikepdf.Name("/DeviceCMYK" if target == "cmyk" else "/DeviceGray")
