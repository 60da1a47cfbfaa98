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
