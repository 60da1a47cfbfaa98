#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs what is missing, builds, then
#   ./setup.sh run   starts the main job (the GUI where a display exists, else the CLI on P9)
#   ./setup.sh test  runs the whole test suite (GPU tests skip with a message without a GPU)
# Re-running on a set-up machine reinstalls nothing.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-run}"
BUILD="${GEMMSCOPE_BUILD_DIR:-build}"
IMGUI_PIN="comma-deps-imgui==1.92.7.post104"
TRITON_PIN="triton==3.6.0"

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)

apt_pkgs=(cmake make g++ pkg-config python3 python3-pip libsqlite3-dev nlohmann-json3-dev libcli11-dev libpng-dev
          libtomlplusplus-dev libmuparser-dev
          libgtest-dev libgl1-mesa-dev libx11-dev zlib1g-dev xvfb xauth mesa-utils libgl1-mesa-dri)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# PyPI packages go into a folder of the build: downloaded as wheels and unpacked, so no
# Python environment is touched (the imgui wheel is tagged for any Python >= 3.12).
deps="$BUILD/deps"
mkdir -p "$deps"
if [ ! -f "$deps/imgui/.pinned-$IMGUI_PIN" ]; then
  rm -rf "$deps/imgui" "$deps/wheels"
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
      --platform manylinux_2_28_x86_64 -d "$deps/wheels" "$IMGUI_PIN"
  python3 -m zipfile -e "$deps"/wheels/comma_deps_imgui-*.whl "$deps/imgui-wheel"
  mv "$deps"/imgui-wheel/comma_deps_imgui-*.data/purelib/imgui/install "$deps/imgui"
  rm -rf "$deps/imgui-wheel" "$deps/wheels"
  touch "$deps/imgui/.pinned-$IMGUI_PIN"
fi

# Triton, pinned, for kernel cards written in Triton: compiles for sm_89 and sm_90 with no GPU.
# Optional at run time (a Triton card says how to get it), so a failed download only warns.
if [ ! -f "$deps/python/.pinned-$TRITON_PIN" ]; then
  rm -rf "$deps/python" "$deps/triton-wheel"
  if python3 -m pip download -q --no-deps --only-binary=:all: -d "$deps/triton-wheel" "$TRITON_PIN"; then
    python3 -m zipfile -e "$deps"/triton-wheel/triton-*.whl "$deps/python"
    chmod +x "$deps"/python/triton/backends/nvidia/bin/*  # zipfile drops the execute bits of ptxas and friends
    touch "$deps/python/.pinned-$TRITON_PIN"
  else
    echo "setup: could not download $TRITON_PIN; Triton kernel cards will say how to get it" >&2
  fi
  rm -rf "$deps/triton-wheel"
fi

# CUDA 13 lives at /usr/local/cuda (NVRTC comes with it: find_package(CUDAToolkit) needs it); where the
# toolkit lacks CUPTI, NVIDIA's wheel provides it (metrics/CMakeLists.txt reads GEMMSCOPE_CUPTI_ROOT).
CUDA_ROOT="${CUDA_ROOT:-/usr/local/cuda}"
extra=()
if [ ! -f "$CUDA_ROOT/include/cupti.h" ] && [ ! -f "$CUDA_ROOT/extras/CUPTI/include/cupti.h" ] && [ ! -d "$deps/nvidia-cupti" ]; then
  python3 -m pip download -q --no-deps --only-binary=:all: -d "$deps/wheels" "nvidia-cuda-cupti==13.0.*"
  python3 -m zipfile -e "$deps"/wheels/nvidia_cuda_cupti-*.whl "$deps/nvidia-cupti"
fi
[ -d "$deps/nvidia-cupti" ] && extra+=("-DGEMMSCOPE_CUPTI_ROOT=$PWD/$deps/nvidia-cupti/nvidia/cu13")

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCUDAToolkit_ROOT="$CUDA_ROOT" \
        -DGEMMSCOPE_IMGUI_ROOT="$PWD/$deps/imgui" "${extra[@]}"
fi
cmake --build "$BUILD" -j "$(nproc)"

case "$mode" in
  run)
    # Without a GPU the first window shows the sample (runs measured on an H200), not an empty app.
    gpu=0
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 && gpu=1
    if [ -n "${DISPLAY:-}" ]; then
      if [ "$gpu" = 1 ]; then exec "$BUILD/app/gui/gemmscope"; fi
      echo "setup: no NVIDIA GPU here, so the app opens the sample: runs measured on an H200, replayed"
      exec "$BUILD/app/gui/gemmscope" --sample
    elif [ "$gpu" = 0 ]; then
      echo "setup: no DISPLAY and no NVIDIA GPU: the GPU specs and ceilings this build knows; with a display,"
      echo "       '$BUILD/app/gui/gemmscope --sample' shows runs measured on an H200"
      exec "$BUILD/app/cli/gemmscope-cli" peaks
    else
      echo "setup: no DISPLAY, so running the CLI on the P9 seed problem"
      exec "$BUILD/app/cli/gemmscope-cli" run --problem p9 --family seed_tall_skinny
    fi ;;
  test)
    exec ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)" ;;
  *) echo "usage: $0 [run|test]" >&2; exit 2 ;;
esac
