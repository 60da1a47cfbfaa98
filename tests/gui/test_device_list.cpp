// The GUI's device list (app/gui/device_list.h): runners in words, and the arguments of a restart
// on another selection, refused as the command line refuses them.
#include <gtest/gtest.h>

#include <stdexcept>

#include "app/gui/device_list.h"

using namespace gemmscope;

TEST(DeviceList, ShortUuidKeepsTheFirstGroupOfNvidiaSmisForm) {
  EXPECT_EQ(short_uuid("GPU-1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809"), "GPU-1a2b3c4d");
  EXPECT_EQ(short_uuid("REPLAY-GPU-0"), "REPLAY-GPU-0");
  EXPECT_EQ(short_uuid("a-remote-runner-with-a-long-id"), "a-remote-runner-...");
  EXPECT_EQ(short_uuid(""), "-");
  EXPECT_EQ(gpu_label(3, 1), "gpu3");
  EXPECT_EQ(gpu_label(-1, 2), "runner 2");
  EXPECT_EQ(run_gpu_label(1), "gpu1");
  EXPECT_EQ(run_gpu_label(-1), "-") << "a run from before pools does not say";
}

TEST(DeviceList, StateComesFromTheHelloAndTheSweep) {
  RunnerInfo ok;
  ok.ok = true;
  EXPECT_EQ(runner_state(ok, nullptr), "ready");
  RunnerProgress p;
  p.busy = true;
  EXPECT_EQ(runner_state(ok, &p), "busy");
  p.state = MemberState::Removed, p.last_failure = "cfg: timeout";
  EXPECT_EQ(runner_state(ok, &p), "out of the pool: cfg: timeout");
  RunnerInfo none;
  none.error = "device 7 does not exist";
  EXPECT_EQ(runner_state(none, nullptr), "no GPU: device 7 does not exist");
}

TEST(DeviceList, ARestartKeepsTheOtherArgumentsAndReplacesThePool) {
  const std::vector<std::string> args = {"--replay", "r.json", "--devices", "0,1", "--runner-cmd", "a --x", "b", "--store",
                                         "s.sqlite", "--devices=all", "--size", "800x600", "--runner-cmd=c"};
  EXPECT_EQ(args_without_pool(args), (std::vector<std::string>{"--replay", "r.json", "--store", "s.sqlite"}));
  EXPECT_EQ(pool_args(" all ", {"ssh h 'r --device 0'", "  "}),
            (std::vector<std::string>{"--devices", " all ", "--runner-cmd", "ssh h 'r --device 0'"}));
  EXPECT_TRUE(pool_args("", {}).empty()) << "neither: one runner, as without the flags";
}

TEST(DeviceList, ABadSelectionIsRefusedAsTheCommandLineRefusesIt) {
  auto refusal = [](const std::string& devices, const std::vector<std::string>& cmds) {
    try {
      pool_args(devices, cmds);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refusal("0,x", {}).find("--devices '0,x': 'x' is not a device index"), std::string::npos) << refusal("0,x", {});
  EXPECT_NE(refusal("1,1", {}).find("device 1 is named twice"), std::string::npos);
  EXPECT_NE(refusal("", {"runner | tee log"}).find("--runner-cmd"), std::string::npos);
  EXPECT_NE(refusal("", {"runner | tee log"}).find("a shell operator"), std::string::npos);
}
