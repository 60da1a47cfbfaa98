// A plausibility check of a result a runner sent, before it is shown or stored: a replay file,
// a remote runner or a bug can hand back numbers no GPU produced.
#pragma once
#include <string>

#include "model/gpu_spec.h"
#include "model/run_result.h"

namespace gemmscope {

// "" when plausible; else what is impossible, naming the figure, its value and the limit
// (times that are not positive or out of order, a rate above the spec's peak for the run's
// precision, figures that disagree with the time, a negative or non-finite error).
std::string implausibility(const RunResult&, const GpuSpec& ran_on);

}  // namespace gemmscope
