// The metrics gemmscope knows, by their exact Nsight Compute names: unit, meaning, source, named sets,
// and the roofline figures computed from counters. Plain C++: no CUDA, no CUPTI.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gemmscope {

// Where a metric's value comes from.
enum class MetricSource {
  Counter,  // a hardware counter metric, collected by the CUPTI range profiler (needs replay passes)
  Launch,   // the runner's own record of the launch (grid, block, registers, shared memory, occupancy
            // calculator); CUPTI refuses these names (cuptiProfilerHostConfigAddMetrics: INVALID_PARAMETER)
  Derived   // computed by gemmscope from other metrics (`inputs`); named gemmscope__*
};
std::string to_string(MetricSource);

struct MetricInfo {
  std::string name;         // exact Nsight Compute name ("dram__bytes_write.sum"), or gemmscope__* for Derived
  std::string label;        // short label for tables and plots ("DRAM Bytes Written")
  std::string unit;         // "%", "byte", "ns", "inst", "block", "thread", "register/thread", "byte/block", ...
  std::string description;  // one line
  bool pct_of_peak = false; // a share of a hardware peak, 0-100 (false for other percentages, e.g. hit rates)
  MetricSource source = MetricSource::Counter;
  std::vector<std::string> inputs;  // Derived only: the metrics it is computed from
};

// Every metric, in a stable order grouped by purpose (speed of light, occupancy, roofline, live, launch, derived).
const std::vector<MetricInfo>& metric_catalog();
// nullptr when the name is not in the catalog.
const MetricInfo* find_metric(std::string_view name);

// Named sets: "seed", "roofline", "occupancy", "live" (one replay pass), "all" (the union).
std::vector<std::string> metric_set_names();
// The metrics of a named set, in display order; or, as Nsight Compute's --metrics takes them, a
// comma-separated list of metric names ("dram__bytes_read.sum,launch__grid_size"), catalogued or not
// (CUPTI judges those it does not know). Throws std::invalid_argument naming the bad set or name and the rule.
std::vector<std::string> metric_set(const std::string& set_or_list);

// The counter metrics CUPTI must collect to produce `names`: Counter metrics as given, the inputs of
// Derived ones, Launch ones dropped. Names not in the catalog are passed through as counters (CUPTI
// judges them). Order kept, duplicates removed.
std::vector<std::string> counter_metrics(const std::vector<std::string>& names);

// Roofline figures from counter values (keys are counter names). A figure whose inputs are missing
// stays 0 and the missing counters are listed.
struct RooflineFigures {
  double fp32_flops = 0;      // 2*FFMA + FADD + FMUL thread instructions (predicated-on)
  double tensor_flops = 0;    // TF32 tensor-path ops (executed work: TF32x3 counts all three products)
  double flops = 0;           // fp32_flops + tensor_flops
  double dram_bytes = 0;      // dram__bytes_read.sum + dram__bytes_write.sum
  double l2_bytes = 0;        // lts__t_bytes.sum
  double seconds = 0;         // gpu__time_duration.sum
  double dram_intensity = 0;  // FLOP/byte against DRAM; 0 when no DRAM bytes
  double l2_intensity = 0;    // FLOP/byte against L2; 0 when no L2 bytes
  double tflops = 0;          // achieved TFLOP/s; 0 without a duration
  double dram_gbps = 0;       // achieved DRAM GB/s; 0 without a duration
  std::vector<std::string> missing;  // counters that were absent
};
RooflineFigures roofline_figures(const std::map<std::string, double>& counters);

// FLOPs per count of sm__ops_path_tensor_src_tf32_dst_fp32: CUPTI counts a multiply-add as 2 ops
// (measured on the H100: one mma.sync m16n8k8 TF32, 1024 multiply-adds, counts 2048).
inline constexpr double kFlopsPerTensorOp = 1.0;

// Adds every Derived metric whose inputs are all in `values` (existing entries are overwritten).
void add_derived_metrics(std::map<std::string, double>& values);

}  // namespace gemmscope
