// KernelConfig: a GEMM problem plus every tunable of the kernel that solves it. Plain data.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gemmscope {

enum class Layout { RowMajor, ColMajor };
enum class Precision { FP32, TF32, TF32x3 };
enum class Reduction { None, Atomic, TwoPass };
enum class GridOrder { RowMajor, ColMajor };  // the order tiles are handed to blocks

// C (M x N, row-major) = A (M x K) * B (K x N).
struct ProblemShape {
  int64_t m = 0, n = 0, k = 0;
  Layout a_layout = Layout::RowMajor, b_layout = Layout::RowMajor;
  bool operator==(const ProblemShape&) const = default;
  double flops() const { return 2.0 * double(m) * double(n) * double(k); }
  // The compulsory traffic: read A and B once, write C once.
  double min_bytes() const { return 4.0 * (double(m) * double(k) + double(k) * double(n) + double(m) * double(n)); }
};

// Every field a kernel family may read; each family says which ones it uses.
struct KernelConfig {
  ProblemShape shape;
  std::string family = "seed_tall_skinny";
  int block_m = 128, block_n = 64, block_k = 32;
  int threads = 128;       // threads per block
  int thread_m = 1, thread_n = 1;  // register tile per thread
  int stages = 1;          // shared-memory pipeline depth
  int split_k = 1;
  Reduction reduction = Reduction::None;
  int swizzle = 1;         // tiles grouped along the major grid axis; 1 = plain order
  GridOrder grid_order = GridOrder::RowMajor;
  Precision precision = Precision::FP32;

  // Canonical name: store key, JIT cache key part and plot label. Only the fields the family uses appear.
  std::string name() const;
  bool operator==(const KernelConfig&) const = default;
};

// The named tunables, for sweep axes, UI controls and error messages.
enum class Param { BlockM, BlockN, BlockK, Threads, ThreadM, ThreadN, Stages, SplitK, Reduction, Swizzle, GridOrder, Precision };
const std::vector<Param>& all_params();
std::string param_name(Param p);        // "block_m"
Param parse_param(const std::string&);  // throws naming the bad value and the accepted names
int get_param(const KernelConfig&, Param);  // enums as their integer value
void set_param(KernelConfig&, Param, int);

std::string to_string(Layout);
std::string to_string(Precision);
std::string to_string(Reduction);
std::string to_string(GridOrder);
Layout parse_layout(const std::string&);
Precision parse_precision(const std::string&);
Reduction parse_reduction(const std::string&);
GridOrder parse_grid_order(const std::string&);
std::string param_value_string(Param, int);  // "tf32x3", "atomic", "128"
int parse_param_value(Param, const std::string&);

// The two seed problems of the brief.
ProblemShape problem_p9();  // 32768x32 · 32x32768
ProblemShape problem_p6();  // 256x524288 · 524288x256
// "p9", "p6" or "MxNxK" (optionally ":AB" layouts, e.g. "512x512x512:RC"); throws on bad text.
ProblemShape parse_problem(const std::string&);
std::string problem_name(const ProblemShape&);

bool is_pow2(int64_t v);

}  // namespace gemmscope
