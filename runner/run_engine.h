// RunEngine: one config, end to end, on the runner's GPU: validate, JIT, inputs, reference,
// launch, time (events, warm-up, median, L2 flushed, output poisoned), verify, figures.
#pragma once
#include <cublas_v2.h>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include "metrics/range_profiler.h"
#include "model/json_codec.h"
#include "runner/gpu_context.h"
#include "runner/jit_compiler.h"
#include "runner/triton_compiler.h"

namespace gemmscope {

class RunEngine {
 public:
  RunEngine(GpuContext& gpu, const JitCompiler& jit);
  ~RunEngine();
  // Always returns a result; a CUDA fault that poisons the context is rethrown as CudaError
  // (sticky) after the result is filled, so the caller can answer and then exit.
  RunResult run(const KernelConfig&, const RunOptions&);
  // Set when the last run left the context unusable; the runner must be restarted.
  bool context_lost() const { return context_lost_; }

  // Hooks for counter collection: called with a launch sequence that runs the config once.
  // The pass setup re-poisons the output and flushes L2 (when the run flushes it), so every
  // profiled pass starts where a timed launch starts.
  using CounterHook = std::function<void(const RunOptions&, const std::function<void()>& launch_once,
                                         const PassSetup& pass_setup, RunResult&)>;
  void set_counter_hook(CounterHook h) { counter_hook_ = std::move(h); }

 private:
  struct ProblemData;
  ProblemData& data_for(const ProblemShape&, int64_t seed, int64_t workspace_bytes);
  void cublas_gemm(const ProblemShape&, Precision, CUdeviceptr c, const std::string& context);
  void run_checked(const KernelConfig&, const RunOptions&, RunResult&);

  GpuContext& gpu_;
  const JitCompiler& jit_;
  TritonCompiler triton_;
  cublasHandle_t cublas_ = nullptr;
  std::unique_ptr<LoadedModule> utility_;  // input fill
  std::unique_ptr<LoadedModule> verify_;   // verification and the deliberate fault/hang kernels
  std::unique_ptr<ProblemData> data_;
  DeviceBuffer flush_, flush_sink_;
  bool context_lost_ = false;
  CounterHook counter_hook_;
};

double median(std::vector<double> v);

}  // namespace gemmscope
