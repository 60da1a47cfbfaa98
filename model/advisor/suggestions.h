// Suggestions: 2-4 concrete next configs from the run's own family (a kernel card included) that
// address its top findings, each valid on the running GPU and on the reference GPU.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "model/advisor/finding.h"
#include "model/gpu_spec.h"
#include "model/kernel_config.h"
#include "model/run_result.h"

namespace gemmscope {

struct ParamChange {
  std::string param;
  std::string from, to;   // as the parameter formats them ("atomic", "128")
};

struct Suggestion {
  KernelConfig config;
  std::string name;        // config_name(config)
  std::string finding;     // the id of the finding it addresses
  std::string reason;      // what it changes and why, with the numbers ("132 blocks = 1.00 wave")
  std::vector<ParamChange> changes;
};

struct SuggestOptions {
  int max = 4;
  std::set<std::string> exclude;   // config names already tried (the guided tuner's)
};

// Moves for the findings in order (the top one first), until `max` valid, distinct configs are
// found. A finding whose family has no parameter to move (no split-K, no stages) yields none and
// the next finding is tried. Empty when the run is at its floor or nothing valid is left.
std::vector<Suggestion> suggest(const RunResult&, const std::vector<Finding>&, const GpuSpec& running, const GpuSpec& reference,
                                const SuggestOptions& = {});

}  // namespace gemmscope
