#!/usr/bin/env python3
"""Times a Triton kernel card's config with Triton's own launcher and triton.testing.do_bench, for
comparison with gemmscope's runner on the same kernel (issue 11: within 3 %). Reads the card
(TOML), builds torch inputs uniform in [0, 1), evaluates the card's grid and arguments, launches
kernel[grid](...) and checks the result against torch.matmul (fp64) before timing.

  triton_do_bench.py CARD --problem 32768x32768x32 [--set NAME=VALUE ...] [--rep-ms 500]
Prints one JSON object: the config, do_bench's median, min and max (ms), and the error.
"""
import argparse
import importlib.util
import json
import math
import pathlib
import sys
import tomllib

import torch
import triton
import triton.testing

RESERVED = {"num_warps", "num_stages", "num_ctas", "maxnreg"}


def cdiv(a, b):
    return -(-a // b)


def evaluate(expr, names):
    # Card expressions use muparser's syntax; the ones the examples use are also Python's
    # (with && / || / ?: translated). Integers stay integers where the card divides exactly.
    text = str(expr).replace("&&", " and ").replace("||", " or ")
    if "?" in text:
        raise SystemExit(f"expression {expr!r}: ?: is not supported by this script")
    return eval(text, {"__builtins__": {}}, {"cdiv": cdiv, "min": min, "max": max, **names})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("card")
    ap.add_argument("--problem", required=True, help="MxNxK (row-major A and B)")
    ap.add_argument("--set", action="append", default=[], help="NAME=VALUE")
    ap.add_argument("--rep-ms", type=float, default=500)
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args()
    card_path = pathlib.Path(a.card)
    card = tomllib.loads(card_path.read_text())
    m, n, k = (int(x) for x in a.problem.split("x"))
    values = {name: p["default"] for name, p in card["params"].items()}
    for s in a.set:
        name, v = s.split("=", 1)
        values[name] = v if isinstance(values[name], str) else int(v)
    names = {"M": m, "N": n, "K": k, "stride_am": k, "stride_ak": 1, "stride_bk": n, "stride_bn": 1, "stride_cm": n, "stride_cn": 1,
             "lda": k, "ldb": n, "ldc": n}
    for name, p in card["params"].items():  # an enum is its position in values, as in gemmscope
        v = values[name]
        names[name] = p["values"].index(v) if isinstance(v, str) else v

    spec = importlib.util.spec_from_file_location("card_kernel", card_path.parent / card["source"])
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(card_path.parent))
    spec.loader.exec_module(module)
    kernel = getattr(module, card["kernel"])

    torch.manual_seed(a.seed)
    A = torch.rand((m, k), device="cuda", dtype=torch.float32)
    B = torch.rand((k, n), device="cuda", dtype=torch.float32)
    C = torch.empty((m, n), device="cuda", dtype=torch.float32)
    launch = card["launch"]
    ws_bytes = int(evaluate(launch.get("workspace", "0"), names))
    W = torch.empty(max(1, ws_bytes // 4), device="cuda", dtype=torch.float32)
    buffers = {"A": A, "B": B, "C": C, "workspace": W}

    def argument(text):
        if text in buffers:
            return buffers[text]
        t = str(text)
        if ":" in t:
            kind, t = t.split(":", 1)
            v = evaluate(t.strip(), names)
            return float(v) if kind.strip() == "f32" else int(v)
        return int(evaluate(t, names))

    args = [argument(x) for x in launch["arguments"]]
    grid = tuple(int(evaluate(g, names)) for g in launch["grid"])
    constexprs = {name: values[name] for name in card["params"] if name not in RESERVED}
    options = {name: values[name] for name in card["params"] if name in RESERVED}
    zero = bool(launch.get("zero_output", False))

    def run():
        if zero:
            C.zero_()
        kernel[grid](*args, **constexprs, **options)

    run()
    torch.cuda.synchronize()
    ref = (A.double() @ B.double())
    err = float(torch.linalg.norm(C.double() - ref) / torch.linalg.norm(ref))
    close = bool(torch.allclose(C, ref.float(), atol=1e-4, rtol=1e-4))
    # do_bench clears L2 before every timed call (its cache buffer) and times each call with events.
    times = triton.testing.do_bench(run, warmup=50, rep=a.rep_ms, return_mode="all")
    times = sorted(times)
    med = times[len(times) // 2] if len(times) % 2 else 0.5 * (times[len(times) // 2 - 1] + times[len(times) // 2])
    print(json.dumps({"card": card["name"], "problem": a.problem, "values": values, "grid": grid, "reps": len(times),
                      "median_ms": med, "min_ms": times[0], "max_ms": times[-1], "rel_fro_error": err, "allclose": close,
                      "triton": triton.__version__, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
