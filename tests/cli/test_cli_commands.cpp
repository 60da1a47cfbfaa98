// gemmscope-cli as a user meets it, with a fake runner and no GPU: bad input gets a clear error
// and a non-zero exit before any run, and a finished run is printed before a store that cannot
// take it is reported.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sqlite3.h>

#include "controller/result_store.h"
#include "model/kernel_family.h"
#include "tests/support/fake_runner.h"

using namespace gemmscope;
using namespace gemmscope::testing;

namespace {

CommandResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), GEMMSCOPE_TEST_CLI);
  return run_command(args);
}

size_t lines_in(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

}  // namespace

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* sub : {"peaks", "run", "sweep", "tune", "advise", "compare", "export"}) {
    const CommandResult r = cli({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub << r.err;
    EXPECT_NE(r.out.find("Usage: gemmscope-cli " + std::string(sub)), std::string::npos) << r.out;
  }
  EXPECT_NE(cli({"run", "--help"}).out.find("--reps"), std::string::npos);
}

TEST(Cli, IntegerFlagsAreRangeCheckedNotWrapped) {
  const CommandResult r = cli({"run", "--reps", "2147483648"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--reps"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"run", "--reps", "0"}).exit_code, 2);
  EXPECT_EQ(cli({"run", "--warmup", "-1"}).exit_code, 2);
}

TEST(Cli, UnknownFlagsAreRejected) {
  const CommandResult r = cli({"run", "--repz", "5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--repz"), std::string::npos) << r.err;
}

TEST(Cli, ASetForAParameterTheFamilyDoesNotReadNamesTheFamilysParameters) {
  const std::string log = temp_path("cli_set_runs", ".log");
  const CommandResult r = cli({"run", "--runner", fake_runner("cli_set", log), "--db", temp_path("cli_set", ".sqlite"), "--problem", "p9",
                               "--family", "seed_tall_skinny", "--set", "split_k=7"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("block_m, block_n, threads"), std::string::npos) << r.err;
  EXPECT_EQ(lines_in(log), 0u) << "nothing ran";
}

TEST(Cli, AnUnknownMetricSetIsRejectedBeforeTheRun) {
  const std::string log = temp_path("cli_metrics_runs", ".log");
  const CommandResult r =
      cli({"run", "--runner", fake_runner("cli_metrics", log), "--db", temp_path("cli_metrics", ".sqlite"), "--metrics", "sead"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown metric set 'sead'"), std::string::npos) << r.err;
  EXPECT_EQ(lines_in(log), 0u) << "the run must not start";
}

TEST(Cli, ARunOnAStoreThatCannotBeWrittenIsPrintedThenReported) {
  const std::string store = temp_path("cli_refusing", ".sqlite");
  make_store_refuse_inserts(store);
  const CommandResult r = cli({"run", "--runner", fake_runner("cli_refusing"), "--db", store});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.out.find("status      passed"), std::string::npos) << "the result is printed first\n" << r.out;
  EXPECT_NE(r.out.find("2.5000 ms"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("could not be stored: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("disk I/O error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--db"), std::string::npos) << r.err;
}

TEST(Cli, ASweepOnAStoreThatCannotBeWrittenFinishesAndSaysSo) {
  const std::string store = temp_path("cli_refusing_sweep", ".sqlite");
  make_store_refuse_inserts(store);
  const CommandResult r = cli({"sweep", "--runner", fake_runner("cli_refusing_sweep"), "--db", store, "--axis", "block_m=32,64", "--quiet"});
  EXPECT_EQ(r.exit_code, 4) << "no abort: " << r.err;
  EXPECT_NE(r.out.find("2 points, 2 passed"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("2 of 2 results above could not be stored"), std::string::npos) << r.err;
}

TEST(Cli, AReadOnlyStoreIsRefusedBeforeAnyGpuTime) {
  const std::string store = temp_path("cli_ro", ".sqlite");
  { ResultStore create(store); }
  const std::string log = temp_path("cli_ro_runs", ".log");
  const CommandResult r = cli({"run", "--runner", fake_runner("cli_ro", log), "--db", "file:" + store + "?mode=ro"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("read-only"), std::string::npos) << r.err;
  EXPECT_EQ(lines_in(log), 0u);
}

TEST(Cli, ACorruptStoreIsNamedAndNothingRuns) {
  const std::string store = temp_path("cli_corrupt", ".sqlite");
  std::ofstream(store) << std::string(8192, 'x');
  const std::string log = temp_path("cli_corrupt_runs", ".log");
  const CommandResult r = cli({"run", "--runner", fake_runner("cli_corrupt", log), "--db", store});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a gemmscope store"), std::string::npos) << r.err;
  EXPECT_EQ(lines_in(log), 0u);
}

TEST(Cli, ExportReadsPastAnUnreadableRowAndNamesIt) {
  const std::string store = temp_path("cli_export", ".sqlite");
  {
    ResultStore st(store);
    RunResult r;
    r.config = find_family("seed_tall_skinny")->defaults(problem_p9());
    for (int i = 0; i < 3; ++i) st.insert(r);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE runs SET result_json='{' WHERE id=2", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const std::string out = temp_path("cli_export_out", ".csv");
  const CommandResult r = cli({"export", "--db", store, "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("wrote 2 runs"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("skipped run 2:"), std::string::npos) << r.err;
  EXPECT_EQ(lines_in(out), 3u) << "a header and the two readable runs";
}

TEST(Cli, CheckCompilesACardsSweepForBothArchitecturesWithNoGpu) {
  const std::string examples = GEMMSCOPE_TEST_EXAMPLES;
  const CommandResult cuda = cli({"check", "--card", examples + "/cuda/sgemm_tiled.toml", "--problem", "1000x999x77", "--axis", "TM=4,8"});
  EXPECT_EQ(cuda.exit_code, 0) << cuda.out << cuda.err;
  EXPECT_NE(cuda.out.find("sm_89"), std::string::npos) << cuda.out;
  EXPECT_NE(cuda.out.find("sm_90"), std::string::npos) << cuda.out;
  EXPECT_NE(cuda.out.find(" 0 failed to compile"), std::string::npos) << cuda.out;
}

TEST(Cli, CheckCompilesATritonCardWhenTritonIsThere) {
  const std::string examples = GEMMSCOPE_TEST_EXAMPLES;
  const CommandResult r = cli({"check", "--card", examples + "/triton/p9_outer_product.toml", "--problem", "p9", "--axis", "BLOCK_SIZE_M=64,128",
                               "--axis", "BLOCK_SIZE_N=64", "--axis", "num_warps=4", "--axis", "num_stages=1"});
  if (r.out.find("Triton cannot be imported") != std::string::npos) GTEST_SKIP() << "Triton is not installed here: " << r.out;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("6 compiled, 0 failed to compile"), std::string::npos) << r.out;  // the defaults and two sweep points, two archs
}

TEST(Cli, ABadCardIsNamedAndNothingRuns) {
  const std::string card = temp_path("cli_bad_card", ".toml");
  std::ofstream(card) << "name = \"x\"\nlanguage = \"cuda\"\nsource = \"missing.cu\"\nkernel = \"k\"\n";
  const std::string log = temp_path("cli_bad_card_runs", ".log");
  const CommandResult r = cli({"run", "--card", card, "--runner", fake_runner("cli_bad_card", log), "--db", temp_path("cli_bad", ".sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(card + ": source"), std::string::npos) << r.err;
  EXPECT_EQ(lines_in(log), 0u);
  const CommandResult c = cli({"check", "--card", card});
  EXPECT_EQ(c.exit_code, 2);
}

namespace {
// A runner that replays the runs stored on the H200 (a kernel card's full default sweep among them).
std::string replay_runner(const std::string& name) {
  const std::string path = temp_path(name, ".sh");
  std::ofstream(path) << "#!/bin/sh\nexec " << GEMMSCOPE_TEST_REPLAY << " --results " << GEMMSCOPE_TEST_RESULTS
                      << "/cards-h200-2026-12-01/cards_results.json --spec " << GEMMSCOPE_TEST_ASSETS
                      << "/sample/h200-measured-2026-12-01.json --card " << GEMMSCOPE_TEST_EXAMPLES << "/triton/p6_splitk.toml \"$@\"\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}
}  // namespace

// The guided tuner from half a wave: the advisor's split-K counts, the path with its reasons, the
// JSON with each run's advice; then `advise` and `compare` read the runs it stored.
TEST(Cli, TuneGuidedFollowsTheAdvisorAndStoresItsPath) {
  const std::string store = temp_path("cli_tune", ".sqlite"), json = temp_path("cli_tune", ".json");
  const CommandResult r = cli({"tune", "--guided", "--runner", replay_runner("cli_tune"), "--db", store, "--card",
                               std::string(GEMMSCOPE_TEST_EXAMPLES) + "/triton/p6_splitk.toml", "--problem", "p6", "--set", "SPLIT_K=16",
                               "--set", "num_stages=3", "--max-runs", "12", "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("SPLIT_K 16 -> 33: 4 tiles x 33 = 132 blocks"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[grid_too_small]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("moved: launch__grid_size 64 -> 132"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stopped: "), std::string::npos) << r.out;
  std::ifstream in(json);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"advice\""), std::string::npos);
  EXPECT_NE(text.find("\"grid_too_small\""), std::string::npos);

  const CommandResult a = cli({"advise", "1", "--db", store});
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("grid layout and parallelism"), std::string::npos) << a.out;
  const CommandResult c = cli({"compare", "1", "2", "--db", store});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("launch__grid_size"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("+106.2%"), std::string::npos) << c.out;  // 64 -> 132 blocks
  const CommandResult missing = cli({"compare", "1", "999", "--db", store});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no run 999"), std::string::npos) << missing.err;
}

// Into a file or pipe (the test captures stderr), the sweep's progress is a line each tenth of
// the sweep, never a bar redrawn with carriage returns.
TEST(Cli, SweepProgressIntoAFileIsOneLineATenthWithNoCarriageReturns) {
  const std::string store = temp_path("cli_progress", ".sqlite");
  const CommandResult r = cli({"sweep", "--runner", replay_runner("cli_progress"), "--db", store, "--card",
                               std::string(GEMMSCOPE_TEST_EXAMPLES) + "/triton/p6_splitk.toml", "--problem", "p6"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  size_t lines = 0;
  for (size_t at = r.err.find(" elapsed, ~"); at != std::string::npos; at = r.err.find(" elapsed, ~", at + 1)) ++lines;
  EXPECT_GE(lines, 1u) << r.err;
  EXPECT_LE(lines, 10u) << r.err;
}
