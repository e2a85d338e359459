"""Where the built-in templates, fonts and starter project are, in a wheel or a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """`templates`, `fonts`, `profiles` or `icons`: inside the package when installed from a wheel,
    at the top of the repository when running from a checkout (an editable install)."""
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"leafletgen is installed without its built-in {name!r} folder")


def starter_dir() -> Path:
    return PACKAGE_DIR / "starter"


def builtin_folders() -> list[Path]:
    """leafletgen's own templates, fonts and colour profile: inputs of every build."""
    return [builtin_dir("templates"), builtin_dir("fonts"), builtin_dir("profiles"),
            builtin_dir("icons")]


def print_profile() -> Path:
    """The CMYK profile of the print shop's PDF/X output intent (profiles/README.md)."""
    return builtin_dir("profiles") / "default_cmyk.icc"
