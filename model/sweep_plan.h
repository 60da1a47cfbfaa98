// Sweep plans: a base config and axes, expanded into points that carry their validity, and the
// axis syntax the CLI, the GUI's axis entry and presets share.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "model/config_error.h"
#include "model/gpu_spec.h"
#include "model/kernel_family.h"
#include "model/run_options.h"

namespace gemmscope {

struct SweepPlan {
  KernelConfig base;
  SweepSpace axes;          // the cartesian product of these values, applied to `base`
  // When set, exactly these configs instead of the product (the advisor's suggestions, a guided
  // tuning step); `base` still names the family and problem.
  std::vector<KernelConfig> points;
  RunOptions options;
  std::string tag;          // names the sweep in the store
};

struct SweepPoint {
  KernelConfig config;
  std::vector<ConfigError> errors;  // validate()'s broken rules; empty when the point runs
  bool valid() const { return errors.empty(); }
  std::string reason() const;       // the broken rules, "; "-separated
};

// Every combination, last axis fastest; invalid ones carry their reasons. Throws
// std::invalid_argument for an axis with no values or one the family does not have.
std::vector<SweepPoint> expand(const SweepPlan&, const GpuSpec&);
// The same points one at a time, in the same order, so a sweep of any size holds one point in
// memory; `visit` returns false to stop. Throws as expand() does.
void for_each_point(const SweepPlan&, const GpuSpec&, const std::function<bool(SweepPoint&&)>& visit);
// How many points expand() gives, without building them.
size_t point_count(const SweepPlan&);
// "block_m=32,64,128" (a list, enum values by name), "block_m=32..256" (the powers of two in the
// range), or "split_k=1..132:1" / "split_k=8..128:8" (every step-th integer). Throws naming the
// bad text and, for an unknown parameter, the family's parameters.
std::pair<std::string, std::vector<int>> parse_axis(const std::string&, const KernelFamily&);
// The default tag of a sweep: "<family>@<problem>@<UTC time>".
std::string default_sweep_tag(const KernelConfig&);

}  // namespace gemmscope
