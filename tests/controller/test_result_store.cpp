#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <sqlite3.h>

#include "controller/result_store.h"
#include "model/kernel_family.h"

using namespace gemmscope;

namespace {

void remove_store(const std::string& p) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix, ignored);
}

// The stores a test made, removed when its process exits.
struct Stores {
  std::vector<std::string> made;
  ~Stores() {
    for (const std::string& p : made) remove_store(p);
  }
};

std::string fresh_path(const std::string& name) {
  static Stores stores;
  const auto p = std::filesystem::temp_directory_path() / ("gemmscope_store_" + name + "_" + std::to_string(getpid()) + ".sqlite");
  remove_store(p.string());
  stores.made.push_back(p.string());
  return p.string();
}

RunResult sample(int i) {
  RunResult r;
  r.config = find_family("seed_tall_skinny")->defaults(problem_p9());
  r.config.set("block_m", 16 << (i % 4));
  r.config_name = config_name(r.config);
  r.device = "test GPU";
  r.disposition = i % 3 == 0 ? Disposition::LaunchError : Disposition::Passed;
  r.ms_median = 1.0 + i;
  r.metrics["dram__bytes_write.sum"] = {4.29e9 + i, "byte", "cupti"};
  r.metrics["launch__grid_size"] = {double(i), "block", "launch"};
  return r;
}

}  // namespace

TEST(ResultStore, InsertsQueriesAndKeepsMetrics) {
  const auto path = fresh_path("basic");
  ResultStore store(path);
  for (int i = 0; i < 6; ++i) store.insert(sample(i), i < 3 ? "sweepA" : "sweepB");
  EXPECT_EQ(store.query().runs.size(), 6u);
  StoreQuery q;
  q.sweep = "sweepB";
  const auto b = store.query(q).runs;
  ASSERT_EQ(b.size(), 3u);
  EXPECT_DOUBLE_EQ(b[0].ms_median, 4.0);
  EXPECT_DOUBLE_EQ(b[0].metrics.at("dram__bytes_write.sum").value, 4.29e9 + 3);
  q.passed_only = true;
  EXPECT_EQ(store.query(q).runs.size(), 2u);  // run 3 failed
  EXPECT_EQ(store.sweep_tags(), (std::vector<std::string>{"sweepA", "sweepB"}));
  const auto one = store.get(b[1].id);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->config, sample(4).config);
  EXPECT_FALSE(store.get(9999));
}

TEST(ResultStore, BaselineIsRemembered) {
  const auto path = fresh_path("baseline");
  {
    ResultStore store(path);
    const int64_t id = store.insert(sample(1));
    EXPECT_FALSE(store.baseline());
    store.set_baseline(id);
  }
  ResultStore again(path);
  ASSERT_TRUE(again.baseline());
  again.set_baseline(std::nullopt);
  EXPECT_FALSE(again.baseline());
}

TEST(ResultStore, ACorruptFileIsRefusedWithItsName) {
  const auto path = fresh_path("corrupt");
  std::ofstream(path) << std::string(4096, 'x');
  try {
    ResultStore store(path);
    FAIL() << "opened a corrupt file";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("not a gemmscope store"), std::string::npos) << m;
  }
}

TEST(ResultStore, AKilledWriterLosesNoFinishedRun) {
  const auto path = fresh_path("killed");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ResultStore store(path);
    for (int i = 0; i < 5; ++i) store.insert(sample(i), "killed-sweep");
    raise(SIGKILL);  // no destructor, no checkpoint, no close
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  ResultStore store(path);
  EXPECT_EQ(store.query().runs.size(), 5u);
}

TEST(ResultStore, NewestFirstWithALimitGivesTheLatestRuns) {
  const auto path = fresh_path("newest");
  ResultStore store(path);
  for (int i = 0; i < 10; ++i) store.insert(sample(i));
  StoreQuery q;
  q.newest_first = true;
  q.limit = 3;
  const auto runs = store.query(q).runs;
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_DOUBLE_EQ(runs[0].ms_median, 10.0);  // sample(9)
  EXPECT_DOUBLE_EQ(runs[2].ms_median, 8.0);
}

TEST(ResultStore, OneUnreadableRowIsReportedAndTheRestAreRead) {
  const auto path = fresh_path("bad_row");
  int64_t bad = 0;
  {
    ResultStore store(path);
    for (int i = 0; i < 4; ++i) {
      const int64_t id = store.insert(sample(i));
      if (i == 2) bad = id;
    }
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string sql = "UPDATE runs SET result_json='{\"config\": 12' WHERE id=" + std::to_string(bad);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ResultStore store(path);
  const QueryResult q = store.query();
  EXPECT_EQ(q.runs.size(), 3u);
  ASSERT_EQ(q.bad_rows.size(), 1u);
  EXPECT_NE(q.bad_rows[0].find("run " + std::to_string(bad)), std::string::npos) << q.bad_rows[0];
}

TEST(ResultStore, AStoreThatCannotBeWrittenSaysSoAtInsert) {
  const auto path = fresh_path("readonly");
  { ResultStore store(path); store.insert(sample(1)); }
  // Read-only through SQLite itself, so the test holds for root too.
  ResultStore ro("file:" + path + "?mode=ro");
  EXPECT_FALSE(ro.writable());
  EXPECT_EQ(ro.query().runs.size(), 1u) << "what is stored still reads";
  try {
    ro.insert(sample(2));
    FAIL() << "stored into a read-only store";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
  }
}

TEST(ResultStore, RemembersTheSpecOfEachDevice) {
  const auto path = fresh_path("devices");
  GpuSpec g = *find_spec(load_gpu_specs(default_gpu_spec_dir()), "h200");
  g.name = "NVIDIA H200";
  g.measured.dram_write_gbps = 4318;
  {
    ResultStore store(path);
    store.remember_device(g);
    g.measured.dram_write_gbps = 4320;
    store.remember_device(g);  // a newer description replaces the older
  }
  ResultStore store(path);
  const auto specs = store.device_specs();
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].name, "NVIDIA H200");
  EXPECT_DOUBLE_EQ(specs[0].measured.dram_write_gbps, 4320);
}

// [SECTION] Schema 2: the split layout, the upgrade from schema 1, paged queries
#include <nlohmann/json.hpp>

#include "model/json_codec.h"

namespace {

// A run with every field away from its default, so a round trip that drops one fails.
RunResult full_sample() {
  RunResult r = sample(1);
  r.arch = "sm_90";
  r.reason = "a reason, with \"quotes\"";
  r.ms_min = 1.5, r.ms_max = 2.25, r.reps = 17, r.l2_flushed = false;
  r.tflops = 12.5, r.gbps = 830.25;
  r.verify = {true, 3.5e-7, 1.25e-5, 3, 1, 2e-4, 3e-4};
  r.registers = 96, r.static_smem = 4096, r.dynamic_smem = 65536, r.local_bytes = 8;
  r.grid_size = 264, r.block_size = 256, r.occupancy_blocks_per_sm = 2, r.occupancy_theoretical = 0.375;
  r.occupancy_blocks_per_sm_driver = 2, r.registers_driver = 96, r.static_smem_driver = 4096, r.smem_config_bytes = 233472;
  r.launched_kernel = "sm90_xmma_gemm", r.compile_ms = 41.5, r.jit_cache_hit = true;
  r.metrics_note = "seed set: 8 replay passes";
  r.timeline.t_us = {0, 5, 10};
  r.timeline.interval_us = 5;
  r.timeline.curves.push_back({"SM busy", "sm__cycles_active.avg", {10, 50, 90}});
  r.created_at = "2026-12-01T10:00:00Z", r.commit = "abc1234", r.card_hash = "0123456789abcdef", r.seed = 42;
  return r;
}

// Schema 1 as its code wrote it: the whole result as JSON text, a metrics table beside it.
void make_schema1_store(const std::string& path, const std::vector<RunResult>& runs, const std::vector<std::string>& tags) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql =
      "PRAGMA journal_mode=WAL;"
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
      "CREATE TABLE runs(id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT, sweep TEXT, family TEXT, problem TEXT, device TEXT,"
      " config_name TEXT, disposition TEXT, ms_median REAL, tflops REAL, gbps REAL, rel_error REAL, result_json TEXT NOT NULL);"
      "CREATE TABLE metrics(run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, value REAL, unit TEXT, source TEXT,"
      " PRIMARY KEY(run_id, name));"
      "CREATE TABLE devices(name TEXT PRIMARY KEY, spec_json TEXT NOT NULL, updated_at TEXT);"
      "CREATE TABLE cards(hash TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT, card_text TEXT NOT NULL, source_text TEXT NOT NULL, created_at TEXT);"
      "CREATE INDEX runs_by_problem ON runs(problem, family); CREATE INDEX runs_by_sweep ON runs(sweep);"
      "CREATE INDEX runs_by_family ON runs(family); CREATE INDEX runs_by_device ON runs(device);"
      "INSERT INTO meta VALUES('schema','gemmscope-results-1'); INSERT INTO meta VALUES('baseline','2');";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "INSERT INTO runs(created_at, sweep, family, problem, device, config_name, disposition, ms_median,"
                                 " tflops, gbps, rel_error, result_json) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                                 -1, &st, nullptr),
              SQLITE_OK);
    const std::string fields[] = {r.created_at, tags[i], r.config.family, problem_name(r.config.shape), r.device, r.config_name,
                                  to_string(r.disposition)};
    for (int c = 0; c < 7; ++c) sqlite3_bind_text(st, c + 1, fields[c].c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 8, r.ms_median), sqlite3_bind_double(st, 9, r.tflops), sqlite3_bind_double(st, 10, r.gbps);
    sqlite3_bind_double(st, 11, r.verify.rel_fro_error);
    const std::string json = to_json(r).dump();
    sqlite3_bind_text(st, 12, json.c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(st), SQLITE_DONE) << sqlite3_errmsg(db);
    sqlite3_finalize(st);
    const int64_t id = sqlite3_last_insert_rowid(db);
    for (const auto& [name, m] : r.metrics) {
      const std::string ins = "INSERT INTO metrics VALUES(" + std::to_string(id) + ",'" + name + "'," + std::to_string(m.value) + ",'" +
                              m.unit + "','" + m.source + "')";
      ASSERT_EQ(sqlite3_exec(db, ins.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    }
  }
  sqlite3_close(db);
}

std::string schema_of(const std::string& path) {
  sqlite3* db = nullptr;
  std::string schema;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='schema'", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      schema = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return schema;
}

void exec_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db) << ": " << sql;
  sqlite3_close(db);
}

std::vector<RunResult> old_runs() {
  std::vector<RunResult> runs;
  for (int i = 0; i < 6; ++i) {
    RunResult r = i == 0 ? full_sample() : sample(i);
    r.created_at = "2026-11-2" + std::to_string(i) + "T08:00:00Z";
    runs.push_back(r);
  }
  return runs;
}
const std::vector<std::string> kOldTags = {"s1", "s1", "s1", "s2", "s2", ""};

// Every field of each run as JSON, id included, so any difference names the field.
void expect_same_runs(const std::vector<RunResult>& got, const std::vector<RunResult>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    nlohmann::json w = to_json(want[i]);
    w["id"] = int64_t(i + 1);
    EXPECT_EQ(to_json(got[i]), w) << "run " << i + 1;
  }
}

}  // namespace

TEST(ResultStore, EveryFieldOfARunComesBackFromTheSplitLayout) {
  const auto path = fresh_path("roundtrip");
  ResultStore store(path);
  EXPECT_EQ(store.schema_version(), 2);
  const RunResult want = full_sample();
  const int64_t id = store.insert(want, "tag");
  const auto got = store.get(id);
  ASSERT_TRUE(got);
  nlohmann::json w = to_json(want);
  w["id"] = id;
  EXPECT_EQ(to_json(*got), w);

  // A columns-only scan has every figure a CSV reads; the cold part stays at its default.
  std::vector<std::string> bad;
  std::vector<RunResult> cols;
  store.scan({}, [&](RunResult&& r) { cols.push_back(std::move(r)); }, bad, ScanDetail::columns);
  ASSERT_EQ(cols.size(), 1u);
  EXPECT_TRUE(bad.empty());
  const RunResult& c = cols[0];
  EXPECT_EQ(c.config, want.config);
  EXPECT_EQ(c.config_name, want.config_name);
  EXPECT_EQ(c.reason, want.reason);
  EXPECT_EQ(c.commit, want.commit);
  EXPECT_DOUBLE_EQ(c.ms_max, want.ms_max);
  EXPECT_EQ(c.verify.allclose(), want.verify.allclose());
  EXPECT_EQ(c.verify.nonfinite, 1);
  EXPECT_DOUBLE_EQ(c.metrics.at("dram__bytes_write.sum").value, want.metrics.at("dram__bytes_write.sum").value);
  EXPECT_EQ(c.metrics.at("launch__grid_size").unit, "block");
  EXPECT_EQ(c.launched_kernel, "") << "the cold part is not inflated by a columns scan";
  EXPECT_TRUE(c.timeline.t_us.empty());
}

TEST(ResultStore, ADamagedCompressedResultIsReportedAndTheRestAreRead) {
  const auto path = fresh_path("bad_frame");
  {
    ResultStore store(path);
    for (int i = 0; i < 4; ++i) store.insert(full_sample());
  }
  // One byte of run 2's deflated part flipped; run 3's frame cut short; run 4's metric values cut.
  exec_sql(path, "UPDATE runs SET result_json = CAST(substr(result_json, 1, 12) || x'00' || substr(result_json, 14) AS BLOB) WHERE id=2;"
                 "UPDATE runs SET result_json = substr(result_json, 1, 8) WHERE id=3;"
                 "UPDATE runs SET metric_values = substr(metric_values, 1, 9) WHERE id=4;");
  ResultStore store(path);
  for (const ScanDetail detail : {ScanDetail::full, ScanDetail::columns}) {
    std::vector<std::string> bad;
    std::vector<int64_t> ids;
    store.scan({}, [&](RunResult&& r) { ids.push_back(r.id); }, bad, detail);
    EXPECT_EQ(ids, std::vector<int64_t>{1});
    ASSERT_EQ(bad.size(), 3u);
    EXPECT_EQ(bad[0].rfind("run 2: ", 0), 0u) << bad[0];
    EXPECT_NE(bad[0].find("CRC"), std::string::npos) << bad[0];
    EXPECT_EQ(bad[1].rfind("run 3: ", 0), 0u) << bad[1];
    EXPECT_NE(bad[2].find("metric values are 9 bytes"), std::string::npos) << bad[2];
  }
  try {
    store.get(2);
    FAIL() << "read a damaged run";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("run 2 is unreadable"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store.page({}).size(), 4u) << "the list reads columns only, so it still shows every run";
}

TEST(ResultStore, ASchema1StoreIsUpgradedInPlaceAfterABackup) {
  const auto path = fresh_path("upgrade");
  const auto runs = old_runs();
  make_schema1_store(path, runs, kOldTags);
  std::vector<std::string> notices;
  {
    ResultStore store(path);
    EXPECT_EQ(store.schema_version(), 2);
    EXPECT_TRUE(store.writable());
    notices = store.notices();
    expect_same_runs(store.query().runs, runs);
    EXPECT_EQ(store.sweep_tags(), (std::vector<std::string>{"s1", "s2"}));
    EXPECT_EQ(store.baseline(), std::optional<int64_t>(2));
    EXPECT_EQ(store.insert(sample(9)), 7) << "ids continue after the old ones";
  }
  ASSERT_EQ(notices.size(), 1u);
  const std::string backup = path + ".schema1-backup";
  EXPECT_NE(notices[0].find("upgraded from gemmscope-results-1"), std::string::npos) << notices[0];
  EXPECT_NE(notices[0].find(backup), std::string::npos) << notices[0];
  EXPECT_EQ(schema_of(path), "gemmscope-results-2");
  ASSERT_TRUE(std::filesystem::exists(backup));
  EXPECT_EQ(schema_of(backup), "gemmscope-results-1");
  {
    ResultStore old("file:" + backup + "?mode=ro");
    expect_same_runs(old.query().runs, runs);
  }
  std::filesystem::remove(backup);
  ResultStore again(path);
  EXPECT_TRUE(again.notices().empty()) << "upgraded once";
  EXPECT_EQ(again.query().runs.size(), 7u);
}

TEST(ResultStore, AnUnreadableSchema1RowIsKeptByTheUpgradeAndStillReported) {
  const auto path = fresh_path("upgrade_bad_row");
  make_schema1_store(path, old_runs(), kOldTags);
  exec_sql(path, "UPDATE runs SET result_json='{\"config\": 12' WHERE id=3");
  ResultStore store(path);
  ASSERT_EQ(store.notices().size(), 1u);
  EXPECT_NE(store.notices()[0].find("1 unreadable ones kept"), std::string::npos) << store.notices()[0];
  const QueryResult q = store.query();
  EXPECT_EQ(q.runs.size(), 5u);
  ASSERT_EQ(q.bad_rows.size(), 1u);
  EXPECT_EQ(q.bad_rows[0].rfind("run 3: ", 0), 0u) << q.bad_rows[0];
  StoreQuery s1;
  s1.sweep = "s1";
  EXPECT_EQ(store.count(s1), 3) << "the kept row keeps schema 1's columns, so filters still find it";
  std::filesystem::remove(path + ".schema1-backup");
}

TEST(ResultStore, AReadOnlySchema1StoreIsReadAsItIs) {
  const auto path = fresh_path("schema1_ro");
  const auto runs = old_runs();
  make_schema1_store(path, runs, kOldTags);
  ResultStore store("file:" + path + "?mode=ro");
  EXPECT_EQ(store.schema_version(), 1);
  EXPECT_FALSE(store.writable());
  ASSERT_EQ(store.notices().size(), 1u);
  EXPECT_NE(store.notices()[0].find("read as it is, not upgraded"), std::string::npos) << store.notices()[0];
  expect_same_runs(store.query().runs, runs);
  StoreQuery q;
  q.newest_first = true;
  q.card = "0123456789abcdef";
  const auto rows = store.page(q);
  ASSERT_EQ(rows.size(), 1u) << "schema 1 reads the card from the JSON";
  EXPECT_EQ(rows[0].id, 1);
  EXPECT_EQ(rows[0].allclose, std::optional<bool>(false));
  EXPECT_EQ(rows[0].reason, full_sample().reason);
  EXPECT_EQ(store.count({}), 6);
  EXPECT_EQ(store.distinct("card"), std::vector<std::string>{"0123456789abcdef"});
  EXPECT_EQ(store.metric_names({}), (std::vector<std::string>{"dram__bytes_write.sum", "launch__grid_size"}));
  EXPECT_EQ(schema_of(path), "gemmscope-results-1");
  EXPECT_FALSE(std::filesystem::exists(path + ".schema1-backup")) << "nothing is written for a store read as it is";
}

TEST(ResultStore, AFailedUpgradeRollsBackAndTheOldStoreIsReadAsItIs) {
  const auto path = fresh_path("upgrade_fails");
  const auto runs = old_runs();
  make_schema1_store(path, runs, kOldTags);
  // A table of schema 2's name but another shape: the upgrade fails half-way, after the old
  // table was renamed and the first run's config was to be written.
  exec_sql(path, "CREATE TABLE configs(x TEXT)");
  ResultStore store(path);
  EXPECT_EQ(store.schema_version(), 1);
  EXPECT_FALSE(store.writable());
  ASSERT_EQ(store.notices().size(), 1u);
  EXPECT_NE(store.notices()[0].find("failed and was rolled back"), std::string::npos) << store.notices()[0];
  expect_same_runs(store.query().runs, runs);
  EXPECT_EQ(schema_of(path), "gemmscope-results-1");
  EXPECT_THROW(store.insert(sample(1)), std::runtime_error);
  std::filesystem::remove(path + ".schema1-backup");
}

namespace {
// 60 runs over two families, both problems, three devices, four sweeps, two cards and six days.
std::vector<RunResult> varied_runs(std::vector<std::string>& tags) {
  std::vector<RunResult> runs;
  for (int i = 0; i < 60; ++i) {
    RunResult r = sample(i);
    if (i % 2) r.config = find_family("splitk")->defaults(i % 4 == 1 ? problem_p6() : problem_p9()), r.config_name = config_name(r.config);
    r.device = "GPU " + std::to_string(i % 3);
    r.card_hash = i % 5 == 0 ? "card-a" : i % 5 == 1 ? "card-b" : "";
    r.created_at = "2026-11-2" + std::to_string(i % 6) + "T1" + std::to_string(i % 10) + ":00:00Z";
    r.verify.checked = i % 4 != 0;
    tags.push_back("sweep-" + std::to_string(i % 4));
    runs.push_back(r);
  }
  return runs;
}
}  // namespace

TEST(ResultStore, PagesAreTheFilteredRunsNewestFirstAndCountMatches) {
  const auto path = fresh_path("pages");
  std::vector<std::string> tags;
  const auto runs = varied_runs(tags);
  ResultStore store(path);
  for (size_t i = 0; i < runs.size(); ++i) store.insert(runs[i], tags[i]);
  // Each filter against the same filter done here over every run.
  struct Case {
    StoreQuery q;
    std::function<bool(size_t)> keep;
  };
  std::vector<Case> cases;
  auto add = [&](auto set, std::function<bool(size_t)> keep) {
    StoreQuery q;
    set(q);
    cases.push_back({q, keep});
  };
  add([](StoreQuery&) {}, [](size_t) { return true; });
  add([](StoreQuery& q) { q.family = "splitk"; }, [&](size_t i) { return runs[i].config.family == "splitk"; });
  add([](StoreQuery& q) { q.problem = "p6"; }, [&](size_t i) { return problem_name(runs[i].config.shape) == "p6"; });
  add([](StoreQuery& q) { q.device = "GPU 1"; }, [&](size_t i) { return runs[i].device == "GPU 1"; });
  add([](StoreQuery& q) { q.sweep = "sweep-2"; }, [&](size_t i) { return tags[i] == "sweep-2"; });
  add([](StoreQuery& q) { q.card = "card-b"; }, [&](size_t i) { return runs[i].card_hash == "card-b"; });
  add([](StoreQuery& q) { q.passed_only = true; }, [&](size_t i) { return runs[i].disposition == Disposition::Passed; });
  add([](StoreQuery& q) { q.from = "2026-11-22", q.to = "2026-11-24"; },
      [&](size_t i) { return runs[i].created_at >= "2026-11-22" && runs[i].created_at < "2026-11-25"; });
  add([](StoreQuery& q) { q.to = "2026-11-21T13"; }, [&](size_t i) { return runs[i].created_at < "2026-11-21T14"; });
  add([](StoreQuery& q) { q.family = "splitk", q.device = "GPU 1", q.passed_only = true; },
      [&](size_t i) { return runs[i].config.family == "splitk" && runs[i].device == "GPU 1" && runs[i].disposition == Disposition::Passed; });
  // A date range with another filter: a jump may walk the other filter's index and sort (page()).
  add([](StoreQuery& q) { q.family = "splitk", q.from = "2026-11-21", q.to = "2026-11-24"; },
      [&](size_t i) { return runs[i].config.family == "splitk" && runs[i].created_at >= "2026-11-21" && runs[i].created_at < "2026-11-25"; });
  for (const Case& c : cases) {
    std::vector<int64_t> want;
    for (size_t i = runs.size(); i-- > 0;)
      if (c.keep(i)) want.push_back(int64_t(i + 1));
    ASSERT_FALSE(want.empty());
    // With a date range, newest first is by created_at, then id.
    if (!c.q.from.empty() || !c.q.to.empty())
      std::stable_sort(want.begin(), want.end(), [&](int64_t a, int64_t b) { return runs[size_t(a - 1)].created_at > runs[size_t(b - 1)].created_at; });
    StoreQuery q = c.q;
    EXPECT_EQ(store.count(q), int64_t(want.size())) << store.query_plan(q);
    q.newest_first = true;
    q.limit = 4;
    // Offset paging and keyset paging walk the same rows.
    std::vector<int64_t> by_offset, by_key;
    for (q.offset = 0; q.offset < int64_t(want.size()); q.offset += 4)
      for (const RunRow& r : store.page(q)) by_offset.push_back(r.id);
    q.offset = 0;
    for (;;) {
      const auto rows = store.page(q);
      if (rows.empty()) break;
      for (const RunRow& r : rows) by_key.push_back(r.id);
      q.after = rows.back().id;
    }
    EXPECT_EQ(by_offset, want) << store.query_plan(c.q);
    EXPECT_EQ(by_key, want);
    // A jump to any row (a page need not start on a multiple of the limit), and past the end.
    for (int64_t at : {int64_t(1), int64_t(want.size()) / 2, int64_t(want.size()) - 1}) {
      q.after.reset();
      q.offset = at;
      const auto rows = store.page(q);
      ASSERT_FALSE(rows.empty()) << at;
      EXPECT_EQ(rows.front().id, want[size_t(at)]) << "offset " << at;
    }
    q.offset = int64_t(want.size());
    EXPECT_TRUE(store.page(q).empty());
  }
  // A row carries the run's own figures.
  StoreQuery one;
  one.limit = 1;
  one.offset = 5;
  const RunRow r = store.page(one).at(0);
  EXPECT_EQ(r.id, 6);
  EXPECT_EQ(r.config_name, runs[5].config_name);
  EXPECT_EQ(r.sweep, tags[5]);
  EXPECT_EQ(r.problem, problem_name(runs[5].config.shape));
  EXPECT_EQ(r.card, runs[5].card_hash);
  EXPECT_EQ(store.page([] { StoreQuery q; q.card = "card-a"; q.limit = 1; return q; }()).at(0).disposition, Disposition::LaunchError);
  EXPECT_DOUBLE_EQ(r.ms_median, runs[5].ms_median);
  EXPECT_EQ(r.allclose, std::optional<bool>(true));
  EXPECT_EQ(store.page([] { StoreQuery q; q.limit = 1; return q; }()).at(0).allclose, std::nullopt) << "run 1 was not verified";
  EXPECT_EQ(store.distinct("device"), (std::vector<std::string>{"GPU 0", "GPU 1", "GPU 2"}));
  EXPECT_EQ(store.distinct("card"), (std::vector<std::string>{"card-a", "card-b"}));
  EXPECT_THROW(store.distinct("reason"), std::invalid_argument);
  StoreQuery bad_date;
  bad_date.from = "yesterday";
  try {
    store.count(bad_date);
    FAIL() << "took a date that is not ISO-8601";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'yesterday'"), std::string::npos) << e.what();
  }
}

// Jumps keep a ladder of the view's rows (every 1000th): jumps across its rungs, in a filtered and
// a date-ordered view, land on the right row, and a run added since moves them all by one.
TEST(ResultStore, JumpsAcrossTheLadderLandOnTheirRowAndARunAddedMovesThem) {
  const auto path = fresh_path("ladder");
  ResultStore store(path);
  std::vector<RunResult> runs;
  for (int i = 0; i < 3100; ++i) {
    RunResult r = sample(i);
    if (i % 3 == 0) r.config = find_family("splitk")->defaults(problem_p6()), r.config_name = config_name(r.config);
    r.created_at = "2026-11-" + std::string(i % 2 ? "21" : "22") + "T10:00:00Z";  // ties: ordered by id
    runs.push_back(r);
  }
  for (const auto& r : runs) store.insert(r);
  // Ids newest first, per view, as the test sees them.
  auto expected = [&](const std::function<bool(size_t)>& keep, bool by_date) {
    std::vector<int64_t> ids;
    for (size_t i = runs.size(); i-- > 0;)
      if (keep(i)) ids.push_back(int64_t(i + 1));
    if (by_date)
      std::stable_sort(ids.begin(), ids.end(), [&](int64_t a, int64_t b) { return runs[size_t(a - 1)].created_at > runs[size_t(b - 1)].created_at; });
    return ids;
  };
  StoreQuery all, passed, dated, sorted;
  passed.passed_only = true;
  dated.from = "2026-11-21", dated.to = "2026-11-22", dated.family = "seed_tall_skinny";
  // Fewer runs of the family than of the dates: the jump walks the family's index and sorts.
  sorted.from = "2026-11-21", sorted.to = "2026-11-22", sorted.family = "splitk";
  for (StoreQuery* q : {&all, &passed, &dated, &sorted}) q->newest_first = true, q->limit = 3;
  const auto want_all = expected([](size_t) { return true; }, false);
  const auto want_passed = expected([&](size_t i) { return runs[i].disposition == Disposition::Passed; }, false);
  const auto want_dated = expected([&](size_t i) { return runs[i].config.family == "seed_tall_skinny"; }, true);
  const auto want_sorted = expected([&](size_t i) { return runs[i].config.family == "splitk"; }, true);
  ASSERT_GT(want_sorted.size(), 1000u);
  for (auto [q, want] : {std::pair{&all, &want_all}, std::pair{&passed, &want_passed}, std::pair{&dated, &want_dated},
                         std::pair{&sorted, &want_sorted}}) {
    // Deep first (the rungs are made on the way), then shallower ones down them, then deeper again.
    for (int64_t at : {int64_t(2999), int64_t(1), int64_t(999), int64_t(1000), int64_t(1001), int64_t(2000), int64_t(want->size()) - 1}) {
      if (at >= int64_t(want->size())) continue;
      q->offset = at;
      const auto rows = store.page(*q);
      ASSERT_FALSE(rows.empty()) << at;
      EXPECT_EQ(rows.front().id, (*want)[size_t(at)]) << "offset " << at << " of " << want->size();
    }
  }
  // A run added: it is the newest, so every row of the unfiltered view moves down one.
  RunResult newer = sample(7);
  newer.created_at = "2026-11-23T00:00:00Z";
  const int64_t id = store.insert(newer);
  all.offset = 1000;
  EXPECT_EQ(store.page(all).front().id, want_all[999]);
  all.offset = 0;
  EXPECT_EQ(store.page(all).front().id, id);
}

// A store made before the ids index gains it when opened writable (jumps in the unfiltered view
// walk it), and its pages read as before.
TEST(ResultStore, AStoreWithoutTheIdsIndexGainsItOnOpen) {
  const auto path = fresh_path("ids_index");
  { ResultStore(path).insert(sample(1)); }
  auto indexes = [&] {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name='runs_by_id'", -1, &st, nullptr);
    sqlite3_step(st);
    const int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  };
  ASSERT_EQ(indexes(), 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP INDEX runs_by_id", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ASSERT_EQ(indexes(), 0);
  ResultStore store(path);
  EXPECT_EQ(indexes(), 1);
  StoreQuery q;
  q.newest_first = true, q.limit = 10;
  EXPECT_EQ(store.page(q).size(), 1u);
}

TEST(ResultStore, EveryFilterIsAnIndexedQuery) {
  const auto path = fresh_path("plans");
  ResultStore store(path);
  store.insert(sample(1));
  for (const auto& [column, set] : std::vector<std::pair<std::string, std::function<void(StoreQuery&)>>>{
           {"family", [](StoreQuery& q) { q.family = "x"; }},
           {"problem", [](StoreQuery& q) { q.problem = "p9"; }},
           {"device", [](StoreQuery& q) { q.device = "x"; }},
           {"sweep", [](StoreQuery& q) { q.sweep = "x"; }},
           {"card", [](StoreQuery& q) { q.card = "x"; }},
           {"date", [](StoreQuery& q) { q.from = "2026-11-01", q.to = "2026-11-02"; }},
           {"passed", [](StoreQuery& q) { q.passed_only = true; }}}) {
    StoreQuery q;
    set(q);
    const std::string plan = store.query_plan(q);
    EXPECT_NE(plan.find("USING INDEX runs_by_"), std::string::npos) << column << ":\n" << plan;
  }
}
