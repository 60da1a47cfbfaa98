// CounterTimeline: hardware counters over one launch's duration (CUPTI PM sampling in the
// runner), turned into the curves the Live panel draws: SM busy, issue throughput, achieved
// occupancy and DRAM bandwidth, each in % of its peak. A tail effect or a slow start is seen,
// not inferred. Plain C++: the runner hands the samples over, this file reads them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/gpu_spec.h"

namespace gemmscope {

// One sample as the PM sampler decoded it: its GPU-time interval and the value of each metric
// over it (counts, or per-SM averages for .avg metrics), in timeline_metrics() order.
struct TimelineSample {
  uint64_t start_ns = 0, end_ns = 0;
  std::vector<double> values;
};

struct TimelineCurve {
  std::string label;          // "SM busy"
  std::string metric;         // what it is computed from, by Nsight Compute names
  std::vector<double> pct;    // one value per sample, 0-100
};

struct CounterTimeline {
  std::vector<double> t_us;   // each sample's midpoint, from the launch's first busy sample
  std::vector<TimelineCurve> curves;
  double interval_us = 0;
  std::string note;           // what was sampled, or why there is no timeline
  bool empty() const { return t_us.empty(); }
};

// The counters sampled (one pass on GH100 and AD102): elapsed and active SM cycles, active
// warps and issued instructions per SM, DRAM bytes read and written.
const std::vector<std::string>& timeline_metrics();

// The curves over the launch: the samples from the first to the last whose SMs were active
// (one idle sample kept on each side), t = 0 at the first busy sample. `values` in
// timeline_metrics() order; an empty result with a note when no sample was busy.
CounterTimeline make_timeline(const std::vector<TimelineSample>&, const GpuSpec&);

}  // namespace gemmscope
