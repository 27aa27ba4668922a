#!/usr/bin/env python3
"""check-render.py HTML OUT_DIR: renders HTML (a report of odoo-upgrade) in headless Chromium to
OUT_DIR/report.png (screenshot, 1024 px wide) and OUT_DIR/report.pdf (A4 print), and checks what a
reader would see: the page is not blank (the screenshot has text-dark pixels over at least 1% of
its area and more than a few colours), nothing is wider than the page (at 794 px, A4's width at 96
dpi, the document scrolls no wider than the viewport; in the PDF the outermost 2% of every page's
right edge is white) and the PDF has pages.

Without chromium it prints the marker @@OU-TEST-SKIPPED@@ (ctest reports the test skipped, never
passed) and exits 0. Exit 1 with one line per failed check.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

# The flags that work on this kind of machine (root, no network but loopback, no GPU, no D-Bus).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run(browser, profile, args):
    cmd = [browser] + FLAGS + ["--user-data-dir=" + profile] + args
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=180)
    if r.returncode != 0:
        raise SystemExit("check-render: chromium failed (%d): %s" % (r.returncode, r.stderr[-2000:]))
    return r.stdout


def png_pixels(path):
    """Width, height and rows of (r, g, b) tuples of an 8-bit RGB/RGBA PNG (what Chromium writes)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("check-render: %s is not a PNG" % path)
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise SystemExit("check-render: unexpected PNG format in %s" % path)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def ppm_pages(pdf, out_prefix):
    """Each PDF page rasterised by pdftoppm (poppler-utils) at 40 dpi: (width, height, bytes)."""
    subprocess.run(["pdftoppm", "-r", "40", pdf, out_prefix], check=True)
    pages = []
    folder = os.path.dirname(out_prefix)
    for name in sorted(f for f in os.listdir(folder) if f.startswith(os.path.basename(out_prefix))):
        data = open(os.path.join(folder, name), "rb").read()
        parts = data.split(b"\n", 3)  # P6, "W H", 255, pixels (pdftoppm writes no comments)
        w, h = map(int, parts[1].split())
        pages.append((w, h, parts[3]))
    return pages


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    html, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    browser = chromium()
    if browser is None:
        print("@@OU-TEST-SKIPPED@@ no chromium (scripts/install-deps.sh --browser installs it)")
        return 0
    os.makedirs(out, exist_ok=True)
    problems = []
    with tempfile.TemporaryDirectory(prefix="ou-chromium.") as profile:
        url = "file://" + html
        png, pdf = os.path.join(out, "report.png"), os.path.join(out, "report.pdf")
        run(browser, profile, ["--window-size=1024,1400", "--screenshot=" + png, url])
        run(browser, profile, ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, url])
        # The width check: the report in an A4-wide frame of a page that measures it.
        probe = os.path.join(profile, "probe.html")
        with open(probe, "w") as f:
            f.write('<html><body style="margin:0"><iframe id="f" style="width:794px;height:600px;'
                    'border:0" src="%s"></iframe><script>document.getElementById("f").onload='
                    'function(){var d=this.contentDocument.documentElement;var p=document.'
                    'createElement("p");p.id="ou";p.textContent="OU-WIDTH "+d.scrollWidth+" "+'
                    'd.clientWidth;document.body.appendChild(p);};</script></body></html>' % url)
        dom = run(browser, profile, ["--allow-file-access-from-files", "--virtual-time-budget=5000",
                                     "--dump-dom", "file://" + probe])
        widths = [line for line in dom.split("<p id=\"ou\">")[1:]]
        if not widths:
            problems.append("the width probe did not run (no OU-WIDTH in the DOM)")
        else:
            scroll, client = map(int, widths[0].split("<")[0].split()[1:3])
            if scroll > client:
                problems.append("wider than A4: scrolls %d px in a %d px frame" % (scroll, client))
        width, height, rows = png_pixels(png)
        dark = sum(1 for row in rows for p in row if sum(p) < 3 * 160)
        colours = len({p for row in rows[::7] for p in row[::7]})
        if dark < width * height // 100 or colours < 4:
            problems.append("the screenshot looks blank: %d dark pixels of %d, %d colours"
                            % (dark, width * height, colours))
        pages = ppm_pages(pdf, os.path.join(profile, "page"))
        if not pages:
            problems.append("the PDF has no page")
        for number, (w, h, pixels) in enumerate(pages, 1):
            edge = max(1, w // 50)
            for y in range(h):
                row = pixels[y * w * 3:(y + 1) * w * 3]
                if any(v < 200 for v in row[(w - edge) * 3:]):
                    problems.append("page %d: something reaches the right edge (row %d)" % (number, y))
                    break
        print("check-render: %s: screenshot %dx%d, %d dark pixels, %d PDF pages"
              % (html, width, height, dark, len(pages)))
    for p in problems:
        print("check-render: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
