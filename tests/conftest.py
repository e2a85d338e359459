"""Shared fixtures, and readers of PDFs that do not reuse leafletgen's own verify code."""

from __future__ import annotations

import ctypes
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import yaml
import zxingcpp
from click.testing import CliRunner

from leafletgen.build import BuildOptions, build
from leafletgen.cli import cli

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
BUNDLED = REPO / "leaflets"


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory) -> Path:
    """The bundled project, built once for every test that only reads its output."""
    output = tmp_path_factory.mktemp("build")
    build(BuildOptions(BUNDLED, output))
    return output


def bundled_pairs() -> list[tuple[str, str]]:
    """(leaflet, language) of every PDF the bundled project should give, read from its
    files: a leaflet without a language list is made in every language that has its text."""
    project = read_yaml(BUNDLED / "project.yaml")
    texts = {path.stem: read_yaml(path) for path in (BUNDLED / "text").glob("*.yaml")}
    pairs = []
    for leaflet_id, leaflet in project["leaflets"].items():
        languages = leaflet.get("languages") or [
            code for code, text in texts.items()
            if leaflet_id in text.get("leaflets", {}) and code != leaflet.get("companion")]
        pairs += [(leaflet_id, code) for code in languages]
    return pairs


def bundled_outputs() -> list[tuple[str, str, str]]:
    """(leaflet, language, kind) of every PDF the bundled project should give: each pair
    in each output its leaflet lists (the screen PDF when it lists none)."""
    project = read_yaml(BUNDLED / "project.yaml")
    return [(leaflet, code, kind) for leaflet, code in bundled_pairs()
            for kind in project["leaflets"][leaflet].get("outputs", ["screen"])]


def font_families(folder: Path) -> set[str]:
    """The family names of the font files in a folder."""
    from fontTools.ttLib import TTFont

    return {TTFont(path, lazy=True)["name"].getBestFamilyName()
            for path in folder.glob("*.ttf")}


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    """A private copy of tests/data/small that a test may break."""
    target = tmp_path / "small"
    shutil.copytree(DATA / "small", target)
    return target


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Run the CLI in-process from tmp_path; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        result = CliRunner().invoke(cli, [str(a) for a in args])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    return invoke


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def page_texts(path: Path) -> list[str]:
    """Each page's text layer, whitespace folded to single spaces."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        return [" ".join(page.get_textpage().get_text_bounded().split()) for page in pdf]
    finally:
        pdf.close()


def visual_lines(path: Path, page_index: int = 0) -> list[str]:
    """A page's lines as they stand on paper: characters grouped by height on the page,
    each line sorted left to right by the characters' boxes, spaces left out. This is
    what a reader sees, whatever order the text layer stores."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        textpage = pdf[page_index].get_textpage()
        boxes = []
        x, y = ctypes.c_double(), ctypes.c_double()
        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            if char.strip():
                # The origin is on the baseline: boxes of Arabic letters vary in height.
                pypdfium2.raw.FPDFText_GetCharOrigin(textpage, index, x, y)
                left = textpage.get_charbox(index)[0]
                boxes.append((-y.value, left, char))
    finally:
        pdf.close()
    lines: list[list[tuple[float, float, str]]] = []
    for box in sorted(boxes):
        if lines and box[0] - lines[-1][-1][0] < 2.0:  # same line: baselines within 2 pt
            lines[-1].append(box)
        else:
            lines.append([box])
    return ["".join(char for _, _, char in sorted(line, key=lambda b: b[1])) for line in lines]


def pdf_text(path: Path) -> str:
    """The whole PDF's text layer, whitespace folded to single spaces."""
    return " ".join(page_texts(path))


def decode_qr(path: Path, dpi: int = 300) -> list[tuple[int, str]]:
    """(page, text) of every QR code found on the PDF rasterised at `dpi`."""
    return [(page, text) for page, text, _ in locate_qr(path, dpi)]


def locate_qr(path: Path, dpi: int = 300) -> list[tuple[int, str, float]]:
    """(page, text, centre) of every QR code: its centre's distance from the page's left
    edge as a fraction of the page width."""
    found = []
    pdf = pypdfium2.PdfDocument(path)
    try:
        for number, page in enumerate(pdf, start=1):
            image = page.render(scale=dpi / 72).to_pil()
            for code in zxingcpp.read_barcodes(image):
                corners = code.position
                centre = (corners.top_left.x + corners.top_right.x + corners.bottom_left.x
                          + corners.bottom_right.x) / 4
                found.append((number, code.text, centre / image.width))
    finally:
        pdf.close()
    return found


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


class _RecordingHandler(BaseHTTPRequestHandler):
    """Answers every request with a tiny PNG, and remembers it was asked."""

    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a9f00000000049454e44ae426082")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recording_server():
    """A local HTTP server: yields (base URL, the list of paths requested from it)."""
    requests: list[str] = []
    handler = type("Handler", (_RecordingHandler,), {"requests": requests})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def pdf_contains(data: bytes, needle: bytes) -> bool:
    """Whether `needle` is anywhere in the PDF, inside compressed streams included."""
    import io

    if needle in data:
        return True
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for item in pdf.objects:
            if isinstance(item, pikepdf.Stream):
                try:
                    if needle in item.read_bytes():
                        return True
                except pikepdf.PdfError:
                    continue
    return False
