#include "app/cli/cli_options.h"

#include <sstream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "controller/shell_words.h"
#include "model/families/card_family.h"
#include "model/kernel_family.h"
#include "model/metric_catalog.h"

namespace gemmscope::cli {

namespace {

// The workload and measurement flags `run` and `sweep` share.
void add_workload(CLI::App& c, CliOptions& o) {
  c.add_option("--problem", o.problem, "p9, p6 or MxNxK[:AB] (A/B layouts R or C)")->capture_default_str();
  c.add_option("--family", o.family, "kernel family (default: the problem's seed family): " + family_list());
  c.add_option("--card", o.card, "a kernel card (TOML) of your own CUDA or Triton kernel, instead of --family (docs/kernel_cards.md)");
  c.add_option("--set", o.sets, "parameter override name=value, repeatable (the family's parameters only)")->take_all();
  c.add_option("--reps", o.run.reps, "timed launches")->check(CLI::Range(1, kMaxReps))->capture_default_str();
  c.add_option("--warmup", o.run.warmup, "warm-up launches")->check(CLI::Range(0, kMaxWarmup))->capture_default_str();
  c.add_flag_callback("--no-flush", [&o] { o.run.flush_l2 = false; }, "keep L2 hot between reps (default: flushed)");
  c.add_flag_callback("--no-verify", [&o] { o.run.verify = false; }, "skip verification against cuBLAS");
  c.add_option("--seed", o.run.seed, "input seed")->check(CLI::Range(int64_t(0), int64_t(1) << 40))->capture_default_str();
  std::string sets;
  for (const auto& s : metric_set_names()) sets += (sets.empty() ? "" : "|") + s;
  c.add_option("--metrics", o.run.metrics, "counter set (" + sets + ") or Nsight Compute metric names, comma-separated");
  c.add_flag("--timeline", o.run.timeline, "one more launch with counters sampled over its duration (CUPTI PM sampling): SM busy, "
                                          "issue throughput, occupancy and DRAM curves");
  c.add_option("--timeout", o.run.timeout_s, "watchdog seconds per run")->check(CLI::Range(1.0, kMaxTimeoutS))->capture_default_str();
  c.add_option("--inject", o.run.fault_injection, "test the recovery path with a deliberate fault or hang")
      ->check(CLI::IsMember({"fault", "hang"}));
  c.add_option("--csv", o.csv, "write the runs in Nsight Compute's --csv long format");
  c.add_option("--json", o.json, "write the runs as JSON");
}

}  // namespace

ParsedCli parse_cli(int argc, const char* const* argv) {
  CliOptions o;
  CLI::App app{"gemmscope-cli: JIT-compile, time, verify and count GEMM kernels; sweep them; export the results.", "gemmscope-cli"};
  app.require_subcommand(1);
  app.add_option("--db", o.db, "results store (default $GEMMSCOPE_DB or ~/.local/share/gemmscope/results.sqlite)");
  app.add_option("--runner", o.runner, "the runner command (default: gemmscope-runner next to this program)");
  CLI::Option* device = app.add_option("--device", o.device, "GPU ordinal")->check(CLI::Range(0, kMaxDeviceIndex));
  std::string devices;
  std::vector<std::string> runner_cmds;
  app.add_option("--devices", devices,
                 "run sweeps on several GPUs, one runner each: all (every GPU the first runner counts) or indices like 0,2,3; "
                 "points go to whichever runner is free, single runs to the first")
      ->excludes(device);
  app.add_option("--runner-cmd", runner_cmds,
                 "a runner started as given, e.g. 'ssh HOST gemmscope-runner --device 0' (any command that speaks the runner "
                 "protocol on stdio; split like a shell would, nothing expanded), repeatable; alone, the only runners; with "
                 "--devices, beside the local ones")
      ->take_all();
  app.add_option("--reference", o.reference, "spec key to compare against (assets/gpus)")->capture_default_str();

  CLI::App* peaks = app.add_subcommand("peaks", "the GPU spec table, the detected GPU, its measured ceilings and the seed problems' floors");
  peaks->add_flag("--measure", o.measure, "measure the ceilings now and cache them");
  CLI::App* run = app.add_subcommand("run", "one config: time, rates, % of peak, error, registers, occupancy, counters");
  add_workload(*run, o);
  run->add_flag("--advise", o.advise, "read the run's counters: findings, the tuning stage, and the next configs to try");
  CLI::App* sweep = app.add_subcommand("sweep", "every combination of --axis values (default: the family's sweep space)");
  add_workload(*sweep, o);
  sweep->add_option("--axis", o.axes, "axis name=v1,v2 | name=lo..hi (powers of two) | name=lo..hi:step, repeatable")->take_all();
  sweep->add_option("--tag", o.tag, "names the sweep in the store");
  sweep->add_option("--top", o.top, "rows of the results table")->check(CLI::Range(0, 1000000))->capture_default_str();
  sweep->add_flag("--quiet", o.quiet, "no progress bar");
  sweep->add_flag("--advise", o.advise, "the advisor's reading of the best run");
  CLI::App* tune = app.add_subcommand("tune", "guided tuning: run, advise, try the advisor's 2-4 configs, keep the best; repeat until "
                                               "nothing helps or the budget is spent (counters: the seed set unless --metrics)");
  add_workload(*tune, o);
  tune->add_flag("--guided", o.guided, "follow the advisor (the tuning mode; the flag may be left out)");
  tune->add_option("--max-runs", o.tune.max_runs, "runs in all, the start included")->check(CLI::Range(1, 10000))->capture_default_str();
  tune->add_option("--max-steps", o.tune.max_steps, "kept improvements")->check(CLI::Range(1, 1000))->capture_default_str();
  tune->add_option("--min-gain", o.min_gain_pct, "per cent faster a run must be to be kept (timing noise)")
      ->check(CLI::Range(0.0, 50.0))->capture_default_str();
  tune->add_option("--batch", o.tune.batch, "suggestions tried together (2-4 is the seeds' advice)")->check(CLI::Range(1, 16))->capture_default_str();
  tune->add_option("--tag", o.tag, "names the tuning's sweeps in the store (default tune@<family>@<problem>@<time>)");
  tune->add_flag("--quiet", o.quiet, "no per-run lines");
  CLI::App* advise_cmd = app.add_subcommand("advise", "the advisor's reading of a stored run (findings, stage, next configs)");
  advise_cmd->add_option("id", o.ids, "stored run id")->required()->expected(1);
  CLI::App* compare = app.add_subcommand("compare", "two stored runs counter by counter, the figures that moved most first");
  compare->add_option("ids", o.ids, "baseline run id, then the run to compare")->required()->expected(2);
  CLI::App* check = app.add_subcommand("check", "read a kernel card, expand its sweep space and compile every point for sm_89 and "
                                                 "sm_90 (no GPU needed): registers, shared memory, occupancy");
  check->add_option("--card", o.card, "the kernel card (TOML)")->required();
  check->add_option("--problem", o.problem, "p9, p6 or MxNxK[:AB]")->capture_default_str();
  check->add_option("--set", o.sets, "parameter override name=value, repeatable")->take_all();
  check->add_option("--axis", o.axes, "sweep axis instead of the card's default sweep, repeatable")->take_all();
  check->add_option("--arch", o.archs, "architectures to compile for (default sm_89 sm_90)")->take_all();
  check->add_option("--gpu", o.gpu, "spec key whose occupancy is shown beside the reference's")->capture_default_str();
  CLI::App* exp = app.add_subcommand("export", "write stored runs as CSV or JSON");
  exp->add_option("--out", o.out, "FILE.csv or FILE.json")->required();
  exp->add_option("--filter-family", o.family_filter, "only this family");
  exp->add_option("--filter-problem", o.problem_filter, "only this problem (p9, p6, MxNxK)");
  exp->add_option("--filter-sweep", o.sweep_filter, "only this sweep tag");
  exp->add_flag_callback("--no-advice", [&o] { o.export_advice = false; }, "JSON without each run's advice (faster for large stores)");
  // Global flags may follow the command too (`run --db FILE`).
  for (CLI::App* sub : {peaks, run, sweep, tune, advise_cmd, compare, check, exp}) sub->fallthrough();

  ParsedCli parsed;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    parsed.exit_code = app.exit(e, out, err);
    if (parsed.exit_code != 0) parsed.exit_code = 2;
    parsed.output = out.str();
    parsed.error = err.str();
    return parsed;
  }
  for (CLI::App* sub : {peaks, run, sweep, tune, advise_cmd, compare, check, exp})
    if (sub->parsed()) o.command = sub->get_name();
  o.tune.min_gain = o.min_gain_pct / 100.0;
  if (!o.card.empty() && !o.family.empty()) {
    parsed.exit_code = 2;
    parsed.error = "gemmscope-cli: --card and --family both name a family; give one\n";
    return parsed;
  }
  try {
    if (app.count("--devices")) o.devices = parse_device_selection(devices);
  } catch (const std::invalid_argument& e) {
    parsed.exit_code = 2;
    parsed.error = std::string("gemmscope-cli: --devices ") + e.what() + "\n";
    return parsed;
  }
  for (const auto& text : runner_cmds) {
    try {
      o.runner_commands.push_back(split_shell_words(text));
    } catch (const std::invalid_argument& e) {
      parsed.exit_code = 2;
      parsed.error = std::string("gemmscope-cli: --runner-cmd ") + e.what() + "\n";
      return parsed;
    }
  }
  if (auto e = check_run_options(o.run); !e.empty()) {
    parsed.exit_code = 2;
    parsed.error = "gemmscope-cli: " + e.front().message() + "\n";
    return parsed;
  }
  parsed.options = o;
  return parsed;
}

KernelConfig build_config(const CliOptions& o) {
  const ProblemShape shape = parse_problem(o.problem);
  std::string family = o.family.empty() ? default_family_for(shape) : o.family;
  if (!o.card.empty()) family = load_card_family(o.card)->name();
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const auto& s : o.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw std::invalid_argument("--set " + s + ": expected name=value");
    overrides.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  try {
    return make_config(shape, family, overrides);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(o.family.empty() ? "" : "--family/--set: ") + e.what());
  }
}

std::vector<GpuSpec> load_specs() { return load_gpu_specs(default_gpu_spec_dir()); }

GpuSpec reference_spec(const CliOptions& o, const std::vector<GpuSpec>& specs) {
  if (auto s = find_spec(specs, o.reference)) return *s;
  std::string keys;
  for (const auto& s : specs) keys += " " + s.key;
  throw std::invalid_argument("--reference " + o.reference + ": no such spec; specs are" + keys);
}

}  // namespace gemmscope::cli
