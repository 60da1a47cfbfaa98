// The fast families' rules, defaults, launch geometry and sweep spaces, on the 4090 and H100 specs.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/kernel_family.h"
#include "model/validate.h"

namespace gemmscope {
namespace {

const std::vector<std::string> kFast = {"store_bound", "simt_splitk", "tc_splitk", "tc_store_bound"};

GpuSpec spec(const std::string& key) {
  const auto specs = load_gpu_specs(default_gpu_spec_dir());
  auto s = find_spec(specs, key);
  if (!s) throw std::runtime_error("no spec " + key);
  return *s;
}

ProblemShape problem_for(const std::string& family) {
  return family == "store_bound" || family == "tc_store_bound" ? problem_p9() : problem_p6();
}

// Every point of a family's default sweep, the defaults with each axis value applied.
std::vector<KernelConfig> sweep_points(const KernelFamily& f, const ProblemShape& s, const GpuSpec& g) {
  std::vector<KernelConfig> points{f.defaults(s)};
  for (const auto& [p, values] : f.sweep_space(s, g)) {
    std::vector<KernelConfig> next;
    for (const auto& c : points)
      for (int v : values) {
        KernelConfig d = c;
        d.set(p, v);
        next.push_back(d);
      }
    points = next;
  }
  return points;
}

// A split-K family's grid on P6: N tiles by M tiles by slices, covering the 256 x 256 output.
void expect_grid_covers_p6(const KernelConfig& c, const LaunchStep& k) {
  EXPECT_EQ(k.grid.x * c.get("block_n"), 256);
  EXPECT_EQ(k.grid.y * c.get("block_m"), 256);
  EXPECT_EQ(k.grid.z, c.get("split_k"));
}

TEST(FastFamilies, AreRegistered) {
  for (const auto& name : kFast) {
    const FamilyPtr f = find_family(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->source(), name + ".cu");
  }
}

TEST(FastFamilies, DefaultsAreValidOnBothGpus) {
  for (const std::string key : {"rtx4090", "h100_sxm"})
    for (const auto& name : kFast) {
      const FamilyPtr f = find_family(name);
      const KernelConfig c = f->defaults(problem_for(name));
      const Validation e = validate(c, spec(key));
      EXPECT_TRUE(e.ok()) << name << " on " << key << ": " << e.message();
    }
}

TEST(FastFamilies, ChoicesAreValidInIsolation) {
  for (const auto& name : kFast) {
    const FamilyPtr f = find_family(name);
    for (const ParamDecl& d : f->params()) {
      EXPECT_TRUE(!d.values.empty() || d.is_range()) << name << " " << d.name;
      if (d.name == "block_m" || d.name == "block_n" || d.name == "block_k" || d.name == "thread_m" || d.name == "thread_n") {
        EXPECT_TRUE(d.power_of_two) << name << " " << d.name;
        for (int v : d.values) EXPECT_TRUE(is_pow2(v)) << name << " " << d.name << "=" << v;
      }
    }
  }
}

TEST(FastFamilies, SweepSpacesAreSmallAndMostlyValid) {
  const GpuSpec h100 = spec("h100_sxm");
  for (const auto& name : kFast) {
    const FamilyPtr f = find_family(name);
    const auto points = sweep_points(*f, problem_for(name), h100);
    EXPECT_LE(points.size(), 40u) << name;
    const auto valid = std::count_if(points.begin(), points.end(), [&](const KernelConfig& c) { return validate(c, h100).ok(); });
    EXPECT_GE(valid * 4, int64_t(points.size()) * 3) << name << ": " << valid << " of " << points.size() << " valid";
    // The defaults lie inside the space's axes, so a sweep can find them again.
    const KernelConfig d = f->defaults(problem_for(name));
    EXPECT_TRUE(std::any_of(points.begin(), points.end(), [&](const KernelConfig& c) { return config_name(c) == config_name(d); })) << name;
  }
}

TEST(StoreBound, PlanCoversP9) {
  const FamilyPtr f = find_family("store_bound");
  KernelConfig c = f->defaults(problem_p9());
  c.set("block_m", 64), c.set("block_n", 128), c.set("thread_m", 8), c.set("thread_n", 8);
  const LaunchPlan p = f->plan(c);
  ASSERT_EQ(p.steps.size(), 1u);
  const LaunchStep& k = p.steps[0];
  // 512 tile rows in strips of 8, times 256 tile columns.
  EXPECT_EQ(k.grid.count(), (32768 / 64 / 8) * (32768 / 128));
  EXPECT_EQ(k.block.count(), (64 / 8) * (128 / 8));
  EXPECT_EQ(k.dynamic_smem, (32 * 128 + 2 * 32 * (64 + 4)) * 4);
  EXPECT_EQ(p.workspace_bytes, 0);
}

TEST(StoreBound, PlanCoversRaggedShapes) {
  const FamilyPtr f = find_family("store_bound");
  KernelConfig c = f->defaults({1000, 999, 37});
  const LaunchPlan p = f->plan(c);
  const int64_t strips = ((1000 + c.get("block_m") - 1) / c.get("block_m") + 7) / 8;
  EXPECT_EQ(p.steps[0].grid.count(), strips * ((999 + c.get("block_n") - 1) / c.get("block_n")));
  EXPECT_EQ(p.steps[0].dynamic_smem, (40 * c.get("block_n") + 2 * 40 * (c.get("block_m") + 4)) * 4);  // K padded to 40
  EXPECT_TRUE(validate(c, spec("rtx4090")).ok());
}

TEST(StoreBound, RefusesLargeKNamingTheRule) {
  const FamilyPtr f = find_family("store_bound");
  KernelConfig c = f->defaults(problem_p9());
  c.shape.k = 4096;
  c.set("block_m", 128), c.set("block_n", 128);
  const Validation e = validate(c, spec("rtx4090"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("K"), nullptr) << e.message();
  EXPECT_NE(e.message().find("shared memory"), std::string::npos) << e.message();
}

TEST(StoreBound, RefusesBadThreadTiles) {
  const FamilyPtr f = find_family("store_bound");
  KernelConfig c = f->defaults(problem_p9());
  c.set("block_m", 32), c.set("thread_m", 64);
  Validation e = validate(c, spec("h100_sxm"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("thread_m"), nullptr) << e.message();
  c = f->defaults(problem_p9());
  c.set("thread_m", 16), c.set("thread_n", 16);  // 256 accumulators
  e = validate(c, spec("h100_sxm"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("accumulators"), std::string::npos) << e.message();
  c = f->defaults(problem_p9());
  c.set("block_m", 512), c.set("block_n", 512), c.set("thread_m", 4), c.set("thread_n", 4);  // 16384 threads
  e = validate(c, spec("h100_sxm"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("threads"), nullptr) << e.message();
}

TEST(SimtSplitK, PlanAtomicZeroesThenLaunchesSlices) {
  const FamilyPtr f = find_family("simt_splitk");
  KernelConfig c = f->defaults(problem_p6());
  c.set("split_k", 66), c.set("reduction", int(Reduction::Atomic));
  const LaunchPlan p = f->plan(c);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].kind, LaunchStep::Kind::ZeroOutput);
  const LaunchStep& k = p.steps[1];
  EXPECT_EQ(k.entry, "simt_splitk");
  EXPECT_EQ(k.grid, (Dim3{256 / c.get("block_n"), 256 / c.get("block_m"), 66}));
  EXPECT_EQ(k.block.count(), (c.get("block_m") / c.get("thread_m")) * (c.get("block_n") / c.get("thread_n")));
  EXPECT_EQ(k.dynamic_smem, int64_t(c.get("stages")) * c.get("block_k") * (c.get("block_m") + c.get("block_n")) * 4);
  EXPECT_EQ(p.workspace_bytes, 0);
  // 256 threads of 8x8 tiles: capped for two blocks per SM.
  const auto d = f->defines(c);
  EXPECT_NE(std::find(d.begin(), d.end(), "-DMIN_BLOCKS=2"), d.end());
}

TEST(SimtSplitK, PlanTwoPassHasWorkspaceAndReduce) {
  const FamilyPtr f = find_family("simt_splitk");
  KernelConfig c = f->defaults(problem_p6());
  c.set("split_k", 33), c.set("reduction", int(Reduction::TwoPass));
  const LaunchPlan p = f->plan(c);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].entry, "simt_splitk");
  EXPECT_EQ(p.steps[1].entry, "simt_splitk_reduce");
  EXPECT_GE(p.steps[1].grid.count() * p.steps[1].block.count(), std::min<int64_t>(256 * 256 / 4, 65536 * 256));
  EXPECT_EQ(p.workspace_bytes, int64_t(33) * 256 * 256 * 4);
}

TEST(SplitKFamilies, ServeUnalignedShapesWithTheElementWisePathAndRefuseColumnMajor) {
  const GpuSpec h100 = spec("h100_sxm");
  for (const char* name : {"simt_splitk", "tc_splitk"}) {
    const FamilyPtr f = find_family(name);
    for (const ProblemShape s : {ProblemShape{256, 256, 1001}, ProblemShape{256, 258, 1000}, ProblemShape{77, 131, 67}}) {
      const KernelConfig c = f->defaults(s);
      const Validation v = validate(c, h100);
      ASSERT_TRUE(v.ok()) << name << " " << problem_name(s) << ": " << v.message();
      const auto d = f->defines(c);
      EXPECT_NE(std::find(d.begin(), d.end(), "-DALIGNED16=0"), d.end()) << name << " " << problem_name(s);
    }
    // 16-byte rows keep the vector path (no define: the kernel's default).
    const auto d = f->defines(f->defaults({256, 256, 1000}));
    EXPECT_EQ(std::find(d.begin(), d.end(), "-DALIGNED16=0"), d.end()) << name;
    const Validation e = validate(f->defaults({256, 256, 1000, Layout::ColMajor, Layout::RowMajor}), h100);
    ASSERT_FALSE(e.ok()) << name;
    EXPECT_NE(e.about("layout"), nullptr) << e.message();
  }
}

TEST(SimtSplitK, RefusesTooManySlicesAndTooMuchSmem) {
  const FamilyPtr f = find_family("simt_splitk");
  KernelConfig c = f->defaults({256, 256, 1024});
  c.set("block_k", 32), c.set("split_k", 64);  // 32 K steps
  Validation e = validate(c, spec("h100_sxm"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("split_k"), nullptr) << e.message();
  c = f->defaults(problem_p6());
  c.set("block_k", 64), c.set("stages", 4);  // 4 x 64 x 256 x 4 B = 256 KB
  e = validate(c, spec("rtx4090"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("stages"), nullptr) << e.message();
  EXPECT_NE(e.message().find("RTX 4090"), std::string::npos) << e.message();
}

TEST(TcSplitK, DefaultsAreTf32x3AndPlanCoversP6) {
  const FamilyPtr f = find_family("tc_splitk");
  const KernelConfig c = f->defaults(problem_p6());
  EXPECT_EQ(Precision(c.get("precision")), Precision::TF32x3);
  const LaunchPlan p = f->plan(c);
  const LaunchStep* k = p.main_kernel();
  ASSERT_NE(k, nullptr);
  expect_grid_covers_p6(c, *k);
  EXPECT_EQ(k->dynamic_smem, int64_t(c.get("stages")) * (c.get("block_m") * (c.get("block_k") + 4) + c.get("block_k") * (c.get("block_n") + 8)) * 4);
  const auto d = f->defines(c);
  EXPECT_NE(std::find(d.begin(), d.end(), "-DPRECISION=2"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "-DWARPS_M=2"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "-DWARPS_N=4"), d.end());
}

TEST(TcSplitK, RefusesFp32AndOversizedWarpTiles) {
  const FamilyPtr f = find_family("tc_splitk");
  const GpuSpec h100 = spec("h100_sxm");
  KernelConfig c = f->defaults(problem_p6());
  c.set("precision", int(Precision::FP32));
  Validation e = validate(c, h100);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("precision"), nullptr) << e.message();
  c = f->defaults(problem_p6());
  c.set("threads", 128);  // 64x64 warp tiles: 32 mma tiles
  e = validate(c, h100);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("threads"), nullptr) << e.message();
  EXPECT_NE(e.message().find("mma tiles"), std::string::npos) << e.message();
  c = f->defaults(problem_p6());
  c.set("block_m", 32), c.set("threads", 512);  // 16 warps: 4 along M leave 8 rows each
  e = validate(c, h100);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("threads"), nullptr) << e.message();
}

TEST(TcSplitK, ErrorBoundsArePerPrecision) {
  const FamilyPtr f = find_family("tc_splitk");
  KernelConfig c = f->defaults(problem_p6());
  c.set("precision", int(Precision::TF32x3));
  EXPECT_LE(f->error_bound(c), 1e-5);
  c.set("precision", int(Precision::TF32));
  EXPECT_GT(f->error_bound(c), 1e-4);
}

TEST(TcStoreBound, DefaultsAreTf32x3AndPlanCoversP9) {
  const FamilyPtr f = find_family("tc_store_bound");
  const KernelConfig c = f->defaults(problem_p9());
  EXPECT_EQ(Precision(c.get("precision")), Precision::TF32x3);
  EXPECT_DOUBLE_EQ(f->error_bound(c), 1e-5);  // the base class's FP32 bound at K = 32
  const LaunchPlan p = f->plan(c);
  ASSERT_EQ(p.steps.size(), 1u);
  const LaunchStep& k = p.steps[0];
  EXPECT_EQ(k.entry, "tc_store_bound");
  // Strips of tiles_per_block tile rows, times the tile columns.
  EXPECT_EQ(k.grid.count(), (32768 / c.get("block_m") / c.get("tiles_per_block")) * (32768 / c.get("block_n")));
  EXPECT_EQ(k.block.count(), c.get("threads"));
  // B's 32 x block_n and two buffers of A's block_m x 32, big and small parts, no epilogue tile.
  ASSERT_EQ(c.get("stages"), 1);
  EXPECT_EQ(k.dynamic_smem, (32 * c.get("block_n") * 2 + 2 * 32 * c.get("block_m") * 2) * 4);
  EXPECT_EQ(p.workspace_bytes, 0);
  const auto d = f->defines(c);
  for (const char* want : {"-DPRECISION=2", "-DKC=32", "-DEPILOGUE=1"})
    EXPECT_NE(std::find(d.begin(), d.end(), want), d.end()) << want;
}

TEST(TcStoreBound, StagedEpilogueAndTf32ChangeSharedMemory) {
  const FamilyPtr f = find_family("tc_store_bound");
  KernelConfig c = f->defaults(problem_p9());
  c.set("block_m", 64), c.set("block_n", 128), c.set("threads", 256), c.set("stages", 1);
  const int64_t base = f->plan(c).steps[0].dynamic_smem;
  c.set("stages", 2);  // 8 warps x 16 rows x (32 + 16) floats
  EXPECT_EQ(f->plan(c).steps[0].dynamic_smem, base + 8 * 16 * 48 * 4);
  c.set("stages", 1), c.set("precision", int(Precision::TF32));  // no small parts
  EXPECT_EQ(f->plan(c).steps[0].dynamic_smem, base / 2);
  EXPECT_TRUE(validate(c, spec("rtx4090")).ok());
  EXPECT_GT(f->error_bound(c), 1e-4);
  c.set("precision", int(Precision::TF32x3));
  EXPECT_LE(f->error_bound(c), 1e-5);
}

TEST(TcStoreBound, RaggedShapesAreServedWithKPaddedTo8) {
  const FamilyPtr f = find_family("tc_store_bound");
  for (const char* shape : {"1000x999x100", "257x131x67", "333x4097x32", "77x132x68", "129x257x20:CC"}) {
    const KernelConfig c = f->defaults(parse_problem(shape));
    EXPECT_TRUE(validate(c, spec("rtx4090")).ok()) << shape << ": " << validate(c, spec("rtx4090")).message();
    EXPECT_TRUE(validate(c, spec("h100_sxm")).ok()) << shape;
  }
  const KernelConfig c = f->defaults(parse_problem("1000x999x100"));
  const auto d = f->defines(c);
  EXPECT_NE(std::find(d.begin(), d.end(), "-DKC=104"), d.end());
  const int64_t tiles_m = (1000 + c.get("block_m") - 1) / c.get("block_m");
  const int64_t tpb = c.get("tiles_per_block");
  EXPECT_EQ(f->plan(c).steps[0].grid.count(), (tiles_m + tpb - 1) / tpb * ((999 + c.get("block_n") - 1) / c.get("block_n")));
}

TEST(TcStoreBound, OverlappedEpiloguesAddTheirBuffersAndStoreWarps) {
  const FamilyPtr f = find_family("tc_store_bound");
  KernelConfig c = f->defaults(problem_p9());
  c.set("block_m", 64), c.set("block_n", 256), c.set("threads", 256), c.set("stages", 1);
  const int64_t base = f->plan(c).steps[0].dynamic_smem;
  c.set("stages", 3);  // two C buffers of 64 x 256 floats, and 4 store warps beside the 8 math warps
  EXPECT_EQ(f->plan(c).steps[0].dynamic_smem, base + 2 * 64 * 256 * 4);
  EXPECT_EQ(f->plan(c).steps[0].block.count(), 256 + 4 * 32);
  const auto d3 = f->defines(c);
  EXPECT_NE(std::find(d3.begin(), d3.end(), "-DSTORE_WARPS=4"), d3.end());
  EXPECT_TRUE(validate(c, spec("h100_sxm")).ok()) << validate(c, spec("h100_sxm")).message();
  c.set("stages", 4);  // the same buffers, no store warps; the bulk copy engine is sm_90's
  EXPECT_EQ(f->plan(c).steps[0].dynamic_smem, base + 2 * 64 * 256 * 4);
  EXPECT_EQ(f->plan(c).steps[0].block.count(), 256);
  EXPECT_TRUE(validate(c, spec("h100_sxm")).ok());
  c.set("block_m", 32), c.set("block_n", 128);
  const Validation on_4090 = validate(c, spec("rtx4090"));
  ASSERT_FALSE(on_4090.ok());
  EXPECT_NE(on_4090.message().find("stages"), std::string::npos) << on_4090.message();
  EXPECT_NE(on_4090.message().find("sm_89"), std::string::npos) << on_4090.message();
  // blocks_per_sm sets __launch_bounds__' minimum; 0 keeps the family's rule.
  c.set("stages", 1), c.set("blocks_per_sm", 3);
  const auto d1 = f->defines(c);
  EXPECT_NE(std::find(d1.begin(), d1.end(), "-DMIN_BLOCKS=3"), d1.end());
}

TEST(TcStoreBound, RefusesLargeKFp32AndBadWarpTiles) {
  const FamilyPtr f = find_family("tc_store_bound");
  const GpuSpec h100 = spec("h100_sxm");
  KernelConfig c = f->defaults(problem_p9());
  c.shape.k = 4096;
  Validation e = validate(c, h100);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("K"), nullptr) << e.message();
  EXPECT_NE(e.message().find("whole K"), std::string::npos) << e.message();
  c = f->defaults(problem_p9());
  c.shape.k = 128, c.set("block_m", 128), c.set("block_n", 256), c.set("threads", 512);  // (128 x 256 + 2 x 128 x 128) x 2 x 4 B
  e = validate(c, spec("rtx4090"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("K"), nullptr) << e.message();
  EXPECT_NE(e.message().find("shared memory"), std::string::npos) << e.message();
  c = f->defaults(problem_p9());
  c.set("precision", int(Precision::FP32));
  e = validate(c, h100);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("precision"), nullptr) << e.message();
  c = f->defaults(problem_p9());
  c.set("block_m", 128), c.set("block_n", 256), c.set("threads", 256);  // 64x64 warp tiles: 32 mma tiles
  e = validate(c, h100);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("threads"), nullptr) << e.message();
  EXPECT_NE(e.message().find("mma tiles"), std::string::npos) << e.message();
  c = f->defaults(problem_p9());
  c.set("block_m", 64), c.set("block_n", 32), c.set("threads", 256);  // 4 warps along N leave 8 columns each
  e = validate(c, h100);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("threads"), nullptr) << e.message();
}

TEST(TcStoreBound, SweepFitsBothGpusWithoutSmCounts) {
  const FamilyPtr f = find_family("tc_store_bound");
  for (const std::string key : {"rtx4090", "h100_sxm"}) {
    const GpuSpec g = spec(key);
    const auto points = sweep_points(*f, problem_p9(), g);
    EXPECT_LE(points.size(), 40u);
    const auto valid = std::count_if(points.begin(), points.end(), [&](const KernelConfig& c) { return validate(c, g).ok(); });
    // The 4090's 99 KB per block takes the smaller tiles only; the H100 nearly all.
    EXPECT_GE(valid * (key == "h100_sxm" ? 4 : 3), int64_t(points.size()) * (key == "h100_sxm" ? 3 : 1)) << key << ": " << valid;
  }
}

// The wgmma families: Hopper's extra paths. Each refuses every GPU but a 9.0 one, naming the rule
// and the mma.sync family to use instead, and compiles for sm_90a there.
TEST(WgmmaFamilies, RunOn90AloneAndCompileForSm90a) {
  struct Case {
    const char* family;
    ProblemShape problem;
    const char* instead;
  };
  for (const Case& k : {Case{"wgmma_splitk", problem_p6(), "tc_splitk"}, Case{"wgmma_store_bound", problem_p9(), "tc_store_bound"}}) {
    const FamilyPtr f = find_family(k.family);
    ASSERT_NE(f, nullptr) << k.family;
    EXPECT_EQ(f->source(), std::string(k.family) + ".cu");
    const KernelConfig c = f->defaults(k.problem);
    const Validation on4090 = validate(c, spec("rtx4090"));
    ASSERT_FALSE(on4090.ok()) << k.family;
    ASSERT_NE(on4090.about("family"), nullptr) << on4090.message();
    EXPECT_NE(on4090.message().find("sm_89"), std::string::npos) << on4090.message();
    EXPECT_NE(on4090.message().find(k.instead), std::string::npos) << on4090.message();
    for (const std::string key : {"h100_sxm", "h200"}) {
      const Validation v = validate(c, spec(key));
      ASSERT_TRUE(v.ok()) << k.family << " on " << key << ": " << v.message();
      EXPECT_EQ(v.launch->arch, "sm_90a") << k.family << " on " << key;
    }
  }
  // Every other family compiles for the GPU's own architecture.
  EXPECT_EQ(validate(find_family("tc_splitk")->defaults(problem_p6()), spec("h100_sxm")).launch->arch, "sm_90");
}

TEST(WgmmaSplitK, PlanCoversP6AndSharedMemoryFollowsTheTile) {
  const FamilyPtr f = find_family("wgmma_splitk");
  KernelConfig c = f->defaults(problem_p6());
  EXPECT_EQ(Precision(c.get("precision")), Precision::TF32x3);
  const LaunchPlan p = f->plan(c);
  const LaunchStep* k = p.main_kernel();
  ASSERT_NE(k, nullptr);
  expect_grid_covers_p6(c, *k);
  EXPECT_EQ(k->block.x, c.get("block_n") / 64 * 128);  // a warpgroup per 64 columns
  // Stages of whole KB (the A tile's swizzle repeats every 1024 bytes), and 1 KB to align the first.
  const int64_t floats = int64_t(c.get("block_m")) * c.get("block_k") + c.get("block_k") * (c.get("block_n") + 8);
  const int64_t stage = (floats + 255) / 256 * 256;
  EXPECT_EQ(stage * 4 % 1024, 0);
  // tf32x3 keeps the A tile's small parts in two buffers of their own (this tile's, the next's).
  EXPECT_EQ(k->dynamic_smem, (c.get("stages") * stage + 2 * c.get("block_m") * c.get("block_k")) * 4 + 1024);
  c.set("precision", int(Precision::TF32));
  EXPECT_EQ(f->plan(c).main_kernel()->dynamic_smem, c.get("stages") * stage * 4 + 1024);
}

TEST(WgmmaSplitK, RefusesTooManyAccumulatorsAndFp32) {
  const FamilyPtr f = find_family("wgmma_splitk");
  const GpuSpec h100 = spec("h100_sxm");
  KernelConfig c = f->defaults(problem_p6());
  c.set("block_m", 256);  // 128 accumulators, twice with the flush's fresh tile
  Validation e = validate(c, h100);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("block_m"), nullptr) << e.message();
  EXPECT_NE(e.message().find("256 accumulators"), std::string::npos) << e.message();
  c.set("flush", 0), c.set("stages", 2);  // 256-row stages and two small-part buffers: 2 stages fit 227 KB
  EXPECT_TRUE(validate(c, h100).ok()) << validate(c, h100).message();
  c.set("flush", 1), c.set("precision", int(Precision::TF32));  // plain tf32 never flushes
  EXPECT_TRUE(validate(c, h100).ok()) << validate(c, h100).message();
  c.set("precision", int(Precision::FP32));
  e = validate(c, h100);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("precision"), nullptr) << e.message();
}

TEST(WgmmaSplitK, SweepIsSmallMostlyValidAndHoldsTheDefaults) {
  const FamilyPtr f = find_family("wgmma_splitk");
  const GpuSpec h100 = spec("h100_sxm");
  const auto points = sweep_points(*f, problem_p6(), h100);
  EXPECT_LE(points.size(), 40u);
  const auto valid = std::count_if(points.begin(), points.end(), [&](const KernelConfig& c) { return validate(c, h100).ok(); });
  EXPECT_GE(valid * 4, int64_t(points.size()) * 3) << valid << " of " << points.size() << " valid";
}

// wgmma_store_bound: Hopper's extra path for P9 (its 9.0 rule is in WgmmaFamilies above).
TEST(WgmmaStoreBound, PlanCoversP9AndSharedMemoryFollowsTheTile) {
  const FamilyPtr f = find_family("wgmma_store_bound");
  KernelConfig c = f->defaults(problem_p9());
  EXPECT_EQ(Precision(c.get("precision")), Precision::TF32x3);
  EXPECT_DOUBLE_EQ(f->error_bound(c), 1e-5);
  const LaunchPlan p = f->plan(c);
  ASSERT_EQ(p.steps.size(), 1u);
  const LaunchStep& k = p.steps[0];
  EXPECT_EQ(k.entry, "wgmma_store_bound");
  const int block_m = c.get("block_m");
  EXPECT_EQ(k.block.count(), block_m / 64 * 128);  // a warpgroup per 64 rows
  EXPECT_EQ(k.grid.count(), (32768 / block_m / c.get("tiles_per_block")) * (32768 / c.get("block_n")));
  // The B^T slice (block_n x 32) and two 64 x 32 A buffers a warpgroup, big and small, + 1 KB.
  const int64_t parts_floats = 32 * c.get("block_n") + 2 * block_m * 32;
  EXPECT_EQ(k.dynamic_smem, 2 * parts_floats * 4 + 1024);
  EXPECT_EQ((k.dynamic_smem - 1024) % 1024, 0);  // every tile whole swizzle atoms
  c.set("precision", int(Precision::TF32));
  EXPECT_EQ(f->plan(c).steps[0].dynamic_smem, parts_floats * 4 + 1024);
  EXPECT_GT(f->error_bound(c), 1e-4);
  const auto d = f->defines(f->defaults(problem_p9()));
  for (const char* want : {"-DPRECISION=2", "-DKC=32", "-DBLOCK_N=128", "-DWARPGROUPS=1", "-DMIN_BLOCKS=2"})
    EXPECT_NE(std::find(d.begin(), d.end(), want), d.end()) << want;
  EXPECT_EQ(std::find(d.begin(), d.end(), "-DALIGNED16=0"), d.end());
}

TEST(WgmmaStoreBound, RaggedShapesAreServedWithKPaddedTo32) {
  const FamilyPtr f = find_family("wgmma_store_bound");
  const GpuSpec h200 = spec("h200");
  for (const char* shape : {"1000x999x100", "257x131x67", "333x4097x32", "77x132x68", "4097x333x7", "129x257x20:RC", "1x1x1"}) {
    const KernelConfig c = f->defaults(parse_problem(shape));
    EXPECT_TRUE(validate(c, h200).ok()) << shape << ": " << validate(c, h200).message();
  }
  // K = 100: slices of 128 floats of K; tf32x3 fits one 64-column block an SM.
  const KernelConfig c = f->defaults(parse_problem("1000x999x100"));
  const auto d = f->defines(c);
  EXPECT_NE(std::find(d.begin(), d.end(), "-DKC=128"), d.end());
  EXPECT_EQ(c.get("block_n"), 64);
  EXPECT_EQ(c.get("blocks_per_sm"), 1);
  // K not a multiple of 4: A's rows are not 16-byte aligned, so the copies go element by element.
  const auto d67 = f->defines(f->defaults(parse_problem("257x131x67")));
  EXPECT_NE(std::find(d67.begin(), d67.end(), "-DALIGNED16=0"), d67.end());
}

TEST(WgmmaStoreBound, RefusesLargeKFp32ColumnMajorAAndRegisterOrSmemOverflow) {
  const FamilyPtr f = find_family("wgmma_store_bound");
  const GpuSpec h200 = spec("h200");
  Validation e = validate(f->defaults(problem_p6()), h200);
  ASSERT_FALSE(e.ok());
  ASSERT_NE(e.about("K"), nullptr) << e.message();
  EXPECT_NE(e.message().find("524288"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("wgmma_splitk"), std::string::npos) << e.message();
  KernelConfig c = f->defaults(problem_p9());
  c.set("precision", int(Precision::FP32));
  e = validate(c, h200);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("precision"), nullptr) << e.message();
  e = validate(f->defaults(parse_problem("1024x1024x32:CR")), h200);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.about("layout"), nullptr) << e.message();
  // 128 columns need two accumulator sets of 64 and addresses: four blocks of 128 threads cap a
  // thread at 128 registers.
  c = f->defaults(problem_p9());
  c.set("blocks_per_sm", 4);
  e = validate(c, h200);
  ASSERT_FALSE(e.ok());
  ASSERT_NE(e.about("blocks_per_sm"), nullptr) << e.message();
  EXPECT_NE(e.message().find("caps registers at 128"), std::string::npos) << e.message();
  c.set("block_n", 64);
  EXPECT_TRUE(validate(c, h200).ok()) << validate(c, h200).message();
  // K = 64 in tf32x3 at 128 columns: 132 KB a block, so two do not fit an SM's 228 KB.
  c = f->defaults(parse_problem("4096x4096x64"));
  c.set("block_n", 128), c.set("blocks_per_sm", 2);
  e = validate(c, h200);
  ASSERT_FALSE(e.ok());
  ASSERT_NE(e.about("blocks_per_sm"), nullptr) << e.message();
  EXPECT_NE(e.message().find("holds 1 an SM"), std::string::npos) << e.message();
}

TEST(WgmmaStoreBound, SweepIsSmallMostlyValidAndHoldsTheDefaults) {
  const FamilyPtr f = find_family("wgmma_store_bound");
  const GpuSpec h200 = spec("h200");
  const auto points = sweep_points(*f, problem_p9(), h200);
  EXPECT_LE(points.size(), 48u);
  const auto valid = std::count_if(points.begin(), points.end(), [&](const KernelConfig& c) { return validate(c, h200).ok(); });
  EXPECT_GE(valid * 4, int64_t(points.size()) * 3) << valid << " of " << points.size() << " valid";
  const KernelConfig d = f->defaults(problem_p9());
  EXPECT_NE(std::find_if(points.begin(), points.end(), [&](const KernelConfig& c) { return c.params == d.params; }), points.end());
}

}  // namespace
}  // namespace gemmscope
