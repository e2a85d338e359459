"""The command line: each command parses its options and calls one pipeline function.

User mistakes (ContentError) become a located report and exit code 1 here, in one place;
usage mistakes exit 2 (Click's convention); anything else is a bug and keeps its traceback.
The pipeline is imported inside the commands: a build with nothing to do answers before
YAML, Jinja, fonts or WeasyPrint are loaded.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from . import __version__
from .errors import ContentError, display_path
from .filenames import SCHEMA_DIR
from .options import (
    DEFAULT_TIME_LIMIT,
    OUTPUT_KINDS,
    PREVIEW_DPI,
    BuildOptions,
    OutputKind,
    default_jobs,
)
from .resources import builtin_folders, starter_dir
from .state import BuildState, input_fingerprint
from .write import Interrupted, OutputError, OutputLocked, recover, write_file

if TYPE_CHECKING:
    from .build import BuildResult
    from .model import Project

def _project_here(context: click.Context, parameter: click.Parameter, value: Path) -> Path:
    """The default `leaflets/`, or the working folder when that is a project itself (a
    coordinator who opened a terminal in the project folder)."""
    source = context.get_parameter_source(parameter.name or "")
    if source == click.core.ParameterSource.DEFAULT and not value.exists() \
            and Path("project.yaml").is_file():
        return Path(".")
    return value


PROJECT_OPTION = click.option(
    "--project", "-p", "project_dir", default="leaflets", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), callback=_project_here,
    help="The content project folder (the working folder if it holds project.yaml).",
)


def _fail(error: ContentError) -> NoReturn:
    _report(error)
    sys.exit(1)


def _os_failure(path: Path, error: OSError, elsewhere: str) -> NoReturn:
    """A file the command could not write: one sentence with the path and what to do."""
    click.echo(f"error: {OutputError(path, error, elsewhere, 'try again')}", err=True)
    sys.exit(1)


def _report(error: ContentError) -> None:
    count = len(error.problems)
    click.echo(f"error: {count} problem{'s' if count != 1 else ''} found:", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leafletgen")
def cli() -> None:
    """Build multilingual, verified, print-ready PDF leaflets from YAML content."""


@dataclasses.dataclass(frozen=True)
class _Console:
    verbose: bool = False
    as_json: bool = False


_CONSOLE = "leafletgen.console"


def _console() -> _Console:
    context = click.get_current_context(silent=True)
    return context.meta.get(_CONSOLE, _Console()) if context else _Console()


def _build_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options `build`, `preview` and `bundle` share, handed to the command as one
    BuildOptions (its own options follow as keyword arguments)."""
    @functools.wraps(command)
    def with_options(project_dir: Path, output_dir: Path, languages: tuple[str, ...],
                     leaflets: tuple[str, ...], strict: bool, final: bool, time_limit: float,
                     jobs: int | None, force: bool, outputs: tuple[OutputKind, ...],
                     verbose: bool, as_json: bool, **own: object) -> None:
        # How the build speaks changes nothing it makes: kept out of BuildOptions.
        click.get_current_context().meta[_CONSOLE] = _Console(verbose, as_json)
        return command(BuildOptions(project_dir, output_dir, languages, leaflets, strict,
                                    final=final, time_limit=time_limit,
                                    jobs=jobs or default_jobs(), force=force,
                                    outputs=outputs), **own)

    for option in reversed([
        PROJECT_OPTION,
        click.option("--output", "-o", "output_dir", default="build", show_default=True,
                     type=click.Path(file_okay=False, path_type=Path),
                     help="Where PDFs are written."),
        click.option("--lang", "languages", multiple=True, metavar="CODE",
                     help="Only this language (repeatable)."),
        click.option("--leaflet", "leaflets", multiple=True, metavar="ID",
                     help="Only this leaflet (repeatable)."),
        click.option("--for", "outputs", multiple=True, type=click.Choice(OUTPUT_KINDS),
                     help="Make this output (repeatable) instead of each leaflet's `outputs`: "
                     "screen (PDF/UA), print (PDF/X-4 with bleed and crop marks), office "
                     "(A4 sheets to cut or fold), office-grey (the same in grey)."),
        click.option("--strict", is_flag=True, help="Treat warnings as errors."),
        click.option("--final", is_flag=True,
                     help="Refuse drafts: list what keeps each leaflet from print, exit 1."),
        click.option("--time-limit", default=DEFAULT_TIME_LIMIT, show_default=True,
                     type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
                     help="Stop a document whose rendering takes longer, with an error."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
                     help="Render processes  [default: one per CPU]."),
        click.option("--force", is_flag=True,
                     help="Render everything, even outputs that are up to date."),
        click.option("--verbose", "-v", is_flag=True,
                     help="Say every line: each document, each draft, each warning."),
        click.option("--json", "as_json", is_flag=True,
                     help="Print the result as JSON on standard output, for scripts."),
    ]):
        with_options = option(with_options)
    return with_options


@cli.command("build")
@click.option("--watch", is_flag=True,
              help="Keep running, and rebuild what each saved change affects.")
@_build_options
def build_command(options: BuildOptions, watch: bool) -> None:
    """Render, verify and write every leaflet in every language.

    Outputs whose inputs did not change since the last build are kept as they are."""
    if watch:
        _watch(options)
    elif not _up_to_date(options):
        _run_build(options)


@cli.command("impose")
@_build_options
def impose_command(options: BuildOptions) -> None:
    """Build the office printer's A4 sheets only: small pages side by side with cut marks,
    booklets in folding order, in colour and in grey (same as build --for office
    --for office-grey)."""
    options = dataclasses.replace(options, outputs=options.outputs or ("office", "office-grey"))
    if not _up_to_date(options):
        _run_build(options)


@cli.command("preview")
@click.option("--dpi", default=PREVIEW_DPI, show_default=True, type=click.IntRange(30, 600),
              help="Resolution of the PNGs.")
@_build_options
def preview_command(options: BuildOptions, dpi: int) -> None:
    """Build, and write a PNG of every page next to each PDF (NAME.pN.png)."""
    options = dataclasses.replace(options, preview_dpi=dpi)
    if not _up_to_date(options):
        _run_build(options)


def _up_to_date(options: BuildOptions) -> bool:
    """Whether the last build had these very inputs and left its outputs intact; if so,
    say so (with its warnings and drafts) without loading the pipeline."""
    try:
        recover(options.output_dir)  # a killed build's half-done commit, finished first
    except OutputError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    if options.force:
        return False
    state = BuildState.read(options.output_dir)
    if not state.unchanged(input_fingerprint(options, builtin_folders())):
        return False
    outputs = sum(name.endswith(".pdf") for name in state.data["files"])
    if _console().as_json:
        click.echo(json.dumps({"up_to_date": True, "pdfs": outputs,
                               "output_dir": str(options.output_dir),
                               "messages": state.messages}, ensure_ascii=False, indent=2))
        return True
    if _console().verbose:
        for message in state.messages:
            click.echo(message, err=True)
    else:  # the last build's warnings, each once, and how many drafts it left
        for message in dict.fromkeys(m for m in state.messages if m.startswith("warning:")):
            click.echo(message, err=True)
        drafts = sum(m.startswith("draft:") for m in state.messages)
        if drafts:
            click.echo(f"{drafts} of {outputs} PDF(s) are drafts (leafletgen status says why)",
                       err=True)
    click.echo(f"up to date: {outputs} PDF(s) in {display_path(options.output_dir)}/, "
               "nothing changed since the last build")
    return True


def _watch(options: BuildOptions) -> None:
    from .watch import watch

    click.echo(f"watching {display_path(options.project_dir)}/ (Ctrl-C stops)", err=True)
    said: set[str] = set()  # after a save, only what the summary did not say before
    watch(options, lambda: _run_build(options, exit_on_error=False, said=said))


@cli.command("bundle")
@_build_options
def bundle_command(options: BuildOptions) -> None:
    """Build, then pack a press kit: PDFs, first-page PNGs and a manifest in one zip."""
    from .bundle import press_kit

    result = _run_build(options)
    assert result is not None  # a failed build exits
    leaflets = options.leaflets
    name = f"{leaflets[0]}-press-kit.zip" if len(leaflets) == 1 else "press-kit.zip"
    try:
        path = write_file(options.output_dir, name, press_kit(result, datetime.date.today()))
    except OutputError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    drafts = sum(bool(output.draft_reasons) for output in result.outputs)
    click.echo(f"packed {len(result.outputs)} PDF(s) into {display_path(path)}"
               + (f"; {drafts} of them {'is a draft' if drafts == 1 else 'are drafts'} "
                  "(marked DRAFT on every page: translations not reviewed); pack only "
                  "reviewed languages with --lang, or check with --final" if drafts else ""))


def _run_build(options: BuildOptions, exit_on_error: bool = True,
               said: set[str] | None = None) -> BuildResult | None:
    """Build and say how it went; `said` (for --watch) holds the summary lines said
    already, which are not repeated."""
    from .build import BuildEvent, DocumentMade, SelectionError, build, output_messages
    from .console import Progress, summary

    console = _console()
    progress = Progress(every_line=console.verbose)
    warnings: list[str] = []

    def report(event: BuildEvent) -> None:
        if isinstance(event, DocumentMade):
            progress(event)
        elif console.verbose:
            click.echo(str(event), err=True)
        else:
            warnings.append(str(event))  # said once, in the summary

    try:
        result = build(options, report=report)
    except ContentError as error:
        progress.done()
        _report(error)
        if exit_on_error:
            sys.exit(1)
        return None
    except SelectionError as error:
        raise click.UsageError(str(error)) from None
    except (OutputLocked, OutputError) as error:
        progress.done()
        click.echo(f"error: {error}", err=True)
        if exit_on_error:
            sys.exit(1)
        return None
    progress.done()
    if console.as_json:
        click.echo(json.dumps({
            "output_dir": str(options.output_dir), "seconds": round(result.seconds, 2),
            "rendered": len(result.rendered), "warnings": warnings,
            "outputs": [o.record().model_dump(mode="json") for o in result.outputs],
        }, ensure_ascii=False, indent=2))
        return result
    if console.verbose:
        for message in output_messages(result):
            click.echo(message, err=True)
        drafts = sum(bool(o.draft_reasons) for o in result.outputs)
        kept = len(result.outputs) - len(result.rendered)
        click.echo(f"built {len(result.outputs)} PDF(s) in {result.seconds:.1f} s into "
                   f"{display_path(options.output_dir)}/ ({len(result.rendered)} rendered, "
                   f"{kept} up to date; {drafts} draft(s))")
        return result
    built, *rest = summary(result, warnings, display_path(options.output_dir))
    for line in rest:
        if said is None or line not in said:
            click.echo(line, err=True)
    if said is not None:
        said.update(rest)
    click.echo(built)
    return result


def _checked(project_dir: Path) -> Project:
    from .build import check

    try:
        return check(project_dir)[0]
    except ContentError as error:
        _fail(error)


@cli.command("check")
@PROJECT_OPTION
@click.option("--links", is_flag=True,
              help="Also request every address a QR code or footer prints; dead ones exit 1.")
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(0.1, 60),
              help="Seconds to wait for each address.")
def check_command(project_dir: Path, links: bool, timeout: float) -> None:
    """Validate the project without rendering anything."""
    from .build import content_warnings
    from .links import check_links

    project = _checked(project_dir)
    for warning in content_warnings(project):
        click.echo(f"warning: {warning}", err=True)
    outputs = sum(len(leaflet.languages) * len(leaflet.outputs)
                  for leaflet in project.leaflets.values())
    click.echo(f"ok: {len(project.leaflets)} leaflet(s), {len(project.languages)} language(s), "
               f"{outputs} PDF(s) to build")
    if links:
        results = check_links(project, timeout)
        for result in results:
            click.echo(result.describe(), err=not result.ok)
        dead = [r for r in results if not r.ok]
        if dead and all(r.status is None for r in results):
            # Not one server answered, not even with an error: the machine is offline
            # more likely than every site is dead.
            click.echo(f"error: none of the {len(results)} address(es) could be reached; is "
                       "this computer offline? Connect it to the internet and check again",
                       err=True)
            sys.exit(1)
        if dead:
            click.echo(f"error: {len(dead)} of {len(results)} address(es) do not answer",
                       err=True)
            sys.exit(1)


@cli.command("list")
@PROJECT_OPTION
def list_command(project_dir: Path) -> None:
    """List the leaflets and the languages each is made in."""
    from .compose import draft_reasons

    project = _checked(project_dir)
    for leaflet in project.leaflets.values():
        companion = f", each beside {leaflet.companion}" if leaflet.companion else ""
        click.echo(f"{leaflet.id}  ({leaflet.format.name}, {leaflet.pages} page(s), "
                   f"template {leaflet.template}{companion})")
        for code in leaflet.languages:
            language = project.languages[code]
            if draft_reasons(project, leaflet, code):
                state = "draft: unreviewed translation"
            else:
                state = "source" if language.is_source else "reviewed"
            click.echo(f"  {code:<8} {language.name:<16} {state}")


@cli.command("status")
@PROJECT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--entries", is_flag=True,
              help="Also list each entry that is not ready, with the source fingerprint.")
def status_command(project_dir: Path, as_json: bool, entries: bool) -> None:
    """Which leaflet is ready in which language: entries per translation status."""
    from .translation import STATUSES, translation_report

    project = _checked(project_dir)
    rows = translation_report(project)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    header = ["leaflet", "lang", *STATUSES, "state", "why"]
    table = [header] + [
        [row["leaflet"], row["language"], *(str(row["entries"][s] or "-") for s in STATUSES),
         "final" if row["final"] else "draft", row["why"]]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths,
                                                                     strict=True)).rstrip())
    if entries:
        for row in rows:
            for blocker in row["blockers"]:
                where = f"entry {blocker['entry']}" if blocker["entry"] else "labels and titles"
                fingerprint = (f" [source {blocker['source_fingerprint']}]"
                               if blocker["source_fingerprint"] else "")
                click.echo(f"{row['leaflet']} {row['language']}: {blocker['language']} {where}: "
                           f"{blocker['reason']}{fingerprint}")


@cli.group("po")
def po_group() -> None:
    """Exchange a language with translators' tools as a gettext PO file."""


@po_group.command("export")
@PROJECT_OPTION
@click.argument("language")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the catalogue (default: LANGUAGE.po).")
def po_export_command(project_dir: Path, language: str, output: Path | None) -> None:
    """Write LANGUAGE's texts, with the source texts, as a PO catalogue."""
    from .po import export_po

    project = _checked(project_dir)
    if language not in project.languages:
        raise click.UsageError(f"{language!r} is not a language of this project yet; start "
                               f"it with: leafletgen lang add {language}")
    if project.languages[language].is_source:
        raise click.UsageError(f"{language!r} is the source language, which is not "
                               "translated; export one of the others")
    output = output or Path(f"{language}.po")
    try:
        output.write_text(export_po(project, language), encoding="utf-8")
    except OSError as error:
        _os_failure(output, error, "give another file with -o")
    click.echo(f"wrote {display_path(output)}")


@po_group.command("import")
@PROJECT_OPTION
@click.argument("catalogue", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def po_import_command(project_dir: Path, catalogue: Path) -> None:
    """Apply a translator's PO catalogue to its language file (all or nothing)."""
    from .po import import_po

    project = _checked(project_dir)
    try:
        result = import_po(project, catalogue)
    except ContentError as error:
        _fail(error)
    if not result.changed and not result.confirmed:
        click.echo(f"nothing to change: {display_path(catalogue)} holds what "
                   f"{display_path(result.path)} already says")
        return
    click.echo(f"updated {display_path(result.path)}: {len(result.changed)} text(s) changed"
               + (f" ({', '.join(result.changed)})" if result.changed else "")
               + (f"; confirmed current: {', '.join(result.confirmed)}"
                  if result.confirmed else ""))


@cli.group("lang")
def lang_group() -> None:
    """Start a translation into another language."""


@lang_group.command("add")
@PROJECT_OPTION
@click.argument("code")
@click.option("--from", "from_code", metavar="LANG",
              help="Translate from this language instead of the source language.")
def lang_add_command(project_dir: Path, code: str, from_code: str | None) -> None:
    """Write text/CODE.yaml: every text to translate, with what it is translated from."""
    from .language_files import add_language

    project = _checked(project_dir)
    try:
        added = add_language(project, code, from_code)
    except ContentError as error:
        _fail(error)
    click.echo(f"wrote {display_path(added.path)}: {added.name}, with its labels and titles "
               f"to translate in place and {added.entries} entries to translate (commented "
               "out until then)")
    if added.made_in:
        click.echo(f"made in {code} from the next build, as drafts: "
                   f"{', '.join(added.made_in)}")
    if added.not_made_in:
        click.echo(f"not made in {code}: {', '.join(added.not_made_in)}; add {code} to "
                   "their `languages:` in project.yaml to make them in it too")


@cli.command("review")
@PROJECT_OPTION
@click.argument("language")
@click.argument("entries", nargs=-1)
@click.option("--by", "reviewer", required=True, metavar="NAME", help="Who reviewed it.")
def review_command(project_dir: Path, language: str, entries: tuple[str, ...],
                   reviewer: str) -> None:
    """Mark a translation reviewed: the ENTRIES named, or the whole language file (its
    labels, titles and every entry translated from the current source text)."""
    from .language_files import review_language

    project = _checked(project_dir)
    try:
        review = review_language(project, language, entries, reviewer, datetime.date.today())
    except ContentError as error:
        _fail(error)
    what = "the labels and titles, and " if review.whole_file else ""
    click.echo(f"reviewed by {reviewer.strip()} in {display_path(review.path)}: {what}"
               f"{len(review.reviewed)} entr{'y' if len(review.reviewed) == 1 else 'ies'}"
               + (f" ({', '.join(review.reviewed)})" if review.reviewed else ""))
    for entry_id, why in review.left:
        click.echo(f"not reviewed: entry {entry_id}: {why}", err=True)


@cli.command("serve")
@PROJECT_OPTION
@click.option("--output", "-o", "output_dir", default="build", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where the workspace's builds write PDFs and page images.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; anything but this computer's own is reachable "
                   "from the network, with the printed token only.")
def serve_command(project_dir: Path, output_dir: Path, port: int, host: str) -> None:
    """Open the workspace: the leaflets, their pages, translation and review, in a web
    browser on this computer (Ctrl-C stops it)."""
    import socket

    import uvicorn

    from .workspace.app import create_app
    from .workspace.guard import Guard

    listening = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as error:
        click.echo(f"error: cannot listen on {host} port {port}: {error.strerror or error}; "
                   "choose another with --port", err=True)
        sys.exit(1)
    guard = Guard.for_address(host, port)
    try:
        app = create_app(project_dir, output_dir, guard)
    except ContentError as error:
        _fail(error)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"workspace for {display_path(project_dir)}/ at "
               f"http://{shown}:{port}/?token={guard.token}", err=True)
    click.echo("open that address in a web browser; Ctrl-C stops the workspace", err=True)
    # Ctrl-C and `kill` are uvicorn's: it stops cleanly, then raises the signal again for
    # the handler it found, which has nothing left to do.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda signum, frame: None)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listening])
    click.echo("workspace stopped", err=True)


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init_command(directory: Path) -> None:
    """Create a new, buildable project in DIRECTORY."""
    if directory.exists() and any(directory.iterdir()):
        click.echo(f"error: {display_path(directory)} is not empty; choose a new folder",
                   err=True)
        sys.exit(1)
    try:
        shutil.copytree(starter_dir(), directory, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        # The starter's files name schemas/ already; an editor finds them there.
        from .schemas import write_schemas

        write_schemas(directory / SCHEMA_DIR)
    except OSError as error:
        _os_failure(directory, error, "choose another folder")
    click.echo(f"created {display_path(directory)}/; build it with: "
               f"leafletgen build --project {display_path(directory)}")


@cli.command("schemas")
@PROJECT_OPTION
def schemas_command(project_dir: Path) -> None:
    """Write the JSON Schemas of the content files into the project's schemas/ folder, and
    name them in each file's first line, so that an editor completes keys and underlines
    typos (VS Code's YAML extension, or any editor using yaml-language-server)."""
    from .load import load_project
    from .schemas import link_project, write_schemas
    from .validate import validate

    try:
        validated = validate(load_project(project_dir))
    except ContentError as error:
        _fail(error)
    try:
        written = write_schemas(project_dir / SCHEMA_DIR)
        linked = link_project(project_dir, project_dir / SCHEMA_DIR,
                              validated.organisation.source_language)
    except OSError as error:
        _os_failure(project_dir, error, "make the folder writable")
    click.echo(f"{len(written)} schema(s) written to {display_path(project_dir / SCHEMA_DIR)}/,"
               f" {len(linked)} file(s) now name theirs")


def main() -> None:
    # A build stopped by Ctrl-C or `kill` unwinds like any error: its staged files are
    # deleted and the previous outputs stay as they were. During the commit the signals
    # wait (write.py), so a stop then lands after the new build is whole.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, _interrupt)
    try:
        cli(prog_name="leafletgen")
    except Interrupted as stop:
        click.echo("interrupted: the build had been written completely, just before"
                   if stop.committed else
                   "interrupted: the outputs of the last complete build are unchanged",
                   err=True)
        sys.exit(130)


def _interrupt(signum: int, frame: object) -> NoReturn:
    raise Interrupted
