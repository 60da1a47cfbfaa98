// A stored run's JSON text made without a JSON tree (controller/run_json.h) is, byte for byte, what
// to_json(run).dump(2) writes, for every field a run has and numbers of every size; the export built
// from it reads back with another tool's JSON reader.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "controller/export.h"
#include "controller/result_store.h"
#include "controller/run_json.h"
#include "model/json_codec.h"
#include "model/kernel_family.h"
#include "tests/support/fake_runner.h"

using namespace gemmscope;

namespace {

// Every field set, strings that need escapes, a timeline, metrics and an enum parameter.
RunResult full_run() {
  RunResult r;
  r.config = find_family("splitk")->defaults(problem_p6());
  r.config_name = config_name(r.config);
  r.device = "NVIDIA H200";
  r.arch = "sm_90";
  r.device_index = 2;
  r.device_uuid = "GPU-12345678-aaaa-bbbb-cccc-1234567890ab";
  r.disposition = Disposition::Incorrect;
  r.reason = "error 3.2e-03 > bound\n\ttab \"quoted\" back\\slash \x01 caf\xc3\xa9";
  r.ms_median = 1.0 / 3, r.ms_min = 1e-7, r.ms_max = 123456789012345678.0;
  r.reps = 20;
  r.l2_flushed = false;
  r.tflops = 0.1, r.gbps = 1e300;
  r.verify = {true, 3.2e-3, -0.5, 17, 2, 1e-4, 1e-4};
  r.registers = 128, r.static_smem = 16384, r.dynamic_smem = 98304, r.local_bytes = 8;
  r.grid_size = 132, r.block_size = 256;
  r.occupancy_blocks_per_sm = 2, r.occupancy_theoretical = 0.25, r.occupancy_blocks_per_sm_driver = 2;
  r.registers_driver = 128, r.static_smem_driver = 16384, r.smem_config_bytes = 233472;
  r.launched_kernel = "gemm_splitk<128, 64>";
  r.compile_ms = 812.5, r.jit_cache_hit = true;
  r.metrics["sm__throughput.avg.pct_of_peak_sustained_elapsed"] = {61.5, "%", "cupti"};
  r.metrics["dram__bytes_read.sum"] = {4.25e8, "byte", "cupti"};
  r.metrics["launch__grid_size"] = {132, "", "launch"};
  r.metrics_note = "seed set: 8 replay passes";
  r.timeline.t_us = {0.5, 1.5, 2.5};
  r.timeline.interval_us = 1;
  r.timeline.note = "sampled";
  r.timeline.curves = {{"SM busy", "sm__cycles_active.avg", {10, 95.5, 3}}, {"DRAM", "dram__bytes.sum", {0, 50, 0}}};
  r.created_at = "2026-12-02T05:00:00Z";
  r.commit = "abc1234\t\"dirty\" \\ \x01\x1f\b\f\r";  // escapes in plain ASCII (the reason has UTF-8 too)
  r.card_hash = "f00d";
  r.seed = 42;
  return r;
}

// The stored runs as scan_json writes them, in id order.
std::vector<std::string> stored_texts(const ResultStore& store, std::vector<std::string>& bad_rows) {
  std::vector<std::string> texts;
  store.scan_json({}, [&](const std::string& t) { texts.push_back(t); }, bad_rows);
  return texts;
}

}  // namespace

TEST(RunJson, AStoredRunIsWrittenAsToJsonDumpsIt) {
  ResultStore store(gemmscope::testing::temp_path("run_json_full", ".sqlite"));
  RunResult full = full_run();
  RunResult bare;  // defaults everywhere: no metrics, no timeline, no parameters
  full.id = store.insert(full, "tag");
  bare.id = store.insert(bare);
  std::vector<std::string> bad;
  const auto texts = stored_texts(store, bad);
  EXPECT_TRUE(bad.empty()) << bad.front();
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0], to_json(full).dump(2));
  EXPECT_EQ(texts[1], to_json(bare).dump(2));
}

TEST(RunJson, NumbersOfEverySizeAreWrittenAsNlohmannWritesThem) {
  ResultStore store(gemmscope::testing::temp_path("run_json_numbers", ".sqlite"));
  std::mt19937_64 rng(16);
  std::vector<RunResult> runs;
  for (int i = 0; i < 300; ++i) {
    RunResult r = full_run();
    // Doubles from 1e-30 to 1e30, integers to 2^40, signs both ways.
    auto any = [&] { return std::ldexp(double(rng() >> 11) / double(1ull << 53), int(rng() % 200) - 100) * (rng() % 2 ? 1 : -1); };
    r.ms_median = any(), r.ms_min = any(), r.ms_max = any(), r.tflops = any(), r.gbps = any();
    r.verify.rel_fro_error = any(), r.verify.max_abs_error = any(), r.occupancy_theoretical = any();
    r.metrics["dram__bytes_read.sum"].value = any();
    r.grid_size = int64_t(rng() % (1ull << 40));
    r.compile_ms = any();
    r.timeline.t_us = {any(), any(), any()};
    r.config.set("split_k", int(rng() % 1024) + 1);
    r.config_name = config_name(r.config);
    r.id = store.insert(r);
    runs.push_back(r);
  }
  std::vector<std::string> bad;
  const auto texts = stored_texts(store, bad);
  ASSERT_EQ(texts.size(), runs.size());
  for (size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(texts[i], to_json(runs[i]).dump(2)) << "run " << i;
}

TEST(RunJson, TheExportIsOneJsonArrayAnotherReaderReads) {
  ResultStore store(gemmscope::testing::temp_path("run_json_export", ".sqlite"));
  for (int i = 0; i < 5; ++i) store.insert(full_run());
  const std::string path = gemmscope::testing::temp_path("run_json_export", ".json");
  std::vector<std::string> bad;
  EXPECT_EQ(export_store(store, {}, path, bad), 5u);
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j.size(), 5u);
  EXPECT_EQ(result_from_json(j[4]).reason, full_run().reason);
  if (std::system("python3 -c '' 2>/dev/null") != 0) GTEST_SKIP() << "python3 is not here to read it";
  const std::string check = "python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if len(d) == 5 and "
                            "d[0][\"verify\"][\"mismatches\"] == 17 and d[0][\"timeline\"][\"curves\"][0][\"pct\"][1] == 95.5 else 1)' " +
                            path;
  EXPECT_EQ(std::system(check.c_str()), 0) << "python's json module reads the export";
}

TEST(RunJson, ARunThatIsNotUtf8IsNamedAndTheRestAreWritten) {
  ResultStore store(gemmscope::testing::temp_path("run_json_utf8", ".sqlite"));
  RunResult bad_text = full_run();
  bad_text.reason = "log \xff\xfe";
  const int64_t bad_id = store.insert(bad_text);
  store.insert(full_run());
  std::vector<std::string> bad;
  const auto texts = stored_texts(store, bad);
  EXPECT_EQ(texts.size(), 1u);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("run " + std::to_string(bad_id)), std::string::npos) << bad[0];
  EXPECT_THROW((void)to_json(bad_text).dump(2), nlohmann::json::type_error) << "as nlohmann refuses it";
}

TEST(RunJson, AColdPartItCannotMergeIsLeftToTheCaller) {
  std::string out = "kept";
  EXPECT_FALSE(append_stored_run_json(out, RunResult{}, R"({"we\"ird":1})"));
  EXPECT_FALSE(append_stored_run_json(out, RunResult{}, "[1,2]"));
  EXPECT_EQ(out, "kept");
}
