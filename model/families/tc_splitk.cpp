// Family tc_splitk: tensor-core (mma.sync m16n8k8 TF32) GEMM with split-K for large K (P6), in
// tf32 or tf32x3 (3xTF32) precision, from kernels/tc_splitk.cu. The warps of a block form a
// WARPS_M x WARPS_N grid derived from the thread count.
#include <algorithm>
#include <string>

#include "model/families/mma_warp_grid.h"
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

const std::vector<int> kBlocksMN = {32, 64, 128, 256};
const std::vector<int> kBlocksK = {8, 16, 32, 64};  // multiples of the mma's k = 8
const std::vector<int> kThreads = {32, 64, 128, 256, 512};
const std::vector<int> kStages = {2, 3, 4, 5, 6};
constexpr int kMaxMmaTiles = 16;  // 16x8 tiles per warp: 64 accumulators + 64 per-step partials

std::string str(int64_t v) { return std::to_string(v); }

WarpGrid warp_grid(const KernelConfig& c) { return mma_warp_grid(c); }
int64_t smem_bytes(const KernelConfig& c) {
  return int64_t(c.stages) * (int64_t(c.block_m) * (c.block_k + 4) + int64_t(c.block_k) * (c.block_n + 8)) * 4;
}

class TcSplitK final : public KernelFamily {
 public:
  std::string name() const override { return "tc_splitk"; }
  std::string summary() const override {
    return "tensor-core mma.sync TF32 GEMM (tf32, or 3xTF32 big+small split), cp.async stages, K split over the grid";
  }
  std::string source() const override { return "tc_splitk.cu"; }
  std::vector<Param> params() const override {
    return {Param::BlockM, Param::BlockN, Param::BlockK, Param::Threads, Param::Stages, Param::SplitK, Param::Reduction, Param::Precision};
  }
  std::vector<int> choices(Param p) const override {
    switch (p) {
      case Param::BlockM:
      case Param::BlockN: return kBlocksMN;
      case Param::BlockK: return kBlocksK;
      case Param::Threads: return kThreads;
      case Param::Stages: return kStages;
      case Param::SplitK: return integer_range(1, 1024);
      case Param::Reduction: return {int(Reduction::Atomic), int(Reduction::TwoPass)};
      case Param::Precision: return {int(Precision::TF32), int(Precision::TF32x3)};
      default: return {};
    }
  }
  KernelConfig defaults(const ProblemShape& s) const override {
    KernelConfig c;
    c.shape = s;
    c.family = name();
    c.block_m = 128, c.block_n = 128, c.block_k = 32, c.threads = 256, c.stages = 2;  // 71.7 KB: fits the 4090
    c.reduction = Reduction::Atomic;
    c.precision = Precision::TF32x3;
    const int64_t tiles = ((s.m + 127) / 128) * ((s.n + 127) / 128);
    const int64_t k_tiles = (s.k + c.block_k - 1) / c.block_k;
    // GPU-independent start: the largest power of two that keeps the grid at or under 256 blocks
    // (about one wave on a 128- or 132-SM GPU); the sweep then tries the counts that fill this GPU.
    c.split_k = 1;
    while (tiles * c.split_k * 2 <= 256 && c.split_k * 2 <= k_tiles) c.split_k *= 2;
    return c;
  }
  SweepSpace sweep_space(const ProblemShape& s, const GpuSpec& spec) const override {
    return {{Param::BlockM, {128}},
            {Param::BlockN, {128}},
            {Param::BlockK, {32, 64}},
            {Param::Threads, {256}},
            {Param::Stages, {2}},  // 3 stages measured slower on the H100 and do not fit the 4090
            {Param::SplitK, split_k_candidates(s, 128, 128, 64, spec)},
            {Param::Reduction, {int(Reduction::Atomic)}},
            {Param::Precision, {int(Precision::TF32), int(Precision::TF32x3)}}};
  }
  Check check(const KernelConfig& c, const GpuSpec& spec) const override {
    const auto& s = c.shape;
    if (s.a_layout != Layout::RowMajor || s.b_layout != Layout::RowMajor)
      return ConfigError{"layout", problem_name(s), "tc_splitk needs row-major A and B (16-byte cp.async rows)"};
    if (s.k % 4 != 0) return ConfigError{"K", str(s.k), "requires K % 4 == 0 (16-byte cp.async loads of A rows)"};
    if (s.n % 4 != 0) return ConfigError{"N", str(s.n), "requires N % 4 == 0 (16-byte cp.async loads of B rows)"};
    if (c.precision == Precision::FP32)
      return ConfigError{"precision", "fp32", "tc_splitk runs tf32 or tf32x3 on tensor cores; use simt_splitk for fp32"};
    const WarpGrid w = warp_grid(c);
    const int wtm = c.block_m / w.warps_m, wtn = c.block_n / w.warps_n;
    if (wtm < 16 || c.block_m % w.warps_m != 0)
      return ConfigError{"threads", str(c.threads),
                         "gives " + str(w.warps_m) + " warps along M; block_m=" + str(c.block_m) + " must give each at least 16 rows"};
    if (wtn < 8 || c.block_n % w.warps_n != 0)
      return ConfigError{"threads", str(c.threads),
                         "gives " + str(w.warps_n) + " warps along N; block_n=" + str(c.block_n) + " must give each at least 8 columns"};
    const int mma_tiles = (wtm / 16) * (wtn / 8);
    if (mma_tiles > kMaxMmaTiles)
      return ConfigError{"threads", str(c.threads),
                         "leaves a " + str(wtm) + "x" + str(wtn) + " warp tile (" + str(mma_tiles) + " mma tiles); at most " +
                             str(kMaxMmaTiles) + " fit in registers"};
    const int64_t smem = smem_bytes(c);
    if (smem + spec.smem_reserved_per_block > spec.max_smem_per_block)
      return ConfigError{"stages", str(c.stages),
                         str(smem) + " B of shared memory (stages x (block_m x (block_k+4) + block_k x (block_n+8)) x 4) exceed the " +
                             str(spec.max_smem_per_block - spec.smem_reserved_per_block) + " B per block on " + spec.name};
    return check_split_k(c);
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    LaunchStep k;
    k.entry = "tc_splitk";
    k.block = {c.threads, 1, 1};
    k.dynamic_smem = smem_bytes(c);
    return split_k_plan(c, k, "tc_splitk_reduce", 4);
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    auto d = common_defines(c);
    const bool split = c.split_k > 1;
    const WarpGrid w = warp_grid(c);
    for (auto [k, v] : {std::pair{"BLOCK_M", c.block_m}, {"BLOCK_N", c.block_n}, {"BLOCK_K", c.block_k}, {"THREADS", c.threads},
                        {"WARPS_M", w.warps_m}, {"WARPS_N", w.warps_n}, {"STAGES", c.stages}, {"SPLIT_K", c.split_k},
                        {"REDUCTION", split ? int(c.reduction) : 0}, {"PRECISION", int(c.precision)},
                        {"MIN_BLOCKS", c.precision == Precision::TF32 && c.threads <= 512 ? 2 : 1}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }
  // The flush of each BLOCK_K step into FP32 registers keeps tf32x3 at FP32's level (~1e-6 on
  // [0,1) inputs); plain tf32 rounds every operand to 11 significant bits.
  double error_bound(const KernelConfig& c) const override { return c.precision == Precision::TF32 ? 5e-3 : 1e-5; }
};

}  // namespace

std::unique_ptr<KernelFamily> make_tc_splitk_family() { return std::make_unique<TcSplitK>(); }

}  // namespace gemmscope
