"""Outputs are replaced all together or not at all: a failed, killed or concurrent build
never leaves a half-written or mixed set of files."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLED, edit, tree_snapshot
from leafletgen.build import BuildOptions, build
from leafletgen.write import OutputWriter, output_lock

LEAFLET = "your-rights"  # eight languages: a build long enough to be stopped halfway


@pytest.fixture
def edited_project(tmp_path: Path) -> tuple[Path, Path]:
    """The bundled project built once, then edited so that a new build changes every PDF:
    (project, output folder)."""
    project = tmp_path / "leaflets"
    shutil.copytree(BUNDLED, project)
    output = tmp_path / "out"
    build(BuildOptions(project, output, leaflets=(LEAFLET,)))
    edit(project / "project.yaml", "name: Sienos Grupė", "name: Sienos Grupė (test)")
    return project, output


def stop_build_midway(project: Path, output: Path, stop: signal.Signals,
                      ) -> subprocess.CompletedProcess:
    """Start a real build process and send it `stop` once it has rendered one document."""
    process = subprocess.Popen(
        [sys.executable, "-m", "leafletgen", "build", "-p", project, "-o", output,
         "--leaflet", LEAFLET], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("[1/"):
            process.send_signal(stop)
            break
    stdout, rest = process.communicate(timeout=60)
    assert any(line.startswith("[1/") for line in seen), "".join(seen) + rest
    return subprocess.CompletedProcess(process.args, process.returncode, stdout,
                                       "".join(seen) + rest)


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_a_build_stopped_mid_render_leaves_the_previous_outputs(edited_project, stop):
    project, output = edited_project
    before = tree_snapshot(output)
    stopped = stop_build_midway(project, output, stop)
    assert stopped.returncode == (-signal.SIGKILL if stop == signal.SIGKILL else 130)
    if stop != signal.SIGKILL:
        assert "interrupted: the outputs of the last complete build are unchanged" in \
            stopped.stderr
        assert "Traceback" not in stopped.stderr
    assert tree_snapshot(output) == before
    # The control: left to finish, the same build does change the outputs.
    build(BuildOptions(project, output, leaflets=(LEAFLET,)))
    after = tree_snapshot(output)
    assert after.keys() == before.keys()
    assert after["manifest.json"] != before["manifest.json"]


def test_a_second_build_into_the_same_folder_is_refused(run, small_project: Path,
                                                        tmp_path: Path):
    output = tmp_path / "out"
    build(BuildOptions(small_project, output))
    before = tree_snapshot(output)
    with output_lock(output):  # as a build in another process holds it
        code, _, stderr = run("build", "-p", small_project, "-o", output, "--force")
    assert code == 1
    assert stderr == (f"error: another leafletgen build is writing into {output}; wait for "
                      "it to finish, or use another --output\n")
    assert tree_snapshot(output) == before
    code, _, _ = run("build", "-p", small_project, "-o", output)  # released
    assert code == 0


def test_staged_files_appear_together_or_not_at_all(tmp_path: Path):
    (tmp_path / "a.pdf").write_bytes(b"old a")
    with pytest.raises(RuntimeError), OutputWriter(tmp_path) as writer:
        writer.stage("a.pdf", b"new a")
        writer.stage("sub/b.pdf", b"new b")
        assert (tmp_path / "a.pdf").read_bytes() == b"old a"  # nothing in place yet
        raise RuntimeError("a later document failed")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"old a"
    with OutputWriter(tmp_path) as writer:
        writer.stage("a.pdf", b"new a")
        writer.stage("sub/b.pdf", b"new b")
    assert (tmp_path / "a.pdf").read_bytes() == b"new a"
    assert (tmp_path / "sub" / "b.pdf").read_bytes() == b"new b"
    assert oct(os.stat(tmp_path / "a.pdf").st_mode & 0o777) != oct(0o600)


def test_a_build_removes_what_a_killed_build_left_staged(small_project: Path, tmp_path: Path):
    output = tmp_path / "out"
    build(BuildOptions(small_project, output))
    leftover = output / "card" / ".card.en.pdf.x1y2.tmp"
    leftover.write_bytes(b"half a PDF")
    build(BuildOptions(small_project, output))
    assert not leftover.exists()
