// A kernel that faults or hangs is recorded as failed, and the next run succeeds.
#include <gtest/gtest.h>

#include "gpu_runner.h"
#include "model/kernel_family.h"

using namespace gemmscope;
using gemmscope::test::gpu_runner;

namespace {
KernelConfig small() { return find_family("seed_tiled")->defaults(parse_problem("512x512x512")); }
RunOptions opts(const std::string& inject, double timeout) {
  RunOptions o;
  o.reps = 2;
  o.fault_injection = inject;
  o.timeout_s = timeout;
  return o;
}
}  // namespace

TEST(Recovery, AFaultingKernelIsRecordedAndTheNextRunSucceeds) {
  REQUIRE_GPU();
  const int restarts = gpu_runner().restarts();
  const RunResult bad = gpu_runner().run(small(), opts("fault", 60));
  EXPECT_EQ(bad.disposition, Disposition::LaunchError) << bad.reason;
  EXPECT_NE(bad.reason.find("CUDA_ERROR_ILLEGAL_ADDRESS"), std::string::npos) << bad.reason;
  EXPECT_NE(bad.reason.find(config_name(small())), std::string::npos) << "the error must name the config: " << bad.reason;
  const RunResult good = gpu_runner().run(small(), opts("", 60));
  EXPECT_EQ(good.disposition, Disposition::Passed) << good.reason;
  EXPECT_EQ(gpu_runner().restarts(), restarts + 1);  // the runner exited after the fault and was restarted
}

TEST(Recovery, AHangingKernelIsKilledByTheWatchdogAndTheNextRunSucceeds) {
  REQUIRE_GPU();
  const RunResult hung = gpu_runner().run(small(), opts("hang", 8));
  EXPECT_EQ(hung.disposition, Disposition::Timeout) << hung.reason;
  const RunResult good = gpu_runner().run(small(), opts("", 120));
  EXPECT_EQ(good.disposition, Disposition::Passed) << good.reason;
}
