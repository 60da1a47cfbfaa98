// gemmscope-scale-store: a synthetic results store of N runs for the scale benchmark (issue 16),
// made without a GPU. The runs look like real ones: the built-in families on both seed problems,
// sweeps of a few hundred points each, the seed counter set, times spread around each family's
// H200 figure. Each run is its own commit, as the app stores them (about 5700 runs/s here).
// So that every History filter has something to select: three device names (60/30/10 %), one run
// in a hundred tagged with one of four card versions (synthetic: the configs are built-in
// families'), and created_at two seconds apart from 2026-11-01 (a million runs span 23 days).
//   gemmscope-scale-store --runs N --out FILE.sqlite [--seed S]
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "controller/result_store.h"
#include "model/kernel_family.h"
#include "model/sweep_plan.h"

using namespace gemmscope;

int main(int argc, char** argv) {
  long long n = 0;
  std::string out;
  unsigned seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) n = std::atoll(argv[++i]);
    else if (a == "--out" && i + 1 < argc) out = argv[++i];
    else if (a == "--seed" && i + 1 < argc) seed = unsigned(std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: gemmscope-scale-store --runs N --out FILE.sqlite [--seed S]\n");
      return 2;
    }
  }
  if (n <= 0 || out.empty()) {
    std::fprintf(stderr, "gemmscope-scale-store: --runs must be positive and --out given\n");
    return 2;
  }
  const GpuSpec spec = *find_spec(load_gpu_specs(default_gpu_spec_dir()), "h200");
  // The points of every built-in family's default sweep on both problems: the configs to draw from.
  std::vector<KernelConfig> configs;
  for (const auto& f : families())
    for (const ProblemShape& shape : {problem_p9(), problem_p6()}) {
      SweepPlan plan;
      plan.base = f->defaults(shape);
      plan.axes = f->sweep_space(shape, spec);
      for (const auto& p : expand(plan, spec))
        if (p.valid()) configs.push_back(p.config);
    }
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    ResultStore store(out);
    store.remember_device(spec);
    for (long long i = 0; i < n; ++i) {
      const KernelConfig& c = configs[size_t(i) % configs.size()];
      RunResult r;
      r.config = c;
      r.config_name = config_name(c);
      const double pick = u(rng);
      r.device = pick < 0.6 ? spec.name : pick < 0.9 ? "NVIDIA H100 80GB HBM3" : "NVIDIA GeForce RTX 4090";
      if (i % 100 == 7) r.card_hash = "synthetic-card-v" + std::to_string((i / 100) % 4);
      r.arch = spec.arch();
      r.disposition = u(rng) < 0.97 ? Disposition::Passed : Disposition::LaunchError;
      r.reps = 20;
      r.ms_median = (c.shape == problem_p9() ? 2.0 : 1.5) * (1 + 3 * u(rng));
      r.ms_min = r.ms_median * 0.99, r.ms_max = r.ms_median * 1.02;
      r.tflops = c.shape.flops() / (r.ms_median * 1e-3) / 1e12;
      r.gbps = c.shape.min_bytes() / (r.ms_median * 1e-3) / 1e9;
      r.verify.checked = true;
      r.verify.rel_fro_error = 1e-7 * u(rng);
      r.registers = 64 + int(128 * u(rng));
      r.grid_size = 132 * (1 + int(8 * u(rng)));
      r.block_size = 256;
      r.occupancy_theoretical = 0.25;
      for (const auto& [name, unit] : {std::pair{"sm__throughput.avg.pct_of_peak_sustained_elapsed", "%"},
                                      {"sm__warps_active.avg.pct_of_peak_sustained_active", "%"},
                                      {"dram__throughput.avg.pct_of_peak_sustained_elapsed", "%"},
                                      {"lts__t_sector_hit_rate.pct", "%"}})
        r.metrics[name] = {100 * u(rng), unit, "cupti"};
      r.metrics["launch__grid_size"] = {double(r.grid_size), "block", "launch"};
      r.metrics_note = "seed set: 8 replay passes over 1 kernel range(s) (synthetic)";
      const std::time_t t = 1793491200 + std::time_t(2 * i);  // 2026-11-01T00:00:00Z
      std::tm tm{};
      gmtime_r(&t, &tm);
      char when[32];
      std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
      r.created_at = when;
      r.commit = "synthetic";
      store.insert(r, "scale-sweep-" + std::to_string(i / 500));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemmscope-scale-store: %s\n", e.what());
    return 1;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%lld runs in %.1f s (%.0f runs/s) into %s\n", n, s, double(n) / s, out.c_str());
  return 0;
}
