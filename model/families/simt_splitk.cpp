// Family simt_splitk: FP32 SIMT GEMM with a multi-stage shared-memory pipeline and split-K (large
// K, e.g. P6), from kernels/simt_splitk.cu: B by cp.async, A transposed through registers into a
// k-major tile, float4 fragments of both. Threads per block follow from the tiles:
// (BLOCK_M/TM) x (BLOCK_N/TN); tiles of 256 threads and at most 64 accumulators are capped at
// 128 registers for two blocks per SM.
#include <string>

#include "model/kernel_family.h"

namespace gemmscope {
namespace {

const std::vector<int> kBlocksMN = {32, 64, 128, 256};
const std::vector<int> kBlocksK = {8, 16, 32, 64};  // multiples of 4: 16-byte cp.async chunks
const std::vector<int> kThreadM = {4, 8, 16};  // multiples of 4: float4 reads of the k-major A tile
const std::vector<int> kThreadN = {4, 8, 16};       // multiples of 4: float4 shared loads and stores
const std::vector<int> kStages = {2, 3, 4, 5, 6};
constexpr int kMaxAccumulators = 128;

std::string str(int64_t v) { return std::to_string(v); }

int threads_of(const KernelConfig& c) { return (c.block_m / c.thread_m) * (c.block_n / c.thread_n); }
int64_t smem_bytes(const KernelConfig& c) {
  return int64_t(c.stages) * int64_t(c.block_k) * (c.block_m + c.block_n) * 4;
}
int min_blocks(const KernelConfig& c) { return threads_of(c) <= 256 && c.thread_m * c.thread_n <= 64 ? 2 : 1; }

class SimtSplitK final : public KernelFamily {
 public:
  std::string name() const override { return "simt_splitk"; }
  std::string summary() const override {
    return "FP32 SIMT GEMM: multi-stage k-major smem tiles (A transposed through registers), TMxTN register tiles, K split over the grid (atomic or two-pass)";
  }
  std::string source() const override { return "simt_splitk.cu"; }
  std::vector<Param> params() const override {
    return {Param::BlockM, Param::BlockN, Param::BlockK, Param::ThreadM, Param::ThreadN, Param::Stages, Param::SplitK, Param::Reduction};
  }
  std::vector<int> choices(Param p) const override {
    switch (p) {
      case Param::BlockM:
      case Param::BlockN: return kBlocksMN;
      case Param::BlockK: return kBlocksK;
      case Param::ThreadM: return kThreadM;
      case Param::ThreadN: return kThreadN;
      case Param::Stages: return kStages;
      case Param::SplitK: return integer_range(1, 1024);
      case Param::Reduction: return {int(Reduction::Atomic), int(Reduction::TwoPass)};
      default: return {};
    }
  }
  KernelConfig defaults(const ProblemShape& s) const override {
    KernelConfig c;
    c.shape = s;
    c.family = name();
    c.block_m = 128, c.block_n = 128, c.block_k = 16, c.thread_m = 8, c.thread_n = 8, c.stages = 3;  // 48 KB, 2 blocks per SM: fastest on P6 on the H100 (sk66, 1.48 ms)
    c.reduction = Reduction::Atomic;
    const int64_t tiles = ((s.m + 127) / 128) * ((s.n + 127) / 128);
    const int64_t k_tiles = (s.k + c.block_k - 1) / c.block_k;
    // GPU-independent start: the largest power of two that keeps the grid at or under 256 blocks
    // (about one wave on a 128- or 132-SM GPU); the sweep then tries the counts that fill this GPU.
    c.split_k = 1;
    while (tiles * c.split_k * 2 <= 256 && c.split_k * 2 <= k_tiles) c.split_k *= 2;
    c.threads = threads_of(c);
    return c;
  }
  SweepSpace sweep_space(const ProblemShape& s, const GpuSpec& spec) const override {
    return {{Param::BlockM, {128}},
            {Param::BlockN, {128}},
            {Param::BlockK, {8, 16, 32}},
            {Param::ThreadM, {8}},
            {Param::ThreadN, {8}},
            {Param::Stages, {2, 3}},
            {Param::SplitK, split_k_candidates(s, 128, 128, 32, spec)},
            {Param::Reduction, {int(Reduction::Atomic)}}};
  }
  Check check(const KernelConfig& c, const GpuSpec& spec) const override {
    const auto& s = c.shape;
    if (s.a_layout != Layout::RowMajor || s.b_layout != Layout::RowMajor)
      return ConfigError{"layout", problem_name(s), "simt_splitk needs row-major A and B (16-byte cp.async rows)"};
    if (s.k % 4 != 0) return ConfigError{"K", str(s.k), "requires K % 4 == 0 (16-byte cp.async loads of A rows)"};
    if (s.n % 4 != 0) return ConfigError{"N", str(s.n), "requires N % 4 == 0 (16-byte cp.async loads of B rows and float4 stores)"};
    if (c.thread_m > c.block_m)
      return ConfigError{"thread_m", str(c.thread_m), "exceeds block_m=" + str(c.block_m)};
    if (c.thread_n > c.block_n)
      return ConfigError{"thread_n", str(c.thread_n), "exceeds block_n=" + str(c.block_n)};
    if (c.thread_m * c.thread_n > kMaxAccumulators)
      return ConfigError{"thread_m", str(c.thread_m) + "x" + str(c.thread_n),
                         "a register tile of " + str(c.thread_m * c.thread_n) + " accumulators; at most " + str(kMaxAccumulators) + " fit"};
    const int threads = threads_of(c);
    if (threads < 32 || threads > 1024)
      return ConfigError{"threads", str(threads), "(block_m/thread_m) x (block_n/thread_n) threads per block must be 32..1024"};
    const int64_t smem = smem_bytes(c);
    if (smem + spec.smem_reserved_per_block > spec.max_smem_per_block)
      return ConfigError{"stages", str(c.stages),
                         str(smem) + " B of shared memory (stages x block_k x (block_m + block_n) x 4) exceed the " +
                             str(spec.max_smem_per_block - spec.smem_reserved_per_block) + " B per block on " + spec.name};
    return check_split_k(c);
  }
  LaunchPlan plan(const KernelConfig& c) const override {
    LaunchStep k;
    k.entry = "simt_splitk";
    k.block = {threads_of(c), 1, 1};
    k.dynamic_smem = smem_bytes(c);
    return split_k_plan(c, k, "simt_splitk_reduce", 4);
  }
  std::vector<std::string> defines(const KernelConfig& c) const override {
    auto d = common_defines(c);
    const bool split = c.split_k > 1;
    for (auto [k, v] : {std::pair{"BLOCK_M", c.block_m}, {"BLOCK_N", c.block_n}, {"BLOCK_K", c.block_k}, {"TM", c.thread_m},
                        {"TN", c.thread_n}, {"THREADS", threads_of(c)}, {"STAGES", c.stages}, {"SPLIT_K", c.split_k},
                        {"REDUCTION", split ? int(c.reduction) : 0}, {"MIN_BLOCKS", min_blocks(c)}})
      d.push_back(std::string("-D") + k + "=" + std::to_string(v));
    return d;
  }
};

}  // namespace

std::unique_ptr<KernelFamily> make_simt_splitk_family() { return std::make_unique<SimtSplitK>(); }

}  // namespace gemmscope
