// Launch metrics: what Nsight Compute reports under launch__* (and the theoretical occupancy),
// taken from the runner's own record of the launch, since CUPTI's range profiler has no counter
// for them. Plain C++: the record and the spec are enough.
#pragma once
#include <map>
#include <string>
#include "model/gpu_spec.h"
#include "model/run_result.h"

namespace gemmscope {

// Every Launch-source metric of the catalog that the record supports, with source "launch".
// A cuBLAS run has no record of its kernels' launches, so it gets none.
std::map<std::string, MetricValue> launch_metrics(const RunResult&, const GpuSpec& running_gpu);

}  // namespace gemmscope
