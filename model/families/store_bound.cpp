// Family store_bound: GEMMs whose floor is the write of C (small K, e.g. P9), from
// kernels/store_bound.cu. Threads per block follow from the tiles: (BLOCK_M/TM) x (BLOCK_N/TN);
// each block walks kTilesPerBlock tile rows of one tile column (K' = K rounded up to 4).
#include <algorithm>
#include <string>

#include "model/kernel_family.h"

namespace gemmscope {
namespace {

constexpr int kMaxAccumulators = 128;
constexpr int kTilesPerBlock = 8;  // tile rows a block walks, reusing its B slice

std::string str(int64_t v) { return std::to_string(v); }

struct Tile {
  ProblemShape shape;
  int block_m, block_n, thread_m, thread_n, swizzle;
  GridOrder grid_order;
  int threads() const { return (block_m / thread_m) * (block_n / thread_n); }
  int64_t kc() const { return (shape.k + 3) / 4 * 4; }
  int64_t smem_bytes() const { return (kc() * block_n + 2 * kc() * int64_t(block_m + 4)) * 4; }
  // Blocks per SM the register cap aims at: about TM x TN accumulators + 64 other registers per
  // thread, within the 64K registers and 1536 threads (the 4090's limit) of one SM.
  int min_blocks() const {
    const int regs = thread_m * thread_n + 64;
    return std::max(1, std::min(65536 / (regs * threads()), 1536 / threads()));
  }
  int64_t grid_blocks() const {
    const int64_t tiles_m = (shape.m + block_m - 1) / block_m, tiles_n = (shape.n + block_n - 1) / block_n;
    return (tiles_m + kTilesPerBlock - 1) / kTilesPerBlock * tiles_n;
  }
};
Tile tile_of(const KernelConfig& c) {
  return {c.shape, c.get("block_m"), c.get("block_n"), c.get("thread_m"), c.get("thread_n"), c.get("swizzle"),
          GridOrder(c.get("grid_order"))};
}

class StoreBound final : public KernelFamily {
 public:
  std::string name() const override { return "store_bound"; }
  std::string summary() const override {
    return "small-K GEMM bound by the write of C: whole-K A/B slices in shared memory, TMxTN register tiles, 16-byte streaming stores";
  }
  std::string source() const override { return "store_bound.cu"; }
  const ParamTable& params() const override {
    // 64x512 with 8x8 per thread: fastest on P9 on the H100 (1.76 ms, 81 KB).
    static const ParamTable t = {
        pow2_param("block_m", {16, 32, 64, 128, 256, 512}, 64, {32, 64, 128}, "_", "rows of C per tile"),
        pow2_param("block_n", {16, 32, 64, 128, 256, 512}, 512, {128, 256, 512}, "x", "columns of C per tile"),
        pow2_param("thread_m", {4, 8, 16}, 8, {8}, "_r", "rows per thread (multiples of 4: 16-byte shared loads and stores)"),
        pow2_param("thread_n", {4, 8, 16}, 8, {8}, "x", "columns per thread (multiples of 4: 16-byte shared loads and stores)"),
        swizzle_param({1, 2, 4, 8, 16, 32}, {1}),
        grid_order_param(),
    };
    return t;
  }
  std::vector<ConfigError> check(const KernelConfig& c, const GpuSpec&) const override {
    const Tile t = tile_of(c);
    std::vector<ConfigError> e;
    if (t.thread_m > t.block_m)
      e.push_back({"thread_m", str(t.thread_m), "exceeds block_m=" + str(t.block_m) + " (a thread's rows lie in one tile)"});
    if (t.thread_n > t.block_n)
      e.push_back({"thread_n", str(t.thread_n), "exceeds block_n=" + str(t.block_n) + " (a thread's columns lie in one tile)"});
    if (t.thread_m * t.thread_n > kMaxAccumulators)
      e.push_back({"thread_m", str(t.thread_m) + "x" + str(t.thread_n),
                   "a register tile of " + str(t.thread_m * t.thread_n) + " accumulators; at most " + str(kMaxAccumulators) + " fit"});
    if (t.threads() < 32 || t.threads() > 1024)
      e.push_back({"threads", str(t.threads()), "(block_m/thread_m) x (block_n/thread_n) threads per block must be 32..1024"});
    if (t.grid_blocks() > 2147483647LL)
      e.push_back({"block_m", str(t.block_m), str(t.grid_blocks()) + " blocks exceed the 2^31-1 of a 1-D grid"});
    return e;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    LaunchStep k;
    k.entry = "store_bound";
    k.grid = {t.grid_blocks(), 1, 1};
    k.block = {t.threads(), 1, 1};
    k.dynamic_smem = t.smem_bytes();
    k.smem_formula = "the whole-K slices of B and two of A, (K' x block_n + 2 x K' x (block_m+4)) x 4 with K' = K rounded up "
                     "to 4; store_bound is for small K";
    k.smem_param = "K";
    return {{k}, 0, false};
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    auto d = common_defines(c.shape);
    for (auto [k, v] : {std::pair{"BLOCK_M", t.block_m}, {"BLOCK_N", t.block_n}, {"TM", t.thread_m}, {"TN", t.thread_n},
                        {"THREADS", t.threads()}, {"SWIZZLE", t.swizzle}, {"GRID_ORDER", int(t.grid_order)},
                        {"TILES_PER_BLOCK", kTilesPerBlock}, {"MIN_BLOCKS", t.min_blocks()}, {"KC", int(t.kc())}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }

 protected:
  // Larger K: shrink the tile until the A and B slices fit the 4090's 99 KB per block.
  void fit_defaults(KernelConfig& c) const override {
    for (Tile t = tile_of(c); t.smem_bytes() > 96 * 1024 && t.block_m > 32; t = tile_of(c)) {
      c.set("block_m", t.block_m / 2);
      c.set("block_n", t.block_n / 2);
      c.set("thread_m", 4);
      c.set("thread_n", 4);
    }
  }
};

}  // namespace

std::shared_ptr<const KernelFamily> make_store_bound_family() { return std::make_shared<StoreBound>(); }

}  // namespace gemmscope
