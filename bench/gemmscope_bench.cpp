// gemmscope-bench: the issue-5 benchmark in one run. It measures the GPU's ceilings, finds each
// family's best config for each seed problem by that family's default sweep, then times the
// seed baselines, cuBLAS (fp32 pedantic and tf32) and every family's best in the same runner
// process, twice, and writes a Markdown table and JSON: ms, TFLOP/s, GB/s, % of the measured
// physical floor, speed-up over cuBLAS fp32, error and the allclose verdict.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "controller/result_store.h"
#include "controller/runner_client.h"
#include "model/json_codec.h"
#include "model/kernel_family.h"
#include "model/roofline.h"
#include "model/run_roofline.h"
#include "model/sweep_plan.h"
#include "model/validate.h"

using namespace gemmscope;

namespace {

struct Row {
  std::string problem, role, family;
  RunResult first, second;
  int sweep_points = 0;
  double ms() const { return 0.5 * (first.ms_median + second.ms_median); }
  Row(std::string p, std::string r, std::string f) : problem(std::move(p)), role(std::move(r)), family(std::move(f)) {}
  double spread_pct() const { return first.ms_median > 0 ? 100.0 * std::abs(first.ms_median - second.ms_median) / first.ms_median : 0; }
};

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string sanitize(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  std::string out;
  for (char c : s)
    if (!(c == '-' && !out.empty() && out.back() == '-')) out += char(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_dir = "bench/results", runner_path = default_runner_path(), db;
  int sweep_reps = 5, final_reps = 30;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "gemmscope-bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--out") out_dir = next();
    else if (a == "--runner") runner_path = next();
    else if (a == "--db") db = next();
    else if (a == "--sweep-reps") sweep_reps = std::stoi(next());
    else if (a == "--reps") final_reps = std::stoi(next());
    else {
      std::fprintf(stderr, "usage: gemmscope-bench [--out DIR] [--db FILE] [--runner PATH] [--sweep-reps N] [--reps N]\n");
      return 2;
    }
  }
  RunnerClient runner({runner_path});
  RunnerInfo info = runner.hello();
  if (!info.ok) {
    std::fprintf(stderr, "gemmscope-bench: no GPU: %s\n", info.error.c_str());
    return 3;
  }
  std::string err;
  const auto ceilings = runner.measure_ceilings(err);
  if (!ceilings) {
    std::fprintf(stderr, "gemmscope-bench: %s\n", err.c_str());
    return 1;
  }
  GpuSpec gpu = info.detected;
  gpu.measured = *ceilings;
  ResultStore store(db.empty() ? default_store_path() : db);

  RunOptions sweep_opts;
  sweep_opts.reps = sweep_reps;
  sweep_opts.warmup = 2;
  sweep_opts.timeout_s = 120;
  RunOptions final_opts = sweep_opts;
  final_opts.reps = final_reps;
  final_opts.warmup = 5;

  std::vector<Row> rows;
  for (const ProblemShape& shape : {problem_p9(), problem_p6()}) {
    const std::string pname = problem_name(shape);
    std::vector<std::pair<Row, KernelConfig>> plan;
    const std::string seed_family = shape == problem_p9() ? "seed_tall_skinny" : "seed_tiled";
    plan.emplace_back(Row(pname, "seed baseline", seed_family), find_family(seed_family)->defaults(shape));
    for (Precision p : {Precision::FP32, Precision::TF32})
      plan.emplace_back(Row(pname, "cuBLAS " + to_string(p), "cublas"), make_config(shape, "cublas", {{"precision", to_string(p)}}));
    // Each family's own default sweep picks its best passed config (per precision it offers).
    for (const auto& f : families()) {
      if (f->name() == "cublas" || f->name().rfind("seed_", 0) == 0) continue;
      if (!validate(f->defaults(shape), gpu).ok()) continue;  // the family does not serve this problem
      SweepPlan sp;
      sp.base = f->defaults(shape);
      sp.axes = f->sweep_space(shape, gpu);
      sp.options = sweep_opts;
      std::map<Precision, RunResult> best;
      int points = 0;
      for (const auto& pt : expand(sp, gpu)) {
        if (!pt.valid()) continue;
        ++points;
        RunResult r = runner.run(pt.config, sweep_opts);
        store.insert(r, "bench-sweep-" + f->name() + "@" + pname);
        std::fprintf(stderr, "  sweep %-60s %-10s %9.4f ms\n", r.config_name.c_str(), to_string(r.disposition).c_str(), r.ms_median);
        if (r.disposition != Disposition::Passed) continue;
        const Precision prec = f->precision(pt.config);
        auto it = best.find(prec);
        if (it == best.end() || r.ms_median < it->second.ms_median) best[prec] = r;
      }
      for (const auto& [prec, r] : best) {
        Row row(pname, "best of " + f->name() + " " + to_string(prec), f->name());
        row.sweep_points = points;
        plan.emplace_back(row, r.config);
      }
    }
    // Final timing: every config of this problem, twice, in this one runner process.
    for (int round = 0; round < 2; ++round)
      for (auto& [row, config] : plan) {
        RunResult r = runner.run(config, final_opts);
        store.insert(r, "bench-final@" + pname);
        (round == 0 ? row.first : row.second) = r;
        std::fprintf(stderr, "  final %-60s %-10s %9.4f ms\n", r.config_name.c_str(), to_string(r.disposition).c_str(), r.ms_median);
      }
    for (auto& [row, config] : plan) rows.push_back(row);
  }

  // Report.
  const std::string date = utc_now().substr(0, 10);
  const std::string stem = sanitize(gpu.name) + "-" + date;
  std::filesystem::create_directories(out_dir);
  std::string commit = rows.empty() ? "unknown" : rows.front().first.commit;
  std::ofstream md(out_dir + "/" + stem + ".md");
  md << "# gemmscope benchmark: " << gpu.name << ", " << date << "\n\n";
  md << "Commit `" << commit << "`, driver " << info.cuda_driver << ", NVRTC " << info.nvrtc << ", cuBLAS " << info.cublas
     << ". Made by `gemmscope-bench` in one runner process: each family's best config comes from its own default sweep ("
     << sweep_reps << " reps a point); the final table times every row twice (" << final_reps
     << " reps each, L2 flushed, output poisoned and verified) and shows the mean of the two medians and their spread.\n\n";
  md << "Measured ceilings: DRAM write " << fmt("%.0f", ceilings->dram_write_gbps) << " GB/s, read " << fmt("%.0f", ceilings->dram_read_gbps)
     << " GB/s, copy " << fmt("%.0f", ceilings->dram_copy_gbps) << " GB/s; FP32 FMA " << fmt("%.1f", ceilings->fp32_tflops)
     << " TFLOP/s; TF32 mma.sync " << fmt("%.1f", ceilings->tf32_mma_tflops) << " TFLOP/s"
     << (ceilings->tf32_wgmma_tflops > 0 ? "; TF32 wgmma " + fmt("%.1f", ceilings->tf32_wgmma_tflops) + " TFLOP/s" : std::string()) << ".\n\n";
  nlohmann::json jrows = nlohmann::json::array();
  for (const ProblemShape& shape : {problem_p9(), problem_p6()}) {
    const std::string pname = problem_name(shape);
    double cublas_fp32 = 0;
    for (const auto& r : rows)
      if (r.problem == pname && r.role == "cuBLAS fp32") cublas_fp32 = r.ms();
    md << "## " << pname << " (" << shape.m << "x" << shape.n << "x" << shape.k << ")\n\n";
    for (Precision p : {Precision::FP32, Precision::TF32x3, Precision::TF32}) {
      const PhysicalFloor f = physical_floor(shape, gpu, p);
      md << "- floor " << to_string(p) << ": " << fmt("%.3f", f.seconds() * 1e3) << " ms (" << (f.memory_bound() ? "memory" : "compute")
         << "-bound: " << f.basis << ")\n";
    }
    md << "\n| row | config | ms | spread | TFLOP/s | GB/s | % of floor | vs cuBLAS fp32 | rel. error | allclose | status |\n";
    md << "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n";
    for (const auto& r : rows) {
      if (r.problem != pname) continue;
      const RunResult& a = r.first;
      const PhysicalFloor f = physical_floor(shape, gpu, run_precision(a));
      const double ms = r.ms();
      const double pct = ms > 0 ? 100.0 * f.seconds() * 1e3 / ms : 0;
      const double speedup = ms > 0 && cublas_fp32 > 0 ? cublas_fp32 / ms : 0;
      const bool ok = a.disposition == Disposition::Passed && r.second.disposition == Disposition::Passed;
      md << "| " << r.role << (r.sweep_points ? " (" + std::to_string(r.sweep_points) + "-point sweep)" : "") << " | `" << a.config_name
         << "` | " << fmt("%.4f", ms) << " | " << fmt("%.1f%%", r.spread_pct()) << " | " << fmt("%.2f", shape.flops() / (ms * 1e-3) / 1e12)
         << " | " << fmt("%.0f", shape.min_bytes() / (ms * 1e-3) / 1e9) << " | " << fmt("%.1f%%", pct) << " | " << fmt("%.2fx", speedup)
         << " | " << fmt("%.2e", a.verify.rel_fro_error) << " | " << (a.verify.allclose() ? "pass" : "FAIL") << " | "
         << (ok ? "passed" : to_string(a.disposition) + ": " + a.reason) << " |\n";
      jrows.push_back({{"problem", pname},
                       {"row", r.role},
                       {"family", r.family},
                       {"sweep_points", r.sweep_points},
                       {"config", to_json(a.config)},
                       {"config_name", a.config_name},
                       {"ms", ms},
                       {"ms_rounds", {a.ms_median, r.second.ms_median}},
                       {"tflops", shape.flops() / (ms * 1e-3) / 1e12},
                       {"gbps", shape.min_bytes() / (ms * 1e-3) / 1e9},
                       {"floor_ms", f.seconds() * 1e3},
                       {"pct_of_floor", pct},
                       {"speedup_vs_cublas_fp32", speedup},
                       {"rel_fro_error", a.verify.rel_fro_error},
                       {"allclose", a.verify.allclose()},
                       {"registers", a.registers},
                       {"disposition", to_string(a.disposition)},
                       {"reason", a.reason}});
    }
    md << "\n";
  }
  nlohmann::json j = {{"gpu", to_json(gpu)}, {"date", date}, {"commit", commit},     {"driver", info.cuda_driver},
                      {"nvrtc", info.nvrtc}, {"cublas", info.cublas}, {"rows", jrows}};
  std::ofstream(out_dir + "/" + stem + ".json") << j.dump(2) << "\n";
  std::printf("wrote %s/%s.md and .json\n", out_dir.c_str(), stem.c_str());
  std::ifstream back(out_dir + "/" + stem + ".md");
  std::printf("%s", std::string(std::istreambuf_iterator<char>(back), {}).c_str());
  return 0;
}
