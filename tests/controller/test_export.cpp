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
