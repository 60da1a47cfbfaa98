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
