#include <gtest/gtest.h>

#include <sstream>

#include "controller/export.h"
#include "model/kernel_family.h"
#include "model/json_codec.h"

using namespace gemmscope;

TEST(Export, CsvHasOneRowPerRunAndMetricColumnsByNcuName) {
  RunResult a, b;
  a.config = find_family("splitk")->defaults(problem_p6());
  a.config_name = config_name(a.config);
  a.disposition = Disposition::Passed;
  a.reason = "has, a comma and \"quotes\"";
  a.metrics["sm__throughput.avg.pct_of_peak_sustained_elapsed"] = {61.5, "%", "cupti"};
  b.config = find_family("cublas")->defaults(problem_p9());
  b.config_name = config_name(b.config);
  std::ostringstream out;
  write_csv(out, {a, b});
  std::istringstream in(out.str());
  std::string header, row1, row2, extra;
  std::getline(in, header), std::getline(in, row1), std::getline(in, row2);
  EXPECT_FALSE(std::getline(in, extra));
  EXPECT_NE(header.find("sm__throughput.avg.pct_of_peak_sustained_elapsed"), std::string::npos);
  EXPECT_NE(row1.find("\"has, a comma and \"\"quotes\"\"\""), std::string::npos) << row1;
  EXPECT_NE(row1.find(",two_pass,"), std::string::npos) << row1;  // the reduction column of splitk
  EXPECT_NE(row1.find(",61.5"), std::string::npos);
  EXPECT_NE(row2.find(",fp32,"), std::string::npos) << row2;
}

TEST(Export, CsvColumnsAreTheFamiliesParametersEachOnce) {
  RunResult a, b;
  a.config = find_family("seed_tall_skinny")->defaults(problem_p9());
  b.config = find_family("store_bound")->defaults(problem_p9());
  std::ostringstream out;
  write_csv(out, {a, b});
  const std::string header = out.str().substr(0, out.str().find('\n'));
  EXPECT_NE(header.find(",config,block_m,block_n,threads,thread_m,thread_n,swizzle,grid_order,disposition,"), std::string::npos)
      << header;
  EXPECT_EQ(header.find("split_k"), std::string::npos) << "no column for a parameter neither family has";
}

// A pool's runs say which GPU measured them, in two columns at the end; runs that do not say (as
// every run before pools) keep the columns they had, byte for byte.
TEST(Export, CsvNamesEachRunsGpuOfAPoolInTheLastColumns) {
  RunResult a, b;
  a.config = find_family("seed_tall_skinny")->defaults(problem_p9());
  a.config_name = config_name(a.config);
  a.metrics["sm__throughput.avg.pct_of_peak_sustained_elapsed"] = {61.5, "%", "cupti"};
  b = a;
  std::ostringstream before;
  write_csv(before, {a, b});
  EXPECT_EQ(before.str().find("device_index"), std::string::npos) << "no device columns when no run names its GPU";
  a.device_index = 2, a.device_uuid = "GPU-1a2b3c4d-5e6f";
  std::ostringstream out;
  write_csv(out, {a, b});
  std::istringstream in(out.str()), old(before.str());
  std::string header, row1, row2, old_header, old_row1, old_row2;
  std::getline(in, header), std::getline(in, row1), std::getline(in, row2);
  std::getline(old, old_header), std::getline(old, old_row1), std::getline(old, old_row2);
  EXPECT_EQ(header, old_header + ",device_index,device_uuid");
  EXPECT_EQ(row1, old_row1 + ",2,GPU-1a2b3c4d-5e6f");
  EXPECT_EQ(row2, old_row2 + ",,") << "a run that does not say leaves them empty";
}

TEST(Export, JsonReadsBackAsResults) {
  RunResult a;
  a.config = find_family("seed_tiled")->defaults(problem_p6());
  a.ms_median = 3.25;
  std::ostringstream out;
  write_json(out, {a, a});
  const auto j = nlohmann::json::parse(out.str());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_DOUBLE_EQ(result_from_json(j[1]).ms_median, 3.25);
}

TEST(Export, RefusesAnUnknownExtension) { EXPECT_THROW(export_results("/tmp/x.txt", {}), std::invalid_argument); }

// [SECTION] Streaming from the store
#include <fstream>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "controller/result_store.h"
#include "tests/support/fake_runner.h"

namespace {
RunResult stored_run(const std::string& family, const ProblemShape& shape, double ms, const std::string& metric) {
  RunResult r;
  r.config = find_family(family)->defaults(shape);
  r.config_name = config_name(r.config);
  r.disposition = Disposition::Passed;
  r.reps = 5;
  r.ms_median = ms;
  r.metrics[metric] = {ms * 10, "%", "cupti"};
  return r;
}
std::string slurp(const std::string& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

TEST(Export, StoreExportsStreamRowByRowWithTheQuerysColumns) {
  const std::string db = gemmscope::testing::temp_path("export_stream", ".sqlite");
  {
    ResultStore store(db);
    for (int i = 0; i < 50; ++i) store.insert(stored_run("store_bound", problem_p9(), 1.0 + i, "lts__t_sector_hit_rate.pct"), "a");
    for (int i = 0; i < 30; ++i) store.insert(stored_run("splitk", problem_p6(), 2.0 + i, "dram__bytes_read.sum"), "b");
  }
  ResultStore store(db);
  std::vector<std::string> bad;
  StoreQuery only_b;
  only_b.sweep = "b";
  const std::string csv = gemmscope::testing::temp_path("export_stream", ".csv");
  EXPECT_EQ(export_store(store, only_b, csv, bad), 30u);
  const std::string text = slurp(csv);
  EXPECT_NE(text.find("dram__bytes_read.sum"), std::string::npos);
  EXPECT_EQ(text.find("lts__t_sector_hit_rate.pct"), std::string::npos) << "only the query's metrics are columns";
  EXPECT_NE(text.find(",split_k,"), std::string::npos) << "the splitk family's parameters are columns";
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 31);

  const std::string json = gemmscope::testing::temp_path("export_stream", ".json");
  EXPECT_EQ(export_store(store, {}, json, bad, [](const RunResult& r, nlohmann::json& j) { j["annotated"] = r.id; }), 80u);
  const auto j = nlohmann::json::parse(slurp(json));
  ASSERT_EQ(j.size(), 80u);
  EXPECT_EQ(j[79]["annotated"], 80);
  EXPECT_EQ(result_from_json(j[0]).config_name, stored_run("store_bound", problem_p9(), 1, "x").config_name);
  EXPECT_TRUE(bad.empty());

  StoreQuery none;
  none.sweep = "nothing";
  EXPECT_EQ(export_store(store, none, json, bad), 0u);
  EXPECT_EQ(nlohmann::json::parse(slurp(json)).size(), 0u);
  EXPECT_THROW(export_store(store, {}, "/tmp/x.txt", bad), std::invalid_argument);
}

TEST(Export, AStoreCsvFromColumnsIsTheCsvOfTheWholeRuns) {
  const std::string db = gemmscope::testing::temp_path("export_columns", ".sqlite");
  {
    ResultStore store(db);
    for (int i = 0; i < 20; ++i) {
      RunResult r = stored_run(i % 2 ? "splitk" : "store_bound", i % 3 ? problem_p9() : problem_p6(), 1.0 + i, "dram__bytes_read.sum");
      r.reason = i % 4 ? "" : "a, reason";
      r.verify.checked = i % 5 != 0;
      r.verify.nonfinite = i % 7 == 0;
      r.registers = 32 + i, r.grid_size = 132 * i, r.occupancy_theoretical = 0.125 * (i % 8);
      r.launched_kernel = "not in the CSV";
      store.insert(r, "t");
    }
  }
  ResultStore store(db);
  std::vector<std::string> bad;
  const std::string csv = gemmscope::testing::temp_path("export_columns", ".csv");
  EXPECT_EQ(export_store(store, {}, csv, bad), 20u);
  EXPECT_TRUE(bad.empty());
  std::ostringstream whole;
  CsvRunWriter w(whole, csv_columns(store.families({}), store.metric_names({})));
  for (const RunResult& r : store.query().runs) w.row(r);
  EXPECT_EQ(slurp(csv), whole.str());
}

TEST(Export, AStoreCsvNamesARunWhoseCompressedPartIsDamaged) {
  const std::string db = gemmscope::testing::temp_path("export_damaged", ".sqlite");
  {
    ResultStore store(db);
    for (int i = 0; i < 3; ++i) store.insert(stored_run("splitk", problem_p6(), 1.0 + i, "dram__bytes_read.sum"));
  }
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  // The CSV does not inflate the cold part; its CRC still finds the flipped byte.
  ASSERT_EQ(sqlite3_exec(h, "UPDATE runs SET result_json = CAST(substr(result_json, 1, 11) || x'ff' || substr(result_json, 13) AS BLOB) WHERE id=2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  ResultStore store(db);
  std::vector<std::string> bad;
  const std::string csv = gemmscope::testing::temp_path("export_damaged", ".csv");
  EXPECT_EQ(export_store(store, {}, csv, bad), 2u);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].rfind("run 2: ", 0), 0u) << bad[0];
  EXPECT_NE(bad[0].find("CRC"), std::string::npos) << bad[0];
}
