"""An installed wheel carries the built-in templates and fonts, and builds without a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO, decode_qr


def test_wheel_builds_a_project_away_from_the_checkout(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", wheels, REPO], check=True)
    [wheel] = wheels.glob("leafletgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("leafletgen/templates/handout.html", "leafletgen/templates/leaflet.css",
                     "leafletgen/fonts/NotoSans-Regular.ttf", "leafletgen/fonts/OFL.txt",
                     "leafletgen/starter/project.yaml", "leafletgen/workspace/pages/base.html",
                     "leafletgen/workspace/static/workspace.js"):
        assert required in names

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                    "--target", site, wheel], check=True)
    # Run from an unrelated folder with only the installed copy on the path.
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = [sys.executable, "-m", "leafletgen"]
    subprocess.run([*run, "init", "project"], cwd=work, env=env, check=True)
    done = subprocess.run([*run, "build", "-p", "project", "-o", "out"], cwd=work, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    probe = subprocess.run([sys.executable, "-c", "import leafletgen; print(leafletgen.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.startswith(str(site))
    pdf = work / "out" / "first-leaflet" / "first-leaflet.en.pdf"
    assert (1, "tel:+37060000000") in decode_qr(pdf)


def test_lint():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests"], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_lists_every_bundled_leaflet():
    import re

    import yaml

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    leaflets = yaml.safe_load((REPO / "leaflets" / "project.yaml").read_text())["leaflets"]
    table = readme.split(" leaflets:\n", 1)[1].split("\n\n", 1)[0]  # the table after it
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.M)
    assert listed == list(leaflets)
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
    assert f"with {words[len(leaflets)]} leaflets:" in readme


def test_types():
    """mypy, as configured in pyproject.toml, finds nothing in src/."""
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
