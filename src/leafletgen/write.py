"""Stage 6, write: every output file goes through one writer that commits atomically.

A build's files are first written (and synced) under temporary names beside their
targets. The commit then writes a journal naming every rename it is about to make, makes
them, and deletes the journal. SIGINT and SIGTERM are held for that moment, so a stop
takes effect once the new build is whole; a SIGKILL or a power cut in the middle leaves
the journal, and the next command that reads the output folder rolls the commit forward
(`recover`) before anything else. Either way the folder holds one build, whole: the
previous one or the new one.

Only files this tool staged are ever removed: their names carry the id of the process
that staged them (`.card.en.pdf.leafletgen-1234-x1y2.tmp`), and they are removed only
once that process is gone. Only one build writes into an output folder at a time: the
folder itself is locked. An operating-system failure (disk full, read-only folder, a
broken link) ends the build as one sentence naming the path (`OutputError`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

from .errors import display_path
from .files import process_alive, write_temporary

JOURNAL_NAME = ".leafletgen-commit.json"
_TEMPORARY = re.compile(r"^\..+\.leafletgen-(\d+)-[^.]+\.tmp$")
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class OutputLocked(Exception):
    """Another build is writing into the same output folder."""


class OutputError(Exception):
    """The operating system refused to write an output (a full disk, a read-only folder):
    one sentence with the path and what to do."""

    def __init__(self, path: Path, error: OSError, elsewhere: str = "choose another --output",
                 again: str = "build again"):
        super().__init__(f"cannot write {display_path(path)}: "
                         f"{what_to_do(error, elsewhere, again)}")


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM (not KeyboardInterrupt, which Click turns into "Aborted!").
    `committed` says whether the build's files were all in place when it arrived."""

    def __init__(self, committed: bool = False):
        super().__init__()
        self.committed = committed


def what_to_do(error: OSError, elsewhere: str = "choose another --output",
               again: str = "build again") -> str:
    """What an OSError a user can cause means, and what to do about it, in words:
    `elsewhere` says where else to write, `again` what to repeat once it is mended."""
    reason = error.strerror or str(error)
    hints = {
        errno.ENOSPC: f"the disk is full; free some space and {again}",
        errno.EDQUOT: f"the disk quota is used up; free some space and {again}",
        errno.EROFS: f"the folder is on a read-only disk; {elsewhere}",
        errno.EACCES: f"permission denied; {elsewhere}, or allow writing there",
        errno.EPERM: f"permission denied; {elsewhere}, or allow writing there",
        errno.EEXIST: "something that is not a folder (perhaps a broken link) is in the way; "
                      f"remove it or {elsewhere}",
        errno.ENOTDIR: f"part of the path is a file, not a folder; {elsewhere}",
        errno.ELOOP: f"the path is a loop of links; {elsewhere}",
    }
    fallback = f"{reason}; check the folder and {again}"
    return hints.get(error.errno, fallback) if error.errno is not None else fallback


@contextlib.contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise OutputError(path, error) from None


@contextlib.contextmanager
def output_lock(output_dir: Path) -> Iterator[None]:
    """Hold the output folder for one build; refuse at once if another build holds it.

    The lock is an advisory lock on the folder itself, so no lock file is left behind and a
    killed build releases it with its process. A half-done commit of a killed build is
    finished first."""
    created = not output_dir.exists() and not output_dir.is_symlink()
    with _os_errors(output_dir):
        output_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(output_dir, os.O_RDONLY)
    try:
        if not _try_lock(descriptor):
            raise OutputLocked(f"another leafletgen build is writing into {output_dir}; "
                               "wait for it to finish, or use another --output")
        recover(output_dir, locked=True)
        yield
    finally:
        if created:  # a build that wrote nothing leaves no trace, not even the folder
            with contextlib.suppress(OSError):
                output_dir.rmdir()
        os.close(descriptor)  # closing releases the lock


def _try_lock(descriptor: int) -> bool:
    try:
        import fcntl
    except ImportError:  # not on POSIX: no locking
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def recover(output_dir: Path, locked: bool = False) -> bool:
    """Finish the commit a killed build left half done, if any, so the folder holds that
    build whole; True if there was one. Without the lock (`locked`), it is taken here, and
    nothing is done while another build holds it."""
    journal = output_dir / JOURNAL_NAME
    if not journal.is_file():
        return False
    if not locked:
        try:
            descriptor = os.open(output_dir, os.O_RDONLY)
        except OSError:
            return False
        try:
            return _try_lock(descriptor) and recover(output_dir, locked=True)
        finally:
            os.close(descriptor)
    try:
        renames = json.loads(journal.read_text(encoding="utf-8"))["renames"]
    except (OSError, ValueError, KeyError, TypeError):
        renames = []  # a damaged journal: its build's temporary files are leftovers
    root = output_dir.resolve()
    with _os_errors(output_dir):
        for temporary_name, target_name in renames if isinstance(renames, list) else []:
            temporary, target = root / str(temporary_name), root / str(target_name)
            if not (temporary.resolve().is_relative_to(root) and target.resolve()
                    .is_relative_to(root) and _TEMPORARY.match(temporary.name)):
                continue  # not a rename this tool would have journalled
            if temporary.is_file():  # not renamed yet when the build was killed
                os.replace(temporary, target)
        _sync_folders({root})
        journal.unlink(missing_ok=True)
        _sync_folders({root})
    return True


class OutputWriter:
    """Stages a build's files, then commits them all: use as a context manager.

    On leaving the block normally the files are committed; on an exception (or a signal
    turned into one) they are deleted instead."""

    def __init__(self, output_dir: Path):
        self.output_dir = output_dir
        self._staged: dict[Path, Path] = {}  # target -> temporary file

    def __enter__(self) -> OutputWriter:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
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
        with _os_errors(target):
            target.parent.mkdir(parents=True, exist_ok=True)
            self._staged[target] = write_temporary(target, data)
        return target

    def commit(self) -> None:
        """Journal, rename, forget the journal; SIGINT and SIGTERM wait until it is done."""
        if not self._staged:
            return
        root = self.output_dir.resolve()
        done = False
        try:
            with _signals_held(), _os_errors(self.output_dir):
                renames = [[str(t.relative_to(root)), str(f.relative_to(root))]
                           for f, t in self._staged.items()]
                journal = write_temporary(root / JOURNAL_NAME,
                                           json.dumps({"renames": renames}).encode())
                os.replace(journal, root / JOURNAL_NAME)
                _sync_folders({root})
                for target, temporary in self._staged.items():
                    os.replace(temporary, target)
                _sync_folders({root, *(target.parent for target in self._staged)})
                (root / JOURNAL_NAME).unlink()
                _sync_folders({root})
                done = True
                self._staged.clear()
        except Interrupted as stop:  # delivered the moment the signals were released
            stop.committed = done
            raise

    def discard(self) -> None:
        for temporary in self._staged.values():
            temporary.unlink(missing_ok=True)
        self._staged.clear()

    def remove_leftovers(self) -> None:
        """Temporary files that builds killed while staging left behind: only names this
        tool gives, and only of processes that no longer exist (another build may be
        staging into a folder inside this one)."""
        if not self.output_dir.is_dir():
            return
        for leftover in self.output_dir.rglob(".*.tmp"):
            match = _TEMPORARY.match(leftover.name)
            if match and not process_alive(int(match.group(1))) and leftover.is_file():
                leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the block; one that came meanwhile is delivered as
    it ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _sync_folders(folders: set[Path]) -> None:
    """Make renames durable: a power cut after the commit must not undo half of it."""
    for folder in sorted(folders):
        with contextlib.suppress(OSError):
            descriptor = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def write_file(output_dir: Path, relative: str, data: bytes) -> Path:
    """One file, written atomically (bundles, and anything written outside a build)."""
    with OutputWriter(output_dir) as writer:
        return writer.stage(relative, data)
