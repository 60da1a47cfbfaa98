#include "runner/run_engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>

#include "model/kernel_family.h"
#include "model/occupancy.h"
#include "model/kernel_card.h"
#include "model/validate.h"
#include "runner/cuda_check.h"

#include "gemmscope_commit.h"

namespace gemmscope {

struct RunEngine::ProblemData {
  ProblemShape shape;
  int64_t seed = 0;
  DeviceBuffer a, b, c, ref, workspace;
  bool ref_ready = false;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

namespace {

// Events created once per timed rep and destroyed with the scope.
struct EventPair {
  CUevent start = nullptr, stop = nullptr;
  EventPair() {
    CU_CHECK(cuEventCreate(&start, CU_EVENT_DEFAULT), "timing event");
    CU_CHECK(cuEventCreate(&stop, CU_EVENT_DEFAULT), "timing event");
  }
  ~EventPair() {
    if (start) cuEventDestroy(start);
    if (stop) cuEventDestroy(stop);
  }
  EventPair(EventPair&& o) noexcept : start(o.start), stop(o.stop) { o.start = o.stop = nullptr; }
  EventPair(const EventPair&) = delete;
};

void launch(CUfunction f, const Dim3& grid, const Dim3& block, int64_t smem, CUstream s, void** args, const std::string& ctx) {
  CU_CHECK(cuLaunchKernel(f, unsigned(grid.x), unsigned(grid.y), unsigned(grid.z), unsigned(block.x), unsigned(block.y),
                          unsigned(block.z), unsigned(smem), s, args, nullptr),
           ctx);
}

}  // namespace

RunEngine::RunEngine(GpuContext& gpu, const JitCompiler& jit) : gpu_(gpu), jit_(jit), triton_(jit.cache_dir()) {
  CUBLAS_CHECK(cublasCreate(&cublas_), "cuBLAS handle");
  CUBLAS_CHECK(cublasSetStream(cublas_, reinterpret_cast<cudaStream_t>(gpu_.stream())), "cuBLAS stream");
  CompiledModule util = jit_.compile("fill_uniform.cu", {}, gpu_.arch());
  CompiledModule verify = jit_.compile("verify_allclose.cu", {}, gpu_.arch());
  utility_ = std::make_unique<LoadedModule>(util.cubin, "fill_uniform.cu");
  verify_ = std::make_unique<LoadedModule>(verify.cubin, "verify_allclose.cu");
  // Twice the L2, so a flush leaves none of the previous rep's lines resident.
  flush_ = DeviceBuffer(size_t(std::max<long long>(gpu_.spec().l2_bytes, 1 << 20)) * 2, "L2 flush buffer");
  CU_CHECK(cuMemsetD32Async(flush_.get(), 0x3f800000u, flush_.bytes() / 4, gpu_.stream()), "L2 flush buffer fill");  // 1.0f
  flush_sink_ = DeviceBuffer(16, "L2 flush sink");
}

RunEngine::~RunEngine() {
  if (cublas_) cublasDestroy(cublas_);
}

RunEngine::ProblemData& RunEngine::data_for(const ProblemShape& s, int64_t seed, int64_t workspace_bytes) {
  if (!data_ || !(data_->shape == s) || data_->seed != seed) {
    data_.reset();  // free before allocating the next problem's buffers
    auto d = std::make_unique<ProblemData>();
    d->shape = s;
    d->seed = seed;
    const std::string what = problem_name(s);
    d->a = DeviceBuffer(size_t(s.m * s.k) * 4, "A of " + what);
    d->b = DeviceBuffer(size_t(s.k * s.n) * 4, "B of " + what);
    d->c = DeviceBuffer(size_t(s.m * s.n) * 4, "C of " + what);
    d->ref = DeviceBuffer(size_t(s.m * s.n) * 4, "reference C of " + what);
    CUfunction fill = utility_->function("fill_uniform");
    for (auto [buf, salt] : {std::pair{&d->a, 0x1000}, {&d->b, 0x2000}}) {
      CUdeviceptr p = buf->get();
      unsigned long long n = buf->bytes() / 4, sd = (unsigned long long)(seed * 2 + salt);
      void* args[] = {&p, &n, &sd};
      launch(fill, {int64_t(gpu_.spec().sms) * 8, 1, 1}, {256, 1, 1}, 0, gpu_.stream(), args, "input fill of " + what);
    }
    data_ = std::move(d);
  }
  if (int64_t(data_->workspace.bytes()) < workspace_bytes)
    data_->workspace = DeviceBuffer(size_t(workspace_bytes), "split-K workspace");
  return *data_;
}

void RunEngine::cublas_gemm(const ProblemShape& s, Precision precision, CUdeviceptr out, const std::string& context) {
  ProblemData& d = *data_;
  // Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ: pass B first; a column-major operand is
  // already the transpose cuBLAS wants, so it takes op T with its own leading dimension.
  const bool a_col = s.a_layout == Layout::ColMajor, b_col = s.b_layout == Layout::ColMajor;
  const cublasOperation_t op_b = b_col ? CUBLAS_OP_T : CUBLAS_OP_N, op_a = a_col ? CUBLAS_OP_T : CUBLAS_OP_N;
  const int ldb = b_col ? int(s.k) : int(s.n), lda = a_col ? int(s.m) : int(s.k);
  const float alpha = 1.f, beta = 0.f;
  const bool tf32 = precision == Precision::TF32;
  CUBLAS_CHECK(cublasSetMathMode(cublas_, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_PEDANTIC_MATH), context);
  CUBLAS_CHECK(cublasGemmEx(cublas_, op_b, op_a, int(s.n), int(s.m), int(s.k), &alpha, reinterpret_cast<const void*>(d.b.get()),
                            CUDA_R_32F, ldb, reinterpret_cast<const void*>(d.a.get()), CUDA_R_32F, lda, &beta,
                            reinterpret_cast<void*>(out), CUDA_R_32F, int(s.n),
                            tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F_PEDANTIC, CUBLAS_GEMM_DEFAULT),
               context);
}

RunResult RunEngine::run(const KernelConfig& config, const RunOptions& options) {
  RunResult r;
  r.config = config;
  r.config_name = config_name(config);
  r.device = gpu_.spec().name;
  r.arch = gpu_.arch();
  r.created_at = utc_now();
  r.commit = GEMMSCOPE_COMMIT;
  r.seed = options.seed;
  r.l2_flushed = options.flush_l2;
  try {
    run_checked(config, options, r);
  } catch (const CompileError& e) {
    r.disposition = Disposition::CompileError;
    r.reason = e.what();
  } catch (const CudaError& e) {
    r.disposition = Disposition::LaunchError;
    r.reason = e.what();
    if (e.sticky_context) {
      context_lost_ = true;
      r.reason += " (the CUDA context is lost; the runner restarts)";
    }
  } catch (const std::exception& e) {
    r.disposition = Disposition::LaunchError;
    r.reason = e.what();
  }
  return r;
}

void RunEngine::run_checked(const KernelConfig& config, const RunOptions& options, RunResult& r) {
  const GpuSpec& spec = gpu_.spec();
  const std::string ctx = r.config_name;
  Validation v = validate(config, spec);
  if (!v.ok()) {
    r.disposition = Disposition::Invalid;
    r.reason = v.message();
    return;
  }
  // Everything below launches what validate() prepared: one plan, computed once (a Triton card's
  // steps learn their shared memory and ABI from the compiler, below).
  const PreparedLaunch& prepared = *v.launch;
  LaunchPlan plan = prepared.plan;
  if (prepared.card) r.card_hash = prepared.card->hash;

  // Compile and check what the compiler made against the device's limits.
  std::vector<std::unique_ptr<LoadedModule>> modules;
  std::vector<CUfunction> functions(plan.steps.size(), nullptr);
  std::vector<KernelResources> resources(plan.steps.size());
  if (!plan.uses_cublas) {
    const KernelCard* card = prepared.card.get();
    if (card && card->language == CardLanguage::Triton) {
      r.jit_cache_hit = true;
      for (size_t i = 0; i < plan.steps.size(); ++i) {
        LaunchStep& step = plan.steps[i];
        if (step.kind != LaunchStep::Kind::Kernel) continue;
        const TritonKernel tk = triton_.compile(*card, config, step.entry, step.args, gpu_.arch());
        r.compile_ms += tk.compile_ms;
        r.jit_cache_hit = r.jit_cache_hit && tk.cache_hit;
        // Triton's ABI: the arguments it kept, then its scratch pointers.
        std::vector<KernelArg> args;
        for (int k : tk.kept_args) args.push_back(step.args[size_t(k)]);
        for (const std::string& hidden : tk.hidden_args)
          args.push_back({KernelArg::Kind::Scratch,
                          hidden == "global_scratch" ? tk.global_scratch_size : hidden == "profile_scratch" ? tk.profile_scratch_size : 0, 0});
        step.args = std::move(args);
        step.entry = tk.entry;
        step.dynamic_smem = tk.shared;
        step.block = {32 * int64_t(tk.num_warps), 1, 1};  // the compiler's warps (warp specialisation may change them)
        resources[i] = tk.resources;
        modules.push_back(std::make_unique<LoadedModule>(tk.cubin, ctx + " (Triton " + tk.triton_version + ")"));
        functions[i] = modules.back()->function(tk.entry);
      }
    } else {
      CompiledModule m = card ? jit_.compile_text(card->name + "/" + card->source_file, card->source_text, prepared.defines, gpu_.arch())
                              : jit_.compile(prepared.source, prepared.defines, prepared.arch.empty() ? gpu_.arch() : prepared.arch);
      r.compile_ms = m.compile_ms;
      r.jit_cache_hit = m.cache_hit;
      for (size_t i = 0; i < plan.steps.size(); ++i) {
        const LaunchStep& step = plan.steps[i];
        if (step.kind != LaunchStep::Kind::Kernel) continue;
        if (!m.resources.count(step.entry)) {
          std::string have;
          for (const auto& [name, res] : m.resources) have += (have.empty() ? "" : ", ") + name;
          throw CompileError("the compiled source has no kernel '" + step.entry + "' (it has: " + have +
                                 "); a card's CUDA kernel must be extern \"C\" __global__",
                             m.log);
        }
        resources[i] = m.resources.at(step.entry);
      }
      modules.push_back(std::make_unique<LoadedModule>(m.cubin, ctx));
      for (size_t i = 0; i < plan.steps.size(); ++i)
        if (plan.steps[i].kind == LaunchStep::Kind::Kernel) functions[i] = modules.back()->function(plan.steps[i].entry);
    }
    const LaunchStep* main = plan.main_kernel();
    const KernelResources& res = resources[size_t(main - plan.steps.data())];
    r.registers = res.registers;
    r.static_smem = res.static_smem;
    r.local_bytes = res.local_bytes;
    r.dynamic_smem = main->dynamic_smem;
    r.grid_size = main->grid.count();
    r.block_size = main->block.count();
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      const LaunchStep& step = plan.steps[i];
      if (step.kind != LaunchStep::Kind::Kernel) continue;
      if (const auto e = validate_resources(step, resources[i], spec); !e.empty()) {
        r.disposition = Disposition::Invalid;
        r.reason = "compiled " + step.entry + ": " + e.front().message();
        for (size_t j = 1; j < e.size(); ++j) r.reason += "; " + e[j].message();
        return;
      }
    }
    const Occupancy occ = theoretical_occupancy(spec, int(r.block_size), r.registers, r.static_smem + r.dynamic_smem);
    r.occupancy_blocks_per_sm = occ.blocks_per_sm;
    r.occupancy_theoretical = occ.fraction;
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      if (plan.steps[i].kind != LaunchStep::Kind::Kernel) continue;
      if (plan.steps[i].dynamic_smem > 48 * 1024)
        CU_CHECK(cuFuncSetAttribute(functions[i], CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, int(plan.steps[i].dynamic_smem)),
                 ctx + " dynamic shared memory");
      if (&plan.steps[i] == main) {
        CU_CHECK(cuOccupancyMaxActiveBlocksPerMultiprocessor(&r.occupancy_blocks_per_sm_driver, functions[i], int(main->block.count()),
                                                             size_t(main->dynamic_smem)),
                 ctx + " occupancy");
        int smem = 0;
        CU_CHECK(cuFuncGetAttribute(&r.registers_driver, CU_FUNC_ATTRIBUTE_NUM_REGS, functions[i]), ctx + " registers");
        CU_CHECK(cuFuncGetAttribute(&smem, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, functions[i]), ctx + " shared memory");
        r.static_smem_driver = smem;
      }
    }
  }

  ProblemData& d = data_for(config.shape, options.seed, plan.workspace_bytes);
  const CUstream stream = gpu_.stream();
  const auto& s = config.shape;
  const size_t c_words = size_t(s.m * s.n);
  if (options.verify && !d.ref_ready) {
    cublas_gemm(s, Precision::FP32, d.ref.get(), "reference cuBLAS FP32 pedantic for " + problem_name(s));
    d.ref_ready = true;
  }

  CUdeviceptr pa = d.a.get(), pb = d.b.get(), pc = d.c.get(), pw = d.workspace.get();
  int m = int(s.m), n = int(s.n), k = int(s.k);
  void* args[] = {&pa, &pb, &pc, &m, &n, &k, &pw};
  // A card's steps list their own arguments: one 8-byte slot each, and the scratch Triton asks for.
  std::vector<std::vector<uint64_t>> slots(plan.steps.size());
  std::vector<std::vector<void*>> step_args(plan.steps.size());
  std::vector<DeviceBuffer> scratch;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const LaunchStep& step = plan.steps[i];
    if (step.args.empty()) continue;
    slots[i].resize(step.args.size(), 0);
    for (size_t j = 0; j < step.args.size(); ++j) {
      const KernelArg& a = step.args[j];
      uint64_t& slot = slots[i][j];
      switch (a.kind) {
        case KernelArg::Kind::A: slot = pa; break;
        case KernelArg::Kind::B: slot = pb; break;
        case KernelArg::Kind::C: slot = pc; break;
        case KernelArg::Kind::Workspace: slot = pw; break;
        case KernelArg::Kind::Int32: {
          const int32_t x = int32_t(a.integer);
          std::memcpy(&slot, &x, sizeof x);
          break;
        }
        case KernelArg::Kind::Int64: std::memcpy(&slot, &a.integer, sizeof a.integer); break;
        case KernelArg::Kind::Float32: {
          const float x = float(a.real);
          std::memcpy(&slot, &x, sizeof x);
          break;
        }
        case KernelArg::Kind::Scratch:
          if (a.integer > 0) {
            scratch.emplace_back(size_t(a.integer) * size_t(step.grid.count()), ctx + " Triton scratch");
            slot = scratch.back().get();
          }
          break;
      }
      step_args[i].push_back(&slot);
    }
  }
  std::function<void()> launch_once;
  if (!options.fault_injection.empty()) {
    CUfunction f = verify_->function(options.fault_injection == "fault" ? "deliberate_fault" : "deliberate_hang");
    launch_once = [=, this]() mutable {
      CUdeviceptr target = pc;
      if (options.fault_injection == "hang") CU_CHECK(cuMemsetD32Async(target, 0, 1, stream), ctx + " hang flag");
      void* fargs[] = {&target};
      launch(f, {1, 1, 1}, {32, 1, 1}, 0, stream, fargs, ctx + " (injected " + options.fault_injection + ")");
    };
  } else if (plan.uses_cublas) {
    launch_once = [&] { cublas_gemm(s, prepared.precision, pc, ctx); };
  } else {
    launch_once = [&] {
      for (size_t i = 0; i < plan.steps.size(); ++i) {
        const auto& step = plan.steps[i];
        if (step.kind == LaunchStep::Kind::ZeroOutput)
          CU_CHECK(cuMemsetD32Async(pc, 0, c_words, stream), ctx + " zeroing C");
        else
          launch(functions[i], step.grid, step.block, step.dynamic_smem, stream, step.args.empty() ? args : step_args[i].data(),
                 ctx + " " + step.entry);
      }
    };
  }
  auto poison = [&] { CU_CHECK(cuMemsetD32Async(pc, 0xFFFFFFFFu, c_words, stream), ctx + " poisoning C"); };  // NaN
  CUfunction flush_fn = utility_->function("l2_flush_read");
  CUdeviceptr flush_buf = flush_.get(), flush_sink = flush_sink_.get();
  unsigned long long flush_n4 = flush_.bytes() / 16;
  auto flush = [&] {
    void* fargs[] = {&flush_buf, &flush_n4, &flush_sink};
    launch(flush_fn, {int64_t(spec.sms) * 4, 1, 1}, {512, 1, 1}, 0, stream, fargs, "L2 flush");
  };

  for (int i = 0; i < options.warmup; ++i) {
    poison();
    launch_once();
  }
  CU_CHECK(cuStreamSynchronize(stream), ctx + " warm-up");

  std::vector<EventPair> events;
  events.reserve(size_t(options.reps));
  for (int i = 0; i < options.reps; ++i) {
    events.emplace_back();
    poison();
    if (options.flush_l2) flush();
    CU_CHECK(cuEventRecord(events.back().start, stream), ctx + " start event");
    launch_once();
    CU_CHECK(cuEventRecord(events.back().stop, stream), ctx + " stop event");
  }
  CU_CHECK(cuStreamSynchronize(stream), ctx + " timed launches");
  std::vector<double> ms;
  for (auto& e : events) {
    float t = 0;
    CU_CHECK(cuEventElapsedTime(&t, e.start, e.stop), ctx + " elapsed time");
    ms.push_back(t);
  }
  r.reps = options.reps;
  r.ms_median = median(ms);
  r.ms_min = *std::min_element(ms.begin(), ms.end());
  r.ms_max = *std::max_element(ms.begin(), ms.end());
  r.tflops = s.flops() / (r.ms_median * 1e-3) / 1e12;
  r.gbps = s.min_bytes() / (r.ms_median * 1e-3) / 1e9;

  // The output of the last timed launch (poisoned before it) is what gets checked.
  if (options.verify) {
    DeviceBuffer stats(5 * sizeof(double), "verification sums");
    CU_CHECK(cuMemsetD8Async(stats.get(), 0, stats.bytes(), stream), "verification sums");
    CUdeviceptr c_ptr = pc, ref_ptr = d.ref.get(), st = stats.get();
    unsigned long long count = c_words;
    float atol = float(r.verify.atol), rtol = float(r.verify.rtol);
    void* vargs[] = {&c_ptr, &ref_ptr, &count, &atol, &rtol, &st};
    launch(verify_->function("verify_allclose"), {int64_t(spec.sms) * 8, 1, 1}, {256, 1, 1}, 0, stream, vargs, ctx + " verification");
    double h[5] = {};
    CU_CHECK(cuMemcpyDtoHAsync(h, st, sizeof h, stream), "verification sums");
    CU_CHECK(cuStreamSynchronize(stream), ctx + " verification");
    uint64_t bits[5];
    std::memcpy(bits, h, sizeof bits);
    float max_abs = 0;
    uint32_t max_bits = uint32_t(bits[2]);
    std::memcpy(&max_abs, &max_bits, 4);
    r.verify.checked = true;
    r.verify.rel_fro_error = h[1] > 0 ? std::sqrt(h[0] / h[1]) : (h[0] > 0 ? INFINITY : 0);
    r.verify.max_abs_error = max_abs;
    r.verify.mismatches = int64_t(bits[3]);
    r.verify.nonfinite = int64_t(bits[4]);
    const double bound = prepared.error_bound;
    if (r.verify.nonfinite > 0) {
      r.disposition = Disposition::Incorrect;
      r.reason = std::to_string(r.verify.nonfinite) + " elements are not finite (unwritten or NaN)";
    } else if (!(r.verify.rel_fro_error <= bound)) {
      r.disposition = Disposition::Incorrect;
      char buf[160];
      snprintf(buf, sizeof buf, "relative error %.3g exceeds the %s bound %.1g", r.verify.rel_fro_error,
               to_string(prepared.precision).c_str(), bound);
      r.reason = buf;
    } else {
      r.disposition = Disposition::Passed;
    }
  } else {
    r.disposition = Disposition::Passed;
    r.reason = "not verified (verification off)";
  }

  if (counter_hook_ && (!options.metrics.empty() || options.timeline)) {
    PassSetup setup;
    setup.restore = poison;
    if (options.flush_l2) {
      setup.flush = flush;
      setup.flush_kernels = 1;
    }
    counter_hook_(options, launch_once, setup, r);
  }
}

}  // namespace gemmscope
