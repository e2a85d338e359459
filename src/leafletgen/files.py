"""Reading a file of an untrusted project: only a regular file, inside the folders it may
come from, and no larger than a limit, all decided on the open descriptor.

A project arrives in a zip or a pull request; any file in it may be a FIFO (reading it
waits forever), a link to /dev/zero (it never ends) or a link to a file elsewhere on the
volunteer's laptop. Checking the path first and opening it after leaves a gap in which it
can be swapped, so the file is opened without blocking, then examined with fstat, and read
with a bound even if it grows while being read.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import ContentError, Problem


class RefusedFile(Exception):
    """A file the tool will not read, with the reason in words and its kind: "missing",
    "outside" (a link out of the allowed folders), "special" (not a regular file),
    "large", "unreadable" or "encoding"."""

    def __init__(self, path: Path, reason: str, kind: str = "unreadable"):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.kind = kind

    def problem(self, key: str = "") -> Problem:
        return Problem(self.path, None, key, self.reason)


def read_limited(path: Path, limit: int, within: Iterable[Path] | None = None) -> bytes:
    """The bytes of `path`, if it is a regular file of at most `limit` bytes whose real
    path lies inside one of the folders `within` (any folder when None); RefusedFile if not."""
    descriptor, info = _open_regular(path, within)
    try:
        if info.st_size > limit:
            raise RefusedFile(path, f"file is {info.st_size} bytes, over the limit of {limit}",
                              "large")
        chunks, size = [], 0
        while chunk := os.read(descriptor, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise RefusedFile(path, f"file grew past the limit of {limit} bytes while "
                                  "being read", "large")
        return b"".join(chunks)
    except OSError as error:
        raise RefusedFile(path, f"cannot be read: {error.strerror}") from None
    finally:
        os.close(descriptor)


def check_regular(path: Path, within: Iterable[Path] | None = None) -> None:
    """RefusedFile unless `path` is a regular file inside `within`, as read_limited decides
    it, for files that another program (fontconfig) will read."""
    descriptor, _ = _open_regular(path, within)
    os.close(descriptor)


def _open_regular(path: Path, within: Iterable[Path] | None) -> tuple[int, os.stat_result]:
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop on older Pythons
        raise RefusedFile(path, "cannot be read: no such file, or a broken link",
                          "missing") from None
    if within is not None:
        roots = [root.resolve() for root in within]
        if not any(real.is_relative_to(root) for root in roots):
            raise RefusedFile(path, "is a link to a file outside the project; copy the file "
                              "into the project instead", "outside")
    # Opened without blocking: opening a FIFO for reading otherwise waits for a writer.
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(real, flags)
    except OSError as error:
        raise RefusedFile(path, f"cannot be read: {error.strerror}") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise RefusedFile(path, f"is not a regular file ({_kind(info.st_mode)}); only "
                          "ordinary files are read", "special")
    return descriptor, info


def read_content(path: Path, limit: int, within: Iterable[Path] | None = None) -> bytes:
    """read_limited, with a refusal reported as the user's content error."""
    try:
        return read_limited(path, limit, within)
    except RefusedFile as refused:
        raise ContentError(refused.problem()) from None


def process_alive(pid: int) -> bool:
    """Whether a process exists: what a killed build left (staged files, fontconfig
    folders) is named with its process id, and removed once that process is gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but is another user's
        return True
    return True


def write_temporary(target: Path, data: bytes, mode: int | None = None) -> Path:
    """`data` written and synced to a new file beside `target`, named as this process's
    (`.<name>.leafletgen-<pid>-<random>.tmp`), with `mode` (default: as any new file); the
    caller renames it into place. Nothing is left if writing fails."""
    handle, name = tempfile.mkstemp(dir=target.parent,
                                    prefix=f".{target.name}.leafletgen-{os.getpid()}-",
                                    suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); outputs are for sharing, as any file.
        os.chmod(temporary, 0o666 & ~_umask() if mode is None else mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def replace_file(target: Path, data: bytes, mode: int | None = None) -> None:
    """`data` as the file `target`, atomically: written beside it (write_temporary), then
    renamed over it. OSError if either fails, and nothing is left behind."""
    temporary = write_temporary(target, data, mode)
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a file"
