#include "model/validate.h"

#include <algorithm>

#include "model/occupancy.h"

namespace gemmscope {

namespace {

std::string str(int64_t v) { return std::to_string(v); }

std::vector<ConfigError> check_shape(const ProblemShape& s) {
  std::vector<ConfigError> e;
  for (auto [n, v] : {std::pair{"M", s.m}, {"N", s.n}, {"K", s.k}}) {
    if (v <= 0) e.push_back({n, str(v), "must be positive"});
    else if (v > 2147483647LL) e.push_back({n, str(v), "must fit in a 32-bit int (kernels take int sizes)"});
  }
  return e;
}

std::vector<ConfigError> check_table(const KernelConfig& c, const KernelFamily& f) {
  std::vector<ConfigError> e;
  for (const ParamDecl& d : f.params()) {
    const auto v = c.params.find(d.name);
    if (!v) {
      e.push_back({d.name, "(unset)", "family " + f.name() + " needs a value (" + d.offered_text() + ")"});
      continue;
    }
    if (d.power_of_two && !is_pow2(*v)) e.push_back({d.name, d.format(*v), "must be a power of two"});
    else if (!d.offers(*v))
      e.push_back({d.name, d.format(*v), "not offered by family " + f.name() + " (choices: " + d.offered_text() + ")"});
  }
  for (const auto& [name, v] : c.params.items())
    if (!find_param(f.params(), name))
      e.push_back({name, str(v), "is not a parameter of family " + f.name() + " (its parameters: " + param_names(f.params()) + ")"});
  return e;
}

std::vector<ConfigError> check_limits(const KernelConfig& c, const LaunchPlan& plan, const GpuSpec& spec) {
  std::vector<ConfigError> e;
  for (const auto& step : plan.steps) {
    if (step.kind != LaunchStep::Kind::Kernel) continue;
    const int64_t threads = step.block.count();
    if (threads > spec.max_threads_per_block)
      e.push_back({"threads", str(threads), "exceeds " + str(spec.max_threads_per_block) + " threads per block on " + spec.name});
    if (threads % spec.warp_size != 0)
      e.push_back({"threads", str(threads), "must be a multiple of the warp size (" + str(spec.warp_size) + ")"});
    const int64_t smem = step.static_smem_estimate + step.dynamic_smem;
    if (smem > spec.max_smem_per_block) {
      const auto v = c.params.find(step.smem_param);
      const std::string value = step.smem_param == "K" ? str(c.shape.k) : v ? str(*v) : str(smem) + " B";
      e.push_back({step.smem_param, value,
                   str(smem) + " B of shared memory" + (step.smem_formula.empty() ? "" : " (" + step.smem_formula + ")") +
                       " exceed CUDA's opt-in limit of " + str(spec.max_smem_per_block) + " B per block on " + spec.name});
    }
    if (step.grid.x > spec.max_grid_x || step.grid.y > spec.max_grid_y || step.grid.z > spec.max_grid_z)
      e.push_back({"grid", str(step.grid.x) + "x" + str(step.grid.y) + "x" + str(step.grid.z),
                   "exceeds the grid limits " + str(spec.max_grid_x) + "x" + str(spec.max_grid_y) + "x" + str(spec.max_grid_z)});
  }
  if (spec.dram_bytes > 0 && plan.workspace_bytes > spec.dram_bytes / 4)
    e.push_back({"split_k", c.params.find("split_k") ? str(*c.params.find("split_k")) : "1",
                 "workspace of " + str(plan.workspace_bytes >> 20) + " MiB exceeds a quarter of device memory"});
  return e;
}

}  // namespace

std::string Validation::message() const {
  std::string s;
  for (const auto& e : errors) s += (s.empty() ? "" : "; ") + e.message();
  return s;
}

const ConfigError* Validation::about(const std::string& param) const {
  for (const auto& e : errors)
    if (e.param == param) return &e;
  return nullptr;
}

Validation validate(const KernelConfig& c, const GpuSpec& spec) {
  Validation v;
  if (v.errors = check_shape(c.shape); !v.errors.empty()) return v;
  const FamilyPtr f = find_family(c.family);
  if (!f) {
    v.errors.push_back({"family", c.family, "unknown; families are " + family_list()});
    return v;
  }
  if (v.errors = check_table(c, *f); !v.errors.empty()) return v;
  if (v.errors = f->check(c, spec); !v.errors.empty()) return v;
  LaunchPlan plan = f->plan(c);
  if (v.errors = check_limits(c, plan, spec); !v.errors.empty()) return v;

  PreparedLaunch p;
  p.config = c;
  p.name = config_name(c);
  p.family = f;
  p.precision = f->precision(c);
  p.error_bound = f->error_bound(c);
  p.source = f->source();
  p.defines = f->defines(c);
  p.arch = f->target_arch(spec);
  p.card = f->card();
  if (const LaunchStep* main = plan.main_kernel()) {
    p.estimate.threads_per_block = main->block.count();
    p.estimate.grid_blocks = main->grid.count();
    p.estimate.smem_per_block = main->static_smem_estimate + main->dynamic_smem;
  }
  p.estimate.workspace_bytes = plan.workspace_bytes;
  p.plan = std::move(plan);
  v.launch = std::move(p);
  return v;
}

std::vector<ConfigError> validate_resources(const LaunchStep& step, const KernelResources& r, const GpuSpec& spec) {
  std::vector<ConfigError> e;
  const int64_t smem = r.static_smem + step.dynamic_smem;
  if (smem > spec.max_smem_per_block)
    e.push_back({"smem", str(smem) + " B",
                 "static + dynamic shared memory exceed CUDA's opt-in limit of " + str(spec.max_smem_per_block) + " B per block"});
  if (r.registers > spec.max_regs_per_thread)
    e.push_back({"registers", str(r.registers), "exceeds " + str(spec.max_regs_per_thread) + " per thread"});
  const int threads = int(step.block.count());
  if (r.max_threads > 0 && threads > r.max_threads)
    e.push_back({"threads", str(threads), "exceeds the kernel's launch bound of " + str(r.max_threads)});
  if (!e.empty()) return e;
  const Occupancy o = theoretical_occupancy(spec, threads, r.registers, smem);
  if (o.limit_by_regs == 0)
    e.push_back({"registers", str(r.registers) + "/thread x " + str(threads) + " threads",
                 "does not fit the " + str(spec.max_regs_per_block) + "-register file of one block"});
  else if (o.blocks_per_sm == 0)
    e.push_back({"occupancy", "0 blocks/SM", "no block fits on an SM (limited by " + o.limiter + ")"});
  return e;
}

}  // namespace gemmscope
