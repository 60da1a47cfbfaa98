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
  // Blocks that fit the shared memory configured per SM (Nsight Compute's
  // launch__occupancy_limit_shared_mem), and that configuration (launch__shared_mem_config_size).
  int limit_by_smem = 0;
  long long smem_config_bytes = 0;
  bool smem_config_estimated = true;  // false when the caller passed the driver's own choice
  std::string limiter;             // "registers", "shared memory", "warps", "blocks"
};

// threads per block, registers per thread, shared memory per block (static + dynamic), bytes.
// smem_config_bytes: the carveout the driver configured for the launch (CUPTI's launch record), when
// known. Otherwise it is estimated as the smallest carveout that keeps the occupancy the other limits
// allow (or, when shared memory holds fewer blocks, the smallest that holds those). Over 92 kernel
// configs on the H100 (ncu) the driver configured exactly that for 27 and 1.3-4x it for 65, and
// blocks_per_sm came out the same in all 92; only limit_by_smem reads higher than estimated.
Occupancy theoretical_occupancy(const GpuSpec&, int threads, int registers, long long smem_bytes,
                                long long smem_config_bytes = 0);

}  // namespace gemmscope
