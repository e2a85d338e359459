"""PDF/UA as claimed: every piece of a page either reachable in the structure tree or an
artifact, and every change of language declared.

WeasyPrint 70 tags page furniture (footers, page numbers, the draft line in the margin)
with structure elements that it links to nothing, so a screen reader walking the tree
never reaches them, and a checker counts them as untagged content. Here they become what
they are, artifacts of pagination. And it writes `/Lang` only on the document, so the
Lithuanian half of a bilingual card was read with the holder's language's voice:
`declare_languages` gives each structure element the `lang` of its HTML element.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf

from .text_layer import saved

_ARTIFACT = [pikepdf.Name("/Artifact"), pikepdf.Dictionary(Type=pikepdf.Name("/Pagination"))]


def declare_languages(tags_module: Any) -> None:
    """Make WeasyPrint's tag tree builder (`weasyprint.pdf.tags`) write `/Lang` on every
    structure element whose HTML element has a `lang` other than its parent's. Patched
    once per process; the builder calls itself through the module, so nested boxes pass
    through here too."""
    build = tags_module._build_box_tree
    if getattr(build, "declares_languages", False):
        return

    import pydyf

    document_lang: list[str | None] = [None]  # the <html> element's: the catalog's /Lang

    def build_with_languages(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        element_of_box = getattr(getattr(box, "_box", box), "element", None)
        lang = element_of_box.get("lang") if element_of_box is not None else None
        if element_of_box is not None and element_of_box.tag == "html":
            document_lang[0], lang = lang, None
        for element in build(box, parent, *args):
            inherited = _lang_of(parent) or document_lang[0]
            if lang and element.get("P") == parent.reference and inherited != lang:
                element["Lang"] = pydyf.String(lang)
            yield element

    build_with_languages.declares_languages = True  # type: ignore[attr-defined]
    tags_module._build_box_tree = build_with_languages


def _lang_of(element: Any) -> str | None:
    """The /Lang a structure element being built declares itself (none: its parent's)."""
    lang = element.get("Lang")
    return getattr(lang, "string", None)


def furniture_as_artifacts(pdf_bytes: bytes) -> bytes:
    """The PDF with every marked-content sequence whose structure element the tree does not
    reach turned into a pagination artifact, and its parent-tree entry cleared."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None or "/ParentTree" not in root:
            return pdf_bytes
        reachable = _reachable(root)
        nums = root.ParentTree.get("/Nums", pikepdf.Array())
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
        changed = False
        for index, page in enumerate(pdf.pages):
            per_mcid = parents.get(int(page.obj.get("/StructParents", index)))
            if not isinstance(per_mcid, pikepdf.Array):
                continue
            orphans = {mcid for mcid, element in enumerate(per_mcid)
                       if isinstance(element, pikepdf.Dictionary)
                       and element.objgen not in reachable}
            if orphans and _mark_artifacts(pdf, page, orphans):
                for mcid in orphans:
                    per_mcid[mcid] = None  # PDF null: no structure parent
                changed = True
        return saved(pdf) if changed else pdf_bytes


def _reachable(root: pikepdf.Object) -> set[tuple[int, int]]:
    """Every structure element the tree reaches from its root."""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") != "/OBJR" \
                and item.objgen not in seen:
            if item.objgen != (0, 0):
                seen.add(item.objgen)
            stack.append(item.get("/K"))
    return seen


def _mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> bool:
    """Rewrite the page's content so the orphaned MCIDs are artifacts; True if any was."""
    instructions = pikepdf.parse_content_stream(page)
    changed = False
    for position, instruction in enumerate(instructions):
        if instruction.operator != pikepdf.Operator("BDC") or len(instruction.operands) != 2:
            continue
        properties = instruction.operands[1]
        if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties \
                and int(properties.MCID) in orphans:
            instructions[position] = pikepdf.ContentStreamInstruction(
                _ARTIFACT, pikepdf.Operator("BDC"))
            changed = True
    if changed:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    return changed
