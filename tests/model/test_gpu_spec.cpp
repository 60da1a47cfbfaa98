#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model/gpu_spec.h"

using namespace gemmscope;

TEST(GpuSpec, ShippedSpecsLoadWithTheSeedFigures) {
  const auto specs = load_gpu_specs(default_gpu_spec_dir());
  ASSERT_GE(specs.size(), 3u);
  const auto ada = find_spec(specs, "rtx4090");
  ASSERT_TRUE(ada);
  EXPECT_EQ(ada->arch(), "sm_89");
  EXPECT_EQ(ada->sms, 128);
  EXPECT_DOUBLE_EQ(ada->dram_gbps, 1008);
  EXPECT_DOUBLE_EQ(ada->tf32_tflops, 82.6);
  EXPECT_DOUBLE_EQ(ada->fp16_tflops, 165.2);
  EXPECT_EQ(ada->l2_bytes, 72LL << 20);
  EXPECT_EQ(ada->smem_per_sm, 100 * 1024);
  EXPECT_EQ(ada->max_smem_per_block, 99 * 1024);
  EXPECT_EQ(ada->max_threads_per_sm, 1536);
  EXPECT_EQ(ada->max_warps_per_sm, 48);
  EXPECT_EQ(ada->max_regs_per_thread, 255);
  EXPECT_EQ(ada->max_threads_per_block, 1024);
  const auto h100 = find_spec(specs, "h100_sxm");
  ASSERT_TRUE(h100);
  EXPECT_EQ(h100->arch(), "sm_90");
  EXPECT_EQ(h100->sms, 132);
  ASSERT_TRUE(find_spec(specs, "h200"));
}

TEST(GpuSpec, BadFilesAreNamedWithTheirFault) {
  const auto dir = std::filesystem::temp_directory_path() / "gemmscope_spec_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "broken.json").string();
  std::ofstream(path) << R"({"name":"x","cc":"89","sms":1})";
  try {
    load_gpu_spec(path);
    FAIL();
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("broken.json"), std::string::npos) << m;
    EXPECT_NE(m.find("missing"), std::string::npos) << m;
  }
  std::ofstream(path) << "{ not json";
  EXPECT_THROW(load_gpu_spec(path), std::runtime_error);
  std::filesystem::remove_all(dir);
}

TEST(GpuSpec, DetectedSpecFromH100AttributesMatchesTheDatasheet) {
  DeviceAttributes a;
  a.name = "NVIDIA H100 80GB HBM3";
  a.cc_major = 9, a.cc_minor = 0, a.sms = 132;
  a.clock_khz = 1980000, a.mem_clock_khz = 2619000, a.bus_width_bits = 5120;
  a.l2_bytes = 52428800, a.dram_bytes = 85LL << 30;
  a.max_threads_per_sm = 2048, a.max_blocks_per_sm = 32, a.regs_per_sm = 65536, a.max_regs_per_block = 65536;
  a.max_threads_per_block = 1024, a.smem_per_sm = 233472, a.max_smem_per_block_optin = 232448, a.reserved_smem_per_block = 1024;
  a.max_grid_x = 2147483647, a.max_grid_y = 65535, a.max_grid_z = 65535;
  const GpuSpec s = spec_from_attributes(a);
  EXPECT_EQ(s.key, "detected");
  EXPECT_NEAR(s.fp32_tflops, 66.9, 0.1);   // 132 x 128 lanes x 2 x 1.98 GHz
  EXPECT_NEAR(s.dram_gbps, 3352, 5);       // 2 x 2.619 GHz x 640 B
  EXPECT_EQ(s.max_warps_per_sm, 64);
  EXPECT_EQ(s.arch(), "sm_90");
}

TEST(GpuSpec, DetectedSpecFromAdaAttributesMatchesTheSeeds) {
  DeviceAttributes a;
  a.name = "NVIDIA GeForce RTX 4090";
  a.cc_major = 8, a.cc_minor = 9, a.sms = 128, a.clock_khz = 2520000, a.mem_clock_khz = 10501000, a.bus_width_bits = 384;
  a.max_threads_per_sm = 1536;
  const GpuSpec s = spec_from_attributes(a);
  EXPECT_NEAR(s.fp32_tflops, 82.6, 0.1);
  EXPECT_NEAR(s.tf32_tflops, 82.6, 0.1);
  EXPECT_NEAR(s.fp16_tflops, 165.2, 0.2);
  EXPECT_NEAR(s.dram_gbps, 1008, 1);
}
