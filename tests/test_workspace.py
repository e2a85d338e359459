"""`leafletgen serve`, driven as its users drive it: Debian's Chromium through Playwright
for the pages and forms, raw HTTP for the requests a browser would never send."""

from __future__ import annotations

import contextlib
import datetime
import http.client
import io
import json
import re
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn
import zxingcpp
from PIL import Image

from conftest import DATA, page_texts, read_yaml
from leafletgen.cli import cli
from leafletgen.workspace.app import create_app
from leafletgen.workspace.guard import Guard

BUILD_SECONDS = 90  # a background build of the card, cold, on a slow machine


@dataclass
class Served:
    url: str
    token: str
    port: int
    project: Path
    output: Path

    def login(self, context) -> object:
        page = context.new_page()
        page.goto(f"{self.url}/?token={self.token}")
        return page


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _serving(project: Path, output: Path):
    """The workspace over `project`, on a free port, in a thread of this process."""
    port = _free_port()
    guard = Guard.for_address("127.0.0.1", port)
    server = uvicorn.Server(uvicorn.Config(create_app(project, output, guard),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        yield Served(f"http://127.0.0.1:{port}", guard.token, port, project, output)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def served(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(DATA / "workspace", project)
    with _serving(project, tmp_path / "build") as serving:
        yield serving


@pytest.fixture
def browser(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def _built_page(page, served: Served, path: str):
    """The document page once its background build is done and its pages are shown."""
    page.goto(served.url + path)
    page.wait_for_selector(".sheet img", timeout=BUILD_SECONDS * 1000)
    return page


# The dashboard and a document -------------------------------------------------------------

def test_the_dashboard_shows_each_leaflet_in_each_language_and_a_document_its_findings(
        served, browser):
    page = served.login(browser)
    assert page.title() == "Leaflets · leafletgen"
    states = {cell.get_attribute("data-language"): cell.get_attribute("class").split()[-1]
              for cell in page.locator("td.cell[data-leaflet=card]").all()}
    assert states == {"en": "final", "lt": "draft", "ar": "draft"}
    assert "not reviewed" in page.locator("td.cell[data-language=ar]").get_attribute("title")

    page.click("td.cell[data-language=ar] a")
    _built_page(page, served, "/document/card/ar")
    image = Image.open(io.BytesIO(page.request.get(
        served.url + page.locator(".sheet img").get_attribute("src")).body()))
    qr_boxes = page.locator(".finding.qr")
    assert qr_boxes.count() == 2  # the hotline's and the source's
    for index in range(qr_boxes.count()):
        box = qr_boxes.nth(index)
        label = box.locator(".label").inner_text().removeprefix("QR: ")
        # Each box is where the pixels hold the code it names: cut out, it decodes to it.
        style = dict(part.strip().split(": ") for part in
                     box.get_attribute("style").strip(" ;").split(";"))
        left, top = (float(style[k].rstrip("%")) / 100 for k in ("left", "top"))
        width, height = (float(style[k].rstrip("%")) / 100 for k in ("width", "height"))
        crop = image.crop((int((left - width * 0.2) * image.width),
                           int((top - height * 0.2) * image.height),
                           int((left + width * 1.2) * image.width),
                           int((top + height * 1.2) * image.height)))
        assert [code.text for code in zxingcpp.read_barcodes(crop)] == [label]
    assert {label.inner_text() for label in page.locator(".finding.hotline .label").all()} \
        == {"read: +37060871204"}
    pdf = page.request.get(
        served.url + page.locator("a", has_text="screen PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


# The translation editor -------------------------------------------------------------------

def test_an_arabic_entry_is_edited_right_to_left_and_saved_with_the_files_comments(
        served, browser):
    page = served.login(browser)
    page.goto(served.url + "/translate/ar")
    question = page.locator('.editable[data-for="question.help"]')
    assert question.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "Noto Naskh Arabic" in question.evaluate("e => getComputedStyle(e).fontFamily")
    # The answer's placeholders are chips the translator cannot type into.
    chips = page.locator('.editable[data-for="answer.help"] .chip')
    assert [chip.get_attribute("data-placeholder") for chip in chips.all()] \
        == ["stat:volunteers", "hotline"]
    assert chips.first.get_attribute("contenteditable") == "false"

    question.fill("هل أستطيع أن أساعد؟")
    page.click("button:has-text('Save')")
    assert page.locator(".saved").inner_text().startswith("Saved: help")
    text = (served.project / "text/ar.yaml").read_text(encoding="utf-8")
    assert "question: هل أستطيع أن أساعد؟" in text
    assert text.startswith("# العربية: مسودة للاختبار. A translator's note: keep this comment.")
    assert "    # The figure and the hotline come from the project: keep both placeholders." \
        in text
    entry = read_yaml(served.project / "text/ar.yaml")["entries"]["help"]
    assert entry["answer"] == "نعم. {stat:volunteers} متطوعاً يجيبون على الخط الساخن: {hotline}."
    assert entry["translated_from"] == "12fd73c93195"


def test_a_lost_placeholder_is_reported_as_one_types_with_the_command_lines_message(
        served, browser, tmp_path):
    page = served.login(browser)
    page.goto(served.url + "/translate/ar")
    answer = page.locator('.editable[data-for="answer.help"]')
    answer.locator('.chip[data-placeholder="hotline"]').evaluate("chip => chip.remove()")
    answer.press("End")
    answer.press_sequentially(" ")
    problem = page.locator("#problems li")
    problem.first.wait_for(timeout=10_000)
    assert answer.get_attribute("class") == "editable invalid"
    # The command line, on the same file, says the same.
    copy = tmp_path / "copy"
    shutil.copytree(served.project, copy)
    path = copy / "text/ar.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(": {hotline}.", ":"),
                    encoding="utf-8")
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["check", "-p", str(copy)])
    assert result.exit_code == 1
    said = [line.split("entries.help.answer: ", 1)[1] for line in result.output.splitlines()
            if "entries.help.answer: " in line]
    shown = [item.split("entries.help.answer: ", 1)[1] for item in problem.all_inner_texts()]
    assert said and shown == said
    assert (served.project / "text/ar.yaml").read_bytes() == (  # checking saves nothing
        DATA / "workspace/text/ar.yaml").read_bytes()


def test_a_file_changed_on_disk_since_the_page_was_opened_is_not_overwritten(served, browser):
    page = served.login(browser)
    page.goto(served.url + "/translate/ar")
    path = served.project / "text/ar.yaml"
    theirs = path.read_text(encoding="utf-8").replace("هل عبور الحدود لطلب اللجوء جريمة؟",
                                                      "هل العبور جريمة؟")
    path.write_text(theirs, encoding="utf-8")  # someone else saves meanwhile
    page.locator('.editable[data-for="question.help"]').fill("سؤالي؟")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("button:has-text('Save')")
    assert answer.value.status == 409
    assert path.read_text(encoding="utf-8") == theirs
    rows = page.locator("table.conflict tbody tr")
    assert rows.count() == 2  # both entries differ from what the page had
    help_row = rows.filter(has_text="help")
    assert "سؤالي؟" in help_row.locator("td.yours").inner_text()
    assert "هل يمكنني المساعدة؟" in help_row.locator("td.theirs").inner_text()

    page.click("button:has-text('Save mine over the file')")
    entries = read_yaml(path)["entries"]
    assert entries["help"]["question"] == "سؤالي؟"
    # Saving "mine" writes what the form held: the other entry as the page showed it.
    assert entries["legal"]["question"] == "هل عبور الحدود لطلب اللجوء جريمة؟"


def test_a_reviewer_marks_an_entry_reviewed(served, browser):
    page = served.login(browser)
    page.goto(served.url + "/translate/ar")
    page.check('input[name=entry][value=legal]')
    page.fill("input[name=by]", "Aisha")
    page.click("button:has-text('Mark the ticked entries reviewed')")
    assert "reviewed: legal" in page.locator(".saved").inner_text()
    entry = read_yaml(served.project / "text/ar.yaml")["entries"]["legal"]
    assert entry["status"] == "reviewed"
    assert entry["review"] == {"by": "Aisha", "date": datetime.date.today(),
                               "source": "b2ae4ce1436a"}
    assert page.locator("#entry-legal .badge").inner_text() == "reviewed"
    assert page.locator("#entry-help .badge").inner_text() == "unreviewed"

    page.fill("input[name=by]", "Aisha")
    page.click("button:has-text('Mark the whole language reviewed')")
    data = read_yaml(served.project / "text/ar.yaml")
    assert data["status"] == "reviewed" and data["review"]["by"] == "Aisha"
    assert data["entries"]["help"]["review"]["source"] == "12fd73c93195"


def test_a_new_language_is_started_as_lang_add_starts_it(served, browser):
    page = served.login(browser)
    page.goto(served.url + "/languages/new")
    page.fill("input[name=code]", "xx-qq")
    page.click("button:has-text('Start the translation')")
    assert "cannot add 'xx-qq'" in page.locator(".problems").inner_text()
    page.fill("input[name=code]", "so")
    page.click("button:has-text('Start the translation')")
    assert page.url == served.url + "/translate/so"
    assert page.locator("h1").inner_text() == "Soomaali (so)"
    text = (served.project / "text/so.yaml").read_text(encoding="utf-8")
    assert "`leafletgen lang add so`" in text and "\n  # legal:\n" in text


# Figures ------------------------------------------------------------------------------------

def test_a_changed_figure_reaches_the_preview_of_every_pdf_that_prints_it(served, browser):
    page = served.login(browser)
    _built_page(page, served, "/document/card/en")
    before = page.locator(".sheet img").get_attribute("src")
    pdf = served.output / "card/card.en.pdf"
    assert "40 volunteers" in page_texts(pdf)[0]

    page.goto(served.url + "/figures")
    figure = page.locator("section#volunteers")
    assert {link.inner_text() for link in figure.locator(".printed > li > a:first-child").all()} \
        == {"card · en", "card · lt", "card · ar"}
    figure.locator("input[name=value]").fill("41")
    figure.locator("button:has-text('Save')").click()
    assert page.url.endswith("/figures?changed=volunteers#volunteers")
    assert read_yaml(served.project / "statistics.yaml")["volunteers"]["value"] == 41
    assert (served.project / "statistics.yaml").read_text().startswith(
        "# The one figure the card prints.")

    page.goto(served.url + "/document/card/en")
    page.wait_for_function(f"() => document.querySelector('.sheet img') && "
                           f"document.querySelector('.sheet img').getAttribute('src') != "
                           f"{before!r}", timeout=BUILD_SECONDS * 1000)
    assert "41 volunteers" in page_texts(pdf)[0]


# Security -----------------------------------------------------------------------------------

class _Evil(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_a_form_posted_from_another_site_is_refused(served, browser, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        f'<form id=f method=post action="{served.url}/translate/ar">'
        '<input name="question.help" value="pwned"><input name="answer.help" value="x">'
        '</form><script>document.getElementById("f").submit()</script>')
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 lambda *a: _Evil(*a, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = served.login(browser)  # a logged-in browser visits the other site
        before = (served.project / "text/ar.yaml").read_bytes()
        with page.expect_response(lambda r: r.url.endswith("/translate/ar")) as answer:
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        assert answer.value.status == 403
        assert (served.project / "text/ar.yaml").read_bytes() == before
    finally:
        server.shutdown()


class _Client:
    """Raw HTTP, so that a path goes out exactly as written (no client tidies it)."""

    def __init__(self, served: Served):
        self.served = served
        response = self.get(f"/?token={served.token}", cookie=False)
        assert response[0] == 303
        self.cookie = response[2]["set-cookie"].split(";")[0]

    def request(self, method: str, path: str, body: bytes = b"", cookie: bool = True,
                host: str | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.served.port, timeout=30)
        sent = {"Host": host or f"127.0.0.1:{self.served.port}", **(headers or {})}
        if cookie:
            sent["Cookie"] = self.cookie
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        answer = (response.status, response.read(), {k.lower(): v for k, v in
                                                      response.getheaders()})
        connection.close()
        return answer

    def get(self, path: str, **options):
        return self.request("GET", path, **options)


def test_paths_out_of_the_project_and_its_outputs_are_refused(served, tmp_path):
    assert CliRunnerBuild(served).exit_code == 0
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF secret outside")
    (served.output / "card/link.pdf").symlink_to(secret)
    (served.output / "escape").symlink_to(tmp_path)
    client = _Client(served)
    status, body, _ = client.get("/files/card/card.en.pdf")
    assert status == 200 and body.startswith(b"%PDF")
    for path in ["/files/../project/project.yaml", "/files/%2e%2e/project/project.yaml",
                 "/files/%2e%2e%2fproject%2fproject.yaml", "/files/%2E%2E/secret.pdf",
                 "/files//etc/passwd", "/files/%2fetc%2fpasswd", "/files/card/link.pdf",
                 "/files/escape/secret.pdf", "/files/card/..%2f..%2fsecret.pdf",
                 "/static/..%2fguard.py", "/static/%2e%2e/guard.py",
                 "/fonts/..%2f..%2fproject%2fproject.yaml", "/fonts/%2fetc%2fpasswd",
                 "/translate/..%2f..%2fsecret", "/document/card/..%2fen",
                 "/files/manifest.json", "/files/.leafletgen-state.json"]:
        status, body, _ = client.get(path)
        assert status in (404, 400), path
        assert b"secret outside" not in body and b"organisation" not in body, path


def test_requests_without_the_token_from_another_host_or_without_csrf_are_refused(served):
    client = _Client(served)
    assert client.get("/", cookie=False)[0] == 401
    assert client.get("/?token=wrong", cookie=False)[0] == 401
    assert client.get("/", host="attacker.example:80")[0] == 421  # DNS rebinding
    status, page, headers = client.get("/languages/new")
    assert status == 200
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', page)[1].decode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    own = {**form, "Origin": served.url}
    cases = [(b"code=so&from=en", own, 403, b"CSRF"),  # no token
             (f"csrf={'0' * 64}&code=so&from=en".encode(), own, 403, b"CSRF"),  # another's
             (f"csrf={csrf}&code=so&from=en".encode(),  # a good token, from another site
              {**form, "Origin": "http://attacker.example"}, 403, b"another site"),
             (f"csrf={csrf}&code=so&from=en".encode(),
              {**form, "Origin": "null"}, 403, b"another site"),
             (f"csrf={csrf}&code=so&from=en".encode(),  # a browser that sends no Origin
              {**form, "Sec-Fetch-Site": "cross-site"}, 403, b"another site")]
    for body, headers, expected, said in cases:
        status, answer, _ = client.request("POST", "/languages/new", body=body, headers=headers)
        assert (status, said in answer) == (expected, True), (body, headers)
        assert not (served.project / "text/so.yaml").exists()
    # The same form, from the workspace's own page, is taken.
    status, _, _ = client.request("POST", "/languages/new", headers=own,
                                  body=f"csrf={csrf}&code=so&from=en".encode())
    assert status == 303 and (served.project / "text/so.yaml").is_file()


def CliRunnerBuild(served: Served):
    from click.testing import CliRunner

    return CliRunner().invoke(cli, ["build", "-p", str(served.project), "-o",
                                    str(served.output)])


def test_serve_refuses_a_project_that_does_not_validate(small_project, run):
    (small_project / "text/lt.yaml").write_text("language: [", encoding="utf-8")
    code, _, stderr = run("serve", "-p", str(small_project), "--port", str(_free_port()))
    assert code == 1
    assert "lt.yaml" in stderr and "Traceback" not in stderr


def test_a_fonts_family_name_is_never_written_into_css_raw(tmp_path):
    """A project's font names its family what it likes: one that would close the rule and
    add its own is left out of the @font-face rules, and the bundled faces are there."""
    from fontTools.ttLib import TTFont

    project = tmp_path / "project"
    shutil.copytree(DATA / "workspace", project)
    (project / "fonts").mkdir()
    font = TTFont(Path(__file__).resolve().parents[1] / "fonts" / "NotoSans-Regular.ttf")
    hostile = "Evil'; } body { background: url(/files/x) } .x { a: '"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = hostile
    font.save(project / "fonts" / "Evil-Regular.ttf")
    # The Arabic fields are set in it first, as the project asks.
    with (project / "project.yaml").open("a", encoding="utf-8") as config:
        config.write(f"fonts:\n  ar: [{json.dumps(hostile)}, Noto Naskh Arabic]\n")
    with _serving(project, tmp_path / "build") as serving:
        client = _Client(serving)
        status, css, _ = client.get("/fonts.css")
        page_status, page, _ = client.get("/translate/ar")
    assert (status, page_status) == (200, 200)
    assert b"font-family: 'Noto Naskh Arabic'" in css
    assert b"Evil" not in css and b"background" not in css
    fields = [style for style in re.findall(rb'style="([^"]*)"', page) if b"font-family" in style]
    assert len(fields) == 4  # two entries, question and answer
    assert set(fields) == {b"font-family: &#39;Noto Naskh Arabic&#39;, sans-serif"}


def test_office_sheets_show_their_codes_but_not_the_hotline_read_on_the_leaflets_pages(
        tmp_path, browser):
    """The hotline is read on the leaflet's own pages, which an office sheet rearranges:
    its boxes would stand in the wrong place there, so a sheet shows only its QR codes,
    decoded from the sheet itself."""
    project = tmp_path / "project"
    shutil.copytree(DATA / "workspace", project)
    path = project / "project.yaml"
    listed = "    languages: [en, lt, ar]\n"
    path.write_text(path.read_text(encoding="utf-8").replace(
        listed, listed + "    outputs: [screen, office]\n"), encoding="utf-8")
    with _serving(project, tmp_path / "build") as serving:
        page = serving.login(browser)
        _built_page(page, serving, "/document/card/en")
        assert page.locator(".finding.hotline").count() > 0
        page.click(".kinds a:has-text('office sheets')")
        page.wait_for_url("**?kind=office")
        assert "office" in page.locator(".sheet img").get_attribute("src")
        assert page.locator(".finding.qr").count() > 0
        assert page.locator(".finding.hotline").count() == 0


def test_serve_on_a_port_in_use_says_so_and_prints_no_token(small_project, run):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, stderr = run("serve", "-p", str(small_project), "--port", str(port))
    assert code == 1
    assert stderr == (f"error: cannot listen on 127.0.0.1 port {port}: Address already in "
                      "use; choose another with --port\n")
