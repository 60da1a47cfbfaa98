// The parameter tables give the same configs, names, launch plans, NVRTC defines and error bounds
// as the fixed fields they replaced: tests/model/family_plans_golden.json holds every default and
// default-sweep point of every family on five shapes for the RTX 4090 and the H200, as the landed
// build (c8cdfea) produced them, except six store_bound points on the 4090 that use exactly its
// 101376 B opt-in limit (valid now that the limit is CUDA's, not that minus 1 KB; none are on these shapes).
// tc_store_bound has grown since (stages 3 and 4, tiles_per_block, whose old fixed value was 8,
// blocks_per_sm, and new defaults): the golden entry's own axes are expanded over the old defaults
// in the new table, and each point must be the old one named with "_tpb8_bps0" and launch alike.
// simt_splitk and tc_splitk now serve K or N not a multiple of 4, which the landed build refused.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
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

// A valid point launches as the landed build's did: the same defines, plan and error bound.
void expect_same_launch(const Validation& v, const json& g, const std::string& name) {
  EXPECT_EQ(joined(v.launch->defines), g["defines"].get<std::string>()) << name;
  EXPECT_EQ(plan_text(v.launch->plan), g["plan"].get<std::string>()) << name;
  EXPECT_DOUBLE_EQ(v.launch->error_bound, g["bound"].get<double>()) << name;
}

// The golden name with the tiles_per_block fragment its old fixed value gives.
std::string with_tpb8(const std::string& name) {
  const auto at = name.find("_sw");
  return at == std::string::npos ? name : name.substr(0, at) + "_tpb8_bps0" + name.substr(at);
}

// The landed build's own sweep (the golden entry's axes) over the grown table: the same points
// in the same order, each named with _tpb8 and launched exactly as before.
size_t check_grown_family(const SweepPlan& now, const GpuSpec& spec, const json& entry, const std::string& where) {
  // The old defaults (fitted to the shape then as now), read off the golden base point's name.
  SweepPlan old = now;
  std::smatch m;
  const std::string base = entry["points"][0]["name"].get<std::string>();
  if (!std::regex_search(base, m, std::regex(R"(_(\d+)x(\d+)_t(\d+)_)"))) {
    ADD_FAILURE() << where << ": cannot read the tile off " << base;
    return 0;
  }
  old.base.set("block_m", std::stoi(m[1]));
  old.base.set("block_n", std::stoi(m[2]));
  old.base.set("threads", std::stoi(m[3]));
  old.base.set("tiles_per_block", 8);
  old.axes.clear();
  for (const auto& a : entry["axes"]) old.axes.push_back({a["param"].get<std::string>(), a["values"].get<std::vector<int>>()});
  std::vector<KernelConfig> configs = {old.base};
  for (const auto& pt : expand(old, spec)) configs.push_back(pt.config);
  EXPECT_EQ(configs.size(), entry["points"].size()) << where;
  size_t checked = 0;
  for (size_t i = 0; i < std::min(configs.size(), entry["points"].size()); ++i) {
    const json& g = entry["points"][i];
    const std::string name = config_name(configs[i]);
    EXPECT_EQ(name, with_tpb8(g["name"].get<std::string>())) << where;
    const Validation v = validate(configs[i], spec);
    EXPECT_EQ(v.ok(), g["valid"].get<bool>()) << where << " " << name << ": " << v.message();
    if (!v.ok() || !g["valid"].get<bool>()) continue;
    expect_same_launch(v, g, name);
    ++checked;
  }
  return checked;
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
    if (f->name() == "tc_store_bound") {
      checked += check_grown_family(plan, spec, entry, where);
      continue;
    }
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
      // The split-K families have served rows that are not 16-byte aligned since (ALIGNED16=0).
      const bool newly_served = !g["valid"].get<bool>() && v.ok() && (shape.k % 4 != 0 || shape.n % 4 != 0) &&
                                (f->name() == "simt_splitk" || f->name() == "tc_splitk");
      if (newly_served) continue;
      ASSERT_EQ(v.ok(), g["valid"].get<bool>()) << where << " " << g["name"] << ": " << v.message();
      if (!v.ok()) continue;
      expect_same_launch(v, g, g["name"].get<std::string>());
      ++checked;
    }
  }
  EXPECT_GT(checked, 1500u);
}
