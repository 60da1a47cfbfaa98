#include <gtest/gtest.h>

#include "model/kernel_family.h"
#include "model/validate.h"

using namespace gemmscope;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }
std::string error_of(const KernelConfig& c, const GpuSpec& s) { return validate(c, s).message(); }
KernelConfig with(KernelConfig c, std::initializer_list<std::pair<const char*, int>> values) {
  for (auto [k, v] : values) c.set(k, v);
  return c;
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
  // serves at least one, on the 4090 as on the H100; a family for one architecture alone
  // (the wgmma_ families: 9.0) on the GPUs of that architecture, and refuses the others by name.
  for (const auto& s : load_gpu_specs(default_gpu_spec_dir()))
    for (const auto& f : families()) {
      std::string errors;
      int valid = 0;
      for (const ProblemShape& p : {problem_p9(), problem_p6()}) {
        const std::string e = error_of(f->defaults(p), s);
        valid += e.empty() ? 1 : 0;
        errors += " [" + problem_name(p) + ": " + e + "]";
      }
      if (f->name().rfind("wgmma_", 0) == 0 && s.arch() != "sm_90") {
        EXPECT_EQ(valid, 0) << f->name() << " on " << s.key;
        EXPECT_NE(errors.find("family=" + f->name() + ": needs a 9.0 GPU"), std::string::npos) << errors;
        continue;
      }
      EXPECT_GT(valid, 0) << f->name() << " on " << s.key << errors;
    }
}

TEST(Validate, AValidConfigComesBackAsItsPreparedLaunch) {
  const KernelConfig c = find_family("tc_splitk")->defaults(problem_p6());
  const Validation v = validate(c, spec("h200"));
  ASSERT_TRUE(v.ok()) << v.message();
  const PreparedLaunch& p = *v.launch;
  EXPECT_EQ(p.name, config_name(c));
  EXPECT_EQ(p.family->name(), "tc_splitk");
  EXPECT_EQ(p.source, "tc_splitk.cu");
  EXPECT_EQ(p.precision, Precision::TF32x3);
  EXPECT_EQ(p.estimate.threads_per_block, 256);
  EXPECT_EQ(p.estimate.grid_blocks, 4 * 64);  // 2x2 tiles of 128x128, 64 slices of K
  EXPECT_EQ(p.estimate.smem_per_block, 2 * (128 * 36 + 32 * 136) * 4);
  EXPECT_EQ(p.plan.steps.size(), 2u);  // C zeroed, then the atomic slices
  EXPECT_EQ(p.defines, find_family("tc_splitk")->defines(c));
}

TEST(Validate, NonPowerOfTwoTileNamesValueAndRule) {
  const KernelConfig c = with(find_family("seed_tall_skinny")->defaults(problem_p9()), {{"block_m", 96}});
  EXPECT_EQ(error_of(c, spec("rtx4090")), "block_m=96: must be a power of two");
}

TEST(Validate, ValueOutsideTheFamilysChoices) {
  const KernelConfig c = with(find_family("seed_tiled")->defaults(problem_p6()), {{"block_k", 128}});
  const std::string e = error_of(c, spec("rtx4090"));
  EXPECT_NE(e.find("block_k=128"), std::string::npos) << e;
  EXPECT_NE(e.find("choices: 8, 16, 32, 64"), std::string::npos) << e;
}

TEST(Validate, EveryBrokenRuleOfAStageIsReportedNotOnlyTheFirst) {
  const KernelConfig c = with(find_family("seed_tiled")->defaults(problem_p6()), {{"block_m", 96}, {"block_k", 128}, {"threads", 7}});
  const Validation v = validate(c, spec("rtx4090"));
  ASSERT_EQ(v.errors.size(), 3u) << v.message();
  EXPECT_NE(v.about("block_m"), nullptr);
  EXPECT_NE(v.about("block_k"), nullptr);
  EXPECT_NE(v.about("threads"), nullptr);
  // A family's own independent rules come together too: both operands column-major, and one warp
  // left with a 128x128 warp tile.
  const KernelConfig t = with(find_family("tc_splitk")->defaults(parse_problem("256x256x4097:CC")), {{"threads", 32}});
  const Validation w = validate(t, spec("h200"));
  EXPECT_NE(w.about("layout"), nullptr) << w.message();
  EXPECT_NE(w.about("threads"), nullptr) << w.message();
}

TEST(Validate, SharedMemoryIsHeldAgainstCudasOptInLimitNamedOnce) {
  // tc_splitk with 4 stages of 128x128x64: 4 x (128 x 68 + 64 x 136) x 4 = 278528 B.
  const KernelConfig c = with(find_family("tc_splitk")->defaults(problem_p6()), {{"block_k", 64}, {"stages", 4}});
  const Validation v = validate(c, spec("h200"));
  ASSERT_FALSE(v.ok());
  const ConfigError* e = v.about("stages");
  ASSERT_NE(e, nullptr) << v.message();
  EXPECT_NE(e->rule.find("278528 B of shared memory"), std::string::npos) << e->rule;
  EXPECT_NE(e->rule.find("CUDA's opt-in limit of 232448 B per block"), std::string::npos) << e->rule;
  size_t count = 0;
  for (size_t at = v.message().find("limit"); at != std::string::npos; at = v.message().find("limit", at + 1)) ++count;
  EXPECT_EQ(count, 1u) << v.message();
  // Exactly the opt-in limit fits: store_bound's 64x128 tile at K = 96 needs 101376 B on the 4090.
  const KernelConfig s = with(find_family("store_bound")->defaults(parse_problem("8192x8192x96")),
                              {{"block_m", 64}, {"block_n", 128}, {"thread_m", 8}, {"thread_n", 8}});
  EXPECT_EQ(error_of(s, spec("rtx4090")), "");
}

TEST(Validate, ThreadsBeyondTheTile) {
  const KernelConfig c = with(find_family("seed_tall_skinny")->defaults(problem_p9()), {{"block_m", 16}, {"block_n", 16}, {"threads", 512}});
  const std::string e = error_of(c, spec("rtx4090"));
  EXPECT_NE(e.find("threads=512"), std::string::npos) << e;
  EXPECT_NE(e.find("256 elements"), std::string::npos) << e;
}

TEST(Validate, TooManyAccumulatorsPerThread) {
  const KernelConfig c = with(find_family("seed_tall_skinny")->defaults(problem_p9()), {{"block_m", 256}, {"block_n", 256}, {"threads", 256}});
  EXPECT_NE(error_of(c, spec("h100_sxm")).find("256 accumulators per thread"), std::string::npos);
}

TEST(Validate, SplitKBeyondTheKSteps) {
  const KernelConfig c = with(find_family("splitk")->defaults(parse_problem("256x256x1024")), {{"split_k", 512}});  // 1024 / 32 = 32 steps
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

TEST(Validate, AMissingParameterIsNamed) {
  KernelConfig c;
  c.shape = problem_p9();
  c.family = "seed_tall_skinny";
  c.set("block_m", 64);
  const Validation v = validate(c, spec("h100_sxm"));
  ASSERT_NE(v.about("block_n"), nullptr) << v.message();
  EXPECT_NE(v.about("threads"), nullptr) << v.message();
}

TEST(Validate, RegistersAfterCompilation) {
  LaunchStep step;
  step.entry = "tiled_gemm";
  step.block = {1024, 1, 1};
  KernelResources r;
  r.registers = 128;
  const auto e = validate_resources(step, r, spec("h100_sxm"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].param, "registers");
  EXPECT_NE(e[0].rule.find("65536-register file"), std::string::npos) << e[0].message();
  r.registers = 64;
  EXPECT_TRUE(validate_resources(step, r, spec("h100_sxm")).empty());
}

TEST(Validate, GridYLimit) {
  // seed_tall_skinny puts N tiles on grid y: 2^20 columns / 16 = 65536 > 65535.
  const KernelConfig c =
      with(find_family("seed_tall_skinny")->defaults(parse_problem("128x1048576x4")), {{"block_n", 16}, {"block_m", 16}, {"threads", 32}});
  const std::string e = error_of(c, spec("h100_sxm"));
  EXPECT_NE(e.find("grid"), std::string::npos) << e;
}
