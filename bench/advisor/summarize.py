#!/usr/bin/env python3
"""The guided-tuning table of bench/advisor/measure_guided.sh's results: per case, the start, the
tuner's best and its runs, and the full default sweep's best and its points, all timed alike in
one session on one GPU.   usage: summarize.py DIR   (DIR holds <case>_tune.json and <case>_sweep.json)"""
import json
import os
import sys


def passed(r):
    return r["disposition"] == "passed" and r["verify"]["allclose"] and r["ms_median"] > 0


def main(d):
    cases = sorted({f[: -len("_tune.json")] for f in os.listdir(d) if f.endswith("_tune.json")})
    print("| case | start | ms | guided best | ms | runs | speed-up | sweep best | ms | points | guided / sweep |")
    print("|---|---|---:|---|---:|---:|---:|---|---:|---:|---:|")
    for c in cases:
        tune = json.load(open(os.path.join(d, c + "_tune.json")))
        sweep = json.load(open(os.path.join(d, c + "_sweep.json")))
        start = tune[0]
        best = min((r for r in tune if passed(r)), key=lambda r: r["ms_median"])
        sbest = min((r for r in sweep if passed(r)), key=lambda r: r["ms_median"])
        print(f"| {c} | `{start['config_name']}` | {start['ms_median']:.4f} | `{best['config_name']}` | {best['ms_median']:.4f} | "
              f"{len(tune)} | {start['ms_median'] / best['ms_median']:.2f}x | `{sbest['config_name']}` | {sbest['ms_median']:.4f} | "
              f"{len(sweep)} | {best['ms_median'] / sbest['ms_median']:.3f} |")


if __name__ == "__main__":
    main(sys.argv[1])
