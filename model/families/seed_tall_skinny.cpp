// Family seed_tall_skinny: the P9 seed baseline (kernels/seed_tall_skinny.cu).
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

const std::vector<int> kBlocks = {16, 32, 64, 128, 256};
const std::vector<int> kThreads = {32, 64, 128, 256, 512, 1024};

class SeedTallSkinny final : public KernelFamily {
 public:
  std::string name() const override { return "seed_tall_skinny"; }
  std::string summary() const override {
    return "P9 seed baseline: one block per BLOCK_M x BLOCK_N tile, outer-product loop over k";
  }
  std::string source() const override { return "seed_tall_skinny.cu"; }
  std::vector<Param> params() const override { return {Param::BlockM, Param::BlockN, Param::Threads}; }
  std::vector<int> choices(Param p) const override {
    if (p == Param::BlockM || p == Param::BlockN) return kBlocks;
    if (p == Param::Threads) return kThreads;
    return {};
  }
  KernelConfig defaults(const ProblemShape& s) const override {
    KernelConfig c;
    c.shape = s;
    c.family = name();
    c.block_m = 128, c.block_n = 64, c.threads = 128;  // the seed: 128x64 tile, Triton's 4 warps
    return c;
  }
  SweepSpace sweep_space(const ProblemShape&, const GpuSpec&) const override {
    return {{Param::BlockM, {32, 64, 128, 256}}, {Param::BlockN, {32, 64, 128, 256}}, {Param::Threads, {64, 128, 256, 512}}};
  }
  Check check(const KernelConfig& c, const GpuSpec&) const override {
    const int tile = c.block_m * c.block_n;
    if (c.threads > tile)
      return ConfigError{"threads", std::to_string(c.threads),
                         "more threads than the " + std::to_string(tile) + " elements of a " + std::to_string(c.block_m) + "x" +
                             std::to_string(c.block_n) + " tile"};
    if (tile / c.threads > 128)
      return ConfigError{"threads", std::to_string(c.threads),
                         "leaves " + std::to_string(tile / c.threads) + " accumulators per thread; at most 128 fit in registers"};
    // The kernel gives each thread a TM x TN patch with TN = 4 adjacent columns (fewer for tiny
    // tiles); the patches must tile the block exactly.
    const int elems = tile / c.threads;
    const int tn = elems >= 4 && c.block_n >= 4 ? 4 : (elems >= 2 && c.block_n >= 2 ? 2 : 1);
    const int tm = elems / tn, threads_n = c.block_n / tn;
    if (threads_n > c.threads || (c.threads / threads_n) * tm != c.block_m)
      return ConfigError{"threads", std::to_string(c.threads),
                         "cannot lay " + std::to_string(tm) + "x" + std::to_string(tn) + " patches over a " + std::to_string(c.block_m) +
                             "x" + std::to_string(c.block_n) + " tile"};
    return std::nullopt;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    LaunchStep k;
    k.entry = "seed_tall_skinny";
    k.grid = {(c.shape.m + c.block_m - 1) / c.block_m, (c.shape.n + c.block_n - 1) / c.block_n, 1};
    k.block = {c.threads, 1, 1};
    return {{k}, 0, false};
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    auto d = common_defines(c);
    d.push_back("-DBLOCK_M=" + std::to_string(c.block_m));
    d.push_back("-DBLOCK_N=" + std::to_string(c.block_n));
    d.push_back("-DTHREADS=" + std::to_string(c.threads));
    return d;
  }
};

}  // namespace

std::unique_ptr<KernelFamily> make_seed_tall_skinny_family() { return std::make_unique<SeedTallSkinny>(); }

}  // namespace gemmscope
