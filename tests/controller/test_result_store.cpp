#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

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
  r.config.block_m = 16 << (i % 4);
  r.config_name = r.config.name();
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
  EXPECT_EQ(store.query().size(), 6u);
  StoreQuery q;
  q.sweep = "sweepB";
  const auto b = store.query(q);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_DOUBLE_EQ(b[0].ms_median, 4.0);
  EXPECT_DOUBLE_EQ(b[0].metrics.at("dram__bytes_write.sum").value, 4.29e9 + 3);
  q.passed_only = true;
  EXPECT_EQ(store.query(q).size(), 2u);  // run 3 failed
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
  EXPECT_EQ(store.query().size(), 5u);
}
