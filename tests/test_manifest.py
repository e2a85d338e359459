"""The records a build writes (manifest.py): what is written is what is read back."""

from __future__ import annotations

import json
from pathlib import Path

from leafletgen.manifest import (
    BuiltOutput,
    HotlineOnPaper,
    Manifest,
    OutputRecord,
    PageArea,
    QrReading,
    read_manifest,
    read_record,
)

RECORD = {
    "leaflet": "card", "language": "ar", "path": "card/card.ar.pdf", "pages": 1,
    "bytes": 1000, "sha256": "0" * 64, "draft": True, "draft_reasons": ["ar: not reviewed"],
    "warnings": [], "qr_codes": [{"page": 1, "target": "tel:+37060871204", "module_mm": 0.61,
                                  "area": {"left": 0.7, "top": 0.8, "right": 0.9, "bottom": 0.95}}],
    "fonts": ["NotoNaskhArabic"], "kind": "screen", "body_pt": 9.0, "designed_pt": 9.0,
    "page_fills": [0.62], "preflight": None,
    "hotline_on_paper": [{"page": 1, "read": "+37060871204", "contrast": 210, "area": None}],
}


def test_a_record_reads_back_as_written(tmp_path: Path):
    record = OutputRecord.model_validate(RECORD)
    assert record.qr_codes == (QrReading(page=1, target="tel:+37060871204", module_mm=0.61,
                                         area=PageArea(left=0.7, top=0.8, right=0.9,
                                                       bottom=0.95)),)
    assert record.hotline_on_paper == (HotlineOnPaper(page=1, read="+37060871204",
                                                      contrast=210),)
    manifest = Manifest(tool="leafletgen 0", project="P", subsetter="harfbuzz",
                        outputs=(record,))
    (tmp_path / "manifest.json").write_bytes(manifest.to_bytes())
    assert json.loads(manifest.to_bytes())["outputs"] == [RECORD]
    assert read_manifest(tmp_path) == manifest


def test_a_record_of_another_shape_is_not_read():
    """A state or manifest from another version, or edited by hand, means a rebuild."""
    assert read_record({**RECORD, "kind": "poster"}) is None
    assert read_record({key: value for key, value in RECORD.items() if key != "sha256"}) is None
    assert read_record("card/card.ar.pdf") is None


def test_a_damaged_manifest_reads_as_empty(tmp_path: Path):
    (tmp_path / "manifest.json").write_text('{"outputs": [1, {"leaflet": 2}]', "utf-8")
    assert read_manifest(tmp_path).outputs == ()
    (tmp_path / "manifest.json").write_text('{"outputs": [1, ' + json.dumps(RECORD) + "]}",
                                            "utf-8")
    assert [r.path for r in read_manifest(tmp_path).outputs] == ["card/card.ar.pdf"]


def test_what_only_this_build_knows_stays_out_of_the_record(tmp_path: Path):
    record = OutputRecord.model_validate(RECORD)
    kept = BuiltOutput.kept(record, tmp_path)
    assert kept.file == (tmp_path / "card/card.ar.pdf").resolve() and not kept.rendered
    assert kept.record() == record
