// Measures the running GPU's ceilings (DRAM write/read/copy bandwidth, FP32 FMA rate, TF32
// mma.sync rate) with the kernels of kernels/measure_ceilings.cu: 1 GiB buffers (far beyond any
// L2), one warm-up, then the median of timed launches.
#pragma once
#include "model/gpu_spec.h"
#include "runner/gpu_context.h"
#include "runner/jit_compiler.h"

namespace gemmscope {

MeasuredCeilings measure_ceilings(const GpuContext&, const JitCompiler&);

}  // namespace gemmscope
