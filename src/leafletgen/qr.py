"""QR codes as vector SVG, sized so a phone camera reads them at arm's length."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import qrcode
import qrcode.constants

from .pictures import data_uri

QUIET_ZONE_MODULES = 4  # the standard's margin; printing it keeps cameras from misreading
QrRole = Literal["hotline", "source"]
MIN_MODULE_MM = 0.53  # measured: two decoders read every code after a 2 px blur at 300 dpi
# The largest code a leaflet prints; a target needing more (a very long address) is refused
# when the project is checked rather than crowding the page.
MAX_QR_MM = 30.0


@dataclass(frozen=True)
class QrCode:
    """One QR code as placed on a leaflet."""

    role: QrRole
    target: str  # what it must decode to
    caption: str
    alt: str
    size_mm: float  # printed width of the symbol, quiet zone included
    symbol_modules: int  # modules across the symbol, quiet zone excluded
    svg: str

    @property
    def module_mm(self) -> float:
        return self.size_mm / (self.symbol_modules + 2 * QUIET_ZONE_MODULES)

    @property
    def data_uri(self) -> str:
        return data_uri(self.svg.encode(), "image/svg+xml")


def make_qr(role: QrRole, target: str, caption: str, alt: str, min_size_mm: float) -> QrCode:
    """Encode `target`; the printed size grows past `min_size_mm` when a long target needs
    more modules, so no module is ever smaller than MIN_MODULE_MM."""
    total = len(_matrix(target))  # quiet zone included
    size_mm = max(min_size_mm, _smallest_mm(total))
    return QrCode(role, target, caption, alt, size_mm, total - 2 * QUIET_ZONE_MODULES,
                  _svg(target, size_mm))


@functools.lru_cache(maxsize=256)  # the hotline's code serves every document of a build
def _matrix(target: str) -> tuple[tuple[bool, ...], ...]:
    return tuple(tuple(row) for row in _encode(target).get_matrix())


def smallest_size_mm(target: str) -> float:
    """How wide the code for `target` must print so no module is under MIN_MODULE_MM."""
    return _smallest_mm(len(_matrix(target)))  # cached: compose draws this very code


def _encode(target: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                         border=QUIET_ZONE_MODULES)
    code.add_data(target)
    code.make(fit=True)
    return code


def _smallest_mm(total_modules: int) -> float:
    return round(total_modules * MIN_MODULE_MM + 0.05, 1)


@functools.lru_cache(maxsize=256)
def _svg(target: str, size_mm: float) -> str:
    matrix = _matrix(target)
    # Each horizontal run of dark modules is one stroked line a module thick: a quarter of
    # the path commands of one square per module, which WeasyPrint parses 4x faster.
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start} {y + 0.5}h{x - start}")
            else:
                x += 1
    total = len(matrix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_mm}mm" height="{size_mm}mm" '
        f'viewBox="0 0 {total} {total}" shape-rendering="crispEdges">'
        f'<rect width="{total}" height="{total}" fill="#fff"/>'
        f'<path d="{"".join(runs)}" stroke="#000" stroke-width="1" fill="none"/></svg>'
    )
