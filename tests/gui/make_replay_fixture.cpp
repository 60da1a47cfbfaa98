// gemmscope-gui-fixture: writes a replay file (a JSON array of to_json(RunResult)) for the GUI
// tests and provisional screenshots: every config of each family's default sweep for both seed
// problems, with figures from a simple synthetic model of an H100. Not measurements: the replay
// runner marks every answer as replayed, and the device name says SYNTHETIC.
//   gemmscope-gui-fixture OUT.json
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "model/gpu_spec.h"
#include "model/kernel_family.h"
#include "model/occupancy.h"
#include "model/json_codec.h"
#include "model/validate.h"

using namespace gemmscope;

namespace {

// Deterministic jitter in [-1, 1] from a config name, so the heatmap is not too smooth.
double jitter(const std::string& name) {
  const size_t h = std::hash<std::string>{}(name);
  return double(h % 2001) / 1000.0 - 1.0;
}

RunResult synthesize(const KernelConfig& c, const GpuSpec& spec) {
  RunResult r;
  r.config = c;
  r.config_name = config_name(c);
  r.device = spec.name + " (synthetic)";
  r.arch = spec.arch();
  r.created_at = "2025-01-01T00:00:00Z";
  r.commit = "fixture";
  r.reps = 20;
  r.seed = 1234;
  const FamilyPtr f = find_family(c.family);
  const LaunchPlan plan = f->plan(c);
  auto param = [&](const char* name, int fallback) { return c.params.find(name).value_or(fallback); };
  const int block_m = param("block_m", 128), block_n = param("block_n", 128), block_k = param("block_k", 32);
  const int split_k = param("split_k", 1);
  const Precision precision = f->precision(c);
  const LaunchStep* k = plan.main_kernel();
  const int threads = k ? int(k->block.count()) : 256;
  const int64_t grid = k ? k->grid.count() : 132 * 4;
  const int acc = std::max(1, block_m * block_n / std::max(1, threads));
  r.registers = plan.uses_cublas ? 128 : std::min(255, (24 + acc + 7) / 8 * 8 + (c.family == "seed_tall_skinny" ? 0 : 16));
  r.static_smem = plan.uses_cublas ? 49152
                  : c.family == "seed_tall_skinny" ? int64_t(block_m + block_n) * 32 * 4
                                                   : int64_t(block_k) * (block_m + 1 + block_n) * 4;
  r.grid_size = grid;
  r.block_size = threads;
  const Occupancy occ = theoretical_occupancy(spec, threads, r.registers, r.static_smem);
  r.occupancy_blocks_per_sm = occ.blocks_per_sm;
  r.occupancy_theoretical = occ.fraction;

  const double flops = c.shape.flops(), min_bytes = c.shape.min_bytes();
  const double occ_factor = 0.35 + 0.65 * occ.fraction;
  const double slots = double(spec.sms) * std::max(1, occ.blocks_per_sm);
  const double waves = double(grid) / slots;
  const double wave_eff = waves >= 1 ? waves / std::ceil(waves) : waves;  // a partial last wave idles SMs
  double peak = precision == Precision::TF32 ? spec.tf32_tflops : spec.fp32_tflops;
  double compute_eff = plan.uses_cublas ? 0.7 : (0.12 + 0.5 * std::min(1.0, acc / 32.0)) * occ_factor;
  double mem_eff = plan.uses_cublas ? 0.85 : 0.3 + 0.55 * occ_factor;
  compute_eff *= std::clamp(wave_eff, 0.01, 1.0) * (1 + 0.08 * jitter(r.config_name));
  mem_eff *= std::min(1.0, 0.2 + wave_eff) * (1 + 0.08 * jitter(r.config_name + "m"));
  const double reread = 1.0 + 0.15 * std::fabs(jitter(r.config_name + "b"));  // L2 misses beyond compulsory traffic
  const double dram_bytes = min_bytes * reread;
  double seconds = std::max(flops / (peak * 1e12 * compute_eff), dram_bytes / (spec.dram_gbps * 1e9 * mem_eff));
  if (split_k > 1 && param("reduction", 0) == int(Reduction::TwoPass))
    seconds += double(split_k) * c.shape.m * c.shape.n * 8 / (spec.dram_gbps * 1e9 * 0.7);
  r.ms_median = seconds * 1e3;
  r.ms_min = r.ms_median * 0.98;
  r.ms_max = r.ms_median * 1.05;
  r.tflops = flops / seconds / 1e12;
  r.gbps = min_bytes / seconds / 1e9;

  r.verify.checked = true;
  r.verify.rel_fro_error = (precision == Precision::TF32 ? 4e-4 : 1.2e-7) * (1.5 + jitter(r.config_name + "e"));
  r.verify.max_abs_error = r.verify.rel_fro_error * 10;
  r.disposition = Disposition::Passed;
  // One config of each seed sweep verifies wrong, so failures show in the tables (red).
  if (r.config_name == "seed_tall_skinny_256x32_t64@p9" || r.config_name == "seed_tiled_32x32x32_t64@p6") {
    r.disposition = Disposition::Incorrect;
    r.verify.rel_fro_error = 3.1e-2;
    r.verify.mismatches = 40321;
    r.reason = "relative Frobenius error 3.1e-02 exceeds the FP32 bound 1e-05 (synthetic failure)";
  }

  const double t_ns = seconds * 1e9;
  auto metric = [&](const char* name, double v, const char* unit, const char* source = "cupti") {
    r.metrics[name] = MetricValue{v, unit, source};
  };
  metric("sm__throughput.avg.pct_of_peak_sustained_elapsed", std::min(98.0, 100.0 * r.tflops / peak * 1.25), "%");
  metric("launch__grid_size", double(grid), "block", "launch");
  metric("sm__warps_active.avg.pct_of_peak_sustained_active", 100.0 * occ.fraction * (0.8 + 0.1 * jitter(r.config_name + "o")), "%");
  metric("dram__throughput.avg.pct_of_peak_sustained_elapsed", std::min(97.0, 100.0 * dram_bytes / seconds / 1e9 / spec.dram_gbps), "%");
  metric("lts__t_sector_hit_rate.pct", 55 + 30 * jitter(r.config_name + "l"), "%");
  metric("dram__bytes_read.sum", dram_bytes - 4.0 * c.shape.m * c.shape.n, "byte");
  metric("dram__bytes_write.sum", 4.0 * c.shape.m * c.shape.n, "byte");
  metric("gpu__time_duration.sum", t_ns, "ns");
  return r;
}

// Every combination of a sweep space applied to the family's defaults.
void walk(const KernelConfig& base, const SweepSpace& space, size_t axis, std::vector<KernelConfig>& out) {
  if (axis == space.size()) {
    out.push_back(base);
    return;
  }
  for (int v : space[axis].second) {
    KernelConfig c = base;
    c.set(space[axis].first, v);
    walk(c, space, axis + 1, out);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: gemmscope-gui-fixture OUT.json\n";
    return 2;
  }
  GpuSpec spec = load_gpu_spec(default_gpu_spec_dir() + "/h100_sxm.json");
  std::vector<KernelConfig> configs;
  const std::pair<ProblemShape, std::vector<std::string>> plan[] = {
      {problem_p9(), {"seed_tall_skinny", "cublas"}}, {problem_p6(), {"seed_tiled", "splitk", "cublas"}}};
  for (const auto& [shape, fams] : plan)
    for (const auto& name : fams) {
      const FamilyPtr f = find_family(name);
      configs.push_back(f->defaults(shape));
      walk(f->defaults(shape), f->sweep_space(shape, spec), 0, configs);
    }
  nlohmann::json out = nlohmann::json::array();
  std::vector<std::string> seen;
  for (const auto& c : configs) {
    if (!validate(c, spec).ok()) continue;
    if (std::find(seen.begin(), seen.end(), config_name(c)) != seen.end()) continue;
    seen.push_back(config_name(c));
    out.push_back(to_json(synthesize(c, spec)));
  }
  std::ofstream(argv[1]) << out.dump(1) << "\n";
  std::cout << "gemmscope-gui-fixture: wrote " << out.size() << " synthetic results to " << argv[1] << "\n";
  return 0;
}
