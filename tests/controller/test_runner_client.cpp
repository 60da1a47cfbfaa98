// The watchdog, restart path and protocol checks, with stand-in runners written as shell scripts:
// one that answers, one that hangs, one that dies on its first start only, and ones that break
// the protocol (a line that is not JSON, another request's id, another protocol version).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <vector>

#include "controller/runner_client.h"
#include "model/kernel_family.h"
#include "tests/support/fake_runner.h"

using namespace gemmscope;
namespace fs = std::filesystem;

namespace {

// The fake runners' scripts and markers: temp paths the test process removes at exit.
fs::path script(const std::string& name, const std::string& body) {
  const fs::path p = gemmscope::testing::temp_path("fake_" + name, ".sh");
  std::ofstream(p) << "#!/bin/sh\n" << body;
  fs::permissions(p, fs::perms::owner_all);
  return p;
}

fs::path marker(const std::string& name) { return gemmscope::testing::temp_path("fake_marker_" + name, ""); }

const char* kSpec =
    R"({\"name\":\"Fake GPU\",\"cc\":\"9.0\",\"sms\":1,\"dram_gbps\":1,\"fp32_tflops\":1,\"max_threads_per_sm\":2048,\"max_warps_per_sm\":64,\"max_blocks_per_sm\":32,\"smem_per_sm\":1000,\"max_smem_per_block\":1000})";

// A runner loop: hello with a spec and protocol 2, run with `run_reply` (a shell string in which
// $id is the request's id), shutdown.
std::string runner_loop(const std::string& run_reply, int protocol = 2) {
  return std::string(R"(
while read -r line; do
  id=$(echo "$line" | sed -E 's/.*"id":([0-9]+).*/\1/')
  case "$line" in
    *'"op":"hello"'*) echo "{\"id\":$id,\"ok\":true,\"info\":{\"runner_kind\":\"fake\",\"protocol\":)") +
         std::to_string(protocol) + R"(,\"build\":\"test\",\"spec\":)" + kSpec + R"(}}" ;;
    *'"op":"run"'*) )" + run_reply + R"( ;;
    *'"op":"shutdown"'*) echo "{\"id\":$id,\"ok\":true}"; exit 0 ;;
  esac
done
)";
}

const std::string kPassed =
    R"(echo "{\"id\":$id,\"ok\":true,\"result\":{\"disposition\":\"passed\",\"ms_median\":2.5,\"ms_min\":2.4,\"ms_max\":2.6,\"reps\":5,\"config_name\":\"x\"}}")";

KernelConfig some_config() { return find_family("seed_tall_skinny")->defaults(problem_p9()); }

}  // namespace

TEST(RunnerClient, TalksToARunner) {
  RunnerClient c({script("answering", runner_loop(kPassed)).string()});
  const RunnerInfo info = c.hello();
  ASSERT_TRUE(info.ok) << info.error;
  EXPECT_EQ(info.detected.name, "Fake GPU");
  EXPECT_EQ(info.runner_kind, "fake");
  EXPECT_EQ(info.build, "test");
  const RunResult r = c.run(some_config(), {});
  EXPECT_EQ(r.disposition, Disposition::Passed) << r.reason;
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
  EXPECT_EQ(r.config_name, config_name(some_config()));
  EXPECT_EQ(c.restarts(), 1);
}

TEST(RunnerClient, ARunnerThatDiesIsReportedWithItsStatusAndRestartedForTheNextRun) {
  const fs::path m = marker("dying");
  const std::string body = "if [ ! -f " + m.string() + " ]; then touch " + m.string() +
                           "; read -r line; echo 'illegal memory access' >&2; exit 3; fi\n" + runner_loop(kPassed);
  RunnerClient c({script("dying", body).string()});
  const RunResult first = c.run(some_config(), {});
  EXPECT_EQ(first.disposition, Disposition::Crashed);
  EXPECT_NE(first.reason.find("exited with status 3"), std::string::npos) << first.reason;
  EXPECT_NE(first.reason.find("illegal memory access"), std::string::npos) << first.reason;
  const RunResult second = c.run(some_config(), {});
  EXPECT_EQ(second.disposition, Disposition::Passed) << second.reason;
  EXPECT_EQ(c.restarts(), 1);
}

TEST(RunnerClient, TheExitPathAfterALostContextStartsAFreshRunner) {
  // The first runner answers its run with "exiting" and ends, as the CUDA runner does after a
  // fault that loses its context; the next run must go to a new process, not the dying one.
  const fs::path m = marker("exiting");
  const std::string lose = "if [ ! -f " + m.string() + " ]; then touch " + m.string() +
                           R"(; echo "{\"id\":$id,\"ok\":true,\"exiting\":true,\"result\":{\"disposition\":\"launch_error\",\"reason\":\"illegal address (the CUDA context is lost)\"}}"; exit 3; else )" +
                           kPassed + "; fi";
  RunnerClient c({script("exiting", runner_loop(lose)).string()});
  ASSERT_TRUE(c.hello().ok);
  const RunResult first = c.run(some_config(), {});
  EXPECT_EQ(first.disposition, Disposition::LaunchError);
  EXPECT_EQ(c.restarts(), 1) << "the exiting runner is reaped at once";
  const RunResult second = c.run(some_config(), {});
  EXPECT_EQ(second.disposition, Disposition::Passed) << second.reason;
}

TEST(RunnerClient, ALineThatIsNotJsonIsAProtocolErrorAndTheRunnerIsRestarted) {
  const fs::path m = marker("garbled");
  const std::string garble = "if [ ! -f " + m.string() + " ]; then touch " + m.string() + "; echo 'Segmentation fault (core dumped)'; else " +
                             kPassed + "; fi";
  RunnerClient c({script("garbled", runner_loop(garble)).string()});
  ASSERT_TRUE(c.hello().ok);
  const RunResult first = c.run(some_config(), {});
  EXPECT_EQ(first.disposition, Disposition::Crashed);
  EXPECT_NE(first.reason.find("not JSON: Segmentation fault"), std::string::npos) << first.reason;
  EXPECT_EQ(c.restarts(), 1);
  EXPECT_EQ(c.run(some_config(), {}).disposition, Disposition::Passed);
}

TEST(RunnerClient, AnAnswerToAnotherRequestIsAProtocolError) {
  const std::string wrong_id =
      R"(echo "{\"id\":999,\"ok\":true,\"result\":{\"disposition\":\"passed\",\"ms_median\":2.5,\"ms_min\":2.5,\"ms_max\":2.5,\"reps\":1}}")";
  RunnerClient c({script("wrong_id", runner_loop(wrong_id)).string()});
  ASSERT_TRUE(c.hello().ok);
  const RunResult r = c.run(some_config(), {});
  EXPECT_EQ(r.disposition, Disposition::Crashed);
  EXPECT_NE(r.reason.find("answered request 999"), std::string::npos) << r.reason;
  EXPECT_EQ(c.restarts(), 1);
}

TEST(RunnerClient, ARunnerOfAnotherProtocolIsRefusedWithWhatToDo) {
  RunnerClient c({script("old_protocol", runner_loop(kPassed, 1)).string()});
  const RunnerInfo info = c.hello();
  EXPECT_FALSE(info.ok);
  EXPECT_NE(info.error.find("speaks protocol 1, this build 2"), std::string::npos) << info.error;
  EXPECT_EQ(info.failure, Disposition::NoDevice);
}

TEST(RunnerClient, AnErrorKindDecidesTheDispositionWhateverTheMessageSays) {
  const std::string refuse =
      R"(echo "{\"id\":$id,\"ok\":false,\"error_kind\":\"no_device\",\"error\":\"the watchdog fired (a misleading message)\"}")";
  RunnerClient c({script("refusing", runner_loop(refuse)).string()});
  ASSERT_TRUE(c.hello().ok);
  const RunResult r = c.run(some_config(), {});
  EXPECT_EQ(r.disposition, Disposition::NoDevice) << r.reason;
}

TEST(RunnerClient, ImplausibleResultsAreRejectedNotShownAsPassed) {
  const std::string absurd =
      R"(echo "{\"id\":$id,\"ok\":true,\"result\":{\"disposition\":\"passed\",\"ms_median\":-1,\"ms_min\":-1,\"ms_max\":-1,\"reps\":5,\"tflops\":1e308}}")";
  RunnerClient c({script("absurd", runner_loop(absurd)).string()});
  ASSERT_TRUE(c.hello().ok);
  const RunResult r = c.run(some_config(), {});
  EXPECT_EQ(r.disposition, Disposition::Incorrect);
  EXPECT_NE(r.reason.find("implausible: ms_median=-1"), std::string::npos) << r.reason;
}

TEST(RunnerClient, AMissingRunnerSaysSo) {
  RunnerClient c({"/nonexistent/gemmscope-runner"});
  const RunnerInfo info = c.hello();
  EXPECT_FALSE(info.ok);
  EXPECT_NE(info.error.find("/nonexistent/gemmscope-runner"), std::string::npos) << info.error;
  EXPECT_EQ(info.failure, Disposition::NoDevice);
}
