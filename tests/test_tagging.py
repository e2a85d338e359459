"""PDF/UA as claimed: page furniture is an artifact or reachable structure, a language
change is declared where it happens, and no file claims PDF/UA without a structure tree."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf


def _structure(pdf: pikepdf.Pdf) -> tuple[set, list]:
    """(every structure element reachable from the root, [(element, its /Lang)])."""
    reachable, languages = set(), []
    stack = [pdf.Root.StructTreeRoot.get("/K")]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/StructElem" \
                and item.objgen not in reachable:
            reachable.add(item.objgen)
            if "/Lang" in item:
                languages.append((item, str(item.Lang)))
            stack.append(item.get("/K"))
    return reachable, languages


def unreachable_marked_content(path: Path) -> tuple[int, int]:
    """(marked-content items whose structure element no /K reaches, artifacts)."""
    with pikepdf.open(path) as pdf:
        reachable, _ = _structure(pdf)
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        lost = artifacts = 0
        for index, page in enumerate(pdf.pages):
            per_mcid = parents[int(page.obj.get("/StructParents", index))]
            for instruction in pikepdf.parse_content_stream(page):
                if str(instruction.operator) != "BDC":
                    continue
                tag, properties = instruction.operands
                if tag == "/Artifact":
                    artifacts += 1
                    continue
                if "/MCID" not in properties:
                    continue  # words given as ActualText, inside a tagged span
                element = per_mcid[int(properties.MCID)]
                lost += not isinstance(element, pikepdf.Dictionary) \
                    or element.objgen not in reachable
        return lost, artifacts


def _outputs(build: Path, kind: str) -> list[dict]:
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    return [record for record in manifest["outputs"] if record["kind"] == kind]


def test_page_furniture_is_reachable_or_an_artifact(bundled_build: Path):
    screens = _outputs(bundled_build, "screen")
    assert len(screens) == 43
    counts = {r["path"]: unreachable_marked_content(bundled_build / r["path"]) for r in screens}
    assert {path: lost for path, (lost, _) in counts.items() if lost} == {}
    # Footers (and page numbers, where there is more than one page) are there, as artifacts;
    # a fold's panels have none.
    assert all(artifacts >= 1 for path, (_, artifacts) in counts.items()
               if "trifold" not in path)


def test_the_lithuanian_half_of_each_card_declares_its_language(bundled_build: Path):
    cards = [r for r in _outputs(bundled_build, "screen") if r["leaflet"] == "pocket-card"]
    assert len(cards) == 16
    for record in cards:
        with pikepdf.open(bundled_build / record["path"]) as pdf:
            _, languages = _structure(pdf)
            assert str(pdf.Root.Lang) == record["language"]
            # The officer's heading, and the Lithuanian line of each of the three rows.
            assert [lang for _, lang in languages] == ["lt"] * 4, record["path"]
            assert sorted(str(element.S) for element, _ in languages) == \
                ["/Div", "/Div", "/Div", "/H1"]


def test_office_sheets_claim_no_pdf_ua(bundled_build: Path):
    sheets = _outputs(bundled_build, "office") + _outputs(bundled_build, "office-grey")
    assert len(sheets) == 28
    for record in sheets:
        with pikepdf.open(bundled_build / record["path"]) as pdf:
            assert "/StructTreeRoot" not in pdf.Root
            assert b"pdfuaid:part" not in pdf.Root.Metadata.read_bytes(), record["path"]
        assert record["preflight"]["pdf_variant"] is None


