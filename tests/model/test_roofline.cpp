#include <gtest/gtest.h>

#include "model/gpu_spec.h"
#include "model/roofline.h"

using namespace gemmscope;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
}  // namespace

TEST(Roofline, P9IsMemoryBoundOnBothGpus) {
  const ProblemShape p = problem_p9();
  RooflinePoint pt{p.flops(), p.min_bytes(), 2.57e-3};
  for (const char* key : {"h100_sxm", "rtx4090"}) {
    const RooflineVerdict v = judge(pt, spec(key), Precision::FP32);
    EXPECT_TRUE(v.memory_bound) << key;
    EXPECT_NEAR(v.floor_seconds, p.min_bytes() / (spec(key).dram_gbps * 1e9), 1e-9);
  }
  EXPECT_NEAR(pt.intensity(), 68.7e9 / 4.3e9, 0.1);  // ~16 FLOP/byte
}

TEST(Roofline, P6FP32IsComputeBoundOnH100ButTF32IsMemoryBound) {
  const ProblemShape p = problem_p6();
  RooflinePoint pt{p.flops(), p.min_bytes(), 1.29e-3};
  const GpuSpec h = spec("h100_sxm");
  EXPECT_FALSE(judge(pt, h, Precision::FP32).memory_bound);
  EXPECT_TRUE(judge(pt, h, Precision::TF32).memory_bound);
  const RooflineVerdict v = judge(pt, h, Precision::FP32);
  EXPECT_NEAR(v.floor_seconds, p.flops() / 66.9e12, 1e-9);
  EXPECT_NEAR(v.pct_of_compute_peak, 100.0 * (p.flops() / 1.29e-3 / 1e12) / 66.9, 1e-6);
}

TEST(Roofline, ProjectionKeepsTheShareOfTheRoofline) {
  const ProblemShape p = problem_p9();
  const GpuSpec h = spec("h100_sxm"), a = spec("rtx4090");
  const RooflineVerdict here = judge({p.flops(), p.min_bytes(), 2.57e-3}, h, Precision::FP32);
  const Projection pr = project({p.flops(), p.min_bytes(), 2.57e-3}, h, a, Precision::FP32);
  EXPECT_NEAR(pr.floor_seconds, p.min_bytes() / 1008e9, 1e-9);
  EXPECT_NEAR(pr.projected_seconds, pr.floor_seconds / (here.pct_of_attainable / 100), 1e-9);
  EXPECT_GT(pr.projected_seconds, 2.57e-3);  // the 4090 has a third of the bandwidth
}

TEST(Roofline, CeilingsListMeasuredOnesBesideDatasheet) {
  GpuSpec h = spec("h100_sxm");
  EXPECT_EQ(ceilings(h).size(), 4u);  // DRAM, FP32, TF32, FP16 (L2 unknown)
  h.measured.dram_write_gbps = 3159;
  h.measured.fp32_tflops = 61.1;
  const auto c = ceilings(h);
  ASSERT_EQ(c.size(), 6u);
  EXPECT_TRUE(c[4].measured);
  EXPECT_DOUBLE_EQ(c[4].value, 3159);
}

TEST(Roofline, ThreeTF32CostsAThirdOfTheTensorRate) {
  const GpuSpec h = spec("h100_sxm");
  EXPECT_DOUBLE_EQ(compute_peak_tflops(h, Precision::TF32x3), h.tf32_tflops / 3);
}
