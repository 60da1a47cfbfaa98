// Reading a PM sample series without a GPU: the busy stretches, and a counter summed over one of
// them with the idle background taken off.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "metrics/pm_sampler.h"

namespace gemmscope {
namespace {

// 100 samples of 10 us; metric 0 counts bytes, metric 1 is activity. Idle: 5 bytes per sample.
// Busy: samples 20-29 (a setup) and 60-79 (the kernel, 1000 bytes each; its edge samples 59 and 80
// carry 300 and 200).
std::vector<PmSample> series() {
  std::vector<PmSample> s(100);
  for (size_t i = 0; i < s.size(); ++i) {
    s[i].start_ns = 1'000'000 + i * 10'000;
    s[i].end_ns = s[i].start_ns + 10'000;
    const bool setup = i >= 20 && i <= 29, kernel = i >= 60 && i <= 79;
    s[i].values = {kernel ? 1000.0 : setup ? 400.0 : 5.0, (setup || kernel) ? 0.9 : 0.0};
  }
  s[59].values[0] = 300;
  s[80].values[0] = 200;
  s[59].values[1] = 0.02;  // an edge sample, below the threshold
  return s;
}

TEST(PmSeries, FindsTheBusyStretches) {
  const auto bursts = find_bursts(series(), 1);
  ASSERT_EQ(bursts.size(), 2u);
  EXPECT_EQ(bursts[0], std::make_pair(size_t(20), size_t(29)));
  EXPECT_EQ(bursts[1], std::make_pair(size_t(60), size_t(79)));
  EXPECT_TRUE(find_bursts(std::vector<PmSample>(3, PmSample{0, 1, {0.0, 0.0}}), 1).empty()) << "an idle series has none";
  EXPECT_THROW(find_bursts(series(), 2), std::invalid_argument);
}

TEST(PmSeries, SumsTheKernelAndItsEdgesMinusTheIdleRate) {
  const std::vector<PmSample> s = series();
  const auto bursts = find_bursts(s, 1);
  const BurstTotals t = integrate_burst(s, bursts.back(), bursts);
  // Window: samples 59..80, 22 samples = 220 us; raw sum 20*1000 + 300 + 200 = 20500.
  EXPECT_EQ(t.start_ns, s[59].start_ns);
  EXPECT_EQ(t.end_ns, s[80].end_ns);
  EXPECT_DOUBLE_EQ(t.background[0], 5.0 * 22);
  EXPECT_DOUBLE_EQ(t.totals[0], 20500.0 - 5.0 * 22);
  // Idle samples: all but 18..31 and 58..81.
  EXPECT_EQ(t.idle_samples, 100u - 14 - 24);
}

TEST(PmSeries, RefusesABurstOutsideTheSeries) {
  const std::vector<PmSample> s = series();
  EXPECT_THROW(integrate_burst(s, {90, 120}, {}), std::invalid_argument);
  EXPECT_THROW(integrate_burst(s, {10, 5}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace gemmscope
