// A sweep over a pool of runners, with replay runners standing in for the GPUs (no GPU needed):
// points go to whichever runner is free, every point lands in the store exactly once, a runner
// that dies or hangs is restarted and its point recorded as failed, one that keeps dying leaves
// the pool, cancel stops them all, and a runner of another protocol is refused by name.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "controller/run_session.h"
#include "model/kernel_family.h"
#include "tests/support/await_events.h"
#include "tests/support/fake_runner.h"

using namespace gemmscope;
using namespace gemmscope::testing;

namespace {

// A replay runner serving stored H200 runs of the P9 seed family as device `device` of a host with
// `count` devices, with `extra` flags (faults, delays).
std::vector<std::string> replay(int device, std::vector<std::string> extra = {}, int count = 4) {
  std::vector<std::string> c = {GEMMSCOPE_TEST_REPLAY, "--results", GEMMSCOPE_TEST_RESULTS "/advisor-h200-2026-12-01/p9_seed_sweep.json",
                                "--spec", "h200", "--device", std::to_string(device), "--device-count", std::to_string(count)};
  c.insert(c.end(), extra.begin(), extra.end());
  return c;
}

GpuSpec h200() { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), "h200"); }

// The P9 seed family's default sweep on the H200: 64 points, 54 of them valid.
SweepPlan default_sweep(double timeout_s = 60) {
  SweepPlan plan;
  plan.base = find_family("seed_tall_skinny")->defaults(problem_p9());
  plan.axes = find_family("seed_tall_skinny")->sweep_space(problem_p9(), h200());
  plan.options.timeout_s = timeout_s;
  plan.tag = "pool-test";
  return plan;
}

int count_points(const SweepPlan& plan) {
  int n = 0;
  for_each_point(plan, h200(), [&](SweepPoint&&) { return ++n, true; });
  return n;
}

SessionOptions pool_of(std::vector<std::vector<std::string>> commands, const std::string& store) {
  SessionOptions o;
  o.store_path = store;
  o.pool.commands = std::move(commands);
  return o;
}

size_t lines_in(const std::string& path, const std::string& prefix) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.rfind(prefix, 0) == 0;
  return n;
}

struct SweepOutcome {
  std::vector<RunResult> results;
  std::vector<std::string> messages;
  SweepProgressEvent last;
};

// Says hello to every runner (each must answer), runs the plan and collects what came back.
SweepOutcome sweep(RunSession& s, const SweepPlan& plan) {
  std::vector<SessionEvent> seen;
  s.hello();
  const auto hello = await<HelloEvent>(s, seen);
  EXPECT_TRUE(hello);
  if (hello) {
    for (const RunnerInfo& r : hello->runners) EXPECT_TRUE(r.ok) << r.command << ": " << r.error;
  }
  s.start_sweep(plan, h200());
  SweepOutcome out;
  const auto last = await_sweep_end(s, seen);
  EXPECT_TRUE(last) << "the sweep never finished";
  if (last) out.last = *last;
  for (auto& e : seen) {
    if (auto* r = std::get_if<SweepResultEvent>(&e)) out.results.push_back(r->result);
    if (auto* m = std::get_if<MessageEvent>(&e)) out.messages.push_back(m->text);
  }
  return out;
}

// Every point of the plan is in the store once, and nothing else is.
void expect_every_point_once(const std::string& store, const SweepPlan& plan) {
  ResultStore st(store);
  const QueryResult q = st.query();
  std::multiset<std::string> names;
  for (const RunResult& r : q.runs) names.insert(r.config_name);
  EXPECT_EQ(q.runs.size(), size_t(count_points(plan)));
  std::set<std::string> expected;
  for_each_point(plan, h200(), [&](SweepPoint&& pt) { return expected.insert(config_name(pt.config)), true; });
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), expected);
  for (const auto& n : expected) EXPECT_EQ(names.count(n), 1u) << n << " is stored " << names.count(n) << " times";
}

std::map<int, int> ran_per_device(const std::vector<RunResult>& results) {
  std::map<int, int> per;
  for (const RunResult& r : results)
    if (r.disposition != Disposition::Invalid) ++per[r.device_index];
  return per;
}

}  // namespace

TEST(RunnerPool, PointsGoToWhicheverRunnerIsFreeAndEachIsStoredOnceWithItsDevice) {
  const std::string store = temp_path("pool_spread", ".sqlite");
  const SweepPlan plan = default_sweep();
  SweepOutcome out;
  {
    // Three quick runners and a slow one: a fixed split would leave a quarter of the points waiting on it.
    RunSession s(pool_of({replay(0, {"--delay-ms", "10"}), replay(1, {"--delay-ms", "10"}), replay(2, {"--delay-ms", "10"}),
                          replay(3, {"--delay-ms", "400"})},
                         store));
    out = sweep(s, plan);
  }
  EXPECT_EQ(out.last.progress.done, 64);
  EXPECT_EQ(out.last.progress.failed, 0) << out.last.progress.last_failure;
  EXPECT_EQ(out.last.progress.skipped, 10);
  const auto per = ran_per_device(out.results);
  ASSERT_EQ(per.size(), 4u) << "every runner took points";
  for (int fast : {0, 1, 2}) EXPECT_GT(per.at(fast), per.at(3)) << "the slow runner took fewer points than runner " << fast;
  EXPECT_EQ(per.at(0) + per.at(1) + per.at(2) + per.at(3), 54);
  for (const RunResult& r : out.results)
    if (r.disposition == Disposition::Passed) {
      EXPECT_EQ(r.device_uuid, "REPLAY-GPU-" + std::to_string(r.device_index));
      EXPECT_EQ(r.device, h200().name);
      EXPECT_EQ(device_model_key(r), h200().name);
    }
  ASSERT_EQ(out.last.progress.runners.size(), 4u);
  for (const RunnerProgress& r : out.last.progress.runners) {
    EXPECT_EQ(r.done, per.at(r.device_index)) << "runner " << r.slot;
    EXPECT_EQ(r.device_uuid, "REPLAY-GPU-" + std::to_string(r.device_index));
    EXPECT_FALSE(r.busy);
  }
  expect_every_point_once(store, plan);
  // The device index and UUID come back from the store (kept in the run's cold part).
  ResultStore st(store);
  std::set<std::string> uuids;
  for (const RunResult& r : st.query().runs) uuids.insert(r.device_uuid);
  EXPECT_EQ(uuids, (std::set<std::string>{"", "REPLAY-GPU-0", "REPLAY-GPU-1", "REPLAY-GPU-2", "REPLAY-GPU-3"}))
      << "invalid points were never run, so no GPU is theirs";
}

TEST(RunnerPool, ARunnerThatDiesMidSweepIsRestartedItsPointFailsWithTheReasonAndTheRestIsRun) {
  const std::string store = temp_path("pool_dies", ".sqlite"), once = temp_path("pool_dies_marker", "");
  const SweepPlan plan = default_sweep();
  SweepOutcome out;
  {
    RunSession s(pool_of({replay(0, {"--delay-ms", "5"}), replay(1, {"--delay-ms", "5", "--die-on-run", "3", "--fault-once", once}),
                          replay(2, {"--delay-ms", "5"})},
                         store));
    out = sweep(s, plan);
  }
  std::vector<RunResult> crashed;
  for (const RunResult& r : out.results)
    if (r.disposition == Disposition::Crashed) crashed.push_back(r);
  ASSERT_EQ(crashed.size(), 1u);
  EXPECT_EQ(crashed[0].device_index, 1);
  EXPECT_NE(crashed[0].reason.find("exited with status 3"), std::string::npos) << crashed[0].reason;
  EXPECT_NE(crashed[0].reason.find("dying at run 3 as asked"), std::string::npos) << "the runner's last stderr lines" << crashed[0].reason;
  EXPECT_EQ(out.last.progress.failed, 1);
  EXPECT_EQ(out.last.progress.runners.at(1).restarts, 1);
  EXPECT_EQ(out.last.progress.runners.at(1).state, MemberState::Ready) << "one death is not enough to leave the pool";
  EXPECT_GT(ran_per_device(out.results).at(1), 3) << "the restarted runner went on taking points";
  EXPECT_TRUE(out.messages.empty()) << out.messages.front();
  expect_every_point_once(store, plan);
}

TEST(RunnerPool, AHangingRunnerIsKilledByTheWatchdogAndTheSweepGoesOn) {
  const std::string store = temp_path("pool_hangs", ".sqlite"), once = temp_path("pool_hangs_marker", "");
  const SweepPlan plan = default_sweep(1);  // one second of watchdog a run
  SweepOutcome out;
  const auto t0 = std::chrono::steady_clock::now();
  {
    RunSession s(pool_of({replay(0, {"--delay-ms", "5"}), replay(1, {"--hang-on-run", "2", "--fault-once", once})}, store));
    out = sweep(s, plan);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  std::vector<RunResult> timed_out;
  for (const RunResult& r : out.results)
    if (r.disposition == Disposition::Timeout) timed_out.push_back(r);
  ASSERT_EQ(timed_out.size(), 1u);
  EXPECT_EQ(timed_out[0].device_index, 1);
  EXPECT_NE(timed_out[0].reason.find("watchdog"), std::string::npos) << timed_out[0].reason;
  EXPECT_EQ(out.last.progress.runners.at(1).restarts, 1);
  EXPECT_EQ(out.last.progress.failed, 1);
  expect_every_point_once(store, plan);
}

TEST(RunnerPool, ARunnerThatKeepsDyingIsTakenOutOfThePoolAndTheOthersTakeItsPoints) {
  const std::string store = temp_path("pool_keeps_dying", ".sqlite");
  const SweepPlan plan = default_sweep();
  SweepOutcome out;
  {
    // Runner 2 dies on the first run of every life: three in a row, then it is out.
    RunSession s(pool_of({replay(0, {"--delay-ms", "5"}), replay(1, {"--delay-ms", "5"}), replay(2, {"--die-on-run", "1"})}, store));
    out = sweep(s, plan);
  }
  const auto per = ran_per_device(out.results);
  EXPECT_EQ(per.at(2), 3) << "max_consecutive_failures points, then no more";
  EXPECT_EQ(out.last.progress.failed, 3);
  EXPECT_EQ(per.at(0) + per.at(1), 54 - 3);
  const RunnerProgress& gone = out.last.progress.runners.at(2);
  EXPECT_EQ(gone.state, MemberState::Removed);
  EXPECT_EQ(gone.failed, 3);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_NE(out.messages[0].find("runner 2 (device 2"), std::string::npos) << out.messages[0];
  EXPECT_NE(out.messages[0].find("is out of the pool: its runner failed 3 runs in a row"), std::string::npos) << out.messages[0];
  EXPECT_NE(out.messages[0].find("exited with status 3"), std::string::npos) << "the last failure is named: " << out.messages[0];
  expect_every_point_once(store, plan);
}

TEST(RunnerPool, TheLastRunnerIsNeverRemovedSoALoneRunnerTriesEveryPointAsBefore) {
  RunnerPool pool({{replay(0, {"--die-on-run", "1"})}, {}, 3});
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(pool.record(0, Disposition::Crashed));
  EXPECT_NE(pool.status(0).state, MemberState::Removed);
  EXPECT_EQ(pool.sweep_slots(), std::vector<size_t>{0});
}

TEST(RunnerPool, OnlyRunnerFailuresInARowCount) {
  RunnerPool pool({{replay(0), replay(1)}, {}, 3});
  // A config that fails (compile error, launch error, wrong answer) says nothing of the runner.
  for (Disposition d : {Disposition::Crashed, Disposition::Timeout, Disposition::LaunchError, Disposition::Crashed, Disposition::Crashed,
                        Disposition::CompileError, Disposition::Incorrect, Disposition::NoDevice, Disposition::Timeout})
    EXPECT_FALSE(pool.record(1, d)) << to_string(d);
  EXPECT_TRUE(pool.record(1, Disposition::Crashed)) << "the third runner failure in a row";
  EXPECT_EQ(pool.status(1).state, MemberState::Removed);
  EXPECT_EQ(pool.sweep_slots(), std::vector<size_t>{0});
  EXPECT_FALSE(pool.record(0, Disposition::Crashed));
}

TEST(RunnerPool, CancelStopsEveryRunnerAndEachIsShutDownCleanly) {
  const std::string store = temp_path("pool_cancel", ".sqlite");
  std::vector<std::string> logs;
  std::vector<std::vector<std::string>> commands;
  for (int d = 0; d < 3; ++d) {
    logs.push_back(temp_path("pool_cancel_log" + std::to_string(d), ".txt"));
    commands.push_back(replay(d, {"--delay-ms", "150", "--run-log", logs.back()}));
  }
  std::vector<SessionEvent> seen;
  SweepProgressEvent last;
  {
    RunSession s(pool_of(commands, store));
    s.hello();
    ASSERT_TRUE(await<HelloEvent>(s, seen));
    s.start_sweep(default_sweep(), h200());
    // Cancel once each runner has answered a point.
    for (;;) {
      auto r = await<SweepResultEvent>(s, seen);
      ASSERT_TRUE(r);
      if (lines_in(logs[0], "run ") && lines_in(logs[1], "run ") && lines_in(logs[2], "run ")) break;
    }
    const auto cancelled_at = std::chrono::steady_clock::now();
    s.cancel_sweep();
    const auto end = await_sweep_end(s, seen);
    ASSERT_TRUE(end);
    last = *end;
    EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, std::chrono::seconds(3)) << "only the points in flight finish";
  }
  EXPECT_TRUE(last.progress.cancelled);
  EXPECT_LT(last.progress.done, last.progress.total);
  size_t requested = 0;
  for (const auto& log : logs) {
    requested += lines_in(log, "run ");
    EXPECT_EQ(lines_in(log, "shutdown"), 1u) << log << ": the runner was asked to shut down when the session ended";
  }
  EXPECT_EQ(requested, size_t(last.progress.done - last.progress.skipped)) << "no point was sent after the cancel";
  ResultStore st(store);
  EXPECT_EQ(st.query().runs.size(), size_t(last.progress.done)) << "every point answered is stored";
}

TEST(RunnerPool, ARunnerOfAnotherProtocolIsNamedWithBothVersionsAndGetsNoPoints) {
  const std::string store = temp_path("pool_protocol", ".sqlite");
  RunSession s(pool_of({replay(0), replay(1, {"--protocol", "1"})}, store));
  std::vector<SessionEvent> seen;
  s.hello();
  const auto hello = await<HelloEvent>(s, seen);
  ASSERT_TRUE(hello);
  ASSERT_EQ(hello->runners.size(), 2u);
  EXPECT_TRUE(hello->runners[0].ok);
  EXPECT_FALSE(hello->runners[1].ok);
  EXPECT_NE(hello->runners[1].error.find("speaks protocol 1, this build " + std::to_string(kProtocolVersion)), std::string::npos)
      << hello->runners[1].error;
  EXPECT_NE(hello->runners[1].error.find("--device 1 --device-count 4 --protocol 1"), std::string::npos)
      << "the runner is named by its command: " << hello->runners[1].error;
  s.start_sweep(default_sweep(), h200());
  const auto end = await_sweep_end(s, seen);
  ASSERT_TRUE(end);
  ASSERT_EQ(end->progress.runners.size(), 1u) << "the refused runner takes no points";
  EXPECT_EQ(end->progress.failed, 0);
}

TEST(RunnerPool, AllDevicesAreCountedByTheFirstRunner) {
  SessionOptions o;
  o.pool.commands = {replay(0, {}, 3)};
  std::vector<std::string> each = replay(0, {}, 3);
  each.resize(each.size() - 4);  // without "--device 0 --device-count 3"
  each.insert(each.end(), {"--device-count", "3"});
  o.pool.every_device = each;
  RunSession s(o);
  std::vector<SessionEvent> seen;
  s.hello();
  const auto hello = await<HelloEvent>(s, seen);
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->pool_error, "");
  ASSERT_EQ(hello->runners.size(), 3u);
  for (int d = 0; d < 3; ++d) {
    EXPECT_TRUE(hello->runners[size_t(d)].ok) << hello->runners[size_t(d)].error;
    EXPECT_EQ(hello->runners[size_t(d)].device_index, d);
  }
  // A second hello asks the same three, and adds none.
  s.hello();
  EXPECT_EQ(await<HelloEvent>(s, seen)->runners.size(), 3u);
}

TEST(RunnerPool, AllDevicesOfARunnerThatDoesNotCountThemIsAClearError) {
  SessionOptions o;
  o.pool.commands = {{fake_runner("uncounted")}};  // a protocol-2 runner whose hello has no device_count
  o.pool.every_device = {fake_runner("uncounted")};
  RunSession s(o);
  std::vector<SessionEvent> seen;
  s.hello();
  const auto hello = await<HelloEvent>(s, seen);
  ASSERT_TRUE(hello);
  EXPECT_TRUE(hello->info.ok);
  EXPECT_NE(hello->pool_error.find("does not say how many devices its host has"), std::string::npos) << hello->pool_error;
  EXPECT_EQ(hello->runners.size(), 1u);
}

TEST(RunnerPool, MixedGpuModelsAreEachJudgedOnTheirOwnSpecAndKeyedApart) {
  const std::string store = temp_path("pool_mixed", ".sqlite");
  const SweepPlan plan = default_sweep();
  SweepOutcome out;
  {
    std::vector<std::string> h100 = replay(1, {"--delay-ms", "5"});
    h100[4] = "h100_sxm";  // --spec
    RunSession s(pool_of({replay(0, {"--delay-ms", "5"}), h100}, store));
    out = sweep(s, plan);
  }
  std::set<std::string> models;
  for (const RunResult& r : out.results) {
    if (r.disposition != Disposition::Passed) continue;
    models.insert(device_model_key(r));
    EXPECT_EQ(r.device_index == 1, r.device.find("H100") != std::string::npos) << r.device_index << " " << r.device;
  }
  EXPECT_EQ(models.size(), 2u);
  ResultStore st(store);
  EXPECT_EQ(st.device_specs().size(), 2u) << "both GPUs' specs are kept, so each run is judged on its own";
}
