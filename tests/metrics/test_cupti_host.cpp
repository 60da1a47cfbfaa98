// CUPTI's host side with no GPU: config images and pass counts for GH100 (H100) and AD102 (RTX 4090),
// and refused metrics named in the error.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/metric_catalog.h"
#include "metrics/pm_sampler.h"
#include "metrics/profiler_host.h"
#include "metrics/range_profiler.h"

namespace gemmscope {
namespace {

const std::vector<std::string> kChips = {"GH100", "AD102"};

std::string error_of(const std::string& chip, const std::vector<std::string>& metrics) {
  try {
    count_passes(chip, metrics);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST(CuptiHost, KnowsTheChipsWeTarget) {
  const std::vector<std::string> chips = supported_chips();
  for (const std::string& chip : kChips)
    EXPECT_NE(std::find(chips.begin(), chips.end(), chip), chips.end()) << chip;
}

TEST(CuptiHost, AcceptsEveryCatalogCounterOnBothChips) {
  for (const std::string& chip : kChips)
    for (const MetricInfo& m : metric_catalog())
      if (m.source == MetricSource::Counter) {
        int passes = 0;
        EXPECT_NO_THROW(passes = count_passes(chip, {m.name})) << chip << ": " << m.name;
        EXPECT_GE(passes, 1) << chip << ": " << m.name;
      }
}

// Pass counts as CUPTI 13.0 computes them (collect() adds gpu__time_duration.sum, which costs no pass).
// GH100's figures are the ones the notes measured on the device: 8 passes for sm__throughput alone,
// 9 for the eight accepted seed + roofline metrics, 1 for the live set.
TEST(CuptiHost, PassCountsOfTheSets) {
  struct Expected {
    const char* chip;
    const char* set;
    int passes;
  };
  const Expected expected[] = {
      {"GH100", "seed", 8},     {"GH100", "roofline", 3},  {"GH100", "occupancy", 1},
      {"GH100", "live", 1},     {"GH100", "all", 11},      {"AD102", "seed", 6},
      {"AD102", "roofline", 3}, {"AD102", "occupancy", 1}, {"AD102", "live", 1},
      {"AD102", "all", 9},
  };
  for (const Expected& e : expected) {
    const int passes = count_passes(e.chip, counter_metrics(metric_set(e.set)));
    std::printf("[ passes ] %s %-10s %d\n", e.chip, e.set, passes);
    EXPECT_EQ(passes, e.passes) << e.chip << " " << e.set;
  }
}

TEST(CuptiHost, PassCountsTheNotesMeasured) {
  EXPECT_EQ(count_passes("GH100", {"sm__throughput.avg.pct_of_peak_sustained_elapsed"}), 8);
  const std::vector<std::string> notes_eight = {
      "sm__throughput.avg.pct_of_peak_sustained_elapsed", "sm__warps_active.avg.pct_of_peak_sustained_active",
      "dram__throughput.avg.pct_of_peak_sustained_elapsed", "lts__t_sector_hit_rate.pct", "gpu__time_duration.sum",
      "dram__bytes_read.sum", "dram__bytes_write.sum", "sm__sass_thread_inst_executed_op_ffma_pred_on.sum"};
  EXPECT_EQ(count_passes("GH100", notes_eight), 9);
  EXPECT_EQ(count_passes("GH100", {}), 1);  // gpu__time_duration.sum alone
}

TEST(CuptiHost, MisspeltMetricIsRefusedByName) {
  for (const std::string& chip : kChips) {
    const std::string what = error_of(chip, {"dram__bytes_write.sum", "dram__bytes_writen.sum"});
    EXPECT_NE(what.find("dram__bytes_writen.sum"), std::string::npos) << what;
    EXPECT_NE(what.find("no metric 'dram__bytes_writen'"), std::string::npos) << what;
    EXPECT_EQ(what.find("dram__bytes_write.sum:"), std::string::npos) << "the good one is blamed too: " << what;
  }
}

TEST(CuptiHost, BadRollupIsRefusedByName) {
  const std::string what = error_of("GH100", {"dram__bytes_write.summ"});
  EXPECT_NE(what.find("dram__bytes_write.summ"), std::string::npos) << what;
  EXPECT_NE(what.find("rollup"), std::string::npos) << what;
}

TEST(CuptiHost, LaunchAndDerivedMetricsAreRefusedWithTheReason) {
  std::string what = error_of("GH100", {"launch__grid_size"});
  EXPECT_NE(what.find("launch__grid_size"), std::string::npos) << what;
  EXPECT_NE(what.find("launch attribute"), std::string::npos) << what;
  what = error_of("GH100", {"gemmscope__fp32_flops"});
  EXPECT_NE(what.find("gemmscope__fp32_flops"), std::string::npos) << what;
}

TEST(CuptiHost, TensorMetricNamesDifferByChip) {
  // sm__inst_executed_pipe_tensor_v2 exists on Ada only; FP16 tensor ops are named differently.
  EXPECT_EQ(count_passes("AD102", {"sm__inst_executed_pipe_tensor_v2.sum"}), 1);
  EXPECT_NE(error_of("GH100", {"sm__inst_executed_pipe_tensor_v2.sum"}).find("no metric"), std::string::npos);
  EXPECT_GE(count_passes("GH100", {"sm__ops_path_tensor_src_fp16.sum"}), 1);
  EXPECT_GE(count_passes("AD102", {"sm__ops_path_tensor_src_fp16_dst_fp32.sum"}), 1);
  EXPECT_GE(count_passes("GH100", {"sm__inst_executed_pipe_tensor_op_gmma.sum"}), 1);  // wgmma, Hopper only
}

// PM sampling (metrics/pm_sampler.h) takes one-pass sets only, and fewer metrics exist for it.
TEST(CuptiHost, DramSamplingSetIsOnePassForPmSampling) {
  for (const std::string& chip : kChips) {
    const HostConfig config(chip, nullptr, dram_sampling_metrics(), CUPTI_PROFILER_TYPE_PM_SAMPLING);
    EXPECT_EQ(config.passes, 1) << chip;
  }
  EXPECT_EQ(dram_sampling_metrics().at(kDramSamplingActivity), "sm__cycles_active.avg");
  try {
    HostConfig("GH100", nullptr, {"lts__t_sectors_op_read.sum"}, CUPTI_PROFILER_TYPE_PM_SAMPLING);
    ADD_FAILURE() << "lts__t_sectors_op_read.sum was accepted for PM sampling on GH100";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("for PM sampling"), std::string::npos) << e.what();
  }
  EXPECT_EQ(HostConfig("GH100", nullptr, {"lts__t_sectors_op_read.sum"}, CUPTI_PROFILER_TYPE_RANGE_PROFILER).passes, 1);
}

TEST(CuptiHost, UnknownChipIsNamed) {
  const std::string what = error_of("GX999", {"dram__bytes_write.sum"});
  EXPECT_NE(what.find("GX999"), std::string::npos) << what;
  EXPECT_NE(what.find("GH100"), std::string::npos) << "the known chips are listed: " << what;
}

}  // namespace
}  // namespace gemmscope
