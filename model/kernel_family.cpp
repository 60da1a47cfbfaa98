#include "model/kernel_family.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gemmscope {

KernelConfig KernelFamily::defaults(const ProblemShape& s) const {
  KernelConfig c;
  c.shape = s;
  c.family = name();
  for (const ParamDecl& d : params()) c.set(d.name, d.default_for ? d.default_for(s) : d.default_value);
  fit_defaults(c);
  return c;
}

SweepSpace KernelFamily::sweep_space(const ProblemShape& s, const GpuSpec& spec) const {
  SweepSpace axes;
  for (const ParamDecl& d : params()) {
    std::vector<int> values = d.sweep_for ? d.sweep_for(s, spec) : d.sweep;
    if (!values.empty()) axes.emplace_back(d.name, std::move(values));
  }
  return axes;
}

Precision KernelFamily::precision(const KernelConfig& c) const {
  if (auto p = c.params.find("precision")) return Precision(*p);
  return Precision::FP32;
}

double KernelFamily::error_bound(const KernelConfig& c) const {
  // Relative Frobenius error against cuBLAS pedantic FP32. A dot product of K positive terms
  // summed in one FP32 chain drifts like a random walk, about 0.6 sqrt(K) units of 2^-24
  // (measured: 4.3e-5 for the P6 seed baseline, K = 524288), so FP32-level kernels get twice
  // that, and never less than 1e-5. Plain TF32 (10-bit mantissa) lands near 1e-4.
  const double fp32 = std::max(1e-5, 2.0 * std::sqrt(double(c.shape.k)) * std::ldexp(1.0, -24));
  return precision(c) == Precision::TF32 ? 5e-3 : fp32;
}

FamilyPtr find_family(const std::string& name) {
  for (const auto& f : all_families())
    if (f->name() == name) return f;
  return nullptr;
}

std::vector<std::string> family_names() {
  std::vector<std::string> v;
  for (const auto& f : all_families()) v.push_back(f->name());
  return v;
}

std::string family_list() {
  std::string s;
  for (const auto& n : family_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string config_name(const KernelConfig& c) {
  std::string n = c.family;
  const FamilyPtr f = find_family(c.family);
  if (!f) return n + "_unknown@" + problem_name(c.shape);
  for (const ParamDecl& d : f->params()) {
    if (d.fragment.empty()) continue;
    const auto v = c.params.find(d.name);
    n += d.fragment + (v ? d.format(*v) : "?");
  }
  return n + "@" + problem_name(c.shape);
}

std::string default_family_for(const ProblemShape& s) { return s.k <= 64 ? "seed_tall_skinny" : "seed_tiled"; }

KernelConfig make_config(const ProblemShape& shape, const std::string& family,
                         const std::vector<std::pair<std::string, std::string>>& overrides) {
  const FamilyPtr f = find_family(family);
  if (!f) throw std::invalid_argument("family '" + family + "' is unknown; families are " + family_list());
  KernelConfig c = f->defaults(shape);
  for (const auto& [name, text] : overrides) {
    const ParamDecl* d = find_param(f->params(), name);
    if (!d)
      throw std::invalid_argument("parameter '" + name + "' is not one of family " + family + "'s parameters (" +
                                  param_names(f->params()) + ")");
    const auto v = d->parse(text);
    if (!v)
      throw std::invalid_argument(name + "=" + text + ": " +
                                  (d->labels.empty() ? std::string("not an integer") : "not one of " + d->offered_text()));
    c.set(name, *v);
  }
  return c;
}

std::vector<std::string> common_defines(const ProblemShape& s) {
  return {"-DA_COL_MAJOR=" + std::to_string(s.a_layout == Layout::ColMajor ? 1 : 0),
          "-DB_COL_MAJOR=" + std::to_string(s.b_layout == Layout::ColMajor ? 1 : 0)};
}

int default_split_k(const ProblemShape& s, int block_k) {
  const int64_t tiles = ((s.m + 127) / 128) * ((s.n + 127) / 128);
  const int64_t k_tiles = (s.k + block_k - 1) / block_k;
  int split = 1;
  while (tiles * split * 2 <= 256 && split * 2 <= k_tiles) split *= 2;
  return split;
}

std::vector<int> split_k_candidates(const ProblemShape& s, int block_m, int block_n, int block_k, const GpuSpec& spec) {
  const int64_t tiles = ((s.m + block_m - 1) / block_m) * ((s.n + block_n - 1) / block_n);
  const int64_t k_steps = (s.k + block_k - 1) / block_k;
  std::vector<int> v;
  for (int slots : {spec.sms, 2 * spec.sms, 4 * spec.sms}) {
    const int64_t exact = slots / std::max<int64_t>(1, tiles);
    int64_t pow2 = 1;
    while (pow2 * 2 <= exact) pow2 *= 2;
    for (int64_t x : {exact, pow2})
      if (x >= 2 && x <= k_steps && x <= 1024) v.push_back(int(x));
  }
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  if (v.empty()) v.push_back(1);
  return v;
}

std::vector<ConfigError> check_sm90a_only(const std::string& family, const GpuSpec& gpu, const std::string& instead) {
  if (gpu.cc_major == 9 && gpu.cc_minor == 0) return {};
  return {{"family", family, "needs a 9.0 GPU (wgmma is sm_90a's alone); " + gpu.name + " is " + gpu.arch() + ": use " + instead}};
}

std::vector<ConfigError> check_split_k(const ProblemShape& s, int block_k, int split_k, Reduction reduction) {
  std::vector<ConfigError> e;
  const int64_t k_steps = (s.k + block_k - 1) / block_k;
  if (split_k > k_steps)
    e.push_back({"split_k", std::to_string(split_k),
                 "exceeds the " + std::to_string(k_steps) + " block_k steps of K=" + std::to_string(s.k)});
  if (split_k > 1 && reduction == Reduction::None)
    e.push_back({"reduction", "none", "split_k > 1 needs a reduction (atomic or two_pass)"});
  return e;
}

LaunchPlan split_k_plan(const ProblemShape& s, int block_m, int block_n, int split_k, Reduction reduction, LaunchStep main,
                        const std::string& reduce_entry, int reduce_vector) {
  LaunchPlan p;
  const bool split = split_k > 1;
  if (split && reduction == Reduction::Atomic) p.steps.push_back({LaunchStep::Kind::ZeroOutput, "", {}, {}, 0});
  main.grid = {(s.n + block_n - 1) / block_n, (s.m + block_m - 1) / block_m, split ? split_k : 1};
  p.steps.push_back(main);
  if (split && reduction == Reduction::TwoPass) {
    const int64_t threads = s.m * s.n / reduce_vector;
    LaunchStep r;
    r.entry = reduce_entry;
    r.grid = {std::min<int64_t>((threads + 255) / 256, 65536), 1, 1};
    r.block = {256, 1, 1};
    p.steps.push_back(r);
    p.workspace_bytes = int64_t(split_k) * s.m * s.n * 4;
  }
  return p;
}

namespace {
template <class E>
std::vector<int> ints(const std::vector<E>& v) {
  std::vector<int> out;
  for (E e : v) out.push_back(int(e));
  return out;
}
}  // namespace

ParamDecl split_k_param(int min, int default_value, std::function<int(const ProblemShape&)> default_for,
                        std::function<std::vector<int>(const ProblemShape&, const GpuSpec&)> sweep_for) {
  ParamDecl d = range_param("split_k", min, 1024, default_value, {}, "_sk",
                            "slices of K, each a block of the grid's z axis, summed by the reduction");
  d.default_for = std::move(default_for);
  d.sweep_for = std::move(sweep_for);
  return d;
}

ParamDecl reduction_param(std::vector<Reduction> offered, Reduction default_value, std::vector<Reduction> sweep) {
  return enum_param("reduction", reduction_labels(), ints(offered), int(default_value), ints(sweep), "_",
                    "how split-K slices are summed: atomic adds into a zeroed C, or a workspace and a second kernel");
}

ParamDecl precision_param(std::vector<Precision> offered, Precision default_value, std::vector<Precision> sweep) {
  return enum_param("precision", precision_labels(), ints(offered), int(default_value), ints(sweep), "_",
                    "arithmetic: fp32 FMA, tf32 tensor cores, or tf32x3 (three TF32 products, FP32-level error)");
}

ParamDecl grid_order_param() {
  return enum_param("grid_order", grid_order_labels(), {int(GridOrder::RowMajor), int(GridOrder::ColMajor)},
                    int(GridOrder::RowMajor), {int(GridOrder::RowMajor), int(GridOrder::ColMajor)}, "_g",
                    "the order tiles are handed to blocks: along rows of C, or along columns");
}

ParamDecl swizzle_param(std::vector<int> offered, std::vector<int> sweep) {
  return integer_param("swizzle", std::move(offered), 1, std::move(sweep), "_sw",
                       "tiles grouped along the major grid axis, for L2 reuse; 1 is the plain order");
}

const LaunchStep* LaunchPlan::main_kernel() const {
  for (const auto& s : steps)
    if (s.kind == LaunchStep::Kind::Kernel) return &s;
  return nullptr;
}

}  // namespace gemmscope
