"""Every source text a build or the workspace has read, by fingerprint, kept in the output
folder (`.leafletgen-sources.json`). A language file records only the fingerprint of the
source text each translation was made from; with this, the workspace can show what changed
in the source since, word by word. Losing the file loses the diffs, nothing else."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from .files import replace_file
from .model import Project
from .translation import fingerprint, source_language

HISTORY_NAME = ".leafletgen-sources.json"


class SourceHistory:
    def __init__(self, output_dir: Path):
        self.path = output_dir / HISTORY_NAME

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def with_project(self, project: Project) -> tuple[bytes, bool]:
        """The file's content with the project's source texts added, and whether that
        adds any."""
        known = self._read()
        current = {fingerprint(text): {"question": text.question, "answer": text.answer}
                   for text in source_language(project).entries.values()}
        data = json.dumps({**known, **current}, ensure_ascii=False, indent=1).encode()
        return data, not current.keys() <= known.keys()

    def remember(self, project: Project) -> None:
        """Add the project's source texts to the file, if it lacks any, atomically and on
        its own: not through a build's commit, whose journal another build may be writing.
        An output folder that cannot be written costs the diffs only."""
        data, adds = self.with_project(project)
        if not adds:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(self.path, data)

    def text(self, made_from: str | None) -> dict[str, str] | None:
        """The source text with that fingerprint, if it was ever seen."""
        found = self._read().get(made_from or "")
        return found if isinstance(found, dict) else None
