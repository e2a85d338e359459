"""QR codes a phone reads: every code of the bundled build survives a blurred or a coarse
raster, read by two decoders, one of which (zbar) the build does not use; and a reader
can see in words where each code leads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import page_texts, qr_survival
from leafletgen.qr import MIN_MODULE_MM, QUIET_ZONE_MODULES, make_qr


def test_a_long_address_gets_a_larger_code_not_smaller_modules():
    short = make_qr("source", "https://a.lt/", "[1]", "", 18.0)
    long = make_qr("source", "https://e-seimas.lrs.lt/portal/legalAct/lt/TAD/TAIS.111555",
                   "[1]", "", 18.0)
    assert short.size_mm == 18.0
    assert long.size_mm > 18.0
    assert long.size_mm / (long.symbol_modules + 2 * QUIET_ZONE_MODULES) >= MIN_MODULE_MM


@pytest.mark.skipif(shutil.which("zbarimg") is None,
                    reason="needs zbarimg (./dev.sh test installs zbar-tools)")
def test_every_code_survives_a_phone_with_two_decoders(bundled_build: Path):
    """Each leaflet's codes in each output, in the source language and in Arabic (the
    layout mirrored): decoded from a blurred 300 dpi and a 150 dpi raster by both decoders.
    The other languages print the same codes at the same sizes, which the manifest shows;
    `python benchmarks/qr_survival.py build/` decodes every one of them."""
    manifest = json.loads((bundled_build / "manifest.json").read_text(encoding="utf-8"))
    outputs = manifest["outputs"]
    tested = [record for record in outputs if record["language"] in ("en", "ar")]
    sizes: dict[tuple, set[float]] = {}
    for record in tested:
        for code in record["qr_codes"]:
            key = (record["leaflet"], record["kind"], code["target"])
            sizes.setdefault(key, set()).add(code["module_mm"])
    for record in outputs:
        for code in record["qr_codes"]:
            key = (record["leaflet"], record["kind"], code["target"])
            assert code["module_mm"] >= min(sizes[key]) - 0.01, (record["path"], code)
    rows = qr_survival.table(bundled_build, records=tested)
    codes = sum(len(record["qr_codes"]) for record in tested)
    kinds = {record["kind"] for record in tested if record["qr_codes"]}
    assert kinds == {"screen", "print", "office", "office-grey"}
    assert codes > 60
    for decoder in qr_survival.DECODERS:
        for condition in qr_survival.CONDITIONS:
            cells = [r for r in rows if r[0] == decoder and r[1] == condition]
            assert sum(r[4] for r in cells) == codes
            failed = [r for r in cells if r[3] != r[4]]
            assert not failed, f"{decoder}, {condition}: {failed}"
    assert min(float(r[2].split()[0]) for r in rows) >= MIN_MODULE_MM - 0.01


def test_where_each_source_code_leads_is_printed_on_its_page(bundled_build: Path):
    manifest = json.loads((bundled_build / "manifest.json").read_text(encoding="utf-8"))
    checked = 0
    for record in manifest["outputs"]:
        if record["kind"] != "screen":
            continue
        texts = page_texts(bundled_build / record["path"])
        for code in record["qr_codes"]:
            if code["target"].startswith("tel:"):
                continue
            assert urlsplit(code["target"]).hostname in texts[code["page"] - 1], code
            checked += 1
    assert checked > 20
