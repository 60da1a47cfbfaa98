// gemmscope-cli: the controller without a window, for batch work on GPU servers and for CI.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/cli/cli_options.h"
#include "app/cli/run_report.h"
#include "controller/export.h"
#include "controller/result_store.h"
#include "controller/runner_client.h"
#include "controller/sweep.h"
#include "model/kernel_family.h"
#include "model/roofline.h"
#include "model/validate.h"

using namespace gemmscope;
using namespace gemmscope::cli;

namespace {

std::atomic<bool> g_interrupted{false};  // set by SIGINT so a sweep stops after the run in flight

std::unique_ptr<RunnerClient> make_runner(const CliOptions& o) {
  const std::string path = o.runner.empty() ? default_runner_path() : o.runner;
  return std::make_unique<RunnerClient>(std::vector<std::string>{path, "--device", std::to_string(o.device)});
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
  auto runner = make_runner(o);
  const RunnerInfo info = runner->hello();
  if (!info.ok) {
    std::printf("\ndetected: none (%s)\n", info.error.c_str());
    if (o.measure) return 3;
    print_floors(reference_spec(o, specs));
    return 0;
  }
  std::printf("%s\n", spec_row(info.detected).c_str());
  std::printf("\ndetected: %s, %s runner, driver %s, NVRTC %s, cuBLAS %s\n  %s\n", info.detected.name.c_str(), info.runner_kind.c_str(),
              info.cuda_driver.c_str(), info.nvrtc.c_str(), info.cublas.c_str(), info.detected.source.c_str());
  GpuSpec here = info.detected;
  if (o.measure) {
    std::string error;
    const auto m = runner->measure_ceilings(error);
    if (!m) {
      std::fprintf(stderr, "gemmscope-cli: measuring the ceilings failed: %s\n", error.c_str());
      return 1;
    }
    here.measured = *m;
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
  }
  print_floors(here);
  return 0;
}

void write_outputs(const CliOptions& o, const std::vector<RunResult>& runs) {
  if (!o.csv.empty()) {
    std::ofstream out(o.csv);
    if (!out) throw std::runtime_error("--csv " + o.csv + ": cannot write");
    write_ncu_csv(out, runs);
  }
  if (!o.json.empty()) export_results(o.json, runs);
}

int cmd_run(const CliOptions& o) {
  const KernelConfig config = build_config(o);
  const auto specs = load_specs();
  const GpuSpec ref = reference_spec(o, specs);
  ResultStore store(o.db.empty() ? default_store_path() : o.db);
  auto runner = make_runner(o);
  const RunnerInfo info = runner->hello();
  if (!info.ok) {
    // Still say whether the config itself is valid, against the reference spec.
    if (Check e = validate(config, ref)) std::fprintf(stderr, "config: %s (on %s)\n", e->message().c_str(), ref.name.c_str());
    std::fprintf(stderr, "gemmscope-cli: cannot run: %s\n", info.error.c_str());
    return 3;
  }
  RunResult r = runner->run(config, o.run);
  r.id = store.insert(r);
  std::printf("%s", describe_run(r, info.detected, ref).c_str());
  std::printf("stored      run %lld in %s\n", (long long)r.id, store.path().c_str());
  write_outputs(o, {r});
  return r.disposition == Disposition::Passed ? 0 : 1;
}

int cmd_sweep(const CliOptions& o) {
  SweepPlan plan;
  plan.base = build_config(o);
  plan.options = o.run;
  const auto specs = load_specs();
  const GpuSpec ref = reference_spec(o, specs);
  ResultStore store(o.db.empty() ? default_store_path() : o.db);
  auto runner = make_runner(o);
  const RunnerInfo info = runner->hello();
  if (!info.ok) {
    std::fprintf(stderr, "gemmscope-cli: cannot sweep: %s\n", info.error.c_str());
    return 3;
  }
  const KernelFamily* f = find_family(plan.base.family);
  if (o.axes.empty()) plan.axes = f->sweep_space(plan.base.shape, info.detected);
  for (const auto& a : o.axes) plan.axes.push_back(parse_axis(a));
  plan.tag = o.tag.empty() ? plan.base.family + "@" + problem_name(plan.base.shape) + "@" + utc_now() : o.tag;
  std::vector<RunResult> results;
  std::mutex mu;
  std::signal(SIGINT, [](int) { g_interrupted = true; });
  SweepJob job(*runner, plan, info.detected, [&](const RunResult& r) {
    RunResult stored = r;
    stored.id = store.insert(r, plan.tag);  // committed now: a killed sweep keeps every finished run
    std::lock_guard<std::mutex> lock(mu);
    results.push_back(stored);
  });
  while (!job.finished()) {
    if (g_interrupted) job.cancel();
    const SweepProgress p = job.progress();
    if (!o.quiet && p.total > 0) {
      const int width = 30, filled = p.done * width / p.total;
      std::fprintf(stderr, "\r[%s%s] %d/%d  failed %d  skipped %d  %.0fs elapsed, ~%.0fs left   ", std::string(size_t(filled), '#').c_str(),
                   std::string(size_t(width - filled), '.').c_str(), p.done, p.total, p.failed, p.skipped, p.elapsed_s, p.eta_s);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  job.wait();
  const SweepProgress p = job.progress();
  if (!o.quiet) std::fprintf(stderr, "\n");

  std::vector<RunResult> passed;
  for (const auto& r : results)
    if (r.disposition == Disposition::Passed) passed.push_back(r);
  std::sort(passed.begin(), passed.end(), [](const RunResult& a, const RunResult& b) { return a.ms_median < b.ms_median; });
  std::printf("sweep %s: %d points, %zu passed, %d failed, %d invalid%s\n", plan.tag.c_str(), p.total, passed.size(), p.failed,
              p.skipped, p.cancelled ? " (cancelled)" : "");
  std::printf("%s\n", table_header().c_str());
  for (size_t i = 0; i < passed.size() && int(i) < o.top; ++i) std::printf("%s\n", table_row(passed[i], info.detected).c_str());
  for (const auto& r : results)
    if (r.disposition != Disposition::Passed && r.disposition != Disposition::Invalid)
      std::printf("%-56s %-12s %s\n", r.config_name.c_str(), to_string(r.disposition).c_str(), r.reason.substr(0, 160).c_str());
  if (!passed.empty()) std::printf("\nbest:\n%s", describe_run(passed.front(), info.detected, ref).c_str());
  write_outputs(o, results);
  return passed.empty() ? 1 : 0;
}

int cmd_export(const CliOptions& o) {
  if (o.out.empty()) throw std::invalid_argument("export needs --out FILE.csv or FILE.json");
  ResultStore store(o.db.empty() ? default_store_path() : o.db);
  StoreQuery q;
  q.family = o.family_filter;
  q.problem = o.problem_filter;
  q.sweep = o.sweep_filter;
  const auto runs = store.query(q);
  export_results(o.out, runs);
  std::printf("wrote %zu runs to %s\n", runs.size(), o.out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const CliOptions o = parse_cli(argc, argv);
    if (o.command == "help") {
      std::printf("%s", usage().c_str());
      return 0;
    }
    if (o.command == "peaks") return cmd_peaks(o);
    if (o.command == "run") return cmd_run(o);
    if (o.command == "sweep") return cmd_sweep(o);
    if (o.command == "export") return cmd_export(o);
    throw std::invalid_argument("unknown command '" + o.command + "'");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemmscope-cli: %s\n\n%s", e.what(), usage().c_str());
    return 2;
  }
}
