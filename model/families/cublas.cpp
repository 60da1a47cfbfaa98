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
  const ParamTable& params() const override {
    static const ParamTable t = {
        precision_param({Precision::FP32, Precision::TF32}, Precision::FP32, {Precision::FP32, Precision::TF32})};
    return t;
  }
  std::vector<ConfigError> check(const KernelConfig&, const GpuSpec&) const override { return {}; }
  LaunchPlan plan(const KernelConfig&) const override {
    LaunchPlan p;
    p.uses_cublas = true;
    return p;
  }
  std::vector<std::string> defines(const KernelConfig&) const override { return {}; }
};

}  // namespace

std::shared_ptr<const KernelFamily> make_cublas_family() { return std::make_shared<Cublas>(); }

}  // namespace gemmscope
