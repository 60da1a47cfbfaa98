// gemmscope-cli sweeps on several runners (--devices, --runner-cmd), with replay runners standing
// in for the GPUs: every point stored once with its GPU, a clear error and non-zero exit for each
// bad input, and no run started before it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "controller/result_store.h"
#include "tests/support/fake_runner.h"

using namespace gemmscope;
using namespace gemmscope::testing;

namespace {

CommandResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), GEMMSCOPE_TEST_CLI);
  return run_command(args);
}

const std::string kResults = std::string(GEMMSCOPE_TEST_RESULTS) + "/advisor-h200-2026-12-01/p9_seed_sweep.json";

// The replay runner with stored H200 runs of the P9 seed family, on a host of `count` GPUs; the
// CLI adds "--device N" (--runner) or the test gives it (--runner-cmd).
std::string replay_script(const std::string& name, int count, const std::string& extra = "") {
  const std::string path = temp_path(name, ".sh");
  std::ofstream(path) << "#!/bin/sh\nexec " << GEMMSCOPE_TEST_REPLAY << " --results " << kResults << " --spec h200 --device-count "
                      << count << " " << extra << " \"$@\"\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

std::string replay_command(int device, const std::string& extra = "") {
  return std::string(GEMMSCOPE_TEST_REPLAY) + " --results " + kResults + " --spec h200 --device-count 4 --device " +
         std::to_string(device) + " " + extra;
}

const std::vector<std::string> kSweep = {"sweep", "--family", "seed_tall_skinny", "--problem", "p9", "--quiet", "--top", "3"};

std::vector<std::string> sweep_args(const std::string& store, std::vector<std::string> more) {
  std::vector<std::string> a = kSweep;
  a.insert(a.end(), {"--db", store});
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

// Runs per device index in the store, and whether each config is there once.
std::map<int, int> stored_per_device(const std::string& store, size_t& runs, bool& each_once) {
  ResultStore st(store);
  std::map<int, int> per;
  std::set<std::string> names;
  const auto rows = st.query().runs;
  runs = rows.size();
  for (const RunResult& r : rows) {
    names.insert(r.config_name);
    if (r.disposition != Disposition::Invalid) ++per[r.device_index];
  }
  each_once = names.size() == rows.size();
  return per;
}

}  // namespace

TEST(CliDevices, ADeviceListStartsOneRunnerEachAndStoresEveryPointOnceWithItsGpu) {
  const std::string store = temp_path("cli_devices_list", ".sqlite");
  const CommandResult r = cli(sweep_args(store, {"--runner", replay_script("cli_devices_list", 4, "--delay-ms 5"), "--devices", "0,2,3"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("3 runners:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("REPLAY-GPU-2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("64 points, 54 passed, 0 failed, 10 invalid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  gpu3 "), std::string::npos) << "a line per runner: " << r.out;
  size_t runs = 0;
  bool once = false;
  const auto per = stored_per_device(store, runs, once);
  EXPECT_EQ(runs, 64u);
  EXPECT_TRUE(once);
  EXPECT_EQ((std::set<int>{per.begin()->first, std::next(per.begin())->first, per.rbegin()->first}), (std::set<int>{0, 2, 3}));
  EXPECT_EQ(per.size(), 3u);
}

TEST(CliDevices, AllAsksTheFirstRunnerHowManyGpusItsHostHas) {
  const std::string store = temp_path("cli_devices_all", ".sqlite");
  const CommandResult r = cli(sweep_args(store, {"--runner", replay_script("cli_devices_all", 2, "--delay-ms 5"), "--devices", "all"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 runners:"), std::string::npos) << r.out;
  size_t runs = 0;
  bool once = false;
  const auto per = stored_per_device(store, runs, once);
  EXPECT_EQ(per.size(), 2u);
  EXPECT_TRUE(per.count(0) && per.count(1));
  EXPECT_TRUE(once);
}

TEST(CliDevices, RunnerCommandsAreSplitLikeAShellAndMayStandAlone) {
  const std::string store = temp_path("cli_runner_cmd", ".sqlite");
  // The second is quoted twice, as `ssh HOST 'runner ...'` would be.
  const CommandResult r = cli(sweep_args(store, {"--runner-cmd", replay_command(0, "--uuid GPU-host-a-0"), "--runner-cmd",
                                                 "sh -c 'exec " + replay_command(1, "--uuid \"GPU host b 1\"") + "'", "--axis",
                                                 "block_m=32,64", "--axis", "block_n=64,128"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 runners:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GPU host b 1"), std::string::npos) << "the quoted argument arrived whole: " << r.out;
  ResultStore st(store);
  std::set<std::string> uuids;
  for (const RunResult& x : st.query().runs) uuids.insert(x.device_uuid);
  EXPECT_EQ(st.query().runs.size(), 4u);
  EXPECT_TRUE(uuids.count("GPU-host-a-0") || uuids.count("GPU host b 1")) << "runs carry their GPU's UUID";
}

TEST(CliDevices, ARunnerThatKeepsDyingLeavesThePoolAndTheSweepFinishes) {
  const std::string store = temp_path("cli_devices_dying", ".sqlite");
  const CommandResult r = cli(sweep_args(store, {"--runner-cmd", replay_command(0, "--delay-ms 5"), "--runner-cmd",
                                                 replay_command(1, "--die-on-run 1")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("runner 1 (device 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is out of the pool"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("64 points, 51 passed, 3 failed, 10 invalid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(out of the pool)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("crashed      gpu1: the runner exited with status 3"), std::string::npos) << r.out;
  size_t runs = 0;
  bool once = false;
  stored_per_device(store, runs, once);
  EXPECT_EQ(runs, 64u);
  EXPECT_TRUE(once);
}

// Each bad input: its own message naming the value and the rule, exit 2 (a bad flag) or 3 (no such
// GPU, another protocol), never an abort, and no point run.
TEST(CliDevices, BadInputIsAClearErrorAndNothingRuns) {
  const std::string log = temp_path("cli_devices_bad_runs", ".log");
  const std::string runner = replay_script("cli_devices_bad", 2, "--run-log " + log);
  struct Case {
    std::vector<std::string> flags;
    int exit_code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--devices", "0,x"}, 2, "--devices '0,x': 'x' is not a device index; give all, or device indices 0-1023"},
      {{"--devices", "1,1"}, 2, "device 1 is named twice"},
      {{"--devices", ""}, 2, "names no device"},
      {{"--devices", "2000"}, 2, "device 2000 is past the largest index, 1023"},
      {{"--device", "1", "--devices", "0"}, 2, "--device excludes --devices"},
      {{"--runner-cmd", "runner 'open"}, 2, "--runner-cmd 'runner 'open': a single quote that is never closed at character 8"},
      {{"--runner-cmd", "runner | tee log"}, 2, "unquoted '|' at character 8: a shell operator"},
      {{"--runner-cmd", ""}, 2, "an empty command"},
      {{"--devices", "0,7"}, 3, "runner 1 (" + runner + " --device 7): REPLAY: no usable GPU: device 7 does not exist (2 CUDA devices found)"},
      {{"--runner-cmd", runner + " --device 0 --protocol 1"}, 3, "speaks protocol 1, this build 2"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> flags = c.flags;
    if (std::find(flags.begin(), flags.end(), "--runner-cmd") == flags.end()) flags.insert(flags.begin(), {"--runner", runner});
    const CommandResult r = cli(sweep_args(temp_path("cli_devices_bad", ".sqlite"), flags));
    EXPECT_EQ(r.exit_code, c.exit_code) << flags.back() << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << flags.back() << "\n" << r.err;
    std::ifstream in(log);
    std::string line;
    EXPECT_FALSE(std::getline(in, line) && line.rfind("run ", 0) == 0) << "a point ran: " << flags.back();
  }
}

TEST(CliDevices, HelpSaysHowToNameDevicesAndRunners) {
  const CommandResult r = cli({"--help"});  // global flags: they serve every command
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--devices"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("all (every GPU the first runner counts)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--runner-cmd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'ssh HOST gemmscope-runner --device 0'"), std::string::npos) << r.out;
}
