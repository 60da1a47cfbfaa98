#include <gtest/gtest.h>

#include "model/kernel_family.h"
#include "model/validate.h"

using namespace gemmscope;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
std::string error_of(const KernelConfig& c, const GpuSpec& s) {
  const Check e = validate(c, s);
  return e ? e->message() : "";
}
}  // namespace

TEST(Validate, SeedBaselinesAreValidOnEveryShippedSpec) {
  for (const auto& s : load_gpu_specs(default_gpu_spec_dir())) {
    EXPECT_EQ(error_of(find_family("seed_tall_skinny")->defaults(problem_p9()), s), "") << s.key;
    EXPECT_EQ(error_of(find_family("seed_tiled")->defaults(problem_p6()), s), "") << s.key;
    EXPECT_EQ(error_of(find_family("splitk")->defaults(problem_p6()), s), "") << s.key;
  }
}

TEST(Validate, EveryFamilyHasValidDefaultsForASeedProblemOnEveryShippedSpec) {
  // A family may not fit both problems (a whole-K tile cannot hold K = 524288), but each
  // serves at least one, on the 4090 as on the H100.
  for (const auto& s : load_gpu_specs(default_gpu_spec_dir()))
    for (const auto& f : families()) {
      std::string errors;
      int valid = 0;
      for (const ProblemShape& p : {problem_p9(), problem_p6()}) {
        const std::string e = error_of(f->defaults(p), s);
        valid += e.empty() ? 1 : 0;
        errors += " [" + problem_name(p) + ": " + e + "]";
      }
      EXPECT_GT(valid, 0) << f->name() << " on " << s.key << errors;
    }
}

TEST(Validate, NonPowerOfTwoTileNamesValueAndRule) {
  KernelConfig c = find_family("seed_tall_skinny")->defaults(problem_p9());
  c.block_m = 96;
  EXPECT_EQ(error_of(c, spec("rtx4090")), "block_m=96: must be a power of two");
}

TEST(Validate, ValueOutsideTheFamilysChoices) {
  KernelConfig c = find_family("seed_tiled")->defaults(problem_p6());
  c.block_k = 128;
  const std::string e = error_of(c, spec("rtx4090"));
  EXPECT_NE(e.find("block_k=128"), std::string::npos) << e;
  EXPECT_NE(e.find("choices: 8, 16, 32, 64"), std::string::npos) << e;
}

TEST(Validate, ThreadsBeyondTheTile) {
  KernelConfig c = find_family("seed_tall_skinny")->defaults(problem_p9());
  c.block_m = 16, c.block_n = 16, c.threads = 512;
  const std::string e = error_of(c, spec("rtx4090"));
  EXPECT_NE(e.find("threads=512"), std::string::npos) << e;
  EXPECT_NE(e.find("256 elements"), std::string::npos) << e;
}

TEST(Validate, TooManyAccumulatorsPerThread) {
  KernelConfig c = find_family("seed_tall_skinny")->defaults(problem_p9());
  c.block_m = 256, c.block_n = 256, c.threads = 256;
  EXPECT_NE(error_of(c, spec("h100_sxm")).find("256 accumulators per thread"), std::string::npos);
}

TEST(Validate, SplitKBeyondTheKSteps) {
  KernelConfig c = find_family("splitk")->defaults(parse_problem("256x256x1024"));
  c.split_k = 512;  // 1024 / 32 = 32 steps
  const std::string e = error_of(c, spec("h100_sxm"));
  EXPECT_NE(e.find("split_k=512"), std::string::npos) << e;
  EXPECT_NE(e.find("32 block_k steps"), std::string::npos) << e;
}

TEST(Validate, UnknownFamilyListsTheKnownOnes) {
  KernelConfig c;
  c.shape = problem_p9();
  c.family = "nope";
  const std::string e = error_of(c, spec("h100_sxm"));
  EXPECT_NE(e.find("family=nope"), std::string::npos);
  EXPECT_NE(e.find("seed_tall_skinny"), std::string::npos);
}

TEST(Validate, RegistersAfterCompilation) {
  KernelConfig c = find_family("seed_tiled")->defaults(problem_p6());
  c.threads = 1024, c.block_m = 256, c.block_n = 256, c.block_k = 8;
  KernelResources r;
  r.registers = 128;
  const Check e = validate_resources(c, r, 0, spec("h100_sxm"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "registers");
  EXPECT_NE(e->rule.find("65536-register file"), std::string::npos) << e->message();
  r.registers = 64;
  EXPECT_FALSE(validate_resources(c, r, 0, spec("h100_sxm")));
}

TEST(Validate, GridYLimit) {
  // seed_tall_skinny puts N tiles on grid y: 2^20 columns / 16 = 65536 > 65535.
  KernelConfig c = find_family("seed_tall_skinny")->defaults(parse_problem("128x1048576x4"));
  c.block_n = 16, c.block_m = 16, c.threads = 32;
  const std::string e = error_of(c, spec("h100_sxm"));
  EXPECT_NE(e.find("grid"), std::string::npos) << e;
}
