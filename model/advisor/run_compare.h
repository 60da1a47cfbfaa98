// Two runs counter by counter, as Nsight Compute's baseline view shows them: every figure either
// run has, side by side with the difference, the ones that moved most first.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/gpu_spec.h"
#include "model/run_result.h"

namespace gemmscope {

struct MetricDelta {
  std::string metric, label, unit;
  std::optional<double> baseline, current;  // absent where that run lacks the figure
  double difference() const { return baseline && current ? *current - *baseline : 0; }
  // Relative change, current over baseline minus one; 0 where either is missing or the baseline is 0.
  double relative() const;
};

// The run's figures (time, rates, error, registers, shared memory, occupancy), its launch
// metrics on its own GPU and every counter; sorted by |relative change|, figures missing on
// one side last.
std::vector<MetricDelta> compare_runs(const RunResult& baseline, const GpuSpec& baseline_gpu, const RunResult& current,
                                      const GpuSpec& current_gpu);
// The `n` that moved most, as "sm__throughput... 37.4 -> 71.2 % (+90%)".
std::vector<std::string> moved_most(const std::vector<MetricDelta>&, size_t n);

}  // namespace gemmscope
