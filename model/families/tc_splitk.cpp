// Family tc_splitk: tensor-core (mma.sync m16n8k8 TF32) GEMM with split-K for large K (P6), in
// tf32 or tf32x3 (3xTF32) precision, from kernels/tc_splitk.cu. The warps of a block form a
// WARPS_M x WARPS_N grid derived from the thread count.
#include <algorithm>
#include <string>

#include "model/families/mma_warp_grid.h"
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

constexpr int kMaxMmaTiles = 16;  // 16x8 tiles per warp: 64 accumulators + 64 per-step partials

std::string str(int64_t v) { return std::to_string(v); }

struct Tile {
  int block_m, block_n, block_k, threads, stages, split_k;
  Reduction reduction;
  Precision precision;
  int64_t smem_bytes() const {
    return int64_t(stages) * (int64_t(block_m) * (block_k + 4) + int64_t(block_k) * (block_n + 8)) * 4;
  }
};
Tile tile_of(const KernelConfig& c) {
  return {c.get("block_m"), c.get("block_n"), c.get("block_k"), c.get("threads"), c.get("stages"), c.get("split_k"),
          Reduction(c.get("reduction")), Precision(c.get("precision"))};
}


class TcSplitK final : public KernelFamily {
 public:
  std::string name() const override { return "tc_splitk"; }
  std::string summary() const override {
    return "tensor-core mma.sync TF32 GEMM (tf32, or 3xTF32 big+small split), cp.async stages, K split over the grid";
  }
  std::string source() const override { return "tc_splitk.cu"; }
  const ParamTable& params() const override {
    // 128x128x32, 8 warps, 2 stages: 71.7 KB, which fits the 4090.
    static const ParamTable t = {
        pow2_param("block_m", {32, 64, 128, 256}, 128, {128}, "_", "rows of C per block"),
        pow2_param("block_n", {32, 64, 128, 256}, 128, {128}, "x", "columns of C per block"),
        pow2_param("block_k", {8, 16, 32, 64}, 32, {32, 64}, "x", "K per pipeline stage (multiples of the mma's k = 8)"),
        integer_param("threads", {32, 64, 128, 256, 512}, 256, {256}, "_t", "threads per block (warps form a WARPS_M x WARPS_N grid)"),
        // 3 stages measured slower on the H100 and do not fit the 4090.
        integer_param("stages", {2, 3, 4, 5, 6}, 2, {2}, "_s", "cp.async pipeline depth"),
        split_k_param(1, 1, [](const ProblemShape& s) { return default_split_k(s, 32); },
                      [](const ProblemShape& s, const GpuSpec& g) { return split_k_candidates(s, 128, 128, 64, g); }),
        reduction_param({Reduction::Atomic, Reduction::TwoPass}, Reduction::Atomic, {Reduction::Atomic}),
        precision_param({Precision::TF32, Precision::TF32x3}, Precision::TF32x3, {Precision::TF32, Precision::TF32x3}),
    };
    return t;
  }
  std::vector<ConfigError> check(const KernelConfig& c, const GpuSpec&) const override {
    const auto& s = c.shape;
    const Tile t = tile_of(c);
    std::vector<ConfigError> e;
    if (s.a_layout != Layout::RowMajor || s.b_layout != Layout::RowMajor)
      e.push_back({"layout", problem_name(s), "tc_splitk needs row-major A and B (16-byte cp.async rows)"});
    if (t.precision == Precision::FP32)
      e.push_back({"precision", "fp32", "tc_splitk runs tf32 or tf32x3 on tensor cores; use simt_splitk for fp32"});
    const WarpGrid w = mma_warp_grid(t.threads);
    const int wtm = t.block_m / w.warps_m, wtn = t.block_n / w.warps_n;
    if (wtm < 16 || t.block_m % w.warps_m != 0)
      e.push_back({"threads", str(t.threads),
                   "gives " + str(w.warps_m) + " warps along M; block_m=" + str(t.block_m) + " must give each at least 16 rows"});
    if (wtn < 8 || t.block_n % w.warps_n != 0)
      e.push_back({"threads", str(t.threads),
                   "gives " + str(w.warps_n) + " warps along N; block_n=" + str(t.block_n) + " must give each at least 8 columns"});
    const int mma_tiles = (wtm / 16) * (wtn / 8);
    if (mma_tiles > kMaxMmaTiles)
      e.push_back({"threads", str(t.threads),
                   "leaves a " + str(wtm) + "x" + str(wtn) + " warp tile (" + str(mma_tiles) + " mma tiles); at most " +
                       str(kMaxMmaTiles) + " fit in registers"});
    for (auto& x : check_split_k(s, t.block_k, t.split_k, t.reduction)) e.push_back(x);
    return e;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    LaunchStep k;
    k.entry = "tc_splitk";
    k.block = {t.threads, 1, 1};
    k.dynamic_smem = t.smem_bytes();
    k.smem_formula = "stages x (block_m x (block_k+4) + block_k x (block_n+8)) x 4";
    k.smem_param = "stages";
    return split_k_plan(c.shape, t.block_m, t.block_n, t.split_k, t.reduction, k, "tc_splitk_reduce", 4);
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    auto d = common_defines(c.shape);
    // Rows not 16-byte aligned: the kernel's element-wise copies and stores (any K and N).
    if (c.shape.k % 4 != 0 || c.shape.n % 4 != 0) d.push_back("-DALIGNED16=0");
    const bool split = t.split_k > 1;
    const WarpGrid w = mma_warp_grid(t.threads);
    for (auto [k, v] : {std::pair{"BLOCK_M", t.block_m}, {"BLOCK_N", t.block_n}, {"BLOCK_K", t.block_k}, {"THREADS", t.threads},
                        {"WARPS_M", w.warps_m}, {"WARPS_N", w.warps_n}, {"STAGES", t.stages}, {"SPLIT_K", t.split_k},
                        {"REDUCTION", split ? int(t.reduction) : 0}, {"PRECISION", int(t.precision)},
                        {"MIN_BLOCKS", t.precision == Precision::TF32 && t.threads <= 512 ? 2 : 1}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }
  // The flush of each BLOCK_K step into FP32 registers keeps tf32x3 at FP32's level (~1e-6 on
  // [0,1) inputs); plain tf32 rounds every operand to 11 significant bits.
  double error_bound(const KernelConfig& c) const override { return precision(c) == Precision::TF32 ? 5e-3 : 1e-5; }
};

}  // namespace

std::shared_ptr<const KernelFamily> make_tc_splitk_family() { return std::make_shared<TcSplitK>(); }

}  // namespace gemmscope
