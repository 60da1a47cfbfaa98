// Family wgmma_store_bound: small-K GEMMs whose floor is the write of C (P9) on Hopper's wgmma, in
// tf32x3 (FP32-level error) or tf32, from kernels/wgmma_store_bound.cu. It compiles for sm_90a, so
// it runs on a 9.0 GPU alone; everywhere else tc_store_bound (mma.sync) is the path. A warpgroup
// issues one tile's wgmmas and stores the previous tile from a second set of accumulators while
// they run, so the arithmetic hides under the stores.
#include <algorithm>
#include <string>

#include "model/kernel_family.h"

namespace gemmscope {
namespace {

constexpr int kMaxK = 128;  // the whole K is staged once per block and unrolled
// Registers beside the two accumulator sets (2 x block_n / 2) that a thread needs, read off
// ptxas' sm_90a reports (168 for block_n 128, 128 for 64 at four blocks an SM without spilling).
constexpr int kOtherRegisters = 40;

std::string str(int64_t v) { return std::to_string(v); }

struct Tile {
  ProblemShape shape;
  int block_m, block_n, tiles_per_block, blocks_per_sm;
  Precision precision;
  int warpgroups() const { return block_m / 64; }
  int threads() const { return 128 * warpgroups(); }
  int parts() const { return precision == Precision::TF32x3 ? 2 : 1; }
  int64_t kc() const { return (shape.k + 31) / 32 * 32; }  // rows of the 128-byte swizzle: 32 floats of K
  int64_t smem_bytes() const { return parts() * (block_n * kc() + warpgroups() * 2 * 64 * kc()) * 4 + 1024; }
  int64_t grid_blocks() const {
    const int64_t tiles_m = (shape.m + block_m - 1) / block_m, tiles_n = (shape.n + block_n - 1) / block_n;
    return (tiles_m + tiles_per_block - 1) / tiles_per_block * tiles_n;
  }
  int register_cap() const { return std::min(255, 65536 / (threads() * blocks_per_sm) / 8 * 8); }
  int registers_needed() const { return block_n + kOtherRegisters; }
};
Tile tile_of(const KernelConfig& c) {
  return {c.shape, c.get("block_m"), c.get("block_n"), c.get("tiles_per_block"), c.get("blocks_per_sm"),
          Precision(c.get("precision"))};
}

class WgmmaStoreBound final : public KernelFamily {
 public:
  std::string name() const override { return "wgmma_store_bound"; }
  std::string summary() const override {
    return "small-K GEMM bound by the write of C on Hopper wgmma (tf32x3 or tf32; sm_90a, 9.0 GPUs only): one tile's "
           "products run while the previous tile is stored";
  }
  std::string source() const override { return "wgmma_store_bound.cu"; }
  const ParamTable& params() const override {
    // 64x128 tiles (one warpgroup), two blocks an SM, 64-tile strips: the fastest tf32x3 on P9 in
    // the default sweep on the H200 (1.097 ms; 1.12 with 32-tile strips or three blocks an SM,
    // 1.28 with 64 columns). 128 rows (two warpgroups) measured 1.24 and stay out of the sweep.
    static const ParamTable t = {
        pow2_param("block_m", {64, 128}, 64, {64}, "_",
                   "rows of C per tile: a warpgroup (128 threads) of 64 rows each, with its own A buffers"),
        pow2_param("block_n", {64, 128}, 128, {64, 128}, "x", "columns of C per tile (the wgmma's N: m64nBLOCK_Nk8)"),
        pow2_param("tiles_per_block", {1, 2, 4, 8, 16, 32, 64, 128}, 64, {32, 64, 128}, "_tpb",
                   "tiles a block walks down M, reusing the B slice it staged once"),
        integer_param("blocks_per_sm", {1, 2, 3, 4}, 2, {1, 2, 3, 4}, "_bps",
                      "blocks an SM must hold at once (__launch_bounds__' minimum: caps registers at 64K / (threads x this))"),
        precision_param({Precision::TF32, Precision::TF32x3}, Precision::TF32x3, {Precision::TF32, Precision::TF32x3}),
    };
    return t;
  }
  std::vector<ConfigError> check(const KernelConfig& c, const GpuSpec& gpu) const override {
    const auto& s = c.shape;
    const Tile t = tile_of(c);
    std::vector<ConfigError> e = check_sm90a_only(name(), gpu, "tc_store_bound");
    if (s.a_layout != Layout::RowMajor)
      e.push_back({"layout", problem_name(s), "wgmma_store_bound needs row-major A (its K-major tiles come by 16-byte cp.async)"});
    if (t.precision == Precision::FP32)
      e.push_back({"precision", "fp32", "wgmma_store_bound runs tf32 or tf32x3 on tensor cores; use store_bound for fp32"});
    if (s.k > kMaxK)
      e.push_back({"K", str(s.k),
                   "exceeds " + str(kMaxK) + ": wgmma_store_bound stages and unrolls the whole K once per block (small K only; use "
                   "wgmma_splitk)"});
    if (t.registers_needed() > t.register_cap())
      e.push_back({"blocks_per_sm", str(t.blocks_per_sm),
                   "caps registers at " + str(t.register_cap()) + " a thread (64K / (" + str(t.threads()) + " threads x " +
                       str(t.blocks_per_sm) + ")); block_n=" + str(t.block_n) + " needs about " + str(t.registers_needed()) +
                       " (two accumulator sets of " + str(t.block_n / 2) + ", then addresses)"});
    if (gpu.smem_per_sm > 0 && s.k <= kMaxK &&
        t.blocks_per_sm * (t.smem_bytes() + gpu.smem_reserved_per_block) > gpu.smem_per_sm)
      e.push_back({"blocks_per_sm", str(t.blocks_per_sm),
                   "blocks of " + str(t.smem_bytes()) + " bytes of shared memory; " + gpu.name + " holds " +
                       str(gpu.smem_per_sm / (t.smem_bytes() + gpu.smem_reserved_per_block)) + " an SM (" + str(gpu.smem_per_sm) +
                       " bytes)"});
    if (t.grid_blocks() > 2147483647LL)
      e.push_back({"tiles_per_block", str(t.tiles_per_block), str(t.grid_blocks()) + " blocks exceed the 2^31-1 of a 1-D grid"});
    return e;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    LaunchStep k;
    k.entry = "wgmma_store_bound";
    k.grid = {t.grid_blocks(), 1, 1};
    k.block = {t.threads(), 1, 1};
    k.dynamic_smem = t.smem_bytes();
    k.smem_formula = "parts x (block_n x K' + 2 x block_m x K') x 4 + 1024, K' = K rounded up to 32, parts 2 in tf32x3 "
                     "(the B^T slice and two A buffers, each big and small; + 1024 aligns the swizzle)";
    k.smem_param = "K";
    return {{k}, 0, false};
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    auto d = common_defines(c.shape);
    if (c.shape.k % 4 != 0) d.push_back("-DALIGNED16=0");  // A's rows are not 16-byte aligned
    for (auto [k, v] : {std::pair{"BLOCK_N", t.block_n}, {"WARPGROUPS", t.warpgroups()}, {"TILES_PER_BLOCK", t.tiles_per_block},
                        {"MIN_BLOCKS", t.blocks_per_sm}, {"PRECISION", int(t.precision)}, {"KC", int(t.kc())}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }
  std::string target_arch(const GpuSpec& gpu) const override { return gpu.arch() + "a"; }
  double error_bound(const KernelConfig& c) const override { return tile_of(c).precision == Precision::TF32 ? 5e-3 : 1e-5; }

 protected:
  // Larger K: fewer blocks an SM, then narrower tiles, until the slices fit the H100/H200's 227 KB
  // a block (228 KB an SM); the register rule follows blocks_per_sm down.
  void fit_defaults(KernelConfig& c) const override {
    constexpr int64_t kSmPerSm = 228 * 1024, kReserved = 1024, kPerBlock = 227 * 1024;
    auto fits = [&] {
      const Tile t = tile_of(c);
      return t.blocks_per_sm * (t.smem_bytes() + kReserved) <= kSmPerSm && t.smem_bytes() <= kPerBlock;
    };
    while (!fits() && c.get("blocks_per_sm") > 1) c.set("blocks_per_sm", c.get("blocks_per_sm") - 1);
    while (!fits() && c.get("block_n") > 64) c.set("block_n", c.get("block_n") / 2);
  }
};

}  // namespace

std::shared_ptr<const KernelFamily> make_wgmma_store_bound_family() { return std::make_shared<WgmmaStoreBound>(); }

}  // namespace gemmscope
