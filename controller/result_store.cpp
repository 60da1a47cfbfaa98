#include "controller/result_store.h"

#include <filesystem>
#include <map>
#include <sqlite3.h>
#include <stdexcept>

#include "model/families/card_family.h"
#include "model/json_codec.h"

namespace gemmscope {

namespace {

constexpr const char* kSchema = "gemmscope-results-1";

// A prepared statement that finalises itself.
struct Statement {
  sqlite3_stmt* s = nullptr;
  Statement(sqlite3* db, const std::string& sql, const std::string& path) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error("store " + path + ": " + sqlite3_errmsg(db) + " (preparing: " + sql.substr(0, 60) + ")");
  }
  ~Statement() { sqlite3_finalize(s); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  void text(int i, const std::string& v) { sqlite3_bind_text(s, i, v.c_str(), -1, SQLITE_TRANSIENT); }
  void real(int i, double v) { sqlite3_bind_double(s, i, v); }
  void integer(int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
  std::string column_text(int i) const {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return t ? t : "";
  }
};

void exec(sqlite3* db, const std::string& sql, const std::string& path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("store " + path + ": " + msg);
  }
}

}  // namespace

std::string default_store_path() {
  if (const char* e = std::getenv("GEMMSCOPE_DB")) return e;
  std::string base;
  if (const char* x = std::getenv("XDG_DATA_HOME")) base = x;
  else if (const char* h = std::getenv("HOME")) base = std::string(h) + "/.local/share";
  else base = "/tmp";
  return base + "/gemmscope/results.sqlite";
}

ResultStore::ResultStore(const std::string& path) : path_(path) {
  const bool uri = path.rfind("file:", 0) == 0;  // SQLite URIs ("file:x.sqlite?mode=ro") pass through
  if (!uri) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
    }
  }
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX | (uri ? SQLITE_OPEN_URI : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("store " + path + ": cannot open (" + msg + ")");
  }
  sqlite3_busy_timeout(db_, 5000);
  writable_ = sqlite3_db_readonly(db_, "main") == 0;
  try {
    std::string schema;
    {
      // A first read: a file that is not SQLite fails here, before anything is written to it.
      Statement probe(db_, "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'", path_);
      if (sqlite3_step(probe.s) == SQLITE_ROW) {
        Statement get(db_, "SELECT value FROM meta WHERE key='schema'", path_);
        if (sqlite3_step(get.s) == SQLITE_ROW) schema = get.column_text(0);
      }
    }
    if (!schema.empty() && schema != kSchema) throw std::runtime_error("store " + path_ + ": schema '" + schema + "' is not " + kSchema);
    if (writable_) {
      // WAL: each committed run survives the process being killed at any point after it.
      exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", path_);
      exec(db_,
           "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
           "CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT, sweep TEXT, family TEXT,"
           " problem TEXT, device TEXT, config_name TEXT, disposition TEXT, ms_median REAL, tflops REAL, gbps REAL,"
           " rel_error REAL, result_json TEXT NOT NULL);"
           "CREATE TABLE IF NOT EXISTS metrics(run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, value REAL,"
           " unit TEXT, source TEXT, PRIMARY KEY(run_id, name));"
           "CREATE TABLE IF NOT EXISTS devices(name TEXT PRIMARY KEY, spec_json TEXT NOT NULL, updated_at TEXT);"
           "CREATE TABLE IF NOT EXISTS cards(hash TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT, card_text TEXT NOT NULL,"
           " source_text TEXT NOT NULL, created_at TEXT);"
           "CREATE INDEX IF NOT EXISTS runs_by_problem ON runs(problem, family);"
           // Every filter the app offers is an indexed query; a store made before these gets them here.
           "CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs(sweep);"
           "CREATE INDEX IF NOT EXISTS runs_by_family ON runs(family);"
           "CREATE INDEX IF NOT EXISTS runs_by_device ON runs(device);",
           path_);
      if (schema.empty()) exec(db_, std::string("INSERT OR IGNORE INTO meta VALUES('schema','") + kSchema + "')", path_);
    } else if (schema.empty()) {
      throw std::runtime_error("store " + path_ + ": read-only and not a gemmscope store (no schema); choose another with --db");
    }
  } catch (const std::runtime_error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    const std::string msg = e.what();
    if (msg.find("not a database") != std::string::npos || msg.find("malformed") != std::string::npos)
      throw std::runtime_error("store " + path_ + ": the file is not a gemmscope store (not an SQLite database); choose another with --db");
    throw;
  }
}

ResultStore::~ResultStore() { sqlite3_close(db_); }

int64_t ResultStore::insert(const RunResult& r, const std::string& sweep_tag) {
  if (!writable_) throw std::runtime_error("store " + path_ + ": opened read-only, so the run cannot be stored");
  exec(db_, "BEGIN IMMEDIATE", path_);
  try {
    Statement ins(db_,
                  "INSERT INTO runs(created_at, sweep, family, problem, device, config_name, disposition, ms_median, tflops, gbps,"
                  " rel_error, result_json) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                  path_);
    ins.text(1, r.created_at);
    ins.text(2, sweep_tag);
    ins.text(3, r.config.family);
    ins.text(4, problem_name(r.config.shape));
    ins.text(5, r.device);
    ins.text(6, r.config_name);
    ins.text(7, to_string(r.disposition));
    ins.real(8, r.ms_median);
    ins.real(9, r.tflops);
    ins.real(10, r.gbps);
    ins.real(11, r.verify.rel_fro_error);
    ins.text(12, to_json(r).dump());
    if (sqlite3_step(ins.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
    const int64_t id = sqlite3_last_insert_rowid(db_);
    for (const auto& [name, m] : r.metrics) {
      Statement met(db_, "INSERT INTO metrics(run_id, name, value, unit, source) VALUES(?,?,?,?,?)", path_);
      met.integer(1, id);
      met.text(2, name);
      met.real(3, m.value);
      met.text(4, m.unit);
      met.text(5, m.source);
      if (sqlite3_step(met.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
    }
    exec(db_, "COMMIT", path_);
    return id;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

namespace {

// The WHERE clause of a query, with its values to bind in order.
std::pair<std::string, std::vector<std::string>> where(const StoreQuery& q, const std::string& table = "") {
  std::string sql = " WHERE 1=1";
  std::vector<std::string> binds;
  auto add = [&](const std::string& col, const std::string& v) {
    if (!v.empty()) sql += " AND " + table + col + "=?", binds.push_back(v);
  };
  add("family", q.family);
  add("problem", q.problem);
  add("device", q.device);
  add("sweep", q.sweep);
  if (q.passed_only) sql += " AND " + table + "disposition='passed'";
  return {sql, binds};
}

}  // namespace

void ResultStore::scan(const StoreQuery& q, const std::function<void(RunResult&&)>& row, std::vector<std::string>& bad_rows) const {
  auto [sql, binds] = where(q);
  sql = "SELECT id, result_json FROM runs" + sql + (q.newest_first ? " ORDER BY id DESC" : " ORDER BY id");
  if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
  Statement st(db_, sql, path_);
  for (size_t i = 0; i < binds.size(); ++i) st.text(int(i + 1), binds[i]);
  int rc;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
    const int64_t id = sqlite3_column_int64(st.s, 0);
    RunResult r;
    try {
      r = result_from_json(nlohmann::json::parse(st.column_text(1)));
      r.id = id;
    } catch (const std::exception& e) {
      bad_rows.push_back("run " + std::to_string(id) + ": " + e.what());
      continue;
    }
    row(std::move(r));
  }
  if (rc != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
}

QueryResult ResultStore::query(const StoreQuery& q) const {
  QueryResult out;
  scan(q, [&](RunResult&& r) { out.runs.push_back(std::move(r)); }, out.bad_rows);
  return out;
}

std::vector<std::string> ResultStore::families(const StoreQuery& q) const {
  const auto [sql, binds] = where(q);
  Statement st(db_, "SELECT DISTINCT family FROM runs" + sql + " ORDER BY family", path_);
  for (size_t i = 0; i < binds.size(); ++i) st.text(int(i + 1), binds[i]);
  std::vector<std::string> out;
  while (sqlite3_step(st.s) == SQLITE_ROW) out.push_back(st.column_text(0));
  return out;
}

std::vector<std::string> ResultStore::metric_names(const StoreQuery& q) const {
  const auto [sql, binds] = where(q, "r.");
  Statement st(db_, "SELECT DISTINCT m.name FROM metrics m JOIN runs r ON r.id = m.run_id" + sql + " ORDER BY m.name", path_);
  for (size_t i = 0; i < binds.size(); ++i) st.text(int(i + 1), binds[i]);
  std::vector<std::string> out;
  while (sqlite3_step(st.s) == SQLITE_ROW) out.push_back(st.column_text(0));
  return out;
}

std::optional<RunResult> ResultStore::get(int64_t id) const {
  Statement st(db_, "SELECT result_json FROM runs WHERE id=?", path_);
  st.integer(1, id);
  if (sqlite3_step(st.s) != SQLITE_ROW) return std::nullopt;
  try {
    RunResult r = result_from_json(nlohmann::json::parse(st.column_text(0)));
    r.id = id;
    return r;
  } catch (const std::exception& e) {
    throw std::runtime_error("store " + path_ + ": run " + std::to_string(id) + " is unreadable (" + e.what() + ")");
  }
}

std::vector<std::string> ResultStore::sweep_tags() const {
  Statement st(db_, "SELECT DISTINCT sweep FROM runs WHERE sweep<>'' ORDER BY sweep", path_);
  std::vector<std::string> v;
  while (sqlite3_step(st.s) == SQLITE_ROW) v.push_back(st.column_text(0));
  return v;
}

void ResultStore::set_baseline(std::optional<int64_t> id) {
  if (!writable_) throw std::runtime_error("store " + path_ + ": opened read-only, so the baseline cannot be saved");
  if (!id) {
    exec(db_, "DELETE FROM meta WHERE key='baseline'", path_);
    return;
  }
  Statement st(db_, "INSERT OR REPLACE INTO meta VALUES('baseline', ?)", path_);
  st.text(1, std::to_string(*id));
  if (sqlite3_step(st.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
}

std::optional<int64_t> ResultStore::baseline() const {
  Statement st(db_, "SELECT value FROM meta WHERE key='baseline'", path_);
  if (sqlite3_step(st.s) != SQLITE_ROW) return std::nullopt;
  try {
    return std::stoll(st.column_text(0));
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged baseline entry is no baseline
  }
}

void ResultStore::remember_device(const GpuSpec& spec) {
  if (!writable_ || spec.name.empty()) return;
  Statement st(db_, "INSERT OR REPLACE INTO devices(name, spec_json, updated_at) VALUES(?,?,?)", path_);
  st.text(1, spec.name);
  st.text(2, to_json(spec).dump());
  st.text(3, utc_now());
  if (sqlite3_step(st.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
}

std::vector<GpuSpec> ResultStore::device_specs() const {
  std::vector<GpuSpec> v;
  Statement probe(db_, "SELECT name FROM sqlite_master WHERE type='table' AND name='devices'", path_);
  if (sqlite3_step(probe.s) != SQLITE_ROW) return v;  // a read-only store from before the table existed
  Statement st(db_, "SELECT name, spec_json FROM devices ORDER BY name", path_);
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    try {
      GpuSpec s = spec_from_json(nlohmann::json::parse(st.column_text(1)), "stored");
      v.push_back(std::move(s));
    } catch (const std::exception&) {
      // A spec that no longer reads is skipped: its runs fall back to the spec files.
    }
  }
  return v;
}

void ResultStore::remember_card(const KernelCard& c) {
  if (!writable_) return;
  Statement st(db_, "INSERT OR IGNORE INTO cards(hash, name, path, card_text, source_text, created_at) VALUES(?,?,?,?,?,?)", path_);
  st.text(1, c.hash);
  st.text(2, c.name);
  st.text(3, c.path);
  st.text(4, c.card_text);
  st.text(5, c.source_text);
  st.text(6, utc_now());
  if (sqlite3_step(st.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
}

std::vector<ResultStore::StoredCard> ResultStore::stored_cards() const {
  std::vector<StoredCard> v;
  Statement probe(db_, "SELECT name FROM sqlite_master WHERE type='table' AND name='cards'", path_);
  if (sqlite3_step(probe.s) != SQLITE_ROW) return v;
  Statement st(db_, "SELECT hash, name, path, card_text, source_text, created_at FROM cards ORDER BY rowid", path_);
  while (sqlite3_step(st.s) == SQLITE_ROW)
    v.push_back({st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4), st.column_text(5)});
  return v;
}

std::vector<std::string> register_cards_of(const ResultStore& store) {
  std::map<std::string, ResultStore::StoredCard> newest;
  for (auto& c : store.stored_cards()) newest[c.name] = std::move(c);
  std::vector<std::string> errors;
  for (const auto& [name, c] : newest) {
    if (find_family("card:" + name)) continue;
    try {
      register_family(make_card_family(std::make_shared<const KernelCard>(parse_kernel_card(c.card_text, c.path, c.source_text))));
    } catch (const std::exception& e) {
      errors.push_back("a stored version of card " + name + " no longer reads: " + e.what());
    }
  }
  return errors;
}

}  // namespace gemmscope
