"""What a build is asked to do. Light on purpose: the command line imports it before
deciding whether anything needs the heavy pipeline at all."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

# What a build can make of one leaflet in one language: the screen PDF (tagged, PDF/UA),
# the print shop's PDF/X-4, and A4 sheets for an office printer in colour and in grey.
OutputKind = Literal["screen", "print", "office", "office-grey"]
OUTPUT_KINDS: tuple[OutputKind, ...] = get_args(OutputKind)
# Words for the severity of a finding and for a direction of writing.
Severity = Literal["error", "warning"]
Direction = Literal["ltr", "rtl"]
DEFAULT_TIME_LIMIT = 60.0  # seconds per document's render; a leaflet takes well under one
PREVIEW_DPI = 110


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


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
    jobs: int = 1  # render processes; the command line defaults to one per CPU
    force: bool = False  # render everything, whatever the previous build left
    outputs: tuple[OutputKind, ...] = ()  # empty: each leaflet's own `outputs`
