// Family wgmma_splitk: Hopper's wgmma TF32 GEMM with split-K for large K (P6), in tf32 or tf32x3,
// from kernels/wgmma_splitk.cu. It compiles for sm_90a, so it runs on a 9.0 GPU alone; everywhere
// else tc_splitk (mma.sync, sm_80 on) is the path. block_n is 64 columns a warpgroup.
#include <algorithm>
#include <string>

#include "model/kernel_family.h"

namespace gemmscope {
namespace {

// Accumulators a thread may hold: block_m / 2 a tile, twice with the FP32 flush's fresh tile.
constexpr int kMaxAccumulators = 128;
// Registers beside the accumulators that a tile needs at least (fragments, addresses), read off
// ptxas' sm_90a reports.
constexpr int kOtherRegisters = 24;

std::string str(int64_t v) { return std::to_string(v); }

struct Tile {
  int block_m, block_n, block_k, stages, split_k, blocks_per_sm;
  bool flush;
  Reduction reduction;
  Precision precision;
  int threads() const { return block_n / 64 * 128; }
  bool x3() const { return precision == Precision::TF32x3; }
  int accumulators() const { return block_m / 2 * (x3() && flush ? 2 : 1); }
  int64_t smem_bytes() const {
    const int64_t stage = (int64_t(block_m) * block_k + int64_t(block_k) * (block_n + 8) + 255) / 256 * 256;
    return (stages * stage + (x3() ? 2 * int64_t(block_m) * block_k : 0)) * 4 + 1024;  // + 1024: aligning the swizzle
  }
};
Tile tile_of(const KernelConfig& c) {
  return {c.get("block_m"), c.get("block_n"), c.get("block_k"), c.get("stages"), c.get("split_k"), c.get("blocks_per_sm"),
          c.get("flush") != 0, Reduction(c.get("reduction")), Precision(c.get("precision"))};
}

class WgmmaSplitK final : public KernelFamily {
 public:
  std::string name() const override { return "wgmma_splitk"; }
  std::string summary() const override {
    return "Hopper wgmma TF32 GEMM (tf32, or 3xTF32 big+small split; sm_90a, 9.0 GPUs only), cp.async stages, K split over the grid";
  }
  std::string source() const override { return "wgmma_splitk.cu"; }
  const ParamTable& params() const override {
    static const ParamTable t = {
        pow2_param("block_m", {64, 128, 256}, 128, {128, 256}, "_", "rows of C per block (the wgmma's N: m64nBLOCK_Mk8)"),
        pow2_param("block_n", {64, 128}, 128, {128}, "x", "columns of C per block: 64 a warpgroup of 128 threads"),
        pow2_param("block_k", {32, 64}, 32, {32}, "x", "K per pipeline stage (rows of 128 bytes: the A tile's swizzle)"),
        integer_param("stages", {2, 3, 4, 5, 6}, 4, {4}, "_s", "cp.async pipeline depth"),
        integer_param("blocks_per_sm", {1, 2, 3}, 1, {1}, "_bps",
                      "blocks an SM must fit (__launch_bounds__' minimum: caps registers at 64K / (threads x this))"),
        integer_param("flush", {0, 1}, 1, {1}, "_f",
                      "tf32x3: add each block_k step's products to FP32 registers (0: accumulate in the tensor cores)"),
        split_k_param(1, 1, [](const ProblemShape& s) { return default_split_k(s, 32); },
                      [](const ProblemShape& s, const GpuSpec& g) { return split_k_candidates(s, 128, 128, 64, g); }),
        reduction_param({Reduction::Atomic, Reduction::TwoPass}, Reduction::Atomic, {Reduction::Atomic}),
        precision_param({Precision::TF32, Precision::TF32x3}, Precision::TF32x3, {Precision::TF32, Precision::TF32x3}),
    };
    return t;
  }
  std::vector<ConfigError> check(const KernelConfig& c, const GpuSpec& gpu) const override {
    const auto& s = c.shape;
    const Tile t = tile_of(c);
    std::vector<ConfigError> e = check_sm90a_only(name(), gpu, "tc_splitk");
    if (s.a_layout != Layout::RowMajor || s.b_layout != Layout::RowMajor)
      e.push_back({"layout", problem_name(s), "wgmma_splitk needs row-major A and B (K-major A tiles, 16-byte cp.async rows)"});
    if (t.precision == Precision::FP32)
      e.push_back({"precision", "fp32", "wgmma_splitk runs tf32 or tf32x3 on tensor cores; use simt_splitk for fp32"});
    if (t.accumulators() > kMaxAccumulators)
      e.push_back({"block_m", str(t.block_m),
                   "gives " + str(t.accumulators()) + " accumulators a thread" + (t.x3() && t.flush ? " (with flush=1's fresh tile)" : "") +
                       "; at most " + str(kMaxAccumulators) + " fit beside the fragments"});
    // __launch_bounds__' minimum caps registers at 64K / (threads x blocks_per_sm); under the
    // accumulators and a few more, ptxas fails (tf32 256x128, 2 a SM) or spills (tf32x3 128x128).
    const int cap = std::min(255, 65536 / (t.threads() * t.blocks_per_sm) / 8 * 8);
    const int need = t.accumulators() + kOtherRegisters;
    if (need > cap)
      e.push_back({"blocks_per_sm", str(t.blocks_per_sm),
                   "caps registers at " + str(cap) + " a thread (64K / (" + str(t.threads()) + " threads x " + str(t.blocks_per_sm) +
                       ")); this tile needs about " + str(need) + " (" + str(t.accumulators()) + " accumulators, then fragments and addresses)"});
    for (auto& x : check_split_k(s, t.block_k, t.split_k, t.reduction)) e.push_back(x);
    return e;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    LaunchStep k;
    k.entry = "wgmma_splitk";
    k.block = {t.threads(), 1, 1};
    k.dynamic_smem = t.smem_bytes();
    k.smem_formula = "(stages x (block_m x block_k + block_k x (block_n+8), to 256) + tf32x3: 2 x block_m x block_k) x 4 + 1024";
    k.smem_param = "stages";
    return split_k_plan(c.shape, t.block_m, t.block_n, t.split_k, t.reduction, k, "wgmma_splitk_reduce", 4);
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    auto d = common_defines(c.shape);
    if (c.shape.k % 4 != 0 || c.shape.n % 4 != 0) d.push_back("-DALIGNED16=0");
    const bool split = t.split_k > 1;
    for (auto [k, v] : {std::pair{"BLOCK_M", t.block_m}, {"BLOCK_N", t.block_n}, {"BLOCK_K", t.block_k}, {"STAGES", t.stages},
                        {"SPLIT_K", t.split_k}, {"REDUCTION", split ? int(t.reduction) : 0}, {"PRECISION", int(t.precision)},
                        {"FLUSH", t.x3() && t.flush ? 1 : 0}, {"MIN_BLOCKS", t.blocks_per_sm}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }
  std::string target_arch(const GpuSpec& gpu) const override { return gpu.arch() + "a"; }
  double error_bound(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    return t.precision == Precision::TF32 ? 5e-3 : t.flush ? 1e-5 : 1e-4;
  }
};

}  // namespace

std::shared_ptr<const KernelFamily> make_wgmma_splitk_family() { return std::make_shared<WgmmaSplitK>(); }

}  // namespace gemmscope
