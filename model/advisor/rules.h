// The advisor's rules: plain reading of one run's counters and launch record against its GPU's
// spec. Our own rules, modelled on what Nsight Compute's guided analysis checks, but each
// stating the figures and thresholds it used and a bounded estimate.
#pragma once
#include <optional>
#include <vector>

#include "model/advisor/finding.h"
#include "model/gpu_spec.h"
#include "model/occupancy.h"
#include "model/run_result.h"

namespace gemmscope {

// Every threshold the rules use, named once. The occupancy and SM targets are the seed documents'.
struct RuleThresholds {
  double occupancy_target_pct = 50;     // sm__warps_active target (seed 000)
  double sm_target_pct = 60;            // sm__throughput target (seed 004)
  double achieved_vs_theoretical = 0.8; // achieved below this share of theoretical: imbalance or stalls
  double busy_pct = 60;                 // a throughput at or above this is "busy"
  double tail_efficiency = 0.9;         // waves / ceil(waves) below this: a partial last wave costs time
  double tail_max_waves = 20;           // beyond this many waves a tail costs little
  double reread_factor = 1.5;           // DRAM bytes over compulsory above this: re-reads
  double l2_hit_low_pct = 50;
  double near_floor = 1.05;             // time within this factor of the floor: stop tuning
  double tensor_idle_pct = 20;
};

// What the rules read off one run, each figure only when the run has it.
struct RunFacts {
  double seconds = 0;                   // median time (or the counted duration); 0 unknown
  double floor_seconds = 0;             // physical floor at the run's precision on its GPU
  Precision precision = Precision::FP32;
  int sms = 0;
  int64_t grid = 0;                     // blocks of the main launch; 0 unknown
  int blocks_per_sm = 0;                // theoretical; 0 unknown
  double waves = 0;                     // grid / (blocks_per_sm x SMs); 0 unknown
  std::optional<Occupancy> occupancy;   // the calculator's, when the launch record has registers
  std::optional<double> theoretical_pct, achieved_pct, sm_pct, dram_pct, l2_hit_pct, fma_pct, tensor_pct;
  std::optional<double> dram_bytes;     // read + written
  double compulsory_bytes = 0;
  int64_t local_bytes = 0;
  bool fails_allclose = false;          // verified and outside allclose(1e-4, 1e-4)
  double headroom() const;              // 100 / the busier of SM and DRAM throughput; 0 when neither known
};
RunFacts run_facts(const RunResult&, const GpuSpec& ran_on);

struct RuleReport {
  std::vector<Finding> findings;        // ranked: most important first
  std::vector<RuleSkip> skipped;
};
RuleReport evaluate_rules(const RunResult&, const GpuSpec& ran_on, const RuleThresholds& = {});

// The rules' order of importance: class, then the estimate (the uncapped model figure when no
// time was measured), then the stage order of the tuning loop.
void rank_findings(std::vector<Finding>&);

}  // namespace gemmscope
