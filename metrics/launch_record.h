// What the driver actually launched, from CUPTI's activity records: the figures only the launch
// knows, above all the shared memory the driver configured per SM (the L1/shared carveout), which
// Nsight Compute's launch__shared_mem_config_size and launch__occupancy_limit_shared_mem report.
// On the H100 the driver configured 1.3-4x what the occupancy needs for 65 of 92 kernel configs
// (ncu, bench/results/smem-carveout-*.csv) with no rule we could fit; the record gives it exactly.
// It also names the kernels a library (cuBLAS) chose for itself.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gemmscope {

struct KernelLaunch {
  std::string name;  // mangled, as the driver knows it
  int64_t grid_size = 0, block_size = 0;
  int registers = 0;
  int64_t static_smem = 0, dynamic_smem = 0;
  int64_t smem_config_bytes = 0;   // shared memory per SM the driver configured for this launch
  int64_t local_bytes_per_thread = 0;
  double duration_ns = 0;
};

// Runs `work` once with CUPTI's concurrent-kernel activity enabled and returns its kernel launches
// in launch order. `work` must leave its kernels finished (synchronize). Throws std::runtime_error
// naming the CUPTI call that failed (e.g. another profiler holds CUPTI).
std::vector<KernelLaunch> record_launches(const std::function<void()>& work);

// The launch to describe a run by: the one matching the runner's own grid and block when given
// (> 0), else the longest. nullptr when `launches` is empty.
const KernelLaunch* main_launch(const std::vector<KernelLaunch>& launches, int64_t grid_size, int64_t block_size);

}  // namespace gemmscope
