// Theoretical occupancy by the CUDA occupancy calculator's rules, for any GpuSpec.
#pragma once
#include <string>
#include "gpu_spec.h"

namespace gemmscope {

struct Occupancy {
  int blocks_per_sm = 0;
  int warps_per_sm = 0;
  double fraction = 0;             // active warps / max warps
  int limit_by_warps = 0, limit_by_regs = 0, limit_by_blocks = 0;
  // Blocks that fit the shared memory the driver configures: the smallest carveout that keeps
  // the occupancy the other limits allow (as Nsight Compute's launch__occupancy_limit_shared_mem).
  int limit_by_smem = 0;
  long long smem_config_bytes = 0;
  std::string limiter;             // "registers", "shared memory", "warps", "blocks"
};

// threads per block, registers per thread, shared memory per block (static + dynamic), bytes.
Occupancy theoretical_occupancy(const GpuSpec&, int threads, int registers, long long smem_bytes);

}  // namespace gemmscope
