"""What a build says to a person: progress while it renders, then a summary that fits on
a screen: how many PDFs, the drafts grouped by language with their reason said once, the
warnings each said once, and what to do next. `build -v` says every line instead."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from .build import BuildResult, DocumentMade
from .translation import Blocker, BlockerKind, blocker_kinds, blockers, describe_blockers


@dataclass
class Progress:
    """Progress of a build: on a terminal a bar that updates itself; elsewhere (a CI log,
    a pipe) the lines of the first document, every tenth and the last, so a log stays
    short; with -v each document's line."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    every_line: bool = False  # -v: each document's line, as it comes
    _shown: bool = False

    def __call__(self, made: DocumentMade) -> None:
        if self.every_line:
            print(made.line, file=self.stream, flush=True)
        elif self.stream.isatty():
            print(f"\r\033[K{bar(made.index, made.total)}  {made.name}", end="",
                  file=self.stream, flush=True)
            self._shown = True
        elif made.index in (1, made.total) or made.index % 10 == 0:
            print(made.line, file=self.stream, flush=True)

    def done(self) -> None:
        if self._shown:  # clear the updating line before the summary
            print("\r\033[K", end="", file=self.stream, flush=True)
            self._shown = False


def bar(done: int, total: int, width: int = 24) -> str:
    """`[#########...............]  23/58`: how far a build has come."""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:>{len(str(total))}}/{total}"


def summary(result: BuildResult, warnings: Iterable[str], output: str) -> list[str]:
    """The lines a build ends with (see the module's docstring)."""
    outputs = result.outputs
    kept = len(outputs) - len(result.rendered)
    lines = [f"built {len(outputs)} PDF(s) in {result.seconds:.1f} s into {output}/ "
             f"({len(result.rendered)} rendered, {kept} up to date)"]
    lines += draft_lines(result)
    said = list(dict.fromkeys(warnings))
    by_message: dict[str, int] = {}
    for built in outputs:
        for warning in built.warnings:
            by_message[warning] = by_message.get(warning, 0) + 1
    said += [f"warning: {message}" + (f" (in {count} PDFs)" if count > 1 else "")
             for message, count in by_message.items()]
    lines += said
    lines += next_steps(result, said)
    return lines


def draft_lines(result: BuildResult) -> list[str]:
    """The drafts, one line per language (languages in the same state on one), with what
    keeps them from print said once."""
    project = result.project
    pdfs: dict[str, int] = {}
    found: dict[str, list[Blocker]] = {}
    for built in result.outputs:
        if not built.draft_reasons:
            continue
        blocking = blockers(project, project.leaflets[built.leaflet], built.language)
        for code in dict.fromkeys(blocker.language for blocker in blocking):
            pdfs[code] = pdfs.get(code, 0) + 1
        for blocker in blocking:
            found.setdefault(blocker.language, []).append(blocker)
    if not pdfs:
        return []
    drafts = sum(bool(built.draft_reasons) for built in result.outputs)
    lines = [f"{drafts} of {len(result.outputs)} PDF(s) are drafts, marked DRAFT on every "
             "page; by language:"]
    # Languages in the same state share a line, so that twenty languages still fit.
    states: dict[tuple[int, str], list[str]] = {}
    for code in sorted(pdfs, key=lambda c: (-pdfs[c], c)):
        states.setdefault((pdfs[code], describe_blockers(found[code])), []).append(code)
    width = max(len(code) for code in pdfs)
    for (count, reasons), codes in states.items():
        if len(codes) == 1:
            code = codes[0]
            lines.append(f"  {code:<{width}}  {project.languages[code].name}: {count} PDF(s); "
                         + reasons)
        else:
            lines.append(f"  {' '.join(codes)}: {count} PDF(s) each; {reasons}")
    return lines


def next_steps(result: BuildResult, warnings: list[str]) -> list[str]:
    """What to do next, in commands."""
    kinds: set[BlockerKind] = set()
    for built in result.outputs:
        if built.draft_reasons:
            kinds |= blocker_kinds(blockers(result.project,
                                            result.project.leaflets[built.leaflet],
                                            built.language))
    steps = []
    if "not reviewed" in kinds:
        steps.append("next: a speaker of each language checks it, then: leafletgen review "
                     "LANG --by NAME (leafletgen status --entries lists what is left)")
    if kinds & {"not translated", "outdated"}:
        steps.append("next: translate what is missing or changed: leafletgen po export LANG "
                     "gives it to a translation tool")
    if any("days old" in warning for warning in warnings):
        steps.append("next: update the stale figures in statistics.yaml (value and as_of)")
    if not steps:
        steps.append("next: every PDF is final; send the .print.pdf files to the print shop, "
                     "or pack a press kit with leafletgen bundle")
    return steps
