// validate(): the one validity check the UI, CLI, sweep planner and runner all use. It returns
// the prepared launch (family, plan, resource estimate, defines) or every rule the config breaks;
// the runner launches what it returns.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/config_error.h"
#include "model/gpu_spec.h"
#include "model/kernel_config.h"
#include "model/kernel_family.h"
#include "model/launch_plan.h"

namespace gemmscope {

// Resources read back from a compiled kernel.
struct KernelResources {
  int registers = 0;            // per thread
  int64_t static_smem = 0;      // bytes
  int64_t local_bytes = 0;      // spills and stack, per thread
  int max_threads = 0;          // the kernel's own limit (launch bounds), 0 if none
};

// What the plan asks of the GPU before anything is compiled (the main kernel's step).
struct ResourceEstimate {
  int64_t threads_per_block = 0;
  int64_t grid_blocks = 0;
  int64_t smem_per_block = 0;   // static (where the family knows it) + dynamic, bytes
  int64_t workspace_bytes = 0;
};

struct PreparedLaunch {
  KernelConfig config;
  std::string name;             // config_name(config)
  FamilyPtr family;
  LaunchPlan plan;
  ResourceEstimate estimate;
  Precision precision = Precision::FP32;
  double error_bound = 0;
  std::string source;           // kernels/ file, "" for library families and cards
  std::vector<std::string> defines;
  std::string arch;             // the target the source compiles for (family's target_arch)
  std::shared_ptr<const KernelCard> card;  // the kernel card, for a card's config
};

struct Validation {
  std::optional<PreparedLaunch> launch;  // set when the config breaks no rule
  std::vector<ConfigError> errors;       // every broken rule otherwise
  bool ok() const { return launch.has_value(); }
  std::string message() const;           // the broken rules, "; "-separated
  // The first broken rule naming `param`, for a message beside that control.
  const ConfigError* about(const std::string& param) const;
};

// In stages, each only when the ones before it hold (a later stage needs their values to be
// sane): the shape; the family; the family's table (every parameter set, offered, a power of two
// where declared, none it does not declare); the family's own rules; then the launch limits of
// the spec (threads, shared memory against CUDA's opt-in limit per block, grid, workspace).
// Registers are checked after compilation.
Validation validate(const KernelConfig&, const GpuSpec&);
// After JIT: one step's compiled kernel against the spec (shared memory, registers, launch
// bounds, register file, a block that fits an SM).
std::vector<ConfigError> validate_resources(const LaunchStep&, const KernelResources&, const GpuSpec&);

}  // namespace gemmscope
