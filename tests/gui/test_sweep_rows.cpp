// A sweep's light rows (app/gui/sweep_rows.h) give the figures the whole result gives: the heatmap,
// the sorted table, the roofline and the report read rows, so a row must read as its run does.
#include <gtest/gtest.h>

#include <cmath>

#include "app/gui/run_figures.h"
#include "app/gui/sweep_rows.h"
#include "model/kernel_family.h"
#include "model/occupancy.h"
#include "model/run_roofline.h"

using namespace gemmscope;

namespace {

GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }

RunResult measured_run() {
  RunResult r;
  r.id = 7;
  r.config = find_family("splitk")->defaults(problem_p6());
  r.config_name = config_name(r.config);
  r.device = "NVIDIA H200";
  r.disposition = Disposition::Passed;
  r.ms_median = 0.5;
  r.tflops = r.config.shape.flops() / 0.5e-3 / 1e12;
  r.gbps = 812;
  r.registers = 96;
  r.block_size = 256;
  r.static_smem = 16384;
  r.verify.checked = true;
  r.verify.rel_fro_error = 3e-7;
  r.metrics["dram__bytes_read.sum"] = {4e8, "byte", "cupti"};
  r.metrics["dram__bytes_write.sum"] = {1e8, "byte", "cupti"};
  r.metrics["lts__t_sector_hit_rate.pct"] = {77.5, "%", "cupti"};
  return r;
}

}  // namespace

TEST(SweepRow, ReadsEveryFigureAsTheWholeRunDoes) {
  const GpuSpec h200 = spec("h200"), ref = spec("rtx4090");
  const RunResult r = measured_run();
  const SweepRow w = sweep_row(r, h200);
  EXPECT_EQ(w.id, 7);
  EXPECT_EQ(w.config_name, r.config_name);
  EXPECT_DOUBLE_EQ(w.figure("TFLOP/s", h200), r.tflops);
  EXPECT_DOUBLE_EQ(w.figure("time", h200), 0.5);
  EXPECT_DOUBLE_EQ(w.figure("GB/s", h200), 812);
  EXPECT_DOUBLE_EQ(w.figure("registers", h200), 96);
  EXPECT_DOUBLE_EQ(w.figure("rel. error", h200), 3e-7);
  EXPECT_DOUBLE_EQ(w.figure("L2 hit rate", h200), 77.5);
  EXPECT_TRUE(std::isnan(w.figure("SM throughput", h200))) << "not collected";
  EXPECT_TRUE(std::isnan(w.figure("no such figure", h200)));
  // No occupancy recorded: the calculator's, on the GPU it ran on.
  EXPECT_DOUBLE_EQ(w.figure("theoretical occupancy", h200), 100.0 * theoretical_occupancy(h200, 256, 96, 16384, 0).fraction);
  EXPECT_EQ(w.allclose, 1);
  // The roofline reading is run_roofline()'s, bytes from the DRAM counters included.
  const RunRoofline whole = run_roofline(r, h200, ref), light = w.roofline(h200, ref);
  EXPECT_TRUE(light.bytes_from_counters);
  EXPECT_DOUBLE_EQ(light.point.intensity(), whole.point.intensity());
  EXPECT_DOUBLE_EQ(light.point.bytes, 5e8);
  EXPECT_DOUBLE_EQ(light.here.pct_of_attainable, whole.here.pct_of_attainable);
  EXPECT_DOUBLE_EQ(light.reference_tflops, whole.reference_tflops);
  EXPECT_DOUBLE_EQ(light.projection.projected_seconds, whole.projection.projected_seconds);
  EXPECT_EQ(light.precision, whole.precision);
  EXPECT_DOUBLE_EQ(w.figure("% of attainable", h200), run_roofline(r, h200, h200).here.pct_of_attainable);
}

TEST(SweepRow, AnUntimedRunHasNoRatesAndAnUnverifiedOneNoError) {
  const GpuSpec h200 = spec("h200");
  RunResult r = measured_run();
  r.disposition = Disposition::CompileError;
  r.ms_median = 0;
  r.verify.checked = false;
  r.reason = std::string(1000, 'x') + "\nrest of the log";
  const SweepRow w = sweep_row(r, h200);
  EXPECT_TRUE(std::isnan(w.figure("TFLOP/s", h200)));
  EXPECT_TRUE(std::isnan(w.figure("rel. error", h200)));
  EXPECT_DOUBLE_EQ(w.figure("registers", h200), 96) << "registers come from the compile, not the timing";
  EXPECT_EQ(w.allclose, -1);
  EXPECT_EQ(w.reason.size(), SweepRow::kReasonChars) << "the table's cell; the store has the whole log";
}

TEST(SweepRows, KeepOnlyTheFastestAndTheUnstoredWhole) {
  const GpuSpec h200 = spec("h200");
  SweepRows rows;
  const double times[] = {3, 1, 2};
  for (int i = 0; i < 3; ++i) {
    RunResult r = measured_run();
    r.id = 10 + i;
    r.config.set("split_k", 2 + i);
    r.config_name = config_name(r.config);
    r.ms_median = times[i];
    rows.add(std::move(r), h200);
  }
  RunResult local = measured_run();
  local.id = -1;  // the store refused it
  local.ms_median = 5;
  rows.add(std::move(local), h200);
  ASSERT_EQ(rows.size(), 4u);
  ASSERT_NE(rows.best(), nullptr);
  EXPECT_EQ(rows.best()->id, 11);
  EXPECT_EQ(rows.unstored().size(), 1u);
  EXPECT_NE(rows.unstored(-1), nullptr);
  EXPECT_EQ(rows.unstored(10), nullptr);
  EXPECT_EQ(rows.stored_ids(), (std::vector<int64_t>{10, 11, 12}));
  // Parameters are packed, yet each row's config comes back as it was.
  KernelConfig second = measured_run().config;
  second.set("split_k", 3);
  EXPECT_EQ(rows.config(1), second);
  EXPECT_EQ(rows.param(2, "split_k"), 4);
  EXPECT_EQ(rows.param(2, "no_such_param"), std::nullopt);
  rows.clear();
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(rows.best(), nullptr);
}

// A pool of mixed GPU models (issue 14): rows know their GPU, group by model in arrival order, and
// a view compares one model's rows unless asked to compare across models.
TEST(SweepRows, GroupByGpuModelAndAViewAdmitsOneModel) {
  const GpuSpec h200 = spec("h200"), h100 = spec("h100_sxm");
  SweepRows rows;
  EXPECT_EQ(rows.view_model("", "NVIDIA H200"), "");
  auto add = [&](const std::string& device, int index, double ms, int64_t id) {
    RunResult r = measured_run();
    r.id = id, r.device = device, r.device_index = index, r.ms_median = ms;
    rows.add(std::move(r), device == "NVIDIA H200" ? h200 : h100);
  };
  add("NVIDIA H100", 2, 0.40, 1);
  add("NVIDIA H200", 0, 0.50, 2);
  add("NVIDIA H200", 1, 0.45, 3);
  add("NVIDIA H100", 2, 0.60, 4);
  EXPECT_EQ(rows[0].device_index, 2);
  ASSERT_EQ(rows.models().size(), 2u);
  EXPECT_EQ(rows.models()[0].model, "NVIDIA H100");
  EXPECT_EQ(rows.models()[0].rows, 2u);
  EXPECT_EQ(rows.models()[1].devices, (std::vector<int>{0, 1}));
  // The current model while the rows have it, else the primary's, else the first to arrive.
  EXPECT_EQ(rows.view_model("NVIDIA H100", "NVIDIA H200"), "NVIDIA H100");
  EXPECT_EQ(rows.view_model("", "NVIDIA H200"), "NVIDIA H200");
  EXPECT_EQ(rows.view_model("RTX 4090", "A100"), "NVIDIA H100");
  ModelView view{"NVIDIA H200", false};
  EXPECT_TRUE(view.admits("NVIDIA H200"));
  EXPECT_FALSE(view.admits("NVIDIA H100"));
  view.across = true;
  EXPECT_TRUE(view.admits("NVIDIA H100"));
  EXPECT_TRUE(ModelView{}.admits("anything")) << "no model chosen (no rows yet) admits every row";
}

TEST(SweepRows, ARunWithoutADeviceNameGroupsByItsArch) {
  SweepRows rows;
  RunResult r = measured_run();
  r.device.clear(), r.arch = "sm_90";
  rows.add(std::move(r), spec("h200"));
  EXPECT_EQ(rows[0].device, "sm_90");
  EXPECT_EQ(rows[0].device_index, -1) << "runs from before pools say no device index";
}
