// ResultStore: every run in one SQLite file. Each run is committed on its own (WAL), so a
// killed sweep loses no finished run. The store also remembers the spec of every GPU that ran
// (with its measured ceilings), so a stored run is judged against the GPU it ran on.
// Layout (schema 2, docs/architecture.md "Store layout"): a run's figures in columns, its config
// once per distinct config, its metric names once per distinct set, the rest deflated.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/gpu_spec.h"
#include "model/kernel_card.h"
#include "model/run_result.h"

struct sqlite3;

namespace gemmscope {

// Every filter is an indexed query (the store has an index for each).
struct StoreQuery {
  std::string family;       // "" = any
  std::string problem;      // problem_name(), "" = any
  std::string device;       // "" = any
  std::string sweep;        // sweep tag, "" = any
  std::string card;         // a kernel card's version (RunResult::card_hash), "" = any
  // created_at range, each an ISO-8601 prefix ("2026-12-01", "2026-12-01T10"): from <= created_at,
  // and created_at within `to` (the prefix's whole day, hour, ... included). "" = open.
  std::string from, to;
  bool passed_only = false;
  bool newest_first = false;
  int limit = 0;            // 0 = all
  int64_t offset = 0;       // rows skipped first (a page further down)
  // Keyset paging: the last id of the previous page; this page starts after it in the query's order.
  std::optional<int64_t> after;
};

// The figures a list shows, read from the run's columns alone (no result decoded): History's rows.
struct RunRow {
  int64_t id = 0;
  std::string created_at, sweep, family, problem, device, card, config_name;
  Disposition disposition = Disposition::NotRun;
  std::string reason;            // why it did not pass ("" when it did)
  double ms_median = 0, tflops = 0, gbps = 0, rel_error = 0;
  std::optional<bool> allclose;  // unset: not verified
};

// How much of each run a scan decodes.
enum class ScanDetail {
  full,     // the whole RunResult
  columns,  // the figures kept in columns, the config and the metrics (what a CSV row needs);
            // the rest (cross-checks, notes, timeline) stays at its default. The deflated part is
            // checked by its CRC, not inflated.
};

struct QueryResult {
  std::vector<RunResult> runs;
  std::vector<std::string> bad_rows;  // "run 12: <why it cannot be read>": the rest are still returned
};

// How a store is opened: read_only never writes (no schema made, no upgrade, no statistics), so a
// second connection beside the session's (an export on another thread) changes nothing.
enum class StoreAccess { read_write, read_only };

class ResultStore {
 public:
  // Opens or creates; throws std::runtime_error naming the file and what is wrong (not a
  // gemmscope store, a schema it does not know). A file it may only read opens read-only.
  // A store of schema 1 is upgraded in place, in one transaction, after a backup copy next to it
  // (notices() names it); read-only, or when the upgrade fails (the file is then unchanged), it
  // is read as it is.
  explicit ResultStore(const std::string& path, StoreAccess = StoreAccess::read_write);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Throws std::runtime_error naming the store and SQLite's reason when the run cannot be stored.
  int64_t insert(const RunResult&, const std::string& sweep_tag = "");
  QueryResult query(const StoreQuery& = {}) const;
  // The same rows one at a time, so memory holds one run whatever the store's size; a row that
  // does not read is named in `bad_rows` and the scan goes on.
  void scan(const StoreQuery&, const std::function<void(RunResult&&)>& row, std::vector<std::string>& bad_rows,
            ScanDetail = ScanDetail::full) const;
  // The same rows as JSON text, each object what to_json(run).dump(2) writes, made from the columns
  // and the stored cold part without decoding a RunResult whole (run_json.h): the JSON export.
  void scan_json(const StoreQuery&, const std::function<void(const std::string& object)>& row, std::vector<std::string>& bad_rows) const;
  // One page of light rows (the query's limit, offset and `after`), read from columns only.
  std::vector<RunRow> page(const StoreQuery&) const;
  // How many runs the query's filters match (limit, offset and `after` ignored).
  int64_t count(const StoreQuery&) const;
  // SQLite's plan for the page query, one step a line: tests and the scale benchmark check that
  // every filter uses an index.
  std::string query_plan(const StoreQuery&) const;
  // The distinct values of a filter column ("family", "problem", "device", "sweep", "card"),
  // sorted; found by index seeks, one per value, so a million runs cost what their values do.
  std::vector<std::string> distinct(const std::string& column) const;
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
  int schema_version() const { return schema_version_; }  // 2, or 1 for an old store read as is
  // What opening did that its user should be told: an upgrade and its backup, an old store read
  // as is and why.
  const std::vector<std::string>& notices() const { return notices_; }

  struct Codec;  // zlib streams, kept between runs (result_store.cpp)
  struct Prepared;  // the insert's statements and the config and metric-set ids written (result_store.cpp)

 private:
  void create_schema();
  void refresh_statistics();
  void upgrade_from_schema_1();
  int64_t write_run(const RunResult&, const std::string& sweep_tag, std::optional<int64_t> id);
  int64_t config_id(const RunResult&);
  std::optional<int64_t> metric_set_id(const RunResult&);
  bool date_walk_is_slower(const StoreQuery&) const;  // page(): a jump's walk avoids the date index
  std::optional<int64_t> row_before(const StoreQuery&) const;  // page(): where a jump's page starts

  std::string path_;
  sqlite3* db_ = nullptr;
  bool writable_ = true;
  int schema_version_ = 2;
  std::vector<std::string> notices_;
  std::unique_ptr<Codec> codec_;
  std::unique_ptr<Prepared> prepared_;  // finalized before the database closes
  std::mutex codec_mu_;
  mutable std::mutex walk_mu_;
  mutable std::map<std::string, bool> walk_choice_;  // date_walk_is_slower() by filter
  struct Ladder {
    int64_t max_id = -1;          // the newest run when it was made: a run added since shifts every row
    std::vector<int64_t> rungs;   // rungs[k - 1]: the id of row k * 1000 - 1 of the view
    bool complete = false;        // every rung of the view is there
  };
  mutable std::map<std::string, Ladder> ladders_;  // row_before(), by view
};

// Registers the newest stored version of each card not registered yet, so its runs read back
// without the card's files (a card the user has open stays the one registered). Returns what
// could not be read.
std::vector<std::string> register_cards_of(const ResultStore&);

// $GEMMSCOPE_DB, else $XDG_DATA_HOME/gemmscope/results.sqlite, else ~/.local/share/gemmscope/results.sqlite.
std::string default_store_path();

}  // namespace gemmscope
