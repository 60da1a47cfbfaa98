// Hardware counters sampled over time with CUPTI's PM sampling API (cupti_pmsampling.h): no replay,
// no serialisation, the kernels run exactly as in a timed launch. One pass only, so a metric set must
// fit in one pass; Nsight Compute's PM sampling section uses the same mechanism.
//
// gemmscope uses it as the third opinion where the range profiler and Nsight Compute disagree: each
// of those two profiles a launch its own way, a sample series shows what an unprofiled launch does
// (bench/experiments/pm_sampling_check.cpp). Measured on the H100 (shared/notes/cupti-on-the-device.md):
// decoding while kernels run slows them by 7-39 %, so samples are decoded after stop().
#pragma once
#include <cuda.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "metrics/cupti_check.h"

namespace gemmscope {

struct PmSample {
  uint64_t start_ns = 0, end_ns = 0;  // GPU timestamps of the sample's interval
  std::vector<double> values;         // in the sampler's metric order
};

struct PmSamplerOptions {
  uint64_t interval_ns = 20000;                   // one sample per 20 us of GPU time
  size_t hardware_buffer_bytes = size_t(256) << 20;  // raw records between start() and stop()
  uint32_t max_samples = 20000;                   // decoded samples kept per start()/stop()
};

// Samples `metrics` on one device. Not thread-safe; one per device at a time, and not while a range
// profiler is enabled in the process (CUPTI allows one profiling session per device).
class PmSampler {
 public:
  // Throws CuptiUnavailable (no permission, another profiler attached, unsupported GPU),
  // std::invalid_argument naming each metric CUPTI refuses or a set needing more than one pass.
  PmSampler(CUdevice dev, std::vector<std::string> metrics, PmSamplerOptions options = {});
  ~PmSampler();
  PmSampler(const PmSampler&) = delete;
  PmSampler& operator=(const PmSampler&) = delete;

  const std::vector<std::string>& metrics() const;
  void start();                          // a fresh series
  std::vector<PmSample> stop_and_decode();  // every completed sample since start(); throws on overflow

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// DRAM bytes read and written, L2 sectors the SMs requested, and last sm__cycles_active.avg, which
// marks when the SMs are busy (find_bursts). One pass for PM sampling on GH100 and AD102 (tested).
std::vector<std::string> dram_sampling_metrics();
constexpr size_t kDramSamplingActivity = 3;  // index of sm__cycles_active.avg in that list

// [SECTION] Reading a series (pure, tested without a GPU)

// Maximal runs [first, last] of samples whose `activity` value is above `threshold_fraction` of
// the series' largest: the GPU's busy stretches, separated by idle samples.
std::vector<std::pair<size_t, size_t>> find_bursts(const std::vector<PmSample>& samples, size_t activity,
                                                   double threshold_fraction = 0.05);

struct BurstTotals {
  uint64_t start_ns = 0, end_ns = 0;  // of the window summed: the burst and one sample each side
  std::vector<double> totals;         // per metric: summed over the window, minus `background`
  std::vector<double> background;     // per metric: the idle rate times the window's length
  size_t idle_samples = 0;            // the samples the idle rate comes from
};

// Sums every metric over the burst plus one sample on each side (where its edges fall), and takes
// off what the GPU does when idle: the rate over samples at least two away from every burst, times
// the window's length. Throws std::invalid_argument when `burst` is not in `samples`.
BurstTotals integrate_burst(const std::vector<PmSample>& samples, std::pair<size_t, size_t> burst,
                            const std::vector<std::pair<size_t, size_t>>& all_bursts);

}  // namespace gemmscope
