#!/usr/bin/env python3
"""Checks a gemmscope report folder: the documents and exports exist, and every PNG shows a
drawn UI (decoded here with zlib alone: enough distinct colours, plot areas that are not flat,
regions that differ from each other). Exit 1 naming each failure."""
import json
import struct
import sys
import zlib
from pathlib import Path


def read_png(path):
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise ValueError("unexpected PNG format depth=%d type=%d" % (depth, ctype))
            ch = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * ch
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):  # undo the PNG filters (ours writes 0, but read any)
            a = line[x - ch] if x >= ch else 0
            b, c = prev[x], prev[x - ch] if x >= ch else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, ch, rows


def colours(img, x0, y0, x1, y1, step=2):
    w, h, ch, rows = img
    seen = set()
    for y in range(max(0, y0), min(h, y1), step):
        r = rows[y]
        for x in range(max(0, x0), min(w, x1), step):
            seen.add(r[x * ch:x * ch + 3])
    return seen


def main():
    out = Path(sys.argv[1])
    pngs = sys.argv[2:] or ["window", "workload", "live", "roofline", "sweep", "history"]
    failures = []
    for name in ["report.md", "report.html", "results.csv", "results.json", "config.json", "gpus.json"]:
        p = out / name
        if not p.is_file() or p.stat().st_size == 0:
            failures.append("missing or empty: %s" % name)
    try:
        results = json.loads((out / "results.json").read_text())
        problems = {r["config_name"].split("@")[1] for r in results}
        if not {"p9", "p6"} <= problems or len(results) < 8:
            failures.append("results.json: %d runs over %s (want both seed problems and the sweep)" % (len(results), problems))
        if not any("replayed" in r.get("reason", "") for r in results):
            failures.append("results.json: no run is marked as replayed")
        csv_lines = (out / "results.csv").read_text().strip().splitlines()
        if len(csv_lines) != len(results) + 1:
            failures.append("results.csv: %d lines for %d runs" % (len(csv_lines), len(results)))
        md = (out / "report.md").read_text()
        for needle in ["REPLAY", "RTX 4090", "H100", "Sweep", "Frame time"] + ["%s.png" % p for p in pngs]:
            if needle not in md:
                failures.append("report.md lacks '%s'" % needle)
        if "<img src=\"roofline.png\"" not in (out / "report.html").read_text():
            failures.append("report.html does not show roofline.png")
    except Exception as e:  # noqa: BLE001 - report every failure, not the first
        failures.append("reading the exports: %r" % e)

    for name in pngs:
        p = out / (name + ".png")
        try:
            img = read_png(p)
        except Exception as e:  # noqa: BLE001
            failures.append("%s.png: %s" % (name, e))
            continue
        w, h, _, _ = img
        n = len(colours(img, 0, 0, w, h))
        print("%-10s %4dx%-4d %5d colours" % (name, w, h, n))
        if w < 200 or h < 150:
            failures.append("%s.png is only %dx%d" % (name, w, h))
        # Not blank: a few dozen colours (text antialiasing alone gives some), and a good share of
        # pixels away from the most common (background) colour.
        counts = {}
        for y in range(0, h, 2):
            r = img[3][y]
            for x in range(0, w, 2):
                px = r[x * img[2]:x * img[2] + 3]
                counts[px] = counts.get(px, 0) + 1
        drawn = 1 - max(counts.values()) / sum(counts.values())
        print("  drawn share %.2f" % drawn)
        if n < 24:
            failures.append("%s.png has only %d distinct colours: blank or not drawn" % (name, n))
        if drawn < 0.05:
            failures.append("%s.png is %.0f %% one colour: blank" % (name, 100 * (1 - drawn)))
        # Each quarter of a panel holds something drawn (text, plots), not one flat colour.
        flat = [q for q, (x0, y0) in enumerate([(0, 0), (w // 2, 0), (0, h // 2), (w // 2, h // 2)])
                if len(colours(img, x0, y0, x0 + w // 2, y0 + h // 2)) < 4]
        if len(flat) > 1 and name != "workload":
            failures.append("%s.png: quarters %s are flat" % (name, flat))
        if name == "roofline":
            # Two plots side by side: both halves carry many colours (ceilings, points, legend).
            left, right = colours(img, 0, h // 6, w // 2, h * 5 // 6), colours(img, w // 2, h // 6, w, h * 5 // 6)
            print("  roofline halves: %d / %d colours" % (len(left), len(right)))
            if len(left) < 30 or len(right) < 30:
                failures.append("roofline.png: a plot half looks empty (%d / %d colours)" % (len(left), len(right)))
        if name == "sweep":
            # The viridis heatmap: many purple-to-yellow cells (green channel varies, blue moderate).
            w_, h_, ch, rows = img
            vir = 0
            for y in range(0, h_, 3):
                r = rows[y]
                for x in range(w_ // 3, w_, 3):
                    R, G, B = r[x * ch], r[x * ch + 1], r[x * ch + 2]
                    if (G > 120 and R < 120 and B > 80) or (R > 200 and G > 180 and B < 80) or (R > 50 and B > 90 and G < 40):
                        vir += 1
            print("  heatmap-coloured samples: %d" % vir)
            if vir < 200:
                failures.append("sweep.png: no heatmap found (%d viridis samples)" % vir)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("report check passed: %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
