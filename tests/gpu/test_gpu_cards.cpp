// The example kernel cards (a CUDA SGEMM and the Triton kernels in the seeds' style) run through
// the real runner against cuBLAS on ragged and random shapes: compiled (NVRTC or Triton), timed,
// verified within their precision's bound.
#include <gtest/gtest.h>

#include <random>

#include "gpu_runner.h"
#include "model/families/card_family.h"
#include "model/validate.h"

using namespace gemmscope;
using gemmscope::test::gpu_info;
using gemmscope::test::gpu_runner;

namespace {

RunOptions quick() {
  RunOptions o;
  o.reps = 2;
  o.warmup = 1;
  o.timeout_s = 300;  // a first Triton compile takes seconds
  return o;
}

std::vector<std::string> shapes_for(const std::string& card) {
  // Small K for the outer-product kernel (its loop is over K with one rank-1 update each).
  std::vector<std::string> v = card.find("p9") != std::string::npos
                                   ? std::vector<std::string>{"257x131x32", "1000x999x17", "64x4097x48:CR", "333x77x8:CC"}
                                   : std::vector<std::string>{"257x131x67", "1000x999x100", "96x80x20000", "129x257x3000:CC", "200x100x500:CR"};
  std::mt19937 rng(std::random_device{}());
  for (int i = 0; i < 2; ++i)
    v.push_back(std::to_string(1 + rng() % 1200) + "x" + std::to_string(1 + rng() % 1200) + "x" + std::to_string(1 + rng() % 900));
  return v;
}

class CardOnGpu : public testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(CardOnGpu, MatchesCublasOnRaggedShapes) {
  REQUIRE_GPU();
  const FamilyPtr f = load_card_family(std::string(GEMMSCOPE_EXAMPLES) + "/" + GetParam());
  const GpuSpec& spec = gpu_info().detected;
  int ran = 0;
  for (const std::string& shape : shapes_for(GetParam())) {
    const KernelConfig c = make_config(parse_problem(shape), f->name());
    if (!validate(c, spec).ok()) continue;  // the card does not take this shape (its restrictions say why)
    const RunResult r = gpu_runner().run(c, quick());
    ++ran;
    EXPECT_EQ(r.disposition, Disposition::Passed) << config_name(c) << " (input seed " << r.seed << "): " << r.reason;
    EXPECT_TRUE(r.verify.checked) << config_name(c);
    EXPECT_EQ(r.verify.nonfinite, 0) << config_name(c) << ": an element was not written";
    EXPECT_LE(r.verify.rel_fro_error, f->error_bound(c)) << config_name(c);
    if (f->precision(c) != Precision::TF32) {
      EXPECT_TRUE(r.verify.allclose()) << config_name(c) << ": " << r.verify.mismatches << " elements";
    }
    EXPECT_GT(r.ms_median, 0) << config_name(c);
    EXPECT_GT(r.registers, 0) << config_name(c);
    EXPECT_EQ(r.registers, r.registers_driver) << config_name(c) << ": cubin registers disagree with the driver's";
    EXPECT_EQ(r.card_hash, f->card()->hash);
  }
  EXPECT_GE(ran, 2) << GetParam() << " took fewer than two of the test shapes";
}

INSTANTIATE_TEST_SUITE_P(Examples, CardOnGpu,
                         testing::Values("cuda/sgemm_tiled.toml", "triton/p9_outer_product.toml", "triton/p6_tiled.toml",
                                         "triton/p6_splitk.toml"),
                         [](const testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param.substr(0, i.param.find('.'));
                           for (char& ch : n)
                             if (ch == '/') ch = '_';
                           return n;
                         });
