// Every config of every family's default sweep space, for both seed problems, compiles with
// NVRTC for sm_89 (the 4090) and sm_90 (the H100), with no GPU; registers and shared memory
// read back from the cubin agree with what ptxas reported, and give a theoretical occupancy.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <set>
#include <unistd.h>

#include "model/sweep_plan.h"
#include "model/validate.h"
#include "model/kernel_family.h"
#include "model/occupancy.h"
#include "runner/jit_compiler.h"

using namespace gemmscope;

namespace {

struct Case {
  std::string family, arch, spec_key;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.family << "@" << c.arch; }

std::string case_name(const testing::TestParamInfo<Case>& i) { return i.param.family + "_" + i.param.arch; }

// Each family for the target it compiles for on each GPU (sm_90a for wgmma_splitk on the H100),
// where it runs there at all (wgmma_splitk refuses the 4090, and the 4090 case would compile nothing).
std::vector<Case> cases() {
  std::vector<Case> v;
  const auto specs = load_gpu_specs(default_gpu_spec_dir());
  for (const auto& f : families())
    if (!f->source().empty())
      for (const char* key : {"rtx4090", "h100_sxm"}) {
        const GpuSpec spec = *find_spec(specs, key);
        if (validate(f->defaults(problem_p6()), spec).ok() || validate(f->defaults(problem_p9()), spec).ok())
          v.push_back({f->name(), f->target_arch(spec), key});
      }
  return v;
}

// ptxas --verbose: "Compiling entry function 'NAME' for 'sm_90'" then "Used N registers, ... M bytes smem".
std::map<std::string, std::pair<int, int>> ptxas_report(const std::string& log) {
  std::map<std::string, std::pair<int, int>> out;
  static const std::regex entry(R"(Compiling entry function '([A-Za-z0-9_]+)')");
  static const std::regex used(R"(Used (\d+) registers)");
  static const std::regex smem(R"((\d+) bytes smem)");
  std::string current;
  std::istringstream in(log);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, entry)) current = m[1];
    if (!current.empty() && std::regex_search(line, m, used)) {
      int s = 0;
      std::smatch ms;
      if (std::regex_search(line, ms, smem)) s = std::stoi(ms[1]);
      out[current] = {std::stoi(m[1]), s};
    }
  }
  return out;
}

class JitCompile : public testing::TestWithParam<Case> {};

}  // namespace

TEST_P(JitCompile, EveryDefaultSweepConfigCompilesAndReportsItsResources) {
  const Case& c = GetParam();
  const KernelFamily& family = *find_family(c.family);
  const GpuSpec spec = *find_spec(load_gpu_specs(default_gpu_spec_dir()), c.spec_key);
  // A fresh cache: a cubin cached by an earlier run would come back without ptxas' report, and
  // the cross-check below must see every kernel compiled.
  const std::string cache = testing::TempDir() + "/gemmscope_jit_sweep_" + c.family + "_" + c.arch + "_" + std::to_string(getpid());
  std::filesystem::remove_all(cache);
  struct RemoveAfter {
    std::string dir;
    ~RemoveAfter() { std::filesystem::remove_all(dir); }
  } remove_after{cache};
  const JitCompiler jit(cache);
  std::set<std::vector<std::string>> seen;
  int compiled = 0;
  for (const ProblemShape& shape : {problem_p9(), problem_p6()}) {
    SweepPlan plan;
    plan.base = family.defaults(shape);
    plan.axes = family.sweep_space(shape, spec);
    for (const auto& pt : expand(plan, spec)) {
      if (!pt.valid()) continue;
      const auto defines = family.defines(pt.config);
      if (!seen.insert(defines).second) continue;  // same kernel as an earlier point
      CompiledModule m;
      try {
        m = jit.compile(family.source(), defines, c.arch);
      } catch (const CompileError& e) {
        ADD_FAILURE() << config_name(pt.config) << ": " << e.what();
        continue;
      }
      ++compiled;
      const auto reported = ptxas_report(m.log);
      for (const auto& step : family.plan(pt.config).steps) {
        if (step.kind != LaunchStep::Kind::Kernel) continue;
        ASSERT_TRUE(m.resources.count(step.entry)) << config_name(pt.config) << " has no entry " << step.entry;
        const KernelResources& r = m.resources.at(step.entry);
        EXPECT_GT(r.registers, 0) << config_name(pt.config);
        EXPECT_LE(r.registers, spec.max_regs_per_thread) << config_name(pt.config);
        ASSERT_FALSE(m.cache_hit) << config_name(pt.config) << " came from a cache the test did not fill";
        ASSERT_TRUE(reported.count(step.entry)) << "ptxas said nothing about " << step.entry << "\n" << m.log;
        EXPECT_EQ(r.registers, reported.at(step.entry).first) << config_name(pt.config) << " " << step.entry;
        EXPECT_EQ(r.static_smem, reported.at(step.entry).second) << config_name(pt.config) << " " << step.entry;
        if (step.entry == family.plan(pt.config).main_kernel()->entry) {
          const Occupancy o = theoretical_occupancy(spec, int(step.block.count()), r.registers, r.static_smem + step.dynamic_smem);
          RecordProperty(config_name(pt.config) + "@" + c.arch, std::to_string(r.registers) + " regs, " + std::to_string(r.static_smem) +
                                                               " B smem, occupancy " + std::to_string(o.fraction));
        }
      }
    }
  }
  EXPECT_GT(compiled, 0) << "no config of " << c.family << " compiled";
}

INSTANTIATE_TEST_SUITE_P(Families, JitCompile, testing::ValuesIn(cases()), case_name);

// Shapes whose rows are not 16-byte aligned (K, N not multiples of 4) take other code paths
// (the split-K families' element-wise copies): each family's defaults there compile too.
TEST(JitCompile, RaggedShapesCompileForBothArchitectures) {
  const JitCompiler jit("");
  const auto specs = load_gpu_specs(default_gpu_spec_dir());
  int compiled = 0;
  for (const auto& f : families()) {
    if (f->source().empty()) continue;
    for (const char* shape : {"1000x777x333", "77x131x67", "333x4097x30"})
      for (const char* key : {"rtx4090", "h100_sxm"}) {
        const KernelConfig c = f->defaults(parse_problem(shape));
        const Validation v = validate(c, *find_spec(specs, key));
        if (!v.ok()) continue;
        const std::string arch = v.launch->arch;
        try {
          jit.compile(f->source(), f->defines(c), arch);
          ++compiled;
        } catch (const CompileError& e) {
          ADD_FAILURE() << config_name(c) << " for " << arch << ": " << e.what() << "\n" << e.log;
        }
      }
  }
  EXPECT_GE(compiled, 20);
}

// Every epilogue of tc_store_bound (its default sweep takes stages=1 only) compiles wherever it is
// valid: 1 to 3 for sm_89 and sm_90, 4 (the bulk copy engine) for sm_90 alone.
TEST(JitCompile, EveryTcStoreBoundEpilogueCompiles) {
  const JitCompiler jit("");
  const auto specs = load_gpu_specs(default_gpu_spec_dir());
  const KernelFamily& f = *find_family("tc_store_bound");
  std::set<std::string> compiled;  // "sm_90 stages=4"
  for (auto [arch, key] : {std::pair{"sm_89", "rtx4090"}, {"sm_90", "h100_sxm"}})
    for (int stages : find_param(f.params(), "stages")->values)
      for (const char* shape : {"p9", "1000x999x100"}) {
        KernelConfig c = f.defaults(parse_problem(shape));
        c.set("stages", stages);
        if (!validate(c, *find_spec(specs, key)).ok()) continue;
        try {
          const CompiledModule m = jit.compile(f.source(), f.defines(c), arch);
          EXPECT_TRUE(m.resources.count("tc_store_bound")) << config_name(c);
          compiled.insert(std::string(arch) + " stages=" + std::to_string(stages));
        } catch (const CompileError& e) {
          ADD_FAILURE() << config_name(c) << " for " << arch << ": " << e.what() << "\n" << e.log;
        }
      }
  const std::set<std::string> want = {"sm_89 stages=1", "sm_89 stages=2", "sm_89 stages=3", "sm_90 stages=1",
                                      "sm_90 stages=2", "sm_90 stages=3", "sm_90 stages=4"};
  EXPECT_EQ(compiled, want);
}

// The wgmma ceiling kernel is Hopper's alone: it compiles for sm_90a and refuses plain sm_90.
TEST(JitCompile, TheWgmmaCeilingCompilesForSm90aOnly) {
  const JitCompiler jit("");
  const CompiledModule m = jit.compile("measure_wgmma.cu", {}, "sm_90a");
  ASSERT_TRUE(m.resources.count("ceil_tf32_wgmma"));
  EXPECT_EQ(m.resources.at("ceil_tf32_wgmma").static_smem, 2 * (64 + 128) * 8 * 4);
  EXPECT_LE(m.resources.at("ceil_tf32_wgmma").registers, 128);
  try {
    jit.compile("measure_wgmma.cu", {}, "sm_90");
    FAIL() << "compiled for sm_90";
  } catch (const CompileError& e) {
    EXPECT_NE(e.log.find("sm_90a"), std::string::npos) << e.log;
  }
}

TEST(CubinResources, KnownKernelMatchesItsSource) {
  // The P6 seed baseline's static shared memory is BLOCK_K x (BLOCK_M + 1 + BLOCK_N) floats.
  const JitCompiler jit("");
  const KernelConfig c = find_family("seed_tiled")->defaults(problem_p6());
  const CompiledModule m = jit.compile("tiled_gemm.cu", find_family("seed_tiled")->defines(c), "sm_90");
  ASSERT_TRUE(m.resources.count("tiled_gemm"));
  EXPECT_EQ(m.resources.at("tiled_gemm").static_smem, 32 * (128 + 1 + 128) * 4);
  EXPECT_EQ(m.resources.at("tiled_gemm").max_threads, 256);  // __launch_bounds__(THREADS)
  EXPECT_FALSE(m.cache_hit);
}

TEST(CubinResources, RejectsBytesThatAreNotACubin) {
  EXPECT_THROW(read_cubin_resources("definitely not an ELF"), std::runtime_error);
  std::string truncated = "\x7f" "ELF";
  truncated.resize(40, '\2');
  EXPECT_THROW(read_cubin_resources(truncated), std::runtime_error);
}

TEST(JitCompiler, ABadDefineGivesTheNvrtcLogNamingTheProblem) {
  const JitCompiler jit("");
  try {
    jit.compile("tiled_gemm.cu", {"-DBLOCK_M=128"}, "sm_90");  // the other tile sizes are missing
    FAIL();
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("tiled_gemm.cu"), std::string::npos);
    EXPECT_NE(e.log.find("BLOCK_N"), std::string::npos) << e.log;
  }
}

TEST(JitCompiler, TheDiskCacheReturnsTheSameCubin) {
  const std::string dir = testing::TempDir() + "/gemmscope_jit_cache_test";
  std::filesystem::remove_all(dir);
  const JitCompiler jit(dir);
  const auto& f = *find_family("seed_tall_skinny");
  const auto d = f.defines(f.defaults(problem_p9()));
  const CompiledModule a = jit.compile(f.source(), d, "sm_89");
  const CompiledModule b = jit.compile(f.source(), d, "sm_89");
  EXPECT_FALSE(a.cache_hit);
  EXPECT_TRUE(b.cache_hit);
  EXPECT_EQ(a.cubin, b.cubin);
  EXPECT_EQ(a.key, b.key);
  EXPECT_NE(jit.compile(f.source(), d, "sm_90").key, a.key);  // the architecture is part of the key
  std::filesystem::remove_all(dir);
}
