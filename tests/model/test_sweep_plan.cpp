#include <gtest/gtest.h>

#include "model/kernel_family.h"
#include "model/sweep_plan.h"
#include "model/validate.h"

using namespace gemmscope;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
}  // namespace

TEST(SweepPlan, ExpandsTheCartesianProductAndKeepsInvalidPointsWithReasons) {
  SweepPlan plan;
  plan.base = find_family("seed_tall_skinny")->defaults(problem_p9());
  plan.axes = {{"block_m", {16, 256}}, {"block_n", {16, 256}}, {"threads", {128, 1024}}};
  const auto points = expand(plan, spec("rtx4090"));
  ASSERT_EQ(points.size(), 8u);
  EXPECT_EQ(point_count(plan), 8u);
  EXPECT_EQ(points[0].config.get("block_m"), 16);
  EXPECT_EQ(points[0].config.get("threads"), 128);
  EXPECT_EQ(points[1].config.get("threads"), 1024);  // last axis varies fastest
  // 16x16 tile with 1024 threads: more threads than elements.
  ASSERT_FALSE(points[1].valid());
  EXPECT_NE(points[1].reason().find("threads=1024"), std::string::npos);
  // 256x256 with 128 threads: 512 accumulators each.
  EXPECT_FALSE(points[6].valid());
  EXPECT_TRUE(points[7].valid());
}

TEST(SweepPlan, AnAxisTheFamilyDoesNotHaveIsRefused) {
  SweepPlan plan;
  plan.base = find_family("seed_tall_skinny")->defaults(problem_p9());
  plan.axes = {{"split_k", {2, 4}}};
  try {
    expand(plan, spec("rtx4090"));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("block_m, block_n, threads"), std::string::npos) << e.what();
  }
}

TEST(SweepPlan, DefaultSpacesHaveValidPointsWhereverTheFamilysDefaultsAreValid) {
  for (const auto& f : families())
    for (const ProblemShape& p : {problem_p9(), problem_p6()}) {
      if (!validate(f->defaults(p), spec("h200")).ok()) continue;  // the family does not serve this problem
      SweepPlan plan;
      plan.base = f->defaults(p);
      plan.axes = f->sweep_space(p, spec("h200"));
      int valid = 0;
      for (const auto& pt : expand(plan, spec("h200"))) valid += pt.valid() ? 1 : 0;
      EXPECT_GT(valid, 0) << f->name() << " on " << problem_name(p);
    }
}

TEST(SweepPlan, ParsesAxisListsRangesAndSteps) {
  const auto& tiled = *find_family("seed_tall_skinny");
  auto [p, v] = parse_axis("block_m=32..256", tiled);
  EXPECT_EQ(p, "block_m");
  EXPECT_EQ(v, (std::vector<int>{32, 64, 128, 256}));
  auto [q, w] = parse_axis("precision=fp32,tf32", *find_family("cublas"));
  EXPECT_EQ(q, "precision");
  EXPECT_EQ(w, (std::vector<int>{int(Precision::FP32), int(Precision::TF32)}));
  auto [s, x] = parse_axis("split_k=33..132:33", *find_family("tc_splitk"));
  EXPECT_EQ(x, (std::vector<int>{33, 66, 99, 132}));
  EXPECT_THROW(parse_axis("block_m", tiled), std::invalid_argument);
  EXPECT_THROW(parse_axis("block_m=48..256", tiled), std::invalid_argument);
  EXPECT_THROW(parse_axis("split_k=1..5:0", *find_family("tc_splitk")), std::invalid_argument);
  try {
    parse_axis("tile=1,2", tiled);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("block_m, block_n, threads"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_axis("precision=fp64", *find_family("cublas")), std::invalid_argument);
}

TEST(SweepPlan, PointsOneAtATimeMatchExpandAndStopWhenAsked) {
  SweepPlan plan;
  plan.base = find_family("seed_tall_skinny")->defaults(problem_p9());
  plan.axes = {{"block_m", {16, 64, 256}}, {"block_n", {16, 256}}, {"threads", {128, 1024}}};
  const auto all = expand(plan, spec("rtx4090"));
  std::vector<SweepPoint> seen;
  for_each_point(plan, spec("rtx4090"), [&](SweepPoint&& p) {
    seen.push_back(std::move(p));
    return true;
  });
  ASSERT_EQ(seen.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(seen[i].config, all[i].config) << i;
    EXPECT_EQ(seen[i].valid(), all[i].valid()) << i;
  }
  int visited = 0;
  for_each_point(plan, spec("rtx4090"), [&](SweepPoint&&) { return ++visited < 5; });
  EXPECT_EQ(visited, 5);
  // Explicit points (the advisor's suggestions) come as given.
  SweepPlan listed;
  listed.base = plan.base;
  listed.points = {all[2].config, all[0].config};
  std::vector<std::string> names;
  for_each_point(listed, spec("rtx4090"), [&](SweepPoint&& p) { return names.push_back(config_name(p.config)), true; });
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], config_name(all[2].config));
  EXPECT_EQ(point_count(listed), 2u);
}
