"""Outputs are replaced all together or not at all: a failed, killed or concurrent build
never leaves a half-written or mixed set of files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import BUNDLED, DATA, edit, tree_snapshot
from leafletgen.build import BuildOptions, build
from leafletgen.write import OutputWriter, output_lock

DEAD_PID = 2 ** 22 + 7  # above Linux's largest pid_max: no process has it
LEAFLET = "your-rights"
LANGUAGES = ("en", "ar", "fa", "ti")  # a build long enough to be stopped halfway


@pytest.fixture
def edited_project(bundled_build: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled project and of its build, edited so that a new build changes
    every PDF: (project, output folder)."""
    project, output = tmp_path / "leaflets", tmp_path / "out"
    shutil.copytree(BUNDLED, project)
    shutil.copytree(bundled_build, output)
    edit(project / "project.yaml", "name: Sienos Grupė", "name: Sienos Grupė (test)")
    return project, output


def stop_build_midway(project: Path, output: Path, stop: signal.Signals,
                      ) -> subprocess.CompletedProcess:
    """Start a real build process and send it `stop` once it has rendered one document."""
    process = subprocess.Popen(
        [sys.executable, "-m", "leafletgen", "build", "-p", project, "-o", output,
         "--leaflet", LEAFLET, *(f"--lang={code}" for code in LANGUAGES)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    # The control: left to finish, a build does change the outputs.
    build(BuildOptions(project, output, leaflets=(LEAFLET,), languages=LANGUAGES[:1]))
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
    leftover = output / "card" / f".card.en.pdf.leafletgen-{DEAD_PID}-x1y2.tmp"
    leftover.write_bytes(b"half a PDF")
    build(BuildOptions(small_project, output))
    assert not leftover.exists()


# The commit, stopped at each of its renames: injected with strace, so the signal lands
# exactly as the build renames its Nth file, which no timer in a test can aim at.
STRACE = shutil.which("strace")
RENAMES = "rename,renameat,renameat2"


# Build processes forked, one by one, from a process that has imported everything, each
# stopping itself as its commit begins: strace attaches to it there, so it traces the
# commit, not Python importing WeasyPrint and rendering. A fresh process for each build
# spent more time importing than building. strace's faster seccomp-bpf mode injects no
# signal (6.1).
_BUILD_SERVER = """
import json, os, signal, sys
from leafletgen import build, cli, pipeline, prepress, preview, verify, write
from leafletgen.render import import_weasyprint
import_weasyprint()
commit = write.OutputWriter.commit
def stopped_commit(self):
    os.kill(os.getpid(), signal.SIGSTOP)
    commit(self)
write.OutputWriter.commit = stopped_commit
for request in sys.stdin:
    arguments, said = json.loads(request)
    child = os.fork()
    if child == 0:
        for fd, name in ((1, said + ".out"), (2, said + ".err")):
            os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
        sys.argv = ["leafletgen", *arguments]
        try:
            cli.main()
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    print(child, flush=True)
    print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), flush=True)
"""


class _BuildServer:
    """A process that forks a build for each request (see _BUILD_SERVER)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _BUILD_SERVER],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)

    def __enter__(self) -> _BuildServer:
        return self

    def __exit__(self, *exception: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)

    def traced(self, arguments: list[str], strace: list[str], said: Path,
               ) -> subprocess.CompletedProcess:
        """`leafletgen ARGUMENTS`, its commit run under `strace STRACE`; what it says is
        kept in SAID.out and SAID.err."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([arguments, str(said)]) + "\n")
        self.process.stdin.flush()
        pid = int(self.process.stdout.readline())
        proc = Path(f"/proc/{pid}")
        deadline = time.monotonic() + 60

        def state() -> str:
            try:
                return (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except FileNotFoundError:
                return "gone"

        def waiting(what: str) -> None:
            assert state() not in ("Z", "gone") and time.monotonic() < deadline, \
                (what, Path(f"{said}.err").read_text())
            time.sleep(0.005)

        code: int | None = None
        try:
            while state() != "T":
                waiting("the build did not reach its commit")
            tracer = subprocess.Popen([STRACE, "-qq", "-p", str(pid), *strace])
            while "TracerPid:\t0" in (proc / "status").read_text():
                waiting("strace did not attach")
            os.kill(pid, signal.SIGCONT)
            code = int(self.process.stdout.readline())
            tracer.wait(timeout=60)
        finally:
            if code is None:  # a failed attach must not leave a stopped build
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                self.process.stdout.readline()  # its end, which the server reports
        return subprocess.CompletedProcess(arguments, code, Path(f"{said}.out").read_text(),
                                           Path(f"{said}.err").read_text())


def _consistent(output: Path) -> None:
    """One whole build in the folder: every file the manifest lists has its recorded
    bytes, the state agrees with the manifest, and nothing half-done is left."""
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    for record in manifest["outputs"]:
        data = (output / record["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == record["sha256"], record["path"]
    state = json.loads((output / ".leafletgen-state.json").read_text(encoding="utf-8"))
    assert state["files"]["manifest.json"] == hashlib.sha256(
        (output / "manifest.json").read_bytes()).hexdigest()
    leftovers = [p.name for p in output.rglob("*") if p.name.endswith(".tmp")
                 or p.name == ".leafletgen-commit.json"]
    assert leftovers == []


@pytest.fixture(scope="module")
def commit_case(tmp_path_factory: pytest.TempPathFactory):
    """A built project, edited so that the next build replaces every file, made once for
    the tests that stop its commit. Returns a function that runs that build under strace
    with a signal at the Nth rename of its commit (into a fresh copy of the previous
    outputs), the number of renames the commit makes, the previous outputs, and the
    project."""
    tmp_path = tmp_path_factory.mktemp("commit")
    small_project = tmp_path / "small"
    shutil.copytree(DATA / "small", small_project)
    before = tmp_path / "before"
    build(BuildOptions(small_project, before))
    edit(small_project / "project.yaml", "name: Test Group", "name: Test Group (edited)")

    with contextlib.ExitStack() as stack:  # the servers end even if this fixture fails
        servers: queue.Queue[_BuildServer] = queue.Queue()
        for _ in range(2):  # _each_rename runs two builds at a time
            servers.put(stack.enter_context(_BuildServer()))

        def traced(output: Path, *strace: str) -> subprocess.CompletedProcess:
            server = servers.get()
            try:
                return server.traced(["build", "-p", str(small_project), "-o", str(output),
                                      "-j", "1"], ["-e", f"trace={RENAMES}", *strace],
                                     output.with_name(output.name + ".said"))
            finally:
                servers.put(server)

        counted = traced(tmp_path / "count", "-o", str(tmp_path / "renames"))
        assert counted.returncode == 0, counted.stderr
        # The commit's renames are those into the output folder (nothing else renames there),
        # and the signal is aimed at them by their place among all renames traced.
        calls = [line for line in (tmp_path / "renames").read_text().splitlines()
                 if line.startswith("rename")]
        into_output = [index for index, line in enumerate(calls, start=1)
                       if f'"{tmp_path / "count"}/' in line.split(", ")[-1]]
        assert into_output == list(range(into_output[0], into_output[-1] + 1))

        def run_stopped(stop: str, commit_rename: int) -> tuple[subprocess.CompletedProcess, Path]:
            output = tmp_path / f"out-{stop}-{commit_rename}"
            shutil.copytree(before, output)
            when = into_output[0] - 1 + commit_rename
            done = traced(output, "-o", "/dev/null", "-e",
                          f"inject={RENAMES}:signal={stop}:when={when}")
            return done, output

        yield run_stopped, len(into_output), tree_snapshot(before), small_project


def _each_rename(run_stopped, cases: list[tuple[str, int]]):
    """The stopped builds of `cases`, two at a time (each has its own output folder)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda case: (*case, *run_stopped(*case)), cases))


@pytest.mark.skipif(STRACE is None, reason="needs strace (./dev.sh test installs it)")
def test_a_stop_during_the_commit_waits_until_the_build_is_whole(commit_case):
    run_stopped, renames, before, _ = commit_case
    assert renames == 6  # the journal, two PDFs, the manifest, the source texts, the state
    cases = [("SIGTERM", when) for when in range(1, renames + 1)] + [("SIGINT", 3)]
    for stop, when, stopped, output in _each_rename(run_stopped, cases):
        assert stopped.returncode == 130, (stop, when, stopped.stderr)
        assert stopped.stderr.endswith(
            "interrupted: the build had been written completely, just before\n"), when
        _consistent(output)
        assert tree_snapshot(output) != before  # the new build, not a mix


@pytest.mark.skipif(STRACE is None, reason="needs strace (./dev.sh test installs it)")
def test_after_a_kill_during_the_commit_the_next_command_repairs_it(commit_case, run):
    run_stopped, renames, before, small_project = commit_case
    cases = [("SIGKILL", when) for when in range(1, renames + 1)]
    for _, when, killed, output in _each_rename(run_stopped, cases):
        assert killed.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL), killed.stderr
        # The next command finds the half-done commit and rolls it forward: the build the
        # killed one made is then whole, so nothing needs rendering.
        code, stdout, stderr = run("build", "-p", small_project, "-o", output, "-j", "1")
        assert code == 0, stderr
        _consistent(output)
        if when > 1:  # the journal was in place: the killed build's outputs stand, whole
            assert stdout.startswith("up to date: 2 PDF(s)"), (when, stdout)
        else:  # killed renaming the journal into place: the previous build stood whole
            assert "(2 rendered, 0 up to date" in stdout, (when, stdout)
        assert tree_snapshot(output) != before


def test_only_files_the_tool_staged_are_removed(small_project: Path, tmp_path: Path):
    output = tmp_path / "out"
    build(BuildOptions(small_project, output))
    users = output / "notes" / ".report.docx.tmp"
    users.parent.mkdir()
    users.write_bytes(b"the user's own")
    # A build into a folder inside this one is staging right now (this process is alive).
    live = output / "card" / f".card.en.pdf.leafletgen-{os.getpid()}-abcd.tmp"
    live.write_bytes(b"being staged")
    build(BuildOptions(small_project, output, force=True))
    assert users.read_bytes() == b"the user's own"
    assert live.read_bytes() == b"being staged"


@contextlib.contextmanager
def _tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("needs to mount a tmpfs (root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", folder], check=True)


def test_a_full_disk_is_one_sentence_and_leaves_nothing(run, small_project: Path,
                                                        tmp_path: Path):
    with _tmpfs(tmp_path / "disk", "40k") as disk:
        (disk / "out").mkdir()
        (disk / "out" / "earlier.txt").write_bytes(b"kept")
        code, _, stderr = run("build", "-p", small_project, "-o", disk / "out")
        assert code == 1
        assert re.fullmatch(r"error: cannot write disk/out/card/card\.(en|lt)\.pdf: the disk "
                            r"is full; free some space and build again",
                            stderr.splitlines()[-1]), stderr
        assert sorted(p.name for p in (disk / "out").rglob("*") if p.is_file()) == [
            "earlier.txt"]


def test_a_read_only_output_folder_is_one_sentence(run, small_project: Path, tmp_path: Path):
    with _tmpfs(tmp_path / "disk", "4m") as disk:
        output = disk / "out"
        assert run("build", "-p", small_project, "-o", output)[0] == 0
        before = tree_snapshot(output)
        subprocess.run(["mount", "-o", "remount,ro", disk], check=True)
        code, _, stderr = run("build", "-p", small_project, "-o", output, "--force")
        assert code == 1
        assert re.fullmatch(r"error: cannot write disk/out/card/card\.(en|lt)\.pdf: the folder "
                            r"is on a read-only disk; choose another --output",
                            stderr.splitlines()[-1]), stderr
        assert tree_snapshot(output) == before
        code, _, stderr = run("build", "-p", small_project, "-o", disk / "new")
        assert (code, stderr) == (1, "error: cannot write disk/new: the folder is on a "
                                     "read-only disk; choose another --output\n")


@pytest.mark.parametrize("make, message", [
    (lambda out: out.symlink_to(out.parent / "gone"),
     "something that is not a folder (perhaps a broken link) is in the way; remove it or "
     "choose another --output"),
    (lambda out: (out.parent / "loop").symlink_to(out) or out.symlink_to(out.parent / "loop"),
     "something that is not a folder (perhaps a broken link) is in the way; remove it or "
     "choose another --output"),
])
def test_an_output_that_is_not_a_folder_is_one_sentence(run, small_project: Path,
                                                          tmp_path: Path, make, message):
    make(tmp_path / "out")
    code, _, stderr = run("build", "-p", small_project, "-o", tmp_path / "out")
    assert (code, stderr) == (1, f"error: cannot write out: {message}\n")
