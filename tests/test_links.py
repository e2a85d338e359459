"""`check --links` against a local HTTP server: never the internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import edit


class _Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path in ("/ok", "/slow", "/%C5%A1altiniai?p=%C4%97") \
                or (self.path == "/no-head" and self.command == "GET"):
            self.send_response(200)
        elif self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_link_check_reports_dead_slow_and_moved_addresses(run, small_project: Path,
                                                          server: str):
    edit(small_project / "project.yaml", "website: https://example.org",
         f"website: {server}/moved")
    sources = (small_project / "sources.yaml").read_text(encoding="utf-8")
    url = sources.split("url: ")[1].split()[0]
    edit(small_project / "sources.yaml", url, f"{server}/gone")
    code, stdout, stderr = run("check", "-p", small_project, "--links", "--timeout", "0.5")
    assert code == 1
    assert f"ok 200: {server}/moved (redirects to {server}/ok) [website]" in stdout
    assert f"dead: {server}/gone: HTTP 404 [source code]" in stderr
    assert "error: 1 of 2 address(es) do not answer" in stderr

    edit(small_project / "sources.yaml", f"{server}/gone", f"{server}/slow")
    code, _, stderr = run("check", "-p", small_project, "--links", "--timeout", "0.5")
    assert code == 1
    assert f"dead: {server}/slow: no answer within 0.5 s [source code]" in stderr

    edit(small_project / "sources.yaml", f"{server}/slow", f"{server}/no-head")
    code, stdout, stderr = run("check", "-p", small_project, "--links", "--timeout", "0.5")
    assert code == 0, stderr
    assert f"ok 200: {server}/no-head [source code]" in stdout


def test_an_address_with_letters_outside_ascii_is_requested_as_a_phone_would(
        run, small_project: Path, server: str):
    """A phone percent-encodes the UTF-8 of a path that a QR code holds as text."""
    sources = (small_project / "sources.yaml").read_text(encoding="utf-8")
    url = sources.split("url: ")[1].split()[0]
    edit(small_project / "sources.yaml", url, f"{server}/šaltiniai?p=ė")
    _, stdout, stderr = run("check", "-p", small_project, "--links", "--timeout", "2")
    assert "Traceback" not in stderr
    assert f"ok 200: {server}/šaltiniai?p=ė [source code]" in stdout, stderr


def test_a_machine_without_network_is_told_so(run, small_project: Path):
    edit(small_project / "project.yaml", "website: https://example.org",
         "website: https://no-such-host.invalid")
    sources = (small_project / "sources.yaml").read_text(encoding="utf-8")
    url = sources.split("url: ")[1].split()[0]
    edit(small_project / "sources.yaml", url, "https://another-host.invalid/x")
    code, _, stderr = run("check", "-p", small_project, "--links", "--timeout", "2")
    assert code == 1
    assert stderr.endswith("error: none of the 2 address(es) could be reached; is this "
                           "computer offline? Connect it to the internet and check again\n")
