// Finding: what one advisor rule read in a run's counters and launch record, the figures and
// thresholds it used, the tuning stage it belongs to and what fixing it could gain at most.
#pragma once
#include <string>
#include <vector>

namespace gemmscope {

// The stages of the seed documents' tuning loop, in the order the loop takes them.
enum class Stage { TileSizes, GridParallelism, MemoryAccess, Pipelining, Precision, Done };
std::string to_string(Stage);   // "tile sizes", ...
std::string stage_key(Stage);   // "tile_sizes", ... (JSON)

// One figure a rule compared with its threshold: "sm__warps_active... 31.0 % < 50 %".
struct MetricCheck {
  std::string metric;   // Nsight Compute name, or a gemmscope__* / run figure ("time", "waves")
  double value = 0;
  std::string op;       // "<", ">", "<=", ">="
  double threshold = 0;
  std::string unit;
  std::string text() const;
};

// How strongly a finding claims the run's attention, before any estimate.
enum class FindingClass {
  Correctness = 0,  // fails the KernelBench check, or the run is at its floor (stop): read first
  RootCause = 1,    // a cause other findings follow from (idle SMs, spills)
  Opportunity = 2,
};

struct Finding {
  std::string id;        // "grid_too_small": stable, for tests, JSON and the suggestion generator
  std::string title;     // one line with the numbers
  std::string detail;    // why it matters and what to change
  Stage stage = Stage::TileSizes;
  FindingClass kind = FindingClass::Opportunity;
  std::vector<MetricCheck> checks;
  // The gain fixing it could bring, as a factor on time: the rule's own model, never more than
  // the run's time over its physical floor (and, where the fix does not raise a ceiling, over the
  // headroom its SM and DRAM throughput leave). 0: no estimate (no time was measured, or the
  // rule has no model).
  double estimated_speedup = 0;
  std::string estimate_basis;
  double rank_impact = 0;  // the uncapped model figure, for ordering findings when no time is known
};

// A rule that could not be read for want of figures, so the user knows what to collect.
struct RuleSkip {
  std::string rule;
  std::vector<std::string> missing;
};

}  // namespace gemmscope
