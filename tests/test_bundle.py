"""`leafletgen bundle`: the press kit zip, checked by opening what is inside."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import stat
import zipfile
from pathlib import Path

import pikepdf
from PIL import Image

from conftest import BUNDLED, read_yaml


def test_press_kit_has_every_pdf_a_first_page_png_and_a_true_manifest(run, tmp_path: Path):
    code, stdout, stderr = run("bundle", "-p", BUNDLED, "-o", "out", "--leaflet", "fact-sheet")
    assert code == 0, stderr
    path = tmp_path / "out" / "fact-sheet-press-kit.zip"
    assert stdout.endswith("packed 2 PDF(s) into out/fact-sheet-press-kit.zip; 1 of them is a "
                           "draft (marked DRAFT on every page: translations not reviewed); "
                           "pack only reviewed languages with --lang, or check with --final\n")
    assert stat.S_IMODE(path.stat().st_mode) & 0o044  # readable by others, like any file
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        assert names == ["fact-sheet/fact-sheet.en.p1.png", "fact-sheet/fact-sheet.en.pdf",
                         "fact-sheet/fact-sheet.lt.p1.png", "fact-sheet/fact-sheet.lt.pdf",
                         "manifest.json"]
        manifest = json.loads(archive.read("manifest.json"))
        for record in manifest["files"]:
            pdf = archive.read(record["path"])
            assert record["sha256"] == hashlib.sha256(pdf).hexdigest()
            with pikepdf.open(io.BytesIO(pdf)) as document:
                assert record["pages"] == len(document.pages) == 1
            with Image.open(io.BytesIO(archive.read(record["preview"]))) as image:
                assert image.width < image.height  # A4 portrait
    assert {r["language"]: r["draft"] for r in manifest["files"]} == {"en": False, "lt": True}
    assert manifest["built_on"] == datetime.date.today().isoformat()
    statistics = read_yaml(BUNDLED / "statistics.yaml")
    sheet = read_yaml(BUNDLED / "project.yaml")["leaflets"]["fact-sheet"]
    shown = {*sheet["figures"], *(f for chart in sheet["charts"] for f in chart["figures"])}
    assert manifest["statistics_as_of"] == min(
        statistics[figure]["as_of"] for figure in shown).isoformat()
