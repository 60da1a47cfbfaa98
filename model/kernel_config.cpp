#include "model/kernel_config.h"

#include <sstream>
#include <stdexcept>

#include "model/kernel_family.h"

namespace gemmscope {

bool is_pow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

namespace {
template <class E>
E parse_enum(const std::string& text, const char* what, std::initializer_list<std::pair<const char*, E>> names) {
  std::string accepted;
  for (auto& [n, e] : names) {
    if (text == n) return e;
    accepted += accepted.empty() ? n : std::string(", ") + n;
  }
  throw std::invalid_argument(std::string(what) + "=" + text + ": not one of " + accepted);
}
}  // namespace

std::string to_string(Layout l) { return l == Layout::RowMajor ? "row" : "col"; }
std::string to_string(Precision p) {
  switch (p) {
    case Precision::FP32: return "fp32";
    case Precision::TF32: return "tf32";
    case Precision::TF32x3: return "tf32x3";
  }
  return "?";
}
std::string to_string(Reduction r) {
  switch (r) {
    case Reduction::None: return "none";
    case Reduction::Atomic: return "atomic";
    case Reduction::TwoPass: return "two_pass";
  }
  return "?";
}
std::string to_string(GridOrder g) { return g == GridOrder::RowMajor ? "row" : "col"; }

Layout parse_layout(const std::string& s) {
  return parse_enum<Layout>(s, "layout", {{"row", Layout::RowMajor}, {"col", Layout::ColMajor}});
}
Precision parse_precision(const std::string& s) {
  return parse_enum<Precision>(s, "precision", {{"fp32", Precision::FP32}, {"tf32", Precision::TF32}, {"tf32x3", Precision::TF32x3}});
}
Reduction parse_reduction(const std::string& s) {
  return parse_enum<Reduction>(s, "reduction", {{"none", Reduction::None}, {"atomic", Reduction::Atomic}, {"two_pass", Reduction::TwoPass}});
}
GridOrder parse_grid_order(const std::string& s) {
  return parse_enum<GridOrder>(s, "grid_order", {{"row", GridOrder::RowMajor}, {"col", GridOrder::ColMajor}});
}

const std::vector<Param>& all_params() {
  static const std::vector<Param> v = {Param::BlockM, Param::BlockN, Param::BlockK, Param::Threads,
                                       Param::ThreadM, Param::ThreadN, Param::Stages, Param::SplitK,
                                       Param::Reduction, Param::Swizzle, Param::GridOrder, Param::Precision};
  return v;
}

std::string param_name(Param p) {
  switch (p) {
    case Param::BlockM: return "block_m";
    case Param::BlockN: return "block_n";
    case Param::BlockK: return "block_k";
    case Param::Threads: return "threads";
    case Param::ThreadM: return "thread_m";
    case Param::ThreadN: return "thread_n";
    case Param::Stages: return "stages";
    case Param::SplitK: return "split_k";
    case Param::Reduction: return "reduction";
    case Param::Swizzle: return "swizzle";
    case Param::GridOrder: return "grid_order";
    case Param::Precision: return "precision";
  }
  return "?";
}

Param parse_param(const std::string& s) {
  std::string accepted;
  for (Param p : all_params()) {
    if (param_name(p) == s) return p;
    accepted += (accepted.empty() ? "" : ", ") + param_name(p);
  }
  throw std::invalid_argument("parameter '" + s + "' is unknown; parameters are " + accepted);
}

int get_param(const KernelConfig& c, Param p) {
  switch (p) {
    case Param::BlockM: return c.block_m;
    case Param::BlockN: return c.block_n;
    case Param::BlockK: return c.block_k;
    case Param::Threads: return c.threads;
    case Param::ThreadM: return c.thread_m;
    case Param::ThreadN: return c.thread_n;
    case Param::Stages: return c.stages;
    case Param::SplitK: return c.split_k;
    case Param::Reduction: return int(c.reduction);
    case Param::Swizzle: return c.swizzle;
    case Param::GridOrder: return int(c.grid_order);
    case Param::Precision: return int(c.precision);
  }
  return 0;
}

void set_param(KernelConfig& c, Param p, int v) {
  switch (p) {
    case Param::BlockM: c.block_m = v; break;
    case Param::BlockN: c.block_n = v; break;
    case Param::BlockK: c.block_k = v; break;
    case Param::Threads: c.threads = v; break;
    case Param::ThreadM: c.thread_m = v; break;
    case Param::ThreadN: c.thread_n = v; break;
    case Param::Stages: c.stages = v; break;
    case Param::SplitK: c.split_k = v; break;
    case Param::Reduction: c.reduction = Reduction(v); break;
    case Param::Swizzle: c.swizzle = v; break;
    case Param::GridOrder: c.grid_order = GridOrder(v); break;
    case Param::Precision: c.precision = Precision(v); break;
  }
}

std::string param_value_string(Param p, int v) {
  switch (p) {
    case Param::Reduction: return to_string(Reduction(v));
    case Param::GridOrder: return to_string(GridOrder(v));
    case Param::Precision: return to_string(Precision(v));
    default: return std::to_string(v);
  }
}

int parse_param_value(Param p, const std::string& s) {
  switch (p) {
    case Param::Reduction: return int(parse_reduction(s));
    case Param::GridOrder: return int(parse_grid_order(s));
    case Param::Precision: return int(parse_precision(s));
    default: break;
  }
  size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size()) throw std::invalid_argument(param_name(p) + "=" + s + ": not an integer");
  return v;
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

std::string KernelConfig::name() const {
  std::string n = family;
  const KernelFamily* f = find_family(family);
  if (!f) return n + "_unknown";
  for (Param p : f->params()) {
    int v = get_param(*this, p);
    switch (p) {
      case Param::BlockM: n += "_" + std::to_string(block_m); break;
      case Param::BlockN: n += "x" + std::to_string(block_n); break;
      case Param::BlockK: n += "x" + std::to_string(block_k); break;
      case Param::Threads: n += "_t" + std::to_string(v); break;
      case Param::ThreadM: n += "_r" + std::to_string(thread_m); break;
      case Param::ThreadN: n += "x" + std::to_string(thread_n); break;
      case Param::Stages: n += "_s" + std::to_string(v); break;
      case Param::SplitK: n += "_sk" + std::to_string(v); break;
      case Param::Reduction: n += "_" + to_string(reduction); break;
      case Param::Swizzle: n += "_sw" + std::to_string(v); break;
      case Param::GridOrder: n += "_g" + to_string(grid_order); break;
      case Param::Precision: n += "_" + to_string(precision); break;
    }
  }
  return n + "@" + problem_name(shape);
}

}  // namespace gemmscope
