"""A build: load -> validate -> compose, then each document through the pipeline
(render -> prepress -> verify, pipeline.py) in worker processes, then write.

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
from typing import TYPE_CHECKING

from . import __version__
from .compose import ComposedDocument, compose, make_environment
from .errors import ContentError, Problem, ProblemList, display_path
from .figures import figure_warnings
from .fonts import FontSet, IsolatedFontconfig, coverage_problems, load_fonts, stack_problems
from .languages import FACE_WORK_SCALES
from .load import load_project
from .manifest import (
    MANIFEST_NAME,
    BuiltOutput,
    Manifest,
    OutputRecord,
    QrReading,
    read_manifest,
    read_record,
)
from .model import LanguageText, Leaflet, Project
from .options import OUTPUT_KINDS, BuildOptions
from .preview import preview_name
from .resources import PACKAGE_DIR, builtin_folders
from .source_history import HISTORY_NAME, SourceHistory
from .state import (
    STATE_NAME,
    BuildState,
    file_digest,
    input_fingerprint,
    tool_versions,
    tree_digest,
)
from .timing import time_limit
from .translation import final_problems, unused_language_problems
from .validate import validate
from .write import OutputWriter, output_lock

if TYPE_CHECKING:  # the workers module imports WeasyPrint's helpers lazily
    from jinja2 import Environment

    from .pipeline import MadeDocument
    from .workers import Workers


class SelectionError(Exception):
    """--lang or --leaflet names something the project does not have (a usage error)."""


@dataclass
class BuildResult:
    project: Project
    outputs: list[BuiltOutput] = field(default_factory=list)
    subsetter: str = ""
    seconds: float = 0.0

    @property
    def rendered(self) -> list[BuiltOutput]:
        return [output for output in self.outputs if output.rendered]


@dataclass(frozen=True)
class DocumentMade:
    """Progress: one more document rendered and verified."""

    index: int  # 1-based, in the build's order
    total: int
    name: str  # its output name, card/card.en.pdf
    line: str  # what `-v` says of it

    def __str__(self) -> str:
        return self.line


@dataclass(frozen=True)
class BuildWarning:
    """Something suspect but printable, said before the outputs are written."""

    message: str

    def __str__(self) -> str:
        return f"warning: {self.message}"


BuildEvent = DocumentMade | BuildWarning
Reporter = Callable[[BuildEvent], None]


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
    return (project.root, *builtin_folders(), PACKAGE_DIR)


def build(options: BuildOptions, report: Reporter = lambda event: None) -> BuildResult:
    started = time.perf_counter()
    # Taken before anything is read: a file edited during the build makes the next one run.
    fingerprint = input_fingerprint(options, builtin_folders())
    project, fonts = check(options.project_dir)
    pairs = select(project, options)
    if options.final and (blocking := final_problems(project, pairs)):
        raise ContentError(blocking)
    warnings = content_warnings(project)
    if warnings and options.strict:
        raise ContentError(warnings)
    for warning in warnings:
        report(BuildWarning(str(warning)))

    environment = make_environment(project)
    kinds = sum(len(options.outputs or leaflet.outputs) for leaflet, _ in pairs)
    with IsolatedFontconfig(fonts.folders), _workers(project, fonts, options, kinds) as workers, \
            output_lock(options.output_dir):
        state = BuildState(options.output_dir) if options.force \
            else BuildState.read(options.output_dir)
        started_work = _compose_and_submit(options, project, fonts, pairs, environment, state,
                                           workers)
        result = _render_and_write(options, project, started_work, state, report,
                                   fingerprint, [f"warning: {w}" for w in warnings], workers)
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _StartedWork:
    """Every document of a build, composed, in the build's order; what each depends on
    (output_key); the records of those the previous build left as they should be; and how
    many of the others were given to the workers to make."""

    composed: list[ComposedDocument]
    keys: dict[str, str]
    kept: dict[str, OutputRecord]
    submitted: int


def _compose_and_submit(options: BuildOptions, project: Project, fonts: FontSet,
                        pairs: list[tuple[Leaflet, str]], environment: Environment,
                        state: BuildState, workers: Workers) -> _StartedWork:
    """Compose each leaflet's outputs in a language, and give those not up to date to the
    workers at once, so that they render while the next are composed: the longest first
    (expected_work), so that no worker is left making a long one while the others wait."""
    fonts_digest = tree_digest(list(fonts.folders))
    versions = tool_versions()
    composed: dict[int, list[ComposedDocument]] = {}
    keys: dict[str, str] = {}
    kept: dict[str, OutputRecord] = {}
    submitted = 0
    kinds = {leaflet.id: options.outputs or leaflet.outputs for leaflet, _ in pairs}

    def longest_first(numbered: tuple[int, tuple[Leaflet, str]]) -> float:
        leaflet, code = numbered[1]
        return -expected_work(leaflet, kinds[leaflet.id], project.languages[code])

    for position, (leaflet, code) in sorted(enumerate(pairs), key=longest_first):
        documents = []
        for kind in kinds[leaflet.id]:
            # A project's template can loop for ever: it has the render's time limit.
            with time_limit(options.time_limit, f"composing {leaflet.template}"):
                documents.append(compose(project, leaflet, code, environment, kind))
        composed[position] = documents
        for document in documents:
            keys[document.output_name] = output_key(document, fonts_digest, versions)
        kept.update(_up_to_date(documents, keys, state, options.preview_dpi))
        to_make = [document for document in documents if document.output_name not in kept]
        workers.submit(to_make)
        submitted += len(to_make)
    return _StartedWork([document for position in sorted(composed)
                         for document in composed[position]], keys, kept, submitted)


def expected_work(leaflet: Leaflet, kinds: tuple[str, ...], language: LanguageText) -> float:
    """How long a leaflet's outputs in a language take to make, relatively, before they
    are composed: their paper, and the face they are set in. Rough (one worker, the
    bundled project: an A6 card 0.5 s, two A5 pages 0.8 s, four A4 pages in two columns
    5.3 s), but it puts the longest before the short ones, which then fill in at the end."""
    page = leaflet.format
    return page.width_mm * page.height_mm * leaflet.pages * len(kinds) \
        * FACE_WORK_SCALES.get(language.font_stack[0], 1.0)


def _workers(project: Project, fonts: FontSet, options: BuildOptions,
             documents: int) -> Workers:
    """The render processes, started before anything is composed (workers.py says why);
    none for a build of one document, which renders in this process."""
    from .workers import Workers  # WeasyPrint is imported only where something renders

    return Workers(fonts, resource_roots(project), options.time_limit, options.preview_dpi,
                   min(options.jobs, documents))


def output_key(document: ComposedDocument, fonts_digest: str, versions: str) -> str:
    """What an output depends on besides the files it fetches: its composed HTML (text,
    fallbacks, figures, labels, styles), the fonts, and the tool's and renderer's versions."""
    digest = hashlib.sha256()
    for part in (document.kind, document.html, document.base_url, str(document.pages),
                 str(document.copyfit), str(document.bleed_mm), fonts_digest, versions):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _render_and_write(options: BuildOptions, project: Project, work: _StartedWork,
                      state: BuildState, report: Reporter, fingerprint: str,
                      reported: list[str], workers: Workers) -> BuildResult:
    result = BuildResult(project)
    output_dir = options.output_dir
    composed, keys, kept = work.composed, work.keys, work.kept
    made = _make(work.submitted, workers, report)
    result.subsetter = _subsetter() if made else read_manifest(output_dir).subsetter
    if made and result.subsetter != "harfbuzz":
        report(BuildWarning("libharfbuzz-subset0 is missing, so fonts are subset by the "
                            "slow fontTools path; install it (see README) for ~10x "
                            "faster builds"))
    _failures(made, kept, options.strict).raise_if_any()

    made_by_name = {document.composed.output_name: document for document in made}
    with OutputWriter(output_dir) as writer:
        writer.remove_leftovers()
        for document in composed:
            name = document.output_name
            if name in kept:  # its state entry stays as it is
                result.outputs.append(BuiltOutput.kept(kept[name], output_dir))
                continue
            made_document = made_by_name[name]
            rendered = made_document.rendered
            assert rendered is not None  # a failed document stopped the build above
            path = writer.stage(name, made_document.pdf)
            files = {name: hashlib.sha256(made_document.pdf).hexdigest()}
            for page, png in enumerate(made_document.previews, start=1):
                writer.stage(preview_name(name, page), png)
                files[preview_name(name, page)] = hashlib.sha256(png).hexdigest()
            built = _built(made_document, path, output_dir)
            result.outputs.append(built)
            stored = built.record().model_dump(mode="json")
            state.store(name, keys[name], {**stored, "preview_dpi": options.preview_dpi},
                        files, {str(p): file_digest(p) for p in rendered.resources})
        manifest = _write_manifest(writer, output_dir, project, result)
        # The source texts seen, for the workspace's diffs: staged by every build, so that
        # a commit renames the same files whatever the folder held.
        writer.stage(HISTORY_NAME, SourceHistory(output_dir).with_project(project)[0])
        # This build's files: each output's PDF and previews, as its state entry lists them.
        files = {name: digest for document in composed
                 for name, digest in state.data["outputs"][document.output_name]["files"].items()}
        files[MANIFEST_NAME] = hashlib.sha256(manifest).hexdigest()
        state.record_build(fingerprint, files, messages=reported + output_messages(result))
        writer.stage(STATE_NAME, state.to_bytes())
    return result


def _up_to_date(composed: list[ComposedDocument], keys: dict[str, str], state: BuildState,
                preview_dpi: int | None) -> dict[str, OutputRecord]:
    """The records of the outputs the previous build left as they should be now."""
    kept: dict[str, OutputRecord] = {}
    for document in composed:
        stored = state.cached(document.output_name, keys[document.output_name]) or {}
        previews_at = stored.pop("preview_dpi", None)
        record = read_record(stored)
        if record is not None and (not preview_dpi or previews_at == preview_dpi):
            kept[document.output_name] = record
    return kept


def _make(total: int, workers: Workers, report: Reporter) -> list[MadeDocument]:
    """The documents submitted to the workers, rendered, prepressed and verified
    (pipeline.py), in the order submitted."""
    made = []
    for index, document in enumerate(workers.made(), start=1):
        made.append(document)
        report(DocumentMade(index, total, document.composed.output_name,
                            _progress(index, total, document)))
    return made


def _failures(made: list[MadeDocument], kept: dict[str, OutputRecord],
              strict: bool) -> ProblemList:
    """What fails the build: one line per problem of a leaflet in a language, however many
    of its outputs share it (an overflow is the same in the screen, print and office files)."""
    failing: dict[tuple[str, str, str], list[str]] = {}
    for done in made:
        verification = done.verification
        messages = [done.failure] if done.failure or verification is None else [
            finding.message for finding in verification.errors
            + (verification.warnings if strict else [])]
        for message in messages:
            which = (done.composed.leaflet_id, done.composed.language, str(message))
            failing.setdefault(which, []).append(done.composed.output_name)
    failures = ProblemList()
    for (_, _, message), outputs in failing.items():
        names = list(dict.fromkeys(outputs))  # a message may repeat within one output
        also = f" (and {len(names) - 1} other output{'s' if len(names) > 2 else ''} of it)" \
            if len(names) > 1 else ""
        failures.add(None, None, names[0] + also, message)
    if strict:  # a kept output's warnings fail a strict build as a new one's
        for name, record in kept.items():
            for warning in record.warnings:
                failures.add(None, None, name, warning)
    return failures


def output_messages(result: BuildResult) -> list[str]:
    """The warnings and draft notices of a build's outputs, one line each."""
    lines = [f"warning: {display_path(output.file)}: {warning}"
             for output in result.outputs for warning in output.warnings]
    lines += [f"draft: {display_path(output.file)}: {'; '.join(output.draft_reasons)}"
              for output in result.outputs if output.draft_reasons]
    lines += [f"copyfit: {display_path(output.file)}: set in {output.body_pt:g} pt to "
              f"{'fill its pages' if output.body_pt > output.designed_pt else 'fit'} "
              f"(designed at {output.designed_pt:g} pt)"
              for output in result.outputs if output.copyfitted
              and output.body_pt is not None and output.designed_pt is not None]
    return lines


def _progress(index: int, total: int, document: MadeDocument) -> str:
    name = document.composed.output_name
    if document.failure:
        return f"[{index}/{total}] {name}: {document.failure}"
    rendered, verification = document.rendered, document.verification
    assert rendered is not None and verification is not None  # made without a failure
    mark = " DRAFT" if document.composed.is_draft else ""
    status = "ok" if not verification.errors else f"{len(verification.errors)} error(s)"
    designed = document.composed.designed_pt
    fitted = "" if not designed or not rendered.body_pt or rendered.body_pt == designed \
        else f", set in {rendered.body_pt:g} pt to " + (
            "fit" if rendered.body_pt < designed else "fill its pages")
    return (f"[{index}/{total}] {name}: {rendered.page_count} page(s), "
            f"{len(document.pdf) / 1024:.0f} KiB, {rendered.seconds:.2f} s, {status}"
            f"{fitted}{mark}")


def _subsetter() -> str:
    """Which font subsetter WeasyPrint uses here: HarfBuzz's is about 10x faster."""
    from .render import Renderer

    return Renderer.subsetter()


def _built(made: MadeDocument, path: Path, output_dir: Path) -> BuiltOutput:
    composed = made.composed
    rendered, verification = made.rendered, made.verification
    assert rendered is not None and verification is not None
    return BuiltOutput(
        leaflet=composed.leaflet_id,
        language=composed.language,
        path=path.relative_to(output_dir.resolve()).as_posix(),
        file=path,
        # The file's pages: the leaflet's own, or the sheets they are imposed on.
        pages=verification.preflight.pages if verification.preflight else rendered.page_count,
        bytes=len(made.pdf),
        sha256=hashlib.sha256(made.pdf).hexdigest(),
        seconds=rendered.seconds,
        draft=bool(composed.draft_reasons),
        draft_reasons=composed.draft_reasons,
        warnings=tuple(finding.message for finding in verification.warnings),
        qr_codes=tuple(QrReading(page=qr.page, target=qr.text, module_mm=round(qr.module_mm, 3),
                                 area=qr.area)
                       for qr in verification.decoded_qr if qr.module_mm is not None),
        fonts=tuple(verification.fonts),
        kind=composed.kind,
        body_pt=rendered.body_pt,
        designed_pt=composed.designed_pt,
        page_fills=rendered.page_fills,
        preflight=verification.preflight,
        hotline_on_paper=verification.hotline_on_paper,
    )


def _write_manifest(writer: OutputWriter, output_dir: Path, project: Project,
                    result: BuildResult) -> bytes:
    """Merge this build's outputs into the manifest: a build of one language keeps the
    records of the others, as long as their files are still there."""
    built = {(o.leaflet, o.language, o.kind) for o in result.outputs}
    kept = [
        record for record in read_manifest(output_dir).outputs
        if (record.leaflet, record.language, record.kind) not in built
        and record.leaflet in project.leaflets and (output_dir / record.path).is_file()
    ]
    records = kept + [o.record() for o in result.outputs]
    order = {leaflet_id: index for index, leaflet_id in enumerate(project.leaflets)}
    kinds: dict[str, int] = {kind: index for index, kind in enumerate(OUTPUT_KINDS)}
    records.sort(key=lambda r: (order.get(r.leaflet, len(order)), r.language, kinds[r.kind]))
    data = Manifest(tool=f"leafletgen {__version__}", project=project.organisation.name,
                    subsetter=result.subsetter, outputs=tuple(records)).to_bytes()
    writer.stage(MANIFEST_NAME, data)
    return data


def content_warnings(project: Project, today: datetime.date | None = None) -> list[Problem]:
    """What is suspect but printable: hand-typed or stale figures (figures.py), and
    language files no leaflet is made in."""
    return figure_warnings(project, today or datetime.date.today()) \
        + unused_language_problems(project)


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


