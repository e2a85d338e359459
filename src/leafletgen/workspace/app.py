"""The workspace's pages and forms. Each handler reads the project afresh (the files may
have been edited beside it), does one thing through the functions the command line uses,
and answers with a page made by the workspace's Jinja templates."""

from __future__ import annotations

import datetime
import io
import mimetypes
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..build import content_warnings
from ..errors import ContentError, Problem, display_path
from ..filenames import STATISTICS_FILE
from ..files import read_content
from ..fonts import FontFile, FontSet, load_fonts
from ..language_files import add_language, review_language, round_trip_yaml, write_content_file
from ..load import MAX_FILE_BYTES, load_project
from ..manifest import OutputRecord, read_manifest
from ..model import Leaflet, Project
from ..options import OUTPUT_KINDS
from ..preview import preview_name
from ..source_history import SourceHistory
from ..translation import (
    BlockerKind,
    blocker_kinds,
    blockers,
    describe_blockers,
    source_language,
)
from ..validate import validate
from .builds import Builds, Job
from .editing import check_edits, edited_file, entry_rows, file_version, form_edits
from .guard import Guard, GuardMiddleware, checked_form, inside

HERE = Path(__file__).resolve().parent


@dataclass
class Workspace:
    """What every request shares: where the project and its outputs are, the builds."""

    project_dir: Path
    output_dir: Path
    builds: Builds
    fonts: FontSet
    pages: Environment
    history: SourceHistory

    def project(self) -> Project:
        project = validate(load_project(self.project_dir))
        self.history.remember(project)
        return project


def create_app(project_dir: Path, output_dir: Path, guard: Guard) -> Starlette:
    project_dir, output_dir = project_dir.resolve(), output_dir.resolve()
    pages = Environment(loader=FileSystemLoader(HERE / "pages"), autoescape=True,
                        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    pages.globals.update(display_path=display_path, record_label=record_label,
                         font_css=font_css)
    pages.filters["with_chips"] = with_chips
    project = validate(load_project(project_dir))
    workspace = Workspace(project_dir, output_dir, Builds(project_dir, output_dir),
                          load_fonts(project.font_dirs), pages, SourceHistory(output_dir))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            workspace.builds.close()

    app = Starlette(routes=[
        Route("/", dashboard),
        Route("/document/{leaflet}/{language}", document),
        Route("/document/{leaflet}/{language}/build", rebuild, methods=["POST"]),
        Route("/document/{leaflet}/{language}/press-kit", make_press_kit, methods=["POST"]),
        Route("/progress/{leaflet}/{language}", progress),
        Route("/translate/{language}", translate),
        Route("/translate/{language}", save_translation, methods=["POST"]),
        Route("/translate/{language}/check", check_translation, methods=["POST"]),
        Route("/translate/{language}/review", review, methods=["POST"]),
        Route("/languages/new", new_language, methods=["GET", "POST"]),
        Route("/figures", figures),
        Route("/figures/{figure}", save_figure, methods=["POST"]),
        Route("/files/{path:path}", built_file),
        Route("/fonts/{name}", font_file),
        Route("/fonts.css", font_faces),
        Route("/static/{name}", static_file),
    ], middleware=[Middleware(GuardMiddleware, guard=guard)], lifespan=lifespan,
        exception_handlers={ContentError: content_error, HTTPException: http_error})
    app.state.workspace = workspace
    app.state.guard = guard
    return app


def _workspace(request: Request) -> Workspace:
    workspace: Workspace = request.app.state.workspace
    return workspace


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    template = _workspace(request).pages.get_template(name)
    html = template.render(csrf=getattr(request.state, "csrf", ""), **context)
    return HTMLResponse(html, status_code=status_code)


async def content_error(request: Request, error: Exception) -> Response:
    """The project does not validate (a file edited by hand): what the CLI would say."""
    assert isinstance(error, ContentError)
    return _page(request, "problems.html", 422, title="The project has problems",
                 problems=[str(problem) for problem in error.problems])


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return _page(request, "problems.html", error.status_code, title="Refused",
                 problems=[error.detail])


def _leaflet_and_language(request: Request, project: Project) -> tuple[Leaflet, str]:
    leaflet = project.leaflets.get(request.path_params["leaflet"])
    code = request.path_params["language"]
    if leaflet is None or code not in leaflet.languages:
        raise HTTPException(404, "no such leaflet in that language")
    return leaflet, code


def _language(request: Request, project: Project) -> str:
    code: str = request.path_params["language"]
    if code not in project.languages:
        raise HTTPException(404, f"{code!r} is not a language of this project")
    return code


# The dashboard -----------------------------------------------------------------------------

# A cell's state: final, else the worst of what keeps it from print.
_CELL_STATES: dict[BlockerKind, str] = {
    "not translated": "missing", "outdated": "outdated", "not reviewed": "draft"}


async def dashboard(request: Request) -> Response:
    workspace = _workspace(request)
    project = workspace.project()
    records = read_manifest(workspace.output_dir).outputs
    warnings: dict[Path | None, list[str]] = {}
    for problem in content_warnings(project):
        warnings.setdefault(problem.file, []).append(str(problem))
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for leaflet in project.leaflets.values():
        for code in leaflet.languages:
            found = blockers(project, leaflet, code)
            kinds = blocker_kinds(found)
            built = [r for r in records if (r.leaflet, r.language) == (leaflet.id, code)]
            cells[(leaflet.id, code)] = {
                "state": next((state for kind, state in _CELL_STATES.items() if kind in kinds),
                              "final"),
                "why": describe_blockers(found),
                "warnings": sorted({w for r in built for w in r.warnings}
                                   | set(warnings.get(project.languages[code].file, [])))}
    codes = list(dict.fromkeys(code for leaflet in project.leaflets.values()
                               for code in leaflet.languages))
    language_files = {language.file for language in project.languages.values()}
    return _page(request, "dashboard.html", title="Leaflets", project=project, codes=codes,
                 cells=cells, other_warnings=[warning for file, said in warnings.items()
                                              if file not in language_files for warning in said])


# A document ---------------------------------------------------------------------------------

async def document(request: Request) -> Response:
    workspace = _workspace(request)
    project = workspace.project()
    leaflet, code = _leaflet_and_language(request, project)
    job = Job(leaflet.id, code)
    if workspace.builds.progress(job).state == "idle":  # first look this session: bring it
        workspace.builds.request(job)                    # up to date (a no-op if it is)
    records = [r for r in read_manifest(workspace.output_dir).outputs
               if (r.leaflet, r.language) == (leaflet.id, code)]
    records.sort(key=lambda r: OUTPUT_KINDS.index(r.kind))
    wanted = request.query_params.get("kind")  # whose pages to show: the screen PDF's first
    shown = next((r for r in records if r.kind == wanted), records[0] if records else None)
    pages = []
    if shown is not None:
        for number in range(1, shown.pages + 1):
            image = preview_name(shown.path, number)
            if (workspace.output_dir / image).is_file():
                pages.append({"number": number, "image": image,
                              "qr": [q for q in shown.qr_codes if q.page == number],
                              # Read on the leaflet's own pages, which office sheets
                              # rearrange: drawn on the pages they were read on only.
                              "hotline": [h for h in shown.hotline_on_paper
                                          if h.page == number
                                          and shown.kind in ("screen", "print")]})
    kit = f"{leaflet.id}-press-kit.zip"
    return _page(request, "document.html", title=f"{leaflet.id} · {code}", project=project,
                 leaflet=leaflet, code=code, language=project.languages[code],
                 records=records, shown=shown, pages=pages,
                 progress=workspace.builds.progress(job),
                 kit=kit if (workspace.output_dir / kit).is_file() else None,
                 kit_progress=workspace.builds.progress(Job(leaflet.id, None, press_kit=True)),
                 version=shown.sha256[:12] if shown else "")


async def rebuild(request: Request) -> Response:
    await checked_form(request)
    workspace = _workspace(request)
    leaflet, code = _leaflet_and_language(request, workspace.project())
    workspace.builds.request(Job(leaflet.id, code))
    return RedirectResponse(f"/document/{leaflet.id}/{code}", status_code=303)


async def make_press_kit(request: Request) -> Response:
    await checked_form(request)
    workspace = _workspace(request)
    leaflet, code = _leaflet_and_language(request, workspace.project())
    workspace.builds.request(Job(leaflet.id, None, press_kit=True))
    return RedirectResponse(f"/document/{leaflet.id}/{code}", status_code=303)


async def progress(request: Request) -> Response:
    workspace = _workspace(request)
    leaflet, code = _leaflet_and_language(request, workspace.project())
    known = workspace.builds.progress(Job(leaflet.id, code))
    return JSONResponse({"state": known.state, "done": known.done, "total": known.total,
                         "current": known.current, "builds": known.builds,
                         "messages": list(known.messages)})


def _rebuild_language(workspace: Workspace, project: Project, code: str) -> None:
    """After a save of a language file: every document that prints it, again."""
    for leaflet in project.leaflets.values():
        if leaflet.companion == code:
            for language in leaflet.languages:
                workspace.builds.request(Job(leaflet.id, language))
        elif code in leaflet.languages:
            workspace.builds.request(Job(leaflet.id, code))


# The translation editor ----------------------------------------------------------------------

async def translate(request: Request) -> Response:
    workspace = _workspace(request)
    project = workspace.project()
    code = _language(request, project)
    return _editor(request, workspace, project, code)


def _editor(request: Request, workspace: Workspace, project: Project, code: str,
            status_code: int = 200, problems: list[Problem] | None = None,
            saved: list[str] | None = None, edits: dict[str, Any] | None = None) -> Response:
    language = project.languages[code]
    return _page(request, "translate.html", status_code, title=f"{language.name} ({code})",
                 project=project, language=language, source=source_language(project),
                 rows=entry_rows(project, code, workspace.history),
                 version=file_version(language.file), problems=[str(p) for p in problems or []],
                 saved=saved, edits=edits or {})


async def save_translation(request: Request) -> Response:
    form = await checked_form(request)
    workspace = _workspace(request)
    project = workspace.project()
    code = _language(request, project)
    language = project.languages[code]
    edits = form_edits(form, project)
    if form.get("version") != file_version(language.file):
        # Changed on disk since the page was made: nothing is written; both are shown.
        on_disk = {entry_id: language.entries.get(entry_id) for entry_id in edits}
        return _page(request, "conflict.html", 409, title=f"{language.name}: changed meanwhile",
                     language=language, edits=edits, on_disk=on_disk,
                     version=file_version(language.file))
    text, changed = edited_file(project, code, edits)
    if not changed:
        return _editor(request, workspace, project, code, saved=[])
    try:
        write_content_file(project, language.file, text)
    except ContentError as error:
        return _editor(request, workspace, project, code, 422, problems=error.problems,
                       edits={entry_id: edit for entry_id, edit in edits.items()})
    project = workspace.project()
    _rebuild_language(workspace, project, code)
    return _editor(request, workspace, project, code, saved=changed)


async def check_translation(request: Request) -> Response:
    form = await checked_form(request)
    workspace = _workspace(request)
    project = workspace.project()
    code = _language(request, project)
    problems = check_edits(project, code, form_edits(form, project))
    return JSONResponse({"problems": [{"key": p.key, "message": str(p)} for p in problems]})


async def review(request: Request) -> Response:
    form = await checked_form(request)
    workspace = _workspace(request)
    project = workspace.project()
    code = _language(request, project)
    entries = tuple(str(value) for value in form.getlist("entry")) \
        if form.get("what") == "entries" else ()
    if form.get("what") == "entries" and not entries:
        raise ContentError(Problem(project.languages[code].file, None, "",
                                   "tick the entries you reviewed first"))
    done = review_language(project, code, entries, str(form.get("by", "")),
                           datetime.date.today())
    project = workspace.project()
    _rebuild_language(workspace, project, code)
    return _editor(request, workspace, project, code,
                   saved=[f"reviewed: {', '.join(done.reviewed) or 'no entries'}"
                          + (", and the labels and titles" if done.whole_file else "")])


# A new language --------------------------------------------------------------------------------

async def new_language(request: Request) -> Response:
    workspace = _workspace(request)
    project = workspace.project()
    problems: list[str] = []
    if request.method == "POST":
        form = await checked_form(request)
        code = str(form.get("code", "")).strip()
        start_from = str(form.get("from", "")) or None
        try:
            add_language(project, code, start_from)
        except ContentError as error:
            problems = [str(problem) for problem in error.problems]
        else:
            return RedirectResponse(f"/translate/{code}", status_code=303)
    return _page(request, "new_language.html", 422 if problems else 200,
                 title="A new language", project=project, problems=problems)


# Figures -----------------------------------------------------------------------------------

def _printed_in(project: Project, figure: str) -> list[tuple[Leaflet, str]]:
    """Every (leaflet, language) whose PDF prints the figure: in a chart, or through
    `{stat:...}` in the text of one of its entries, in any language."""
    token = f"{{stat:{figure}}}"
    found = []
    for leaflet in project.leaflets.values():
        in_text = any(token in text.question or token in text.answer
                      for language in project.languages.values()
                      for entry_id, text in language.entries.items()
                      if entry_id in leaflet.entry_ids)
        if in_text or figure in leaflet.figure_ids:
            found += [(leaflet, code) for code in leaflet.languages]
    return found


async def figures(request: Request, problems: list[str] | None = None,
                  status_code: int = 200) -> Response:
    workspace = _workspace(request)
    project = workspace.project()
    records = read_manifest(workspace.output_dir).outputs
    rows = []
    for statistic in project.statistics.values():
        printed = []
        for leaflet, code in _printed_in(project, statistic.id):
            files = [r for r in records if (r.leaflet, r.language) == (leaflet.id, code)]
            printed.append({"leaflet": leaflet.id, "language": code, "files": files,
                            "progress": workspace.builds.progress(Job(leaflet.id, code))})
        rows.append({"statistic": statistic, "printed": printed})
    return _page(request, "figures.html", status_code, title="Figures", project=project,
                 rows=rows, problems=problems or [],
                 changed=request.query_params.get("changed"))


async def save_figure(request: Request) -> Response:
    form = await checked_form(request)
    workspace = _workspace(request)
    project = workspace.project()
    figure = request.path_params["figure"]
    if figure not in project.statistics:
        raise HTTPException(404, f"no figure {figure!r} in statistics.yaml")
    path = project.root / STATISTICS_FILE
    yaml = round_trip_yaml()
    data = yaml.load(read_content(path, MAX_FILE_BYTES).decode("utf-8-sig"))
    node = data[figure]
    problems = []
    value = str(form.get("value", "")).strip()
    try:
        number = float(value)
        node["value"] = int(number) if number.is_integer() and "." not in value else number
    except ValueError:
        problems.append(f"{display_path(path)}: {figure}.value: {value!r} is not a number")
    try:
        node["as_of"] = datetime.date.fromisoformat(str(form.get("as_of", "")))
    except ValueError:
        problems.append(f"{display_path(path)}: {figure}.as_of: write the date as YYYY-MM-DD")
    node["source"] = str(form.get("source", ""))
    if not problems:
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        try:
            write_content_file(project, path, buffer.getvalue())
        except ContentError as error:
            problems = [str(problem) for problem in error.problems]
    if problems:
        return await figures(request, problems, 422)
    project = workspace.project()
    for leaflet, code in _printed_in(project, figure):
        workspace.builds.request(Job(leaflet.id, code))
    return RedirectResponse(f"/figures?changed={figure}#{figure}", status_code=303)


# Files --------------------------------------------------------------------------------------

_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".zip": "application/zip"}


async def built_file(request: Request) -> Response:
    """A PDF, page image or press kit from the output folder, and nothing else."""
    workspace = _workspace(request)
    path = inside(workspace.output_dir, request.path_params["path"])
    if path is None or path.suffix not in _TYPES:
        raise HTTPException(404, "no such file in the output folder")
    disposition = "inline" if path.suffix != ".zip" else "attachment"
    return FileResponse(path, media_type=_TYPES[path.suffix], content_disposition_type=disposition)


def _font_files(workspace: Workspace) -> dict[str, FontFile]:
    """The fonts a build may use, by file name, the project's first (as fontconfig has
    them): the only font files the editor's fields can load."""
    files: dict[str, FontFile] = {}
    for font in workspace.fonts.fonts:
        files.setdefault(font.path.name, font)
    return files


async def font_file(request: Request) -> Response:
    font = _font_files(_workspace(request)).get(request.path_params["name"])
    if font is None:
        raise HTTPException(404, "no such font")
    return FileResponse(font.path,
                        media_type=mimetypes.guess_type(font.path.name)[0] or "font/ttf")


_CSS_SAFE = re.compile(r"[\w .-]+")


async def font_faces(request: Request) -> Response:
    """@font-face rules for every font, so that a field shows the language in the faces
    its leaflets are set in."""
    workspace = _workspace(request)
    rules = []
    for name, font in _font_files(workspace).items():
        if not _CSS_SAFE.fullmatch(font.family) or not _CSS_SAFE.fullmatch(name):
            continue  # a project's font names what it likes: never written into CSS raw
        weight = "bold" if "Bold" in font.path.stem else "normal"
        style = "italic" if "Italic" in font.path.stem else "normal"
        rules.append(f"@font-face {{ font-family: '{font.family}'; src: url('/fonts/{name}'); "
                     f"font-weight: {weight}; font-style: {style}; }}")
    return Response("\n".join(rules) + "\n", media_type="text/css")


async def static_file(request: Request) -> Response:
    path = inside(HERE / "static", request.path_params["name"])
    if path is None:
        raise HTTPException(404, "no such file")
    return FileResponse(path, media_type=mimetypes.guess_type(path.name)[0])


def font_css(stack: tuple[str, ...]) -> str:
    """A field's font-family: the language's own stack, as its leaflets are set."""
    families = [f"'{family}'" for family in stack if _CSS_SAFE.fullmatch(family)]
    return f"font-family: {', '.join([*families, 'sans-serif'])}"


def with_chips(text: str) -> Markup:
    """Text with its placeholders as the chips the editor shows, the rest escaped."""
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(text):
        parts += [escape(text[last:match.start()]),
                  Markup('<span class="chip">{}</span>').format(match[1])]
        last = match.end()
    return Markup("").join([*parts, escape(text[last:])])


_PLACEHOLDER = re.compile(r"\{([a-z]+(?::[a-z0-9-]+)?)\}")


def record_label(record: OutputRecord) -> str:
    return {"screen": "screen PDF", "print": "print shop PDF/X", "office": "office sheets",
            "office-grey": "office sheets, grey"}[record.kind]


