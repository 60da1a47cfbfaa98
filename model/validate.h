// validate(): the one validity check the UI, CLI, sweep planner and JIT all use.
#pragma once
#include "config_error.h"
#include "gpu_spec.h"
#include "kernel_config.h"

namespace gemmscope {

// Resources read back from a compiled kernel.
struct KernelResources {
  int registers = 0;            // per thread
  int64_t static_smem = 0;      // bytes
  int64_t local_bytes = 0;      // spills and stack, per thread
  int max_threads = 0;          // the kernel's own limit (launch bounds), 0 if none
};

// Shape, family, parameter choices, the family's rules and the spec's launch limits
// (threads, shared memory, grid). Registers are checked after compilation.
Check validate(const KernelConfig&, const GpuSpec&);
// After JIT: registers x threads against the register file, total shared memory per block.
Check validate_resources(const KernelConfig&, const KernelResources&, int64_t dynamic_smem, const GpuSpec&);

}  // namespace gemmscope
