// RunSession, the headless session the GUI, CLI and presets share, driven with a fake runner: a
// store that cannot be written loses no result and stops nothing, a corrupt store leaves the
// session running without one, and history reads past a bad row.
#include <gtest/gtest.h>

#include <fstream>
#include <sqlite3.h>

#include "controller/run_session.h"
#include "model/kernel_family.h"
#include "tests/support/await_events.h"
#include "tests/support/fake_runner.h"

using namespace gemmscope;
using namespace gemmscope::testing;

namespace {

GpuSpec h200() { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), "h200"); }

KernelConfig config() { return find_family("seed_tall_skinny")->defaults(problem_p9()); }

SweepPlan three_point_sweep() {
  SweepPlan plan;
  plan.base = config();
  plan.axes = {{"block_m", {32, 64, 128}}};
  plan.tag = "session-test";
  return plan;
}

}  // namespace

TEST(RunSession, RunsAndStoresThroughOneSession) {
  const std::string store = temp_path("session_ok", ".sqlite");
  RunSession s({{fake_runner("ok")}, store});
  std::vector<SessionEvent> seen;
  const auto opened = await<StoreEvent>(s, seen);
  ASSERT_TRUE(opened && opened->open) << (opened ? opened->error : "no store event");
  s.hello();
  ASSERT_TRUE(await<HelloEvent>(s, seen)->info.ok);
  s.run(config(), {});
  const auto run = await<RunEvent>(s, seen);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->result.disposition, Disposition::Passed) << run->result.reason;
  EXPECT_EQ(run->store_error, "");
  EXPECT_GT(run->result.id, 0);
  StoreQuery q;
  q.newest_first = true;
  s.query_history(q);
  const auto history = await<HistoryEvent>(s, seen);
  ASSERT_TRUE(history);
  EXPECT_EQ(history->rows.size(), 1u);
  ASSERT_EQ(history->devices.size(), 1u) << "the device of the runs is remembered";
  EXPECT_EQ(history->devices[0].name, "Fake GPU");
}

TEST(RunSession, ASweepOnAStoreThatCannotBeWrittenFinishesAndKeepsEveryResult) {
  const std::string store = temp_path("session_refusing", ".sqlite");
  make_store_refuse_inserts(store);
  RunSession s({{fake_runner("refusing")}, store});
  std::vector<SessionEvent> seen;
  s.hello();
  ASSERT_TRUE(await<HelloEvent>(s, seen)->info.ok);
  s.start_sweep(three_point_sweep(), h200());
  ASSERT_TRUE(await_sweep_end(s, seen)) << "the sweep never finished";
  int results = 0, unstored = 0;
  for (const auto& e : seen)
    if (auto* r = std::get_if<SweepResultEvent>(&e)) {
      ++results;
      EXPECT_EQ(r->result.disposition, Disposition::Passed);
      if (r->store_error.find("disk I/O error (test trigger)") != std::string::npos) ++unstored;
    }
  EXPECT_EQ(results, 3);
  EXPECT_EQ(unstored, 3) << "every result says why it was not stored";
}

TEST(RunSession, ASweepNamesItsSkippedPointApartFromItsFailures) {
  RunSession s({{fake_runner("skips")}, ""});
  std::vector<SessionEvent> seen;
  s.hello();
  ASSERT_TRUE(await<HelloEvent>(s, seen)->info.ok);
  SweepPlan plan;
  plan.base = make_config(problem_p9(), "seed_tall_skinny", {{"block_n", "16"}, {"threads", "512"}});
  plan.axes = {{"block_m", {16, 32}}};  // 16x16 has fewer elements than 512 threads: skipped
  s.start_sweep(plan, h200());
  const std::optional<SweepProgressEvent> last = await_sweep_end(s, seen);
  ASSERT_TRUE(last) << "the sweep never finished";
  EXPECT_EQ(last->progress.skipped, 1);
  EXPECT_EQ(last->progress.failed, 0);
  EXPECT_EQ(last->progress.last_failure, "") << "a skipped point is not a failure";
  EXPECT_NE(last->progress.last_skipped.find("threads=512"), std::string::npos) << last->progress.last_skipped;
}

TEST(RunSession, ARunOnAStoreThatCannotBeWrittenStillComesBackWithTheReason) {
  const std::string store = temp_path("session_refusing_run", ".sqlite");
  make_store_refuse_inserts(store);
  RunSession s({{fake_runner("refusing_run")}, store});
  std::vector<SessionEvent> seen;
  s.hello();
  ASSERT_TRUE(await<HelloEvent>(s, seen)->info.ok);
  s.run(config(), {});
  const auto run = await<RunEvent>(s, seen);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->result.disposition, Disposition::Passed);
  EXPECT_DOUBLE_EQ(run->result.ms_median, 2.5);
  EXPECT_NE(run->store_error.find("disk I/O error"), std::string::npos) << run->store_error;
}

TEST(RunSession, ACorruptStoreIsReportedAndTheSessionRunsWithoutOne) {
  const std::string store = temp_path("session_corrupt", ".sqlite");
  std::ofstream(store) << std::string(8192, 'x');
  RunSession s({{fake_runner("corrupt")}, store});
  std::vector<SessionEvent> seen;
  const auto opened = await<StoreEvent>(s, seen);
  ASSERT_TRUE(opened);
  EXPECT_FALSE(opened->open);
  EXPECT_NE(opened->error.find("not a gemmscope store"), std::string::npos) << opened->error;
  EXPECT_FALSE(s.store_open());
  s.hello();
  ASSERT_TRUE(await<HelloEvent>(s, seen)->info.ok);
  s.run(config(), {});
  const auto run = await<RunEvent>(s, seen);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->result.disposition, Disposition::Passed);
  // Another store can be opened in the same session.
  const std::string other = temp_path("session_other", ".sqlite");
  s.open_store(other);
  const auto reopened = await<StoreEvent>(s, seen);
  ASSERT_TRUE(reopened);
  EXPECT_TRUE(reopened->open) << reopened->error;
  EXPECT_TRUE(s.store_open());
}

TEST(RunSession, HistoryReadsPastAnUnreadableRowAndNamesIt) {
  const std::string store = temp_path("session_bad_row", ".sqlite");
  {
    ResultStore st(store);
    RunResult r;
    r.config = config();
    r.disposition = Disposition::Passed;
    for (int i = 0; i < 3; ++i) st.insert(r);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE runs SET result_json='not json' WHERE id=2", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  RunSession s({{fake_runner("bad_row")}, store});
  std::vector<SessionEvent> seen;
  s.query_history({});
  const auto history = await<HistoryEvent>(s, seen);
  ASSERT_TRUE(history);
  EXPECT_EQ(history->rows.size(), 2u);
  ASSERT_EQ(history->bad_rows.size(), 1u);
  EXPECT_EQ(history->bad_rows[0].rfind("run 2:", 0), 0u) << history->bad_rows[0];
}
