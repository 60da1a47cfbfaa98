// One roofline reading of a run for every printer, judged on the GPU it ran on.
#include <gtest/gtest.h>

#include "model/kernel_family.h"
#include "model/run_roofline.h"

using namespace gemmscope;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
RunResult run_of(const std::string& family, const ProblemShape& shape, double ms) {
  RunResult r;
  r.config = find_family(family)->defaults(shape);
  r.disposition = Disposition::Passed;
  r.ms_median = r.ms_min = r.ms_max = ms;
  r.reps = 5;
  return r;
}
}  // namespace

TEST(RunRoofline, NominalBytesUnlessDramCountersWereCollected) {
  RunResult r = run_of("store_bound", problem_p9(), 1.757);
  const RunRoofline nominal = run_roofline(r, spec("h200"), spec("rtx4090"));
  EXPECT_FALSE(nominal.bytes_from_counters);
  EXPECT_DOUBLE_EQ(nominal.point.bytes, problem_p9().min_bytes());
  r.metrics["dram__bytes_read.sum"] = {9e6, "byte", "cupti"};
  r.metrics["dram__bytes_write.sum"] = {4.3e9, "byte", "cupti"};
  const RunRoofline counted = run_roofline(r, spec("h200"), spec("rtx4090"));
  EXPECT_TRUE(counted.bytes_from_counters);
  EXPECT_DOUBLE_EQ(counted.point.bytes, 4.309e9);
}

TEST(RunRoofline, ThePrecisionComesFromTheFamilysReadingOfTheConfig) {
  RunResult r = run_of("tc_splitk", problem_p6(), 1.27);
  EXPECT_EQ(run_roofline(r, spec("h200"), spec("rtx4090")).precision, Precision::TF32x3);
  r.config.set("precision", int(Precision::TF32));
  EXPECT_EQ(run_roofline(r, spec("h200"), spec("rtx4090")).precision, Precision::TF32);
  EXPECT_EQ(run_roofline(run_of("store_bound", problem_p9(), 1.8), spec("h200"), spec("rtx4090")).precision, Precision::FP32);
}

TEST(RunRoofline, ReferenceFiguresAreOfTheProjectionAndNeverAbove100Percent) {
  // An H200 run writing P9 at 2449 GB/s is 243 % of the 4090's 1008 GB/s: only a projection may
  // be shown there, and a projection cannot beat the reference's peaks.
  const RunRoofline rr = run_roofline(run_of("store_bound", problem_p9(), 1.757), spec("h200"), spec("rtx4090"));
  EXPECT_GT(rr.projection.projected_seconds, rr.projection.floor_seconds);
  EXPECT_LE(rr.reference_pct_of_dram_peak, 100.0);
  EXPECT_LE(rr.reference_pct_of_compute_peak, 100.0);
  EXPECT_NEAR(rr.reference_pct_of_dram_peak, rr.here.pct_of_attainable, 0.5) << "same share of the roofline there";
  // A run faster than its roofline here (hot L2) is projected to the floor there, not past it.
  const RunRoofline fast = run_roofline(run_of("store_bound", problem_p9(), 0.2), spec("h200"), spec("rtx4090"));
  EXPECT_NEAR(fast.projection.projected_seconds, fast.projection.floor_seconds, 1e-12);
  EXPECT_LE(fast.reference_pct_of_dram_peak, 100.0);
}

TEST(RunRoofline, TheSameRunReadsTheSameWhoeverPrintsIt) {
  // Judged against the GPU it ran on: an H200 run read on a 4090 machine keeps its H200 verdict.
  const RunResult r = run_of("simt_splitk", problem_p6(), 1.486);
  const RunRoofline a = run_roofline(r, spec("h200"), spec("rtx4090"));
  const RunRoofline b = run_roofline(r, spec("h200"), spec("h100_sxm"));
  EXPECT_DOUBLE_EQ(a.here.pct_of_attainable, b.here.pct_of_attainable);
  EXPECT_NE(run_roofline(r, spec("rtx4090"), spec("rtx4090")).here.pct_of_attainable, a.here.pct_of_attainable);
}

TEST(RunRoofline, ARunWithoutATimeHasNoFigures) {
  RunResult r = run_of("store_bound", problem_p9(), 0);
  r.disposition = Disposition::Invalid;
  const RunRoofline rr = run_roofline(r, spec("h200"), spec("rtx4090"));
  EXPECT_FALSE(rr.measured());
  EXPECT_EQ(rr.here.pct_of_attainable, 0);
}
