// Families seed_tiled (the P6 seed baseline) and splitk (its split-K forms), both from
// kernels/tiled_gemm.cu. The per-thread register tile follows from the block tile and threads.
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

const std::vector<int> kBlocksMN = {16, 32, 64, 128, 256};
const std::vector<int> kBlocksK = {8, 16, 32, 64};
const std::vector<int> kThreads = {32, 64, 128, 256, 512, 1024};

// Splits the elements each thread owns into TM x TN, as square as the tile allows.
std::pair<int, int> thread_tile(const KernelConfig& c) {
  const int elems = c.block_m * c.block_n / c.threads;
  int tm = 1, tn = 1;
  while (tm * tn < elems) {
    if (tn <= tm && tn * 2 <= c.block_n) tn *= 2;
    else tm *= 2;
  }
  return {tm, tn};
}

class TiledBase : public KernelFamily {
 public:
  std::string source() const override { return "tiled_gemm.cu"; }
  std::vector<int> choices(Param p) const override {
    switch (p) {
      case Param::BlockM:
      case Param::BlockN: return kBlocksMN;
      case Param::BlockK: return kBlocksK;
      case Param::Threads: return kThreads;
      case Param::SplitK: return integer_range(2, 1024);
      case Param::Reduction: return {int(Reduction::Atomic), int(Reduction::TwoPass)};
      default: return {};
    }
  }
  Check check(const KernelConfig& c, const GpuSpec& spec) const override {
    const int tile = c.block_m * c.block_n;
    if (c.threads > tile)
      return ConfigError{"threads", std::to_string(c.threads), "more threads than the " + std::to_string(tile) + " elements of the tile"};
    const auto [tm, tn] = thread_tile(c);
    if (tm > c.block_m || (c.block_m / tm) * (c.block_n / tn) != c.threads)
      return ConfigError{"threads", std::to_string(c.threads), "cannot tile a " + std::to_string(c.block_m) + "x" + std::to_string(c.block_n) + " block"};
    if (tm * tn > 128)
      return ConfigError{"threads", std::to_string(c.threads),
                         "leaves a " + std::to_string(tm) + "x" + std::to_string(tn) + " register tile per thread; at most 128 accumulators fit"};
    const int64_t smem = int64_t(c.block_k) * (c.block_m + 1 + c.block_n) * 4;
    if (smem > 48 * 1024)
      return ConfigError{"smem", std::to_string(smem) + " B", "static shared memory is limited to 49152 B per block (BLOCK_K x (BLOCK_M+1+BLOCK_N) x 4)"};
    if (smem + spec.smem_reserved_per_block > spec.smem_per_sm)
      return ConfigError{"smem", std::to_string(smem) + " B", "exceeds the shared memory of one SM on " + spec.name};
    return check_split_k(c);
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    LaunchStep k;
    k.entry = "tiled_gemm";
    k.block = {c.threads, 1, 1};
    return split_k_plan(c, k, "tiled_gemm_reduce", 1);
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    auto d = common_defines(c);
    const auto [tm, tn] = thread_tile(c);
    const bool split = c.split_k > 1;
    for (auto [k, v] : {std::pair{"BLOCK_M", c.block_m}, {"BLOCK_N", c.block_n}, {"BLOCK_K", c.block_k}, {"THREADS", c.threads},
                        {"TM", tm}, {"TN", tn}, {"SPLIT_K", split ? c.split_k : 1},
                        {"REDUCTION", split ? int(c.reduction) : 0}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }
};

class SeedTiled final : public TiledBase {
 public:
  std::string name() const override { return "seed_tiled"; }
  std::string summary() const override { return "P6 seed baseline: BLOCK_M x BLOCK_N x BLOCK_K smem tiles, 2-D grid (FP32 SIMT)"; }
  std::vector<Param> params() const override { return {Param::BlockM, Param::BlockN, Param::BlockK, Param::Threads}; }
  KernelConfig defaults(const ProblemShape& s) const override {
    KernelConfig c;
    c.shape = s;
    c.family = name();
    c.block_m = 128, c.block_n = 128, c.block_k = 32, c.threads = 256;  // the seed: 128x128x32, 8 warps
    return c;
  }
  SweepSpace sweep_space(const ProblemShape&, const GpuSpec&) const override {
    return {{Param::BlockM, {32, 64, 128}}, {Param::BlockN, {32, 64, 128}}, {Param::BlockK, {16, 32}}, {Param::Threads, {64, 128, 256}}};
  }
};

class SplitK final : public TiledBase {
 public:
  std::string name() const override { return "splitk"; }
  std::string summary() const override { return "The P6 seed tiles with K split across a 3-D grid; atomic or two-pass reduction"; }
  std::vector<Param> params() const override {
    return {Param::BlockM, Param::BlockN, Param::BlockK, Param::Threads, Param::SplitK, Param::Reduction};
  }
  KernelConfig defaults(const ProblemShape& s) const override {
    KernelConfig c;
    c.shape = s;
    c.family = name();
    c.block_m = 128, c.block_n = 128, c.block_k = 32, c.threads = 256;
    // 64 slices for P6 (256 blocks on 132 SMs); fewer where K has fewer BLOCK_K steps.
    const int64_t k_tiles = (s.k + c.block_k - 1) / c.block_k;
    c.split_k = 2;
    while (c.split_k < 64 && c.split_k * 2 <= k_tiles) c.split_k *= 2;
    c.reduction = Reduction::TwoPass;
    return c;
  }
  SweepSpace sweep_space(const ProblemShape& s, const GpuSpec& spec) const override {
    return {{Param::BlockM, {64, 128}}, {Param::BlockN, {64, 128}}, {Param::Threads, {128, 256}},
            {Param::SplitK, split_k_candidates(s, 128, 128, 32, spec)},
            {Param::Reduction, {int(Reduction::Atomic), int(Reduction::TwoPass)}}};
  }
};

}  // namespace

std::unique_ptr<KernelFamily> make_seed_tiled_family() { return std::make_unique<SeedTiled>(); }
std::unique_ptr<KernelFamily> make_splitk_family() { return std::make_unique<SplitK>(); }

}  // namespace gemmscope
