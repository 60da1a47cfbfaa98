// gemmscope-cli: the controller without a window, for batch work on GPU servers and for CI. It
// drives the same RunSession as the GUI.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "app/cli/cli_options.h"
#include "app/cli/pool_report.h"
#include "app/cli/run_report.h"
#include "controller/export.h"
#include "controller/guided_run.h"
#include "model/advisor/advice.h"
#include "model/advisor/run_compare.h"
#include "controller/result_store.h"
#include "controller/run_session.h"
#include "model/kernel_family.h"
#include "model/roofline.h"
#include "model/sweep_plan.h"
#include "model/kernel_card.h"
#include "model/occupancy.h"
#include "model/validate.h"
#include "runner/jit_compiler.h"
#include "runner/triton_compiler.h"

using namespace gemmscope;
using namespace gemmscope::cli;

namespace {

// An old store upgraded in place (and the backup's name), or read as is: said once on stderr.
void print_store_notices(const ResultStore& store) {
  for (const auto& n : store.notices()) std::fprintf(stderr, "gemmscope-cli: %s\n", n.c_str());
}

// Set by SIGINT so a sweep stops after the run in flight (a signal handler can reach nothing else).
std::atomic<bool> g_interrupted{false};

constexpr int kExitFailed = 1, kExitUsage = 2, kExitNoDevice = 3, kExitNotStored = 4;
constexpr auto kForever = std::chrono::hours(24 * 365);

std::string runner_path(const CliOptions& o) { return o.runner.empty() ? default_runner_path() : o.runner; }

std::vector<std::string> runner_command(const CliOptions& o) { return {runner_path(o), "--device", std::to_string(o.device)}; }

// The one runner of --device, or the pool of --devices and --runner-cmd.
SessionOptions session_options(const CliOptions& o, std::string store) {
  SessionOptions s{runner_command(o), std::move(store), {}};
  if (uses_pool(o)) s.pool = pool_options({runner_path(o)}, o.devices.value_or(DeviceSelection{}), o.runner_commands);
  return s;
}

// Waits for the session's next event of type E; other events are kept in `others` in order.
template <class E>
std::optional<E> next(RunSession& s, std::vector<SessionEvent>& others, std::chrono::milliseconds timeout = kForever) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (size_t i = 0; i < others.size(); ++i)
      if (auto* e = std::get_if<E>(&others[i])) {
        E out = std::move(*e);
        others.erase(others.begin() + long(i));
        return out;
      }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    for (auto& e : s.wait(std::min(left, std::chrono::milliseconds(500)))) others.push_back(std::move(e));
  }
}

std::string store_path(const CliOptions& o) { return o.db.empty() ? default_store_path() : o.db; }

// The store must open and take writes before any GPU time is spent on results it would lose.
bool store_usable(RunSession& s, std::vector<SessionEvent>& events) {
  const auto e = next<StoreEvent>(s, events);
  if (!e || !e->open) {
    std::fprintf(stderr, "gemmscope-cli: %s\n  (choose another store with --db FILE)\n", e ? e->error.c_str() : "the store did not open");
    return false;
  }
  if (!e->writable) {
    std::fprintf(stderr, "gemmscope-cli: store %s is read-only, so no run would be kept\n  (choose another store with --db FILE)\n",
                 e->path.c_str());
    return false;
  }
  return true;
}

// With a pool, every runner must answer with a GPU: a GPU asked for and missing is an error, not
// a smaller pool. 0, or the exit code (the problems printed).
int check_pool(const CliOptions& o, const HelloEvent& h, const char* what) {
  if (!uses_pool(o)) return 0;
  if (const std::string problems = pool_problems(h); !problems.empty()) {
    std::fprintf(stderr, "gemmscope-cli: cannot %s on the runners asked for:\n%s", what, problems.c_str());
    return kExitNoDevice;
  }
  std::printf("%zu runners:\n%s", h.runners.size(), runners_text(h).c_str());
  return 0;
}

// A store that takes writes and a runner with a GPU (each, with a pool), before anything runs: 0,
// or the exit code.
int connect(const CliOptions& o, RunSession& s, std::vector<SessionEvent>& events, HelloEvent& hello, const char* what) {
  if (!store_usable(s, events)) return kExitUsage;
  s.hello();
  hello = *next<HelloEvent>(s, events);
  if (!hello.info.ok && !uses_pool(o)) {
    std::fprintf(stderr, "gemmscope-cli: cannot %s: %s\n", what, hello.info.error.c_str());
    return kExitNoDevice;
  }
  return check_pool(o, hello, what);
}

std::string spec_row(const GpuSpec& s) {
  char b[512];
  snprintf(b, sizeof b, "%-10s %-34s %-6s %4d %7.0f %7.1f %7.1f %7.1f %6.0f %6lld %5d %4d %4d", s.key.c_str(), s.name.substr(0, 34).c_str(),
           s.arch().c_str(), s.sms, s.dram_gbps, s.fp32_tflops, s.tf32_tflops, s.fp16_tflops, double(s.l2_bytes) / (1 << 20),
           s.max_smem_per_block / 1024, s.max_threads_per_sm, s.max_warps_per_sm, s.max_blocks_per_sm);
  return b;
}

void print_floors(const GpuSpec& g) {
  std::printf("\nphysical floors on %s:\n", g.name.c_str());
  for (const auto& [label, shape] : {std::pair{"p9", problem_p9()}, {"p6", problem_p6()}})
    for (Precision p : {Precision::FP32, Precision::TF32x3, Precision::TF32}) {
      const PhysicalFloor f = physical_floor(shape, g, p);
      std::printf("  %-3s %-7s %8.3f ms  (%s-bound: %s)\n", label, to_string(p).c_str(), f.seconds() * 1e3,
                  f.memory_bound() ? "memory" : "compute", f.basis.c_str());
    }
}

int cmd_peaks(const CliOptions& o) {
  const auto specs = load_specs();
  std::printf("%-10s %-34s %-6s %4s %7s %7s %7s %7s %6s %6s %5s %4s %4s\n", "key", "name", "arch", "SMs", "DRAM", "FP32", "TF32", "FP16",
              "L2MB", "smemKB", "thr", "wrp", "blk");
  std::printf("%-10s %-34s %-6s %4s %7s %7s %7s %7s %6s %6s %5s %4s %4s\n", "", "", "", "", "GB/s", "TFLOP/s", "TFLOP/s", "TFLOP/s", "",
              "/block", "/SM", "/SM", "/SM");
  for (const auto& s : specs) std::printf("%s\n", spec_row(s).c_str());
  RunSession session(session_options(o, ""));
  std::vector<SessionEvent> events;
  session.hello();
  const HelloEvent hello = *next<HelloEvent>(session, events);
  const RunnerInfo& info = hello.info;
  if (const int failed = check_pool(o, hello, "use every GPU")) return failed;
  if (!info.ok) {
    std::printf("\ndetected: none (%s)\n", info.error.c_str());
    if (o.measure) return kExitNoDevice;
    print_floors(reference_spec(o, specs));
    return 0;
  }
  std::printf("%s\n", spec_row(info.detected).c_str());
  std::printf("\ndetected: %s, %s runner (build %s), driver %s, NVRTC %s, cuBLAS %s\n  %s\n", info.detected.name.c_str(),
              info.runner_kind.c_str(), info.build.c_str(), info.cuda_driver.c_str(), info.nvrtc.c_str(), info.cublas.c_str(),
              info.detected.source.c_str());
  GpuSpec here = info.detected;
  if (o.measure) {
    session.measure_ceilings();
    const CeilingsEvent c = *next<CeilingsEvent>(session, events);
    if (!c.ceilings) {
      std::fprintf(stderr, "gemmscope-cli: measuring the ceilings failed: %s\n", c.error.c_str());
      return kExitFailed;
    }
    if (!c.error.empty()) std::fprintf(stderr, "gemmscope-cli: %s\n", c.error.c_str());
    here.measured = *c.ceilings;
  }
  const auto& m = here.measured;
  if (m.empty()) {
    std::printf("\nmeasured ceilings: none yet for this device (run `peaks --measure`)\n");
  } else {
    std::printf("\nmeasured ceilings (%s)          measured   datasheet\n", o.measure ? "just now" : "cached");
    std::printf("  DRAM write bandwidth    %8.0f GB/s  %6.0f GB/s\n", m.dram_write_gbps, here.dram_gbps);
    std::printf("  DRAM read bandwidth     %8.0f GB/s  %6.0f GB/s\n", m.dram_read_gbps, here.dram_gbps);
    std::printf("  DRAM copy (r+w)         %8.0f GB/s  %6.0f GB/s\n", m.dram_copy_gbps, here.dram_gbps);
    std::printf("  FP32 FMA rate           %8.1f TFLOP/s %5.1f TFLOP/s\n", m.fp32_tflops, here.fp32_tflops);
    std::printf("  TF32 mma.sync rate      %8.1f TFLOP/s %5.1f TFLOP/s (dense, all tensor paths)\n", m.tf32_mma_tflops, here.tf32_tflops);
    if (m.tf32_wgmma_tflops > 0)
      std::printf("  TF32 wgmma rate         %8.1f TFLOP/s %5.1f TFLOP/s (sm_90a)\n", m.tf32_wgmma_tflops, here.tf32_tflops);
  }
  print_floors(here);
  return 0;
}

// The advisor's reading of each exported run, under "advice", judged on the GPU it ran on.
JsonAnnotator advice_annotator(std::vector<GpuSpec> remembered, GpuSpec reference) {
  auto files = load_specs();
  return [remembered = std::move(remembered), files = std::move(files), reference = std::move(reference)](const RunResult& r, nlohmann::json& j) {
    if (r.disposition == Disposition::Invalid || r.disposition == Disposition::NotRun) return;
    j["advice"] = advice_json(advise(r, spec_for_device(r.device, remembered, files, reference), reference));
  };
}

// Writes --csv / --json; a failure is reported and turns the exit non-zero, after the results were printed.
bool write_outputs(const CliOptions& o, const std::vector<RunResult>& runs, const JsonAnnotator& annotate = {}) {
  try {
    if (!o.csv.empty()) {
      std::ofstream out(o.csv);
      if (!out) throw std::runtime_error("--csv " + o.csv + ": cannot write");
      write_ncu_csv(out, runs);
      if (!out) throw std::runtime_error("--csv " + o.csv + ": write failed");
    }
    if (!o.json.empty()) export_results(o.json, runs, annotate);
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemmscope-cli: %s\n", e.what());
    return false;
  }
}

int cmd_run(const CliOptions& o) {
  const KernelConfig config = build_config(o);
  const auto specs = load_specs();
  const GpuSpec ref = reference_spec(o, specs);
  RunSession session(session_options(o, store_path(o)));
  std::vector<SessionEvent> events;
  if (!store_usable(session, events)) return kExitUsage;
  session.hello();
  const HelloEvent hello = *next<HelloEvent>(session, events);
  const RunnerInfo& info = hello.info;
  if (const int failed = check_pool(o, hello, "run")) return failed;
  if (!info.ok) {
    // Still say whether the config itself is valid, against the reference spec.
    if (Validation v = validate(config, ref); !v.ok()) std::fprintf(stderr, "config: %s (on %s)\n", v.message().c_str(), ref.name.c_str());
    std::fprintf(stderr, "gemmscope-cli: cannot run: %s\n", info.error.c_str());
    return kExitNoDevice;
  }
  session.run(config, o.run);
  const RunEvent done = *next<RunEvent>(session, events);
  const RunResult& r = done.result;
  std::printf("%s", describe_run(r, info.detected, ref).c_str());
  if (o.advise) std::printf("%s", advice_text(advise(r, info.detected, ref)).c_str());
  const bool outputs_ok = write_outputs(o, {r}, o.advise ? advice_annotator({info.detected}, ref) : JsonAnnotator{});
  if (!done.store_error.empty()) {
    std::fprintf(stderr, "gemmscope-cli: the result above could not be stored: %s\n  (choose another store with --db FILE)\n",
                 done.store_error.c_str());
    return kExitNotStored;
  }
  std::printf("stored      run %lld in %s\n", (long long)r.id, session.store_path().c_str());
  if (!outputs_ok) return kExitFailed;
  return r.disposition == Disposition::Passed ? 0 : kExitFailed;
}

int cmd_sweep(const CliOptions& o) {
  SweepPlan plan;
  plan.base = build_config(o);
  plan.options = o.run;
  const auto specs = load_specs();
  const GpuSpec ref = reference_spec(o, specs);
  const FamilyPtr f = find_family(plan.base.family);
  for (const auto& a : o.axes) plan.axes.push_back(parse_axis(a, *f));
  plan.tag = o.tag.empty() ? default_sweep_tag(plan.base) : o.tag;
  RunSession session(session_options(o, store_path(o)));
  std::vector<SessionEvent> events;
  HelloEvent hello;
  if (const int failed = connect(o, session, events, hello, "sweep")) return failed;
  const RunnerInfo& info = hello.info;
  const bool pooled = hello.runners.size() > 1;
  if (o.axes.empty()) plan.axes = f->sweep_space(plan.base.shape, info.detected);
  std::signal(SIGINT, [](int) { g_interrupted = true; });
  session.start_sweep(plan, info.detected);

  // Results are written to --csv/--json as they arrive and kept only as far as the summary needs
  // (the `top` fastest, the failures' lines): a sweep of any size runs in flat memory.
  std::ofstream csv_out, json_out;
  std::optional<JsonRunWriter> json_writer;
  bool outputs_ok = true;
  try {
    if (!o.csv.empty()) {
      csv_out.open(o.csv);
      if (!csv_out) throw std::runtime_error("--csv " + o.csv + ": cannot write");
      write_ncu_csv_header(csv_out);
    }
    if (!o.json.empty()) {
      json_out.open(o.json);
      if (!json_out) throw std::runtime_error("--json " + o.json + ": cannot write");
      json_writer.emplace(json_out, o.advise ? advice_annotator(detected_specs(hello), ref) : JsonAnnotator{});
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemmscope-cli: %s\n", e.what());
    session.cancel_sweep();
    return kExitFailed;
  }
  const size_t keep = size_t(std::max(o.top, 1));
  // Per GPU model, sorted by time, at most `keep` each: points of a mixed pool are compared only
  // within one model (device_model_key). One model: one table, as with one runner.
  std::map<std::string, std::vector<RunResult>> fastest_by_model;
  std::vector<std::string> failures;
  size_t results = 0, passed = 0, failed_lines = 0;
  int not_stored = 0;
  std::string first_store_error;
  SweepProgress p;
  bool cancel_sent = false;
  auto take = [&](RunResult&& r) {
    if (csv_out.is_open()) write_ncu_csv_rows(csv_out, r, int64_t(results));
    if (json_writer) json_writer->row(r);
    ++results;
    if (r.disposition == Disposition::Passed) {
      ++passed;
      std::vector<RunResult>& fastest = fastest_by_model[device_model_key(r)];
      auto at = std::upper_bound(fastest.begin(), fastest.end(), r.ms_median, [](double ms, const RunResult& x) { return ms < x.ms_median; });
      if (size_t(at - fastest.begin()) < keep) {
        fastest.insert(at, std::move(r));
        if (fastest.size() > keep) fastest.pop_back();
      }
    } else if (r.disposition != Disposition::Invalid && failed_lines++ < 200) {
      char b[512];
      const std::string where = pooled ? (r.device_index >= 0 ? "gpu" + std::to_string(r.device_index) + ": " : r.device + ": ") : "";
      std::snprintf(b, sizeof b, "%-56s %-12s %s%s", r.config_name.c_str(), to_string(r.disposition).c_str(), where.c_str(),
                    r.reason.substr(0, 160).c_str());
      failures.push_back(b);
    }
  };
  const bool stderr_tty = isatty(fileno(stderr));
  int logged_tenths = 0;
  for (bool finished = false; !finished;) {
    if (g_interrupted && !cancel_sent) session.cancel_sweep(), cancel_sent = true;
    for (auto& e : events.empty() ? session.wait(std::chrono::milliseconds(200)) : std::exchange(events, {})) {
      if (auto* r = std::get_if<SweepResultEvent>(&e)) {
        if (!r->store_error.empty() && not_stored++ == 0) first_store_error = r->store_error;
        take(std::move(r->result));
      } else if (auto* pe = std::get_if<SweepProgressEvent>(&e)) {
        p = pe->progress;
        finished = pe->finished;
      } else if (auto* m = std::get_if<MessageEvent>(&e)) {
        std::fprintf(stderr, "\ngemmscope-cli: %s\n", m->text.c_str());
      }
    }
    if (!o.quiet && p.total > 0 && stderr_tty) {
      const int width = 30, filled = p.done * width / p.total;
      std::fprintf(stderr, "\r[%s%s] %d/%d  failed %d  skipped %d  %.0fs elapsed, ~%.0fs left%s   ", std::string(size_t(filled), '#').c_str(),
                   std::string(size_t(width - filled), '.').c_str(), p.done, p.total, p.failed, p.skipped, p.elapsed_s, p.eta_s,
                   pooled ? ("  [" + runner_counts(p) + "]").c_str() : "");
    } else if (!o.quiet && p.total > 0 && p.done * 10 / p.total > logged_tenths) {
      // Into a file or a pipe: one line each tenth of the sweep, not a redrawn bar five times a second.
      logged_tenths = p.done * 10 / p.total;
      std::fprintf(stderr, "%d/%d  failed %d  skipped %d  %.0fs elapsed, ~%.0fs left%s\n", p.done, p.total, p.failed, p.skipped,
                   p.elapsed_s, p.eta_s, pooled ? ("  [" + runner_counts(p) + "]").c_str() : "");
    }
  }
  if (!o.quiet && stderr_tty) std::fprintf(stderr, "\n");
  if (json_writer) json_writer->finish();
  for (auto* f : {&csv_out, &json_out})
    if (f->is_open() && !(*f << std::flush)) outputs_ok = false;
  if (!outputs_ok) std::fprintf(stderr, "gemmscope-cli: writing --csv/--json failed\n");

  std::printf("sweep %s: %d points, %zu passed, %d failed, %d invalid%s\n", plan.tag.c_str(), p.total, passed, p.failed, p.skipped,
              p.cancelled ? " (cancelled)" : "");
  if (pooled) std::printf("%s", runner_summary(p).c_str());
  const bool mixed = fastest_by_model.size() > 1;
  if (fastest_by_model.empty()) std::printf("%s\n", table_header().c_str());
  for (const auto& [model, fastest] : fastest_by_model) {
    if (mixed) std::printf("\nfastest on %s:\n", model.c_str());
    std::printf("%s\n", table_header().c_str());
    for (size_t i = 0; i < fastest.size() && int(i) < o.top; ++i) std::printf("%s\n", table_row(fastest[i], spec_of(hello, fastest[i])).c_str());
  }
  for (const auto& line : failures) std::printf("%s\n", line.c_str());
  if (failed_lines > failures.size()) std::printf("... and %zu more failed runs (in the store)\n", failed_lines - failures.size());
  for (const auto& [model, fastest] : fastest_by_model) {
    if (fastest.empty()) continue;
    const RunResult& best = fastest.front();
    const GpuSpec& here = spec_of(hello, best);
    std::printf("\nbest%s:\n%s", mixed ? (" on " + model).c_str() : "", describe_run(best, here, ref).c_str());
    if (o.advise) std::printf("%s", advice_text(advise(best, here, ref)).c_str());
  }
  if (not_stored > 0) {
    std::fprintf(stderr, "gemmscope-cli: %d of %zu results above could not be stored: %s\n  (choose another store with --db FILE)\n",
                 not_stored, results, first_store_error.c_str());
    return kExitNotStored;
  }
  if (!outputs_ok) return kExitFailed;
  return passed == 0 ? kExitFailed : 0;
}

// Every valid point of a card's sweep compiled for each architecture, with no GPU: what the
// compiler made of it (registers, shared memory, spills) and the occupancy that gives on the
// reference GPU and on the chosen one.
int cmd_check(const CliOptions& o) {
  const KernelConfig base = build_config(o);
  const FamilyPtr f = find_family(base.family);
  const auto card = f->card();
  const auto specs = load_specs();
  const GpuSpec ref = reference_spec(o, specs);
  const auto gpu = find_spec(specs, o.gpu);
  if (!gpu) throw std::invalid_argument("--gpu " + o.gpu + ": no such spec");
  SweepPlan plan;
  plan.base = base;
  for (const auto& a : o.axes) plan.axes.push_back(parse_axis(a, *f));
  if (o.axes.empty()) plan.axes = f->sweep_space(base.shape, *gpu);
  const std::vector<std::string> archs = o.archs.empty() ? std::vector<std::string>{"sm_89", "sm_90"} : o.archs;
  std::printf("card %s (%s, %s): %zu parameters, problem %s\n", card->name.c_str(), to_string(card->language).c_str(), card->path.c_str(),
              card->params.size(), problem_name(base.shape).c_str());
  const JitCompiler jit(default_jit_cache_dir());
  const TritonCompiler triton(default_jit_cache_dir());
  std::vector<KernelConfig> configs = {base};
  for (const auto& pt : expand(plan, *gpu)) configs.push_back(pt.config);
  std::printf("%-60s %-6s %5s %9s %9s %6s %8s %8s  %s\n", "config", "arch", "regs", "smem B", "local B", "thr", ref.key.c_str(),
              gpu->key.c_str(), "status");
  int compiled = 0, failed = 0, invalid = 0;
  std::vector<std::string> seen;
  for (const KernelConfig& c : configs) {
    const std::string name = config_name(c);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    // Valid on the reference or on the chosen GPU: each architecture is judged by its own spec.
    for (const std::string& arch : archs) {
      const GpuSpec& judge_on = arch == ref.arch() ? ref : *gpu;
      const Validation v = validate(c, judge_on);
      if (!v.ok()) {
        ++invalid;
        std::printf("%-60s %-6s %5s %9s %9s %6s %8s %8s  invalid on %s: %s\n", name.c_str(), arch.c_str(), "-", "-", "-", "-", "-", "-",
                    judge_on.key.c_str(), v.message().c_str());
        continue;
      }
      const LaunchStep* main = v.launch->plan.main_kernel();
      try {
        KernelResources res;
        int64_t dynamic = main->dynamic_smem;
        int threads = int(main->block.count());
        if (card->language == CardLanguage::Triton) {
          const TritonKernel k = triton.compile(*card, c, main->entry, main->args, arch);
          res = k.resources, dynamic = k.shared, threads = 32 * k.num_warps;
        } else {
          const CompiledModule m = jit.compile_text(card->name + "/" + card->source_file, card->source_text, v.launch->defines, arch);
          if (!m.resources.count(main->entry)) throw CompileError("no kernel '" + main->entry + "' in the compiled source (extern \"C\"?)", m.log);
          res = m.resources.at(main->entry);
        }
        ++compiled;
        const int64_t smem = res.static_smem + dynamic;
        const Occupancy on_ref = theoretical_occupancy(ref, threads, res.registers, smem);
        const Occupancy on_gpu = theoretical_occupancy(*gpu, threads, res.registers, smem);
        LaunchStep compiled_step = *main;
        compiled_step.dynamic_smem = dynamic;
        compiled_step.block = {threads, 1, 1};
        const auto limits = validate_resources(compiled_step, res, judge_on);
        char occ_ref[16], occ_gpu[16];
        std::snprintf(occ_ref, sizeof occ_ref, "%.0f%%", 100 * on_ref.fraction);
        std::snprintf(occ_gpu, sizeof occ_gpu, "%.0f%%", 100 * on_gpu.fraction);
        std::printf("%-60s %-6s %5d %9lld %9lld %6d %8s %8s  %s\n", name.c_str(), arch.c_str(), res.registers, (long long)smem,
                    (long long)res.local_bytes, threads, occ_ref, occ_gpu,
                    limits.empty() ? (res.local_bytes > 0 ? "compiled (spills to local memory)" : "compiled") : ("over the limits: " + limits.front().message()).c_str());
      } catch (const std::exception& e) {
        ++failed;
        std::string msg = e.what();
        if (msg.size() > 600) msg = msg.substr(0, 600) + "...";
        std::printf("%-60s %-6s  does not compile: %s\n", name.c_str(), arch.c_str(), msg.c_str());
      }
    }
  }
  std::printf("\n%d compiled, %d failed to compile, %d invalid (%zu configs x %zu architectures)\n", compiled, failed, invalid, seen.size(),
              archs.size());
  return failed > 0 || compiled == 0 ? kExitFailed : 0;
}

// Guided tuning: the advisor's suggestions tried in small sweeps from the start config until
// none helps or the budget is spent; the path printed with each step's reason.
int cmd_tune(const CliOptions& o) {
  const KernelConfig start = build_config(o);
  RunOptions options = o.run;
  if (options.metrics.empty()) options.metrics = "seed";  // the rules read counters; the seeds' five are the least they need
  const auto specs = load_specs();
  const GpuSpec ref = reference_spec(o, specs);
  RunSession session(session_options(o, store_path(o)));
  std::vector<SessionEvent> events;
  HelloEvent hello;
  if (const int failed = connect(o, session, events, hello, "tune")) return failed;
  const RunnerInfo& info = hello.info;
  const std::string tag = o.tag.empty() ? "tune@" + default_sweep_tag(start) : o.tag;
  std::printf("guided tuning of %s on %s (counters: %s; budget %d runs, %d steps; kept when %.1f%% faster)\n", config_name(start).c_str(),
              info.detected.name.c_str(), options.metrics.c_str(), o.tune.max_runs, o.tune.max_steps, 100 * o.tune.min_gain);
  GuidedRun guided(start, options, info.detected, ref, o.tune, tag);
  std::signal(SIGINT, [](int) { g_interrupted = true; });
  guided.start(session);
  int not_stored = 0;
  bool cancel_sent = false;
  size_t printed = 0;
  while (!guided.done()) {
    if (g_interrupted && !cancel_sent) guided.cancel(session), cancel_sent = true;
    for (auto& e : events.empty() ? session.wait(std::chrono::milliseconds(200)) : std::exchange(events, {})) {
      if (auto* r = std::get_if<SweepResultEvent>(&e); r && !r->store_error.empty()) ++not_stored;
      if (auto* m = std::get_if<MessageEvent>(&e)) std::fprintf(stderr, "gemmscope-cli: %s\n", m->text.c_str());
      guided.on_event(e, session);
    }
    if (!o.quiet)
      for (; printed < guided.results().size(); ++printed) {
        const RunResult& r = guided.results()[printed];
        std::printf("  run %2zu  %-60s %-10s %9.4f ms%s\n", printed + 1, r.config_name.c_str(), to_string(r.disposition).c_str(), r.ms_median,
                    r.verify.checked && !r.verify.allclose() ? "  (fails allclose)" : "");
      }
  }
  const GuidedTuner& t = guided.tuner();
  std::printf("\npath (%d runs in %d batches; stopped: %s):\n%s", t.runs(), guided.batches(), t.stop_reason().c_str(),
              tune_path_text(t).c_str());
  if (t.best()) {
    std::printf("\nbest:\n%s", describe_run(*t.best(), info.detected, ref).c_str());
    // The advice as it stands after the tuning: what was tried is not offered again.
    AdviseOptions rest;
    rest.suggest.exclude = t.tried();
    std::printf("%s", advice_text(advise(*t.best(), info.detected, ref, rest)).c_str());
  }
  const bool outputs_ok = write_outputs(o, guided.results(), advice_annotator(detected_specs(hello), ref));
  if (not_stored > 0) {
    std::fprintf(stderr, "gemmscope-cli: %d results could not be stored\n", not_stored);
    return kExitNotStored;
  }
  if (!outputs_ok) return kExitFailed;
  return t.best() ? 0 : kExitFailed;
}

std::optional<RunResult> stored_run(const ResultStore& store, int64_t id) {
  auto r = store.get(id);
  if (!r) std::fprintf(stderr, "gemmscope-cli: no run %lld in %s\n", (long long)id, store.path().c_str());
  return r;
}

int cmd_advise(const CliOptions& o) {
  ResultStore store(store_path(o));
  print_store_notices(store);
  for (const auto& e : register_cards_of(store)) std::fprintf(stderr, "gemmscope-cli: %s\n", e.c_str());
  const auto r = stored_run(store, o.ids.at(0));
  if (!r) return kExitUsage;
  const auto specs = load_specs();
  const GpuSpec ref = reference_spec(o, specs);
  const GpuSpec ran_on = spec_for_device(r->device, store.device_specs(), specs, ref);
  std::printf("%s%s", describe_run(*r, ran_on, ref).c_str(), advice_text(advise(*r, ran_on, ref)).c_str());
  return 0;
}

int cmd_compare(const CliOptions& o) {
  ResultStore store(store_path(o));
  print_store_notices(store);
  for (const auto& e : register_cards_of(store)) std::fprintf(stderr, "gemmscope-cli: %s\n", e.c_str());
  const auto a = stored_run(store, o.ids.at(0)), b = stored_run(store, o.ids.at(1));
  if (!a || !b) return kExitUsage;
  const auto specs = load_specs();
  const GpuSpec ref = reference_spec(o, specs);
  const auto devices = store.device_specs();
  const auto rows = compare_runs(*a, spec_for_device(a->device, devices, specs, ref), *b, spec_for_device(b->device, devices, specs, ref));
  std::printf("baseline  run %lld  %s (%s)\ncurrent   run %lld  %s (%s)\n\n", (long long)a->id, a->config_name.c_str(), a->device.c_str(),
              (long long)b->id, b->config_name.c_str(), b->device.c_str());
  std::printf("%-62s %16s %16s %16s %9s\n", "metric", "baseline", "current", "difference", "change");
  auto cell = [](const std::optional<double>& v) {
    char c[32];
    if (!v) return std::string("-");
    std::snprintf(c, sizeof c, "%.6g", *v);
    return std::string(c);
  };
  for (const auto& d : rows) {
    char change[32] = "-";
    if (d.baseline && d.current && *d.baseline != 0) std::snprintf(change, sizeof change, "%+.1f%%", 100 * d.relative());
    const std::string diff = d.baseline && d.current ? cell(d.difference()) : "-";
    std::printf("%-62s %16s %16s %16s %9s %s\n", d.metric.c_str(), cell(d.baseline).c_str(), cell(d.current).c_str(), diff.c_str(), change,
                d.unit.c_str());
  }
  return 0;
}

int cmd_export(const CliOptions& o) {
  ResultStore store(store_path(o));
  print_store_notices(store);
  for (const auto& e : register_cards_of(store)) std::fprintf(stderr, "gemmscope-cli: %s\n", e.c_str());
  StoreQuery q;
  q.family = o.family_filter;
  q.problem = o.problem_filter;
  q.sweep = o.sweep_filter;
  std::vector<std::string> bad_rows;
  // Streamed row by row: an export of any size holds one run in memory.
  const size_t n = export_store(store, q, o.out, bad_rows,
                                o.export_advice ? advice_annotator(store.device_specs(), reference_spec(o, load_specs())) : JsonAnnotator{});
  std::printf("wrote %zu runs to %s\n", n, o.out.c_str());
  for (const auto& bad : bad_rows) std::fprintf(stderr, "gemmscope-cli: skipped %s\n", bad.c_str());
  if (!bad_rows.empty()) {
    std::fprintf(stderr, "gemmscope-cli: %zu stored runs could not be read and are not in %s\n", bad_rows.size(), o.out.c_str());
    return kExitFailed;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const ParsedCli parsed = parse_cli(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.output.c_str(), stdout);
    std::fputs(parsed.error.c_str(), stderr);
    return parsed.exit_code;
  }
  const CliOptions& o = *parsed.options;
  try {
    if (o.command == "peaks") return cmd_peaks(o);
    if (o.command == "run") return cmd_run(o);
    if (o.command == "sweep") return cmd_sweep(o);
    if (o.command == "export") return cmd_export(o);
    if (o.command == "tune") return cmd_tune(o);
    if (o.command == "advise") return cmd_advise(o);
    if (o.command == "compare") return cmd_compare(o);
    if (o.command == "check") return cmd_check(o);
    std::fprintf(stderr, "gemmscope-cli: unknown command '%s'\n", o.command.c_str());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemmscope-cli: %s\n", e.what());
    return kExitUsage;
  }
}
