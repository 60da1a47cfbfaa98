#include <gtest/gtest.h>

#include "model/kernel_config.h"
#include "model/kernel_family.h"

using namespace gemmscope;

TEST(ProblemShape, SeedProblemsMatchTheBrief) {
  const ProblemShape p9 = problem_p9(), p6 = problem_p6();
  EXPECT_EQ(p9.m, 32768);
  EXPECT_EQ(p9.n, 32768);
  EXPECT_EQ(p9.k, 32);
  EXPECT_EQ(p6.m, 256);
  EXPECT_EQ(p6.n, 256);
  EXPECT_EQ(p6.k, 524288);
  EXPECT_DOUBLE_EQ(p9.flops(), 2.0 * 32768.0 * 32768.0 * 32.0);  // 68.7 GFLOP
  EXPECT_NEAR(p9.min_bytes() / 1e9, 4.30, 0.01);                  // C dominates: 4.29 GB of 4.30
}

TEST(ProblemShape, ParsesNamesShapesAndLayouts) {
  EXPECT_EQ(parse_problem("p9"), problem_p9());
  const ProblemShape s = parse_problem("1000x999x17:RC");
  EXPECT_EQ(s.m, 1000);
  EXPECT_EQ(s.n, 999);
  EXPECT_EQ(s.k, 17);
  EXPECT_EQ(s.a_layout, Layout::RowMajor);
  EXPECT_EQ(s.b_layout, Layout::ColMajor);
  EXPECT_EQ(problem_name(s), "1000x999x17:RC");
  EXPECT_EQ(problem_name(problem_p6()), "p6");
}

TEST(ProblemShape, BadTextNamesWhatIsWrong) {
  try {
    parse_problem("12x0x4");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("must be positive"), std::string::npos);
  }
  EXPECT_THROW(parse_problem("12x4"), std::invalid_argument);
  EXPECT_THROW(parse_problem("12x4x4:RX"), std::invalid_argument);
}

TEST(KernelConfig, CanonicalNameShowsOnlyTheFamilysParameters) {
  KernelConfig c = find_family("seed_tall_skinny")->defaults(problem_p9());
  EXPECT_EQ(config_name(c), "seed_tall_skinny_128x64_t128@p9");
  KernelConfig s = find_family("splitk")->defaults(problem_p6());
  EXPECT_EQ(config_name(s), "splitk_128x128x32_t256_sk64_two_pass@p6");
  KernelConfig t = find_family("tc_store_bound")->defaults(problem_p9());
  EXPECT_EQ(config_name(t), "tc_store_bound_64x128_t128_s1_tpb32_bps0_sw1_grow_tf32x3@p9");
}

TEST(KernelConfig, ValuesAreHeldByNameInTheFamilysOrder) {
  const KernelConfig c = find_family("simt_splitk")->defaults(problem_p6());
  std::vector<std::string> names;
  for (const auto& [name, v] : c.params.items()) names.push_back(name);
  std::vector<std::string> declared;
  for (const auto& d : find_family("simt_splitk")->params()) declared.push_back(d.name);
  EXPECT_EQ(names, declared);
  EXPECT_EQ(c.get("split_k"), 64);  // 4 tiles of 128x128 and K = 524288: 64 x 4 = 256 blocks
  EXPECT_THROW(c.get("threads"), std::out_of_range) << "simt_splitk derives its threads; it has no such parameter";
}
