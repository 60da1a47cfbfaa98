// The runner protocol: one JSON object per line on the runner's stdin (requests) and stdout
// (responses). JSON conversions of the model types live here too, so every tool speaks one schema.
#pragma once
#include <string>
#include <nlohmann/json.hpp>
#include "gpu_spec.h"
#include "kernel_config.h"
#include "run_result.h"

namespace gemmscope {

struct RunOptions {
  int warmup = 3;
  int reps = 20;
  bool flush_l2 = true;
  bool verify = true;
  int64_t seed = 1234;
  std::string metrics;        // "" (none), "seed", "roofline", "occupancy", "all"
  double timeout_s = 60;      // the controller's watchdog, per request
  // Test hook: "fault" launches a kernel that reads an illegal address, "hang" one that never
  // ends, in place of the config's kernel, so the recovery path can be exercised on purpose.
  std::string fault_injection;
};

// Requests: {"id":N,"op":"hello"} | {"id":N,"op":"run","config":{...},"options":{...}}
//           | {"id":N,"op":"measure_peaks"} (answers {"spec":{... "measured":{...}}})
//           | {"id":N,"op":"shutdown"}
// Responses: {"id":N,"ok":true,...} or {"id":N,"ok":false,"error":"..."}; a run answers with
// {"id":N,"ok":true,"result":{RunResult}} even when the kernel failed (the disposition says so).
struct Request {
  int64_t id = 0;
  std::string op;
  KernelConfig config;
  RunOptions options;
  nlohmann::json extra;
};

nlohmann::json to_json(const KernelConfig&);
KernelConfig config_from_json(const nlohmann::json&);  // throws naming the bad field
nlohmann::json to_json(const ProblemShape&);
ProblemShape shape_from_json(const nlohmann::json&);
nlohmann::json to_json(const GpuSpec&);
GpuSpec spec_from_json(const nlohmann::json&, const std::string& key);
nlohmann::json to_json(const RunOptions&);
RunOptions options_from_json(const nlohmann::json&);
nlohmann::json to_json(const RunResult&);
RunResult result_from_json(const nlohmann::json&);
nlohmann::json to_json(const Request&);
Request request_from_json(const nlohmann::json&);

}  // namespace gemmscope
