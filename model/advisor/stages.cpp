#include "model/advisor/stages.h"

namespace gemmscope {

const std::vector<StageInfo>& stages() {
  static const std::vector<StageInfo> list = {
      {Stage::TileSizes,
       "Tune BLOCK_M/N/K for balanced data reuse and resource usage",
       {{"sm__warps_active.avg.pct_of_peak_sustained_active", 50, true},
        {"sm__maximum_warps_per_active_cycle_pct", 50, true},
        {"sm__throughput.avg.pct_of_peak_sustained_elapsed", 60, true}},
       {"Tensor cores: BLOCK_M/N multiples of 16, BLOCK_K a multiple of 8.",
        "FP32: BLOCK_M/N in 32..256, BLOCK_K in 16..64.",
        "Every BLOCK_* a power of two.",
        "Avoid oversized tiles (wasted masking); change tiles only when occupancy or reuse metrics say so.",
        "Keep the baseline tile as a candidate when the choice is unclear."},
       {"A small autotune list: 2-4 configs, all powers of two.",
        "Decorate the @triton.jit kernel with the autotune list, never the wrapper."}},
      {Stage::GridParallelism,
       "Grid layout and parallelism",
       {{"sm__throughput.avg.pct_of_peak_sustained_elapsed", 60, true},
        {"launch__grid_size", -1, true},
        {"launch__waves_per_multiprocessor", 1, true}},
       {"1-D grid (cdiv(N, BLOCK)); 2-D (cdiv(M, BLOCK_M), cdiv(N, BLOCK_N)); 3-D adds batch or split-K.",
        "Prefer more parallel work (batch, heads, split-K) before shrinking tiles.",
        "Change the grid only when SM use is clearly low.",
        "Whole waves: a block count that is a multiple of SMs x blocks per SM."},
       {"At most 3 grid dimensions, static rank; grid (G0, G1, G2) matches tl.program_id(0/1/2).",
        "If unsure about correctness, do not change the grid.",
        "Autotune BLOCK_* or (num_warps, num_stages), not both; with BLOCK_* autotuned the grid is a lambda of META."}},
      {Stage::MemoryAccess,
       "Memory access: read each operand from DRAM once, keep reuse in L2 and shared memory",
       {{"dram__throughput.avg.pct_of_peak_sustained_elapsed", 60, true},
        {"lts__t_sector_hit_rate.pct", 50, true}},
       {"Larger tiles read each operand fewer times.",
        "A grouped (swizzled) tile order keeps blocks that share operands close in time.",
        "Coalesced, 16-byte loads along the contiguous dimension."},
       {"Check the masks when a tile no longer divides the shape."}},
      {Stage::Pipelining,
       "Pipelining: stages and warps that keep loads in flight",
       {{"sm__throughput.avg.pct_of_peak_sustained_elapsed", 60, true},
        {"sm__warps_active.avg.pct_of_peak_sustained_active", 50, true},
        {"sm__inst_executed.avg.pct_of_peak_sustained_elapsed", 60, true}},
       {"num_stages 2-4 on sm_8x, 3-5 on sm_90; each stage costs (BLOCK_M + BLOCK_N) x BLOCK_K x 4 B of shared memory.",
        "num_warps 4 or 8 for 128x128 tiles."},
       {"Autotune (num_warps, num_stages) or BLOCK_*, not both at once.",
        "Stay within the smallest GPU's shared memory per block (99 KB on the RTX 4090)."}},
      {Stage::Precision,
       "Precision: tensor cores at the accuracy the check needs",
       {{"sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active", 60, false},
        {"sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active", 50, true}},
       {"tl.dot on fp32 uses TF32 unless told otherwise (input_precision=\"ieee\" or \"tf32x3\").",
        "3xTF32 passes allclose(1e-4, 1e-4) on P9 and P6; plain TF32 does not."},
       {"Judge every change with allclose(atol=1e-4, rtol=1e-4) against FP32 on inputs uniform in [0, 1)."}},
      {Stage::Done,
       "At the physical floor: keep this config",
       {},
       {"Further gains need less work (another algorithm), not another config."},
       {}},
  };
  return list;
}

const StageInfo& stage_info(Stage s) {
  for (const auto& i : stages())
    if (i.stage == s) return i;
  return stages().front();
}

}  // namespace gemmscope
