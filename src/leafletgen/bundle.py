"""`leafletgen bundle`: a press kit as one zip: the PDFs of each language, a PNG of each
first page for a newsroom's web page, and a manifest of what is inside."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from typing import Any

from . import __version__
from .build import BuildResult
from .preview import page_pngs, preview_name

# Fixed entry times keep the zip byte-identical for identical contents.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def press_kit(result: BuildResult, built_on: datetime.date) -> bytes:
    project = result.project
    files = []
    contents: list[tuple[str, bytes]] = []
    for output in result.outputs:
        name = f"{output.leaflet}/{output.file.name}"
        pdf = output.file.read_bytes()
        [first_page, *_] = page_pngs(pdf)
        png_name = preview_name(name, 1)
        contents += [(name, pdf), (png_name, first_page)]
        files.append({
            "path": name,
            "preview": png_name,
            "leaflet": output.leaflet,
            "language": output.language,
            "pages": output.pages,
            "bytes": len(pdf),
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "draft": bool(output.draft_reasons),
        })
    leaflets = {output.leaflet for output in result.outputs}
    figures = sorted({figure_id for leaflet_id in leaflets
                      for figure_id in project.leaflets[leaflet_id].figure_ids})
    manifest: dict[str, Any] = {
        "tool": f"leafletgen {__version__}",
        "organisation": project.organisation.name,
        "built_on": built_on.isoformat(),
        # The oldest figure decides how current the kit is; each figure's date follows.
        "statistics_as_of": min((project.statistics[f].as_of for f in figures),
                                default=None),
        "statistics": {f: project.statistics[f].as_of.isoformat() for f in figures},
        "files": files,
    }
    if manifest["statistics_as_of"] is not None:
        manifest["statistics_as_of"] = manifest["statistics_as_of"].isoformat()
    contents.append(("manifest.json",
                     json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(contents):
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
