// What the CLI says about a pool of runners (--devices, --runner-cmd): which GPUs answered, why a
// runner cannot serve, each runner's share of a sweep, and which spec judges a run.
#pragma once
#include <string>
#include <vector>

#include "controller/session_events.h"

namespace gemmscope::cli {

// "" when every runner answered with a GPU and the pool is what was asked; else one line per
// problem, each naming the runner (its slot and command) and why.
std::string pool_problems(const HelloEvent&);
// One line per runner: slot, device index, GPU, UUID, runner kind and build, command.
std::string runners_text(const HelloEvent&);
// The spec of the GPU that measured `r`: the runner with its UUID, else with its device name,
// else the primary's. Runs of a mixed pool are each judged on their own GPU.
const GpuSpec& spec_of(const HelloEvent&, const RunResult& r);
std::vector<GpuSpec> detected_specs(const HelloEvent&);
// "gpu0 12, gpu1 10, gpu2 out": each runner's points so far, for the progress line.
std::string runner_counts(const SweepProgress&);
// A line per runner after a sweep: its points, failures, restarts, time busy, and its state.
std::string runner_summary(const SweepProgress&);

}  // namespace gemmscope::cli
