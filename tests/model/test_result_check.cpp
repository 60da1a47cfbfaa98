// Results no GPU could have produced are caught before they are shown or stored.
#include <gtest/gtest.h>

#include "model/kernel_family.h"
#include "model/result_check.h"

using namespace gemmscope;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
RunResult plausible() {
  RunResult r;
  r.config = find_family("store_bound")->defaults(problem_p9());
  r.disposition = Disposition::Passed;
  r.reps = 10;
  r.ms_median = 1.757, r.ms_min = 1.75, r.ms_max = 1.80;
  r.tflops = problem_p9().flops() / 1.757e-3 / 1e12;
  r.gbps = problem_p9().min_bytes() / 1.757e-3 / 1e9;
  r.verify.checked = true;
  r.registers = 128;
  return r;
}
}  // namespace

TEST(ResultCheck, AMeasuredRunIsPlausible) { EXPECT_EQ(implausibility(plausible(), spec("h200")), ""); }

TEST(ResultCheck, NegativeOrDisorderedTimesAreNot) {
  RunResult r = plausible();
  r.ms_median = -1;
  EXPECT_NE(implausibility(r, spec("h200")).find("ms_median=-1"), std::string::npos);
  r = plausible();
  r.ms_min = 2;
  EXPECT_NE(implausibility(r, spec("h200")).find("out of order"), std::string::npos);
}

TEST(ResultCheck, ARateAboveThePeakIsNot) {
  RunResult r = plausible();
  r.tflops = 1e308;
  EXPECT_NE(implausibility(r, spec("h200")).find("tflops=1e+308"), std::string::npos);
  // Consistent with a time, but faster than the GPU can compute: 68.7 GFLOP in 0.1 ms.
  r = plausible();
  r.ms_median = r.ms_min = r.ms_max = 0.1;
  r.tflops = problem_p9().flops() / 0.1e-3 / 1e12;
  EXPECT_NE(implausibility(r, spec("h200")).find("exceeds the 66.9 TFLOP/s fp32 peak"), std::string::npos) << implausibility(r, spec("h200"));
}

TEST(ResultCheck, FailedRunsCarryNoFiguresToCheck) {
  RunResult r;
  r.disposition = Disposition::Timeout;
  r.ms_median = -5;
  EXPECT_EQ(implausibility(r, spec("h200")), "");
}
