#!/usr/bin/env bash
# leafletgen's one entry point for a fresh Debian/Ubuntu machine:
#   ./dev.sh build   set everything up, then build the bundled leaflets into build/
#   ./dev.sh test    set everything up (with test tools), then run the test suite
#   ./dev.sh serve   set everything up, then open the workspace (leafletgen serve)
#   ./dev.sh setup   only set up
# Setup is idempotent: it installs missing system libraries, creates .venv and installs
# leafletgen into it. Run it again any time; it does only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

# Rendering needs Pango and fontconfig; libharfbuzz-subset0 makes WeasyPrint subset fonts
# with HarfBuzz instead of fontTools, about ten times faster. python3-venv gives `venv`.
SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
                 libfontconfig1 python3-venv)
# The pixel check reads the hotline back with Tesseract (the tesserocr wheel brings the
# engine; this package brings its English model).
SYSTEM_PACKAGES+=(tesseract-ocr-eng)
# Tests only: strace aims signals at the build's renames; zbar is a second QR decoder,
# independent of the zxing-cpp the build uses; Chromium sets the same lines as WeasyPrint
# to compare their order with a browser's (driven by Playwright, from the test extras);
# poppler's pdftotext is a second reader of the text layer, beside pdfium.
TEST_PACKAGES=(strace zbar-tools chromium poppler-utils)
VENV=.venv

system_setup() {
    local wanted=("${SYSTEM_PACKAGES[@]}" "$@")
    command -v dpkg-query >/dev/null || { echo "not Debian/Ubuntu: install Pango, fontconfig and HarfBuzz's subset library yourself" >&2; return; }
    local missing=()
    for package in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return
    echo "installing system packages: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_setup() {
    local extras=$1
    python3 -c 'import sys; assert sys.version_info >= (3, 11), "leafletgen needs Python 3.11 or newer"'
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    local stamp="$VENV/.installed$extras"
    # Reinstall only when the project's dependencies changed.
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -e ".$extras"
        touch "$stamp"
    fi
}

command=${1:-build}
shift || true
case "$command" in
    setup) system_setup "${TEST_PACKAGES[@]}"; python_setup "[test]" ;;
    build) system_setup; python_setup ""; exec "$VENV/bin/leafletgen" build "$@" ;;
    test)  system_setup "${TEST_PACKAGES[@]}"; python_setup "[test]"; exec "$VENV/bin/python" -m pytest "$@" ;;
    serve) system_setup; python_setup ""; exec "$VENV/bin/leafletgen" serve "$@" ;;
    *) echo "usage: ./dev.sh build|test|serve|setup [arguments for leafletgen or pytest]" >&2; exit 2 ;;
esac
