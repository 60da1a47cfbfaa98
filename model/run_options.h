// RunOptions: how one config is measured (reps, warm-up, L2 flush, verification, counters, the
// watchdog's limit), and the one check of them that the CLI, GUI, presets and runner share.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/config_error.h"

namespace gemmscope {

struct RunOptions {
  int warmup = 3;
  int reps = 20;
  bool flush_l2 = true;
  bool verify = true;
  int64_t seed = 1234;
  std::string metrics;        // "" (none), a set name of metric_set_names(), or a comma-separated list of names
  double timeout_s = 60;      // the controller's watchdog, per request
  // One more launch, unreplayed, with counters sampled over its duration (CUPTI PM sampling):
  // the curves of RunResult::timeline.
  bool timeline = false;
  // Test hook: "fault" launches a kernel that reads an illegal address, "hang" one that never
  // ends, in place of the config's kernel, so the recovery path can be exercised on purpose.
  std::string fault_injection;
};

// The limits of each option, for range checks wherever options are read.
inline constexpr int kMaxReps = 100000, kMaxWarmup = 10000;
inline constexpr double kMaxTimeoutS = 86400;

// Every option that is out of range or names nothing (an unknown metric set); empty when fine.
std::vector<ConfigError> check_run_options(const RunOptions&);

}  // namespace gemmscope
