// Family seed_tall_skinny: the P9 seed baseline (kernels/seed_tall_skinny.cu).
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

struct Tile {
  int block_m, block_n, threads;
};
Tile tile_of(const KernelConfig& c) { return {c.get("block_m"), c.get("block_n"), c.get("threads")}; }

class SeedTallSkinny final : public KernelFamily {
 public:
  std::string name() const override { return "seed_tall_skinny"; }
  std::string summary() const override {
    return "P9 seed baseline: one block per BLOCK_M x BLOCK_N tile, outer-product loop over k";
  }
  std::string source() const override { return "seed_tall_skinny.cu"; }
  const ParamTable& params() const override {
    // The seed: a 128x64 tile and Triton's 4 warps.
    static const ParamTable t = {
        pow2_param("block_m", {16, 32, 64, 128, 256}, 128, {32, 64, 128, 256}, "_", "rows of C per block"),
        pow2_param("block_n", {16, 32, 64, 128, 256}, 64, {32, 64, 128, 256}, "x", "columns of C per block"),
        integer_param("threads", {32, 64, 128, 256, 512, 1024}, 128, {64, 128, 256, 512}, "_t", "threads per block"),
    };
    return t;
  }
  std::vector<ConfigError> check(const KernelConfig& c, const GpuSpec&) const override {
    const Tile t = tile_of(c);
    const int tile = t.block_m * t.block_n;
    if (t.threads > tile)
      return {{"threads", std::to_string(t.threads),
               "more threads than the " + std::to_string(tile) + " elements of a " + std::to_string(t.block_m) + "x" +
                   std::to_string(t.block_n) + " tile"}};
    if (tile / t.threads > 128)
      return {{"threads", std::to_string(t.threads),
               "leaves " + std::to_string(tile / t.threads) + " accumulators per thread; at most 128 fit in registers"}};
    // The kernel gives each thread a TM x TN patch with TN = 4 adjacent columns (fewer for tiny
    // tiles); the patches must tile the block exactly.
    const int elems = tile / t.threads;
    const int tn = elems >= 4 && t.block_n >= 4 ? 4 : (elems >= 2 && t.block_n >= 2 ? 2 : 1);
    const int tm = elems / tn, threads_n = t.block_n / tn;
    if (threads_n > t.threads || (t.threads / threads_n) * tm != t.block_m)
      return {{"threads", std::to_string(t.threads),
               "cannot lay " + std::to_string(tm) + "x" + std::to_string(tn) + " patches over a " + std::to_string(t.block_m) +
                   "x" + std::to_string(t.block_n) + " tile"}};
    return {};
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    LaunchStep k;
    k.entry = "seed_tall_skinny";
    k.grid = {(c.shape.m + t.block_m - 1) / t.block_m, (c.shape.n + t.block_n - 1) / t.block_n, 1};
    k.block = {t.threads, 1, 1};
    return {{k}, 0, false};
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    auto d = common_defines(c.shape);
    d.push_back("-DBLOCK_M=" + std::to_string(t.block_m));
    d.push_back("-DBLOCK_N=" + std::to_string(t.block_n));
    d.push_back("-DTHREADS=" + std::to_string(t.threads));
    return d;
  }
};

}  // namespace

std::shared_ptr<const KernelFamily> make_seed_tall_skinny_family() { return std::make_shared<SeedTallSkinny>(); }

}  // namespace gemmscope
