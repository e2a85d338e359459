"""Do the QR codes of a build survive a phone? Every code the manifest lists is looked for
in the part of its page a phone aimed at it sees, rasterised as a phone sees print: at
300 dpi after a Gaussian blur of 2 px (a slightly shaken photo), and at 150 dpi unblurred
(a distant one), by two decoders: zxing-cpp (which the build uses) and zbar (which it
does not).

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
FRAME_MARGINS = (1.0, 0.75, 0.5)  # how much of the page around a code a frame takes in


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
    """(decoder, condition, module mm, decoded) for each code of one PDF.

    A phone is aimed at one code: each is decoded from the part of the page around it, not
    from the whole sheet. zbar scanning a whole A4 sheet of a dozen codes misses one it
    reads at once in any frame around it, which says nothing about the print. And a phone
    reads from a stream of frames as the hand moves: a code counts as read if one of three
    frames reads it (the code and as much again on each side, three quarters, half). After
    a 2 px blur, zbar's reading turns on where a frame's edge falls to the pixel."""
    import pypdfium2
    import zxingcpp
    from PIL import ImageFilter

    rows = []
    pdf = pypdfium2.PdfDocument(pdf_path)
    try:
        for number, page in enumerate(pdf, start=1):
            wanted = [code for code in codes if code["page"] == number]
            if not wanted:
                continue
            # Where each code stands, from the clean raster: where the reader aims.
            clean = page.render(scale=300 / 72, grayscale=True).to_pil()
            where: dict[str, list[tuple[float, float, float, float]]] = {}
            for found in zxingcpp.read_barcodes(clean, formats=zxingcpp.BarcodeFormat.QRCode):
                corners = found.position
                xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x,
                      corners.bottom_right.x]
                ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y,
                      corners.bottom_right.y]
                box = (min(xs) / 300, min(ys) / 300, max(xs) / 300, max(ys) / 300)  # inches
                where.setdefault(found.text, []).append(box)
            for condition, (dpi, blur) in CONDITIONS.items():
                image = page.render(scale=dpi / 72, grayscale=True).to_pil()
                seen: collections.Counter = collections.Counter()
                for code in wanted:
                    boxes = where.get(code["target"]) or []
                    box = boxes[seen[code["target"]]] if seen[code["target"]] < len(boxes) \
                        else None
                    seen[code["target"]] += 1
                    for decoder in DECODERS:
                        decoded = False
                        if box is not None:
                            left, top, right, bottom = (v * dpi for v in box)
                            side = right - left
                            for margin in FRAME_MARGINS:
                                around = side * margin
                                frame = image.crop((int(left - around), int(top - around),
                                                    int(right + around), int(bottom + around)))
                                if blur:
                                    frame = frame.filter(ImageFilter.GaussianBlur(blur))
                                if decode(frame, decoder)[code["target"]] > 0:
                                    decoded = True
                                    break
                        rows.append((decoder, condition, code["module_mm"], decoded))
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
