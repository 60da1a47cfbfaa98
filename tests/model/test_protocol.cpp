#include <gtest/gtest.h>

#include "model/kernel_family.h"
#include "model/protocol.h"

using namespace gemmscope;

TEST(Protocol, ConfigRoundTrips) {
  KernelConfig c = find_family("splitk")->defaults(parse_problem("300x200x5000:CR"));
  c.reduction = Reduction::Atomic;
  c.precision = Precision::TF32x3;
  EXPECT_EQ(config_from_json(nlohmann::json::parse(to_json(c).dump())), c);
}

TEST(Protocol, ResultRoundTripsWithMetrics) {
  RunResult r;
  r.config = find_family("seed_tiled")->defaults(problem_p6());
  r.config_name = r.config.name();
  r.disposition = Disposition::Incorrect;
  r.reason = "relative error 0.1 exceeds";
  r.ms_median = 1.25;
  r.verify.checked = true;
  r.verify.rel_fro_error = 3e-7;
  r.verify.mismatches = 12;
  r.metrics["launch__grid_size"] = {4, "block", "launch"};
  r.smem_config_bytes = 135168;
  r.launched_kernel = "tiled_gemm";
  const RunResult back = result_from_json(nlohmann::json::parse(to_json(r).dump()));
  EXPECT_EQ(back.config, r.config);
  EXPECT_EQ(back.disposition, Disposition::Incorrect);
  EXPECT_EQ(back.reason, r.reason);
  EXPECT_DOUBLE_EQ(back.ms_median, 1.25);
  EXPECT_EQ(back.verify.mismatches, 12);
  EXPECT_FALSE(back.verify.allclose());
  ASSERT_EQ(back.metrics.count("launch__grid_size"), 1u);
  EXPECT_EQ(back.metrics.at("launch__grid_size").source, "launch");
  EXPECT_EQ(back.smem_config_bytes, 135168);
  EXPECT_EQ(back.launched_kernel, "tiled_gemm");
}

TEST(Protocol, RequestsParseAndBadFieldsAreNamed) {
  const Request r = request_from_json(nlohmann::json::parse(
      R"({"id":7,"op":"run","config":{"shape":"p9","family":"seed_tall_skinny","block_m":64},"options":{"reps":5}})"));
  EXPECT_EQ(r.id, 7);
  EXPECT_EQ(r.config.shape, problem_p9());
  EXPECT_EQ(r.config.block_m, 64);
  EXPECT_EQ(r.options.reps, 5);
  try {
    request_from_json(nlohmann::json::parse(R"({"id":1,"op":"run","config":{"block_m":"big"}})"));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("block_m"), std::string::npos);
  }
  EXPECT_THROW(request_from_json(nlohmann::json::parse(R"({"id":1,"op":"run","config":{},"options":{"reps":0}})")),
               std::invalid_argument);
  EXPECT_THROW(request_from_json(nlohmann::json::parse(R"({"id":1})")), std::invalid_argument);
  EXPECT_THROW(options_from_json(nlohmann::json::parse(R"({"fault_injection":"boom"})")), std::invalid_argument);
}

TEST(Protocol, SpecRoundTrips) {
  const GpuSpec s = *find_spec(load_gpu_specs(default_gpu_spec_dir()), "rtx4090");
  const GpuSpec back = spec_from_json(to_json(s), "rtx4090");
  EXPECT_EQ(back.name, s.name);
  EXPECT_EQ(back.arch(), "sm_89");
  EXPECT_EQ(back.max_smem_per_block, s.max_smem_per_block);
  EXPECT_DOUBLE_EQ(back.tf32_tflops, s.tf32_tflops);
}
