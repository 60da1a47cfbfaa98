// What the GUI exports (File > Export selection, a report's results.csv and results.json): whole
// results it holds, and runs it keeps only as light rows (a sweep's: sweep_rows.h), read back from
// the store and streamed to the file one at a time, so an export of a 100k-point sweep holds one run.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "controller/export.h"
#include "model/run_result.h"

namespace gemmscope {

struct ExportSource {
  std::vector<RunResult> runs;     // held whole (live runs, results the store does not have): written first
  std::vector<int64_t> ids;        // stored runs read back by id (selected, not fetched yet)
  // And the stored runs of a sweep: those of `sweep_tag` whose ids are in `sweep_ids` (ascending),
  // not older runs that share the tag.
  std::string sweep_tag;
  std::vector<int64_t> sweep_ids;
  std::string store_path;          // where `ids` and the sweep are read from, opened read-only
  bool devices = false;            // a pool measured some: the CSV says which GPU (device_index, device_uuid)
};

enum class ExportFormat {
  by_extension,  // .csv (one row a run) or .json (an array of runs)
  ncu_long,      // Nsight Compute's long --csv format
};

// Writes each run of the source once (by id); returns how many were written. A stored run that
// does not read is named in `bad_rows` and the rest are written. Throws naming the path, or the
// store and why, on failure; a source with runs to read back and no store path is refused.
size_t export_runs(const std::string& path, ExportFormat, const ExportSource&, std::vector<std::string>& bad_rows,
                   const JsonAnnotator& = {});

}  // namespace gemmscope
