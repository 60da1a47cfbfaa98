// The watchdog and restart path, with stand-in runners written as shell scripts: one that
// answers, one that hangs, one that dies on its first start only.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <vector>

#include "controller/runner_client.h"
#include "model/kernel_family.h"

using namespace gemmscope;
namespace fs = std::filesystem;

namespace {

// The fake runners' scripts, removed when the test process exits.
struct Scripts {
  std::vector<fs::path> made;
  ~Scripts() {
    std::error_code ignored;
    for (const fs::path& p : made) fs::remove(p, ignored);
  }
};

fs::path script(const std::string& name, const std::string& body) {
  static Scripts scripts;
  const fs::path p = fs::temp_directory_path() / ("gemmscope_fake_" + name + "_" + std::to_string(getpid()) + ".sh");
  std::ofstream(p) << "#!/bin/sh\n" << body;
  fs::permissions(p, fs::perms::owner_all);
  scripts.made.push_back(p);
  return p;
}

// Answers hello with a spec and run with a passed result; ids echoed back.
const char* kAnswering = R"(
while read -r line; do
  id=$(echo "$line" | sed -E 's/.*"id":([0-9]+).*/\1/')
  case "$line" in
    *'"op":"hello"'*) echo "{\"id\":$id,\"ok\":true,\"info\":{\"runner_kind\":\"fake\",\"spec\":{\"name\":\"Fake GPU\",\"cc\":\"9.0\",\"sms\":1,\"dram_gbps\":1,\"fp32_tflops\":1,\"max_threads_per_sm\":2048,\"max_warps_per_sm\":64,\"max_blocks_per_sm\":32,\"smem_per_sm\":1000,\"max_smem_per_block\":1000}}}" ;;
    *'"op":"run"'*) echo "{\"id\":$id,\"ok\":true,\"result\":{\"disposition\":\"passed\",\"ms_median\":2.5,\"config_name\":\"x\"}}" ;;
    *'"op":"shutdown"'*) echo "{\"id\":$id,\"ok\":true}"; exit 0 ;;
  esac
done
)";

KernelConfig some_config() { return find_family("seed_tall_skinny")->defaults(problem_p9()); }

}  // namespace

TEST(RunnerClient, TalksToARunner) {
  RunnerClient c({script("answering", kAnswering).string()});
  const RunnerInfo info = c.hello();
  ASSERT_TRUE(info.ok) << info.error;
  EXPECT_EQ(info.detected.name, "Fake GPU");
  EXPECT_EQ(info.runner_kind, "fake");
  const RunResult r = c.run(some_config(), {});
  EXPECT_EQ(r.disposition, Disposition::Passed);
  EXPECT_DOUBLE_EQ(r.ms_median, 2.5);
  EXPECT_EQ(c.restarts(), 0);
}

TEST(RunnerClient, AHangingRunnerIsKilledByTheWatchdogAndTheRunFailsAsTimeout) {
  RunnerClient c({script("hanging", "sleep 600\n").string()});
  RunOptions o;
  o.timeout_s = 1;
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r = c.run(some_config(), o);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(r.disposition, Disposition::Timeout);
  EXPECT_NE(r.reason.find("watchdog"), std::string::npos) << r.reason;
  EXPECT_EQ(r.config_name, some_config().name());
  EXPECT_EQ(c.restarts(), 1);
}

TEST(RunnerClient, ARunnerThatDiesIsReportedWithItsStatusAndRestartedForTheNextRun) {
  const fs::path marker = fs::temp_directory_path() / ("gemmscope_fake_marker_" + std::to_string(getpid()));
  fs::remove(marker);
  const std::string body = "if [ ! -f " + marker.string() + " ]; then touch " + marker.string() +
                           "; read -r line; echo 'illegal memory access' >&2; exit 3; fi\n" + kAnswering;
  RunnerClient c({script("dying", body).string()});
  const RunResult first = c.run(some_config(), {});
  EXPECT_EQ(first.disposition, Disposition::Crashed);
  EXPECT_NE(first.reason.find("exited with status 3"), std::string::npos) << first.reason;
  EXPECT_NE(first.reason.find("illegal memory access"), std::string::npos) << first.reason;
  const RunResult second = c.run(some_config(), {});
  EXPECT_EQ(second.disposition, Disposition::Passed) << second.reason;
  EXPECT_EQ(c.restarts(), 1);
  fs::remove(marker);
}

TEST(RunnerClient, AMissingRunnerSaysSo) {
  RunnerClient c({"/nonexistent/gemmscope-runner"});
  const RunnerInfo info = c.hello();
  EXPECT_FALSE(info.ok);
  EXPECT_NE(info.error.find("/nonexistent/gemmscope-runner"), std::string::npos) << info.error;
}
