#include "runner/counter_collection.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "model/launch_metrics.h"
#include "metrics/launch_record.h"
#include "model/metric_catalog.h"
#include "metrics/pm_sampler.h"
#include "metrics/range_profiler.h"
#include "model/counter_timeline.h"
#include "runner/cuda_check.h"

namespace gemmscope {

CounterCollection::CounterCollection(const GpuContext& gpu) : gpu_(gpu) {}
CounterCollection::~CounterCollection() = default;

void CounterCollection::collect(const RunOptions& o, const std::function<void()>& launch_once, const PassSetup& pass_setup,
                                RunResult& r) {
  const std::vector<std::string> wanted = o.metrics.empty() ? std::vector<std::string>{} : metric_set(o.metrics);
  if (unavailable_.empty()) record_launch(launch_once, pass_setup, r);
  for (const auto& [name, v] : launch_metrics(r, gpu_.spec()))
    if (std::find(wanted.begin(), wanted.end(), name) != wanted.end()) r.metrics[name] = v;
  if (r.block_size == 0 && std::find(wanted.begin(), wanted.end(), "launch__grid_size") != wanted.end())
    r.metrics_note += "launch__* metrics: no record of the launch (CUPTI's activity API was unavailable). ";

  if (o.timeline) sample_timeline(launch_once, pass_setup, r);
  const std::vector<std::string> counters = counter_metrics(wanted);
  if (counters.empty()) return;
  if (!unavailable_.empty()) {
    r.metrics_note += unavailable_;
    return;
  }
  try {
    if (!profiler_) profiler_ = std::make_unique<RangeProfiler>(gpu_.context(), gpu_.device());
    const CounterSample s = profiler_->collect(counters, launch_once, pass_setup);
    std::map<std::string, double> values = s.values;
    add_derived_metrics(values);
    for (const auto& [name, v] : values) {
      const MetricInfo* m = find_metric(name);
      const bool derived = m && m->source == MetricSource::Derived;
      r.metrics[name] = {v, m ? m->unit : "", derived ? "derived" : "cupti"};
    }
    char note[320];
    std::snprintf(note, sizeof note, "%s set: %d replay passes over %d kernel range(s), %.0f ms of profiling (not part of the timing)%s%s",
                  o.metrics.c_str(), s.passes, s.ranges, s.wall_ms, pass_setup.restore ? ", output re-poisoned" : "",
                  pass_setup.flush ? ", L2 flushed after each pass starts" : "");
    r.metrics_note += note;
  } catch (const CuptiUnavailable& e) {
    unavailable_ = std::string("hardware counters unavailable: ") + e.what();
    r.metrics_note += unavailable_;
    profiler_.reset();
  } catch (const std::exception& e) {
    r.metrics_note += std::string("hardware counters failed for this run: ") + e.what();
  }
}

void CounterCollection::sample_timeline(const std::function<void()>& launch_once, const PassSetup& pass_setup, RunResult& r) {
  if (!unavailable_.empty()) {
    r.timeline.note = unavailable_;
    return;
  }
  // CUPTI allows one profiling session per device: the range profiler is let go first (it is made
  // again, about 150 ms, when counters are next collected).
  profiler_.reset();
  try {
    PmSamplerOptions po;  // about 300 samples over the kernel, at least 10 us apart
    po.interval_ns = std::max<uint64_t>(10000, uint64_t(r.ms_median * 1e6 / 300));
    PmSampler sampler(gpu_.device(), timeline_metrics(), po);
    if (pass_setup.restore) pass_setup.restore();
    if (pass_setup.flush) pass_setup.flush();
    CU_CHECK(cuStreamSynchronize(gpu_.stream()), r.config_name + " before the sampled launch");
    sampler.start();
    // Idle margins on both sides, so the launch's first and last samples are seen whole.
    std::this_thread::sleep_for(std::chrono::microseconds(3 * po.interval_ns / 1000 + 1000));
    launch_once();
    CU_CHECK(cuStreamSynchronize(gpu_.stream()), r.config_name + " sampled launch");
    std::this_thread::sleep_for(std::chrono::microseconds(3 * po.interval_ns / 1000 + 1000));
    std::vector<TimelineSample> samples;
    for (auto& s : sampler.stop_and_decode()) samples.push_back({s.start_ns, s.end_ns, std::move(s.values)});
    r.timeline = make_timeline(samples, gpu_.spec());
  } catch (const CuptiUnavailable& e) {
    r.timeline.note = std::string("PM sampling unavailable: ") + e.what();
  } catch (const std::exception& e) {
    r.timeline.note = std::string("PM sampling failed for this run: ") + e.what();
  }
}

void CounterCollection::record_launch(const std::function<void()>& launch_once, const PassSetup& pass_setup, RunResult& r) {
  try {
    if (pass_setup.restore) pass_setup.restore();
    if (pass_setup.flush) pass_setup.flush();
    const std::vector<KernelLaunch> launches = record_launches([&] {
      launch_once();
      CU_CHECK(cuStreamSynchronize(gpu_.stream()), r.config_name + " recorded launch");
    });
    const KernelLaunch* main = main_launch(launches, r.grid_size, r.block_size);
    if (!main) {
      r.metrics_note += "launch record: CUPTI recorded no kernel. ";
      return;
    }
    r.launched_kernel = main->name;
    r.smem_config_bytes = main->smem_config_bytes;
    if (r.block_size == 0) {  // a library's kernel (cuBLAS): the record is all there is
      r.grid_size = main->grid_size;
      r.block_size = main->block_size;
      r.registers = main->registers;
      r.static_smem = main->static_smem;
      r.dynamic_smem = main->dynamic_smem;
      r.local_bytes = main->local_bytes_per_thread;
      r.metrics_note += "launch__* metrics describe " + main->name + ", the longest of the " +
                        std::to_string(launches.size()) + " kernel(s) cuBLAS launched. ";
    }
  } catch (const CudaError&) {
    throw;  // the context is gone: the engine reports it
  } catch (const std::exception& e) {
    r.metrics_note += std::string("launch record unavailable (shared-memory configuration estimated): ") + e.what() + ". ";
  }
}

}  // namespace gemmscope
