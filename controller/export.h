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

// The CSV's variable columns: the families' parameters (declaration order) and the metric names;
// with `devices`, device_index and device_uuid last (which GPU of a pool measured a run; empty for
// a run that does not say). Without it the columns are those of exports before pools, byte for byte.
struct CsvColumns {
  std::vector<std::string> params, metrics;
  bool devices = false;
};
CsvColumns csv_columns(const std::vector<std::string>& families, const std::vector<std::string>& metric_names);
// The columns of `runs` and of other runs known by their families and metric names (a store's):
// a family no longer known (a card not loaded) still gets its configs' own parameters. `devices`
// when one of `runs` names its GPU's index or UUID.
CsvColumns csv_columns_for(const std::vector<RunResult>& runs, std::vector<std::string> families = {},
                           std::vector<std::string> metric_names = {});

// Row-by-row writers, so an export of any size holds one run in memory at a time.
class CsvRunWriter {
 public:
  CsvRunWriter(std::ostream&, CsvColumns);  // writes the header
  void row(const RunResult&);

 private:
  std::ostream& out_;
  CsvColumns c_;
  std::string line_;  // one row, built in place and written at once (a million rows: no temporaries)
};
class JsonRunWriter {
 public:
  JsonRunWriter(std::ostream&, JsonAnnotator = {});  // writes "["
  void row(const RunResult&);
  // A run's object as text already (ResultStore::scan_json), written as row() writes it; no annotation.
  void raw_row(const std::string& object);
  void finish();  // writes "]"

 private:
  std::ostream& out_;
  JsonAnnotator annotate_;
  size_t rows_ = 0;
  bool finished_ = false;
};

void write_json(std::ostream&, const std::vector<RunResult>&, const JsonAnnotator& = {});
// The long format of `ncu --csv --metrics ...`: one quoted row per (run, metric) with ncu's
// columns ("ID", ..., "Metric Name", "Metric Unit", "Metric Value"), so scripts written for
// Nsight Compute's output read it unchanged. The run's own timing and error are rows too,
// named gemmscope__*.
void write_ncu_csv(std::ostream&, const std::vector<RunResult>&);
// The same a run at a time: the header once, then each run's rows (`index` names a run not stored).
void write_ncu_csv_header(std::ostream&);
void write_ncu_csv_rows(std::ostream&, const RunResult&, int64_t index);
class ResultStore;
struct StoreQuery;
// The store's rows the query matches, streamed to `path` by extension (.csv or .json) at
// constant memory; returns how many were written, the unreadable rows named in `bad_rows`.
// Throws naming the path on failure.
size_t export_store(const ResultStore&, const StoreQuery&, const std::string& path, std::vector<std::string>& bad_rows,
                    const JsonAnnotator& = {});

// Writes by extension (.csv or .json); throws naming the path on failure.
void export_results(const std::string& path, const std::vector<RunResult>&, const JsonAnnotator& = {});

}  // namespace gemmscope
