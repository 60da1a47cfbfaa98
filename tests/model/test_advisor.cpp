// The advisor's rules, stages and suggestion generator on stored counter sets: the seed
// documents' own two metric sets (RTX 4090), runs measured on the H200 (bench/results), and
// hand-made launch records for the rules those do not trigger.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "model/advisor/advice.h"
#include "model/families/card_family.h"
#include "model/json_codec.h"
#include "model/kernel_family.h"
#include "model/roofline.h"
#include "model/validate.h"

using namespace gemmscope;

namespace {

GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
GpuSpec h200() { return spec("h200"); }
GpuSpec rtx4090() { return spec("rtx4090"); }

// The "[NCU PROFILING METRICS]" block of a seed document, as a run of its baseline config.
RunResult seed_run(const KernelConfig& c, std::map<std::string, double> metrics) {
  RunResult r;
  r.config = c;
  r.config_name = config_name(c);
  r.disposition = Disposition::Passed;
  for (const auto& [k, v] : metrics) r.metrics[k] = {v, "", "ncu"};
  return r;
}

RunResult seed_000() {  // P9 tall-skinny, tile sizes stage
  return seed_run(make_config(problem_p9(), "seed_tall_skinny"),
                  {{"sm__throughput.avg.pct_of_peak_sustained_elapsed", 83.56},
                   {"launch__grid_size", 131072},
                   {"sm__warps_active.avg.pct_of_peak_sustained_active", 49.8},
                   {"dram__throughput.avg.pct_of_peak_sustained_elapsed", 44.13},
                   {"lts__t_sector_hit_rate.pct", 99.94}});
}

RunResult seed_004(const std::string& family = "seed_tiled") {  // P6 large-K, grid layout stage
  return seed_run(make_config(problem_p6(), family),
                  {{"sm__throughput.avg.pct_of_peak_sustained_elapsed", 0.8},
                   {"launch__grid_size", 4},
                   {"sm__warps_active.avg.pct_of_peak_sustained_active", 16.67},
                   {"dram__throughput.avg.pct_of_peak_sustained_elapsed", 1.9},
                   {"lts__t_sector_hit_rate.pct", 50.11}});
}

// The runs gemmscope stored on the H200 (seed baselines, card sweeps), by config name.
void load_card(const std::string& file);

std::map<std::string, RunResult> stored_h200_runs() {
  for (const char* card : {"triton/p9_outer_product.toml", "triton/p9_tuned.toml", "triton/p6_tiled.toml", "triton/p6_splitk.toml",
                           "triton/p6_tuned.toml", "cuda/sgemm_tiled.toml"})
    load_card(card);
  std::map<std::string, RunResult> out;
  std::ifstream in(std::string(GEMMSCOPE_TEST_RESULTS) + "/cards-h200-2026-12-01/cards_results.json");
  const auto j = nlohmann::json::parse(in);
  for (const auto& x : j) {
    RunResult r = result_from_json(x);
    out.emplace(r.config_name, r);  // the first of a name: the one measured with counters
  }
  return out;
}

void load_card(const std::string& file) { register_family(load_card_family(std::string(GEMMSCOPE_TEST_EXAMPLES) + "/" + file)); }

const Finding* find(const Advice& a, const std::string& id) {
  for (const auto& f : a.findings)
    if (f.id == id) return &f;
  return nullptr;
}

void expect_valid_on_both(const Advice& a, const RunResult& r) {
  for (const auto& s : a.suggestions) {
    EXPECT_TRUE(validate(s.config, h200()).ok()) << s.name;
    EXPECT_TRUE(validate(s.config, rtx4090()).ok()) << s.name;
    EXPECT_NE(s.name, r.config_name);
    EXPECT_FALSE(s.changes.empty()) << s.name;
    EXPECT_FALSE(s.reason.empty()) << s.name;
  }
}

}  // namespace

// [SECTION] The seed documents' metric sets, on the reference GPU they were measured on
TEST(Advisor, Seed000PicksTheTileStageFromOccupancyJustBelowTarget) {
  const RunResult r = seed_000();
  const Advice a = advise(r, rtx4090(), rtx4090());
  ASSERT_FALSE(a.findings.empty());
  EXPECT_EQ(a.stage, Stage::TileSizes) << a.summary;
  const Finding* occ = find(a, "occupancy_low");
  ASSERT_NE(occ, nullptr);
  EXPECT_NEAR(occ->checks.at(0).value, 49.8, 1e-9);
  EXPECT_EQ(occ->checks.at(0).threshold, 50);
  // 131072 blocks are thousands of waves: no grid finding; and on the 4090 3xTF32 (82.6 / 3
  // TFLOP/s) is slower than FP32 on CUDA cores, so no tensor-core advice.
  EXPECT_EQ(find(a, "grid_too_small"), nullptr);
  EXPECT_EQ(find(a, "tail_effect"), nullptr);
  EXPECT_EQ(find(a, "fp32_on_cuda_cores"), nullptr);
  // No time in the seed document: the rules give no estimate rather than an unbounded one.
  for (const auto& f : a.findings) EXPECT_EQ(f.estimated_speedup, 0) << f.id;
  EXPECT_GE(a.suggestions.size(), 2u);
  EXPECT_LE(a.suggestions.size(), 4u);
  expect_valid_on_both(a, r);
}

TEST(Advisor, Seed000OnTheH200AdvisesTensorCoresAt3xTF32) {
  // The same counters read against the H200, where 3xTF32 outruns FP32 FMA.
  const RunResult r = seed_000();
  const Advice a = advise(r, h200(), rtx4090());
  ASSERT_NE(find(a, "fp32_on_cuda_cores"), nullptr);
  EXPECT_EQ(find(a, "fp32_on_cuda_cores")->stage, Stage::Precision);
}

TEST(Advisor, Seed004FindsTheGridTooSmallAndPicksTheGridStage) {
  const RunResult r = seed_004();
  const Advice a = advise(r, rtx4090(), rtx4090());
  ASSERT_FALSE(a.findings.empty());
  EXPECT_EQ(a.findings.front().id, "grid_too_small");
  EXPECT_EQ(a.stage, Stage::GridParallelism);
  EXPECT_EQ(a.findings.front().checks.at(0).value, 4);
  EXPECT_EQ(a.findings.front().checks.at(0).threshold, 128);
  // Low SM and DRAM throughput follow from 124 idle SMs: not reported as latency on their own.
  EXPECT_EQ(find(a, "latency_bound"), nullptr);
  // The L2 hit rate of 50 % with DRAM idle is not a memory problem.
  EXPECT_EQ(find(a, "l2_hit_low"), nullptr);
  // The stage's focus: SM throughput against the seed's 60 % target, grid against one wave.
  ASSERT_EQ(a.focus.size(), 3u);
  EXPECT_EQ(a.focus[0].target, 60);
  EXPECT_FALSE(a.focus[0].met());
  EXPECT_EQ(a.focus[1].metric, "launch__grid_size");
  EXPECT_EQ(a.focus[1].target, 128);
  // seed_tiled has no split-K: the suggestions are more (smaller) tiles.
  ASSERT_GE(a.suggestions.size(), 2u);
  for (const auto& s : a.suggestions) {
    EXPECT_EQ(s.finding, "grid_too_small");
    EXPECT_LT(s.config.get("block_m") * s.config.get("block_n"), 128 * 128) << s.name;
  }
  expect_valid_on_both(a, r);
}

TEST(Advisor, Seed004InASplitKFamilySuggestsCountsThatFillWholeWaves) {
  const RunResult r = seed_004("splitk");
  const Advice a = advise(r, rtx4090(), rtx4090());
  ASSERT_EQ(a.findings.front().id, "grid_too_small");
  ASSERT_GE(a.suggestions.size(), 2u);
  // 4 tiles of 128x128: 32 slices make 128 blocks, one wave on the 4090's 128 SMs.
  EXPECT_EQ(a.suggestions[0].config.get("split_k"), 32) << a.suggestions[0].reason;
  for (const auto& s : a.suggestions) EXPECT_GE(4 * s.config.get("split_k"), 64) << s.name;
  expect_valid_on_both(a, r);
}

// [SECTION] Runs measured on the H200
TEST(Advisor, StoredSeedBaselineOnTheH200) {
  const auto runs = stored_h200_runs();
  const RunResult& r = runs.at("seed_tall_skinny_128x64_t128@p9");
  const Advice a = advise(r, h200(), rtx4090());
  // 96 registers x 128 threads: 5 blocks, 31.25 % theoretical, register-limited.
  const Finding* occ = find(a, "theoretical_occupancy_low");
  ASSERT_NE(occ, nullptr);
  EXPECT_NE(occ->title.find("registers"), std::string::npos) << occ->title;
  EXPECT_NE(find(a, "latency_bound"), nullptr);  // SM 37 %, DRAM 15 %
  const double ceiling = r.ms_median * 1e-3 / physical_floor(r.config.shape, h200(), Precision::FP32).seconds();
  for (const auto& f : a.findings) {
    EXPECT_GT(f.estimated_speedup, 0) << f.id;
    EXPECT_LE(f.estimated_speedup, ceiling + 1e-9) << f.id << ": never more than the floor allows";
  }
  expect_valid_on_both(a, r);
}

TEST(Advisor, StoredP6SeedHasItsGridFindingAndEstimateUnderTheFloor) {
  const auto runs = stored_h200_runs();
  const RunResult& r = runs.at("seed_tiled_128x128x32_t256@p6");
  const Advice a = advise(r, h200(), rtx4090());
  ASSERT_EQ(a.findings.front().id, "grid_too_small");
  // 132 / 4 = 33x by the rule's model, under the 124 ms / 1.1 ms floor ratio.
  EXPECT_NEAR(a.findings.front().estimated_speedup, 33.0, 1e-9);
}

TEST(Advisor, CardSplitKRunGetsSplitCountsFromItsOwnParameters) {
  load_card("triton/p6_splitk.toml");
  const auto runs = stored_h200_runs();
  const RunResult& r = runs.at("card:p6_splitk_m128_n128_k32_sk16_w8_s3_ieee@p6");
  const Advice a = advise(r, h200(), rtx4090());
  ASSERT_EQ(a.findings.front().id, "grid_too_small") << a.summary;  // 64 programs on 132 SMs
  ASSERT_GE(a.suggestions.size(), 2u);
  EXPECT_EQ(a.suggestions[0].config.get("SPLIT_K"), 33) << a.suggestions[0].reason;  // 132 programs
  for (const auto& s : a.suggestions) EXPECT_EQ(s.changes.at(0).param, "SPLIT_K");
  expect_valid_on_both(a, r);
}

// [SECTION] Rules on hand-made launch records
namespace {
RunResult timed(const std::string& family, const ProblemShape& shape, double ms, std::vector<std::pair<std::string, std::string>> sets = {}) {
  RunResult r;
  r.config = make_config(shape, family, sets);
  r.config_name = config_name(r.config);
  r.disposition = Disposition::Passed;
  r.reps = 20;
  r.ms_median = ms;
  r.verify.checked = true;
  return r;
}
}  // namespace

TEST(Advisor, NearTheFloorSaysStopAndSuggestsNothing) {
  RunResult r = timed("store_bound", problem_p9(), 0);
  r.ms_median = 1.02e3 * physical_floor(r.config.shape, h200(), Precision::FP32).seconds();
  const Advice a = advise(r, h200(), rtx4090());
  ASSERT_FALSE(a.findings.empty());
  EXPECT_EQ(a.findings.front().id, "near_floor");
  EXPECT_TRUE(a.stop);
  EXPECT_EQ(a.stage, Stage::Done);
  EXPECT_TRUE(a.suggestions.empty());
}

TEST(Advisor, Tf32OutsideAllcloseAdvises3xTF32) {
  RunResult r = timed("tc_splitk", problem_p6(), 0.52, {{"precision", "tf32"}, {"split_k", "66"}});
  r.verify.mismatches = 120;
  r.verify.rel_fro_error = 5.4e-5;
  const Advice a = advise(r, h200(), rtx4090());
  ASSERT_EQ(a.findings.front().id, "fails_allclose");
  ASSERT_FALSE(a.suggestions.empty());
  EXPECT_EQ(a.suggestions[0].config.get("precision"), int(Precision::TF32x3));
}

TEST(Advisor, PartialLastWaveIsATailEffect) {
  RunResult r = timed("simt_splitk", problem_p6(), 2.0, {{"split_k", "50"}});
  r.block_size = 256, r.registers = 128, r.static_smem = 0, r.dynamic_smem = 40000;
  r.grid_size = 4 * 50;  // 200 blocks; 2 fit per SM by registers: 264 a wave, so 0.76 waves
  const Advice a1 = advise(r, h200(), rtx4090());
  ASSERT_NE(find(a1, "grid_too_small"), nullptr);
  EXPECT_NEAR(find(a1, "grid_too_small")->checks[0].value, 200.0 / 264, 1e-9);
  r.grid_size = 4 * 90;  // 360 blocks: 1.36 waves, the second one 36 % full
  r.config.set("split_k", 90);
  AdviseOptions eight;
  eight.suggest.max = 8;  // the tail is the second finding: room for its moves after the first's
  const Advice a2 = advise(r, h200(), rtx4090(), eight);
  const Finding* tail = find(a2, "tail_effect");
  ASSERT_NE(tail, nullptr);
  EXPECT_NEAR(tail->estimated_speedup, 2.0 / (360.0 / 264), 1e-9);
  // The tail's first suggestion makes whole waves: 4 x 66 = 264 blocks.
  const Suggestion* whole = nullptr;
  for (const auto& s : a2.suggestions)
    if (s.finding == "tail_effect" && !whole) whole = &s;
  ASSERT_NE(whole, nullptr) << advice_text(a2);
  EXPECT_EQ(whole->config.get("split_k") * 4 % 264, 0) << whole->reason;
}

TEST(Advisor, SharedMemoryLimitedOccupancySuggestsFewerStages) {
  RunResult r = timed("simt_splitk", problem_p6(), 2.0, {{"stages", "5"}, {"split_k", "132"}});
  r.block_size = 256, r.registers = 64, r.dynamic_smem = 150 * 1024;  // one block per SM by shared memory
  r.grid_size = 4 * 132;
  const Advice a = advise(r, h200(), rtx4090());
  const Finding* occ = find(a, "theoretical_occupancy_low");
  ASSERT_NE(occ, nullptr);
  EXPECT_NE(occ->title.find("shared memory"), std::string::npos);
  EXPECT_EQ(occ->stage, Stage::Pipelining);
  bool fewer_stages = false;
  for (const auto& s : a.suggestions) fewer_stages |= s.config.get("stages") == 4;
  EXPECT_TRUE(fewer_stages);
}

TEST(Advisor, RereadsSpillsAndIdleTensorCores) {
  RunResult r = timed("tc_splitk", problem_p9(), 3.0, {{"precision", "tf32x3"}});
  const double compulsory = r.config.shape.min_bytes();
  r.metrics["dram__bytes_read.sum"] = {2.0 * compulsory, "byte", "cupti"};
  r.metrics["dram__bytes_write.sum"] = {1.0 * compulsory, "byte", "cupti"};
  r.metrics["dram__throughput.avg.pct_of_peak_sustained_elapsed"] = {70, "%", "cupti"};
  r.metrics["sm__throughput.avg.pct_of_peak_sustained_elapsed"] = {30, "%", "cupti"};
  r.metrics["sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active"] = {8, "%", "cupti"};
  r.local_bytes = 16;
  const Advice a = advise(r, h200(), rtx4090());
  ASSERT_NE(find(a, "dram_rereads"), nullptr);
  EXPECT_NEAR(find(a, "dram_rereads")->checks[0].value, 3.0, 1e-9);
  ASSERT_NE(find(a, "local_spills"), nullptr);
  EXPECT_EQ(find(a, "local_spills")->kind, FindingClass::RootCause);
  ASSERT_NE(find(a, "tensor_idle"), nullptr);
  EXPECT_EQ(find(a, "latency_bound"), nullptr);  // DRAM is busy: not latency
  const double ceiling = 3.0e-3 / physical_floor(r.config.shape, h200(), Precision::TF32x3).seconds();
  for (const auto& f : a.findings) EXPECT_LE(f.estimated_speedup, ceiling + 1e-9) << f.id;
}

TEST(Advisor, RulesThatLackTheirCountersSayWhich) {
  const RunResult r = timed("store_bound", problem_p9(), 2.0);
  const Advice a = advise(r, h200(), rtx4090());
  bool latency_skipped = false;
  for (const auto& k : a.skipped)
    if (k.rule == "latency_bound") latency_skipped = true;
  EXPECT_TRUE(latency_skipped);
  EXPECT_NE(advice_text(a).find("not read: latency_bound"), std::string::npos);
}

TEST(Advisor, JsonAndMarkdownCarryFindingsAndSuggestions) {
  const Advice a = advise(seed_004("splitk"), rtx4090(), rtx4090());
  const auto j = advice_json(a);
  EXPECT_EQ(j["stage"], "grid_parallelism");
  EXPECT_EQ(j["findings"][0]["id"], "grid_too_small");
  EXPECT_EQ(j["findings"][0]["checks"][0]["metric"], "launch__grid_size");
  EXPECT_EQ(config_from_json(j["suggestions"][0]["config"]), a.suggestions[0].config);
  const std::string md = advice_markdown(a);
  EXPECT_NE(md.find("grid layout and parallelism"), std::string::npos);
  EXPECT_NE(md.find(a.suggestions[0].name), std::string::npos);
}

TEST(Stages, EveryStageHasFocusGuidelinesInTheLoopOrder) {
  ASSERT_EQ(stages().size(), 6u);
  for (size_t i = 0; i < stages().size(); ++i) {
    EXPECT_EQ(int(stages()[i].stage), int(i));
    EXPECT_FALSE(stages()[i].focus.empty());
    EXPECT_FALSE(stages()[i].guidelines.empty());
  }
  EXPECT_EQ(stage_info(Stage::TileSizes).metrics[0].metric, "sm__warps_active.avg.pct_of_peak_sustained_active");
}

TEST(Advisor, UnbalancedThroughputNamesTheBusyUnit) {
  RunResult mem = timed("store_bound", problem_p9(), 3.0);
  mem.metrics["dram__throughput.avg.pct_of_peak_sustained_elapsed"] = {80, "%", "cupti"};
  mem.metrics["sm__throughput.avg.pct_of_peak_sustained_elapsed"] = {35, "%", "cupti"};
  const Advice a = advise(mem, h200(), rtx4090());
  ASSERT_NE(find(a, "memory_bound"), nullptr);
  EXPECT_EQ(find(a, "memory_bound")->stage, Stage::MemoryAccess);
  EXPECT_NEAR(find(a, "memory_bound")->estimated_speedup, 1.25, 1e-9);  // 100 / 80
  EXPECT_EQ(find(a, "latency_bound"), nullptr);

  RunResult tc = timed("tc_splitk", problem_p6(), 1.3, {{"split_k", "66"}});
  tc.metrics["dram__throughput.avg.pct_of_peak_sustained_elapsed"] = {15, "%", "cupti"};
  tc.metrics["sm__throughput.avg.pct_of_peak_sustained_elapsed"] = {85, "%", "cupti"};
  const Advice b = advise(tc, h200(), rtx4090());
  ASSERT_NE(find(b, "compute_bound"), nullptr);
  EXPECT_EQ(find(b, "memory_bound"), nullptr);
  expect_valid_on_both(b, tc);
}

TEST(Advisor, TheoreticalOccupancyFromCountersAloneStillFires) {
  RunResult r = timed("store_bound", problem_p9(), 2.0);
  r.metrics["sm__maximum_warps_per_active_cycle_pct"] = {25, "%", "ncu"};
  const Advice a = advise(r, h200(), rtx4090());
  const Finding* f = find(a, "theoretical_occupancy_low");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("limiter unknown"), std::string::npos) << f->title;
}
