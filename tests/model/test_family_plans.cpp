// The parameter tables give the same configs, names, launch plans, NVRTC defines and error bounds
// as the fixed fields they replaced: tests/model/family_plans_golden.json holds every default and
// default-sweep point of every family on five shapes for the RTX 4090 and the H200, as the landed
// build (c8cdfea) produced them, except six store_bound points on the 4090 that use exactly its
// 101376 B opt-in limit (valid now that the limit is CUDA's, not that minus 1 KB; none are on these shapes).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "model/kernel_family.h"
#include "model/sweep_plan.h"
#include "model/validate.h"

using namespace gemmscope;
using nlohmann::json;

namespace {

std::string plan_text(const LaunchPlan& p) {
  std::string s;
  for (const auto& st : p.steps) {
    if (!s.empty()) s += ";";
    s += std::string(st.kind == LaunchStep::Kind::Kernel ? "kernel" : "zero") + ":" + st.entry + ":" + std::to_string(st.grid.x) + "x" +
         std::to_string(st.grid.y) + "x" + std::to_string(st.grid.z) + ":" + std::to_string(st.block.x) + ":" +
         std::to_string(st.dynamic_smem);
  }
  return s + "|ws=" + std::to_string(p.workspace_bytes) + "|cublas=" + std::to_string(int(p.uses_cublas));
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

}  // namespace

TEST(FamilyPlans, MatchTheLandedBuildPointForPoint) {
  std::ifstream in(GEMMSCOPE_TEST_GOLDEN);
  ASSERT_TRUE(in) << GEMMSCOPE_TEST_GOLDEN;
  const json golden = json::parse(in);
  const auto specs = load_gpu_specs(default_gpu_spec_dir());
  size_t checked = 0;
  for (const auto& entry : golden) {
    const GpuSpec spec = *find_spec(specs, entry["spec"]);
    const ProblemShape shape = parse_problem(entry["shape"]);
    const FamilyPtr f = find_family(entry["family"]);
    ASSERT_TRUE(f) << entry["family"];
    const std::string where = entry["family"].get<std::string>() + " on " + entry["shape"].get<std::string>() + " / " +
                              entry["spec"].get<std::string>();
    SweepPlan plan;
    plan.base = f->defaults(shape);
    plan.axes = f->sweep_space(shape, spec);
    json axes = json::array();
    for (const auto& [name, values] : plan.axes) axes.push_back({{"param", name}, {"values", values}});
    EXPECT_EQ(axes, entry["axes"]) << where;
    std::vector<KernelConfig> configs = {plan.base};
    for (const auto& pt : expand(plan, spec)) configs.push_back(pt.config);
    ASSERT_EQ(configs.size(), entry["points"].size()) << where;
    for (size_t i = 0; i < configs.size(); ++i) {
      const json& g = entry["points"][i];
      EXPECT_EQ(config_name(configs[i]), g["name"].get<std::string>()) << where;
      const Validation v = validate(configs[i], spec);
      ASSERT_EQ(v.ok(), g["valid"].get<bool>()) << where << " " << g["name"] << ": " << v.message();
      if (!v.ok()) continue;
      EXPECT_EQ(joined(v.launch->defines), g["defines"].get<std::string>()) << g["name"];
      EXPECT_EQ(plan_text(v.launch->plan), g["plan"].get<std::string>()) << g["name"];
      EXPECT_DOUBLE_EQ(v.launch->error_bound, g["bound"].get<double>()) << g["name"];
      ++checked;
    }
  }
  EXPECT_GT(checked, 1500u);
}
