#include "model/run_options.h"

#include <cmath>
#include <stdexcept>

#include "model/metric_catalog.h"

namespace gemmscope {

std::vector<ConfigError> check_run_options(const RunOptions& o) {
  std::vector<ConfigError> e;
  if (o.reps < 1 || o.reps > kMaxReps) e.push_back({"reps", std::to_string(o.reps), "must be 1.." + std::to_string(kMaxReps)});
  if (o.warmup < 0 || o.warmup > kMaxWarmup)
    e.push_back({"warmup", std::to_string(o.warmup), "must be 0.." + std::to_string(kMaxWarmup)});
  if (!(o.timeout_s > 0) || o.timeout_s > kMaxTimeoutS || !std::isfinite(o.timeout_s))
    e.push_back({"timeout_s", std::to_string(o.timeout_s), "must be a positive number of seconds, at most 86400"});
  if (!o.fault_injection.empty() && o.fault_injection != "fault" && o.fault_injection != "hang")
    e.push_back({"fault_injection", o.fault_injection, "must be \"fault\", \"hang\" or empty"});
  if (!o.metrics.empty()) {
    try {
      metric_set(o.metrics);
    } catch (const std::invalid_argument& x) {
      e.push_back({"metrics", o.metrics, x.what()});
    }
  }
  return e;
}

}  // namespace gemmscope
