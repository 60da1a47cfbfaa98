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

TEST(Roofline, PhysicalFloorsUseMeasuredCeilingsWhenPresent) {
  GpuSpec h = spec("h100_sxm");
  // Datasheet only: P9 is the 4.29 GB write at 3352 GB/s.
  const PhysicalFloor sheet = physical_floor(problem_p9(), h, Precision::FP32);
  EXPECT_TRUE(sheet.memory_bound());
  EXPECT_FALSE(sheet.measured);
  EXPECT_NEAR(sheet.seconds(), (4.0 * 32768 * 32 * 2) / 3352e9 + 4.0 * 32768.0 * 32768 / 3352e9, 1e-9);
  // With the ceilings measured on the H100 (2026-11-23): write 3139, read 3059 GB/s, FMA 62.7,
  // mma.sync 318.6 TFLOP/s.
  h.measured = {3139, 3059, 2820, 62.7, 318.6};
  const PhysicalFloor p9 = physical_floor(problem_p9(), h, Precision::FP32);
  EXPECT_TRUE(p9.measured);
  EXPECT_NEAR(p9.seconds() * 1e3, 1.371, 0.001);
  const PhysicalFloor p6 = physical_floor(problem_p6(), h, Precision::FP32);
  EXPECT_FALSE(p6.memory_bound());
  EXPECT_NEAR(p6.seconds() * 1e3, 1.096, 0.001);  // 68.7 GFLOP at 62.7 TFLOP/s
  const PhysicalFloor p6x3 = physical_floor(problem_p6(), h, Precision::TF32x3);
  EXPECT_NEAR(p6x3.seconds() * 1e3, 68.72 / (318.6 / 3), 0.002);
  const PhysicalFloor p6tf = physical_floor(problem_p6(), h, Precision::TF32);
  EXPECT_TRUE(p6tf.memory_bound());
  EXPECT_NEAR(p6tf.seconds() * 1e3, 0.351, 0.001);
  EXPECT_NE(p6tf.basis.find("measured"), std::string::npos);
}

TEST(Roofline, TheFasterMeasuredTensorInstructionSetsTheFloorAndSaysSo) {
  // The H200's 2026-12-02 ceilings: mma.sync 316.0, wgmma 383.9 TFLOP/s.
  GpuSpec h = spec("h200");
  h.measured = {4265, 4410, 3897, 62.3, 316.0, 383.9};
  const PhysicalFloor x3 = physical_floor(problem_p6(), h, Precision::TF32x3);
  EXPECT_NEAR(x3.seconds() * 1e3, 68.72 / (383.9 / 3), 0.002);  // 0.537 ms, not 0.652 at mma.sync's rate
  EXPECT_NE(x3.basis.find("wgmma"), std::string::npos) << x3.basis;
  const PhysicalFloor fp32 = physical_floor(problem_p6(), h, Precision::FP32);
  EXPECT_EQ(fp32.basis.find("wgmma"), std::string::npos) << fp32.basis;
  const auto c = ceilings(h);
  EXPECT_TRUE(std::any_of(c.begin(), c.end(), [](const Ceiling& x) { return x.label == "TF32 wgmma (measured)" && x.value == 383.9; }));
  // Without wgmma (the 4090, or not measured) mma.sync's rate stays the floor's.
  h.measured.tf32_wgmma_tflops = 0;
  EXPECT_NEAR(physical_floor(problem_p6(), h, Precision::TF32x3).seconds() * 1e3, 68.72 / (316.0 / 3), 0.002);
}
