#include <gtest/gtest.h>

#include "controller/sweep.h"
#include "model/kernel_family.h"
#include "model/validate.h"

using namespace gemmscope;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
}  // namespace

TEST(Sweep, ExpandsTheCartesianProductAndKeepsInvalidPointsWithReasons) {
  SweepPlan plan;
  plan.base = find_family("seed_tall_skinny")->defaults(problem_p9());
  plan.axes = {{Param::BlockM, {16, 256}}, {Param::BlockN, {16, 256}}, {Param::Threads, {128, 1024}}};
  const auto points = expand(plan, spec("rtx4090"));
  ASSERT_EQ(points.size(), 8u);
  EXPECT_EQ(points[0].config.block_m, 16);
  EXPECT_EQ(points[0].config.threads, 128);
  EXPECT_EQ(points[1].config.threads, 1024);  // last axis varies fastest
  // 16x16 tile with 1024 threads: more threads than elements.
  ASSERT_TRUE(points[1].invalid);
  EXPECT_NE(points[1].invalid->message().find("threads=1024"), std::string::npos);
  // 256x256 with 128 threads: 512 accumulators each.
  ASSERT_TRUE(points[6].invalid);
  EXPECT_FALSE(points[7].invalid);
}

TEST(Sweep, DefaultSpacesHaveValidPointsWhereverTheFamilysDefaultsAreValid) {
  for (const auto& f : families())
    for (const ProblemShape& p : {problem_p9(), problem_p6()}) {
      if (validate(f->defaults(p), spec("h100_sxm"))) continue;  // the family does not serve this problem
      SweepPlan plan;
      plan.base = f->defaults(p);
      plan.axes = f->sweep_space(p, spec("h100_sxm"));
      int valid = 0;
      for (const auto& pt : expand(plan, spec("h100_sxm"))) valid += pt.invalid ? 0 : 1;
      EXPECT_GT(valid, 0) << f->name() << " on " << problem_name(p);
    }
}

TEST(Sweep, ParsesAxisListsAndPowerOfTwoRanges) {
  auto [p, v] = parse_axis("block_m=32..256");
  EXPECT_EQ(p, Param::BlockM);
  EXPECT_EQ(v, (std::vector<int>{32, 64, 128, 256}));
  auto [q, w] = parse_axis("precision=fp32,tf32x3");
  EXPECT_EQ(q, Param::Precision);
  EXPECT_EQ(w, (std::vector<int>{int(Precision::FP32), int(Precision::TF32x3)}));
  EXPECT_THROW(parse_axis("block_m"), std::invalid_argument);
  EXPECT_THROW(parse_axis("block_m=48..256"), std::invalid_argument);
  EXPECT_THROW(parse_axis("tile=1,2"), std::invalid_argument);
}
