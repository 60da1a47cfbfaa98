#include "model/kernel_family.h"

#include <algorithm>
#include <cmath>

namespace gemmscope {

double KernelFamily::error_bound(const KernelConfig& c) const {
  // Relative Frobenius error against cuBLAS pedantic FP32. A dot product of K positive terms
  // summed in one FP32 chain drifts like a random walk, about 0.6 sqrt(K) units of 2^-24
  // (measured: 4.3e-5 for the P6 seed baseline, K = 524288), so FP32-level kernels get twice
  // that, and never less than 1e-5. Plain TF32 (10-bit mantissa) lands near 1e-4.
  const double fp32 = std::max(1e-5, 2.0 * std::sqrt(double(c.shape.k)) * std::ldexp(1.0, -24));
  switch (c.precision) {
    case Precision::FP32: return fp32;
    case Precision::TF32x3: return fp32;
    case Precision::TF32: return 5e-3;
  }
  return fp32;
}

const KernelFamily* find_family(const std::string& name) {
  for (const auto& f : families())
    if (f->name() == name) return f.get();
  return nullptr;
}

std::vector<std::string> family_names() {
  std::vector<std::string> v;
  for (const auto& f : families()) v.push_back(f->name());
  return v;
}

std::vector<std::string> common_defines(const KernelConfig& c) {
  return {"-DA_COL_MAJOR=" + std::to_string(c.shape.a_layout == Layout::ColMajor ? 1 : 0),
          "-DB_COL_MAJOR=" + std::to_string(c.shape.b_layout == Layout::ColMajor ? 1 : 0)};
}

std::vector<int> split_k_candidates(const ProblemShape& s, int block_m, int block_n, int block_k, const GpuSpec& spec) {
  const int64_t tiles = ((s.m + block_m - 1) / block_m) * ((s.n + block_n - 1) / block_n);
  const int64_t k_steps = (s.k + block_k - 1) / block_k;
  std::vector<int> v;
  for (int slots : {spec.sms, 2 * spec.sms, 4 * spec.sms}) {
    const int64_t exact = slots / std::max<int64_t>(1, tiles);
    int64_t pow2 = 1;
    while (pow2 * 2 <= exact) pow2 *= 2;
    for (int64_t x : {exact, pow2})
      if (x >= 2 && x <= k_steps && x <= 1024) v.push_back(int(x));
  }
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  if (v.empty()) v.push_back(1);
  return v;
}

Check check_split_k(const KernelConfig& c) {
  const int64_t k_steps = (c.shape.k + c.block_k - 1) / c.block_k;
  if (c.split_k > k_steps)
    return ConfigError{"split_k", std::to_string(c.split_k),
                       "exceeds the " + std::to_string(k_steps) + " block_k steps of K=" + std::to_string(c.shape.k)};
  if (c.split_k > 1 && c.reduction == Reduction::None)
    return ConfigError{"reduction", "none", "split_k > 1 needs a reduction (atomic or two_pass)"};
  return std::nullopt;
}

LaunchPlan split_k_plan(const KernelConfig& c, LaunchStep main, const std::string& reduce_entry, int reduce_vector) {
  LaunchPlan p;
  const bool split = c.split_k > 1;
  if (split && c.reduction == Reduction::Atomic) p.steps.push_back({LaunchStep::Kind::ZeroOutput, "", {}, {}, 0});
  main.grid = {(c.shape.n + c.block_n - 1) / c.block_n, (c.shape.m + c.block_m - 1) / c.block_m, split ? c.split_k : 1};
  p.steps.push_back(main);
  if (split && c.reduction == Reduction::TwoPass) {
    const int64_t threads = c.shape.m * c.shape.n / reduce_vector;
    LaunchStep r;
    r.entry = reduce_entry;
    r.grid = {std::min<int64_t>((threads + 255) / 256, 65536), 1, 1};
    r.block = {256, 1, 1};
    p.steps.push_back(r);
    p.workspace_bytes = int64_t(c.split_k) * c.shape.m * c.shape.n * 4;
  }
  return p;
}

std::vector<int> integer_range(int lo, int hi) {
  std::vector<int> v;
  for (int i = lo; i <= hi; ++i) v.push_back(i);
  return v;
}

const LaunchStep* LaunchPlan::main_kernel() const {
  for (const auto& s : steps)
    if (s.kind == LaunchStep::Kind::Kernel) return &s;
  return nullptr;
}

}  // namespace gemmscope
