// What a RunSession reports: one event per finished thing, drained by its user (the GUI once a
// frame, the CLI as they come).
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "controller/result_store.h"
#include "controller/runner_client.h"
#include "controller/sweep_job.h"
#include "model/run_result.h"

namespace gemmscope {

// Every runner answered (or could not). `info` is the primary's (the only one without a pool);
// `runners` holds each runner's in pool order, `info` first; `pool_error` says why the pool is not
// what was asked ("" when it is), e.g. all devices asked of a runner that does not count them.
struct HelloEvent {
  RunnerInfo info;
  std::vector<RunnerInfo> runners;
  std::string pool_error;
};
// A live run finished (failures included). store_error is why it was not stored ("" when it was,
// or when the session has no store); the result is complete either way.
struct RunEvent {
  RunResult result;
  std::string store_error;
};
// A sweep's point finished; result.device / device_index / device_uuid say which GPU measured it.
struct SweepResultEvent {
  RunResult result;
  std::string store_error;
};
// progress.runners: each runner's share (device, points done and failed, restarts, in flight,
// out of the pool), for per-GPU progress.
struct SweepProgressEvent {
  SweepProgress progress;
  bool finished = false;
};
struct HistoryEvent {
  std::vector<RunResult> rows;
  std::vector<std::string> bad_rows;   // rows that could not be read, with why; the rest are in `rows`
  std::optional<int64_t> baseline;
  std::vector<std::string> tags;
  std::vector<GpuSpec> devices;        // the specs of the GPUs the store's runs ran on
  // The values History's filters offer, each found by index seeks (ResultStore::distinct).
  std::vector<std::string> problems, device_names, cards;
};
// One page of History's light rows for the view that asked (`view` is the asker's own number,
// so a page of an older filter is recognised and dropped); `total` when the count was asked.
struct HistoryPageEvent {
  uint64_t view = 0;
  int64_t offset = 0;                  // the first row's place in the view; -1 for the count alone
  std::vector<RunRow> rows;
  std::optional<int64_t> total;
  std::string error;                   // why the page could not be read ("" when it was)
};
// Whole runs fetched by id (a row pinned, selected or applied from History's light rows).
struct StoredRunsEvent {
  std::vector<RunResult> runs;
  std::vector<std::string> bad_rows;   // ids that could not be read, with why
};
// The store opened, or could not be: `error` says why, and the session goes on without one.
struct StoreEvent {
  std::string path;
  bool open = false, writable = false;
  std::string error;
};
struct CeilingsEvent {
  std::optional<MeasuredCeilings> ceilings;
  std::string error;
};
struct MessageEvent {
  std::string text;
  bool error = false;
};
using SessionEvent = std::variant<HelloEvent, RunEvent, SweepResultEvent, SweepProgressEvent, HistoryEvent, HistoryPageEvent,
                                  StoredRunsEvent, StoreEvent, CeilingsEvent, MessageEvent>;

}  // namespace gemmscope
