"""Templates as untrusted content: a sandboxed Jinja environment and a loader that serves
only regular files inside the template folders.

A project's `templates/` arrives with its translations, from anyone. A plain Jinja
environment lets `{{ cycler.__init__.__globals__.os }}` reach the operating system, and a
file-system loader follows a symlink to anywhere; neither may happen here. Templates get
the immutable sandbox (no attributes starting with `_`, no mutation of what compose
passes in, bounded ranges and repetitions), and what goes wrong inside one is reported
as a content error at its template and line.
"""

from __future__ import annotations

import operator
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import Problem
from .files import RefusedFile, read_limited
from .timing import RenderTimeout

MAX_TEMPLATE_BYTES = 1_000_000
# The longest string or list one `*` in a template may make: a page holds a few thousand
# characters, so this only stops `"x" * 10**10`.
MAX_REPEAT_LENGTH = 1_000_000
MAX_POWER_DIGITS = 100


class ProjectTemplateLoader(jinja2.BaseLoader):
    """The first of `folders` that has a template serves it, if the file is a regular file
    whose real path lies inside one of the folders (a link out of them is refused)."""

    def __init__(self, folders: Iterable[Path]):
        self.folders = tuple(Path(folder) for folder in folders)

    def get_source(self, environment: jinja2.Environment, template: str,
                   ) -> tuple[str, str, Callable[[], bool]]:
        parts = jinja2.loaders.split_template_path(template)  # refuses ".." and the like
        for folder in self.folders:
            candidate = folder.joinpath(*parts)
            if not (candidate.exists() or candidate.is_symlink()):
                continue
            try:
                data = read_limited(candidate, MAX_TEMPLATE_BYTES, within=self.folders)
            except RefusedFile as refused:
                raise TemplateRefused(refused) from None
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError:
                raise TemplateRefused(RefusedFile(candidate, "is not UTF-8 text: save it "
                                                  "as UTF-8")) from None
            return source, str(candidate), lambda: True  # one environment per build
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for folder in self.folders:
            names.update(path.relative_to(folder).as_posix()
                         for path in folder.rglob("*") if path.is_file())
        return sorted(names)


class TemplateRefused(jinja2.TemplateError):
    """A template file the loader will not read (a link out, a FIFO, too large)."""

    def __init__(self, refused: RefusedFile):
        super().__init__(refused.reason)
        self.refused = refused


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with `*` and `**` bounded so that no expression can take
    all the memory of the machine."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: jinja2.runtime.Context, operator_name: str,
                   left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(left, int) and isinstance(right, int) \
                    and abs(right) * max(abs(left), 2).bit_length() > MAX_POWER_DIGITS * 4:
                raise SecurityError("a power this large is not allowed")
            return operator.pow(left, right)
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, str | list | tuple) and isinstance(count, int) \
                    and len(sequence) * count > MAX_REPEAT_LENGTH:
                raise SecurityError("a repetition this long is not allowed")
        return operator.mul(left, right)


def template_environment(folders: Iterable[Path]) -> jinja2.Environment:
    """The one Jinja environment of a build: the project's templates first, then the
    built-in ones, in the sandbox."""
    return TemplateSandbox(
        loader=ProjectTemplateLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template_problem(error: BaseException, name: str, folders: Iterable[Path],
                     document: str) -> Problem:
    """What went wrong in template `name` while loading or rendering it for `document`,
    located at the template file and line where it happened."""
    if isinstance(error, TemplateRefused):
        return Problem(error.refused.path, None, document,
                       f"template refused: {error.refused.reason}")
    file, line = _template_location(error, tuple(Path(f).resolve() for f in folders))
    if isinstance(error, jinja2.TemplateSyntaxError):
        file, line = Path(error.filename or name), error.lineno
    elif file is None and (lineno := getattr(error, "lineno", None)):
        file, line = Path(getattr(error, "filename", None) or name), lineno
    if isinstance(error, RenderTimeout):
        message = str(error)
    elif isinstance(error, RecursionError):
        message = "templates include or call each other without end"
    elif isinstance(error, SecurityError):
        message = f"not allowed in a template: {error}"
    elif isinstance(error, jinja2.TemplateError):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}"
    return Problem(file or Path(name), line, document, f"template error: {message}")


def _template_location(error: BaseException, folders: tuple[Path, ...],
                       ) -> tuple[Path | None, int | None]:
    """The innermost frame of the traceback that is a template's own line: Jinja gives
    the frames of rendered templates the template's file name and line."""
    location: tuple[Path | None, int | None] = (None, None)
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if any(path.is_relative_to(folder) for folder in folders) and path.suffix != ".py":
            location = (path, frame.lineno)
    return location
