// The CLI's flags (parsed by CLI11), and the config and options they build.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "controller/device_selection.h"
#include "model/advisor/guided_tuner.h"
#include "model/gpu_spec.h"
#include "model/kernel_config.h"
#include "model/run_options.h"

namespace gemmscope::cli {

struct CliOptions {
  std::string command;                 // peaks, run, sweep, tune, advise, compare, export, check
  std::string db;                      // --db
  std::string runner;                  // --runner
  int device = 0;                      // --device
  // --devices all|0,2,3: one local runner per GPU (nullopt: the one runner of --device).
  std::optional<DeviceSelection> devices;
  // --runner-cmd, repeatable: runners started as given (ssh HOST gemmscope-runner --device 0),
  // each split into words as a shell would (split_shell_words).
  std::vector<std::vector<std::string>> runner_commands;
  std::string reference = "rtx4090";   // --reference: spec key to compare against
  std::string problem = "p9";          // --problem
  std::string family;                  // --family ("" = the problem's seed family)
  std::string card;                    // --card FILE: a kernel card's family instead
  std::vector<std::string> archs;      // check --arch (default sm_89 and sm_90)
  std::string gpu = "h200";            // check --gpu KEY: the spec occupancy is shown for beside the reference
  std::vector<std::string> sets;       // --set name=value
  std::vector<std::string> axes;       // --axis name=v1,v2 | name=lo..hi | name=lo..hi:step
  RunOptions run;                      // --reps --warmup --no-flush --no-verify --seed --metrics --timeout --inject
  std::string out;                     // --out (export)
  std::string csv, json;               // --csv (Nsight Compute's long format) --json
  std::string tag;                     // --tag (sweep)
  std::string sweep_filter, family_filter, problem_filter;
  bool export_advice = true;           // export: each run's advice in the JSON
  bool measure = false;                // peaks --measure
  bool quiet = false;
  int top = 10;                        // sweep: rows printed
  bool advise = false;                 // run/sweep --advise
  bool guided = false;                 // tune --guided
  TuneBudget tune;                     // tune --max-runs --max-steps --batch
  double min_gain_pct = 1.0;           // tune --min-gain
  std::vector<int64_t> ids;            // advise ID, compare ID ID
};

// What parsing ended with: options to run, or an exit (help printed: 0; a bad flag: 2) with the
// text CLI11 wrote for it.
struct ParsedCli {
  std::optional<CliOptions> options;
  int exit_code = 0;
  std::string output;  // for stdout (help)
  std::string error;   // for stderr (what is wrong, and the usage)
};
ParsedCli parse_cli(int argc, const char* const* argv);

// The problem, the family's (or --card's) defaults and the --set overrides (make_config). Reads
// and registers the card. Throws std::invalid_argument (CardError) naming a bad problem, card,
// family, parameter or value.
KernelConfig build_config(const CliOptions&);
// Whether the flags ask for a pool of runners (--devices or --runner-cmd) rather than one.
inline bool uses_pool(const CliOptions& o) { return o.devices || !o.runner_commands.empty(); }
// Specs from assets/gpus; throws if the folder is missing or a file is bad.
std::vector<GpuSpec> load_specs();
GpuSpec reference_spec(const CliOptions&, const std::vector<GpuSpec>&);

}  // namespace gemmscope::cli
