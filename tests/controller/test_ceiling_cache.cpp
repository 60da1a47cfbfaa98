#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "controller/ceiling_cache.h"

using namespace gemmscope;

TEST(CeilingCache, KeepsOneEntryPerDeviceAndSurvivesADamagedFile) {
  const std::string path = testing::TempDir() + "/gemmscope_ceilings_" + std::to_string(getpid()) + ".json";
  std::filesystem::remove(path);
  EXPECT_FALSE(load_ceilings(path, "GPU A"));
  save_ceilings(path, "GPU A", {3139, 3059, 2820, 62.7, 318.6, 383.9});
  save_ceilings(path, "GPU B", {1000, 900, 800, 80, 80});
  const auto a = load_ceilings(path, "GPU A");
  ASSERT_TRUE(a);
  EXPECT_DOUBLE_EQ(a->dram_write_gbps, 3139);
  EXPECT_DOUBLE_EQ(a->tf32_mma_tflops, 318.6);
  EXPECT_DOUBLE_EQ(a->tf32_wgmma_tflops, 383.9);
  EXPECT_DOUBLE_EQ(load_ceilings(path, "GPU B")->fp32_tflops, 80);
  EXPECT_DOUBLE_EQ(load_ceilings(path, "GPU B")->tf32_wgmma_tflops, 0);  // a GPU without wgmma
  std::ofstream(path) << "{ broken";
  EXPECT_FALSE(load_ceilings(path, "GPU A"));  // re-measured rather than trusted
  save_ceilings(path, "GPU A", {1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(load_ceilings(path, "GPU A")->dram_read_gbps, 2);
  std::filesystem::remove(path);
}
