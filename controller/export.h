// Exporters read results and write files other tools read: CSV (one row per run, metrics as
// columns named as Nsight Compute names them) and JSON (an array of RunResult objects).
#pragma once
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/run_result.h"

namespace gemmscope {

void write_csv(std::ostream&, const std::vector<RunResult>&);
// Adds figures of the caller's to each run's JSON object (the advisor's reading, under "advice").
using JsonAnnotator = std::function<void(const RunResult&, nlohmann::json&)>;
void write_json(std::ostream&, const std::vector<RunResult>&, const JsonAnnotator& = {});
// The long format of `ncu --csv --metrics ...`: one quoted row per (run, metric) with ncu's
// columns ("ID", ..., "Metric Name", "Metric Unit", "Metric Value"), so scripts written for
// Nsight Compute's output read it unchanged. The run's own timing and error are rows too,
// named gemmscope__*.
void write_ncu_csv(std::ostream&, const std::vector<RunResult>&);
// Writes by extension (.csv or .json); throws naming the path on failure.
void export_results(const std::string& path, const std::vector<RunResult>&, const JsonAnnotator& = {});

}  // namespace gemmscope
