// RangeProfiler (and the PM sampler) on a real GPU: counters against work known by construction (bytes written, FFMAs,
// mma.sync instructions), metric-set switching, and every named set collected once. Skips without a GPU.
//
// The CUDA driver is loaded with dlopen, not linked: a CPU-only machine has no libcuda.so.1, and a
// binary linked to it would not even start (gtest discovery runs it at build time).
#include <cuda.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "metrics/launch_record.h"
#include "model/metric_catalog.h"
#include "metrics/pm_sampler.h"
#include "metrics/range_profiler.h"

namespace gemmscope {
namespace {

// Three kernels written in PTX, JIT-compiled by the driver for the device: no NVRTC, no nvcc.
//  gemmscope_fill(out, n):            out[i] = i                 -> 4n bytes written, no FP32 math
//  gemmscope_fma_chain(out, n, iters): iters dependent FFMAs/thread -> n*iters FFMA thread instructions
//  gemmscope_mma_tf32(out, iters):    iters mma.sync m16n8k8 TF32 per warp, 16 bytes stored per thread
constexpr const char* kPtx = R"PTX(
.version 7.0
.target sm_80
.address_size 64

.visible .entry gemmscope_fill(.param .u64 out, .param .u32 n)
{
  .reg .pred %p;
  .reg .b32 %r<6>;
  .reg .f32 %f;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  ld.param.u32 %r1, [n];
  mov.u32 %r2, %ctaid.x;
  mov.u32 %r3, %ntid.x;
  mov.u32 %r4, %tid.x;
  mad.lo.u32 %r5, %r2, %r3, %r4;
  setp.ge.u32 %p, %r5, %r1;
  @%p bra DONE;
  cvt.rn.f32.u32 %f, %r5;
  cvta.to.global.u64 %rd2, %rd1;
  mul.wide.u32 %rd3, %r5, 4;
  add.s64 %rd2, %rd2, %rd3;
  st.global.f32 [%rd2], %f;
DONE:
  ret;
}

.visible .entry gemmscope_fma_chain(.param .u64 out, .param .u32 n, .param .u32 iters)
{
  .reg .pred %p<3>;
  .reg .b32 %r<8>;
  .reg .f32 %f;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  ld.param.u32 %r1, [n];
  ld.param.u32 %r6, [iters];
  mov.u32 %r2, %ctaid.x;
  mov.u32 %r3, %ntid.x;
  mov.u32 %r4, %tid.x;
  mad.lo.u32 %r5, %r2, %r3, %r4;
  setp.ge.u32 %p1, %r5, %r1;
  @%p1 bra DONE;
  cvt.rn.f32.u32 %f, %r5;
  mov.u32 %r7, 0;
LOOP:
  setp.ge.u32 %p2, %r7, %r6;
  @%p2 bra STORE;
  fma.rn.f32 %f, %f, 0f3F7FF972, 0f3F000000;
  add.u32 %r7, %r7, 1;
  bra LOOP;
STORE:
  cvta.to.global.u64 %rd2, %rd1;
  mul.wide.u32 %rd3, %r5, 4;
  add.s64 %rd2, %rd2, %rd3;
  st.global.f32 [%rd2], %f;
DONE:
  ret;
}

.visible .entry gemmscope_mma_tf32(.param .u64 out, .param .u32 iters)
{
  .reg .pred %p;
  .reg .b32 %a<4>;
  .reg .b32 %b<2>;
  .reg .b32 %r<8>;
  .reg .f32 %d<4>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  ld.param.u32 %r1, [iters];
  mov.u32 %r2, %ctaid.x;
  mov.u32 %r3, %ntid.x;
  mov.u32 %r4, %tid.x;
  mad.lo.u32 %r5, %r2, %r3, %r4;
  cvt.rn.f32.u32 %d0, %r4;
  mov.f32 %d1, 0f3F800000;
  mov.f32 %d2, 0f40000000;
  mov.f32 %d3, 0f40400000;
  mov.b32 %a0, 0x3F800000;
  mov.b32 %a1, 0x3F000000;
  mov.b32 %a2, 0x3E800000;
  mov.b32 %a3, 0x3E000000;
  mov.b32 %b0, 0x3F800000;
  mov.b32 %b1, 0x3D800000;
  mov.u32 %r6, 0;
LOOP:
  setp.ge.u32 %p, %r6, %r1;
  @%p bra STORE;
  mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%d0, %d1, %d2, %d3}, {%a0, %a1, %a2, %a3}, {%b0, %b1}, {%d0, %d1, %d2, %d3};
  add.u32 %r6, %r6, 1;
  bra LOOP;
STORE:
  cvta.to.global.u64 %rd2, %rd1;
  mul.wide.u32 %rd3, %r5, 16;
  add.s64 %rd2, %rd2, %rd3;
  st.global.v4.f32 [%rd2], {%d0, %d1, %d2, %d3};
  ret;
}
)PTX";

// [SECTION] The driver, loaded at run time

#define GS_STR2(x) #x
#define GS_STR(x) GS_STR2(x)  // expands first: cuMemAlloc -> "cuMemAlloc_v2", the symbol the header means
#define GS_DRIVER_FUNCTIONS(X)                                                                              \
  X(cuInit) X(cuDeviceGetCount) X(cuDeviceGet) X(cuDeviceGetName) X(cuDevicePrimaryCtxRetain)               \
  X(cuDevicePrimaryCtxRelease) X(cuCtxSetCurrent) X(cuCtxSynchronize) X(cuModuleLoadData)                   \
  X(cuModuleGetFunction) X(cuModuleUnload) X(cuMemAlloc) X(cuMemFree) X(cuMemsetD32) X(cuMemcpyDtoH)         \
  X(cuLaunchKernel) X(cuGetErrorName)

struct Driver {
  void* lib = nullptr;
#define GS_MEMBER(fn) decltype(&::fn) p_##fn = nullptr;
  GS_DRIVER_FUNCTIONS(GS_MEMBER)
#undef GS_MEMBER

  // Empty on success, else why the driver cannot be used.
  std::string load() {
    lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return std::string("no CUDA driver: ") + dlerror();
#define GS_LOAD(fn)                                                            \
  p_##fn = reinterpret_cast<decltype(&::fn)>(dlsym(lib, GS_STR(fn)));          \
  if (!p_##fn) return std::string("libcuda.so.1 lacks ") + GS_STR(fn);
    GS_DRIVER_FUNCTIONS(GS_LOAD)
#undef GS_LOAD
    return {};
  }
  std::string error(CUresult r) const {
    const char* name = nullptr;
    if (p_cuGetErrorName) p_cuGetErrorName(r, &name);
    return name ? name : "CUresult " + std::to_string(static_cast<int>(r));
  }
};

Driver& driver() {
  static Driver d;
  return d;
}

#define GS_CU(fn, ...)                                                                     \
  do {                                                                                     \
    CUresult r_ = driver().p_##fn(__VA_ARGS__);                                            \
    ASSERT_EQ(r_, CUDA_SUCCESS) << #fn << " failed: " << driver().error(r_);               \
  } while (0)

// [SECTION] Fixture: one context, one module, one profiler for the whole suite

constexpr unsigned kFillN = 256u << 20;        // floats: 1 GiB written, 20x the H100's 50 MB L2
constexpr unsigned kChainN = 1u << 20;         // threads
constexpr unsigned kChainIters = 256;          // FFMAs per thread
constexpr unsigned kMmaBlocks = 528, kMmaThreads = 128, kMmaIters = 1024;

class RangeProfilerGpu : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Driver& d = driver();
    skip_reason_ = d.load();
    if (!skip_reason_.empty()) return;
    if (CUresult r = d.p_cuInit(0); r != CUDA_SUCCESS) {
      skip_reason_ = "cuInit failed (" + d.error(r) + "): no usable GPU";
      return;
    }
    int count = 0;
    if (d.p_cuDeviceGetCount(&count) != CUDA_SUCCESS || count == 0) {
      skip_reason_ = "no CUDA device";
      return;
    }
    char name[256] = {};
    d.p_cuDeviceGet(&dev_, 0);
    d.p_cuDeviceGetName(name, sizeof(name), dev_);
    device_name_ = name;
    if (d.p_cuDevicePrimaryCtxRetain(&ctx_, dev_) != CUDA_SUCCESS || d.p_cuCtxSetCurrent(ctx_) != CUDA_SUCCESS) {
      skip_reason_ = "could not create a context on " + device_name_;
      return;
    }
    if (CUresult r = d.p_cuModuleLoadData(&module_, kPtx); r != CUDA_SUCCESS) {
      setup_error_ = "cuModuleLoadData failed: " + d.error(r);
      return;
    }
    d.p_cuModuleGetFunction(&fill_, module_, "gemmscope_fill");
    d.p_cuModuleGetFunction(&chain_, module_, "gemmscope_fma_chain");
    d.p_cuModuleGetFunction(&mma_, module_, "gemmscope_mma_tf32");
    if (d.p_cuMemAlloc(&buffer_, size_t(kFillN) * 4) != CUDA_SUCCESS) {
      setup_error_ = "could not allocate 1 GiB";
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    try {
      profiler_ = new RangeProfiler(ctx_, dev_);
    } catch (const CuptiUnavailable& e) {
      skip_reason_ = std::string("CUPTI unavailable: ") + e.what();
      return;
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("[ device ] %s, CUPTI chip %s, RangeProfiler constructed in %.0f ms\n", device_name_.c_str(),
                profiler_->chip_name().c_str(), ms);
  }

  static void TearDownTestSuite() {
    delete profiler_;
    profiler_ = nullptr;
    Driver& d = driver();
    if (buffer_) d.p_cuMemFree(buffer_);
    if (module_) d.p_cuModuleUnload(module_);
    if (ctx_) d.p_cuDevicePrimaryCtxRelease(dev_);
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    // A test that needed the device to itself (the PM sampler) has released the profiler.
    if (!profiler_) {
      ASSERT_NO_THROW(profiler_ = new RangeProfiler(ctx_, dev_));
    }
  }

  static void launch(CUfunction f, unsigned blocks, unsigned threads, void** args) {
    GS_CU(cuLaunchKernel, f, blocks, 1, 1, threads, 1, 1, 0, nullptr, args, nullptr);
  }
  static void launch_fill() {
    unsigned n = kFillN;
    void* args[] = {&buffer_, &n};
    launch(fill_, kFillN / 256, 256, args);
  }
  static void launch_chain() {
    unsigned n = kChainN, iters = kChainIters;
    void* args[] = {&buffer_, &n, &iters};
    launch(chain_, kChainN / 256, 256, args);
  }
  static void launch_mma() {
    unsigned iters = kMmaIters;
    void* args[] = {&buffer_, &iters};
    launch(mma_, kMmaBlocks, kMmaThreads, args);
  }
  static void sync() { GS_CU(cuCtxSynchronize); }

  static inline std::string skip_reason_, setup_error_, device_name_;
  static inline CUdevice dev_ = 0;
  static inline CUcontext ctx_ = nullptr;
  static inline CUmodule module_ = nullptr;
  static inline CUfunction fill_ = nullptr, chain_ = nullptr, mma_ = nullptr;
  static inline CUdeviceptr buffer_ = 0;
  static inline RangeProfiler* profiler_ = nullptr;
};

constexpr const char* kFfma = "sm__sass_thread_inst_executed_op_ffma_pred_on.sum";
constexpr const char* kWrite = "dram__bytes_write.sum";
constexpr const char* kSmThroughput = "sm__throughput.avg.pct_of_peak_sustained_elapsed";
constexpr double kFillBytes = 4.0 * kFillN;
constexpr double kChainBytes = 4.0 * kChainN;
constexpr double kChainFfma = double(kChainN) * kChainIters;

void print_sample(const std::string& title, const CounterSample& s) {
  std::printf("[ sample ] %-34s passes=%d ranges=%d wall=%.1f ms setup=%.1f ms\n", title.c_str(), s.passes,
              s.ranges, s.wall_ms, s.setup_ms);
  for (const auto& [name, value] : s.values) std::printf("             %-64s %.6g\n", name.c_str(), value);
}

// [SECTION] Tests

TEST_F(RangeProfilerGpu, FillWritesItsBytesToDram) {
  const CounterSample s = profiler_->collect({kWrite, "dram__bytes_read.sum"}, [] { launch_fill(); });
  print_sample("fill 1 GiB", s);
  EXPECT_EQ(s.ranges, 1);
  EXPECT_EQ(s.passes, count_passes(profiler_->chip_name(), {kWrite, "dram__bytes_read.sum"}));
  const double ratio = s.values.at(kWrite) / kFillBytes;
  std::printf("[ check  ] dram__bytes_write.sum / bytes stored = %.4f\n", ratio);
  EXPECT_NEAR(ratio, 1.0, 0.02);  // 0.9998 measured on the H100
  EXPECT_LT(s.values.at("dram__bytes_read.sum"), 0.05 * kFillBytes);
  EXPECT_GT(s.values.at("gpu__time_duration.sum"), 0);
}

TEST_F(RangeProfilerGpu, FfmaCountIsExact) {
  const CounterSample s = profiler_->collect({kFfma}, [] { launch_chain(); });
  print_sample("fma chain", s);
  EXPECT_DOUBLE_EQ(s.values.at(kFfma), kChainFfma);
}

TEST_F(RangeProfilerGpu, SwitchingSetsTwiceGivesConsistentValues) {
  // The notes' silent failure: 1-pass then 8-pass gave NaN, 8-pass then 1-pass over-counted FFMA.
  const std::vector<std::string> one_pass = {kFfma, kWrite};
  const std::vector<std::string> eight_pass = {kSmThroughput, kFfma, kWrite};
  auto both = [] {
    launch_fill();
    launch_chain();
  };
  std::vector<double> throughput;
  int i = 0;
  for (const auto* set : {&one_pass, &eight_pass, &one_pass, &eight_pass, &eight_pass, &one_pass}) {
    const CounterSample s = profiler_->collect(*set, both);
    print_sample("switch #" + std::to_string(i++), s);
    EXPECT_EQ(s.ranges, 2);
    EXPECT_EQ(s.passes, count_passes(profiler_->chip_name(), *set));
    EXPECT_DOUBLE_EQ(s.values.at(kFfma), kChainFfma);
    EXPECT_NEAR(s.values.at(kWrite) / (kFillBytes + kChainBytes), 1.0, 0.02);
    if (set == &eight_pass) {
      const double t = s.values.at(kSmThroughput);
      EXPECT_TRUE(std::isfinite(t) && t > 0 && t <= 100) << kSmThroughput << " = " << t;
      throughput.push_back(t);
    }
  }
  ASSERT_EQ(throughput.size(), 3u);
  EXPECT_NEAR(throughput[0], throughput[1], 10.0);
  EXPECT_NEAR(throughput[0], throughput[2], 10.0);
}

TEST_F(RangeProfilerGpu, TensorOpsOfMmaSync) {
  const std::vector<std::string> set = {"sm__inst_executed_pipe_tensor.sum", "sm__ops_path_tensor_src_tf32_dst_fp32.sum",
                                        "sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active"};
  const CounterSample s = profiler_->collect(set, [] { launch_mma(); });
  print_sample("mma.sync tf32", s);
  const double mmas = double(kMmaBlocks) * (kMmaThreads / 32) * kMmaIters;  // warp-level mma.sync executed
  const double inst = s.values.at(set[0]), ops = s.values.at(set[1]);
  std::printf("[ check  ] tensor inst per mma.sync = %.4f, tf32 ops per mma.sync = %.2f (m16n8k8 = 1024 MACs)\n",
              inst / mmas, ops / mmas);
  EXPECT_DOUBLE_EQ(inst, mmas);  // one tensor-pipe instruction per mma.sync m16n8k8
  // CUPTI counts the multiply and the add: 2 x 16 x 8 x 8 ops per mma.sync, FLOPs as they are.
  EXPECT_DOUBLE_EQ(ops, mmas * 2.0 * 16 * 8 * 8);
  std::map<std::string, double> values = s.values;
  values["sm__sass_thread_inst_executed_op_ffma_pred_on.sum"] = 0;
  values["sm__sass_thread_inst_executed_op_fadd_pred_on.sum"] = 0;
  values["sm__sass_thread_inst_executed_op_fmul_pred_on.sum"] = 0;
  EXPECT_DOUBLE_EQ(roofline_figures(values).tensor_flops, mmas * 2.0 * 16 * 8 * 8);
}

TEST_F(RangeProfilerGpu, RefusedMetricLeavesTheProfilerWorking) {
  EXPECT_THROW(profiler_->collect({"launch__grid_size"}, [] { launch_chain(); }), std::invalid_argument);
  const CounterSample s = profiler_->collect({kFfma}, [] { launch_chain(); });
  EXPECT_DOUBLE_EQ(s.values.at(kFfma), kChainFfma);
}

TEST_F(RangeProfilerGpu, LaunchExceptionPropagatesAndNextSampleWorks) {
  EXPECT_THROW(profiler_->collect({kFfma}, [] { throw std::runtime_error("launch failed"); }), std::runtime_error);
  sync();
  const CounterSample s = profiler_->collect({kFfma}, [] { launch_chain(); });
  EXPECT_DOUBLE_EQ(s.values.at(kFfma), kChainFfma);
}

// User replay with a pass setup: restore runs before every pass, the flush after Start, and the
// flush's own range is not part of the sample (its 1 GiB of writes would dominate it otherwise).
TEST_F(RangeProfilerGpu, PassSetupRunsEveryPassAndDropsTheFlushRange) {
  int restores = 0, flushes = 0;
  PassSetup setup;
  setup.restore = [&] { ++restores; };
  setup.flush = [&] {
    ++flushes;
    launch_fill();
  };
  setup.flush_kernels = 1;
  const std::vector<std::string> set = {kSmThroughput, kFfma, kWrite};
  const CounterSample s = profiler_->collect(set, [] { launch_chain(); }, setup);
  print_sample("chain after a flush", s);
  EXPECT_EQ(s.ranges, 1);
  EXPECT_EQ(restores, s.passes);
  EXPECT_EQ(flushes, s.passes);
  EXPECT_DOUBLE_EQ(s.values.at(kFfma), kChainFfma);
  EXPECT_LT(s.values.at(kWrite), 0.25 * kFillBytes) << "the flush's range was counted";

  PassSetup only_flush;  // claims more flush kernels than were launched in all: nothing left to report
  only_flush.flush = [] { launch_fill(); };
  only_flush.flush_kernels = 2;
  EXPECT_THROW(profiler_->collect({kFfma}, [] { launch_chain(); }, only_flush), std::runtime_error);
  sync();
  const CounterSample again = profiler_->collect({kFfma}, [] { launch_chain(); });
  EXPECT_DOUBLE_EQ(again.values.at(kFfma), kChainFfma);
}

// The launch record: CUPTI's activity API beside an enabled range profiler, one record per kernel,
// in launch order, with the shared memory the driver configured.
TEST_F(RangeProfilerGpu, LaunchRecordDescribesEachKernel) {
  const std::vector<KernelLaunch> launches = record_launches([] {
    launch_fill();
    launch_chain();
    sync();
  });
  ASSERT_EQ(launches.size(), 2u);
  for (const KernelLaunch& l : launches)
    std::printf("[ launch ] %-22s grid=%lld block=%lld regs=%d smem=%lld+%lld config=%lld B, %.1f us\n", l.name.c_str(),
                (long long)l.grid_size, (long long)l.block_size, l.registers, (long long)l.static_smem,
                (long long)l.dynamic_smem, (long long)l.smem_config_bytes, l.duration_ns / 1e3);
  EXPECT_EQ(launches[0].name, "gemmscope_fill");
  EXPECT_EQ(launches[0].grid_size, kFillN / 256);
  EXPECT_EQ(launches[0].block_size, 256);
  EXPECT_EQ(launches[1].name, "gemmscope_fma_chain");
  EXPECT_GT(launches[0].registers, 0);
  EXPECT_GT(launches[0].smem_config_bytes, 0);
  EXPECT_EQ(launches[0].smem_config_bytes % 1024, 0);
  EXPECT_GT(launches[0].duration_ns, 0);
  EXPECT_EQ(main_launch(launches, kChainN / 256, 256), &launches[1]);  // matched by grid and block
  // And the profiler still works after it.
  const CounterSample s = profiler_->collect({kFfma}, [] { launch_chain(); });
  EXPECT_DOUBLE_EQ(s.values.at(kFfma), kChainFfma);
}

// Every named set on a small mixed workload, twice each (the second re-uses the config): the table the
// report quotes, and a check that the pass count predicted on the host is the one the device ran.
// The PM sampler watches an unreplayed launch: the fill's 1 GiB shows up as DRAM writes in its busy
// stretch. CUPTI allows one profiling session per device, so the suite's range profiler steps aside
// (SetUp makes a new one for the next test).
TEST_F(RangeProfilerGpu, PmSamplerSeesTheFillsBytes) {
  delete profiler_;
  profiler_ = nullptr;
  std::vector<PmSample> samples;
  {
    PmSamplerOptions o;
    o.interval_ns = 20000;
    PmSampler sampler(dev_, dram_sampling_metrics(), o);
    for (int round = 0; round < 2; ++round) {  // a second start() on the same sampler works too
      sampler.start();
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
      launch_fill();
      sync();
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
      samples = sampler.stop_and_decode();
    }
  }
  const auto bursts = find_bursts(samples, kDramSamplingActivity);
  ASSERT_EQ(bursts.size(), 1u) << samples.size() << " samples";
  const BurstTotals t = integrate_burst(samples, bursts[0], bursts);
  const double ratio = (t.totals[1] + t.background[1]) / kFillBytes;
  std::printf("[ check  ] PM sampling: %zu samples, busy %zu-%zu, DRAM written / bytes stored = %.4f, read %.2f MB\n",
              samples.size(), bursts[0].first, bursts[0].second, ratio, t.totals[0] / 1e6);
  // Up to the L2's size (50 MB, 5 % of the fill) may still be dirty in L2 when the window ends.
  EXPECT_GT(ratio, 0.94);
  EXPECT_LT(ratio, 1.02);
  EXPECT_LT(t.totals[0], 0.05 * kFillBytes);
  // Every store is one 32-byte sector request from the SMs to L2.
  EXPECT_NEAR(t.totals[2] / (kFillBytes / 32), 1.0, 0.02);
  EXPECT_GT(t.idle_samples, 100u);
}

TEST_F(RangeProfilerGpu, EveryNamedSetCollects) {
  auto work = [] {
    launch_fill();
    launch_chain();
    launch_mma();
  };
  for (const std::string& set : metric_set_names()) {
    const std::vector<std::string> counters = counter_metrics(metric_set(set));
    for (int round = 0; round < 2; ++round) {
      CounterSample s = profiler_->collect(counters, work);
      add_derived_metrics(s.values);
      print_sample("set " + set + (round ? " (again)" : ""), s);
      EXPECT_EQ(s.ranges, 3);
      EXPECT_EQ(s.passes, count_passes(profiler_->chip_name(), counters)) << set;
      if (round == 1) {
        EXPECT_EQ(s.setup_ms, 0.0) << "the same set re-enabled the profiler";
      }
      for (const std::string& c : counters) {
        ASSERT_TRUE(s.values.count(c)) << c;
        EXPECT_TRUE(std::isfinite(s.values.at(c))) << set << ": " << c << " = " << s.values.at(c);
      }
    }
  }
}

}  // namespace
}  // namespace gemmscope
