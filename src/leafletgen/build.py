"""The pipeline: load -> validate -> compose -> render -> verify -> write.

A build is all or nothing: every document is rendered and verified before the first file
is written, so a failed build leaves the previous PDFs and manifest as they were.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .compose import ComposedDocument, compose, make_environment
from .errors import ContentError, Problem, ProblemList
from .figures import figure_warnings
from .fonts import FontSet, IsolatedFontconfig, coverage_problems, load_fonts, stack_problems
from .model import Leaflet, Project
from .preview import page_pngs, preview_name
from .render import DEFAULT_TIME_LIMIT
from .resources import PACKAGE_DIR, builtin_dir
from .translation import final_problems
from .validate import load_project, validate
from .verify import Verification, verify
from .write import MANIFEST_NAME, OutputWriter, manifest_bytes, output_lock, read_manifest


class SelectionError(Exception):
    """--lang or --leaflet names something the project does not have (a usage error)."""


@dataclass(frozen=True)
class BuildOptions:
    project_dir: Path
    output_dir: Path
    languages: tuple[str, ...] = ()  # empty: every language of each leaflet
    leaflets: tuple[str, ...] = ()  # empty: every leaflet
    strict: bool = False  # warnings fail the build too
    preview_dpi: int | None = None  # also write a PNG of every page next to each PDF
    final: bool = False  # refuse drafts: every text reviewed and up to date, no fallback
    time_limit: float | None = DEFAULT_TIME_LIMIT  # seconds per document's render


@dataclass(frozen=True)
class BuiltOutput:
    leaflet: str
    language: str
    path: Path
    pages: int
    bytes: int
    sha256: str
    seconds: float
    draft_reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    verification: Verification

    def manifest_record(self, output_dir: Path) -> dict:
        return {
            "leaflet": self.leaflet,
            "language": self.language,
            "path": self.path.relative_to(output_dir.resolve()).as_posix(),
            "pages": self.pages,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "draft": bool(self.draft_reasons),
            "draft_reasons": list(self.draft_reasons),
            "warnings": list(self.warnings),
            "qr_codes": [
                {"page": qr.page, "target": qr.text, "module_mm": round(qr.module_mm, 3)}
                for qr in self.verification.decoded_qr if qr.module_mm is not None
            ],
            "fonts": list(self.verification.fonts),
        }


@dataclass
class BuildResult:
    project: Project
    outputs: list[BuiltOutput] = field(default_factory=list)
    subsetter: str = ""
    seconds: float = 0.0


Reporter = Callable[[str], None]


def select(project: Project, options: BuildOptions) -> list[tuple[Leaflet, str]]:
    """The (leaflet, language) pairs a build makes, in project order."""
    unknown = [name for name in options.leaflets if name not in project.leaflets]
    if unknown:
        raise SelectionError(f"no leaflet {', '.join(map(repr, unknown))} in the project "
                             f"(it has: {', '.join(project.leaflets)})")
    known_languages = {code for leaflet in project.leaflets.values() for code in leaflet.languages}
    unknown = [code for code in options.languages if code not in known_languages]
    if unknown:
        raise SelectionError(f"no leaflet is made in {', '.join(map(repr, unknown))} "
                             f"(languages: {', '.join(sorted(known_languages))})")
    pairs = [
        (leaflet, code)
        for leaflet in project.leaflets.values()
        if not options.leaflets or leaflet.id in options.leaflets
        for code in leaflet.languages
        if not options.languages or code in options.languages
    ]
    if not pairs:
        raise SelectionError("that selection of leaflets and languages makes nothing")
    return pairs


def resource_roots(project: Project) -> tuple[Path, ...]:
    """The only folders a document may load files from: the project's and leafletgen's."""
    return (project.root, builtin_dir("templates"), builtin_dir("fonts"), PACKAGE_DIR)


def build(options: BuildOptions, report: Reporter = lambda message: None) -> BuildResult:
    started = time.perf_counter()
    project, fonts = check(options.project_dir)
    pairs = select(project, options)
    if options.final and (blocking := final_problems(project, pairs)):
        raise ContentError(blocking)
    warnings = content_warnings(project)
    if warnings and options.strict:
        raise ContentError(warnings)
    for warning in warnings:
        report(f"warning: {warning}")

    environment = make_environment(project)
    composed = [compose(project, leaflet, code, environment) for leaflet, code in pairs]

    with output_lock(options.output_dir):
        return _render_and_write(options, project, fonts, composed, report, started)


def _render_and_write(options: BuildOptions, project: Project, fonts: FontSet,
                      composed: list[ComposedDocument], report: Reporter,
                      started: float) -> BuildResult:
    # Imported late: WeasyPrint takes half a second to import, and `check` never needs it.
    from .render import Renderer, RenderTimeout

    result = BuildResult(project)
    with IsolatedFontconfig(fonts.folders):
        renderer = Renderer(resource_roots(project))
        result.subsetter = renderer.subsetter()
        if result.subsetter != "harfbuzz":
            report("warning: libharfbuzz-subset0 is missing, so fonts are subset by the slow "
                   "fontTools path; install it (see README) for ~10x faster builds")
        rendered = []
        for index, document in enumerate(composed, start=1):
            try:
                output = renderer.render(document, options.time_limit)
            except RenderTimeout as error:
                raise ContentError(Problem(None, None, document.output_name,
                                           f"{error} (the limit; --time-limit sets it): "
                                           "look for unusually long text in it")) from None
            verification = verify(output, fonts)
            rendered.append((output, verification))
            mark = " DRAFT" if document.is_draft else ""
            status = "ok" if not verification.errors else f"{len(verification.errors)} error(s)"
            report(f"[{index}/{len(composed)}] {document.output_name}: {output.page_count} "
                   f"page(s), {len(output.pdf) / 1024:.0f} KiB, {output.seconds:.2f} s, "
                   f"{status}{mark}")

    failures = ProblemList()
    for output, verification in rendered:
        failing = verification.errors + (verification.warnings if options.strict else [])
        for finding in failing:
            failures.add(None, None, output.composed.output_name, finding.message)
    failures.raise_if_any()

    previews = {
        output.composed.output_name: page_pngs(output.pdf, options.preview_dpi)
        for output, _ in rendered
    } if options.preview_dpi else {}

    with OutputWriter(options.output_dir) as writer:
        writer.remove_leftovers()
        for output, verification in rendered:
            name = output.composed.output_name
            path = writer.stage(name, output.pdf)
            for page, png in enumerate(previews.get(name, []), start=1):
                writer.stage(preview_name(name, page), png)
            result.outputs.append(_built(output, verification, path))
        _write_manifest(writer, options.output_dir, project, result)
    result.seconds = time.perf_counter() - started
    return result


def _built(output, verification: Verification, path: Path) -> BuiltOutput:
    composed: ComposedDocument = output.composed
    return BuiltOutput(
        leaflet=composed.leaflet_id,
        language=composed.language,
        path=path,
        pages=output.page_count,
        bytes=len(output.pdf),
        sha256=hashlib.sha256(output.pdf).hexdigest(),
        seconds=output.seconds,
        draft_reasons=composed.draft_reasons,
        warnings=tuple(finding.message for finding in verification.warnings),
        verification=verification,
    )


def _write_manifest(writer: OutputWriter, output_dir: Path, project: Project,
                    result: BuildResult) -> None:
    """Merge this build's outputs into the manifest: a build of one language keeps the
    records of the others, as long as their files are still there."""
    built = {(o.leaflet, o.language) for o in result.outputs}
    kept = [
        record for record in read_manifest(output_dir)["outputs"]
        if isinstance(record, dict)
        and (record.get("leaflet"), record.get("language")) not in built
        and record.get("leaflet") in project.leaflets
        and isinstance(record.get("path"), str)
        and (output_dir / record["path"]).is_file()
    ]
    records = kept + [o.manifest_record(output_dir) for o in result.outputs]
    order = {leaflet_id: index for index, leaflet_id in enumerate(project.leaflets)}
    records.sort(key=lambda r: (order.get(r["leaflet"], len(order)), r["language"]))
    manifest = {
        "tool": f"leafletgen {__version__}",
        "project": project.organisation.name,
        "subsetter": result.subsetter,
        "outputs": records,
    }
    writer.stage(MANIFEST_NAME, manifest_bytes(manifest))  # staged last: renamed last


def content_warnings(project: Project, today: datetime.date | None = None) -> list[Problem]:
    """What is suspect but printable: hand-typed or stale figures (figures.py)."""
    return figure_warnings(project, today or datetime.date.today())


def check(project_dir: Path) -> tuple[Project, FontSet]:
    """Stages 1 and 2 and the glyph check: everything `build` verifies before rendering."""
    project = validate(load_project(project_dir))
    fonts = load_fonts(project.font_dirs)
    problems = stack_problems(project, fonts)
    if not problems:  # coverage means nothing while a stack names a missing font
        problems = [p for leaflet in project.leaflets.values()
                    for p in coverage_problems(project, leaflet, fonts)]
    if problems:
        raise ContentError(problems)
    return project, fonts


