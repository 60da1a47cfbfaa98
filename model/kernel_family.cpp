#include "model/kernel_family.h"

namespace gemmscope {

double KernelFamily::error_bound(const KernelConfig& c) const {
  // Relative Frobenius error against cuBLAS pedantic FP32. FP32 and 3xTF32 agree with it to
  // ~1e-6 on [0,1) inputs; plain TF32 (10-bit mantissa) lands near 1e-4..1e-3.
  switch (c.precision) {
    case Precision::FP32: return 1e-5;
    case Precision::TF32x3: return 1e-5;
    case Precision::TF32: return 5e-3;
  }
  return 1e-5;
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
