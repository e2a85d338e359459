"""Shared fixtures, and readers of PDFs that do not reuse leafletgen's own verify code."""

from __future__ import annotations

import ctypes
import json
import shutil
import sys
import threading
from dataclasses import dataclass
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
from leafletgen.errors import ContentError

REPO = Path(__file__).resolve().parents[1]
# The measuring scripts are readers of printed files too, independent of leafletgen's code;
# tests take them from here.
sys.path.insert(0, str(REPO / "benchmarks"))
import page_measures  # noqa: E402
import qr_survival  # noqa: E402, F401

DATA = Path(__file__).resolve().parent / "data"
BUNDLED = REPO / "leaflets"


# Every bundled font as a CSS @font-face, under its file's family ("NotoSansDevanagari"),
# for tests that set text in WeasyPrint or a browser without leafletgen's fontconfig.
FONT_FILES = sorted((REPO / "fonts").glob("*.ttf"))
FONT_FAMILIES = list(dict.fromkeys(path.stem.split("-")[0] for path in FONT_FILES))
FONT_FACES_CSS = "".join(
    f"@font-face {{ font-family: '{path.stem.split('-')[0]}'; src: url('{path.as_uri()}');"
    f" font-weight: {'bold' if 'Bold' in path.stem else 'normal'};"
    f" font-style: {'italic' if 'Italic' in path.stem else 'normal'} }}"
    for path in FONT_FILES)


@dataclass(frozen=True)
class ColdBuild:
    """The bundled project built from nothing by the command line, as a person runs it."""

    output: Path
    code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def bundled_cold_build(tmp_path_factory) -> ColdBuild:
    """`leafletgen build -p leaflets -o bundled-build`, once for the whole run, whichever
    test process asks first (the others wait for it): its output folder, and what it said."""
    import fcntl
    import os

    # This run's folder: each xdist worker has its own below it; without xdist, the one.
    basetemp = tmp_path_factory.getbasetemp()
    shared = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    output = shared / "bundled-build"
    said = shared / "bundled-build.said.json"
    with open(shared / "bundled-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not said.is_file():
            result = CliRunner().invoke(cli, ["build", "-p", str(BUNDLED), "-o", str(output),
                                              "-j", "2"])
            if result.exception and not isinstance(result.exception, SystemExit):
                raise result.exception
            said.write_text(json.dumps([result.exit_code, result.stdout, result.stderr]))
    code, stdout, stderr = json.loads(said.read_text())
    return ColdBuild(output, code, stdout.replace(str(output), "out"),
                     stderr.replace(str(output), "out"))


@pytest.fixture(scope="session")
def bundled_build(bundled_cold_build: ColdBuild) -> Path:
    """The bundled project, built once for every test that only reads its output."""
    assert bundled_cold_build.code == 0, bundled_cold_build.stderr
    return bundled_cold_build.output


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
    what a reader sees, whatever order the text layer stores. Text set at an angle (a
    draft mark across the page) is a layer of its own, not part of any line."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        textpage = pdf[page_index].get_textpage()
        boxes = []
        x, y = ctypes.c_double(), ctypes.c_double()
        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            held = page_measures.text_object(textpage, index)
            if char.strip() and not (held and page_measures.turned(held[1])):
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


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, driven by Playwright (dev.sh installs both). The flags
    keep it off the network: it has nothing to fetch."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        try:
            yield browser
        finally:
            browser.close()


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


# Readers of printed files: page boxes, pixels, colour operators, text positions.

MM = 72 / 25.4
HOTLINE_TEL = "tel:+37060871204"


def boxes(page: pikepdf.Page) -> dict[str, list[float]]:
    return {name: [float(v) for v in page.obj[name]]
            for name in ("/MediaBox", "/TrimBox", "/BleedBox") if name in page.obj}


def render(path: Path, page: int = 0, dpi: int = 150):
    pdf = pypdfium2.PdfDocument(path)
    try:
        return pdf[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        pdf.close()


def pixel_at(image, page_height_pt: float, x_pt: float, y_pt: float, dpi: int = 150):
    """The pixel at PDF coordinates (origin bottom left)."""
    scale = dpi / 72
    return image.getpixel((int(x_pt * scale), int((page_height_pt - y_pt) * scale)))


def mark_near(image, page_height_mm: float, x_mm: float, y_mm: float) -> bool:
    """Whether a thin line passes within a millimetre of the point (x, y) mm (pixels at
    300 dpi)."""
    scale = 300 / 25.4
    steps = [step / 10 for step in range(-10, 11)]
    return any(sum(image.getpixel((int((x_mm + dx) * scale),
                                   int((page_height_mm - y_mm - dy) * scale)))) < 3 * 200
               for dx in steps for dy in steps)


def dark(pixel) -> bool:
    return sum(pixel) < 3 * 160


def colour_operators(pdf: pikepdf.Pdf) -> set[str]:
    """Every colour-setting operator in every content stream, forms included."""
    found: set[str] = set()
    seen: set = set()

    def walk(holder, resources) -> None:
        for instruction in pikepdf.parse_content_stream(holder):
            operator = str(instruction.operator)
            if operator in ("rg", "RG", "g", "G", "k", "K"):
                found.add(operator)
            elif operator in ("cs", "CS"):
                found.add(f"{operator} {instruction.operands[0]}")
        for xobject in (resources.get("/XObject") or {}).values() if resources else ():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                walk(xobject, xobject.get("/Resources"))

    for page in pdf.pages:
        walk(page, page.obj.get("/Resources"))
    return found


def text_positions(path: Path, page: int, needle: str) -> list[float]:
    """Left edges (pt) of every occurrence of `needle` on a page."""
    return [left for left, _ in text_extents(path, page, needle)]


def text_extents(path: Path, page: int, needle: str) -> list[tuple[float, float]]:
    """Left and right edges (pt) of every occurrence of `needle` on a page: its first
    character's left, the rightmost right of its characters."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        textpage = pdf[page].get_textpage()
        searcher = textpage.search(needle)
        found = []
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            found.append((textpage.get_charbox(start)[0],
                          max(textpage.get_charbox(index)[2]
                              for index in range(start, start + count))))
        return found
    finally:
        pdf.close()


def manifest_record(output: Path, name: str) -> dict:
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    return next(record for record in manifest["outputs"] if record["path"] == name)


# Breaking a project on purpose: a template or stylesheet of its own, and what the build says.

def override(project: Path, name: str, text: str) -> None:
    folder = project / "templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def with_css(project: Path, css: str) -> None:
    """The built-in stylesheet, with `css` after it (a project overrides leaflet.css)."""
    builtin = (REPO / "templates" / "leaflet.css").read_text(encoding="utf-8")
    override(project, "leaflet.css", builtin + "\n" + css + "\n")


def build_errors(project: Path, tmp_path: Path, **options) -> list[str]:
    """The build's problems, each as `output: message`."""
    options.setdefault("languages", ("en",))
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, tmp_path / "out", **options))
    assert not (tmp_path / "out").exists()
    return [f"{problem.key}: {problem.message}" for problem in caught.value.problems]


def figure_alts(path: Path) -> list[str]:
    """The alternative text of every figure in a tagged PDF, in reading order."""
    alts: list[str] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node.Alt))
            if "/K" in node:
                walk(node.K)
        elif isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return alts


def renamed_font(file_name: str, family: str, postscript: str):
    """One of leafletgen's fonts (a fontTools TTFont) under another family name."""
    from fontTools.ttLib import TTFont

    font = TTFont(REPO / "fonts" / file_name)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = postscript
    return font
