// The third opinion on a counter where gemmscope's range profiler and Nsight Compute disagree: the
// same launch, unreplayed, watched by CUPTI's PM sampler (metrics/pm_sampler.h), then profiled by
// gemmscope's range profiler in the same process and state.
//
// For each config the runner times and verifies as usual; then, in its counter hook, each repetition
// samples 3 ms idle, the pass setup (re-poison C, flush L2), 3 ms idle, one launch and 3 ms idle. The
// kernel is the last busy stretch (sm__cycles_active); its DRAM bytes are the samples summed over that
// stretch and one sample each side. Then the range profiler collects the same counters REPS times as
// gemmscope's runner does (user replay: re-poison, Start, flush, launch), and REPS times under CUPTI's
// kernel replay with no pass setup.
//   gemmscope-pm-check [--reps N] [--problem p9|p6|MxNxK --family NAME]...   (default: the two seeds)
// Prints one Markdown table; run it on the device (docs/device.md).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "metrics/pm_sampler.h"
#include "metrics/range_profiler.h"
#include "model/kernel_family.h"
#include "runner/cuda_check.h"
#include "runner/gpu_context.h"
#include "runner/jit_compiler.h"
#include "runner/run_engine.h"

using namespace gemmscope;

namespace {

const std::vector<std::string> kSampled = dram_sampling_metrics();
constexpr size_t kActivity = kDramSamplingActivity;

struct Case {
  std::string label, problem, family;
};

void idle(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string mb(double bytes) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", bytes / 1e6);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 3;
  std::vector<Case> cases;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc) {
      reps = std::atoi(argv[++i]);
    } else if (a == "--problem" && i + 3 < argc && std::strcmp(argv[i + 2], "--family") == 0) {
      cases.push_back({std::string(argv[i + 1]) + " " + argv[i + 3], argv[i + 1], argv[i + 3]});
      i += 3;
    } else {
      std::fprintf(stderr, "usage: %s [--reps N] [--problem P --family F]...\n", argv[0]);
      return 2;
    }
  }
  if (reps < 1) {
    std::fprintf(stderr, "--reps %d: must be at least 1\n", reps);
    return 2;
  }
  if (cases.empty()) cases = {{"P9 seed baseline", "p9", "seed_tall_skinny"}, {"P6 seed baseline", "p6", "seed_tiled"}};

  try {
    GpuContext gpu(0);
    JitCompiler jit(default_jit_cache_dir());
    RunEngine engine(gpu, jit);
    std::printf("| config | tool | run | dram__bytes_read.sum MB | dram__bytes_write.sum MB | lts__t_sectors_srcunit_tex.sum | "
                "kernel ms | idle background (read / write MB) |\n|---|---|---:|---:|---:|---:|---:|---|\n");
    for (const Case& c : cases) {
      const FamilyPtr family = find_family(c.family);
      if (!family) throw std::invalid_argument("unknown family '" + c.family + "'");
      const KernelConfig config = family->defaults(parse_problem(c.problem));
      engine.set_counter_hook([&](const RunOptions&, const std::function<void()>& launch_once, const PassSetup& setup,
                                  RunResult& r) {
        auto sync = [&] { CU_CHECK(cuCtxSynchronize(), c.label + " PM sampling check"); };
        PmSamplerOptions po;  // about 300 samples over the kernel, at least 10 us apart
        po.interval_ns = std::max<uint64_t>(10000, uint64_t(r.ms_median * 1e6 / 300));
        {
          PmSampler sampler(gpu.device(), kSampled, po);
          for (int rep = 0; rep < reps; ++rep) {
            sampler.start();
            idle(3);
            if (setup.restore) setup.restore();
            if (setup.flush) setup.flush();
            sync();
            idle(3);
            launch_once();
            sync();
            idle(3);
            const std::vector<PmSample> samples = sampler.stop_and_decode();
            const auto bursts = find_bursts(samples, kActivity);
            if (bursts.empty()) throw std::runtime_error(c.label + ": no busy samples among " + std::to_string(samples.size()));
            const BurstTotals t = integrate_burst(samples, bursts.back(), bursts);
            // Raw sums (what a profiler's range around the kernel sees, background included).
            std::printf("| %s | PM sampling, unreplayed | %d | %s | %s | %.4g | %.3f | %s / %s (%zu idle samples, %zu samples, %.0f us each) |\n",
                        c.label.c_str(), rep + 1, mb(t.totals[0] + t.background[0]).c_str(),
                        mb(t.totals[1] + t.background[1]).c_str(), t.totals[2] + t.background[2],
                        double(t.end_ns - t.start_ns) / 1e6, mb(t.background[0]).c_str(), mb(t.background[1]).c_str(),
                        t.idle_samples, samples.size(), double(po.interval_ns) / 1e3);
          }
        }
        // The runner's way (user replay behind the pass setup), then CUPTI's kernel replay with no setup.
        const std::vector<std::string> counted(kSampled.begin(), kSampled.begin() + kActivity);
        for (const bool user_replay : {true, false}) {
          RangeProfiler profiler(gpu.context(), gpu.device());
          for (int rep = 0; rep < reps; ++rep) {
            const CounterSample s = profiler.collect(counted, launch_once, user_replay ? setup : PassSetup{});
            std::printf("| %s | range profiler, %s | %d | %s | %s | %.4g | %.3f | |\n", c.label.c_str(),
                        user_replay ? "as gemmscope runs it" : "kernel replay, no re-poison or flush", rep + 1,
                        mb(s.values.at(kSampled[0])).c_str(), mb(s.values.at(kSampled[1])).c_str(), s.values.at(kSampled[2]),
                        s.values.at("gpu__time_duration.sum") / 1e6);
          }
        }
        std::fflush(stdout);
      });
      RunOptions o;
      o.reps = 5;
      o.metrics = "pm-check";  // any non-empty set: the hook above is what runs
      const RunResult r = engine.run(config, o);
      if (r.disposition != Disposition::Passed)
        std::fprintf(stderr, "%s: %s (%s) %s\n", c.label.c_str(), to_string(r.disposition).c_str(), r.reason.c_str(),
                     r.metrics_note.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemmscope-pm-check: %s\n", e.what());
    return 1;
  }
  return 0;
}
