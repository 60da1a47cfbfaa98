// Family store_bound: GEMMs whose floor is the write of C (small K, e.g. P9), from
// kernels/store_bound.cu. Threads per block follow from the tiles: (BLOCK_M/TM) x (BLOCK_N/TN);
// each block walks kTilesPerBlock tile rows of one tile column (K' = K rounded up to 4).
#include <algorithm>
#include <string>

#include "model/kernel_family.h"

namespace gemmscope {
namespace {

const std::vector<int> kBlocks = {16, 32, 64, 128, 256, 512};
const std::vector<int> kThreadTiles = {4, 8, 16};  // multiples of 4: 16-byte shared loads and stores
const std::vector<int> kSwizzles = {1, 2, 4, 8, 16, 32};
constexpr int kMaxAccumulators = 128;

std::string str(int64_t v) { return std::to_string(v); }

int threads_of(const KernelConfig& c) { return (c.block_m / c.thread_m) * (c.block_n / c.thread_n); }
constexpr int kTilesPerBlock = 8;  // tile rows a block walks, reusing its B slice
int64_t smem_bytes(const KernelConfig& c) {
  const int64_t kp = (c.shape.k + 3) / 4 * 4;
  return (kp * c.block_n + 2 * kp * int64_t(c.block_m + 4)) * 4;
}
// Blocks per SM the register cap aims at: about TM x TN accumulators + 64 other registers per
// thread, within the 64K registers and 1536 threads (the 4090's limit) of one SM.
int min_blocks(const KernelConfig& c) {
  const int threads = threads_of(c);
  const int regs = c.thread_m * c.thread_n + 64;
  return std::max(1, std::min(65536 / (regs * threads), 1536 / threads));
}
int64_t grid_blocks(const KernelConfig& c) {
  const int64_t tiles_m = (c.shape.m + c.block_m - 1) / c.block_m, tiles_n = (c.shape.n + c.block_n - 1) / c.block_n;
  return (tiles_m + kTilesPerBlock - 1) / kTilesPerBlock * tiles_n;
}

class StoreBound final : public KernelFamily {
 public:
  std::string name() const override { return "store_bound"; }
  std::string summary() const override {
    return "small-K GEMM bound by the write of C: whole-K A/B slices in shared memory, TMxTN register tiles, 16-byte streaming stores";
  }
  std::string source() const override { return "store_bound.cu"; }
  std::vector<Param> params() const override {
    return {Param::BlockM, Param::BlockN, Param::ThreadM, Param::ThreadN, Param::Swizzle, Param::GridOrder};
  }
  std::vector<int> choices(Param p) const override {
    switch (p) {
      case Param::BlockM:
      case Param::BlockN: return kBlocks;
      case Param::ThreadM:
      case Param::ThreadN: return kThreadTiles;
      case Param::Swizzle: return kSwizzles;
      case Param::GridOrder: return {int(GridOrder::RowMajor), int(GridOrder::ColMajor)};
      default: return {};
    }
  }
  KernelConfig defaults(const ProblemShape& s) const override {
    KernelConfig c;
    c.shape = s;
    c.family = name();
    c.block_m = 64, c.block_n = 512, c.thread_m = 8, c.thread_n = 8;  // fastest on P9 on the H100 (1.76 ms, 81 KB)
    c.swizzle = 1, c.grid_order = GridOrder::RowMajor;
    // Larger K: shrink the tile until the A and B slices fit the 4090's 99 KB per block.
    while (smem_bytes(c) > 96 * 1024 && c.block_m > 32) {
      c.block_m /= 2, c.block_n /= 2;
      c.thread_m = 4, c.thread_n = 4;
    }
    c.threads = threads_of(c);
    return c;
  }
  SweepSpace sweep_space(const ProblemShape&, const GpuSpec&) const override {
    return {{Param::BlockM, {32, 64, 128}},
            {Param::BlockN, {128, 256, 512}},
            {Param::ThreadM, {8}},
            {Param::ThreadN, {8}},
            {Param::Swizzle, {1}},
            {Param::GridOrder, {int(GridOrder::RowMajor), int(GridOrder::ColMajor)}}};
  }
  Check check(const KernelConfig& c, const GpuSpec& spec) const override {
    if (c.thread_m > c.block_m)
      return ConfigError{"thread_m", str(c.thread_m), "exceeds block_m=" + str(c.block_m) + " (a thread's rows lie in one tile)"};
    if (c.thread_n > c.block_n)
      return ConfigError{"thread_n", str(c.thread_n), "exceeds block_n=" + str(c.block_n) + " (a thread's columns lie in one tile)"};
    if (c.thread_m * c.thread_n > kMaxAccumulators)
      return ConfigError{"thread_m", str(c.thread_m) + "x" + str(c.thread_n),
                         "a register tile of " + str(c.thread_m * c.thread_n) + " accumulators; at most " + str(kMaxAccumulators) + " fit"};
    const int threads = threads_of(c);
    if (threads < 32 || threads > 1024)
      return ConfigError{"threads", str(threads),
                         "(block_m/thread_m) x (block_n/thread_n) threads per block must be 32..1024"};
    const int64_t smem = smem_bytes(c);
    if (smem + spec.smem_reserved_per_block > spec.max_smem_per_block)
      return ConfigError{"K", str(c.shape.k),
                         "the whole-K slices of B and two of A, (K' x block_n + 2 x K' x (block_m+4)) x 4 = " + str(smem) +
                             " B, must fit the " + str(spec.max_smem_per_block - spec.smem_reserved_per_block) +
                             " B of shared memory per block on " + spec.name + " (store_bound is for small K)"};
    if (grid_blocks(c) > 2147483647LL)
      return ConfigError{"block_m", str(c.block_m), str(grid_blocks(c)) + " blocks exceed the 2^31-1 of a 1-D grid"};
    return std::nullopt;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    LaunchStep k;
    k.entry = "store_bound";
    k.grid = {grid_blocks(c), 1, 1};
    k.block = {threads_of(c), 1, 1};
    k.dynamic_smem = smem_bytes(c);
    return {{k}, 0, false};
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    auto d = common_defines(c);
    for (auto [k, v] : {std::pair{"BLOCK_M", c.block_m}, {"BLOCK_N", c.block_n}, {"TM", c.thread_m}, {"TN", c.thread_n},
                        {"THREADS", threads_of(c)}, {"SWIZZLE", c.swizzle}, {"GRID_ORDER", int(c.grid_order)},
                        {"TILES_PER_BLOCK", kTilesPerBlock}, {"MIN_BLOCKS", min_blocks(c)},
                        {"KC", int((c.shape.k + 3) / 4 * 4)}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }
};

}  // namespace

std::unique_ptr<KernelFamily> make_store_bound_family() { return std::make_unique<StoreBound>(); }

}  // namespace gemmscope
