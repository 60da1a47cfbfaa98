#include "runner/ceiling_measurement.h"

#include <functional>
#include <vector>

#include "runner/cuda_check.h"
#include "runner/run_engine.h"

namespace gemmscope {

namespace {

constexpr int kReps = 10;

// Median ms of `launch` over kReps timed launches after one warm-up.
double median_ms(CUstream s, const std::function<void()>& launch, const char* what) {
  launch();
  CU_CHECK(cuStreamSynchronize(s), what);
  std::vector<double> ms;
  CUevent a, b;
  CU_CHECK(cuEventCreate(&a, CU_EVENT_DEFAULT), what);
  CU_CHECK(cuEventCreate(&b, CU_EVENT_DEFAULT), what);
  for (int i = 0; i < kReps; ++i) {
    CU_CHECK(cuEventRecord(a, s), what);
    launch();
    CU_CHECK(cuEventRecord(b, s), what);
    CU_CHECK(cuEventSynchronize(b), what);
    float t = 0;
    CU_CHECK(cuEventElapsedTime(&t, a, b), what);
    ms.push_back(t);
  }
  cuEventDestroy(a);
  cuEventDestroy(b);
  return median(ms);
}

}  // namespace

MeasuredCeilings measure_ceilings(const GpuContext& gpu, const JitCompiler& jit) {
  const CompiledModule m = jit.compile("measure_ceilings.cu", {}, gpu.arch());
  const LoadedModule mod(m.cubin, "measure_ceilings.cu");
  const CUstream s = gpu.stream();
  const unsigned sms = unsigned(gpu.spec().sms);
  const size_t bytes = size_t(1) << 30;
  DeviceBuffer src(bytes, "ceiling source"), dst(bytes, "ceiling destination"), out(size_t(sms) * 8 * 256 * 4, "ceiling output");
  CU_CHECK(cuMemsetD32Async(src.get(), 0x3f800000u, bytes / 4, s), "ceiling source fill");  // 1.0f: real data, not zeros
  unsigned long long n4 = bytes / 16;
  CUdeviceptr ps = src.get(), pd = dst.get(), po = out.get();
  float value = 1.5f, seed = 0.75f;
  auto launcher = [&](const LoadedModule& from, const char* entry, unsigned grid, std::vector<void*> args) {
    CUfunction f = from.function(entry);
    return [=, args = std::move(args)]() mutable {
      CU_CHECK(cuLaunchKernel(f, grid, 1, 1, 256, 1, 1, 0, s, args.data(), nullptr), entry);
    };
  };
  MeasuredCeilings c;
  const unsigned bw_grid = sms * 8;
  c.dram_write_gbps = bytes / (median_ms(s, launcher(mod, "ceil_dram_write", bw_grid, {&pd, &n4, &value}), "DRAM write") * 1e-3) / 1e9;
  c.dram_read_gbps = bytes / (median_ms(s, launcher(mod, "ceil_dram_read", bw_grid, {&ps, &n4, &po}), "DRAM read") * 1e-3) / 1e9;
  c.dram_copy_gbps = 2.0 * bytes / (median_ms(s, launcher(mod, "ceil_dram_copy", bw_grid, {&ps, &pd, &n4}), "DRAM copy") * 1e-3) / 1e9;
  int fma_iters = 4096, mma_iters = 2048;
  const unsigned rate_grid = sms * 8;
  const double threads = double(rate_grid) * 256;
  const double fma_ms = median_ms(s, launcher(mod, "ceil_fp32_fma", rate_grid, {&po, &fma_iters, &seed}), "FP32 FMA rate");
  c.fp32_tflops = 2.0 * 16 * fma_iters * threads / (fma_ms * 1e-3) / 1e12;
  const double mma_ms = median_ms(s, launcher(mod, "ceil_tf32_mma", rate_grid, {&po, &mma_iters, &seed}), "TF32 mma.sync rate");
  c.tf32_mma_tflops = 2.0 * 16 * 8 * 8 * 8 * mma_iters * (threads / 32) / (mma_ms * 1e-3) / 1e12;
  // wgmma exists on 9.0 alone (sm_90a code runs on no other GPU).
  if (gpu.spec().cc_major == 9 && gpu.spec().cc_minor == 0) {
    const CompiledModule w = jit.compile("measure_wgmma.cu", {}, "sm_90a");
    const LoadedModule wmod(w.cubin, "measure_wgmma.cu");
    int wg_iters = 16;
    const unsigned grid = sms * 4;  // 2 warpgroups a block
    const double ms = median_ms(s, launcher(wmod, "ceil_tf32_wgmma", grid, {&po, &wg_iters, &seed}), "TF32 wgmma rate");
    c.tf32_wgmma_tflops = 2.0 * 64 * 128 * 8 * 8 * wg_iters * (grid * 2.0) / (ms * 1e-3) / 1e12;
  }
  return c;
}

}  // namespace gemmscope
