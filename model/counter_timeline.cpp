#include "model/counter_timeline.h"

#include <algorithm>
#include <cstdio>

namespace gemmscope {

namespace {
enum Index { kElapsed, kActive, kWarps, kInst, kRead, kWrite, kCount };
constexpr int kSchedulersPerSm = 4;  // every SM since Volta issues from four schedulers
}  // namespace

const std::vector<std::string>& timeline_metrics() {
  static const std::vector<std::string> m = {"sm__cycles_elapsed.avg", "sm__cycles_active.avg", "sm__warps_active.avg",
                                             "sm__inst_executed.avg", "dram__bytes_read.sum",   "dram__bytes_write.sum"};
  return m;
}

CounterTimeline make_timeline(const std::vector<TimelineSample>& all, const GpuSpec& g) {
  CounterTimeline t;
  // The first sample after start() can span everything since the sampler last ran (measured on the
  // H200: 650 ms against 10 us for the rest): samples far wider than the typical one are dropped.
  std::vector<uint64_t> widths;
  for (const auto& s : all) widths.push_back(s.end_ns - s.start_ns);
  std::vector<uint64_t> sorted = widths;
  std::sort(sorted.begin(), sorted.end());
  const uint64_t typical = sorted.empty() ? 0 : sorted[sorted.size() / 2];
  std::vector<TimelineSample> samples;
  for (size_t i = 0; i < all.size(); ++i)
    if (widths[i] <= 4 * typical) samples.push_back(all[i]);
  size_t first = samples.size(), last = 0;
  double peak_active = 0;
  for (const auto& s : samples)
    if (s.values.size() >= kCount) peak_active = std::max(peak_active, s.values[kActive]);
  for (size_t i = 0; i < samples.size(); ++i)
    if (samples[i].values.size() >= kCount && samples[i].values[kActive] > 0.1 * peak_active && peak_active > 0) {
      first = std::min(first, i);
      last = i;
    }
  if (first > last || first == samples.size()) {
    t.note = "no sample saw the SMs busy (" + std::to_string(samples.size()) + " samples)";
    return t;
  }
  first = first > 0 ? first - 1 : first;
  last = std::min(samples.size() - 1, last + 1);
  const uint64_t origin = samples[first + (first + 1 <= last ? 1 : 0)].start_ns;
  TimelineCurve busy{"SM busy", "sm__cycles_active.avg / sm__cycles_elapsed.avg", {}};
  TimelineCurve issue{"issue throughput", "sm__inst_executed.avg / (4 x sm__cycles_elapsed.avg)", {}};
  TimelineCurve occ{"achieved occupancy", "sm__warps_active.avg / (max warps x sm__cycles_active.avg)", {}};
  TimelineCurve dram{"DRAM bandwidth", "(dram__bytes_read.sum + dram__bytes_write.sum) / interval / datasheet GB/s", {}};
  double sum_us = 0;
  for (size_t i = first; i <= last; ++i) {
    const auto& s = samples[i];
    const double ns = double(s.end_ns - s.start_ns);
    const double elapsed = s.values[kElapsed], active = s.values[kActive];
    t.t_us.push_back((double(s.start_ns + s.end_ns) / 2 - double(origin)) / 1e3);
    sum_us += ns / 1e3;
    busy.pct.push_back(elapsed > 0 ? std::clamp(100 * active / elapsed, 0.0, 100.0) : 0);
    issue.pct.push_back(elapsed > 0 ? std::clamp(100 * s.values[kInst] / (kSchedulersPerSm * elapsed), 0.0, 100.0) : 0);
    occ.pct.push_back(active > 0 && g.max_warps_per_sm > 0 ? std::clamp(100 * s.values[kWarps] / (g.max_warps_per_sm * active), 0.0, 100.0) : 0);
    dram.pct.push_back(ns > 0 && g.dram_gbps > 0 ? std::clamp(100 * (s.values[kRead] + s.values[kWrite]) / ns / g.dram_gbps, 0.0, 100.0) : 0);
  }
  t.curves = {busy, issue, occ, dram};
  t.interval_us = sum_us / double(t.t_us.size());
  char note[160];
  std::snprintf(note, sizeof note, "CUPTI PM sampling: %zu samples of %.1f us over one unreplayed launch%s", t.t_us.size(), t.interval_us,
                samples.size() < all.size() ? " (an over-long first sample dropped)" : "");
  t.note = note;
  return t;
}

}  // namespace gemmscope
