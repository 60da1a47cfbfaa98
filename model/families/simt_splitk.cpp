// Family simt_splitk: FP32 SIMT GEMM with a multi-stage shared-memory pipeline and split-K (large
// K, e.g. P6), from kernels/simt_splitk.cu: B by cp.async, A transposed through registers into a
// k-major tile, float4 fragments of both. Threads per block follow from the tiles:
// (BLOCK_M/TM) x (BLOCK_N/TN); tiles of 256 threads and at most 64 accumulators are capped at
// 128 registers for two blocks per SM.
#include <string>

#include "model/kernel_family.h"

namespace gemmscope {
namespace {

constexpr int kMaxAccumulators = 128;

std::string str(int64_t v) { return std::to_string(v); }

struct Tile {
  int block_m, block_n, block_k, thread_m, thread_n, stages, split_k;
  Reduction reduction;
  int threads() const { return (block_m / thread_m) * (block_n / thread_n); }
  int64_t smem_bytes() const { return int64_t(stages) * int64_t(block_k) * (block_m + block_n) * 4; }
  int min_blocks() const { return threads() <= 256 && thread_m * thread_n <= 64 ? 2 : 1; }
};
Tile tile_of(const KernelConfig& c) {
  return {c.get("block_m"), c.get("block_n"), c.get("block_k"), c.get("thread_m"), c.get("thread_n"),
          c.get("stages"),  c.get("split_k"), Reduction(c.get("reduction"))};
}


class SimtSplitK final : public KernelFamily {
 public:
  std::string name() const override { return "simt_splitk"; }
  std::string summary() const override {
    return "FP32 SIMT GEMM: multi-stage k-major smem tiles (A transposed through registers), TMxTN register tiles, K split over the grid (atomic or two-pass)";
  }
  std::string source() const override { return "simt_splitk.cu"; }
  const ParamTable& params() const override {
    // 128x128x16, 8x8 per thread, 3 stages: 48 KB, 2 blocks per SM; fastest on P6 on the H100 (sk66, 1.48 ms).
    static const ParamTable t = {
        pow2_param("block_m", {32, 64, 128, 256}, 128, {128}, "_", "rows of C per block"),
        pow2_param("block_n", {32, 64, 128, 256}, 128, {128}, "x", "columns of C per block"),
        pow2_param("block_k", {8, 16, 32, 64}, 16, {8, 16, 32}, "x", "K per pipeline stage (multiples of 4: 16-byte cp.async chunks)"),
        pow2_param("thread_m", {4, 8, 16}, 8, {8}, "_r", "rows per thread (multiples of 4: float4 reads of the k-major A tile)"),
        pow2_param("thread_n", {4, 8, 16}, 8, {8}, "x", "columns per thread (multiples of 4: float4 shared loads and stores)"),
        integer_param("stages", {2, 3, 4, 5, 6}, 3, {2, 3}, "_s", "shared-memory pipeline depth"),
        split_k_param(1, 1, [](const ProblemShape& s) { return default_split_k(s, 16); },
                      [](const ProblemShape& s, const GpuSpec& g) { return split_k_candidates(s, 128, 128, 32, g); }),
        reduction_param({Reduction::Atomic, Reduction::TwoPass}, Reduction::Atomic, {Reduction::Atomic}),
    };
    return t;
  }
  std::vector<ConfigError> check(const KernelConfig& c, const GpuSpec&) const override {
    const auto& s = c.shape;
    const Tile t = tile_of(c);
    std::vector<ConfigError> e;
    if (s.a_layout != Layout::RowMajor || s.b_layout != Layout::RowMajor)
      e.push_back({"layout", problem_name(s), "simt_splitk needs row-major A and B (16-byte cp.async rows)"});
    if (t.thread_m > t.block_m) e.push_back({"thread_m", str(t.thread_m), "exceeds block_m=" + str(t.block_m)});
    if (t.thread_n > t.block_n) e.push_back({"thread_n", str(t.thread_n), "exceeds block_n=" + str(t.block_n)});
    if (t.thread_m * t.thread_n > kMaxAccumulators)
      e.push_back({"thread_m", str(t.thread_m) + "x" + str(t.thread_n),
                   "a register tile of " + str(t.thread_m * t.thread_n) + " accumulators; at most " + str(kMaxAccumulators) + " fit"});
    if (t.threads() < 32 || t.threads() > 1024)
      e.push_back({"threads", str(t.threads()), "(block_m/thread_m) x (block_n/thread_n) threads per block must be 32..1024"});
    for (auto& x : check_split_k(s, t.block_k, t.split_k, t.reduction)) e.push_back(x);
    return e;
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    LaunchStep k;
    k.entry = "simt_splitk";
    k.block = {t.threads(), 1, 1};
    k.dynamic_smem = t.smem_bytes();
    k.smem_formula = "stages x block_k x (block_m + block_n) x 4";
    k.smem_param = "stages";
    return split_k_plan(c.shape, t.block_m, t.block_n, t.split_k, t.reduction, k, "simt_splitk_reduce", 4);
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    const Tile t = tile_of(c);
    auto d = common_defines(c.shape);
    // Rows not 16-byte aligned: the kernel's element-wise copies and stores (any K and N).
    if (c.shape.k % 4 != 0 || c.shape.n % 4 != 0) d.push_back("-DALIGNED16=0");
    const bool split = t.split_k > 1;
    for (auto [k, v] : {std::pair{"BLOCK_M", t.block_m}, {"BLOCK_N", t.block_n}, {"BLOCK_K", t.block_k}, {"TM", t.thread_m},
                        {"TN", t.thread_n}, {"THREADS", t.threads()}, {"STAGES", t.stages}, {"SPLIT_K", t.split_k},
                        {"REDUCTION", split ? int(t.reduction) : 0}, {"MIN_BLOCKS", t.min_blocks()}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }
};

}  // namespace

std::shared_ptr<const KernelFamily> make_simt_splitk_family() { return std::make_shared<SimtSplitK>(); }

}  // namespace gemmscope
