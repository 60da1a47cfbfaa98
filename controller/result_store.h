// ResultStore: every run in one SQLite file. Each run is committed on its own (WAL), so a
// killed sweep loses no finished run. The store also remembers the spec of every GPU that ran
// (with its measured ceilings), so a stored run is judged against the GPU it ran on.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/gpu_spec.h"
#include "model/kernel_card.h"
#include "model/run_result.h"

struct sqlite3;

namespace gemmscope {

struct StoreQuery {
  std::string family;       // "" = any
  std::string problem;      // problem_name(), "" = any
  std::string device;       // "" = any
  std::string sweep;        // sweep tag, "" = any
  bool passed_only = false;
  bool newest_first = false;
  int limit = 0;            // 0 = all
};

struct QueryResult {
  std::vector<RunResult> runs;
  std::vector<std::string> bad_rows;  // "run 12: <why it cannot be read>": the rest are still returned
};

class ResultStore {
 public:
  // Opens or creates; throws std::runtime_error naming the file and what is wrong (not a
  // gemmscope store, a schema it does not know). A file it may only read opens read-only.
  explicit ResultStore(const std::string& path);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Throws std::runtime_error naming the store and SQLite's reason when the run cannot be stored.
  int64_t insert(const RunResult&, const std::string& sweep_tag = "");
  QueryResult query(const StoreQuery& = {}) const;
  // The same rows one at a time, so memory holds one run whatever the store's size; a row that
  // does not read is named in `bad_rows` and the scan goes on.
  void scan(const StoreQuery&, const std::function<void(RunResult&&)>& row, std::vector<std::string>& bad_rows) const;
  // The families, and the metric names, of the rows the query matches (an export's columns).
  std::vector<std::string> families(const StoreQuery&) const;
  std::vector<std::string> metric_names(const StoreQuery&) const;
  std::optional<RunResult> get(int64_t id) const;
  std::vector<std::string> sweep_tags() const;
  void set_baseline(std::optional<int64_t> id);
  std::optional<int64_t> baseline() const;
  // The GPU a run was measured on, by its device name; a newer description replaces an older one.
  void remember_device(const GpuSpec&);
  std::vector<GpuSpec> device_specs() const;
  // Every version of a kernel card whose runs are stored, so they read back without the files.
  void remember_card(const KernelCard&);
  struct StoredCard {
    std::string hash, name, path, card_text, source_text, created_at;
  };
  std::vector<StoredCard> stored_cards() const;  // oldest first
  bool writable() const { return writable_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  bool writable_ = true;
};

// Registers the newest stored version of each card not registered yet, so its runs read back
// without the card's files (a card the user has open stays the one registered). Returns what
// could not be read.
std::vector<std::string> register_cards_of(const ResultStore&);

// $GEMMSCOPE_DB, else $XDG_DATA_HOME/gemmscope/results.sqlite, else ~/.local/share/gemmscope/results.sqlite.
std::string default_store_path();

}  // namespace gemmscope
