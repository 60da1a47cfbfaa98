// Command-line flags shared by the CLI's commands, and the config and options they build.
#pragma once
#include <map>
#include <string>
#include <vector>
#include "model/gpu_spec.h"
#include "model/protocol.h"

namespace gemmscope::cli {

struct CliOptions {
  std::string command;
  std::string db;                      // --db
  std::string runner;                  // --runner
  int device = 0;                      // --device
  std::string reference = "rtx4090";   // --reference: spec key to compare against
  std::string problem = "p9";          // --problem
  std::string family;                  // --family ("" = the problem's seed family)
  std::vector<std::string> sets;       // --set name=value
  std::vector<std::string> axes;       // --axis name=v1,v2 | name=lo..hi
  RunOptions run;                      // --reps --warmup --no-flush --no-verify --seed --metrics --timeout --inject
  std::string out;                     // --out (export) / --csv / --json
  std::string csv, json;
  std::string tag;                     // --tag (sweep)
  std::string sweep_filter, family_filter, problem_filter;
  bool measure = false;                // peaks --measure
  bool quiet = false;
  int top = 10;                        // sweep: rows printed
};

// Throws std::invalid_argument naming the bad flag or value.
CliOptions parse_cli(int argc, char** argv);
std::string usage();
// The problem, family defaults and --set overrides; throws naming a bad --set.
KernelConfig build_config(const CliOptions&);
// Specs from assets/gpus; throws if the folder is missing or a file is bad.
std::vector<GpuSpec> load_specs();
GpuSpec reference_spec(const CliOptions&, const std::vector<GpuSpec>&);

}  // namespace gemmscope::cli
