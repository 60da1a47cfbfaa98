// KernelConfig: a GEMM problem, the family that solves it and that family's parameter values by
// name (the family's ParamTable says which exist). Plain data; config_name() in kernel_family.h
// gives its canonical name.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/param_table.h"

namespace gemmscope {

enum class Layout { RowMajor, ColMajor };
// Values of the enum parameters families declare (their integer values are what configs hold).
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

struct KernelConfig {
  ProblemShape shape;
  std::string family;
  ParamValues params;

  int get(const std::string& name) const { return params.get(name); }
  void set(const std::string& name, int value) { params.set(name, value); }
  bool operator==(const KernelConfig&) const = default;
};

// The label sets of the shared enum parameters, value -> name.
const std::vector<std::pair<int, std::string>>& precision_labels();  // fp32, tf32, tf32x3
const std::vector<std::pair<int, std::string>>& reduction_labels();  // none, atomic, two_pass
const std::vector<std::pair<int, std::string>>& grid_order_labels(); // row, col

std::string to_string(Layout);
std::string to_string(Precision);
std::string to_string(Reduction);
std::string to_string(GridOrder);
Layout parse_layout(const std::string&);
Precision parse_precision(const std::string&);  // throws naming the bad value and the accepted ones

// The two seed problems of the brief.
ProblemShape problem_p9();  // 32768x32 · 32x32768
ProblemShape problem_p6();  // 256x524288 · 524288x256
// "p9", "p6" or "MxNxK" (optionally ":AB" layouts, e.g. "512x512x512:RC"); throws on bad text.
ProblemShape parse_problem(const std::string&);
std::string problem_name(const ProblemShape&);

bool is_pow2(int64_t v);

}  // namespace gemmscope
