// The counter timeline read from PM samples, without a GPU: trimmed to the busy stretch with one
// idle sample each side, each curve computed from its counters and clamped to 0-100 %.
#include <gtest/gtest.h>

#include "model/counter_timeline.h"
#include "model/json_codec.h"
#include "model/run_result.h"

using namespace gemmscope;

namespace {
GpuSpec h200() { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), "h200"); }

// 10 us samples: cycles elapsed 19800 (1.98 GHz), `active` cycles, 32 warps resident, 2 inst/cycle.
TimelineSample sample(int i, double active, double bytes) {
  return {uint64_t(1000000 + i * 10000), uint64_t(1000000 + (i + 1) * 10000), {19800, active, 32 * active, 2 * 19800 * active / 19800, bytes, 0}};
}
}  // namespace

TEST(CounterTimeline, TrimsToTheBusyStretchAndComputesEachCurve) {
  std::vector<TimelineSample> s;
  for (int i = 0; i < 3; ++i) s.push_back(sample(i, 0, 0));            // idle before
  for (int i = 3; i < 13; ++i) s.push_back(sample(i, 19800, 24000));   // busy: 24 KB in 10 us = 2.4 GB/s ... of 4800 GB/s
  s.push_back(sample(13, 9900, 0));                                     // a half-busy tail sample
  for (int i = 14; i < 18; ++i) s.push_back(sample(i, 0, 0));           // idle after
  const CounterTimeline t = make_timeline(s, h200());
  ASSERT_EQ(t.t_us.size(), 1u + 10 + 1 + 1);  // one idle sample each side
  ASSERT_EQ(t.curves.size(), 4u);
  EXPECT_DOUBLE_EQ(t.t_us[0], -5.0);          // t = 0 at the first busy sample's start
  EXPECT_DOUBLE_EQ(t.t_us[1], 5.0);
  EXPECT_DOUBLE_EQ(t.interval_us, 10.0);
  EXPECT_DOUBLE_EQ(t.curves[0].pct[0], 0.0);
  EXPECT_DOUBLE_EQ(t.curves[0].pct[5], 100.0);   // SM busy
  EXPECT_DOUBLE_EQ(t.curves[0].pct[11], 50.0);   // the tail
  EXPECT_DOUBLE_EQ(t.curves[1].pct[5], 50.0);    // 2 of 4 schedulers issue each cycle
  EXPECT_DOUBLE_EQ(t.curves[2].pct[5], 50.0);    // 32 of 64 warps
  EXPECT_NEAR(t.curves[3].pct[5], 100 * 2.4 / 4800, 1e-12);
  EXPECT_NE(t.note.find("13 samples of 10.0 us"), std::string::npos) << t.note;
}

TEST(CounterTimeline, AnOverLongFirstSampleIsDropped) {
  // As on the H200: the first sample after start() spans 650 ms and saw the setup kernels.
  std::vector<TimelineSample> s = {{0, 650000000, {19800 * 65000.0, 19800 * 2000.0, 0, 0, 1e9, 0}}};
  for (int i = 0; i < 4; ++i) s.push_back(sample(65000 + i, 0, 0));
  for (int i = 4; i < 9; ++i) s.push_back(sample(65000 + i, 19800, 1000));
  s.push_back(sample(65009, 0, 0));
  s.back().start_ns = s[s.size() - 2].end_ns, s.back().end_ns = s.back().start_ns + 10000;
  for (size_t i = 1; i < s.size(); ++i) s[i].start_ns = 650000000 + (i - 1) * 10000, s[i].end_ns = s[i].start_ns + 10000;
  const CounterTimeline t = make_timeline(s, h200());
  ASSERT_EQ(t.t_us.size(), 7u);  // one idle, five busy, one idle
  EXPECT_DOUBLE_EQ(t.t_us.back() - t.t_us.front(), 60.0);
  EXPECT_NE(t.note.find("over-long first sample dropped"), std::string::npos) << t.note;
}

TEST(CounterTimeline, NoBusySampleGivesNoTimelineAndSaysSo) {
  const CounterTimeline t = make_timeline({sample(0, 0, 0), sample(1, 0, 0)}, h200());
  EXPECT_TRUE(t.empty());
  EXPECT_NE(t.note.find("no sample saw the SMs busy"), std::string::npos);
}

TEST(CounterTimeline, TravelsWithTheRunInJson) {
  RunResult r;
  r.config_name = "x";
  std::vector<TimelineSample> s;
  for (int i = 0; i < 6; ++i) s.push_back(sample(i, i == 0 || i == 5 ? 0 : 19800, 1000));
  r.timeline = make_timeline(s, h200());
  const RunResult back = result_from_json(to_json(r));
  ASSERT_EQ(back.timeline.t_us, r.timeline.t_us);
  ASSERT_EQ(back.timeline.curves.size(), 4u);
  EXPECT_EQ(back.timeline.curves[2].pct, r.timeline.curves[2].pct);
  auto j = to_json(r);
  j["timeline"]["curves"][0]["pct"].push_back(1.0);
  EXPECT_THROW(result_from_json(j), std::invalid_argument);
  RunOptions o;
  o.timeline = true;
  EXPECT_TRUE(options_from_json(to_json(o)).timeline);
}
