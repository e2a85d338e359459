"""Every file read from a project is a regular file inside it, of bounded size, decided
on the open descriptor: a FIFO, a device or a link out is refused at once, by name."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from leafletgen.files import RefusedFile, read_limited


def test_a_regular_file_inside_is_read(tmp_path: Path):
    (tmp_path / "a.yaml").write_bytes(b"x: 1\n")
    assert read_limited(tmp_path / "a.yaml", 10, (tmp_path,)) == b"x: 1\n"


@pytest.mark.parametrize("make, reason", [
    (lambda p: os.mkfifo(p), "is not a regular file (a named pipe); only ordinary files are read"),
    (lambda p: p.symlink_to("/dev/zero"), "is a link to a file outside the project; copy the "
     "file into the project instead"),
    (lambda p: p.mkdir(), "is not a regular file (a folder); only ordinary files are read"),
    (lambda p: p.symlink_to(p.parent / "nowhere"), "cannot be read: no such file, or a broken "
     "link"),
    (lambda p: p.write_bytes(b"x" * 11), "file is 11 bytes, over the limit of 10"),
])
def test_anything_else_is_refused_without_waiting(tmp_path: Path, make, reason: str):
    path = tmp_path / "project" / "de.yaml"
    path.parent.mkdir()
    make(path)
    started = time.monotonic()
    with pytest.raises(RefusedFile) as refused:
        read_limited(path, 10, (path.parent,))
    assert refused.value.reason == reason
    assert time.monotonic() - started < 1


def test_a_device_is_refused_even_when_no_folder_is_required(tmp_path: Path):
    with pytest.raises(RefusedFile) as refused:
        read_limited(Path("/dev/zero"), 10)
    assert refused.value.reason == "is not a regular file (a device); only ordinary files are read"


@pytest.mark.parametrize("make, message", [
    (lambda p: os.mkfifo(p), "is not a regular file (a named pipe); only ordinary files are read"),
    (lambda p: p.symlink_to("/dev/zero"),
     "is a link to a file outside the project; copy the file into the project instead"),
])
def test_check_names_a_language_file_that_is_not_a_file(run, small_project: Path, make,
                                                        message: str):
    make(small_project / "text" / "de.yaml")
    code, _, stderr = run("check", "-p", small_project)
    assert code == 1
    assert stderr == f"error: 1 problem found:\n  small/text/de.yaml: {message}\n"
