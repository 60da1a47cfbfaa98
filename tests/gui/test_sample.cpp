// The sample a machine without a GPU opens (assets/sample): its manifest names files that exist,
// its runs import into a fresh store with both seed problems, the seed counters and the GPU they
// ran on, and a broken manifest says which file is missing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "app/gui/sample.h"
#include "controller/result_store.h"
#include "model/kernel_family.h"
#include "tests/support/fake_runner.h"

using namespace gemmscope;
using namespace gemmscope::testing;

TEST(Sample, ImportsDeviceMeasuredRunsOfBothSeedProblemsWithCounters) {
  const Sample sample = load_sample(default_sample_path());
  EXPECT_EQ(sample.results.size(), 2u);
  EXPECT_FALSE(sample.cards.empty());
  const std::string store_path = temp_path("sample", ".sqlite");
  const int n = import_sample(sample, store_path);
  EXPECT_EQ(n, 159);

  ResultStore store(store_path);
  const QueryResult q = store.query();
  EXPECT_TRUE(q.bad_rows.empty()) << q.bad_rows.front();
  ASSERT_EQ(int(q.runs.size()), n);
  std::set<std::string> problems, devices;
  int with_seed_counters = 0;
  for (const auto& r : q.runs) {
    problems.insert(problem_name(r.config.shape));
    if (r.ms_median > 0) devices.insert(r.device);  // invalid points never ran anywhere
    if (r.metrics.count("sm__throughput.avg.pct_of_peak_sustained_elapsed") && r.metrics.count("lts__t_sector_hit_rate.pct"))
      ++with_seed_counters;
  }
  EXPECT_TRUE(problems.count("p9") && problems.count("p6"));
  EXPECT_EQ(devices, std::set<std::string>{"NVIDIA H200"}) << "measured on the device, not here";
  EXPECT_GE(with_seed_counters, 4) << "the seed baselines carry the seed counters";

  const auto specs = store.device_specs();
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_GT(specs[0].measured.dram_write_gbps, 0) << "the H200's measured ceilings come with it";

  // A second import starts afresh rather than doubling the runs.
  EXPECT_EQ(import_sample(sample, store_path), n);
  EXPECT_EQ(int(ResultStore(store_path).query().runs.size()), n);
}

TEST(Sample, AManifestNamingAMissingFileSaysWhich) {
  const std::string dir = temp_path("sample_dir", "");
  std::filesystem::create_directories(dir);
  const std::string manifest = dir + "/sample.json";
  std::ofstream(manifest) << R"({"results": ["gone.json"], "spec": "spec.json", "cards": []})";
  try {
    load_sample(manifest);
    FAIL() << "a missing results file was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("gone.json"), std::string::npos) << e.what();
  }
  std::ofstream(manifest) << "{not json";
  EXPECT_THROW(load_sample(manifest), std::invalid_argument);
  std::filesystem::remove_all(dir);
}
