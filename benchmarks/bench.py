"""leafletgen's speed against its own targets and against the alternatives, in one table.

    python benchmarks/bench.py            # the bundled project and 40 languages x 4 leaflets
    python benchmarks/bench.py --languages 10 --skip-naive   # a quicker look

Every figure is wall time of a real run on this machine. Builds run as separate processes
through the command line, as a user would run them. The alternatives get the very HTML
leafletgen composes: the `weasyprint` command once per file (the naive shell loop),
WeasyPrint in one process without verification (the floor for our overhead), and, as an
outside reference, an equivalent leaflet typeset by Typst (`pip install typst`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "leaflets"
# Latin-script languages CLDR knows, to stand in for a large project's translations.
LANGUAGE_CODES = ["de", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "et", "lv", "cs",
                  "sk", "sl", "hr", "bs", "ro", "hu", "sq", "tr", "az", "uz", "id", "ms",
                  "fil", "sw", "so", "ha", "yo", "ig", "zu", "xh", "af", "ga", "cy", "eu",
                  "ca", "gl", "mt", "is", "lb", "fo", "fr", "pl", "vi", "eo", "br", "co",
                  "fy", "gd", "gv", "haw", "ht", "jv", "kl", "la", "lg", "ln", "mg", "mi",
                  "nn", "ny", "oc", "om", "qu", "rm", "rn", "rw", "sg", "sn", "st", "su",
                  "tk", "tn", "to", "ts", "ve", "wo", "ak", "ee", "ff", "ast", "ceb", "dsb",
                  "hsb", "ksh", "lkt", "nds", "se", "smn", "vo", "wa", "fur", "sc", "scn",
                  "vec", "lij", "lmo", "pms", "szl", "ltg", "kw"]
# Peak memory of a build process and of its workers. The process's own peak is VmHWM: its
# ru_maxrss would keep the peak of this benchmark at the moment it was started (Linux keeps
# it across the exec), and this benchmark renders in-process too.
_RUSAGE = "import resource,sys,re;hwm=re.search(r'VmHWM:\\s+(\\d+)',open('/proc/self/status')" \
          ".read())[1];print(hwm,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss," \
          "file=sys.stderr)"


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # leafletgen refuses YAML aliases in content
        return True


def dump(data, allow_unicode: bool = True) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=allow_unicode)


def leafletgen(*args: str | Path, cwd: Path | None = None) -> tuple[float, str, str]:
    """Run the command line in a new process: (seconds, stdout, stderr)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "leafletgen", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"leafletgen {' '.join(map(str, args))} failed:\n{done.stderr}")
    return seconds, done.stdout, done.stderr


def build_with_memory(project: Path, output: Path, jobs: int,
                      outputs: tuple[str, ...] = ("screen",)) -> tuple[float, int, int]:
    """A cold build in a new process: (seconds, main process peak KiB, worker peak KiB).
    Screen PDFs only unless `outputs` says otherwise: the HTML compared against
    WeasyPrint is the screen PDFs'."""
    kinds = "".join(f",'--for','{kind}'" for kind in outputs)
    code = ("import sys;from leafletgen.cli import main;sys.argv=['leafletgen','build','-p',"
            f"{str(project)!r},'-o',{str(output)!r},'--force','-j','{jobs}'{kinds}]\n"
            f"try:\n main()\nexcept SystemExit as e:\n {_RUSAGE}\n if e.code: raise\n")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stderr}")
    own, children = map(int, done.stderr.strip().splitlines()[-1].split())
    return seconds, own, children


def make_large_project(target: Path, languages: int) -> Path:
    """The bundled project with `languages` languages (copies of the French text under other
    codes, plus the source and the companion) and four leaflets made in every one."""
    if languages - 2 > len(LANGUAGE_CODES):
        sys.exit(f"at most {len(LANGUAGE_CODES) + 2} languages: add codes to LANGUAGE_CODES")
    project = target / "large"
    shutil.copytree(BUNDLED, project)
    config = yaml.safe_load((project / "project.yaml").read_text(encoding="utf-8"))
    rights = config["leaflets"]["your-rights"]
    config["leaflets"] = {
        "your-rights": rights,
        "rights-a4": {**rights, "format": "A4"},
        "rights-a6": {**rights, "format": "A6", "pages": 4},
        "pocket-card": config["leaflets"]["pocket-card"],
    }
    (project / "project.yaml").write_text(dump(config, allow_unicode=True),
                                          encoding="utf-8")
    for path in (project / "text").glob("*.yaml"):
        if path.stem not in ("en", "lt"):
            path.unlink()
    french = yaml.safe_load((BUNDLED / "text" / "fr.yaml").read_text(encoding="utf-8"))
    for code in ("en", "lt"):
        path = project / "text" / f"{code}.yaml"
        text = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "your-rights" in text["leaflets"]:  # lt is the card's companion only
            for copy in ("rights-a4", "rights-a6"):
                text["leaflets"][copy] = text["leaflets"]["your-rights"]
        text["leaflets"] = {k: v for k, v in text["leaflets"].items() if k in config["leaflets"]}
        path.write_text(dump(text, allow_unicode=True), encoding="utf-8")
    for code in LANGUAGE_CODES[: languages - 2]:
        text = json.loads(json.dumps(french))
        text["language"]["name"] = code
        for copy in ("rights-a4", "rights-a6"):
            text["leaflets"][copy] = text["leaflets"]["your-rights"]
        (project / "text" / f"{code}.yaml").write_text(
            dump(text, allow_unicode=True), encoding="utf-8")
    return project


def composed_html(project: Path, folder: Path) -> list[Path]:
    """The HTML leafletgen composes for every output, written to files for the others."""
    from leafletgen.build import check, select
    from leafletgen.compose import compose, make_environment
    from leafletgen.options import BuildOptions

    loaded, _ = check(project)
    environment = make_environment(loaded)
    paths = []
    for leaflet, code in select(loaded, BuildOptions(project, folder)):
        document = compose(loaded, leaflet, code, environment)
        path = folder / document.output_name.replace("/", "_").replace(".pdf", ".html")
        path.write_text(document.html, encoding="utf-8")
        paths.append(path)
    return paths


def naive_loop(html_files: list[Path], base_url: str, environment: dict) -> float:
    beside = Path(sys.executable).parent / "weasyprint"  # the command of this environment
    command = str(beside) if beside.exists() else "weasyprint"
    started = time.perf_counter()
    for path in html_files:
        subprocess.run([command, "--base-url", base_url, path, path.with_suffix(".pdf")],
                       check=True, env=environment, capture_output=True)
    return time.perf_counter() - started


def raw_weasyprint(html_files: list[Path], base_url: str) -> float:
    """WeasyPrint alone, in this process, after its import: no verification, no writing."""
    import weasyprint

    weasyprint.HTML(string="<p>warm up</p>").write_pdf()
    started = time.perf_counter()
    for path in html_files:
        weasyprint.HTML(string=path.read_text(encoding="utf-8"), base_url=base_url).write_pdf()
    return time.perf_counter() - started


TYPST_SOURCE = """#set page(paper: "a5", margin: 14mm)
#set text(font: "Noto Sans", size: 9.5pt, lang: "en")
#text(size: 7pt, weight: "bold", tracking: 0.08em)[SIENOS GRUPĖ]
= Your right to asylum in Lithuania
_What the law says, and what to do_
== Your rights
=== Can I ask for asylum in Lithuania?
Yes. Asylum is a basic human right, and asking for it is always lawful: at a border
crossing point, and also wherever officers first meet you, in the forest or in a village.
=== Will I be punished for crossing the border?
Not for the crossing, if you came to ask for asylum. Article 291, part 2, of Lithuania's
Criminal Code frees a foreigner who entered irregularly to seek asylum from criminal
liability for the crossing. [1]
#rect(stroke: 1.2pt, radius: 2mm, inset: 3mm)[
  *Sienos Grupė hotline, day and night* \\
  #text(size: 22pt, weight: "bold")[+370 608 712 04]
]
"""


def typst_time(runs: int) -> tuple[float, str]:
    try:
        import typst
    except ImportError:
        return float("nan"), "not installed (pip install typst)"
    fonts = [str(REPO / "fonts")]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "leaflet.typ"
        source.write_text(TYPST_SOURCE, encoding="utf-8")
        typst.compile(str(source), font_paths=fonts)  # warm up
        started = time.perf_counter()
        for _ in range(runs):
            typst.compile(str(source), font_paths=fonts)
        return (time.perf_counter() - started) / runs, f"typst {typst.__version__}" \
            if hasattr(typst, "__version__") else "typst"


def warm_small_leaflet(runs: int = 20) -> float:
    """Render and verify the English pocket card again and again in one warm worker."""
    from leafletgen.build import check, resource_roots, select
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.options import BuildOptions
    from leafletgen.pipeline import Pipeline

    project, fonts = check(BUNDLED)
    options = BuildOptions(BUNDLED, Path("unused"), leaflets=("pocket-card",), languages=("en",))
    [(leaflet, code)] = select(project, options)
    document = compose(project, leaflet, code, make_environment(project))
    with IsolatedFontconfig(fonts.folders):
        worker = Pipeline(fonts, resource_roots(project), 60, None)
        worker.make(document)
        started = time.perf_counter()
        for _ in range(runs):
            worker.forget()  # each run renders and reads: nothing kept from the last one
            made = worker.make(document)
            assert not made.verification.errors
        return (time.perf_counter() - started) / runs


def loading_times(runs: int = 5) -> tuple[float, float]:
    """Loading the bundled project's YAML (every command that reads the project does, and
    the workspace on every request): through libyaml, and through PyYAML's own parser,
    which load.py keeps for the files it reports on. Best of `runs`, each."""
    from leafletgen import load

    def best() -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            load.load_project(BUNDLED)
            times.append(time.perf_counter() - started)
        return min(times)

    through_libyaml = best()
    composed_by_libyaml = load._composed_by_libyaml
    load._composed_by_libyaml = lambda text: None
    try:
        return through_libyaml, best()
    finally:
        load._composed_by_libyaml = composed_by_libyaml


def _decode_whole_pages(pdf: Any) -> int:
    """QR codes as verification read them before regions.py: every page whole, at 300 dpi."""
    import zxingcpp

    return sum(len(zxingcpp.read_barcodes(page.render(scale=300 / 72, grayscale=True).to_pil(),
                                          formats=zxingcpp.BarcodeFormat.QRCode))
               for page in pdf)


def verification_costs() -> tuple[dict[str, float], float, float, int, int]:
    """What each check that reads a page costs, over the bundled screen documents, on their
    renders: (seconds per stage, seconds rendering, seconds rendering each document's own
    HTML once, hotline places read, pages). The stages: the text layer read once, the QR
    codes decoded from their regions at 300 dpi (and, beside, from whole pages, as before
    regions.py), and the hotline read from the pixels."""
    import pypdfium2

    from leafletgen.build import check, resource_roots
    from leafletgen.compose import compose, make_environment
    from leafletgen.fonts import IsolatedFontconfig
    from leafletgen.paper import PaperReader
    from leafletgen.render import Renderer
    from leafletgen.verify import _decode_qr_codes, _hotline_runs, _read_hotlines, _read_page

    project, fonts = check(BUNDLED)
    environment = make_environment(project)
    documents = [compose(project, leaflet, code, environment)
                 for leaflet in project.leaflets.values() for code in leaflet.languages]
    stages = dict.fromkeys(("text layer", "QR codes", "QR codes, whole pages", "hotline OCR"),
                           0.0)
    rendering = once = 0.0
    places = pages = 0
    with IsolatedFontconfig(fonts.folders):
        renderer, reader = Renderer(resource_roots(project)), PaperReader()
        for document in documents:
            started = time.perf_counter()
            rendered = renderer.render(document)
            rendering += time.perf_counter() - started
            # The document's own HTML once, as raw WeasyPrint renders it: what the render
            # above took beyond that is copyfit trying the other sizes.
            renderer.forget()
            started = time.perf_counter()
            renderer.render(dataclasses.replace(document, fit_steps=(), grow_steps=()))
            once += time.perf_counter() - started
            renderer.forget()
            pdf = pypdfium2.PdfDocument(rendered.pdf)
            started = time.perf_counter()
            read = [_read_page(page) for page in pdf]
            stages["text layer"] += time.perf_counter() - started
            started = time.perf_counter()
            _decode_qr_codes(pdf, fonts)
            stages["QR codes"] += time.perf_counter() - started
            started = time.perf_counter()
            _decode_whole_pages(pdf)
            stages["QR codes, whole pages"] += time.perf_counter() - started
            runs = _hotline_runs(read, document.hotline)
            started = time.perf_counter()
            places += len(_read_hotlines(pdf, read, runs, reader))
            stages["hotline OCR"] += time.perf_counter() - started
            pages += len(pdf)
            pdf.close()
    return stages, rendering, once, places, pages


def qr_survival_rows(output_dir: Path) -> list[tuple]:
    """The QR survival table of a build (benchmarks/qr_survival.py) as benchmark rows."""
    import shutil as _shutil

    if _shutil.which("zbarimg") is None:
        return [("bundled", "QR survival", float("nan"), "skipped: needs zbarimg")]
    sys.path.insert(0, str(Path(__file__).parent))
    import qr_survival

    return [("bundled", f"QR {decoder}, {condition}, {module} modules", float("nan"),
             f"{decoded} of {total} decode")
            for decoder, condition, module, decoded, total in qr_survival.table(output_dir)]


def edit_one_entry(project: Path, code: str) -> None:
    path = project / "text" / f"{code}.yaml"
    text = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(iter(text["entries"].values()))
    entry["answer"] = "(edited) " + entry["answer"]
    path.write_text(dump(text, allow_unicode=True), encoding="utf-8")


def measure(name: str, project: Path, work: Path, jobs: int, skip_naive: bool,
            rounds: int) -> tuple[list[tuple], dict[str, float]]:
    """The rows of one project, and the figures other rows are computed from. The builds
    that ratios compare, and raw WeasyPrint, run side by side in each of `rounds`: this
    machine's speed drifts by a tenth or more from one minute to the next, so each ratio
    is taken within a round, and the median of the rounds is shown."""
    from leafletgen.fonts import IsolatedFontconfig

    rows = []
    out, all_out = work / f"{name}-out", work / f"{name}-all"
    html_dir = work / f"{name}-html"
    html_dir.mkdir()
    html_files = composed_html(project, html_dir)
    base_url = (REPO / "templates").as_uri() + "/"
    # Every output kind of every leaflet: the bundled project only (the large one would
    # make 640 PDFs).
    every_kind = name == "bundled"
    ones, manys, everys, raws = [], [], [], []
    for _ in range(rounds):
        shutil.rmtree(out, ignore_errors=True)
        ones.append(build_with_memory(project, out, 1)[0])
        shutil.rmtree(out)
        many, own_many, worker_peak = build_with_memory(project, out, jobs)
        manys.append(many)
        if every_kind:
            shutil.rmtree(all_out, ignore_errors=True)
            everys.append(build_with_memory(project, all_out, jobs, (
                "screen", "print", "office", "office-grey"))[0])
        with IsolatedFontconfig((REPO / "fonts", project / "fonts")):
            raws.append(raw_weasyprint(html_files, base_url))
    median = statistics.median
    one, many, raw = median(ones), median(manys), median(raws)

    def ratio(numerators: list[float], denominators: list[float]) -> str:
        each = [n / d for n, d in zip(numerators, denominators, strict=True)]
        shown = f"{median(each):.2f}x"
        return shown if len(each) == 1 else \
            f"{shown} (median of {len(each)}: {', '.join(f'{r:.2f}' for r in each)})"

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    count = len(manifest["outputs"])
    noop, stdout, _ = leafletgen("build", "-p", project, "-o", out, "--for", "screen")
    assert stdout.startswith("up to date"), stdout
    kinds: dict[str, list[int]] = {}
    survival = []
    if every_kind:
        manifest = json.loads((all_out / "manifest.json").read_text(encoding="utf-8"))
        for record in manifest["outputs"]:
            kinds.setdefault(record["kind"], []).append(record["bytes"])
        survival = qr_survival_rows(all_out)
    sizes = ", ".join(f"{kind} {sum(b) / len(b) / 1024:.0f} KiB" for kind, b in kinds.items())
    edit_one_entry(project, "fr" if (project / "text" / "fr.yaml").exists() else "de")
    edited, stdout, _ = leafletgen("build", "-p", project, "-o", out, "--for", "screen")
    rebuilt = re.search(r"\((\d+) rendered", stdout).group(1)
    naive = float("nan")
    if not skip_naive:
        with IsolatedFontconfig((REPO / "fonts", project / "fonts")):
            naive = naive_loop(html_files, base_url, dict(os.environ))
    rows += [
        (name, f"cold build, 1 worker ({count} PDFs)", one, f"{one / count * 1000:.0f} ms/PDF"),
        (name, f"cold build, {jobs} workers", many, f"{ratio(ones, manys)} faster than 1"),
        (name, "no-op rebuild", noop, f"{noop / many * 100:.1f}% of the cold build"),
        *([(name, f"all 4 outputs, {jobs} workers ({sum(map(len, kinds.values()))} PDFs)",
            median(everys), f"{ratio(everys, manys)} the screen PDFs alone"),
           (name, "mean size per output kind", float("nan"), sizes)] if kinds else []),
        (name, f"one entry edited in one language ({rebuilt} rendered)", edited, ""),
        (name, "raw WeasyPrint, same HTML, 1 process, no checks", raw,
         f"ours (1 worker) is {ratio(ones, raws)}"),
        (name, "naive loop: `weasyprint` command per file", naive,
         f"ours ({jobs} workers) is {naive / many:.1f}x faster" if naive == naive else "skipped"),
        (name, "peak memory: main process / per worker", float("nan"),
         f"{own_many / 1024:.0f} MB / {worker_peak / 1024:.0f} MB"),
        *survival,
    ]
    return rows, {"one worker": one, "raw": raw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--rounds", type=int, default=3,
                        help="side-by-side rounds on the bundled project (1 on the large one)")
    options = parser.parse_args()

    from leafletgen.render import Renderer

    print(f"machine: {len(os.sched_getaffinity(0))} CPU(s), Python {sys.version.split()[0]}, "
          f"font subsetting by {Renderer.subsetter()}")
    with tempfile.TemporaryDirectory(prefix="leafletgen-bench-") as folder:
        work = Path(folder)
        bundled = work / "bundled"
        shutil.copytree(BUNDLED, bundled)
        rows, bundled_figures = measure("bundled", bundled, work, options.jobs,
                                        options.skip_naive, options.rounds)
        large = make_large_project(work, options.languages)
        rows += measure(f"{options.languages} langs x 4", large, work, options.jobs,
                        options.skip_naive, 1)[0]
        # Worker memory against the number of languages: the large project at 10 and 100.
        for languages in (10, 100):
            sized = make_large_project(work / f"memory-{languages}", languages)
            seconds, own, worker = build_with_memory(sized, work / f"memory-{languages}-out",
                                                     options.jobs)
            rows.append((f"{languages} langs x 4", "peak memory: main process / per worker "
                         f"({options.jobs} workers)", seconds,
                         f"{own / 1024:.0f} MB / {worker / 1024:.0f} MB"))
    rows.append(("bundled", "A6 pocket card (en): render + verify, warm worker",
                 warm_small_leaflet(), "per document"))
    through_libyaml, through_pyyaml = loading_times()
    rows.append(("bundled", "loading the project's YAML (libyaml)", through_libyaml,
                 f"{through_pyyaml:.3f} s through PyYAML's own parser: "
                 f"{through_pyyaml / through_libyaml:.1f}x"))
    stages, rendering, once, places, pages = verification_costs()
    rows.append(("bundled", "copyfit: rendering at the other sizes", rendering - once,
                 f"{(rendering - once) / rendering * 100:.0f}% of rendering; "
                 f"{rendering / once:.2f}x one render of each document"))
    # Raw WeasyPrint renders each document's HTML once; copyfit lays a document out at up
    # to four sizes to choose one. What the rest of a build costs beyond that:
    beyond = bundled_figures["one worker"] - (rendering - once)
    rows.append(("bundled", "cold build, 1 worker, less copyfit's other sizes", beyond,
                 f"{beyond / bundled_figures['raw']:.2f}x raw WeasyPrint"))
    for stage, seconds in stages.items():
        what = {"text layer": "text layer read back (pdfium)",
                "QR codes": "QR codes: their regions at 300 dpi, zxing-cpp",
                "QR codes, whole pages": "QR codes: whole pages at 300 dpi (before)",
                "hotline OCR": f"hotline read from pixels (OCR), {places} places"}[stage]
        rows.append(("bundled", f"{what}, {pages} pages", seconds / pages,
                     f"{seconds / pages * 1000:.1f} ms per page; {seconds / rendering * 100:.1f}%"
                     " of rendering those pages"))

    typst_seconds, typst_name = typst_time(20)
    rows.append(("reference", f"one A5 leaflet in {typst_name}", typst_seconds,
                 "per document, warm, no QR or checks"))
    print(f"{'project':<16} {'measure':<55} {'seconds':>8}  note")
    for project, what, seconds, note in rows:
        shown = "" if seconds != seconds else f"{seconds:8.2f}"
        print(f"{project:<16} {what:<55} {shown:>8}  {note}")


if __name__ == "__main__":
    main()
