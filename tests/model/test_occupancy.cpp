#include <gtest/gtest.h>

#include "model/gpu_spec.h"
#include "model/occupancy.h"

using namespace gemmscope;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
}  // namespace

// Expected values worked by hand with the CUDA occupancy calculator's rules.
TEST(Occupancy, WarpLimitedSmallKernel) {
  const Occupancy o = theoretical_occupancy(spec("h100_sxm"), 128, 32, 0);
  EXPECT_EQ(o.blocks_per_sm, 16);  // 64 warps / 4 warps per block
  EXPECT_DOUBLE_EQ(o.fraction, 1.0);
  EXPECT_EQ(o.limiter, "warps");
}

TEST(Occupancy, RegisterLimited) {
  // 128 regs x 32 = 4096 per warp; a quadrant holds 16384 / 4096 = 4 warps; 16 warps per SM.
  const Occupancy o = theoretical_occupancy(spec("h100_sxm"), 256, 128, 0);
  EXPECT_EQ(o.limit_by_regs, 2);
  EXPECT_EQ(o.blocks_per_sm, 2);
  EXPECT_DOUBLE_EQ(o.fraction, 16.0 / 64.0);
  EXPECT_EQ(o.limiter, "registers");
}

TEST(Occupancy, SharedMemoryLimitedOnTheReferenceGpu) {
  // 4090: 100 KB per SM; 32 KB + 1 KB reserved per block -> 3 blocks.
  const Occupancy o = theoretical_occupancy(spec("rtx4090"), 256, 32, 32 * 1024);
  EXPECT_EQ(o.limit_by_smem, 3);
  EXPECT_EQ(o.blocks_per_sm, 3);
  EXPECT_EQ(o.limiter, "shared memory");
  EXPECT_DOUBLE_EQ(o.fraction, 24.0 / 48.0);
}

TEST(Occupancy, SeedP9BaselineOnTheReferenceGpu) {
  // 128 threads, 1536 threads/SM -> 12 blocks by warps; 24 by the block limit.
  const Occupancy o = theoretical_occupancy(spec("rtx4090"), 128, 80, 768);
  EXPECT_EQ(o.limit_by_warps, 12);
  EXPECT_EQ(o.limit_by_regs, 6);  // 80 regs: 2560 per warp, 6 warps per quadrant, 24 warps / 4 per block
  EXPECT_EQ(o.blocks_per_sm, 6);
  EXPECT_DOUBLE_EQ(o.fraction, 0.5);
}

TEST(Occupancy, TooManyRegistersForTheBlockGivesZero) {
  const Occupancy o = theoretical_occupancy(spec("h100_sxm"), 1024, 128, 0);
  EXPECT_EQ(o.limit_by_regs, 0);
  EXPECT_EQ(o.blocks_per_sm, 0);
}

TEST(Occupancy, SharedMemoryLimitFollowsTheCarveoutTheDriverPicks) {
  // Nsight Compute on the H100 reported launch__occupancy_limit_shared_mem = 18 for the P9 seed
  // baseline (768 B static): 16 blocks fit by warps, so the driver configures the 32 KB carveout,
  // which holds 32768 / (768 + 1024) = 18 blocks.
  const Occupancy o = theoretical_occupancy(spec("h100_sxm"), 128, 32, 768);
  EXPECT_EQ(o.smem_config_bytes, 32 * 1024);
  EXPECT_EQ(o.limit_by_smem, 18);
  EXPECT_EQ(o.blocks_per_sm, 16);
  // And 3 for the P6 seed baseline (32896 B, 2 blocks by registers): the 100 KB carveout.
  const Occupancy p6 = theoretical_occupancy(spec("h100_sxm"), 256, 128, 32896);
  EXPECT_EQ(p6.smem_config_bytes, 100 * 1024);
  EXPECT_EQ(p6.limit_by_smem, 3);
  EXPECT_EQ(p6.blocks_per_sm, 2);
  EXPECT_TRUE(p6.smem_config_estimated);
}

TEST(Occupancy, TheDriversOwnCarveoutGivesNsightComputesFigures) {
  // Measured with ncu on the H100 (launch__shared_mem_config_size, launch__occupancy_limit_shared_mem):
  // the P9 seed baseline (128 threads, 96 registers, 768 B) ran with 32 KB where the estimate is 16 KB.
  const Occupancy estimated = theoretical_occupancy(spec("h100_sxm"), 128, 96, 768);
  EXPECT_EQ(estimated.smem_config_bytes, 16 * 1024);
  EXPECT_EQ(estimated.limit_by_smem, 9);
  const Occupancy seed = theoretical_occupancy(spec("h100_sxm"), 128, 96, 768, 32 * 1024);
  EXPECT_FALSE(seed.smem_config_estimated);
  EXPECT_EQ(seed.limit_by_smem, 18);
  EXPECT_EQ(seed.blocks_per_sm, estimated.blocks_per_sm);  // 5, by registers, either way
  // 64 threads, 32 registers, 192 B at 64 KB: 65536 / round_up(192 + 1024, 128) = 51, above the 32-block cap.
  const Occupancy small = theoretical_occupancy(spec("h100_sxm"), 64, 32, 192, 64 * 1024);
  EXPECT_EQ(small.limit_by_smem, 51);
  EXPECT_EQ(small.blocks_per_sm, 32);
  // tiled, 128 threads, 159 registers, 12352 B at 100 KB: 7 by shared memory, 3 by registers.
  const Occupancy tiled = theoretical_occupancy(spec("h100_sxm"), 128, 159, 12352, 100 * 1024);
  EXPECT_EQ(tiled.limit_by_smem, 7);
  EXPECT_EQ(tiled.limit_by_regs, 3);
  EXPECT_EQ(tiled.blocks_per_sm, 3);
}

TEST(Occupancy, WhenSharedMemoryHoldsFewerBlocksTheEstimateIsTheSmallestCarveoutForThose) {
  // tc_splitk, 256 threads, 128 registers, 139264 B: 2 blocks by registers, but only one fits in
  // 228 KB; the driver configured 164 KB (ncu, H100), the smallest carveout holding one block.
  const Occupancy o = theoretical_occupancy(spec("h100_sxm"), 256, 128, 139264);
  EXPECT_EQ(o.smem_config_bytes, 164 * 1024);
  EXPECT_EQ(o.limit_by_smem, 1);
  EXPECT_EQ(o.blocks_per_sm, 1);
  EXPECT_EQ(o.limiter, "shared memory");
}
