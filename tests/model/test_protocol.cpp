#include <gtest/gtest.h>

#include "model/kernel_family.h"
#include "model/protocol.h"

using namespace gemmscope;
using nlohmann::json;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
Reply round_trip(const Reply& r, const std::string& op) { return reply_from_json(json::parse(to_json(r).dump()), op); }
}  // namespace

TEST(Protocol, ConfigRoundTrips) {
  KernelConfig c = make_config(parse_problem("300x200x5000:CR"), "tc_splitk", {{"reduction", "two_pass"}, {"precision", "tf32"}});
  const json j = to_json(c);
  EXPECT_EQ(j["params"]["reduction"], "two_pass") << "enum values travel by name";
  EXPECT_EQ(j["params"]["block_k"], 32);
  EXPECT_EQ(config_from_json(json::parse(j.dump())), c);
}

TEST(Protocol, TheFlatFormOfOlderStoresStillReads) {
  // What the landed build stored: every field flat, the family's own among them.
  const json old = json::parse(R"({"shape":{"m":32768,"n":32768,"k":32,"a_layout":"row","b_layout":"row"},"family":"store_bound",
    "block_m":64,"block_n":512,"block_k":32,"threads":512,"thread_m":8,"thread_n":8,"stages":1,"split_k":1,"reduction":"none",
    "swizzle":1,"grid_order":"col","precision":"fp32"})");
  const KernelConfig c = config_from_json(old);
  EXPECT_EQ(config_name(c), "store_bound_64x512_r8x8_sw1_gcol@p9");
  EXPECT_FALSE(c.params.has("split_k")) << "fields the family does not read are not taken";
}

TEST(Protocol, ResultRoundTripsWithMetrics) {
  RunResult r;
  r.config = find_family("seed_tiled")->defaults(problem_p6());
  r.config_name = config_name(r.config);
  r.disposition = Disposition::Incorrect;
  r.reason = "relative error 0.1 exceeds";
  r.ms_median = 1.25;
  r.verify.checked = true;
  r.verify.rel_fro_error = 3e-7;
  r.verify.mismatches = 12;
  r.metrics["launch__grid_size"] = {4, "block", "launch"};
  r.smem_config_bytes = 135168;
  r.launched_kernel = "tiled_gemm";
  const RunResult back = result_from_json(json::parse(to_json(r).dump()));
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
  const Request r = request_from_json(json::parse(
      R"({"id":7,"op":"run","config":{"shape":"p9","family":"seed_tall_skinny","params":{"block_m":64,"block_n":64,"threads":128}},"options":{"reps":5}})"));
  EXPECT_EQ(r.id, 7);
  EXPECT_EQ(r.config.shape, problem_p9());
  EXPECT_EQ(r.config.get("block_m"), 64);
  EXPECT_EQ(r.options.reps, 5);
  auto error_of = [](const char* text) -> std::string {
    try {
      request_from_json(json::parse(text));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of(R"({"id":1,"op":"run","config":{"family":"seed_tall_skinny","params":{"block_m":"big"}}})").find("block_m"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"id":1,"op":"run","config":{"block_m":64}})").find("no 'family'"), std::string::npos);
  EXPECT_NE(error_of(R"({"id":1,"op":"run","config":{},"options":{"reps":0}})").find("reps=0"), std::string::npos);
  EXPECT_NE(error_of(R"({"id":1,"op":"run","config":{},"options":{"metrics":"sead"}})").find("unknown metric set 'sead'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"id":1})").find("'op'"), std::string::npos);
  EXPECT_NE(error_of(R"({"id":"one","op":"hello"})").find("'id'"), std::string::npos);
  EXPECT_THROW(options_from_json(json::parse(R"({"fault_injection":"boom"})")), std::invalid_argument);
}

TEST(Protocol, EveryReplyRoundTrips) {
  HelloReply h;
  h.runner_kind = "replay";
  h.build = "abc123";
  h.spec = spec("h200");
  h.cuda_driver = "13.0";
  h.extra = {{"replay_file", "x.json"}};
  const Reply hello = round_trip({5, false, h}, "hello");
  EXPECT_EQ(hello.id, 5);
  const auto& hb = std::get<HelloReply>(hello.body);
  EXPECT_EQ(hb.runner_kind, "replay");
  EXPECT_EQ(hb.protocol, kProtocolVersion);
  EXPECT_EQ(hb.build, "abc123");
  EXPECT_EQ(hb.spec.name, spec("h200").name);
  EXPECT_EQ(hb.extra["replay_file"], "x.json");

  RunResult r;
  r.config = find_family("seed_tall_skinny")->defaults(problem_p9());
  r.disposition = Disposition::Passed;
  r.ms_median = 2;
  const Reply run = round_trip({6, true, RunReply{r}}, "run");
  EXPECT_TRUE(run.exiting);
  EXPECT_DOUBLE_EQ(std::get<RunReply>(run.body).result.ms_median, 2);

  GpuSpec measured = spec("h200");
  measured.measured.fp32_tflops = 62.5;
  const Reply peaks = round_trip({7, false, PeaksReply{measured}}, "measure_peaks");
  EXPECT_DOUBLE_EQ(std::get<PeaksReply>(peaks.body).spec.measured.fp32_tflops, 62.5);

  EXPECT_TRUE(std::holds_alternative<ShutdownReply>(round_trip({8, false, ShutdownReply{}}, "shutdown").body));

  for (ErrorKind k : {ErrorKind::BadRequest, ErrorKind::UnknownOp, ErrorKind::NoDevice, ErrorKind::DeviceLost, ErrorKind::Failed}) {
    const Reply e = round_trip({9, k == ErrorKind::DeviceLost, ErrorReply{k, "why"}}, "run");
    const auto& eb = std::get<ErrorReply>(e.body);
    EXPECT_EQ(eb.kind, k);
    EXPECT_EQ(eb.message, "why");
  }
}

// Which GPU of its host a runner serves travels in its hello; a runner that does not say (an
// older build) reads as "unknown", and its results keep no device fields.
TEST(Protocol, TheHelloSaysWhichDeviceOfHowMany) {
  HelloReply h;
  h.spec = spec("h200");
  h.device_index = 2;
  h.device_count = 8;
  h.device_uuid = "GPU-8c1f0d2e-1234-5678-9abc-def012345678";
  const Reply reply = round_trip({1, false, h}, "hello");
  const auto& back = std::get<HelloReply>(reply.body);
  EXPECT_EQ(back.device_index, 2);
  EXPECT_EQ(back.device_count, 8);
  EXPECT_EQ(back.device_uuid, h.device_uuid);
  EXPECT_FALSE(back.extra.contains("device_index")) << "known fields are not extras";

  json old = to_json(Reply{1, false, HelloReply{}});
  old["info"]["spec"] = to_json(spec("h200"));
  const Reply old_reply = reply_from_json(old, "hello");
  const auto& unknown = std::get<HelloReply>(old_reply.body);
  EXPECT_EQ(unknown.device_index, -1);
  EXPECT_EQ(unknown.device_count, 0);
  EXPECT_EQ(unknown.device_uuid, "");
  EXPECT_FALSE(old["info"].contains("device_index")) << "an unknown device is not written";

  old["info"]["device_count"] = -1;
  EXPECT_THROW(reply_from_json(old, "hello"), std::invalid_argument);
  old["info"]["device_count"] = "two";
  EXPECT_THROW(reply_from_json(old, "hello"), std::invalid_argument);
}

TEST(Protocol, AResultKeepsTheDeviceThatMeasuredIt) {
  RunResult r;
  r.config = find_family("seed_tall_skinny")->defaults(problem_p9());
  r.device = "NVIDIA H200";
  r.device_index = 3;
  r.device_uuid = "GPU-abc";
  const RunResult back = result_from_json(to_json(r));
  EXPECT_EQ(back.device_index, 3);
  EXPECT_EQ(back.device_uuid, "GPU-abc");
  EXPECT_EQ(device_model_key(back), "NVIDIA H200");
  RunResult plain;
  plain.arch = "sm_90";
  const json j = to_json(plain);
  EXPECT_FALSE(j.contains("device_index")) << "runs without a device are written as before pools";
  EXPECT_FALSE(j.contains("device_uuid"));
  EXPECT_EQ(result_from_json(j).device_index, -1);
  EXPECT_EQ(device_model_key(plain), "sm_90") << "a run that reached no GPU is keyed by its architecture";
}

TEST(Protocol, TheDispositionComesFromTheErrorKindNotTheText) {
  EXPECT_EQ(disposition_for(ErrorKind::NoDevice), Disposition::NoDevice);
  EXPECT_EQ(disposition_for(ErrorKind::BadRequest), Disposition::Invalid);
  EXPECT_EQ(disposition_for(ErrorKind::DeviceLost), Disposition::LaunchError);
  // A message that reads like another kind changes nothing.
  const Reply e = reply_from_json(json::parse(R"({"id":1,"ok":false,"error":"no usable GPU","error_kind":"failed"})"), "run");
  EXPECT_EQ(std::get<ErrorReply>(e.body).kind, ErrorKind::Failed);
  // A runner from before error kinds: every error reads as a plain failure.
  EXPECT_EQ(std::get<ErrorReply>(reply_from_json(json::parse(R"({"id":1,"ok":false,"error":"x"})"), "run").body).kind, ErrorKind::Failed);
}

TEST(Protocol, MalformedRepliesAreNamed) {
  auto error_of = [](const char* text, const char* op) -> std::string {
    try {
      reply_from_json(json::parse(text), op);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of(R"({"ok":true})", "run").find("'id'"), std::string::npos);
  EXPECT_NE(error_of(R"({"id":1,"ok":true})", "run").find("'result'"), std::string::npos);
  EXPECT_NE(error_of(R"({"id":1,"ok":true,"info":{"spec":{"name":"x"}}})", "hello").find("device description"), std::string::npos);
  EXPECT_NE(error_of(R"({"id":1})", "hello").find("'ok'"), std::string::npos);
  EXPECT_NE(error_of(R"([1,2])", "hello").find("not a JSON object"), std::string::npos);
  // A hello without a version came from protocol 1.
  const Reply old = reply_from_json(
      json{{"id", 1}, {"ok", true}, {"info", {{"spec", to_json(spec("rtx4090"))}}}}, "hello");
  EXPECT_EQ(std::get<HelloReply>(old.body).protocol, 1);
}

TEST(Protocol, SpecRoundTrips) {
  const GpuSpec s = spec("rtx4090");
  const GpuSpec back = spec_from_json(to_json(s), "rtx4090");
  EXPECT_EQ(back.name, s.name);
  EXPECT_EQ(back.arch(), "sm_89");
  EXPECT_EQ(back.max_smem_per_block, s.max_smem_per_block);
  EXPECT_DOUBLE_EQ(back.tf32_tflops, s.tf32_tflops);
}
