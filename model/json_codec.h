// JSON forms of the model types, one schema for every tool: the runner protocol, the store,
// exports, replay files and presets. Readers throw std::invalid_argument naming the bad field.
#pragma once
#include <string>
#include <nlohmann/json.hpp>

#include "model/gpu_spec.h"
#include "model/kernel_config.h"
#include "model/run_options.h"
#include "model/run_result.h"

namespace gemmscope {

nlohmann::json to_json(const ProblemShape&);
ProblemShape shape_from_json(const nlohmann::json&);  // an object {m,n,k,...} or a string ("p9", "MxNxK:AB")
// {"shape":{...},"family":"tc_splitk","params":{"block_m":128,"precision":"tf32x3",...}}; enum
// values by their labels. Also reads the flat form stored before parameters were a table
// ({"family":..,"block_m":..,...}), taking the family's parameters from it.
nlohmann::json to_json(const KernelConfig&);
KernelConfig config_from_json(const nlohmann::json&);
nlohmann::json to_json(const GpuSpec&);
GpuSpec spec_from_json(const nlohmann::json&, const std::string& key);
nlohmann::json to_json(const RunOptions&);
RunOptions options_from_json(const nlohmann::json&);  // also range-checks (check_run_options)
nlohmann::json to_json(const RunResult&);
RunResult result_from_json(const nlohmann::json&);

}  // namespace gemmscope
