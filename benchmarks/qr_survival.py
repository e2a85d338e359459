"""Do the QR codes of a build survive a phone? Every code the manifest lists is looked for
on its page rasterised as a phone sees print: at 300 dpi after a Gaussian blur of 2 px
(a slightly shaken photo), and at 150 dpi unblurred (a distant one), by two decoders:
zxing-cpp (which the build uses) and zbar (which it does not).

    python benchmarks/qr_survival.py build/      # a table: decoder x condition x module
"""

from __future__ import annotations

import collections
import io
import json
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

CONDITIONS = {"300 dpi, 2 px blur": (300, 2.0), "150 dpi": (150, 0.0)}
DECODERS = ("zxing-cpp", "zbar")


def decode(image, decoder: str) -> collections.Counter:
    """The texts of the QR codes `decoder` finds in a PIL image."""
    if decoder == "zxing-cpp":
        import zxingcpp

        return collections.Counter(code.text for code in zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormat.QRCode))
    data = io.BytesIO()
    image.save(data, "PNG")
    done = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", "-"],
                          input=data.getvalue(), capture_output=True, check=False)
    return collections.Counter(line for line in done.stdout.decode().split("\n") if line)


def survival(pdf_path: Path, codes: list[dict]) -> list[tuple[str, str, float, bool]]:
    """(decoder, condition, module mm, decoded) for each code of one PDF."""
    import pypdfium2
    from PIL import ImageFilter

    rows = []
    pdf = pypdfium2.PdfDocument(pdf_path)
    try:
        for number, page in enumerate(pdf, start=1):
            wanted = [code for code in codes if code["page"] == number]
            if not wanted:
                continue
            for condition, (dpi, blur) in CONDITIONS.items():
                image = page.render(scale=dpi / 72, grayscale=True).to_pil()
                if blur:
                    image = image.filter(ImageFilter.GaussianBlur(blur))
                for decoder in DECODERS:
                    found = decode(image, decoder)
                    for code in wanted:
                        rows.append((decoder, condition, code["module_mm"],
                                     found[code["target"]] > 0))
                        found[code["target"]] -= 1
    finally:
        pdf.close()
    return rows


def table(output_dir: Path, jobs: int = 2, records: list[dict] | None = None,
          ) -> list[tuple[str, str, str, int, int]]:
    """(decoder, condition, module size, decoded, codes) over a whole build, or over the
    outputs of its manifest `records`."""
    manifest = json.loads((output_dir / "manifest.json").read_text(encoding="utf-8"))
    records = manifest["outputs"] if records is None else records
    jobs_args = [(output_dir / r["path"], r["qr_codes"]) for r in records]
    counts: dict[tuple[str, str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    with ProcessPoolExecutor(jobs) as pool:
        for rows in pool.map(survival, *zip(*jobs_args, strict=True)):
            for decoder, condition, module_mm, decoded in rows:
                cell = counts[(decoder, condition, f"{module_mm:.2f} mm")]
                cell[0] += decoded
                cell[1] += 1
    return [(*key, *value) for key, value in sorted(counts.items())]


def main() -> None:
    if shutil.which("zbarimg") is None:
        sys.exit("needs zbarimg (Debian's zbar-tools; ./dev.sh test installs it)")
    output_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "build")
    print(f"{'decoder':<10} {'condition':<20} {'module':>8} {'decoded':>12}")
    for decoder, condition, module, decoded, total in table(output_dir):
        print(f"{decoder:<10} {condition:<20} {module:>8} {decoded:>6} of {total:<4}")


if __name__ == "__main__":
    main()
