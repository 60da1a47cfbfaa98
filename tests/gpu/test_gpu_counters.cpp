// Counters through the runner: the seed set is complete (launch__grid_size from the runner's own
// record), the roofline set yields counter-based FLOPs and bytes, and where CUPTI cannot read
// counters (another profiler attached) the run still times and verifies and says why.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>

#include "gpu_runner.h"
#include "model/kernel_family.h"

using namespace gemmscope;
using gemmscope::test::gpu_runner;

namespace {
RunOptions with_metrics(const std::string& set) {
  RunOptions o;
  o.reps = 3;
  o.metrics = set;
  o.seed = 99;
  return o;
}
}  // namespace

TEST(Counters, SeedSetIsCompleteForTheP9Baseline) {
  REQUIRE_GPU();
  const KernelConfig c = find_family("seed_tall_skinny")->defaults(problem_p9());
  const RunResult r = gpu_runner().run(c, with_metrics("seed"));
  ASSERT_EQ(r.disposition, Disposition::Passed) << r.reason;
  for (const char* m : {"sm__throughput.avg.pct_of_peak_sustained_elapsed", "launch__grid_size",
                        "sm__warps_active.avg.pct_of_peak_sustained_active", "dram__throughput.avg.pct_of_peak_sustained_elapsed",
                        "lts__t_sector_hit_rate.pct"})
    EXPECT_TRUE(r.metrics.count(m)) << m << " missing; note: " << r.metrics_note;
  EXPECT_EQ(r.metrics.at("launch__grid_size").value, 32768.0 / 128 * (32768.0 / 64));
  EXPECT_EQ(r.metrics.at("launch__grid_size").source, "launch");
  EXPECT_EQ(r.metrics.at("sm__throughput.avg.pct_of_peak_sustained_elapsed").source, "cupti");
  EXPECT_NE(r.metrics_note.find("replay passes"), std::string::npos) << r.metrics_note;
}

TEST(Counters, RooflineSetCountsTheWorkOfP6) {
  REQUIRE_GPU();
  const KernelConfig c = find_family("splitk")->defaults(problem_p6());
  const RunResult r = gpu_runner().run(c, with_metrics("roofline"));
  ASSERT_EQ(r.disposition, Disposition::Passed) << r.reason;
  ASSERT_TRUE(r.metrics.count("gemmscope__fp32_flops")) << r.metrics_note;
  // 2 FLOPs per FFMA over M*N*K, plus the reduction's adds: within 1 % of 2MNK.
  EXPECT_NEAR(r.metrics.at("gemmscope__fp32_flops").value / problem_p6().flops(), 1.0, 0.01);
  // A and B are read once from DRAM (1.07 GB), give or take L2 reuse misses.
  EXPECT_NEAR(r.metrics.at("dram__bytes_read.sum").value / 1.07e9, 1.0, 0.15);
}

TEST(Counters, UnderAnotherProfilerTheRunStillTimesAndVerifiesAndSaysWhy) {
  REQUIRE_GPU();
  std::string ncu;
  if (FILE* which = popen("command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null", "r")) {
    std::array<char, 512> line{};
    if (std::fgets(line.data(), line.size(), which)) ncu = line.data();
    pclose(which);
  }
  while (!ncu.empty() && (ncu.back() == '\n' || ncu.back() == ' ')) ncu.pop_back();
  if (ncu.empty()) GTEST_SKIP() << "ncu is not installed here, so no second profiler can be attached";
  // ncu holds the counters for the runner's kernels; our own CUPTI session must step aside.
  const std::string cmd = ncu + " --target-processes all -k regex:^tiled_gemm$ -c 1 --metrics gpu__time_duration.sum " +
                          GEMMSCOPE_TEST_CLI + " run --problem 512x512x512 --family seed_tiled --metrics seed --reps 2 --db /tmp/gemmscope-ncu-test.sqlite 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  ASSERT_TRUE(pipe);
  std::string out;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  EXPECT_NE(out.find("status      passed"), std::string::npos) << out;
  EXPECT_NE(out.find("allclose(atol=1e-4, rtol=1e-4): PASS"), std::string::npos) << out;
  EXPECT_NE(out.find("hardware counters unavailable"), std::string::npos) << out;
  EXPECT_NE(out.find("launch__grid_size"), std::string::npos) << "the launch record still gives the grid\n" << out;
}
