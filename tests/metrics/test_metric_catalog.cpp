// The metric catalogue: sets resolve, entries are complete, counters are separated from launch and
// derived metrics, and the roofline figures follow from counters.
#include "model/metric_catalog.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace gemmscope {
namespace {

constexpr const char* kFfma = "sm__sass_thread_inst_executed_op_ffma_pred_on.sum";
constexpr const char* kFadd = "sm__sass_thread_inst_executed_op_fadd_pred_on.sum";
constexpr const char* kFmul = "sm__sass_thread_inst_executed_op_fmul_pred_on.sum";
constexpr const char* kTf32 = "sm__ops_path_tensor_src_tf32_dst_fp32.sum";

TEST(MetricCatalog, NamesAreUniqueAndEntriesComplete) {
  std::set<std::string> names;
  for (const MetricInfo& m : metric_catalog()) {
    EXPECT_TRUE(names.insert(m.name).second) << "duplicate " << m.name;
    EXPECT_FALSE(m.label.empty()) << m.name;
    EXPECT_FALSE(m.unit.empty()) << m.name;
    EXPECT_FALSE(m.description.empty()) << m.name;
    if (m.pct_of_peak) {
      EXPECT_EQ(m.unit, "%") << m.name;
    }
    if (m.source == MetricSource::Derived) {
      EXPECT_EQ(m.name.rfind("gemmscope__", 0), 0u) << m.name;
      ASSERT_FALSE(m.inputs.empty()) << m.name;
      for (const std::string& in : m.inputs) {
        const MetricInfo* input = find_metric(in);
        ASSERT_NE(input, nullptr) << m.name << " input " << in;
        EXPECT_EQ(input->source, MetricSource::Counter) << m.name << " input " << in;
      }
    } else {
      EXPECT_TRUE(m.inputs.empty()) << m.name;
    }
    if (m.name.rfind("launch__", 0) == 0) {
      EXPECT_EQ(m.source, MetricSource::Launch) << m.name;
    }
  }
}

TEST(MetricCatalog, FindsByExactName) {
  const MetricInfo* m = find_metric("dram__bytes_write.sum");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->unit, "byte");
  EXPECT_EQ(m->source, MetricSource::Counter);
  EXPECT_EQ(find_metric("dram__bytes_write"), nullptr);
  EXPECT_EQ(find_metric(""), nullptr);

  const MetricInfo* grid = find_metric("launch__grid_size");
  ASSERT_NE(grid, nullptr);
  EXPECT_EQ(grid->source, MetricSource::Launch);  // CUPTI refuses it: it comes from the launch record
  EXPECT_EQ(grid->unit, "block");

  const MetricInfo* theoretical = find_metric("sm__maximum_warps_per_active_cycle_pct");
  ASSERT_NE(theoretical, nullptr);
  EXPECT_EQ(theoretical->source, MetricSource::Launch);
  EXPECT_TRUE(theoretical->pct_of_peak);
  EXPECT_EQ(find_metric("launch__registers_per_thread")->unit, "register/thread");
  EXPECT_EQ(find_metric("launch__shared_mem_per_block_static")->unit, "byte/block");
  EXPECT_EQ(find_metric("gpu__time_duration.sum")->unit, "ns");
  EXPECT_FALSE(find_metric("lts__t_sector_hit_rate.pct")->pct_of_peak);  // a percentage, not of a peak
}

TEST(MetricCatalog, EverySetResolvesToCatalogMetrics) {
  const std::vector<std::string> names = metric_set_names();
  EXPECT_EQ(names, (std::vector<std::string>{"seed", "roofline", "occupancy", "live", "all"}));
  for (const std::string& set : names) {
    const std::vector<std::string> metrics = metric_set(set);
    EXPECT_FALSE(metrics.empty()) << set;
    std::set<std::string> unique(metrics.begin(), metrics.end());
    EXPECT_EQ(unique.size(), metrics.size()) << set << " repeats a metric";
    for (const std::string& m : metrics) EXPECT_NE(find_metric(m), nullptr) << set << ": " << m;
  }
}

TEST(MetricCatalog, SeedSetIsTheBriefs) {
  EXPECT_EQ(metric_set("seed"),
            (std::vector<std::string>{"sm__throughput.avg.pct_of_peak_sustained_elapsed", "launch__grid_size",
                                      "sm__warps_active.avg.pct_of_peak_sustained_active",
                                      "dram__throughput.avg.pct_of_peak_sustained_elapsed",
                                      "lts__t_sector_hit_rate.pct"}));
}

TEST(MetricCatalog, AllIsTheUnionOfTheOthers) {
  std::set<std::string> all_expected;
  for (const std::string& set : metric_set_names())
    if (set != "all")
      for (const std::string& m : metric_set(set)) all_expected.insert(m);
  const std::vector<std::string> all = metric_set("all");
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), all_expected);
  EXPECT_EQ(all.size(), all_expected.size());
}

TEST(MetricCatalog, AListOfNamesIsASetAsNcuTakesIt) {
  EXPECT_EQ(metric_set("dram__bytes_read.sum,launch__grid_size,dram__bytes_read.sum"),
            (std::vector<std::string>{"dram__bytes_read.sum", "launch__grid_size"}));
  EXPECT_EQ(metric_set("dram__sectors_read.sum"), (std::vector<std::string>{"dram__sectors_read.sum"}));
  for (const char* bad : {"dram__bytes_read.sum,", "dram__bytes_read.sum,,launch__grid_size", "dram__bytes_read.sum,seed",
                          "DRAM__bytes_read.sum"}) {
    try {
      metric_set(bad);
      FAIL() << bad << ": no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("metric name"), std::string::npos) << e.what();
    }
  }
}

TEST(MetricCatalog, UnknownSetNamesItAndTheValidOnes) {
  try {
    metric_set("rooflin");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'rooflin'"), std::string::npos) << what;
    for (const std::string& set : metric_set_names()) EXPECT_NE(what.find(set), std::string::npos) << what;
  }
}

TEST(MetricCatalog, CounterMetricsDropLaunchAndExpandDerived) {
  EXPECT_EQ(counter_metrics(metric_set("seed")),
            (std::vector<std::string>{"sm__throughput.avg.pct_of_peak_sustained_elapsed",
                                      "sm__warps_active.avg.pct_of_peak_sustained_active",
                                      "dram__throughput.avg.pct_of_peak_sustained_elapsed",
                                      "lts__t_sector_hit_rate.pct"}));
  EXPECT_EQ(counter_metrics({"gemmscope__fp32_flops", kFfma, "launch__block_size"}),
            (std::vector<std::string>{kFfma, kFadd, kFmul}));
  // Names outside the catalogue are CUPTI's to judge.
  EXPECT_EQ(counter_metrics({"l1tex__t_bytes.sum"}), (std::vector<std::string>{"l1tex__t_bytes.sum"}));
  for (const std::string& set : metric_set_names())
    for (const std::string& c : counter_metrics(metric_set(set))) {
      const MetricInfo* m = find_metric(c);
      ASSERT_NE(m, nullptr) << c;
      EXPECT_EQ(m->source, MetricSource::Counter) << set << ": " << c;
    }
  EXPECT_TRUE(counter_metrics(metric_set("occupancy")).size() == 2u);
}

TEST(MetricCatalog, RooflineFiguresFromCounters) {
  const std::map<std::string, double> c = {
      {kFfma, 1e9},       {kFadd, 2e8},
      {kFmul, 3e8},       {kTf32, 1e9},
      {"dram__bytes_read.sum", 1e8}, {"dram__bytes_write.sum", 5e7},
      {"lts__t_bytes.sum", 9e8},     {"gpu__time_duration.sum", 1e6},  // 1 ms
  };
  const RooflineFigures f = roofline_figures(c);
  EXPECT_TRUE(f.missing.empty());
  EXPECT_DOUBLE_EQ(f.fp32_flops, 2.5e9);
  EXPECT_DOUBLE_EQ(f.tensor_flops, 1e9);  // CUPTI's tensor ops are FLOPs already
  EXPECT_DOUBLE_EQ(f.flops, 3.5e9);
  EXPECT_DOUBLE_EQ(f.dram_bytes, 1.5e8);
  EXPECT_DOUBLE_EQ(f.seconds, 1e-3);
  EXPECT_DOUBLE_EQ(f.dram_intensity, 3.5e9 / 1.5e8);
  EXPECT_DOUBLE_EQ(f.l2_intensity, 3.5e9 / 9e8);
  EXPECT_DOUBLE_EQ(f.tflops, 3.5);
  EXPECT_DOUBLE_EQ(f.dram_gbps, 150.0);
}

TEST(MetricCatalog, RooflineFiguresOfTheP9SeedMeasurement) {
  // The H100 probe of the notes: P9 (32768x32 . 32x32768) made exactly M*N*K FFMAs, 4.29 GB written,
  // in 6.82 ms; no FADD/FMUL/tensor work was collected.
  const double mnk = 32768.0 * 32768.0 * 32.0;
  const std::map<std::string, double> c = {{kFfma, 34359738368.0},          {kFadd, 0}, {kFmul, 0}, {kTf32, 0},
                                           {"dram__bytes_read.sum", 0.0}, {"dram__bytes_write.sum", 4.29e9},
                                           {"gpu__time_duration.sum", 6.82e6}};
  const RooflineFigures f = roofline_figures(c);
  EXPECT_DOUBLE_EQ(f.fp32_flops, 2.0 * mnk);
  EXPECT_NEAR(f.dram_intensity, 2.0 * mnk / 4.29e9, 1e-9);
  EXPECT_NEAR(f.tflops, 2.0 * mnk / 6.82e-3 / 1e12, 1e-9);
  EXPECT_NEAR(f.dram_gbps, 4.29e9 / 6.82e-3 / 1e9, 1e-9);
  EXPECT_EQ(f.missing, std::vector<std::string>{"lts__t_bytes.sum"});
  EXPECT_EQ(f.l2_intensity, 0.0);
}

TEST(MetricCatalog, MissingCountersLeaveFiguresZero) {
  const RooflineFigures f = roofline_figures({{"dram__bytes_write.sum", 1e6}, {"gpu__time_duration.sum", 1e3}});
  EXPECT_EQ(f.flops, 0.0);
  EXPECT_EQ(f.dram_bytes, 0.0);  // the read side is missing
  EXPECT_EQ(f.tflops, 0.0);
  EXPECT_EQ(f.missing.size(), 6u);
}

TEST(MetricCatalog, AddDerivedMetricsOnlyWhereInputsExist) {
  std::map<std::string, double> v = {{kFfma, 10}, {kFadd, 1}, {kFmul, 2}, {"dram__bytes_read.sum", 4},
                                     {"dram__bytes_write.sum", 4}};
  add_derived_metrics(v);
  EXPECT_DOUBLE_EQ(v.at("gemmscope__fp32_flops"), 23);
  EXPECT_DOUBLE_EQ(v.at("gemmscope__dram_bytes"), 8);
  EXPECT_EQ(v.count("gemmscope__tensor_flops"), 0u);
  EXPECT_EQ(v.count("gemmscope__achieved_tflops"), 0u);
  EXPECT_EQ(v.count("gemmscope__dram_arithmetic_intensity"), 0u);  // needs the tensor counter too
}

}  // namespace
}  // namespace gemmscope
