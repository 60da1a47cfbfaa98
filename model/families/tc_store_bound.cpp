// Family tc_store_bound: small-K GEMMs whose floor is the write of C (e.g. P9) on tensor cores
// (mma.sync m16n8k8, tf32x3 by default), from kernels/tc_store_bound.cu. The whole K is staged
// once per block, split into big/small TF32 parts at staging; each block walks kTilesPerBlock
// tile rows of one tile column. The warps form a WARPS_M x WARPS_N grid derived from the thread
// count. `stages` picks the epilogue: 1 stores the accumulators straight from registers
// (16-byte stores, 64 contiguous bytes per row per warp instruction), 2 stages each warp's
// 16-row slab through shared memory so a warp instruction writes whole 128-byte lines.
#include <algorithm>
#include <string>

#include "model/families/mma_warp_grid.h"
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

const std::vector<int> kBlocksM = {16, 32, 64, 128, 256};
const std::vector<int> kBlocksN = {16, 32, 64, 128, 256, 512};
const std::vector<int> kThreads = {32, 64, 128, 256, 512};
const std::vector<int> kSwizzles = {1, 2, 4, 8, 16, 32};
constexpr int kTilesPerBlock = 8;  // tile rows a block walks, reusing its B slice
constexpr int kMaxK = 128;         // the whole K is unrolled and staged once per block
constexpr int kMaxMmaTiles = 16;   // 16x8 tiles per warp: 64 accumulators

std::string str(int64_t v) { return std::to_string(v); }

WarpGrid warp_grid(const KernelConfig& c) { return mma_warp_grid(c); }
int precision_parts(const KernelConfig& c) { return c.precision == Precision::TF32x3 ? 2 : 1; }
int64_t kc_of(const KernelConfig& c) { return (c.shape.k + 7) / 8 * 8; }
int epi_stride(int wtn) { return wtn + ((48 - wtn % 32) % 32); }
int64_t smem_bytes(const KernelConfig& c) {
  const int64_t kc = kc_of(c), p = precision_parts(c);
  int64_t floats = kc * c.block_n * p + 2 * kc * c.block_m * p;
  if (c.stages == 2) {
    const WarpGrid w = warp_grid(c);
    floats += int64_t(c.threads / 32) * 16 * epi_stride(c.block_n / w.warps_n);
  }
  return floats * 4;
}
int64_t grid_blocks(const KernelConfig& c) {
  const int64_t tiles_m = (c.shape.m + c.block_m - 1) / c.block_m, tiles_n = (c.shape.n + c.block_n - 1) / c.block_n;
  return (tiles_m + kTilesPerBlock - 1) / kTilesPerBlock * tiles_n;
}
// Two blocks per SM (registers capped at 65536 / (2 x threads)) where two fit the H100's shared
// memory and the warp tile is at most 8 mma tiles (32 accumulators); else no cap.
int min_blocks(const KernelConfig& c) {
  const WarpGrid w = warp_grid(c);
  const int mma_tiles = (c.block_m / w.warps_m / 16) * (c.block_n / w.warps_n / 8);
  return c.threads <= 256 && mma_tiles <= 8 && smem_bytes(c) <= 110 * 1024 ? 2 : 1;
}

class TcStoreBound final : public KernelFamily {
 public:
  std::string name() const override { return "tc_store_bound"; }
  std::string summary() const override {
    return "small-K GEMM bound by the write of C on tensor cores: whole-K slices split big/small at staging, mma.sync tf32x3, 16-byte streaming stores";
  }
  std::string source() const override { return "tc_store_bound.cu"; }
  std::vector<Param> params() const override {
    return {Param::BlockM, Param::BlockN, Param::Threads, Param::Stages, Param::Swizzle, Param::GridOrder, Param::Precision};
  }
  std::vector<int> choices(Param p) const override {
    switch (p) {
      case Param::BlockM: return kBlocksM;
      case Param::BlockN: return kBlocksN;
      case Param::Threads: return kThreads;
      case Param::Stages: return {1, 2};
      case Param::Swizzle: return kSwizzles;
      case Param::GridOrder: return {int(GridOrder::RowMajor), int(GridOrder::ColMajor)};
      case Param::Precision: return {int(Precision::TF32), int(Precision::TF32x3)};
      default: return {};
    }
  }
  KernelConfig defaults(const ProblemShape& s) const override {
    KernelConfig c;
    c.shape = s;
    c.family = name();
    c.block_m = 64, c.block_n = 256, c.threads = 256, c.stages = 1;  // fastest tf32x3 on P9 on the H100 (2.01 ms, 96 KB)
    c.swizzle = 1, c.grid_order = GridOrder::RowMajor;
    c.precision = Precision::TF32x3;
    // Larger K: shrink the tile until the slices fit the 4090's 99 KB per block.
    while (smem_bytes(c) > 96 * 1024 && c.block_n > 32) c.block_n /= 2;
    while (smem_bytes(c) > 96 * 1024 && c.block_m > 32) c.block_m /= 2;
    while (c.threads > 32 && !fits_warps(c)) c.threads /= 2;
    return c;
  }
  SweepSpace sweep_space(const ProblemShape&, const GpuSpec&) const override {
    return {{Param::BlockM, {64, 128}},
            {Param::BlockN, {128, 256}},
            {Param::Threads, {256, 512}},
            {Param::Stages, {1, 2}},
            {Param::Swizzle, {1}},
            {Param::GridOrder, {int(GridOrder::RowMajor), int(GridOrder::ColMajor)}},
            {Param::Precision, {int(Precision::TF32x3)}}};
  }
  Check check(const KernelConfig& c, const GpuSpec& spec) const override {
    const auto& s = c.shape;
    if (c.precision == Precision::FP32)
      return ConfigError{"precision", "fp32", "tc_store_bound runs tf32 or tf32x3 on tensor cores; use store_bound for fp32"};
    if (s.k > kMaxK)
      return ConfigError{"K", str(s.k),
                         "exceeds " + str(kMaxK) + ": tc_store_bound stages and unrolls the whole K once per block (small K only; use tc_splitk)"};
    if (Check e = warp_rule(c)) return e;
    const int64_t smem = smem_bytes(c);
    if (smem + spec.smem_reserved_per_block > spec.max_smem_per_block)
      return ConfigError{"K", str(s.k),
                         "the whole-K slices of B and two of A, split big/small ((K' x block_n + 2 x K' x block_m) x parts x 4, K' = K "
                         "rounded up to 8, plus the epilogue tile) = " + str(smem) + " B, must fit the " +
                             str(spec.max_smem_per_block - spec.smem_reserved_per_block) + " B of shared memory per block on " + spec.name};
    if (grid_blocks(c) > 2147483647LL)
      return ConfigError{"block_m", str(c.block_m), str(grid_blocks(c)) + " blocks exceed the 2^31-1 of a 1-D grid"};
    return std::nullopt;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    LaunchStep k;
    k.entry = "tc_store_bound";
    k.grid = {grid_blocks(c), 1, 1};
    k.block = {c.threads, 1, 1};
    k.dynamic_smem = smem_bytes(c);
    return {{k}, 0, false};
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    auto d = common_defines(c);
    const WarpGrid w = warp_grid(c);
    for (auto [k, v] : {std::pair{"BLOCK_M", c.block_m}, {"BLOCK_N", c.block_n}, {"THREADS", c.threads}, {"WARPS_M", w.warps_m},
                        {"WARPS_N", w.warps_n}, {"EPILOGUE", c.stages}, {"SWIZZLE", c.swizzle}, {"GRID_ORDER", int(c.grid_order)},
                        {"PRECISION", int(c.precision)}, {"TILES_PER_BLOCK", kTilesPerBlock}, {"MIN_BLOCKS", min_blocks(c)},
                        {"KC", int(kc_of(c))}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }

 private:
  static bool fits_warps(const KernelConfig& c) { return !warp_rule(c); }
  // Each warp owns whole 16x16 pieces (pairs of 16x8 mma tiles: the 16-byte store columns).
  static Check warp_rule(const KernelConfig& c) {
    const WarpGrid w = warp_grid(c);
    const int wtm = c.block_m / w.warps_m, wtn = c.block_n / w.warps_n;
    if (wtm < 16 || c.block_m % w.warps_m != 0)
      return ConfigError{"threads", str(c.threads),
                         "gives " + str(w.warps_m) + " warps along M; block_m=" + str(c.block_m) + " must give each at least 16 rows"};
    if (wtn < 16 || c.block_n % w.warps_n != 0)
      return ConfigError{"threads", str(c.threads),
                         "gives " + str(w.warps_n) + " warps along N; block_n=" + str(c.block_n) +
                             " must give each at least 16 columns (pairs of 16x8 mma tiles)"};
    const int mma_tiles = (wtm / 16) * (wtn / 8);
    if (mma_tiles > kMaxMmaTiles)
      return ConfigError{"threads", str(c.threads),
                         "leaves a " + str(wtm) + "x" + str(wtn) + " warp tile (" + str(mma_tiles) + " mma tiles); at most " +
                             str(kMaxMmaTiles) + " fit in registers"};
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<KernelFamily> make_tc_store_bound_family() { return std::make_unique<TcStoreBound>(); }

}  // namespace gemmscope
