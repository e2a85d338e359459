"""Stage 6, write: every output file goes through one writer that writes atomically.

A file is written under a temporary name in its own folder and renamed into place, so a
build that fails or is killed never leaves a half-written PDF or manifest behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

MANIFEST_NAME = "manifest.json"


class OutputWriter:
    def __init__(self, output_dir: Path):
        self.output_dir = output_dir
        self._written: set[Path] = set()

    def write(self, relative: str, data: bytes) -> Path:
        target = (self.output_dir / relative).resolve()
        if not target.is_relative_to(self.output_dir.resolve()):
            raise ValueError(f"refusing to write outside the output folder: {relative}")
        if target in self._written:
            # Two outputs with one name would silently overwrite each other.
            raise ValueError(f"{relative} would be written twice in one build")
        self._written.add(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            # mkstemp makes the file private (0600); outputs are for sharing, as any file.
            os.chmod(temporary, 0o666 & ~_umask())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_manifest(output_dir: Path) -> dict:
    """The previous build's manifest, or an empty one if there is none we can read."""
    try:
        manifest = json.loads((output_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"outputs": []}
    if not isinstance(manifest, dict) or not isinstance(manifest.get("outputs"), list):
        return {"outputs": []}
    return manifest


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()
