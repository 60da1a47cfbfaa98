// Kernel cards without a compiler: reading them, their expressions, the family they become, and
// every bad card named by file, field and rule.
#include <gtest/gtest.h>

#include "model/families/card_family.h"
#include "model/json_codec.h"
#include "model/kernel_card.h"
#include "model/sweep_plan.h"
#include "model/validate.h"

using namespace gemmscope;

namespace {

GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }

const char* kTriton = R"TOML(
name = "tall_skinny"
language = "triton"
source = "tall_skinny.py"
kernel = "outer_product_kernel"
layouts = ["RR", "CR"]
restrictions = ["BLOCK_SIZE_M * BLOCK_SIZE_N <= 16384", "K <= 128"]

[params.BLOCK_SIZE_M]
values = [32, 64, 128, 256]
default = 128
fragment = "_"

[params.BLOCK_SIZE_N]
values = [32, 64, 128]
default = 64
fragment = "x"
sweep = [32, 64]

[params.num_warps]
values = [2, 4, 8]
default = 4
fragment = "_w"

[params.INPUT_PRECISION]
values = ["ieee", "tf32"]
default = "ieee"
fragment = "_"

[precision]
param = "INPUT_PRECISION"
map = { ieee = "fp32", tf32 = "tf32" }

[launch]
grid = ["cdiv(M, BLOCK_SIZE_M)", "cdiv(N, BLOCK_SIZE_N)"]
arguments = ["A", "B", "C", "M", "N", "K", "stride_am", "stride_ak", "stride_bk", "stride_bn", "stride_cm", "stride_cn"]
)TOML";

const char* kCuda = R"TOML(
name = "sgemm"
language = "cuda"
source = "sgemm.cu"
kernel = "sgemm"

[params.BLOCK_M]
values = [32, 64, 128]
default = 64
[params.SPLIT_K]
range = [1, 64]
default = 1
sweep = [1, 2, 4]

[launch]
grid = ["cdiv(N, 64)", "cdiv(M, BLOCK_M)", "SPLIT_K"]
block = ["256"]
shared_memory = "BLOCK_M * 32 * 4"
zero_output = true
workspace = "SPLIT_K > 1 ? SPLIT_K * M * N * 4 : 0"
arguments = ["A", "B", "C", "M", "N", "K", "i64: M * N", "f32: 0.5", "workspace"]
)TOML";

std::string error_of(const std::string& text) {
  try {
    parse_kernel_card(text, "bad.toml", "src");
  } catch (const CardError& e) {
    return e.what();
  }
  return "";
}

// The card text with one line replaced (or, with `from` empty, a line added after the first).
std::string with(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text.insert(text.find('\n', 1) + 1, to + "\n");
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

FamilyPtr family_of(const char* text) {
  FamilyPtr f = make_card_family(std::make_shared<const KernelCard>(parse_kernel_card(text, "test.toml", "source text")));
  register_family(f);
  return f;
}

}  // namespace

TEST(KernelCard, ReadsItsTablesInTheCardsOrder) {
  const KernelCard c = parse_kernel_card(kTriton, "t.toml", "src");
  EXPECT_EQ(c.name, "tall_skinny");
  EXPECT_EQ(c.language, CardLanguage::Triton);
  EXPECT_EQ(param_names(c.params), "BLOCK_SIZE_M, BLOCK_SIZE_N, num_warps, INPUT_PRECISION");
  const ParamDecl& prec = c.params[3];
  EXPECT_EQ(prec.kind, ParamKind::Enum);
  EXPECT_EQ(prec.format(prec.default_value), "ieee");
  EXPECT_EQ(c.params[1].sweep, (std::vector<int>{32, 64}));
  EXPECT_EQ(c.params[0].sweep, (std::vector<int>{32, 64, 128, 256})) << "a list sweeps all its values unless told";
  EXPECT_EQ(c.layouts.size(), 2u);
  EXPECT_EQ(c.restrictions.size(), 2u);
  EXPECT_EQ(c.launch.arguments.size(), 12u);
  EXPECT_EQ(c.hash.size(), 16u);
  EXPECT_NE(parse_kernel_card(kTriton, "t.toml", "other source").hash, c.hash) << "a version is the card and its source";
}

TEST(KernelCard, BecomesAFamilyWithTheCardsNamesPlanAndPrecision) {
  const FamilyPtr f = family_of(kTriton);
  EXPECT_EQ(f->name(), "card:tall_skinny");
  EXPECT_EQ(find_family("card:tall_skinny"), f);
  KernelConfig c = make_config(problem_p9(), f->name(), {{"INPUT_PRECISION", "tf32"}});
  EXPECT_EQ(config_name(c), "card:tall_skinny_128x64_w4_tf32@p9");
  EXPECT_EQ(f->precision(c), Precision::TF32);
  const Validation v = validate(c, spec("h200"));
  ASSERT_TRUE(v.ok()) << v.message();
  const LaunchStep& k = v.launch->plan.steps.at(0);
  EXPECT_EQ(k.grid, (Dim3{256, 512, 1}));
  EXPECT_EQ(k.block.count(), 128) << "Triton: 32 x num_warps";
  ASSERT_EQ(k.args.size(), 12u);
  EXPECT_EQ(k.args[0].kind, KernelArg::Kind::A);
  EXPECT_EQ(k.args[6].integer, 32) << "stride_am of a row-major A is K";
  EXPECT_EQ(k.args[7].integer, 1);
  // The JSON of a card's config keeps enum values by name and reads back through the family.
  const nlohmann::json j = to_json(c);
  EXPECT_EQ(j["params"]["INPUT_PRECISION"], "tf32");
  EXPECT_EQ(config_from_json(j), c);
  // Column-major A gives the other strides.
  KernelConfig col = make_config(parse_problem("1000x900x64:CR"), f->name());
  const LaunchPlan p = f->plan(col);
  EXPECT_EQ(p.steps[0].args[6].integer, 1);
  EXPECT_EQ(p.steps[0].args[7].integer, 1000);
}

TEST(KernelCard, CudaCardsGiveDefinesBlockSharedMemoryAndTypedArguments) {
  const FamilyPtr f = family_of(kCuda);
  const KernelConfig c = make_config(problem_p6(), "card:sgemm", {{"SPLIT_K", "4"}});
  const Validation v = validate(c, spec("rtx4090"));
  ASSERT_TRUE(v.ok()) << v.message();
  const LaunchPlan& p = v.launch->plan;
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].kind, LaunchStep::Kind::ZeroOutput);
  EXPECT_EQ(p.steps[1].grid, (Dim3{4, 4, 4}));
  EXPECT_EQ(p.steps[1].dynamic_smem, 64 * 32 * 4);
  EXPECT_EQ(p.workspace_bytes, int64_t(4) * 256 * 256 * 4);
  EXPECT_EQ(p.steps[1].args[6].kind, KernelArg::Kind::Int64);
  EXPECT_EQ(p.steps[1].args[6].integer, 65536);
  EXPECT_DOUBLE_EQ(p.steps[1].args[7].real, 0.5);
  const auto d = v.launch->defines;
  EXPECT_NE(std::find(d.begin(), d.end(), "-DBLOCK_M=64"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "-DSPLIT_K=4"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "-DA_COL_MAJOR=0"), d.end());
  EXPECT_EQ(v.launch->card->name, "sgemm");
  // A sweep walks the card's own axes.
  SweepPlan plan;
  plan.base = c;
  plan.axes = f->sweep_space(c.shape, spec("rtx4090"));
  EXPECT_EQ(point_count(plan), 3u * 3u);
}

TEST(KernelCard, RestrictionsLayoutsAndGridsAreRulesNamingTheCard) {
  const FamilyPtr f = family_of(kTriton);
  KernelConfig big = make_config(problem_p9(), f->name(), {{"BLOCK_SIZE_M", "256"}, {"BLOCK_SIZE_N", "128"}});
  Validation v = validate(big, spec("h200"));
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.message().find("BLOCK_SIZE_M=256 with BLOCK_SIZE_N=128: breaks the card's restriction BLOCK_SIZE_M * BLOCK_SIZE_N <= 16384"),
            std::string::npos)
      << v.message();
  v = validate(make_config(problem_p6(), f->name()), spec("h200"));
  EXPECT_NE(v.message().find("K=524288: breaks the card's restriction K <= 128"), std::string::npos) << v.message();
  v = validate(make_config(parse_problem("64x64x32:RC"), f->name()), spec("h200"));
  EXPECT_NE(v.message().find("layout=RC: the card accepts RR, CR"), std::string::npos) << v.message();
  // A grid that evaluates to 0 blocks.
  const FamilyPtr zero = family_of(with(kCuda, "grid = [\"cdiv(N, 64)\", \"cdiv(M, BLOCK_M)\", \"SPLIT_K\"]", "grid = [\"N / 1000000\"]").c_str());
  v = validate(make_config(parse_problem("64x64x64"), zero->name()), spec("h200"));
  EXPECT_NE(v.message().find("not an integer"), std::string::npos) << v.message();
  const FamilyPtr empty = family_of(with(kCuda, "grid = [\"cdiv(N, 64)\", \"cdiv(M, BLOCK_M)\", \"SPLIT_K\"]", "grid = [\"M - M\"]").c_str());
  v = validate(make_config(parse_problem("64x64x64"), empty->name()), spec("h200"));
  EXPECT_NE(v.message().find("gives 0 blocks; a grid needs at least 1"), std::string::npos) << v.message();
  // Beyond the GPU's grid limits is the usual launch-limit rule.
  const FamilyPtr tall = family_of(with(kCuda, "grid = [\"cdiv(N, 64)\", \"cdiv(M, BLOCK_M)\", \"SPLIT_K\"]", "grid = [\"1\", \"M\"]").c_str());
  v = validate(make_config(parse_problem("100000x64x64"), tall->name()), spec("h200"));
  EXPECT_NE(v.message().find("exceeds the grid limits"), std::string::npos) << v.message();
}

TEST(KernelCard, BadCardsNameTheFileTheFieldAndTheRule) {
  struct Case {
    std::string text, expect;
  };
  const std::string t = kTriton;
  const std::vector<Case> cases = {
      {with(t, "kernel = \"outer_product_kernel\"\n", ""), "bad.toml: kernel: is missing"},
      {with(t, "language = \"triton\"", "language = \"opencl\""), "bad.toml: language: \"opencl\" is not cuda or triton"},
      {with(t, "default = 128", "default = 96"), "bad.toml: params.BLOCK_SIZE_M.default: 96 is not offered (32, 64, 128, 256)"},
      {with(t, "\"K <= 128\"", "\"K <= BLOCK_K\""), "bad.toml: restrictions[1]: expression \"K <= BLOCK_K\" at position 5: 'BLOCK_K' is not a parameter"},
      {with(t, "\"cdiv(N, BLOCK_SIZE_N)\"", "\"cdiv(N, BLOCK_SIZE_N\""), "bad.toml: launch.grid[1]: expression \"cdiv(N, BLOCK_SIZE_N\" at position"},
      {with(t, "fragment = \"_w\"", "fragment = \"_w\"\nrestrictions = [\"1\"]"),
       "params.num_warps.restrictions: unknown key (known: values, range, default, sweep, fragment, description, role) (top-level keys such as "
       "restrictions must come before the first [table] of the card)"},
      {with(t, "[launch]", "[launch]\nblock = [\"128\"]"), "launch.block: a Triton kernel's block is 32 x num_warps"},
      {with(t, "map = { ieee = \"fp32\", tf32 = \"tf32\" }", "map = { ieee = \"fp32\" }"), "precision.map.tf32: is missing"},
      {with(t, "\"A\", \"B\", \"C\",", "\"A\", \"B\","), "launch.arguments: no launch is passed C"},
      {with(t, "\"stride_cn\"]", "\"stride_cn\", \"workspace\"]"), "launch.workspace: an argument names the workspace"},
      {with(t, "\"stride_cn\"]", "\"u8: 1\"]"), "launch.arguments[11]: \"u8\" is not a type (i32, i64, f32)"},
      {with(t, "values = [2, 4, 8]", "values = [2, 4, \"eight\"]"), "params.num_warps.values: must be all integers or all strings"},
      {with(t, "[params.BLOCK_SIZE_M]", "[params.M]"), "params.M: is a name expressions already use for the problem"},
      {with(t, "layouts = [\"RR\", \"CR\"]", "layouts = [\"RX\"]"), "layouts[0]: \"RX\": a layout is two letters"},
      {with(t, "", "colour = \"blue\""), "bad.toml: colour: unknown key"},
      {with(t, "name = \"tall_skinny\"", "name = \"tall skinny\""), "name: \"tall skinny\": a card name is letters"},
      {"name = [", "bad.toml:1:"},
      {with(t, "fragment = \"_w\"", "fragment = \"_w\"\nrole = \"warp\""), "params.num_warps.role: \"warp\" is not a role (other, tile_m"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(c.text);
    EXPECT_NE(e.find(c.expect), std::string::npos) << "wanted: " << c.expect << "\ngot:    " << e;
  }
}

// The advisor changes parameters by what they do: roles come from common names, the precision
// table and an explicit `role`.
TEST(KernelCard, ParametersCarryRolesFromNamesPrecisionAndRoleKeys) {
  const KernelCard c = parse_kernel_card(with(kTriton, "fragment = \"x\"\n", "fragment = \"x\"\nrole = \"tile_n\"\n"), "t.toml", "src");
  EXPECT_EQ(find_param(c.params, "BLOCK_SIZE_M")->role, ParamRole::TileM);
  EXPECT_EQ(find_param(c.params, "BLOCK_SIZE_N")->role, ParamRole::TileN);
  EXPECT_EQ(find_param(c.params, "num_warps")->role, ParamRole::Warps);
  EXPECT_EQ(find_param(c.params, "INPUT_PRECISION")->role, ParamRole::Precision);
}

TEST(KernelCard, LoadingNamesAMissingSourceFile) {
  try {
    load_kernel_card("/nonexistent/card.toml");
    FAIL();
  } catch (const CardError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/card.toml: the card"), std::string::npos) << e.what();
  }
}

TEST(CardExpression, EvaluatesWithCdivMinMaxAndModulo) {
  const CardExpression e("t: f", "cdiv(M, 128) * min(N, 4) + max(K % 5, 1)", {"M", "N", "K"});
  EXPECT_EQ(e.integer({{"M", 1000}, {"N", 9}, {"K", 12}}), 8 * 4 + 2);
  const CardExpression half("t: f", "M / 2", {"M"});
  EXPECT_THROW(half.integer({{"M", 5}}), CardError);
  const CardExpression div("t: f", "M / (N - N)", {"M", "N"});
  try {
    div.integer({{"M", 5}, {"N", 3}});
    FAIL();
  } catch (const CardError& x) {
    EXPECT_NE(std::string(x.what()).find("division by zero"), std::string::npos) << x.what();
  }
}
