#include "app/cli/cli_options.h"

#include <stdexcept>

#include "metrics/metric_catalog.h"
#include "model/kernel_family.h"

namespace gemmscope::cli {

std::string usage() {
  return R"(usage: gemmscope-cli <command> [flags]

commands:
  peaks    the GPU spec table, the detected GPU, its measured ceilings and the seed problems'
           physical floors                                    [--measure: measure and cache the ceilings]
  run      one config: time, rates, % of peak, error, registers, occupancy
  sweep    every combination of --axis values (default: the family's sweep space)
  export   write stored runs as CSV or JSON                    --out FILE.csv|FILE.json

workload and config:
  --problem p9|p6|MxNxK[:AB]   (A/B layouts R or C; default p9)
  --family NAME                (default: the problem's seed family; see `peaks`)
  --set name=value             (block_m, block_n, block_k, threads, thread_m, thread_n, stages,
                                split_k, reduction, swizzle, grid_order, precision); repeatable
  --axis name=v1,v2,...|name=lo..hi   sweep axis (powers of two for ranges); repeatable
measurement:
  --reps N (20)  --warmup N (3)  --no-flush (hot L2)  --no-verify  --seed N (1234)
  --metrics seed|roofline|occupancy|live|all|NAME,NAME,...   --timeout SECONDS (watchdog, 60)  --inject fault|hang
output and store:
  --db FILE (default $GEMMSCOPE_DB or ~/.local/share/gemmscope/results.sqlite)
  --csv FILE (Nsight Compute's --csv long format)  --json FILE  --tag NAME (sweep)  --top N (sweep rows, 10)
  --reference KEY (spec to compare against; default rtx4090)  --runner PATH  --device N
  filters for export: --filter-family F --filter-problem P --filter-sweep TAG
)";
}

CliOptions parse_cli(int argc, char** argv) {
  CliOptions o;
  if (argc < 2) throw std::invalid_argument("no command given");
  o.command = argv[1];
  if (o.command == "--help" || o.command == "-h" || o.command == "help") {
    o.command = "help";
    return o;
  }
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument("flag " + a + " needs a value");
      return argv[++i];
    };
    auto integer = [&]() {
      const std::string v = value();
      try {
        size_t used = 0;
        const long long x = std::stoll(v, &used);
        if (used != v.size()) throw std::invalid_argument("");
        return x;
      } catch (const std::exception&) {
        throw std::invalid_argument("flag " + a + " needs an integer, got '" + v + "'");
      }
    };
    if (a == "--db") o.db = value();
    else if (a == "--runner") o.runner = value();
    else if (a == "--device") o.device = int(integer());
    else if (a == "--reference") o.reference = value();
    else if (a == "--problem") o.problem = value();
    else if (a == "--family") o.family = value();
    else if (a == "--set") o.sets.push_back(value());
    else if (a == "--axis") o.axes.push_back(value());
    else if (a == "--reps") o.run.reps = int(integer());
    else if (a == "--warmup") o.run.warmup = int(integer());
    else if (a == "--no-flush") o.run.flush_l2 = false;
    else if (a == "--no-verify") o.run.verify = false;
    else if (a == "--seed") o.run.seed = integer();
    else if (a == "--metrics") o.run.metrics = value();
    else if (a == "--timeout") o.run.timeout_s = double(integer());
    else if (a == "--inject") o.run.fault_injection = value();
    else if (a == "--out") o.out = value();
    else if (a == "--csv") o.csv = value();
    else if (a == "--json") o.json = value();
    else if (a == "--tag") o.tag = value();
    else if (a == "--top") o.top = int(integer());
    else if (a == "--filter-family") o.family_filter = value();
    else if (a == "--filter-problem") o.problem_filter = value();
    else if (a == "--filter-sweep") o.sweep_filter = value();
    else if (a == "--measure") o.measure = true;
    else if (a == "--quiet") o.quiet = true;
    else throw std::invalid_argument("unknown flag '" + a + "'");
  }
  // Re-validate through the protocol's own checks, so the CLI and the runner agree.
  o.run = options_from_json(to_json(o.run));
  if (!o.run.metrics.empty()) metric_set(o.run.metrics);  // throws naming the set and the valid ones
  return o;
}

KernelConfig build_config(const CliOptions& o) {
  const ProblemShape shape = parse_problem(o.problem);
  std::string family = o.family;
  if (family.empty()) family = shape.k <= 64 ? "seed_tall_skinny" : "seed_tiled";
  const KernelFamily* f = find_family(family);
  if (!f) {
    std::string names;
    for (const auto& n : family_names()) names += " " + n;
    throw std::invalid_argument("--family " + family + ": unknown; families are" + names);
  }
  KernelConfig c = f->defaults(shape);
  for (const auto& s : o.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("--set " + s + ": expected name=value");
    const Param p = parse_param(s.substr(0, eq));
    set_param(c, p, parse_param_value(p, s.substr(eq + 1)));
  }
  return c;
}

std::vector<GpuSpec> load_specs() { return load_gpu_specs(default_gpu_spec_dir()); }

GpuSpec reference_spec(const CliOptions& o, const std::vector<GpuSpec>& specs) {
  if (auto s = find_spec(specs, o.reference)) return *s;
  std::string keys;
  for (const auto& s : specs) keys += " " + s.key;
  throw std::invalid_argument("--reference " + o.reference + ": no such spec; specs are" + keys);
}

}  // namespace gemmscope::cli
