// Families seed_tiled (the P6 seed baseline) and splitk (its split-K forms), both from
// kernels/tiled_gemm.cu. The per-thread register tile follows from the block tile and threads.
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

constexpr int kMaxStaticSmem = 48 * 1024;  // CUDA's limit on static shared memory per block

struct Tile {
  int block_m, block_n, block_k, threads, split_k;
  Reduction reduction;
  // Splits the elements each thread owns into TM x TN, as square as the tile allows.
  std::pair<int, int> thread_tile() const {
    const int elems = block_m * block_n / threads;
    int tm = 1, tn = 1;
    while (tm * tn < elems) {
      if (tn <= tm && tn * 2 <= block_n) tn *= 2;
      else tm *= 2;
    }
    return {tm, tn};
  }
  int64_t smem_bytes() const { return int64_t(block_k) * (block_m + 1 + block_n) * 4; }
};
// seed_tiled has no split-K parameters: one slice, no reduction.
Tile tile_of(const KernelConfig& c) {
  return {c.get("block_m"), c.get("block_n"), c.get("block_k"), c.get("threads"), c.params.find("split_k").value_or(1),
          Reduction(c.params.find("reduction").value_or(int(Reduction::None)))};
}

ParamTable tiled_params(std::vector<int> sweep_m, std::vector<int> sweep_n, std::vector<int> sweep_k,
                        std::vector<int> sweep_threads) {
  // The seed: 128x128x32 tiles and 8 warps.
  return {
      pow2_param("block_m", {16, 32, 64, 128, 256}, 128, std::move(sweep_m), "_", "rows of C per block"),
      pow2_param("block_n", {16, 32, 64, 128, 256}, 128, std::move(sweep_n), "x", "columns of C per block"),
      pow2_param("block_k", {8, 16, 32, 64}, 32, std::move(sweep_k), "x", "K per shared-memory tile"),
      integer_param("threads", {32, 64, 128, 256, 512, 1024}, 256, std::move(sweep_threads), "_t", "threads per block"),
  };
}

class TiledBase : public KernelFamily {
 public:
  std::string source() const override { return "tiled_gemm.cu"; }
  std::vector<ConfigError> check(const KernelConfig& c, const GpuSpec&) const override {
    const Tile t = tile_of(c);
    const int tile = t.block_m * t.block_n;
    std::vector<ConfigError> e;
    if (t.threads > tile) {
      e.push_back({"threads", std::to_string(t.threads), "more threads than the " + std::to_string(tile) + " elements of the tile"});
    } else {
      const auto [tm, tn] = t.thread_tile();
      if (tm > t.block_m || (t.block_m / tm) * (t.block_n / tn) != t.threads)
        e.push_back({"threads", std::to_string(t.threads),
                     "cannot tile a " + std::to_string(t.block_m) + "x" + std::to_string(t.block_n) + " block"});
      else if (tm * tn > 128)
        e.push_back({"threads", std::to_string(t.threads),
                     "leaves a " + std::to_string(tm) + "x" + std::to_string(tn) + " register tile per thread; at most 128 accumulators fit"});
    }
    if (t.smem_bytes() > kMaxStaticSmem)
      e.push_back({"smem", std::to_string(t.smem_bytes()) + " B",
                   "static shared memory is limited to 49152 B per block (BLOCK_K x (BLOCK_M+1+BLOCK_N) x 4)"});
    for (auto& x : check_split_k(c.shape, t.block_k, t.split_k, t.reduction)) e.push_back(x);
    return e;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    LaunchStep k;
    k.entry = "tiled_gemm";
    k.block = {t.threads, 1, 1};
    k.static_smem_estimate = t.smem_bytes();
    k.smem_formula = "BLOCK_K x (BLOCK_M+1+BLOCK_N) x 4, static";
    k.smem_param = "block_k";
    return split_k_plan(c.shape, t.block_m, t.block_n, t.split_k, t.reduction, k, "tiled_gemm_reduce", 1);
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    auto d = common_defines(c.shape);
    const auto [tm, tn] = t.thread_tile();
    const bool split = t.split_k > 1;
    for (auto [k, v] : {std::pair{"BLOCK_M", t.block_m}, {"BLOCK_N", t.block_n}, {"BLOCK_K", t.block_k}, {"THREADS", t.threads},
                        {"TM", tm}, {"TN", tn}, {"SPLIT_K", split ? t.split_k : 1},
                        {"REDUCTION", split ? int(t.reduction) : 0}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }
};

class SeedTiled final : public TiledBase {
 public:
  std::string name() const override { return "seed_tiled"; }
  std::string summary() const override { return "P6 seed baseline: BLOCK_M x BLOCK_N x BLOCK_K smem tiles, 2-D grid (FP32 SIMT)"; }
  const ParamTable& params() const override {
    static const ParamTable t = tiled_params({32, 64, 128}, {32, 64, 128}, {16, 32}, {64, 128, 256});
    return t;
  }
};

// 64 slices for P6 (256 blocks on 132 SMs); fewer where K has fewer BLOCK_K steps.
int default_split(const ProblemShape& s) {
  const int64_t k_tiles = (s.k + 31) / 32;
  int split = 2;
  while (split < 64 && split * 2 <= k_tiles) split *= 2;
  return split;
}

class SplitK final : public TiledBase {
 public:
  std::string name() const override { return "splitk"; }
  std::string summary() const override { return "The P6 seed tiles with K split across a 3-D grid; atomic or two-pass reduction"; }
  const ParamTable& params() const override {
    static const ParamTable t = [] {
      ParamTable p = tiled_params({64, 128}, {64, 128}, {}, {128, 256});
      p.push_back(split_k_param(2, 2, default_split,
                                [](const ProblemShape& s, const GpuSpec& g) { return split_k_candidates(s, 128, 128, 32, g); }));
      p.push_back(reduction_param({Reduction::Atomic, Reduction::TwoPass}, Reduction::TwoPass, {Reduction::Atomic, Reduction::TwoPass}));
      return p;
    }();
    return t;
  }
};

}  // namespace

std::shared_ptr<const KernelFamily> make_seed_tiled_family() { return std::make_shared<SeedTiled>(); }
std::shared_ptr<const KernelFamily> make_splitk_family() { return std::make_shared<SplitK>(); }

}  // namespace gemmscope
