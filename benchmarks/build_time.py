"""Where a build's time goes, on the bundled project: one table from one run.

    .venv/bin/python benchmarks/build_time.py [--project leaflets] [--repeat 3]

Speed targets live here, not in timed tests.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from leafletgen.build import BuildOptions, check, resource_roots, select
from leafletgen.compose import compose, make_environment
from leafletgen.fonts import IsolatedFontconfig


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, default=Path("leaflets"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as output:
        walls = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "leafletgen", "build", "-p", str(args.project),
                            "-o", output], check=True, capture_output=True)
            walls.append(time.perf_counter() - started)
        rows.append(("cold build, new process (median wall)", f"{statistics.median(walls):.2f} s"))

    started = time.perf_counter()
    import weasyprint  # noqa: F401

    rows.append(("import weasyprint", f"{time.perf_counter() - started:.2f} s"))
    (project, fonts), seconds = timed(check, args.project)
    rows.append(("load + validate + glyph check", f"{seconds * 1000:.0f} ms"))
    pairs = select(project, BuildOptions(args.project, Path("unused")))
    environment = make_environment(project)

    from leafletgen.render import Renderer
    from leafletgen.verify import verify

    with IsolatedFontconfig(fonts.folders):
        renderer = Renderer(resource_roots(project))
        rows.append(("font subsetter", renderer.subsetter()))
        for leaflet, code in pairs:
            composed, compose_s = timed(compose, project, leaflet, code, environment)
            renderer.render(composed)  # warm-up: first render loads fonts
            renders = [timed(renderer.render, composed) for _ in range(args.repeat)]
            rendered = renders[-1][0]
            verifies = [timed(verify, rendered, fonts)[1] for _ in range(args.repeat)]
            name = composed.output_name
            rows.append((f"{name}: compose", f"{compose_s * 1000:.0f} ms"))
            rows.append((f"{name}: render (median)",
                         f"{statistics.median(s for _, s in renders) * 1000:.0f} ms"))
            rows.append((f"{name}: verify (median)",
                         f"{statistics.median(verifies) * 1000:.0f} ms"))
            rows.append((f"{name}: size", f"{len(rendered.pdf) / 1024:.1f} KiB, "
                         f"{rendered.page_count} pages, {len(composed.qr_codes)} QR codes"))

    width = max(len(label) for label, _ in rows)
    print(f"{'measure':<{width}}  value")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
