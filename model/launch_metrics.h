// Launch metrics: what Nsight Compute reports under launch__* (and the theoretical occupancy),
// taken from the record of the launch, since CUPTI's range profiler has no counter for them.
// Plain C++: the record and the spec are enough.
#pragma once
#include <map>
#include <string>
#include "model/gpu_spec.h"
#include "model/run_result.h"

namespace gemmscope {

// Every Launch-source metric of the catalog that the record supports, with source "launch".
// The shared-memory configuration and the limits that depend on it come from the driver's own
// choice when the run recorded it (r.smem_config_bytes), else from the occupancy model's estimate,
// with source "model". A run with no launch record (block_size 0) gets none.
std::map<std::string, MetricValue> launch_metrics(const RunResult&, const GpuSpec& running_gpu);

}  // namespace gemmscope
