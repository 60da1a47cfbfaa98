// The parameter table: rows parse and format their values, and make_config() builds a family's
// config from overrides given as text, refusing a parameter the family does not have.
#include <gtest/gtest.h>

#include "model/kernel_family.h"
#include "model/validate.h"

using namespace gemmscope;

namespace {
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(ParamTable, RowsParseAndFormatTheirValues) {
  const ParamDecl red = reduction_param({Reduction::Atomic, Reduction::TwoPass}, Reduction::Atomic, {Reduction::Atomic});
  EXPECT_EQ(red.parse("two_pass"), int(Reduction::TwoPass));
  EXPECT_EQ(red.format(int(Reduction::Atomic)), "atomic");
  EXPECT_FALSE(red.parse("2"));  // an enum is named, not numbered
  EXPECT_TRUE(red.offers(int(Reduction::Atomic)));
  EXPECT_FALSE(red.offers(int(Reduction::None)));
  EXPECT_EQ(red.offered_text(), "atomic, two_pass");

  const ParamDecl bm = pow2_param("block_m", {16, 32, 64}, 32, {32}, "_", "rows");
  EXPECT_EQ(bm.parse("64"), 64);
  EXPECT_FALSE(bm.parse("6x4"));
  EXPECT_FALSE(bm.parse("2147483648")) << "a value beyond int is no value";
  EXPECT_EQ(bm.offered_text(), "16, 32, 64");

  const ParamDecl sk = split_k_param(1, 1, nullptr, nullptr);
  EXPECT_TRUE(sk.is_range());
  EXPECT_TRUE(sk.offers(1000));
  EXPECT_FALSE(sk.offers(1025));
  EXPECT_EQ(sk.offered_text(), "1..1024");
}

TEST(ParamTable, EveryFamilyDeclaresEachParameterOnceWithADefaultItOffers) {
  for (const auto& f : families()) {
    std::set<std::string> seen;
    for (const ParamDecl& d : f->params()) {
      EXPECT_TRUE(seen.insert(d.name).second) << f->name() << " declares " << d.name << " twice";
      EXPECT_TRUE(d.offers(d.default_value)) << f->name() << "." << d.name << " default " << d.default_value;
      for (int v : d.sweep) EXPECT_TRUE(d.offers(v)) << f->name() << "." << d.name << " sweeps " << v;
      EXPECT_FALSE(d.description.empty()) << f->name() << "." << d.name;
    }
  }
}

TEST(MakeConfig, OverridesByNameAndValueText) {
  const KernelConfig c = make_config(problem_p6(), "tc_splitk", {{"split_k", "33"}, {"precision", "tf32"}});
  EXPECT_EQ(c.get("split_k"), 33);
  EXPECT_EQ(c.get("precision"), int(Precision::TF32));
  EXPECT_EQ(config_name(c), "tc_splitk_128x128x32_t256_s2_sk33_atomic_tf32@p6");
}

TEST(MakeConfig, AParameterTheFamilyDoesNotReadIsAnErrorNamingItsParameters) {
  const std::string e = error_of([] { make_config(problem_p9(), "seed_tall_skinny", {{"split_k", "7"}}); });
  EXPECT_NE(e.find("split_k"), std::string::npos) << e;
  EXPECT_NE(e.find("seed_tall_skinny"), std::string::npos) << e;
  EXPECT_NE(e.find("block_m, block_n, threads"), std::string::npos) << e;
}

TEST(MakeConfig, BadValuesAndFamiliesAreNamed) {
  EXPECT_NE(error_of([] { make_config(problem_p9(), "seed_tall_skinny", {{"block_m", "big"}}); }).find("block_m=big: not an integer"),
            std::string::npos);
  EXPECT_NE(error_of([] { make_config(problem_p6(), "splitk", {{"reduction", "sum"}}); }).find("not one of atomic, two_pass"),
            std::string::npos);
  const std::string e = error_of([] { make_config(problem_p9(), "nope"); });
  EXPECT_NE(e.find("'nope' is unknown"), std::string::npos) << e;
  EXPECT_NE(e.find("store_bound"), std::string::npos) << e;
}

TEST(MakeConfig, TheDefaultFamilyIsTheSeedOfTheProblemsKind) {
  EXPECT_EQ(default_family_for(problem_p9()), "seed_tall_skinny");
  EXPECT_EQ(default_family_for(problem_p6()), "seed_tiled");
}

TEST(Validate, AValueSetForAParameterTheFamilyDoesNotHaveIsRefused) {
  KernelConfig c = find_family("seed_tall_skinny")->defaults(problem_p9());
  c.set("split_k", 7);
  const Validation v = validate(c, *find_spec(load_gpu_specs(default_gpu_spec_dir()), "rtx4090"));
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.message().find("split_k=7: is not a parameter of family seed_tall_skinny"), std::string::npos) << v.message();
}

TEST(ParamRole, NamesImplyRolesInEverySpelling) {
  EXPECT_EQ(role_for_name("block_m"), ParamRole::TileM);
  EXPECT_EQ(role_for_name("BLOCK_SIZE_M"), ParamRole::TileM);
  EXPECT_EQ(role_for_name("BLOCK_N"), ParamRole::TileN);
  EXPECT_EQ(role_for_name("BLOCK_K"), ParamRole::TileK);
  EXPECT_EQ(role_for_name("SPLIT_K"), ParamRole::SplitK);
  EXPECT_EQ(role_for_name("num_stages"), ParamRole::Stages);
  EXPECT_EQ(role_for_name("num_warps"), ParamRole::Warps);
  EXPECT_EQ(role_for_name("thread_n"), ParamRole::ThreadN);
  EXPECT_EQ(role_for_name("GROUP_SIZE_M"), ParamRole::Swizzle);
  EXPECT_EQ(role_for_name("unroll"), ParamRole::Other);
  EXPECT_EQ(parse_role("split_k"), ParamRole::SplitK);
  EXPECT_FALSE(parse_role("splitk").has_value());
  // Every built-in family's tile, and split-K where it splits.
  for (const auto& f : families()) {
    if (f->name() == "cublas") continue;
    EXPECT_NE(find_role(f->params(), ParamRole::TileM), nullptr) << f->name();
    EXPECT_NE(find_role(f->params(), ParamRole::TileN), nullptr) << f->name();
  }
  EXPECT_EQ(find_role(find_family("tc_splitk")->params(), ParamRole::SplitK)->name, "split_k");
  EXPECT_EQ(find_role(find_family("tc_splitk")->params(), ParamRole::Precision)->name, "precision");
}
