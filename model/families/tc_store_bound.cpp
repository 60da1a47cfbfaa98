// Family tc_store_bound: small-K GEMMs whose floor is the write of C (e.g. P9) on tensor cores
// (mma.sync m16n8k8, tf32x3 by default), from kernels/tc_store_bound.cu. The whole K is staged
// once per block, split into big/small TF32 parts at staging; each block walks tiles_per_block
// tile rows of one tile column. The warps form a WARPS_M x WARPS_N grid derived from the thread
// count. `stages` picks the epilogue: 1 stores the accumulators straight from registers
// (16-byte stores, 64 contiguous bytes per row per warp instruction), 2 stages each warp's
// 16-row slab through shared memory so a warp instruction writes whole 128-byte lines, 3 adds
// kStoreWarps store warps that stream out each tile from one of two C buffers in shared memory
// while the math warps compute the next (warp-specialised: the stores overlap the mma work), 4
// (sm_90 and later) hands each tile's rows to the bulk copy engine from the same two buffers.
#include <algorithm>
#include <string>

#include "model/families/mma_warp_grid.h"
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

constexpr int kStoreWarps = 4;  // stages=3: one per SM sub-partition (2 measured slower on the H200)
constexpr int kMaxK = 128;         // the whole K is unrolled and staged once per block
constexpr int kMaxMmaTiles = 16;   // 16x8 tiles per warp: 64 accumulators

std::string str(int64_t v) { return std::to_string(v); }

struct Tile {
  ProblemShape shape;
  int block_m, block_n, threads, stages, tiles_per_block, blocks_per_sm, swizzle;
  GridOrder grid_order;
  Precision precision;
  WarpGrid warps() const { return mma_warp_grid(threads); }
  int parts() const { return precision == Precision::TF32x3 ? 2 : 1; }
  int64_t kc() const { return (shape.k + 7) / 8 * 8; }
  static int epi_stride(int wtn) { return wtn + ((48 - wtn % 32) % 32); }
  int64_t smem_bytes() const {
    int64_t floats = kc() * block_n * parts() + 2 * kc() * block_m * parts();
    if (stages == 2) floats += int64_t(threads / 32) * 16 * epi_stride(block_n / warps().warps_n);
    if (stages >= 3) floats += 2 * int64_t(block_m) * block_n;
    return floats * 4;
  }
  int block_threads() const { return threads + (stages == 3 ? 32 * kStoreWarps : 0); }
  int64_t grid_blocks() const {
    const int64_t tiles_m = (shape.m + block_m - 1) / block_m, tiles_n = (shape.n + block_n - 1) / block_n;
    return (tiles_m + tiles_per_block - 1) / tiles_per_block * tiles_n;
  }
  // Two blocks per SM (registers capped at 65536 / (2 x threads)) where two fit the H100's shared
  // memory and the warp tile is at most 8 mma tiles (32 accumulators); else no cap.
  int min_blocks() const {
    if (blocks_per_sm > 0) return blocks_per_sm;
    const int mma_tiles = (block_m / warps().warps_m / 16) * (block_n / warps().warps_n / 8);
    return block_threads() <= 256 && mma_tiles <= 8 && smem_bytes() <= 110 * 1024 ? 2 : 1;
  }
  // Each warp owns whole 16x16 pieces (pairs of 16x8 mma tiles: the 16-byte store columns).
  std::vector<ConfigError> warp_rule() const {
    const WarpGrid w = warps();
    const int wtm = block_m / w.warps_m, wtn = block_n / w.warps_n;
    std::vector<ConfigError> e;
    if (wtm < 16 || block_m % w.warps_m != 0)
      e.push_back({"threads", str(threads),
                   "gives " + str(w.warps_m) + " warps along M; block_m=" + str(block_m) + " must give each at least 16 rows"});
    if (wtn < 16 || block_n % w.warps_n != 0)
      e.push_back({"threads", str(threads),
                   "gives " + str(w.warps_n) + " warps along N; block_n=" + str(block_n) +
                       " must give each at least 16 columns (pairs of 16x8 mma tiles)"});
    const int mma_tiles = (wtm / 16) * (wtn / 8);
    if (mma_tiles > kMaxMmaTiles)
      e.push_back({"threads", str(threads),
                   "leaves a " + str(wtm) + "x" + str(wtn) + " warp tile (" + str(mma_tiles) + " mma tiles); at most " +
                       str(kMaxMmaTiles) + " fit in registers"});
    return e;
  }
};
// A small-K GEMM's operands are a few MB and stay in L2 whatever order the blocks take, so the
// default sweep spends its points on the epilogue instead (both orders stay offered).
ParamDecl row_order_swept() {
  ParamDecl d = grid_order_param();
  d.sweep = {int(GridOrder::RowMajor)};
  return d;
}

Tile tile_of(const KernelConfig& c) {
  return {c.shape,
          c.get("block_m"),
          c.get("block_n"),
          c.get("threads"),
          c.get("stages"),
          c.get("tiles_per_block"),
          c.get("blocks_per_sm"),
          c.get("swizzle"),
          GridOrder(c.get("grid_order")),
          Precision(c.get("precision"))};
}

class TcStoreBound final : public KernelFamily {
 public:
  std::string name() const override { return "tc_store_bound"; }
  std::string summary() const override {
    return "small-K GEMM bound by the write of C on tensor cores: whole-K slices split big/small at staging, mma.sync tf32x3, 16-byte streaming stores";
  }
  std::string source() const override { return "tc_store_bound.cu"; }
  const ParamTable& params() const override {
    // 64x128 with 4 warps and register stores: fastest tf32x3 on P9 on the H200 (1.51 ms; 1.49 with
    // blocks_per_sm=3), two or three 64 KB blocks an SM, so one block's stores overlap another's
    // mma work. The overlapping epilogues 3 and 4 measured slower there (bench/results/
    // limits-h200-2026-12-02.md) and stay out of the default sweep, as do 128-row tiles and 512
    // threads (1.88 ms at best).
    static const ParamTable t = {
        pow2_param("block_m", {16, 32, 64, 128, 256}, 64, {32, 64}, "_", "rows of C per tile"),
        pow2_param("block_n", {16, 32, 64, 128, 256, 512}, 128, {128, 256}, "x", "columns of C per tile"),
        integer_param("threads", {32, 64, 128, 256, 512}, 128, {128, 256}, "_t",
                      "math threads per block (warps form a WARPS_M x WARPS_N grid); stages=3 adds 4 store warps"),
        integer_param("stages", {1, 2, 3, 4}, 1, {1}, "_s",
                      "the epilogue: 1 stores from registers, 2 stages each warp's rows through shared memory, 3 hands each "
                      "tile to 4 store warps through two C buffers in shared memory, 4 (sm_90+) hands them to the bulk copy "
                      "engine (3 and 4: the stores overlap the next tile's mma)"),
        pow2_param("tiles_per_block", {1, 2, 4, 8, 16, 32, 64}, 32, {32}, "_tpb",
                   "tile rows a block walks down M, reusing its B slice (and, with stages 3 and 4, its C buffers)"),
        integer_param("blocks_per_sm", {0, 1, 2, 3, 4}, 0, {0, 3}, "_bps",
                      "blocks each SM must hold at once (__launch_bounds__' minimum: the compiler caps registers to "
                      "fit them); 0: 2 for small warp tiles, else no cap"),
        swizzle_param({1, 2, 4, 8, 16, 32}, {1}),
        row_order_swept(),
        precision_param({Precision::TF32, Precision::TF32x3}, Precision::TF32x3, {Precision::TF32x3}),
    };
    return t;
  }
  std::vector<ConfigError> check(const KernelConfig& c, const GpuSpec& gpu) const override {
    const Tile t = tile_of(c);
    std::vector<ConfigError> e;
    if (t.stages == 4 && gpu.cc_major < 9)
      e.push_back({"stages", "4",
                   "uses the bulk copy engine (cp.async.bulk), which " + gpu.arch() + " lacks (sm_90 or later); stages=3 overlaps the "
                   "stores with store warps instead"});
    if (t.precision == Precision::FP32)
      e.push_back({"precision", "fp32", "tc_store_bound runs tf32 or tf32x3 on tensor cores; use store_bound for fp32"});
    if (c.shape.k > kMaxK)
      e.push_back({"K", str(c.shape.k),
                   "exceeds " + str(kMaxK) + ": tc_store_bound stages and unrolls the whole K once per block (small K only; use tc_splitk)"});
    for (auto& x : t.warp_rule()) e.push_back(x);
    if (t.grid_blocks() > 2147483647LL)
      e.push_back({"block_m", str(t.block_m), str(t.grid_blocks()) + " blocks exceed the 2^31-1 of a 1-D grid"});
    return e;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    LaunchStep k;
    k.entry = "tc_store_bound";
    k.grid = {t.grid_blocks(), 1, 1};
    k.block = {t.block_threads(), 1, 1};
    k.dynamic_smem = t.smem_bytes();
    k.smem_formula = "the whole-K slices of B and two of A, split big/small, (K' x block_n + 2 x K' x block_m) x parts x 4 "
                     "with K' = K rounded up to 8, plus the epilogue tile (stages 3 and 4: 2 x block_m x block_n x 4)";
    k.smem_param = "K";
    return {{k}, 0, false};
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    auto d = common_defines(c.shape);
    const WarpGrid w = t.warps();
    for (auto [k, v] : {std::pair{"BLOCK_M", t.block_m}, {"BLOCK_N", t.block_n}, {"THREADS", t.threads}, {"WARPS_M", w.warps_m},
                        {"WARPS_N", w.warps_n}, {"EPILOGUE", t.stages}, {"SWIZZLE", t.swizzle}, {"GRID_ORDER", int(t.grid_order)},
                        {"PRECISION", int(t.precision)}, {"TILES_PER_BLOCK", t.tiles_per_block}, {"MIN_BLOCKS", t.min_blocks()},
                        {"KC", int(t.kc())}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    if (t.stages == 3) d.push_back("-DSTORE_WARPS=" + std::to_string(kStoreWarps));
    return d;
  }

 protected:
  // Larger K: shrink the tile until the slices fit the 4090's 99 KB per block.
  void fit_defaults(KernelConfig& c) const override {
    while (tile_of(c).smem_bytes() > 96 * 1024 && c.get("block_n") > 32) c.set("block_n", c.get("block_n") / 2);
    while (tile_of(c).smem_bytes() > 96 * 1024 && c.get("block_m") > 32) c.set("block_m", c.get("block_m") / 2);
    while (c.get("threads") > 32 && !tile_of(c).warp_rule().empty()) c.set("threads", c.get("threads") / 2);
  }
};

}  // namespace

std::shared_ptr<const KernelFamily> make_tc_store_bound_family() { return std::make_shared<TcStoreBound>(); }

}  // namespace gemmscope
