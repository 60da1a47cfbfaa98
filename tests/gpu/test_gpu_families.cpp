// Every family against cuBLAS pedantic FP32 on the GPU, on shapes that are not multiples of any
// tile, in both layouts where a family takes them; and the seed baselines on the seed problems.
#include <gtest/gtest.h>

#include <algorithm>

#include <random>

#include "model/sweep_plan.h"
#include "gpu_runner.h"
#include "model/kernel_family.h"
#include "model/validate.h"

using namespace gemmscope;
using gemmscope::test::gpu_info;
using gemmscope::test::gpu_runner;

namespace {

// Fresh inputs for every check: the seed changes per run, and is printed on failure.
int64_t next_seed() {
  static std::mt19937_64 rng(std::random_device{}());
  return int64_t(rng() % 1000000);
}

RunOptions quick() {
  RunOptions o;
  o.reps = 2;
  o.warmup = 1;
  o.timeout_s = 120;
  o.seed = next_seed();
  return o;
}

// Three random shapes per test run (printed), ragged in every dimension, random layouts.
std::vector<std::string> random_shapes() {
  static const std::vector<std::string> shapes = [] {
    std::mt19937 rng(std::random_device{}());
    std::vector<std::string> v;
    for (int i = 0; i < 3; ++i) {
      const int m = 1 + int(rng() % 1500), n = 1 + int(rng() % 1500), k = 1 + int(rng() % 3000);
      const char* layouts[] = {"RR", "RC", "CR", "CC"};
      v.push_back(std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) + ":" + layouts[rng() % 4]);
    }
    return v;
  }();
  return shapes;
}

// The family's defaults for the shape if valid, else the first valid point of its default sweep.
std::optional<KernelConfig> config_for(const KernelFamily& f, const ProblemShape& s, const GpuSpec& spec) {
  KernelConfig c = f.defaults(s);
  if (validate(c, spec).ok()) return c;
  for (const ProblemShape& seed : {problem_p9(), problem_p6()}) {
    SweepPlan plan;
    plan.base = f.defaults(s);
    plan.axes = f.sweep_space(seed, spec);
    for (const auto& pt : expand(plan, spec))
      if (pt.valid()) return pt.config;
  }
  return std::nullopt;
}

class FamilyOnGpu : public testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(FamilyOnGpu, MatchesCublasOnRaggedShapes) {
  REQUIRE_GPU();
  const KernelFamily& f = *find_family(GetParam());
  const GpuSpec& spec = gpu_info().detected;
  // A family for one architecture only (wgmma_splitk: 9.0) says so about itself on the others.
  for (const ConfigError& e : validate(f.defaults(problem_p6()), spec).errors)
    if (e.param == "family") GTEST_SKIP() << f.name() << " does not run on " << spec.name << ": " << e.rule;
  int ran = 0;
  // Ragged in every dimension, then ragged M with N and K multiples of 4 (what 16-byte loads
  // need), then both layouts.
  std::vector<std::string> shapes = {"257x131x67", "1000x999x100", "333x4097x32", "96x80x20000", "1001x260x1000", "77x132x68",
                                     "129x257x3000:CC", "200x100x500:CR"};
  for (const auto& r : random_shapes()) shapes.push_back(r);
  for (const auto& shape : shapes) {
    const ProblemShape s = parse_problem(shape);
    const auto c = config_for(f, s, spec);
    if (!c) continue;  // the family does not serve this shape (its check() says why)
    std::vector<KernelConfig> configs = {*c};
    if (const ParamDecl* prec = find_param(f.params(), "precision"))
      for (int p : prec->values) {
        KernelConfig v = *c;
        v.set("precision", p);
        if (p != c->get("precision") && validate(v, spec).ok()) configs.push_back(v);
      }
    // Every epilogue or pipeline depth the family offers (tc_store_bound's stages=3 has store
    // warps), and both ways of accumulating (wgmma_splitk's flush).
    for (const char* name : {"stages", "flush"})
      if (const ParamDecl* st = find_param(f.params(), name))
        for (int v : st->values) {
          KernelConfig x = *c;
          x.set(name, v);
          if (v != c->get(name) && validate(x, spec).ok()) configs.push_back(x);
        }
    // Families that order their blocks: the other grid order, grouped as deep as the family allows.
    if (find_param(f.params(), "grid_order")) {
      KernelConfig v = *c;
      v.set("grid_order", int(c->get("grid_order") == int(GridOrder::RowMajor) ? GridOrder::ColMajor : GridOrder::RowMajor));
      if (const ParamDecl* sw = find_param(f.params(), "swizzle")) v.set("swizzle", sw->values.back());
      if (validate(v, spec).ok()) configs.push_back(v);
    }
    for (const auto& cfg : configs) {
      const RunResult r = gpu_runner().run(cfg, quick());
      ++ran;
      EXPECT_EQ(r.disposition, Disposition::Passed) << config_name(cfg) << " (input seed " << r.seed << "): " << r.reason;
      EXPECT_TRUE(r.verify.checked);
      EXPECT_EQ(r.verify.nonfinite, 0) << config_name(cfg);
      EXPECT_LE(r.verify.rel_fro_error, f.error_bound(cfg)) << config_name(cfg);
      if (f.precision(cfg) != Precision::TF32) {
        EXPECT_LT(r.verify.rel_fro_error, 1e-5) << config_name(cfg);
      }
      EXPECT_GT(r.ms_median, 0) << config_name(cfg);
      if (!f.source().empty()) {
        EXPECT_GT(r.registers, 0) << config_name(cfg);
        EXPECT_EQ(r.occupancy_blocks_per_sm, r.occupancy_blocks_per_sm_driver)
            << config_name(cfg) << ": the model's occupancy calculator disagrees with the driver's";
        EXPECT_EQ(r.registers, r.registers_driver) << config_name(cfg) << ": cubin registers disagree with the driver's";
        EXPECT_EQ(r.static_smem, r.static_smem_driver) << config_name(cfg) << ": cubin shared memory disagrees with the driver's";
      }
    }
  }
  EXPECT_GE(ran, 2) << f.name() << " served fewer than two of the test shapes";
}

INSTANTIATE_TEST_SUITE_P(Families, FamilyOnGpu, testing::ValuesIn(family_names()),
                         [](const testing::TestParamInfo<std::string>& i) { return i.param; });

TEST(SeedBaselines, VerifyOnTheSeedProblems) {
  REQUIRE_GPU();
  for (const auto& [family, shape] : {std::pair{"seed_tall_skinny", problem_p9()}, {"seed_tiled", problem_p6()}}) {
    const KernelConfig c = find_family(family)->defaults(shape);
    const RunResult r = gpu_runner().run(c, quick());
    EXPECT_EQ(r.disposition, Disposition::Passed) << config_name(c) << ": " << r.reason;
    EXPECT_LE(r.verify.rel_fro_error, find_family(family)->error_bound(c)) << config_name(c);
    EXPECT_TRUE(r.verify.allclose()) << config_name(c) << ": " << r.verify.mismatches << " elements outside atol=rtol=1e-4";
    EXPECT_EQ(r.grid_size, shape.m == 32768 ? 32768 / 128 * (32768 / 64) : 4);  // the seeds' launch__grid_size
  }
}

TEST(Occupancy, CalculatorAgreesWithTheDriverAcrossTheSweepSpaces) {
  REQUIRE_GPU();
  const GpuSpec& spec = gpu_info().detected;
  int checked = 0;
  for (const auto& f : families()) {
    if (f->source().empty()) continue;
    for (const ProblemShape& shape : {problem_p9(), problem_p6()}) {
      SweepPlan plan;
      plan.base = f->defaults(parse_problem("64x64x64"));
      plan.axes = f->sweep_space(shape, spec);
      int n = 0;
      for (const auto& pt : expand(plan, spec)) {
        if (!pt.valid() || n++ >= 6) continue;
        RunOptions o = quick();
        o.reps = 1;
        o.verify = false;
        const RunResult r = gpu_runner().run(pt.config, o);
        if (r.disposition == Disposition::Invalid) continue;  // refused after compilation (registers)
        ASSERT_EQ(r.disposition, Disposition::Passed) << config_name(pt.config) << ": " << r.reason;
        EXPECT_EQ(r.occupancy_blocks_per_sm, r.occupancy_blocks_per_sm_driver) << config_name(pt.config);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10);
}
