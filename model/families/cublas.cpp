// Family cublas: the reference point. FP32 runs with CUBLAS_PEDANTIC_MATH (no TF32, no
// reduced-precision shortcuts); TF32 with CUBLAS_COMPUTE_32F_FAST_TF32.
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

class Cublas final : public KernelFamily {
 public:
  std::string name() const override { return "cublas"; }
  std::string summary() const override { return "cuBLAS SGEMM: fp32 pedantic, or tf32 tensor cores"; }
  std::string source() const override { return ""; }
  std::vector<Param> params() const override { return {Param::Precision}; }
  std::vector<int> choices(Param p) const override {
    if (p == Param::Precision) return {int(Precision::FP32), int(Precision::TF32)};
    return {};
  }
  KernelConfig defaults(const ProblemShape& s) const override {
    KernelConfig c;
    c.shape = s;
    c.family = name();
    c.precision = Precision::FP32;
    return c;
  }
  SweepSpace sweep_space(const ProblemShape&, const GpuSpec&) const override {
    return {{Param::Precision, {int(Precision::FP32), int(Precision::TF32)}}};
  }
  Check check(const KernelConfig&, const GpuSpec&) const override { return std::nullopt; }
  LaunchPlan plan(const KernelConfig&) const override {
    LaunchPlan p;
    p.uses_cublas = true;
    return p;
  }
  std::vector<std::string> defines(const KernelConfig&) const override { return {}; }
};

}  // namespace

std::unique_ptr<KernelFamily> make_cublas_family() { return std::make_unique<Cublas>(); }

}  // namespace gemmscope
