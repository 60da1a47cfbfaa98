// CounterCollection: the runner's counter pass. After a config has been timed and verified, it
// replays one launch sequence under CUPTI's range profiler (never during the timed launches)
// and adds the chosen metric set, by Nsight Compute name, to the result.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include "metrics/range_profiler.h"
#include "model/run_options.h"
#include "model/run_result.h"
#include "runner/gpu_context.h"

namespace gemmscope {

class CounterCollection {
 public:
  explicit CounterCollection(const GpuContext& gpu);
  ~CounterCollection();
  // Fills r.metrics (sources "cupti", "launch", "derived") and r.metrics_note (passes and cost,
  // or why counters are missing and how to enable them). Never throws for CUPTI trouble: the
  // run keeps its timing and verification.
  // pass_setup (may be empty: kernel replay) starts every replay pass; see PassSetup.
  void collect(const RunOptions&, const std::function<void()>& launch_once, const PassSetup& pass_setup, RunResult& r);

 private:
  // One extra launch under CUPTI's activity API: the driver's shared-memory configuration, and for
  // cuBLAS runs the grid, block and resources of the kernel it chose.
  void record_launch(const std::function<void()>& launch_once, const PassSetup& pass_setup, RunResult& r);
  // With RunOptions::timeline: one more launch, unreplayed, under CUPTI's PM sampler (r.timeline).
  void sample_timeline(const std::function<void()>& launch_once, const PassSetup& pass_setup, RunResult& r);

  const GpuContext& gpu_;
  std::unique_ptr<RangeProfiler> profiler_;
  std::string unavailable_;  // set once CUPTI refused for good
};

}  // namespace gemmscope
