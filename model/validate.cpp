#include "model/validate.h"

#include <algorithm>

#include "model/kernel_family.h"
#include "model/occupancy.h"

namespace gemmscope {

namespace {

std::string join(const std::vector<int>& v, Param p) {
  std::string s;
  for (int x : v) s += (s.empty() ? "" : ", ") + param_value_string(p, x);
  return s;
}

bool is_pow2_param(Param p) {
  return p == Param::BlockM || p == Param::BlockN || p == Param::BlockK || p == Param::ThreadM || p == Param::ThreadN;
}

}  // namespace

Check validate(const KernelConfig& c, const GpuSpec& spec) {
  const auto& s = c.shape;
  if (s.m <= 0) return ConfigError{"M", std::to_string(s.m), "must be positive"};
  if (s.n <= 0) return ConfigError{"N", std::to_string(s.n), "must be positive"};
  if (s.k <= 0) return ConfigError{"K", std::to_string(s.k), "must be positive"};
  for (auto [n, v] : {std::pair{"M", s.m}, {"N", s.n}, {"K", s.k}})
    if (v > 2147483647LL) return ConfigError{n, std::to_string(v), "must fit in a 32-bit int (kernels take int sizes)"};

  const KernelFamily* f = find_family(c.family);
  if (!f) {
    std::string names;
    for (auto& n : family_names()) names += (names.empty() ? "" : ", ") + n;
    return ConfigError{"family", c.family, "unknown; families are " + names};
  }
  for (Param p : f->params()) {
    const int v = get_param(c, p);
    if (is_pow2_param(p) && !is_pow2(v))
      return ConfigError{param_name(p), param_value_string(p, v), "must be a power of two"};
    const auto choices = f->choices(p);
    if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end())
      return ConfigError{param_name(p), param_value_string(p, v),
                         "not offered by family " + f->name() + " (choices: " + join(choices, p) + ")"};
  }
  if (Check e = f->check(c, spec)) return e;

  const LaunchPlan plan = f->plan(c);
  for (const auto& step : plan.steps) {
    if (step.kind != LaunchStep::Kind::Kernel) continue;
    const int64_t threads = step.block.count();
    if (threads > spec.max_threads_per_block)
      return ConfigError{"threads", std::to_string(threads),
                         "exceeds " + std::to_string(spec.max_threads_per_block) + " threads per block on " + spec.name};
    if (threads % spec.warp_size != 0)
      return ConfigError{"threads", std::to_string(threads), "must be a multiple of the warp size (32)"};
    if (step.dynamic_smem > spec.max_smem_per_block)
      return ConfigError{"smem", std::to_string(step.dynamic_smem) + " B",
                         "exceeds " + std::to_string(spec.max_smem_per_block) + " B of shared memory per block on " + spec.name};
    if (step.grid.x > spec.max_grid_x || step.grid.y > spec.max_grid_y || step.grid.z > spec.max_grid_z)
      return ConfigError{"grid", std::to_string(step.grid.x) + "x" + std::to_string(step.grid.y) + "x" + std::to_string(step.grid.z),
                         "exceeds the grid limits " + std::to_string(spec.max_grid_x) + "x" + std::to_string(spec.max_grid_y) +
                             "x" + std::to_string(spec.max_grid_z)};
  }
  if (spec.dram_bytes > 0 && plan.workspace_bytes > spec.dram_bytes / 4)
    return ConfigError{"split_k", std::to_string(c.split_k),
                       "workspace of " + std::to_string(plan.workspace_bytes >> 20) + " MiB exceeds a quarter of device memory"};
  return std::nullopt;
}

Check validate_resources(const KernelConfig& c, const KernelResources& r, int64_t dynamic_smem, const GpuSpec& spec) {
  const int64_t smem = r.static_smem + dynamic_smem;
  if (smem > spec.max_smem_per_block)
    return ConfigError{"smem", std::to_string(smem) + " B",
                       "static + dynamic shared memory exceeds " + std::to_string(spec.max_smem_per_block) + " B per block"};
  if (r.registers > spec.max_regs_per_thread)
    return ConfigError{"registers", std::to_string(r.registers), "exceeds " + std::to_string(spec.max_regs_per_thread) + " per thread"};
  const KernelFamily* f = find_family(c.family);
  const LaunchStep* main = f ? f->plan(c).main_kernel() : nullptr;
  const int threads = main ? int(main->block.count()) : c.threads;
  if (r.max_threads > 0 && threads > r.max_threads)
    return ConfigError{"threads", std::to_string(threads), "exceeds the kernel's launch bound of " + std::to_string(r.max_threads)};
  const Occupancy o = theoretical_occupancy(spec, threads, r.registers, smem);
  if (o.limit_by_regs == 0)
    return ConfigError{"registers", std::to_string(r.registers) + "/thread x " + std::to_string(threads) + " threads",
                       "does not fit the " + std::to_string(spec.max_regs_per_block) + "-register file of one block"};
  if (o.blocks_per_sm == 0)
    return ConfigError{"occupancy", "0 blocks/SM", "no block fits on an SM (limited by " + o.limiter + ")"};
  return std::nullopt;
}

}  // namespace gemmscope
