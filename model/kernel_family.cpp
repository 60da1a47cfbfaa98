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

const LaunchStep* LaunchPlan::main_kernel() const {
  for (const auto& s : steps)
    if (s.kind == LaunchStep::Kind::Kernel) return &s;
  return nullptr;
}

}  // namespace gemmscope
