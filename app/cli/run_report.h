// Text for one run: what the CLI prints after `run`, and the one-line row of a sweep table.
#pragma once
#include <string>
#include "model/gpu_spec.h"
#include "model/run_result.h"

namespace gemmscope::cli {

// `here` is the GPU the run ran on (detected), `reference` the one compared against.
std::string describe_run(const RunResult&, const GpuSpec& here, const GpuSpec& reference);
std::string table_header();
std::string table_row(const RunResult&, const GpuSpec& here);

}  // namespace gemmscope::cli
