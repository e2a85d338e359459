"""Stage 6, write: every output file goes through one writer that writes atomically.

A build's files are first written under temporary names beside their targets, then renamed
into place one after another, the manifest last. A build that fails or is killed before
that leaves the previous PDFs and manifest as they were (and at worst some `.tmp` files,
which the next build removes); renames take milliseconds, not the seconds rendering does.
Only one build writes into an output folder at a time: the folder itself is locked.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

MANIFEST_NAME = "manifest.json"
_TEMPORARY_SUFFIX = ".tmp"


class OutputLocked(Exception):
    """Another build is writing into the same output folder."""


@contextlib.contextmanager
def output_lock(output_dir: Path) -> Iterator[None]:
    """Hold the output folder for one build; refuse at once if another build holds it.

    The lock is an advisory lock on the folder itself, so no lock file is left behind and a
    killed build releases it with its process."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no locking
        yield
        return
    created = not output_dir.exists()
    output_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(output_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputLocked(f"another leafletgen build is writing into {output_dir}; "
                               "wait for it to finish, or use another --output") from None
        yield
    finally:
        if created:  # a build that wrote nothing leaves no trace, not even the folder
            with contextlib.suppress(OSError):
                output_dir.rmdir()
        os.close(descriptor)  # closing releases the lock


class OutputWriter:
    """Stages a build's files, then puts them all in place: use as a context manager.

    On leaving the block normally the files are renamed into place in the order staged; on
    an exception (or a signal turned into one) they are deleted instead."""

    def __init__(self, output_dir: Path):
        self.output_dir = output_dir
        self._staged: dict[Path, Path] = {}  # target -> temporary file

    def __enter__(self) -> OutputWriter:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def stage(self, relative: str, data: bytes) -> Path:
        """Write `data` for `relative` under a temporary name; returns the final path."""
        target = (self.output_dir / relative).resolve()
        if not target.is_relative_to(self.output_dir.resolve()):
            raise ValueError(f"refusing to write outside the output folder: {relative}")
        if target in self._staged:
            # Two outputs with one name would silently overwrite each other.
            raise ValueError(f"{relative} would be written twice in one build")
        target.parent.mkdir(parents=True, exist_ok=True)
        self._staged[target] = _write_temporary(target, data)
        return target

    def commit(self) -> None:
        for target, temporary in self._staged.items():
            os.replace(temporary, target)
        self._staged.clear()

    def discard(self) -> None:
        for temporary in self._staged.values():
            temporary.unlink(missing_ok=True)
        self._staged.clear()

    def remove_leftovers(self) -> None:
        """Temporary files of a build that was killed while staging (call it holding the
        output lock, or it may delete another build's)."""
        if self.output_dir.is_dir():
            for leftover in self.output_dir.rglob(f".*{_TEMPORARY_SUFFIX}"):
                leftover.unlink(missing_ok=True)


def write_file(output_dir: Path, relative: str, data: bytes) -> Path:
    """One file, written atomically (bundles, and anything written outside a build)."""
    with OutputWriter(output_dir) as writer:
        return writer.stage(relative, data)


def _write_temporary(target: Path, data: bytes) -> Path:
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                    suffix=_TEMPORARY_SUFFIX)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); outputs are for sharing, as any file.
        os.chmod(temporary, 0o666 & ~_umask())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


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
