// The GUI's device list (Run > Devices): each runner of the pool in words (GPU index, model, short
// UUID, state), and the arguments that start the app again on another selection. No CUDA: all of
// it comes from the runners' hellos and the sweep's progress.
#pragma once
#include <string>
#include <vector>

#include "controller/runner_client.h"
#include "controller/sweep_job.h"

namespace gemmscope {

// "GPU-1a2b3c4d" from "GPU-1a2b3c4d-5e6f-...": enough to tell a host's GPUs apart; "-" when none.
std::string short_uuid(const std::string& uuid);
// "gpu1", or "runner 2" for a runner that did not say which device it serves.
std::string gpu_label(int device_index, size_t slot);
// A run's GPU: "gpu1", or "-" for a run that does not say (one from before pools).
std::string run_gpu_label(int device_index);
// "ready", "no GPU: <why>", or from a sweep's progress "busy", "out of the pool: <last failure>".
std::string runner_state(const RunnerInfo&, const RunnerProgress* progress);

// The program's arguments without the pool's (--devices, --runner-cmd and their values) and the
// window size (the restart gives the current one).
std::vector<std::string> args_without_pool(const std::vector<std::string>& args);
// The pool's arguments for a restart, checked as the command line checks them: throws
// std::invalid_argument "--devices <why>" or "--runner-cmd <why>", naming the value and the rule.
// Blank commands are dropped; both empty is one runner, as without the flags.
std::vector<std::string> pool_args(const std::string& devices, const std::vector<std::string>& runner_cmds);

}  // namespace gemmscope
