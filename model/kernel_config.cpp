#include "model/kernel_config.h"

#include <sstream>
#include <stdexcept>

namespace gemmscope {

bool is_pow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

const std::vector<std::pair<int, std::string>>& precision_labels() {
  static const std::vector<std::pair<int, std::string>> v = {
      {int(Precision::FP32), "fp32"}, {int(Precision::TF32), "tf32"}, {int(Precision::TF32x3), "tf32x3"}};
  return v;
}
const std::vector<std::pair<int, std::string>>& reduction_labels() {
  static const std::vector<std::pair<int, std::string>> v = {
      {int(Reduction::None), "none"}, {int(Reduction::Atomic), "atomic"}, {int(Reduction::TwoPass), "two_pass"}};
  return v;
}
const std::vector<std::pair<int, std::string>>& grid_order_labels() {
  static const std::vector<std::pair<int, std::string>> v = {{int(GridOrder::RowMajor), "row"}, {int(GridOrder::ColMajor), "col"}};
  return v;
}

namespace {
std::string label_of(const std::vector<std::pair<int, std::string>>& labels, int v) {
  for (const auto& [value, name] : labels)
    if (value == v) return name;
  return "?";
}
}  // namespace

std::string to_string(Layout l) { return l == Layout::RowMajor ? "row" : "col"; }
std::string to_string(Precision p) { return label_of(precision_labels(), int(p)); }
std::string to_string(Reduction r) { return label_of(reduction_labels(), int(r)); }
std::string to_string(GridOrder g) { return label_of(grid_order_labels(), int(g)); }

Layout parse_layout(const std::string& s) {
  if (s == "row") return Layout::RowMajor;
  if (s == "col") return Layout::ColMajor;
  throw std::invalid_argument("layout=" + s + ": not one of row, col");
}

Precision parse_precision(const std::string& s) {
  for (const auto& [value, name] : precision_labels())
    if (name == s) return Precision(value);
  throw std::invalid_argument("precision=" + s + ": not one of fp32, tf32, tf32x3");
}

ProblemShape problem_p9() { return {32768, 32768, 32, Layout::RowMajor, Layout::RowMajor}; }
ProblemShape problem_p6() { return {256, 256, 524288, Layout::RowMajor, Layout::RowMajor}; }

ProblemShape parse_problem(const std::string& text) {
  if (text == "p9") return problem_p9();
  if (text == "p6") return problem_p6();
  ProblemShape s;
  std::string dims = text, layouts;
  if (auto colon = text.find(':'); colon != std::string::npos) {
    dims = text.substr(0, colon);
    layouts = text.substr(colon + 1);
  }
  long long m = 0, n = 0, k = 0;
  char x1 = 0, x2 = 0, extra = 0;
  std::istringstream in(dims);
  if (!(in >> m >> x1 >> n >> x2 >> k) || x1 != 'x' || x2 != 'x' || (in >> extra))
    throw std::invalid_argument("problem '" + text + "': expected p9, p6 or MxNxK[:AB] (e.g. 1000x1000x64:RC)");
  if (m <= 0 || n <= 0 || k <= 0)
    throw std::invalid_argument("problem '" + text + "': M, N and K must be positive");
  if (m > 2147483647LL || n > 2147483647LL || k > 2147483647LL)
    throw std::invalid_argument("problem '" + text + "': each of M, N, K must fit in 32 bits");
  s.m = m, s.n = n, s.k = k;
  if (!layouts.empty()) {
    if (layouts.size() != 2) throw std::invalid_argument("problem '" + text + "': layouts are two letters, R or C, for A and B");
    auto one = [&](char c) {
      if (c == 'R' || c == 'r') return Layout::RowMajor;
      if (c == 'C' || c == 'c') return Layout::ColMajor;
      throw std::invalid_argument("problem '" + text + "': layout letter '" + std::string(1, c) + "' is not R or C");
    };
    s.a_layout = one(layouts[0]);
    s.b_layout = one(layouts[1]);
  }
  return s;
}

std::string problem_name(const ProblemShape& s) {
  if (s == problem_p9()) return "p9";
  if (s == problem_p6()) return "p6";
  std::string n = std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
  if (s.a_layout != Layout::RowMajor || s.b_layout != Layout::RowMajor)
    n += std::string(":") + (s.a_layout == Layout::RowMajor ? "R" : "C") + (s.b_layout == Layout::RowMajor ? "R" : "C");
  return n;
}

}  // namespace gemmscope
