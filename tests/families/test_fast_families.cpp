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
        set_param(d, p, v);
        next.push_back(d);
      }
    points = next;
  }
  return points;
}

TEST(FastFamilies, AreRegistered) {
  for (const auto& name : kFast) {
    const KernelFamily* f = find_family(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->source(), name + ".cu");
  }
}

TEST(FastFamilies, DefaultsAreValidOnBothGpus) {
  for (const std::string key : {"rtx4090", "h100_sxm"})
    for (const auto& name : kFast) {
      const KernelFamily* f = find_family(name);
      const KernelConfig c = f->defaults(problem_for(name));
      const Check e = validate(c, spec(key));
      EXPECT_FALSE(e) << name << " on " << key << ": " << (e ? e->message() : "");
    }
}

TEST(FastFamilies, ChoicesAreValidInIsolation) {
  for (const auto& name : kFast) {
    const KernelFamily* f = find_family(name);
    for (Param p : f->params()) {
      const auto values = f->choices(p);
      EXPECT_FALSE(values.empty()) << name << " " << param_name(p);
      if (p == Param::BlockM || p == Param::BlockN || p == Param::BlockK || p == Param::ThreadM || p == Param::ThreadN) {
        for (int v : values) EXPECT_TRUE(is_pow2(v)) << name << " " << param_name(p) << "=" << v;
      }
    }
  }
}

TEST(FastFamilies, SweepSpacesAreSmallAndMostlyValid) {
  const GpuSpec h100 = spec("h100_sxm");
  for (const auto& name : kFast) {
    const KernelFamily* f = find_family(name);
    const auto points = sweep_points(*f, problem_for(name), h100);
    EXPECT_LE(points.size(), 40u) << name;
    const auto valid = std::count_if(points.begin(), points.end(), [&](const KernelConfig& c) { return !validate(c, h100); });
    EXPECT_GE(valid * 4, int64_t(points.size()) * 3) << name << ": " << valid << " of " << points.size() << " valid";
    // The defaults lie inside the space's axes, so a sweep can find them again.
    const KernelConfig d = f->defaults(problem_for(name));
    EXPECT_TRUE(std::any_of(points.begin(), points.end(), [&](const KernelConfig& c) { return c.name() == d.name(); })) << name;
  }
}

TEST(StoreBound, PlanCoversP9) {
  const KernelFamily* f = find_family("store_bound");
  KernelConfig c = f->defaults(problem_p9());
  c.block_m = 64, c.block_n = 128, c.thread_m = 8, c.thread_n = 8;
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
  const KernelFamily* f = find_family("store_bound");
  KernelConfig c = f->defaults({1000, 999, 37});
  const LaunchPlan p = f->plan(c);
  const int64_t strips = ((1000 + c.block_m - 1) / c.block_m + 7) / 8;
  EXPECT_EQ(p.steps[0].grid.count(), strips * ((999 + c.block_n - 1) / c.block_n));
  EXPECT_EQ(p.steps[0].dynamic_smem, (40 * c.block_n + 2 * 40 * (c.block_m + 4)) * 4);  // K padded to 40
  EXPECT_FALSE(validate(c, spec("rtx4090")));
}

TEST(StoreBound, RefusesLargeKNamingTheRule) {
  const KernelFamily* f = find_family("store_bound");
  KernelConfig c = f->defaults(problem_p9());
  c.shape.k = 4096;
  c.block_m = 128, c.block_n = 128;
  const Check e = validate(c, spec("rtx4090"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "K");
  EXPECT_NE(e->rule.find("shared memory"), std::string::npos) << e->message();
}

TEST(StoreBound, RefusesBadThreadTiles) {
  const KernelFamily* f = find_family("store_bound");
  KernelConfig c = f->defaults(problem_p9());
  c.block_m = 32, c.thread_m = 64;
  Check e = validate(c, spec("h100_sxm"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "thread_m");
  c = f->defaults(problem_p9());
  c.thread_m = 16, c.thread_n = 16;  // 256 accumulators
  e = validate(c, spec("h100_sxm"));
  ASSERT_TRUE(e);
  EXPECT_NE(e->rule.find("accumulators"), std::string::npos) << e->message();
  c = f->defaults(problem_p9());
  c.block_m = 512, c.block_n = 512, c.thread_m = 4, c.thread_n = 4;  // 16384 threads
  e = validate(c, spec("h100_sxm"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "threads");
}

TEST(SimtSplitK, PlanAtomicZeroesThenLaunchesSlices) {
  const KernelFamily* f = find_family("simt_splitk");
  KernelConfig c = f->defaults(problem_p6());
  c.split_k = 66, c.reduction = Reduction::Atomic;
  const LaunchPlan p = f->plan(c);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].kind, LaunchStep::Kind::ZeroOutput);
  const LaunchStep& k = p.steps[1];
  EXPECT_EQ(k.entry, "simt_splitk");
  EXPECT_EQ(k.grid, (Dim3{256 / c.block_n, 256 / c.block_m, 66}));
  EXPECT_EQ(k.block.count(), (c.block_m / c.thread_m) * (c.block_n / c.thread_n));
  EXPECT_EQ(k.dynamic_smem, int64_t(c.stages) * c.block_k * (c.block_m + c.block_n) * 4);
  EXPECT_EQ(p.workspace_bytes, 0);
  // 256 threads of 8x8 tiles: capped for two blocks per SM.
  const auto d = f->defines(c);
  EXPECT_NE(std::find(d.begin(), d.end(), "-DMIN_BLOCKS=2"), d.end());
}

TEST(SimtSplitK, PlanTwoPassHasWorkspaceAndReduce) {
  const KernelFamily* f = find_family("simt_splitk");
  KernelConfig c = f->defaults(problem_p6());
  c.split_k = 33, c.reduction = Reduction::TwoPass;
  const LaunchPlan p = f->plan(c);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].entry, "simt_splitk");
  EXPECT_EQ(p.steps[1].entry, "simt_splitk_reduce");
  EXPECT_GE(p.steps[1].grid.count() * p.steps[1].block.count(), std::min<int64_t>(256 * 256 / 4, 65536 * 256));
  EXPECT_EQ(p.workspace_bytes, int64_t(33) * 256 * 256 * 4);
}

TEST(SimtSplitK, RefusesUnalignedAndColumnMajor) {
  const KernelFamily* f = find_family("simt_splitk");
  const GpuSpec h100 = spec("h100_sxm");
  KernelConfig c = f->defaults({256, 256, 1001});
  Check e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "K");
  EXPECT_NE(e->rule.find("K % 4 == 0"), std::string::npos) << e->message();
  c = f->defaults({256, 258, 1000});
  e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "N");
  c = f->defaults({256, 256, 1000, Layout::ColMajor, Layout::RowMajor});
  e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "layout");
}

TEST(SimtSplitK, RefusesTooManySlicesAndTooMuchSmem) {
  const KernelFamily* f = find_family("simt_splitk");
  KernelConfig c = f->defaults({256, 256, 1024});
  c.block_k = 32, c.split_k = 64;  // 32 K steps
  Check e = validate(c, spec("h100_sxm"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "split_k");
  c = f->defaults(problem_p6());
  c.block_k = 64, c.stages = 4;  // 4 x 64 x 256 x 4 B = 256 KB
  e = validate(c, spec("rtx4090"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "stages");
  EXPECT_NE(e->rule.find("RTX 4090"), std::string::npos) << e->message();
}

TEST(TcSplitK, DefaultsAreTf32x3AndPlanCoversP6) {
  const KernelFamily* f = find_family("tc_splitk");
  const KernelConfig c = f->defaults(problem_p6());
  EXPECT_EQ(c.precision, Precision::TF32x3);
  const LaunchPlan p = f->plan(c);
  const LaunchStep* k = p.main_kernel();
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->grid.x * c.block_n, 256);
  EXPECT_EQ(k->grid.y * c.block_m, 256);
  EXPECT_EQ(k->grid.z, c.split_k);
  EXPECT_EQ(k->dynamic_smem, int64_t(c.stages) * (c.block_m * (c.block_k + 4) + c.block_k * (c.block_n + 8)) * 4);
  const auto d = f->defines(c);
  EXPECT_NE(std::find(d.begin(), d.end(), "-DPRECISION=2"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "-DWARPS_M=2"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "-DWARPS_N=4"), d.end());
}

TEST(TcSplitK, RefusesFp32AndOversizedWarpTiles) {
  const KernelFamily* f = find_family("tc_splitk");
  const GpuSpec h100 = spec("h100_sxm");
  KernelConfig c = f->defaults(problem_p6());
  c.precision = Precision::FP32;
  Check e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "precision");
  c = f->defaults(problem_p6());
  c.threads = 128;  // 64x64 warp tiles: 32 mma tiles
  e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "threads");
  EXPECT_NE(e->rule.find("mma tiles"), std::string::npos) << e->message();
  c = f->defaults(problem_p6());
  c.block_m = 32, c.threads = 512;  // 16 warps: 4 along M leave 8 rows each
  e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "threads");
}

TEST(TcSplitK, ErrorBoundsArePerPrecision) {
  const KernelFamily* f = find_family("tc_splitk");
  KernelConfig c = f->defaults(problem_p6());
  c.precision = Precision::TF32x3;
  EXPECT_LE(f->error_bound(c), 1e-5);
  c.precision = Precision::TF32;
  EXPECT_GT(f->error_bound(c), 1e-4);
}

TEST(TcStoreBound, DefaultsAreTf32x3AndPlanCoversP9) {
  const KernelFamily* f = find_family("tc_store_bound");
  const KernelConfig c = f->defaults(problem_p9());
  EXPECT_EQ(c.precision, Precision::TF32x3);
  EXPECT_DOUBLE_EQ(f->error_bound(c), 1e-5);  // the base class's FP32 bound at K = 32
  const LaunchPlan p = f->plan(c);
  ASSERT_EQ(p.steps.size(), 1u);
  const LaunchStep& k = p.steps[0];
  EXPECT_EQ(k.entry, "tc_store_bound");
  // Strips of 8 tile rows, times the tile columns.
  EXPECT_EQ(k.grid.count(), (32768 / c.block_m / 8) * (32768 / c.block_n));
  EXPECT_EQ(k.block.count(), c.threads);
  // B's 32 x block_n and two buffers of A's block_m x 32, big and small parts, no epilogue tile.
  ASSERT_EQ(c.stages, 1);
  EXPECT_EQ(k.dynamic_smem, (32 * c.block_n * 2 + 2 * 32 * c.block_m * 2) * 4);
  EXPECT_EQ(p.workspace_bytes, 0);
  const auto d = f->defines(c);
  for (const char* want : {"-DPRECISION=2", "-DKC=32", "-DEPILOGUE=1"})
    EXPECT_NE(std::find(d.begin(), d.end(), want), d.end()) << want;
}

TEST(TcStoreBound, StagedEpilogueAndTf32ChangeSharedMemory) {
  const KernelFamily* f = find_family("tc_store_bound");
  KernelConfig c = f->defaults(problem_p9());
  c.block_m = 64, c.block_n = 128, c.threads = 256, c.stages = 1;
  const int64_t base = f->plan(c).steps[0].dynamic_smem;
  c.stages = 2;  // 8 warps x 16 rows x (32 + 16) floats
  EXPECT_EQ(f->plan(c).steps[0].dynamic_smem, base + 8 * 16 * 48 * 4);
  c.stages = 1, c.precision = Precision::TF32;  // no small parts
  EXPECT_EQ(f->plan(c).steps[0].dynamic_smem, base / 2);
  EXPECT_FALSE(validate(c, spec("rtx4090")));
  EXPECT_GT(f->error_bound(c), 1e-4);
  c.precision = Precision::TF32x3;
  EXPECT_LE(f->error_bound(c), 1e-5);
}

TEST(TcStoreBound, RaggedShapesAreServedWithKPaddedTo8) {
  const KernelFamily* f = find_family("tc_store_bound");
  for (const char* shape : {"1000x999x100", "257x131x67", "333x4097x32", "77x132x68", "129x257x20:CC"}) {
    const KernelConfig c = f->defaults(parse_problem(shape));
    EXPECT_FALSE(validate(c, spec("rtx4090"))) << shape << ": " << validate(c, spec("rtx4090"))->message();
    EXPECT_FALSE(validate(c, spec("h100_sxm"))) << shape;
  }
  const KernelConfig c = f->defaults(parse_problem("1000x999x100"));
  const auto d = f->defines(c);
  EXPECT_NE(std::find(d.begin(), d.end(), "-DKC=104"), d.end());
  const int64_t tiles_m = (1000 + c.block_m - 1) / c.block_m;
  EXPECT_EQ(f->plan(c).steps[0].grid.count(), (tiles_m + 7) / 8 * ((999 + c.block_n - 1) / c.block_n));
}

TEST(TcStoreBound, RefusesLargeKFp32AndBadWarpTiles) {
  const KernelFamily* f = find_family("tc_store_bound");
  const GpuSpec h100 = spec("h100_sxm");
  KernelConfig c = f->defaults(problem_p9());
  c.shape.k = 4096;
  Check e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "K");
  EXPECT_NE(e->rule.find("whole K"), std::string::npos) << e->message();
  c = f->defaults(problem_p9());
  c.shape.k = 128, c.block_m = 128, c.block_n = 256, c.threads = 512;  // (128 x 256 + 2 x 128 x 128) x 2 x 4 B
  e = validate(c, spec("rtx4090"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "K");
  EXPECT_NE(e->rule.find("shared memory"), std::string::npos) << e->message();
  c = f->defaults(problem_p9());
  c.precision = Precision::FP32;
  e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "precision");
  c = f->defaults(problem_p9());
  c.block_m = 128, c.block_n = 256, c.threads = 256;  // 64x64 warp tiles: 32 mma tiles
  e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "threads");
  EXPECT_NE(e->rule.find("mma tiles"), std::string::npos) << e->message();
  c = f->defaults(problem_p9());
  c.block_m = 64, c.block_n = 32, c.threads = 256;  // 4 warps along N leave 8 columns each
  e = validate(c, h100);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "threads");
}

TEST(TcStoreBound, SweepFitsBothGpusWithoutSmCounts) {
  const KernelFamily* f = find_family("tc_store_bound");
  for (const std::string key : {"rtx4090", "h100_sxm"}) {
    const GpuSpec g = spec(key);
    const auto points = sweep_points(*f, problem_p9(), g);
    EXPECT_LE(points.size(), 40u);
    const auto valid = std::count_if(points.begin(), points.end(), [&](const KernelConfig& c) { return !validate(c, g); });
    // The 4090's 99 KB per block takes the smaller tiles only; the H100 nearly all.
    EXPECT_GE(valid * (key == "h100_sxm" ? 4 : 3), int64_t(points.size()) * (key == "h100_sxm" ? 3 : 1)) << key << ": " << valid;
  }
}

}  // namespace
}  // namespace gemmscope
