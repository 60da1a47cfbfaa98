// The metric catalogue and its named sets. Names, units and sources checked against CUPTI's host API
// for chips GH100 (H100) and AD102 (RTX 4090): every Counter metric here is accepted on both.
#include "model/metric_catalog.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

namespace gemmscope {

namespace {

constexpr const char* kFfma = "sm__sass_thread_inst_executed_op_ffma_pred_on.sum";
constexpr const char* kFadd = "sm__sass_thread_inst_executed_op_fadd_pred_on.sum";
constexpr const char* kFmul = "sm__sass_thread_inst_executed_op_fmul_pred_on.sum";
constexpr const char* kTensorTf32Ops = "sm__ops_path_tensor_src_tf32_dst_fp32.sum";
constexpr const char* kDramRead = "dram__bytes_read.sum";
constexpr const char* kDramWrite = "dram__bytes_write.sum";
constexpr const char* kL2Bytes = "lts__t_bytes.sum";
constexpr const char* kDuration = "gpu__time_duration.sum";

MetricInfo counter(std::string name, std::string label, std::string unit, std::string description,
                   bool pct_of_peak = false) {
  return {std::move(name), std::move(label), std::move(unit), std::move(description), pct_of_peak,
          MetricSource::Counter, {}};
}
MetricInfo launch(std::string name, std::string label, std::string unit, std::string description,
                  bool pct_of_peak = false) {
  return {std::move(name), std::move(label), std::move(unit), std::move(description), pct_of_peak,
          MetricSource::Launch, {}};
}
MetricInfo derived(std::string name, std::string label, std::string unit, std::string description,
                   std::vector<std::string> inputs) {
  return {std::move(name), std::move(label), std::move(unit), std::move(description), false,
          MetricSource::Derived, std::move(inputs)};
}

std::vector<MetricInfo> build_catalog() {
  const std::vector<std::string> flops_inputs = {kFfma, kFadd, kFmul, kTensorTf32Ops};
  auto with = [](std::vector<std::string> a, std::initializer_list<const char*> b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  return {
      // Speed of light.
      counter("sm__throughput.avg.pct_of_peak_sustained_elapsed", "Compute (SM) Throughput", "%",
              "Busiest SM sub-unit (issue, pipes, shared memory, ...) as a share of its peak over the elapsed time; "
              "8 replay passes on GH100 by itself", true),
      counter("dram__throughput.avg.pct_of_peak_sustained_elapsed", "DRAM Throughput", "%",
              "DRAM traffic as a share of the peak DRAM bandwidth over the elapsed time", true),
      counter("lts__t_sector_hit_rate.pct", "L2 Hit Rate", "%",
              "Share of L2 sector lookups that hit (a ratio, not a share of peak; can read slightly over 100 "
              "on write-only kernels)"),
      // Occupancy, achieved.
      counter("sm__warps_active.avg.pct_of_peak_sustained_active", "Achieved Occupancy", "%",
              "Average resident warps per active SM cycle, as a share of the SM's maximum warps", true),
      counter("sm__warps_active.avg.per_cycle_active", "Achieved Active Warps Per SM", "warp",
              "Average resident warps per SM per active cycle"),
      // Roofline.
      counter(kDuration, "Duration", "ns", "GPU time of the profiled kernels, summed over them"),
      counter(kDramRead, "DRAM Bytes Read", "byte", "Bytes read from device memory"),
      counter(kDramWrite, "DRAM Bytes Written", "byte", "Bytes written to device memory"),
      counter(kL2Bytes, "L2 Bytes", "byte",
              "Bytes requested from the L2 by all its clients (SM loads, stores, atomics, ...)"),
      counter(kFfma, "FFMA Thread Instructions", "inst",
              "FP32 fused multiply-add instructions executed, per thread with the predicate on (2 FLOPs each)"),
      counter(kFadd, "FADD Thread Instructions", "inst",
              "FP32 add instructions executed, per thread with the predicate on (1 FLOP each)"),
      counter(kFmul, "FMUL Thread Instructions", "inst",
              "FP32 multiply instructions executed, per thread with the predicate on (1 FLOP each)"),
      counter("sm__inst_executed_pipe_tensor.sum", "Tensor Pipe Instructions", "inst",
              "Warp instructions executed by the tensor pipe (HMMA/IMMA/DMMA; also GMMA on sm_90)"),
      counter(kTensorTf32Ops, "TF32 Tensor Ops", "op",
              "Math ops on the tensor path with TF32 sources and FP32 accumulation, a multiply-add counting 2 "
              "(one mma.sync m16n8k8 = 2048 on the H100)"),
      counter("sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active", "Tensor Pipe Utilization", "%",
              "Cycles the tensor pipe was busy, as a share of active SM cycles", true),
      // Live (one pass together).
      counter("sm__cycles_elapsed.avg.per_second", "SM Frequency", "cycle/s",
              "SM clock rate over the kernel's duration"),
      counter("sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active", "FMA Pipe Utilization", "%",
              "Cycles the FMA pipe was busy, as a share of its peak over active SM cycles", true),
      counter("sm__inst_executed.avg.pct_of_peak_sustained_elapsed", "Issue Throughput", "%",
              "Warp instructions executed per SM, as a share of the peak issue rate over the elapsed time", true),
      // The launch record.
      launch("launch__grid_size", "Grid Size", "block", "Blocks in the grid (x*y*z)"),
      launch("launch__block_size", "Block Size", "thread", "Threads per block (x*y*z)"),
      launch("launch__thread_count", "Threads", "thread", "Threads in the launch (grid size x block size)"),
      launch("launch__registers_per_thread", "Registers Per Thread", "register/thread",
             "Registers per thread, from the compiled kernel"),
      launch("launch__shared_mem_per_block_static", "Static Shared Memory Per Block", "byte/block",
             "Shared memory the kernel declares statically"),
      launch("launch__shared_mem_per_block_dynamic", "Dynamic Shared Memory Per Block", "byte/block",
             "Shared memory requested at launch"),
      launch("launch__waves_per_multiprocessor", "Waves Per SM", "wave",
             "Grid size over (SMs x blocks resident per SM at theoretical occupancy)"),
      launch("launch__occupancy_limit_registers", "Block Limit Registers", "block",
             "Blocks per SM the register file allows"),
      launch("launch__shared_mem_config_size", "Shared Memory Configuration Size", "byte",
             "Shared memory per SM the driver configured for the launch (the L1/shared carveout)"),
      launch("launch__occupancy_limit_shared_mem", "Block Limit Shared Mem", "block",
             "Blocks per SM the shared memory allows"),
      launch("launch__occupancy_limit_warps", "Block Limit Warps", "block",
             "Blocks per SM the warp slots allow"),
      launch("launch__occupancy_limit_blocks", "Block Limit SM", "block",
             "Blocks per SM the hardware's block slots allow"),
      launch("sm__maximum_warps_per_active_cycle_pct", "Theoretical Occupancy", "%",
             "Resident warps per SM the occupancy limits allow, as a share of the SM's maximum warps "
             "(occupancy calculator on the launch; not a counter)", true),
      // Derived.
      derived("gemmscope__fp32_flops", "FP32 FLOPs", "FLOP", "2*FFMA + FADD + FMUL thread instructions",
              {kFfma, kFadd, kFmul}),
      derived("gemmscope__tensor_flops", "Tensor FLOPs", "FLOP",
              "TF32 tensor-path ops (executed work: TF32x3 counts its three products)",
              {kTensorTf32Ops}),
      derived("gemmscope__dram_bytes", "DRAM Bytes", "byte", "DRAM bytes read + written", {kDramRead, kDramWrite}),
      derived("gemmscope__dram_arithmetic_intensity", "Arithmetic Intensity (DRAM)", "FLOP/byte",
              "FP32 + tensor FLOPs per DRAM byte", with(flops_inputs, {kDramRead, kDramWrite})),
      derived("gemmscope__l2_arithmetic_intensity", "Arithmetic Intensity (L2)", "FLOP/byte",
              "FP32 + tensor FLOPs per L2 byte", with(flops_inputs, {kL2Bytes})),
      derived("gemmscope__achieved_tflops", "Achieved TFLOP/s", "TFLOP/s",
              "FP32 + tensor FLOPs over gpu__time_duration.sum", with(flops_inputs, {kDuration})),
      derived("gemmscope__dram_gbps", "Achieved DRAM Bandwidth", "GB/s",
              "DRAM bytes read + written over gpu__time_duration.sum", {kDramRead, kDramWrite, kDuration}),
  };
}

struct NamedSet {
  const char* name;
  std::vector<std::string> metrics;
};

std::vector<NamedSet> build_sets() {
  std::vector<NamedSet> sets = {
      {"seed",
       {"sm__throughput.avg.pct_of_peak_sustained_elapsed", "launch__grid_size",
        "sm__warps_active.avg.pct_of_peak_sustained_active", "dram__throughput.avg.pct_of_peak_sustained_elapsed",
        "lts__t_sector_hit_rate.pct"}},
      {"roofline",
       {kDuration, kDramRead, kDramWrite, kL2Bytes, kFfma, kFadd, kFmul, "sm__inst_executed_pipe_tensor.sum",
        kTensorTf32Ops, "sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active", "gemmscope__fp32_flops",
        "gemmscope__tensor_flops", "gemmscope__dram_bytes", "gemmscope__dram_arithmetic_intensity",
        "gemmscope__l2_arithmetic_intensity", "gemmscope__achieved_tflops", "gemmscope__dram_gbps"}},
      {"occupancy",
       {"sm__warps_active.avg.pct_of_peak_sustained_active", "sm__warps_active.avg.per_cycle_active",
        "sm__maximum_warps_per_active_cycle_pct", "launch__grid_size", "launch__block_size",
        "launch__registers_per_thread", "launch__shared_mem_per_block_static",
        "launch__shared_mem_per_block_dynamic", "launch__occupancy_limit_registers",
        "launch__shared_mem_config_size", "launch__occupancy_limit_shared_mem", "launch__occupancy_limit_warps",
        "launch__occupancy_limit_blocks",
        "launch__waves_per_multiprocessor"}},
      // One replay pass on GH100 and AD102: cheap enough to sample while a sweep runs.
      {"live",
       {kDuration, "sm__cycles_elapsed.avg.per_second", "sm__warps_active.avg.pct_of_peak_sustained_active",
        "dram__throughput.avg.pct_of_peak_sustained_elapsed",
        "sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active",
        "sm__inst_executed.avg.pct_of_peak_sustained_elapsed"}},
  };
  NamedSet all{"all", {}};
  std::unordered_set<std::string> seen;
  for (const NamedSet& s : sets)
    for (const std::string& m : s.metrics)
      if (seen.insert(m).second) all.metrics.push_back(m);
  sets.push_back(std::move(all));
  return sets;
}

const std::vector<NamedSet>& named_sets() {
  static const std::vector<NamedSet> sets = build_sets();
  return sets;
}

}  // namespace

std::string to_string(MetricSource s) {
  switch (s) {
    case MetricSource::Counter: return "counter";
    case MetricSource::Launch: return "launch";
    case MetricSource::Derived: return "derived";
  }
  return "unknown";
}

const std::vector<MetricInfo>& metric_catalog() {
  static const std::vector<MetricInfo> catalog = build_catalog();
  return catalog;
}

const MetricInfo* find_metric(std::string_view name) {
  for (const MetricInfo& m : metric_catalog())
    if (m.name == name) return &m;
  return nullptr;
}

std::vector<std::string> metric_set_names() {
  std::vector<std::string> names;
  for (const NamedSet& s : named_sets()) names.emplace_back(s.name);
  return names;
}

std::vector<std::string> metric_set(const std::string& set) {
  for (const NamedSet& s : named_sets())
    if (set == s.name) return s.metrics;
  if (set.find("__") != std::string::npos) {  // every Nsight Compute metric is unit__counter[.rollup...]
    std::vector<std::string> names;
    size_t begin = 0;
    while (begin <= set.size()) {
      size_t end = set.find(',', begin);
      if (end == std::string::npos) end = set.size();
      const std::string name = set.substr(begin, end - begin);
      const bool well_formed = !name.empty() && name.find("__") != std::string::npos &&
                               name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") == std::string::npos;
      if (!well_formed)
        throw std::invalid_argument("metric name '" + name + "' in --metrics '" + set +
                                    "': a metric name is lower-case letters, digits, '_' and '.', with a '__' "
                                    "(as Nsight Compute spells them), separated by commas");
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      begin = end + 1;
    }
    return names;
  }
  std::string valid;
  for (const NamedSet& s : named_sets()) valid += (valid.empty() ? "" : ", ") + std::string(s.name);
  throw std::invalid_argument("unknown metric set '" + set + "'; valid sets: " + valid +
                              ", or a comma-separated list of Nsight Compute metric names");
}

std::vector<std::string> counter_metrics(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  auto add = [&](const std::string& n) {
    if (seen.insert(n).second) out.push_back(n);
  };
  for (const std::string& n : names) {
    const MetricInfo* m = find_metric(n);
    if (!m || m->source == MetricSource::Counter) {
      add(n);
    } else if (m->source == MetricSource::Derived) {
      for (const std::string& in : m->inputs) add(in);  // derived inputs are all counters
    }
  }
  return out;
}

RooflineFigures roofline_figures(const std::map<std::string, double>& counters) {
  RooflineFigures f;
  auto get = [&](const char* name, bool& ok) {
    auto it = counters.find(name);
    if (it == counters.end()) {
      f.missing.emplace_back(name);
      ok = false;
      return 0.0;
    }
    return it->second;
  };
  bool fp32_ok = true, tensor_ok = true, dram_ok = true, l2_ok = true, time_ok = true;
  const double ffma = get(kFfma, fp32_ok), fadd = get(kFadd, fp32_ok), fmul = get(kFmul, fp32_ok);
  const double tensor_ops = get(kTensorTf32Ops, tensor_ok);
  const double read = get(kDramRead, dram_ok), write = get(kDramWrite, dram_ok);
  f.l2_bytes = get(kL2Bytes, l2_ok);
  const double ns = get(kDuration, time_ok);

  if (fp32_ok) f.fp32_flops = 2.0 * ffma + fadd + fmul;
  if (tensor_ok) f.tensor_flops = kFlopsPerTensorOp * tensor_ops;
  f.flops = f.fp32_flops + f.tensor_flops;
  if (dram_ok) f.dram_bytes = read + write;
  f.seconds = ns * 1e-9;
  const bool flops_ok = fp32_ok && tensor_ok;
  if (flops_ok && dram_ok && f.dram_bytes > 0) f.dram_intensity = f.flops / f.dram_bytes;
  if (flops_ok && l2_ok && f.l2_bytes > 0) f.l2_intensity = f.flops / f.l2_bytes;
  if (f.seconds > 0) {
    if (flops_ok) f.tflops = f.flops / f.seconds / 1e12;
    if (dram_ok) f.dram_gbps = f.dram_bytes / f.seconds / 1e9;
  }
  return f;
}

void add_derived_metrics(std::map<std::string, double>& values) {
  const RooflineFigures f = roofline_figures(values);
  auto has_all = [&](const MetricInfo& m) {
    return std::all_of(m.inputs.begin(), m.inputs.end(), [&](const std::string& in) { return values.count(in) > 0; });
  };
  for (const MetricInfo& m : metric_catalog()) {
    if (m.source != MetricSource::Derived || !has_all(m)) continue;
    if (m.name == "gemmscope__fp32_flops") values[m.name] = f.fp32_flops;
    else if (m.name == "gemmscope__tensor_flops") values[m.name] = f.tensor_flops;
    else if (m.name == "gemmscope__dram_bytes") values[m.name] = f.dram_bytes;
    else if (m.name == "gemmscope__dram_arithmetic_intensity") values[m.name] = f.dram_intensity;
    else if (m.name == "gemmscope__l2_arithmetic_intensity") values[m.name] = f.l2_intensity;
    else if (m.name == "gemmscope__achieved_tflops") values[m.name] = f.tflops;
    else if (m.name == "gemmscope__dram_gbps") values[m.name] = f.dram_gbps;
  }
}

}  // namespace gemmscope
