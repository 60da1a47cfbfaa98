#include "runner/counter_collection.h"

#include <algorithm>
#include <cstdio>

#include "metrics/launch_metrics.h"
#include "metrics/metric_catalog.h"
#include "metrics/range_profiler.h"

namespace gemmscope {

CounterCollection::CounterCollection(const GpuContext& gpu) : gpu_(gpu) {}
CounterCollection::~CounterCollection() = default;

void CounterCollection::collect(const RunOptions& o, const std::function<void()>& launch_once, const std::function<void()>& prepare_pass,
                                RunResult& r) {
  const std::vector<std::string> wanted = metric_set(o.metrics);
  for (const auto& [name, v] : launch_metrics(r, gpu_.spec()))
    if (std::find(wanted.begin(), wanted.end(), name) != wanted.end()) r.metrics[name] = v;
  if (r.block_size == 0 && std::find(wanted.begin(), wanted.end(), "launch__grid_size") != wanted.end())
    r.metrics_note = "launch__* metrics: cuBLAS chooses its own kernels, so the runner has no record of their launch. ";

  const std::vector<std::string> counters = counter_metrics(wanted);
  if (counters.empty()) return;
  if (!unavailable_.empty()) {
    r.metrics_note += unavailable_;
    return;
  }
  try {
    if (!profiler_) profiler_ = std::make_unique<RangeProfiler>(gpu_.context(), gpu_.device());
    const CounterSample s = profiler_->collect(counters, launch_once, prepare_pass);
    std::map<std::string, double> values = s.values;
    add_derived_metrics(values);
    for (const auto& [name, v] : values) {
      const MetricInfo* m = find_metric(name);
      const bool derived = m && m->source == MetricSource::Derived;
      r.metrics[name] = {v, m ? m->unit : "", derived ? "derived" : "cupti"};
    }
    char note[256];
    std::snprintf(note, sizeof note, "%s set: %d replay passes over %d kernel range(s), %.0f ms of profiling (not part of the timing)%s",
                  o.metrics.c_str(), s.passes, s.ranges, s.wall_ms, prepare_pass ? ", L2 flushed before each pass" : "");
    r.metrics_note += note;
  } catch (const CuptiUnavailable& e) {
    unavailable_ = std::string("hardware counters unavailable: ") + e.what();
    r.metrics_note += unavailable_;
    profiler_.reset();
  } catch (const std::exception& e) {
    r.metrics_note += std::string("hardware counters failed for this run: ") + e.what();
  }
}

}  // namespace gemmscope
