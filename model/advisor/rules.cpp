#include "model/advisor/rules.h"

#include "model/text_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "model/kernel_family.h"
#include "model/launch_metrics.h"
#include "model/roofline.h"
#include "model/run_roofline.h"

namespace gemmscope {

namespace {


constexpr const char* kSm = "sm__throughput.avg.pct_of_peak_sustained_elapsed";
constexpr const char* kDram = "dram__throughput.avg.pct_of_peak_sustained_elapsed";
constexpr const char* kAchieved = "sm__warps_active.avg.pct_of_peak_sustained_active";
constexpr const char* kTheoretical = "sm__maximum_warps_per_active_cycle_pct";
constexpr const char* kL2Hit = "lts__t_sector_hit_rate.pct";
constexpr const char* kFma = "sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active";
constexpr const char* kTensor = "sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active";
constexpr const char* kGrid = "launch__grid_size";
constexpr const char* kWaves = "launch__waves_per_multiprocessor";

std::optional<double> metric(const RunResult& r, const char* name) {
  auto it = r.metrics.find(name);
  if (it == r.metrics.end() || !std::isfinite(it->second.value)) return std::nullopt;
  return it->second.value;
}

// The estimate a rule may state: its model's figure, at least 1, never past the floor, and never
// past the throughput headroom unless the fix raises a ceiling (`raises_ceiling`).
void bound_estimate(Finding& f, const RunFacts& x, double model, const std::string& basis, bool raises_ceiling = false,
                    double floor_seconds = 0) {
  f.rank_impact = std::max(1.0, model);
  if (x.seconds <= 0) {
    f.estimate_basis = basis + "; no time measured, so no estimate";
    return;
  }
  double cap = std::numeric_limits<double>::infinity();
  std::string capped_by;
  const double floor = floor_seconds > 0 ? floor_seconds : x.floor_seconds;
  if (floor > 0) cap = x.seconds / floor, capped_by = "the physical floor (" + format_number("%.3f ms", floor * 1e3) + ")";
  if (!raises_ceiling && x.headroom() > 0 && x.headroom() < cap) cap = x.headroom(), capped_by = "the SM/DRAM throughput headroom";
  double e = std::max(1.0, model);
  std::string b = basis;
  if (e > cap) e = std::max(1.0, cap), b += "; capped by " + capped_by;
  f.estimated_speedup = e;
  f.estimate_basis = b;
}

Finding make(std::string id, Stage stage, FindingClass kind, std::string title, std::string detail) {
  Finding f;
  f.id = std::move(id);
  f.stage = stage;
  f.kind = kind;
  f.title = std::move(title);
  f.detail = std::move(detail);
  return f;
}

bool family_has(const RunResult& r, ParamRole role) {
  const FamilyPtr f = find_family(r.config.family);
  return f && find_role(f->params(), role);
}

}  // namespace

std::string to_string(Stage s) {
  switch (s) {
    case Stage::TileSizes: return "tile sizes";
    case Stage::GridParallelism: return "grid layout and parallelism";
    case Stage::MemoryAccess: return "memory access";
    case Stage::Pipelining: return "pipelining (stages and warps)";
    case Stage::Precision: return "precision (tensor cores, TF32, 3xTF32)";
    case Stage::Done: return "at the floor";
  }
  return "?";
}

std::string stage_key(Stage s) {
  switch (s) {
    case Stage::TileSizes: return "tile_sizes";
    case Stage::GridParallelism: return "grid_parallelism";
    case Stage::MemoryAccess: return "memory_access";
    case Stage::Pipelining: return "pipelining";
    case Stage::Precision: return "precision";
    case Stage::Done: return "done";
  }
  return "?";
}

std::string MetricCheck::text() const {
  auto show = [&](double v) {
    if (std::fabs(v) >= 1e6 || (std::fabs(v) < 0.01 && v != 0)) return format_number("%.3g", v);
    if (v == std::floor(v)) return format_number("%.0f", v);
    return format_number("%.2f", v);
  };
  const std::string u = unit.empty() ? "" : (unit == "%" ? "%" : " " + unit);
  return metric + " " + show(value) + u + " " + op + " " + show(threshold) + u;
}

double RunFacts::headroom() const {
  double busiest = 0;
  if (sm_pct) busiest = std::max(busiest, *sm_pct);
  if (dram_pct) busiest = std::max(busiest, *dram_pct);
  return busiest > 0 ? 100.0 / busiest : 0;
}

RunFacts run_facts(const RunResult& r, const GpuSpec& g) {
  RunFacts x;
  x.precision = run_precision(r);
  x.sms = g.sms;
  if (r.reps > 0 && r.ms_median > 0) x.seconds = r.ms_median * 1e-3;
  else if (auto d = metric(r, "gpu__time_duration.sum"); d && *d > 0) x.seconds = *d * 1e-9;
  if (r.config.shape.m > 0) {
    x.floor_seconds = physical_floor(r.config.shape, g, x.precision).seconds();
    x.compulsory_bytes = r.config.shape.min_bytes();
  }
  // The launch record first (it is what ran), then the counters' copy of it.
  x.grid = r.grid_size > 0 ? r.grid_size : int64_t(metric(r, kGrid).value_or(0));
  if (r.block_size > 0 && r.registers > 0) {
    x.occupancy = theoretical_occupancy(g, int(r.block_size), r.registers, r.static_smem + r.dynamic_smem, r.smem_config_bytes);
    x.blocks_per_sm = x.occupancy->blocks_per_sm;
    x.theoretical_pct = 100.0 * x.occupancy->fraction;
  } else if (auto t = metric(r, kTheoretical)) {
    x.theoretical_pct = *t;
  }
  if (x.blocks_per_sm > 0 && x.grid > 0 && g.sms > 0) x.waves = double(x.grid) / (double(x.blocks_per_sm) * g.sms);
  else if (auto w = metric(r, kWaves)) x.waves = *w;
  x.achieved_pct = metric(r, kAchieved);
  x.sm_pct = metric(r, kSm);
  x.dram_pct = metric(r, kDram);
  x.l2_hit_pct = metric(r, kL2Hit);
  x.fma_pct = metric(r, kFma);
  x.tensor_pct = metric(r, kTensor);
  const auto rd = metric(r, "dram__bytes_read.sum"), wr = metric(r, "dram__bytes_write.sum");
  if (rd && wr) x.dram_bytes = *rd + *wr;
  else if (auto b = metric(r, "gemmscope__dram_bytes")) x.dram_bytes = *b;
  x.local_bytes = r.local_bytes;
  x.fails_allclose = r.disposition == Disposition::Incorrect || (r.verify.checked && !r.verify.allclose());
  return x;
}

void rank_findings(std::vector<Finding>& v) {
  std::stable_sort(v.begin(), v.end(), [](const Finding& a, const Finding& b) {
    if (a.kind != b.kind) return int(a.kind) < int(b.kind);
    const double ea = a.estimated_speedup > 0 ? a.estimated_speedup : a.rank_impact;
    const double eb = b.estimated_speedup > 0 ? b.estimated_speedup : b.rank_impact;
    if (std::fabs(ea - eb) > 0.02) return ea > eb;
    return int(a.stage) < int(b.stage);
  });
}

RuleReport evaluate_rules(const RunResult& r, const GpuSpec& g, const RuleThresholds& t) {
  const RunFacts x = run_facts(r, g);
  RuleReport out;
  auto& F = out.findings;
  auto skip = [&](const char* rule, std::vector<std::string> missing) { out.skipped.push_back({rule, std::move(missing)}); };

  // [SECTION] Correctness, and the floor
  if (x.fails_allclose) {
    Finding f = make("fails_allclose", Stage::Precision, FindingClass::Correctness,
                     "Fails allclose(atol=1e-4, rtol=1e-4) against FP32: " + std::to_string(r.verify.mismatches) +
                         " elements out (rel. Frobenius error " + format_number("%.3g", r.verify.rel_fro_error) + ")",
                     x.precision == Precision::TF32
                         ? "Plain TF32 keeps 10 mantissa bits; P9 and P6 fail the KernelBench check with it. 3xTF32 (split each "
                           "operand into a big and a small TF32 part) restores FP32-level error on the tensor cores."
                         : "The result is wrong beyond rounding: check the kernel's indexing, masking and reduction.");
    f.checks.push_back({"elements outside allclose", double(r.verify.mismatches), ">", 0, ""});
    F.push_back(f);
  }
  const bool at_floor = x.seconds > 0 && x.floor_seconds > 0 && x.seconds <= t.near_floor * x.floor_seconds;
  if (x.seconds > 0 && x.floor_seconds > 0 && !x.fails_allclose) {
    if (at_floor) {
      Finding f = make("near_floor", Stage::Done, FindingClass::Correctness,
                       "Within " + format_number("%.1f%%", 100 * (x.seconds / x.floor_seconds - 1)) + " of the physical floor (" +
                           format_number("%.3f ms", x.floor_seconds * 1e3) + "): stop tuning",
                       "No config of any kernel runs much below the floor: the compulsory bytes at the measured bandwidth, or the "
                       "FLOPs at the precision's measured rate.");
      f.checks.push_back({"time / floor", x.seconds / x.floor_seconds, "<=", t.near_floor, "x"});
      f.estimated_speedup = x.seconds / x.floor_seconds;
      f.estimate_basis = "time over the physical floor";
      F.push_back(f);
    }
  } else if (x.seconds <= 0) {
    skip("near_floor", {"time"});
  }

  // [SECTION] Grid and waves
  bool idle_sms = false;
  if (x.grid > 0 && x.sms > 0) {
    if (x.grid < x.sms) {
      idle_sms = true;
      Finding f = make("grid_too_small", Stage::GridParallelism, FindingClass::RootCause,
                       std::to_string(x.grid) + " blocks for " + std::to_string(x.sms) + " SMs: " + std::to_string(x.sms - x.grid) +
                           " SMs stay idle",
                       "The grid is below one wave. Give the GPU more independent work first: split K over a third grid axis "
                       "(split-K), or more output tiles, before shrinking tiles for their own sake.");
      f.checks.push_back({kGrid, double(x.grid), "<", double(x.sms), "block"});
      bound_estimate(f, x, double(x.sms) / double(x.grid), "work spread over every SM", true);
      F.push_back(f);
    } else if (x.waves > 0 && x.waves < 1) {
      Finding f = make("grid_too_small", Stage::GridParallelism, FindingClass::Opportunity,
                       "The grid fills " + format_number("%.2f", x.waves) + " of one wave (" + std::to_string(x.grid) + " blocks, " +
                           std::to_string(x.blocks_per_sm) + " fit per SM)",
                       "Every SM has work but fewer blocks than it could hold: more blocks (split-K, smaller tiles) raise the warps "
                       "each SM can switch between.");
      f.checks.push_back({kWaves, x.waves, "<", 1, "wave"});
      bound_estimate(f, x, 1.0 / x.waves, "occupancy the SMs could hold");
      F.push_back(f);
    } else if (x.waves >= 1 && x.waves < t.tail_max_waves) {
      const double full = std::ceil(x.waves - 1e-9);
      const double efficiency = x.waves / full;
      if (efficiency < t.tail_efficiency) {
        Finding f = make("tail_effect", Stage::GridParallelism, FindingClass::Opportunity,
                         format_number("%.2f", x.waves) + " waves: the last one runs " + format_number("%.0f%%", 100 * (x.waves - (full - 1))) +
                             " full, so " + format_number("%.0f%%", 100 * (1 - efficiency)) + " of the SM time in " + format_number("%.0f", full) +
                             " waves idles",
                         "Pick a block count that is a whole number of waves (split-K counts or tile sizes that fill them), or "
                         "enough waves that the tail is small.");
        f.checks.push_back({kWaves + std::string(" / ceil"), efficiency, "<", t.tail_efficiency, ""});
        bound_estimate(f, x, 1.0 / efficiency, "the idle share of the last wave");
        F.push_back(f);
      }
    }
  } else {
    skip("grid_too_small", {kGrid});
  }

  // [SECTION] Occupancy
  if (x.theoretical_pct && *x.theoretical_pct < t.occupancy_target_pct && x.occupancy) {
    const Occupancy& o = *x.occupancy;
    const bool smem = o.limiter == "shared memory";
    Finding f = make("theoretical_occupancy_low", smem && family_has(r, ParamRole::Stages) ? Stage::Pipelining : Stage::TileSizes,
                     FindingClass::Opportunity,
                     "Theoretical occupancy " + format_number("%.1f%%", *x.theoretical_pct) + " (" + std::to_string(o.blocks_per_sm) +
                         " blocks/SM), limited by " + o.limiter,
                     o.limiter == "registers"
                         ? std::to_string(r.registers) + " registers a thread allow " + std::to_string(o.limit_by_regs) +
                               " blocks per SM: a smaller register tile per thread, or more threads for the same tile, frees them."
                     : smem ? std::to_string(r.static_smem + r.dynamic_smem) + " B of shared memory a block allow " +
                                  std::to_string(o.limit_by_smem) + " blocks per SM: fewer pipeline stages or a smaller K tile."
                     : o.limiter == "warps" ? "Blocks of " + std::to_string(r.block_size) + " threads leave warps unused: smaller blocks fit more."
                                            : "The SM's block limit is reached with small blocks: more threads per block.");
    f.checks.push_back({kTheoretical, *x.theoretical_pct, "<", t.occupancy_target_pct, "%"});
    if (o.limiter == "registers") f.checks.push_back({"launch__registers_per_thread", double(r.registers), ">", 0, "register/thread"});
    const double model = x.achieved_pct && *x.achieved_pct > 0 ? t.occupancy_target_pct / *x.achieved_pct
                                                                 : t.occupancy_target_pct / *x.theoretical_pct;
    bound_estimate(f, x, model, "more warps to hide latency, up to the target occupancy");
    F.push_back(f);
  } else if (x.theoretical_pct && *x.theoretical_pct < t.occupancy_target_pct) {
    // The counters' figure without the launch record (an imported ncu set): the limiter is unknown.
    Finding f = make("theoretical_occupancy_low", Stage::TileSizes, FindingClass::Opportunity,
                     "Theoretical occupancy " + format_number("%.1f%%", *x.theoretical_pct) + " (limiter unknown: no launch record)",
                     "Registers, shared memory or the block size hold the warps per SM down; run it here to read which.");
    f.checks.push_back({kTheoretical, *x.theoretical_pct, "<", t.occupancy_target_pct, "%"});
    bound_estimate(f, x, t.occupancy_target_pct / *x.theoretical_pct, "more warps to hide latency, up to the target occupancy");
    F.push_back(f);
  } else if (!x.theoretical_pct && x.achieved_pct && *x.achieved_pct < t.occupancy_target_pct && !idle_sms) {
    Finding f = make("occupancy_low", Stage::TileSizes, FindingClass::Opportunity,
                     "Achieved occupancy " + format_number("%.1f%%", *x.achieved_pct) + ", below the " + format_number("%.0f%%", t.occupancy_target_pct) +
                         " target",
                     "Few warps per SM are resident: the tile's registers or shared memory, or the block size, limit them. Without "
                     "the launch record the limiter is unknown; run it here to read it.");
    f.checks.push_back({kAchieved, *x.achieved_pct, "<", t.occupancy_target_pct, "%"});
    bound_estimate(f, x, t.occupancy_target_pct / std::max(1.0, *x.achieved_pct), "more warps to hide latency, up to the target");
    F.push_back(f);
  } else if (!x.theoretical_pct && !x.achieved_pct) {
    skip("theoretical_occupancy_low", {kTheoretical, kAchieved});
  }
  if (x.theoretical_pct && x.achieved_pct && *x.achieved_pct < t.achieved_vs_theoretical * *x.theoretical_pct && !idle_sms) {
    const bool few_waves = x.waves > 0 && x.waves < 2;
    Finding f = make("achieved_below_theoretical", few_waves ? Stage::GridParallelism : Stage::Pipelining, FindingClass::Opportunity,
                     "Achieved occupancy " + format_number("%.1f%%", *x.achieved_pct) + " against " + format_number("%.1f%%", *x.theoretical_pct) +
                         " theoretical",
                     few_waves ? "With under two waves the SMs run out of blocks unevenly: fill whole waves."
                               : "Warps end unevenly or wait long: a deeper pipeline or more warps per block keep more of them resident.");
    f.checks.push_back({kAchieved, *x.achieved_pct, "<", t.achieved_vs_theoretical * *x.theoretical_pct, "%"});
    bound_estimate(f, x, *x.theoretical_pct / std::max(1.0, *x.achieved_pct), "the theoretical occupancy reached");
    F.push_back(f);
  }

  // [SECTION] Throughput balance
  const double fp32_rate = compute_peak_tflops(g, Precision::FP32), x3_rate = compute_peak_tflops(g, Precision::TF32x3);
  if (x.sm_pct && x.dram_pct) {
    if (*x.sm_pct < t.sm_target_pct && *x.dram_pct < t.busy_pct && !idle_sms) {
      Finding f = make("latency_bound", Stage::Pipelining, FindingClass::Opportunity,
                       "Latency-bound: SM throughput " + format_number("%.1f%%", *x.sm_pct) + " and DRAM " + format_number("%.1f%%", *x.dram_pct) +
                           " of peak, both low",
                       "Neither the pipes nor memory are busy: warps wait on loads. More loads in flight (pipeline stages), more "
                       "warps, or more independent work per thread.");
      f.checks.push_back({kSm, *x.sm_pct, "<", t.sm_target_pct, "%"});
      f.checks.push_back({kDram, *x.dram_pct, "<", t.busy_pct, "%"});
      bound_estimate(f, x, x.headroom(), "the busier unit reaching its peak");
      F.push_back(f);
    }
    // One unit busy, the other idle: the run is bound by the busy one, and the stage is the one that
    // relieves it (fewer bytes for memory; a faster pipe or better reuse for compute).
    if (*x.dram_pct >= t.busy_pct && *x.sm_pct < t.sm_target_pct && !at_floor) {
      Finding f = make("memory_bound", Stage::MemoryAccess, FindingClass::Opportunity,
                       "Memory-bound: DRAM " + format_number("%.1f%%", *x.dram_pct) + " of peak against SM " +
                           format_number("%.1f%%", *x.sm_pct),
                       "DRAM sets the pace: only fewer bytes help (reuse in larger tiles and L2, or a store path that writes "
                       "each byte of C once), or DRAM closer to its peak (wider, coalesced accesses).");
      f.checks.push_back({kDram, *x.dram_pct, ">=", t.busy_pct, "%"});
      f.checks.push_back({kSm, *x.sm_pct, "<", t.sm_target_pct, "%"});
      bound_estimate(f, x, 100.0 / *x.dram_pct, "DRAM at its peak");
      F.push_back(f);
    } else if (*x.sm_pct >= t.busy_pct && *x.dram_pct < 0.5 * t.busy_pct && x.precision != Precision::FP32 && !at_floor) {
      Finding f = make("compute_bound", Stage::TileSizes, FindingClass::Opportunity,
                       "Compute-bound on the tensor path: SM " + format_number("%.1f%%", *x.sm_pct) + " of peak against DRAM " +
                           format_number("%.1f%%", *x.dram_pct),
                       "The SMs set the pace: larger tiles per warp raise the mma share of the instructions; for 3xTF32 the "
                       "split of each operand is the extra work.");
      f.checks.push_back({kSm, *x.sm_pct, ">=", t.busy_pct, "%"});
      f.checks.push_back({kDram, *x.dram_pct, "<", 0.5 * t.busy_pct, "%"});
      bound_estimate(f, x, 100.0 / *x.sm_pct, "the SMs at their peak");
      F.push_back(f);
    }
  } else {
    std::vector<std::string> missing;
    if (!x.sm_pct) missing.push_back(kSm);
    if (!x.dram_pct) missing.push_back(kDram);
    skip("latency_bound", missing);
  }
  const bool compute_busy = (x.sm_pct && *x.sm_pct >= t.busy_pct) || (x.fma_pct && *x.fma_pct >= t.busy_pct);
  if (x.precision == Precision::FP32 && compute_busy && !x.fails_allclose) {
    const double busy = x.fma_pct ? *x.fma_pct : *x.sm_pct;
    const char* which = x.fma_pct ? kFma : kSm;
    if (x3_rate > fp32_rate) {
      Finding f = make("fp32_on_cuda_cores", Stage::Precision, FindingClass::Opportunity,
                       "FP32 on CUDA cores is the limit (" + format_number("%.1f%%", busy) + " busy); 3xTF32 on tensor cores runs " +
                           format_number("%.1f", x3_rate) + " TFLOP/s here against " + format_number("%.1f", fp32_rate) + " FP32",
                       "3xTF32 keeps FP32-level error (it passes allclose on P9 and P6) at the tensor cores' rate. Plain TF32 is "
                       "faster still but fails the check.");
      f.checks.push_back({which, busy, ">=", t.busy_pct, "%"});
      double floor_x3 = 0;
      if (r.config.shape.m > 0) floor_x3 = physical_floor(r.config.shape, g, Precision::TF32x3).seconds();
      bound_estimate(f, x, x3_rate / fp32_rate, "the 3xTF32 rate over the FP32 rate", true, floor_x3);
      F.push_back(f);
    } else if (busy < 90) {
      Finding f = make("fma_bound", Stage::TileSizes, FindingClass::Opportunity,
                       "FP32 FMA-bound at " + format_number("%.1f%%", busy) + "; tensor cores at FP32 accuracy are no faster on this GPU",
                       "The FMA pipe sets the pace: a larger register tile per thread raises the share of FMAs among the "
                       "instructions issued.");
      f.checks.push_back({which, busy, ">=", t.busy_pct, "%"});
      bound_estimate(f, x, 100.0 / busy, "the FMA pipe at its peak");
      F.push_back(f);
    }
  }
  if (x.precision != Precision::FP32 && x.tensor_pct && *x.tensor_pct < t.tensor_idle_pct) {
    Finding f = make("tensor_idle", Stage::Pipelining, FindingClass::Opportunity,
                     "Tensor cores chosen, but their pipe is busy " + format_number("%.1f%%", *x.tensor_pct) + " of the time",
                     "The mma instructions wait for operands: deeper pipelining, a larger K tile or more warps feed them.");
    f.checks.push_back({kTensor, *x.tensor_pct, "<", t.tensor_idle_pct, "%"});
    bound_estimate(f, x, x.headroom(), "the busier unit reaching its peak");
    F.push_back(f);
  } else if (x.precision != Precision::FP32 && !x.tensor_pct) {
    skip("tensor_idle", {kTensor});
  }

  // [SECTION] Memory
  if (x.dram_bytes && x.compulsory_bytes > 0) {
    const double ratio = *x.dram_bytes / x.compulsory_bytes;
    if (ratio > t.reread_factor) {
      Finding f = make("dram_rereads", Stage::MemoryAccess, FindingClass::Opportunity,
                       "DRAM traffic " + format_number("%.2f", ratio) + "x the compulsory bytes (" + format_number("%.3g GB", *x.dram_bytes / 1e9) +
                           " against " + format_number("%.3g GB", x.compulsory_bytes / 1e9) + ")",
                       "Operands are read from DRAM more than once: larger tiles reuse each load more, and a swizzled tile order "
                       "keeps neighbouring blocks on the same operands while they sit in L2.");
      f.checks.push_back({"gemmscope__dram_bytes / compulsory", ratio, ">", t.reread_factor, "x"});
      const double share = x.dram_pct ? std::min(1.0, *x.dram_pct / 100.0) : 0.5;
      bound_estimate(f, x, 1.0 + (ratio - 1.0) * share, "the re-read bytes at the DRAM share of the time", true);
      F.push_back(f);
    }
  } else {
    skip("dram_rereads", {"dram__bytes_read.sum", "dram__bytes_write.sum"});
  }
  if (x.l2_hit_pct && *x.l2_hit_pct < t.l2_hit_low_pct) {
    const bool rereads = x.dram_bytes && x.compulsory_bytes > 0 && *x.dram_bytes > 1.2 * x.compulsory_bytes;
    const bool dram_busy = !x.dram_bytes && x.dram_pct && *x.dram_pct >= 40;
    if (rereads || dram_busy) {
      Finding f = make("l2_hit_low", Stage::MemoryAccess, FindingClass::Opportunity,
                       "L2 hit rate " + format_number("%.1f%%", *x.l2_hit_pct) + " while DRAM is read again",
                       "Blocks that share operands run far apart: a grouped (swizzled) tile order or another grid order keeps them "
                       "together.");
      f.checks.push_back({kL2Hit, *x.l2_hit_pct, "<", t.l2_hit_low_pct, "%"});
      f.estimate_basis = "no model: the gain shows in DRAM bytes (dram_rereads)";
      f.rank_impact = 1.0;
      F.push_back(f);
    }
  }
  if (x.local_bytes > 0) {
    Finding f = make("local_spills", Stage::TileSizes, FindingClass::RootCause,
                     std::to_string(x.local_bytes) + " B of local memory a thread: registers spill",
                     "The register tile does not fit the registers a thread gets: every spill is a round trip through L1 and L2. A "
                     "smaller register tile per thread, or more threads for the same tile.");
    f.checks.push_back({"local bytes per thread", double(x.local_bytes), ">", 0, "byte"});
    f.estimate_basis = "no model: spill traffic depends on the loop";
    f.rank_impact = 1.0;
    F.push_back(f);
  }
  rank_findings(F);
  return out;
}

}  // namespace gemmscope
