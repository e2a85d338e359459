"""What the previous build into a folder made from what: the incremental build's memory.

Two levels, both checked against the files themselves, never trusted blindly:

- The whole build: a fingerprint of every input file's bytes, the options, the tool and
  renderer versions and the date. When it matches and every output is on disk with the
  bytes recorded, the build is a no-op, decided without importing the pipeline.
- Each output: a key over its composed HTML (which holds its text, fallbacks, figures,
  labels and styles), the fonts and versions, and the files WeasyPrint fetched for it. An
  output whose key matches and whose file is intact is not rendered again.

Anything unreadable, missing or different means "render": the worst a deleted output or
a damaged state file can cause is a rebuild, never a stale PDF. Standard library only.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import stat
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .files import RefusedFile, read_limited
from .options import BuildOptions

STATE_NAME = ".leafletgen-state.json"
_LARGEST_HASHED = 50_000_000
_FORMAT = 3  # 2: outputs have kinds, preflight reports and type sizes; 3: page areas
# Installed packages whose version changes what a PDF looks like.
_RENDERING_PACKAGES = ("weasyprint", "pydyf", "tinycss2", "tinyhtml5", "fonttools", "qrcode",
                       "markdown-it-py", "babel", "jinja2")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digest(folders: list[Path], skip: Path | None = None) -> str:
    """One digest over every file (name and bytes) under the folders, in a fixed order."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for root, dirs, files in os.walk(folder):
            root_path = Path(root)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                             and (skip is None or (root_path / d).resolve() != skip))
            for name in sorted(files):
                path = root_path / name
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(_entry_digest(path).encode())
    return digest.hexdigest()


def _entry_digest(path: Path) -> str:
    """A regular file's content digest; for anything else only what it is, never its
    content: reading a FIFO or a device in the project folder would wait forever."""
    try:
        info = path.stat()  # follows symlinks: a link to a regular file counts as one
    except OSError:
        return "missing"
    if not stat.S_ISREG(info.st_mode):
        return f"special {stat.S_IFMT(info.st_mode)}"
    if info.st_size > _LARGEST_HASHED:  # too big to read every build: size and time say it
        return f"large {info.st_size} {info.st_mtime_ns}"
    try:  # opened without blocking: it may have become a FIFO since the stat
        return hashlib.sha256(read_limited(path, _LARGEST_HASHED)).hexdigest()
    except RefusedFile:
        return "unreadable"


def tool_versions() -> str:
    versions = [f"leafletgen {__version__}"]
    for package in _RENDERING_PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} -")
    return ", ".join(versions)


def input_fingerprint(options: BuildOptions, builtin_folders: list[Path],
                      today: datetime.date | None = None) -> str:
    """Everything a build's result can depend on. The date is in it because warnings
    (stale figures) depend on it; jobs and time limit are not, as they change no output."""
    wanted = asdict(options)
    for ignored in ("project_dir", "output_dir", "jobs", "time_limit", "force"):
        wanted.pop(ignored)
    digest = hashlib.sha256()
    digest.update(json.dumps(wanted, sort_keys=True, default=str).encode())
    digest.update(tool_versions().encode())
    digest.update(str(today or datetime.date.today()).encode())
    output = Path(os.path.realpath(options.output_dir))  # never raises, even on a link loop
    digest.update(tree_digest([options.project_dir.resolve()], skip=output).encode())
    digest.update(tree_digest(builtin_folders).encode())
    return digest.hexdigest()


class BuildState:
    """The state file of one output folder."""

    def __init__(self, output_dir: Path, data: dict[str, Any] | None = None):
        self.output_dir = output_dir
        self.data: dict[str, Any] = data if data is not None \
            else {"format": _FORMAT, "outputs": {}}

    @classmethod
    def read(cls, output_dir: Path) -> BuildState:
        try:
            data = json.loads((output_dir / STATE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(output_dir)
        if not isinstance(data, dict) or data.get("format") != _FORMAT \
                or not isinstance(data.get("outputs"), dict):
            return cls(output_dir)
        return cls(output_dir, data)

    def to_bytes(self) -> bytes:
        return (json.dumps(self.data, indent=1, sort_keys=True) + "\n").encode()

    # The whole build.

    def unchanged(self, fingerprint: str) -> bool:
        """Whether the last build had these very inputs, and all it wrote is still there."""
        if self.data.get("fingerprint") != fingerprint:
            return False
        files = self.data.get("files")
        return isinstance(files, dict) and bool(files) and all(
            self._intact(name, digest) for name, digest in files.items())

    @property
    def messages(self) -> list[str]:
        """What the last build reported (warnings, drafts), to say again on a no-op."""
        messages = self.data.get("messages")
        return [m for m in messages if isinstance(m, str)] if isinstance(messages, list) else []

    def record_build(self, fingerprint: str, files: dict[str, str], messages: list[str],
                     ) -> None:
        self.data.update(fingerprint=fingerprint, files=files, messages=messages)

    # Each output.

    def cached(self, name: str, key: str) -> dict[str, Any] | None:
        """The stored record of output `name` if it was made with `key` and its PDF, its
        previews and the files it fetched are as they were; else None."""
        entry = self.data["outputs"].get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        files = entry.get("files")
        resources = entry.get("resources")
        if not isinstance(files, dict) or not isinstance(resources, dict):
            return None
        if not all(self._intact(file, digest) for file, digest in files.items()) or \
                not all(_matches(Path(path), digest) for path, digest in resources.items()):
            return None
        record = entry.get("record")
        return record if isinstance(record, dict) else None

    def store(self, name: str, key: str, record: dict[str, Any], files: dict[str, str],
              resources: dict[str, str]) -> None:
        self.data["outputs"][name] = {"key": key, "record": record, "files": files,
                                      "resources": resources}

    def _intact(self, name: str, digest: object) -> bool:
        return _matches(self.output_dir / name, digest)


def _matches(path: Path, digest: object) -> bool:
    """Whether a file still has the recorded digest (a FIFO or a missing file has none)."""
    return isinstance(digest, str) and _entry_digest(path) == digest
