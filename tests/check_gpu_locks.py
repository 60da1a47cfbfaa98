#!/usr/bin/env python3
"""Every test labelled gpu holds the `gpu` resource lock, so `ctest -j` never runs two of them on
one GPU at once. Reads ctest's own listing: check_gpu_locks.py CTEST BUILD_DIR."""
import json
import subprocess
import sys

listing = json.loads(subprocess.run([sys.argv[1], "--test-dir", sys.argv[2], "--show-only=json-v1"], check=True,
                                    capture_output=True, text=True).stdout)
gpu, unlocked = 0, []
for test in listing["tests"]:
    props = {p["name"]: p["value"] for p in test.get("properties", [])}
    if "gpu" not in props.get("LABELS", []):
        continue
    gpu += 1
    if "gpu" not in props.get("RESOURCE_LOCK", []):
        unlocked.append(test["name"])
if gpu == 0:
    sys.exit("no gpu-labelled tests found: the listing changed shape")
for name in unlocked:
    print("not serialised:", name)
print(f"{gpu - len(unlocked)} of {gpu} gpu tests hold the gpu resource lock")
sys.exit(1 if unlocked else 0)
