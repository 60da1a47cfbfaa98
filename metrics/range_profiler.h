// Hardware counters for one launch sequence through the CUPTI Range Profiler (CUDA 13 API), and the
// host-only pass count of a metric set for a chip.
//
// Contract, from what was measured on the H100 (shared/notes/cupti-on-the-device.md):
//  - Kernel replay, auto ranges: each kernel launched inside launch_once is one range, replayed once per
//    pass with device memory saved and restored by CUPTI, so accumulating kernels stay correct.
//  - A range profiler keeps the first config set after cuptiRangeProfilerEnable, whatever later
//    SetConfig calls say (silently). collect() therefore disables and re-enables it whenever the metric
//    set changes (~130-160 ms); the same set again reuses it.
//  - Cost is passes: about 8 ms + passes x (11 ms + kernel time). Show the pass count to the user.
//  - gpu__time_duration.sum is always collected alongside the requested counters (it weights the
//    ranges below; it added no pass to any set measured) and is returned with them.
//
// Combining ranges, by the metric's rollup:
//  - names ending ".sum" (gpu__time_duration.sum included): summed over ranges;
//  - ".max" / ".min": the max / min over ranges;
//  - everything else (.avg, .pct_of_peak_*, .pct, .ratio, .per_second, ...): the mean over ranges
//    weighted by each range's gpu__time_duration.sum (a hit rate so combined is an approximation).
//
// Links libcupti and, for its run-time dlopen, libnvperf_host / libnvperf_target; never libcuda
// directly (CUPTI finds the driver itself), so a CPU-only binary using count_passes() loads without one.
#pragma once
#include <cuda.h>

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "metrics/cupti_check.h"

namespace gemmscope {

struct CounterSample {
  std::map<std::string, double> values;  // every requested counter metric, plus gpu__time_duration.sum
  int passes = 0;                        // replay passes per kernel
  double wall_ms = 0;                    // the whole collect() call: setup, replayed launches, decode
  double setup_ms = 0;                   // of which (re-)enable and config; 0 when the set was reused
  int ranges = 0;                        // kernels profiled (one range each)
};

// How each user-replay pass starts, so that every pass sees the state a timed launch sees. Measured
// on the H100 (docs/architecture.md): cuptiRangeProfilerStart itself leaves about 22 MB of dirty
// lines in L2, which the profiled kernel then pays to write back (P6 seed: 27 MB of DRAM writes
// instead of 3 MB), so an L2 flush only helps when it runs after Start.
struct PassSetup {
  std::function<void()> restore;  // before profiling starts, not profiled: e.g. re-poison the output
  std::function<void()> flush;    // after Start, right before launch_once: its kernels are profiled...
  int flush_kernels = 0;          // ...as this many leading ranges, which are dropped from the sample
  bool empty() const { return !restore && !flush; }
};

// One per CUDA context; not thread-safe. The context must be current on the thread calling collect().
class RangeProfiler {
 public:
  // Initialises CUPTI's profiler, checks the device supports it, reads the chip name and counter
  // availability and enables the range profiler on `ctx`. Throws CuptiUnavailable (no permission to
  // the counters, another profiler attached, unsupported GPU or configuration).
  explicit RangeProfiler(CUcontext ctx, CUdevice dev);
  ~RangeProfiler();
  RangeProfiler(const RangeProfiler&) = delete;
  RangeProfiler& operator=(const RangeProfiler&) = delete;

  // Profiles exactly one call of launch_once (which may launch several kernels, at most 64) and
  // returns every requested counter metric, ranges combined as documented above. Throws
  // std::invalid_argument naming any metric CUPTI refuses (Launch and Derived names included),
  // CuptiUnavailable for permission-like failures, std::runtime_error naming the CUPTI call and its
  // error otherwise. An exception from launch_once propagates after the profiler is stopped.
  // With a non-empty PassSetup the profiler uses user replay: per pass it calls setup.restore, starts
  // profiling, calls setup.flush and launch_once, and stops; launch_once must be repeatable.
  CounterSample collect(const std::vector<std::string>& counter_metrics, const std::function<void()>& launch_once,
                        const PassSetup& setup = {});

  const std::string& chip_name() const;  // "GH100", "AD102", ...

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Host side only, needs no GPU: builds the config image for a chip name ("GH100", "AD102") and returns
// its pass count (with gpu__time_duration.sum added, as collect() does). Throws std::invalid_argument
// naming any metric CUPTI refuses, or the chip when CUPTI does not know it.
int count_passes(const std::string& chip_name, const std::vector<std::string>& counter_metrics);

}  // namespace gemmscope
