// The sweep heatmap's cells (app/gui/heatmap_grid.h): each cell is the best run over the axes not
// shown, knows which run that is (hover and click use it) and how many it chose from; cells with
// no passed run stay empty rather than reading as slow.
#include <gtest/gtest.h>

#include <cmath>

#include "app/gui/heatmap_grid.h"
#include "model/kernel_family.h"

using namespace gemmscope;

namespace {

RunResult run(int block_m, int block_n, int threads, double ms, Disposition d = Disposition::Passed) {
  RunResult r;
  r.config = make_config(problem_p9(), "seed_tall_skinny",
                         {{"block_m", std::to_string(block_m)}, {"block_n", std::to_string(block_n)}, {"threads", std::to_string(threads)}});
  r.config_name = config_name(r.config);
  r.disposition = d;
  r.ms_median = d == Disposition::Passed ? ms : 0;
  r.tflops = d == Disposition::Passed ? 68.7 / ms : 0;
  return r;
}

GpuSpec h200() { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), "h200"); }

// The runs as the Sweep panel holds them: light rows, with store ids 1, 2, ...
SweepRows rows_of(std::vector<RunResult> runs) {
  SweepRows rows;
  int64_t id = 0;
  for (auto& r : runs) r.id = ++id, rows.add(std::move(r), h200());
  return rows;
}

}  // namespace

TEST(HeatmapGrid, EachCellIsTheBestRunOverTheHiddenAxisAndNamesIt) {
  const std::vector<RunResult> runs = {run(64, 64, 128, 6.0), run(64, 64, 256, 5.0), run(128, 64, 128, 4.0),
                                       run(128, 128, 128, 3.0), run(64, 128, 256, 0, Disposition::Invalid)};
  const HeatmapGrid g = heatmap_grid(rows_of(runs), "block_m", "block_n", "TFLOP/s", h200());
  ASSERT_EQ(g.x_values, (std::vector<int>{64, 128}));
  ASSERT_EQ(g.y_values, (std::vector<int>{64, 128}));
  EXPECT_TRUE(g.higher_is_better);
  // Row 0 is the top row: block_n = 128.
  const size_t m64_n64 = g.at(0, 1), m128_n64 = g.at(1, 1), m64_n128 = g.at(0, 0), m128_n128 = g.at(1, 0);
  EXPECT_EQ(g.best_run[m64_n64], 1) << "of the two threads values, the faster run (5 ms) is the cell's";
  EXPECT_EQ(g.count[m64_n64], 2);
  EXPECT_NEAR(g.value[m64_n64], 68.7 / 5.0, 1e-9);
  EXPECT_EQ(g.best_run[m128_n64], 2);
  EXPECT_EQ(g.best_run[m128_n128], 3);
  EXPECT_EQ(g.best_run[m64_n128], -1) << "an invalid run gives the cell no value";
  EXPECT_TRUE(std::isnan(g.value[m64_n128]));
  EXPECT_EQ(g.count[m64_n128], 0);
  EXPECT_NEAR(g.lo, 68.7 / 6.0, 1e-9);
  EXPECT_NEAR(g.hi, 68.7 / 3.0, 1e-9);
}

TEST(HeatmapGrid, ForTimeTheLowestWins) {
  const std::vector<RunResult> runs = {run(64, 64, 128, 6.0), run(64, 64, 256, 5.0)};
  const HeatmapGrid g = heatmap_grid(rows_of(runs), "block_m", "block_n", "time", h200());
  EXPECT_FALSE(g.higher_is_better);
  ASSERT_EQ(g.value.size(), 1u);
  EXPECT_EQ(g.best_run[0], 1);
  EXPECT_DOUBLE_EQ(g.value[0], 5.0);
  EXPECT_GT(g.hi, g.lo) << "one value still gives a colour range";
}

TEST(HeatmapGrid, NoRunsGiveAnEmptyGridWithAUsableRange) {
  const HeatmapGrid g = heatmap_grid(SweepRows{}, "block_m", "block_n", "TFLOP/s", h200());
  EXPECT_TRUE(g.x_values.empty());
  EXPECT_TRUE(g.value.empty());
  EXPECT_GT(g.hi, g.lo);
}

// A split_k axis of 1000 values becomes at most kMaxHeatmapCells columns of consecutive ranges;
// every run lands in the range holding its value, and the best run of a range is its cell.
TEST(HeatmapGrid, ManyValuesBecomeReadableRanges) {
  std::vector<RunResult> runs;
  for (int sk = 1; sk <= 1000; ++sk) {
    RunResult r;
    r.config = make_config(problem_p6(), "simt_splitk", {{"split_k", std::to_string(sk)}});
    r.config_name = config_name(r.config);
    r.disposition = Disposition::Passed;
    r.ms_median = sk == 132 ? 1.0 : 2.0 + 0.001 * sk;
    r.tflops = 68.7 / r.ms_median;
    runs.push_back(r);
  }
  const HeatmapGrid g = heatmap_grid(rows_of(runs), "split_k", "stages", "TFLOP/s", h200());
  ASSERT_LE(g.x_values.size(), kMaxHeatmapCells);
  ASSERT_EQ(g.x_values.size(), g.x_last.size());
  EXPECT_EQ(g.x_values.front(), 1);
  EXPECT_EQ(g.x_last.back(), 1000);
  for (size_t i = 0; i + 1 < g.x_values.size(); ++i) EXPECT_EQ(g.x_last[i] + 1, g.x_values[i + 1]) << "ranges tile the values";
  ASSERT_EQ(g.y_values, (std::vector<int>{3}));
  EXPECT_EQ(g.y_last, g.y_values);
  size_t col = 0;
  while (!(g.x_values[col] <= 132 && 132 <= g.x_last[col])) ++col;
  EXPECT_EQ(g.best_run[g.at(col, 0)], 131) << "the 1 ms run at split_k 132 is its range's best";
  int total = 0;
  for (int c : g.count) total += c;
  EXPECT_EQ(total, 1000);
}

// A pool of mixed GPU models: a cell's best is one model's unless the view compares across models.
TEST(HeatmapGrid, AModelViewComparesOnlyThatModelsRuns) {
  std::vector<RunResult> runs = {run(64, 64, 128, 6.0), run(64, 64, 256, 2.0), run(128, 64, 128, 4.0)};
  runs[0].device = "NVIDIA H200", runs[0].device_index = 0;
  runs[1].device = "NVIDIA H100", runs[1].device_index = 1;  // faster, but another model
  runs[2].device = "NVIDIA H100", runs[2].device_index = 1;
  const SweepRows rows = rows_of(runs);
  const HeatmapGrid one = heatmap_grid(rows, "block_m", "block_n", "TFLOP/s", h200(), ModelView{"NVIDIA H200", false});
  ASSERT_EQ(one.x_values, (std::vector<int>{64})) << "the other model's columns are not drawn";
  EXPECT_EQ(one.best_run[0], 0);
  EXPECT_EQ(one.count[0], 1);
  const HeatmapGrid across = heatmap_grid(rows, "block_m", "block_n", "TFLOP/s", h200(), ModelView{"NVIDIA H200", true});
  ASSERT_EQ(across.x_values, (std::vector<int>{64, 128}));
  EXPECT_EQ(across.best_run[across.at(0, 0)], 1) << "across models the H100's faster run is the cell's best";
  EXPECT_EQ(across.count[across.at(0, 0)], 2);
}
