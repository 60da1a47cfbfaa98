// ResultStore: every run in one SQLite file. Each run is committed on its own (WAL), so a
// killed sweep loses no finished run.
#pragma once
#include <optional>
#include <string>
#include <vector>
#include "model/run_result.h"

struct sqlite3;

namespace gemmscope {

struct StoreQuery {
  std::string family;       // "" = any
  std::string problem;      // problem_name(), "" = any
  std::string device;       // "" = any
  std::string sweep;        // sweep tag, "" = any
  bool passed_only = false;
  int limit = 0;            // 0 = all
};

class ResultStore {
 public:
  // Opens or creates; throws std::runtime_error naming the file and what is wrong (e.g. not a gemmscope store).
  explicit ResultStore(const std::string& path);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  int64_t insert(const RunResult&, const std::string& sweep_tag = "");
  std::vector<RunResult> query(const StoreQuery& = {}) const;
  std::optional<RunResult> get(int64_t id) const;
  std::vector<std::string> sweep_tags() const;
  void set_baseline(std::optional<int64_t> id);
  std::optional<int64_t> baseline() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

// $GEMMSCOPE_DB, else $XDG_DATA_HOME/gemmscope/results.sqlite, else ~/.local/share/gemmscope/results.sqlite.
std::string default_store_path();

}  // namespace gemmscope
