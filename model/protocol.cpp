#include "model/protocol.h"

#include <stdexcept>

namespace gemmscope {

using nlohmann::json;

namespace {

// Reads an optional field, naming it when its type is wrong.
template <class T>
void read(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    throw std::invalid_argument(std::string("field '") + key + "' has the wrong type: " + it->dump());
  }
}

}  // namespace

json to_json(const ProblemShape& s) {
  return {{"m", s.m}, {"n", s.n}, {"k", s.k}, {"a_layout", to_string(s.a_layout)}, {"b_layout", to_string(s.b_layout)}};
}

ProblemShape shape_from_json(const json& j) {
  if (j.is_string()) return parse_problem(j.get<std::string>());
  if (!j.is_object()) throw std::invalid_argument("shape must be an object {m,n,k} or a string like \"p9\"");
  ProblemShape s;
  read(j, "m", s.m);
  read(j, "n", s.n);
  read(j, "k", s.k);
  std::string a = "row", b = "row";
  read(j, "a_layout", a);
  read(j, "b_layout", b);
  s.a_layout = parse_layout(a);
  s.b_layout = parse_layout(b);
  return s;
}

json to_json(const KernelConfig& c) {
  return {{"shape", to_json(c.shape)}, {"family", c.family},     {"block_m", c.block_m},
          {"block_n", c.block_n},      {"block_k", c.block_k},   {"threads", c.threads},
          {"thread_m", c.thread_m},    {"thread_n", c.thread_n}, {"stages", c.stages},
          {"split_k", c.split_k},      {"reduction", to_string(c.reduction)},
          {"swizzle", c.swizzle},      {"grid_order", to_string(c.grid_order)},
          {"precision", to_string(c.precision)}};
}

KernelConfig config_from_json(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("config must be a JSON object");
  KernelConfig c;
  if (j.contains("shape")) c.shape = shape_from_json(j.at("shape"));
  read(j, "family", c.family);
  read(j, "block_m", c.block_m);
  read(j, "block_n", c.block_n);
  read(j, "block_k", c.block_k);
  read(j, "threads", c.threads);
  read(j, "thread_m", c.thread_m);
  read(j, "thread_n", c.thread_n);
  read(j, "stages", c.stages);
  read(j, "split_k", c.split_k);
  read(j, "swizzle", c.swizzle);
  std::string red = to_string(c.reduction), order = to_string(c.grid_order), prec = to_string(c.precision);
  read(j, "reduction", red);
  read(j, "grid_order", order);
  read(j, "precision", prec);
  c.reduction = parse_reduction(red);
  c.grid_order = parse_grid_order(order);
  c.precision = parse_precision(prec);
  return c;
}

json to_json(const GpuSpec& s) {
  json j = {{"name", s.name},
            {"cc", std::to_string(s.cc_major) + "." + std::to_string(s.cc_minor)},
            {"sms", s.sms},
            {"boost_clock_mhz", s.boost_clock_mhz},
            {"dram_gbps", s.dram_gbps},
            {"l2_gbps", s.l2_gbps},
            {"fp32_tflops", s.fp32_tflops},
            {"tf32_tflops", s.tf32_tflops},
            {"fp16_tflops", s.fp16_tflops},
            {"l2_bytes", s.l2_bytes},
            {"dram_bytes", s.dram_bytes},
            {"max_threads_per_sm", s.max_threads_per_sm},
            {"max_warps_per_sm", s.max_warps_per_sm},
            {"max_blocks_per_sm", s.max_blocks_per_sm},
            {"regs_per_sm", s.regs_per_sm},
            {"max_regs_per_thread", s.max_regs_per_thread},
            {"max_regs_per_block", s.max_regs_per_block},
            {"max_threads_per_block", s.max_threads_per_block},
            {"smem_per_sm", s.smem_per_sm},
            {"max_smem_per_block", s.max_smem_per_block},
            {"smem_reserved_per_block", s.smem_reserved_per_block},
            {"max_grid", {s.max_grid_x, s.max_grid_y, s.max_grid_z}},
            {"smem_carveouts_kb", s.smem_carveouts_kb},
            {"source", s.source}};
  if (!s.measured.empty())
    j["measured"] = {{"dram_write_gbps", s.measured.dram_write_gbps}, {"dram_read_gbps", s.measured.dram_read_gbps},
                     {"dram_copy_gbps", s.measured.dram_copy_gbps},   {"fp32_tflops", s.measured.fp32_tflops},
                     {"tf32_mma_tflops", s.measured.tf32_mma_tflops}};
  return j;
}

GpuSpec spec_from_json(const json& j, const std::string& key) {
  if (!j.is_object()) throw std::invalid_argument("a GPU spec must be a JSON object");
  GpuSpec s;
  s.key = key;
  for (const char* required : {"name", "cc", "sms", "dram_gbps", "fp32_tflops", "max_threads_per_sm", "max_warps_per_sm",
                               "max_blocks_per_sm", "smem_per_sm", "max_smem_per_block"})
    if (!j.contains(required)) throw std::invalid_argument(std::string("field '") + required + "' is missing");
  read(j, "name", s.name);
  std::string cc;
  read(j, "cc", cc);
  if (auto dot = cc.find('.'); dot == std::string::npos || dot == 0 || dot + 1 >= cc.size()) {
    throw std::invalid_argument("field 'cc' must look like \"8.9\", got \"" + cc + "\"");
  } else {
    s.cc_major = std::stoi(cc.substr(0, dot));
    s.cc_minor = std::stoi(cc.substr(dot + 1));
  }
  read(j, "sms", s.sms);
  read(j, "boost_clock_mhz", s.boost_clock_mhz);
  read(j, "dram_gbps", s.dram_gbps);
  read(j, "l2_gbps", s.l2_gbps);
  read(j, "fp32_tflops", s.fp32_tflops);
  read(j, "tf32_tflops", s.tf32_tflops);
  read(j, "fp16_tflops", s.fp16_tflops);
  read(j, "l2_bytes", s.l2_bytes);
  read(j, "dram_bytes", s.dram_bytes);
  read(j, "max_threads_per_sm", s.max_threads_per_sm);
  read(j, "max_warps_per_sm", s.max_warps_per_sm);
  read(j, "max_blocks_per_sm", s.max_blocks_per_sm);
  read(j, "regs_per_sm", s.regs_per_sm);
  read(j, "max_regs_per_thread", s.max_regs_per_thread);
  read(j, "max_regs_per_block", s.max_regs_per_block);
  read(j, "max_threads_per_block", s.max_threads_per_block);
  read(j, "smem_per_sm", s.smem_per_sm);
  read(j, "max_smem_per_block", s.max_smem_per_block);
  read(j, "smem_reserved_per_block", s.smem_reserved_per_block);
  read(j, "source", s.source);
  read(j, "smem_carveouts_kb", s.smem_carveouts_kb);
  if (j.contains("max_grid")) {
    auto g = j.at("max_grid");
    if (!g.is_array() || g.size() != 3) throw std::invalid_argument("field 'max_grid' must be [x, y, z]");
    s.max_grid_x = g[0].get<int>(), s.max_grid_y = g[1].get<int>(), s.max_grid_z = g[2].get<int>();
  }
  if (j.contains("measured")) {
    const auto& m = j.at("measured");
    read(m, "dram_write_gbps", s.measured.dram_write_gbps);
    read(m, "dram_read_gbps", s.measured.dram_read_gbps);
    read(m, "dram_copy_gbps", s.measured.dram_copy_gbps);
    read(m, "fp32_tflops", s.measured.fp32_tflops);
    read(m, "tf32_mma_tflops", s.measured.tf32_mma_tflops);
  }
  auto positive = [&](const char* name, double v) {
    if (!(v > 0)) throw std::invalid_argument(std::string("field '") + name + "' must be positive");
  };
  positive("sms", s.sms);
  positive("dram_gbps", s.dram_gbps);
  positive("fp32_tflops", s.fp32_tflops);
  positive("max_warps_per_sm", s.max_warps_per_sm);
  positive("max_blocks_per_sm", s.max_blocks_per_sm);
  positive("smem_per_sm", double(s.smem_per_sm));
  if (s.max_threads_per_sm != s.max_warps_per_sm * s.warp_size)
    throw std::invalid_argument("max_threads_per_sm (" + std::to_string(s.max_threads_per_sm) + ") must equal 32 x max_warps_per_sm (" +
                                std::to_string(s.max_warps_per_sm) + ")");
  return s;
}

json to_json(const RunOptions& o) {
  return {{"warmup", o.warmup}, {"reps", o.reps},       {"flush_l2", o.flush_l2}, {"verify", o.verify},
          {"seed", o.seed},     {"metrics", o.metrics}, {"timeout_s", o.timeout_s},
          {"fault_injection", o.fault_injection}};
}

RunOptions options_from_json(const json& j) {
  RunOptions o;
  if (j.is_null()) return o;
  read(j, "warmup", o.warmup);
  read(j, "reps", o.reps);
  read(j, "flush_l2", o.flush_l2);
  read(j, "verify", o.verify);
  read(j, "seed", o.seed);
  read(j, "metrics", o.metrics);
  read(j, "timeout_s", o.timeout_s);
  read(j, "fault_injection", o.fault_injection);
  if (!o.fault_injection.empty() && o.fault_injection != "fault" && o.fault_injection != "hang")
    throw std::invalid_argument("fault_injection=" + o.fault_injection + ": must be \"fault\", \"hang\" or empty");
  if (o.warmup < 0) throw std::invalid_argument("warmup=" + std::to_string(o.warmup) + ": must be >= 0");
  if (o.reps < 1) throw std::invalid_argument("reps=" + std::to_string(o.reps) + ": must be >= 1");
  if (!(o.timeout_s > 0)) throw std::invalid_argument("timeout_s must be positive");
  return o;
}

json to_json(const RunResult& r) {
  json metrics = json::object();
  for (const auto& [k, v] : r.metrics) metrics[k] = {{"value", v.value}, {"unit", v.unit}, {"source", v.source}};
  return {{"id", r.id},
          {"config", to_json(r.config)},
          {"config_name", r.config_name},
          {"device", r.device},
          {"arch", r.arch},
          {"disposition", to_string(r.disposition)},
          {"reason", r.reason},
          {"ms_median", r.ms_median},
          {"ms_min", r.ms_min},
          {"ms_max", r.ms_max},
          {"reps", r.reps},
          {"l2_flushed", r.l2_flushed},
          {"tflops", r.tflops},
          {"gbps", r.gbps},
          {"verify",
           {{"checked", r.verify.checked},
            {"rel_fro_error", r.verify.rel_fro_error},
            {"max_abs_error", r.verify.max_abs_error},
            {"mismatches", r.verify.mismatches},
            {"nonfinite", r.verify.nonfinite},
            {"atol", r.verify.atol},
            {"rtol", r.verify.rtol},
            {"allclose", r.verify.allclose()}}},
          {"registers", r.registers},
          {"static_smem", r.static_smem},
          {"dynamic_smem", r.dynamic_smem},
          {"local_bytes", r.local_bytes},
          {"grid_size", r.grid_size},
          {"block_size", r.block_size},
          {"occupancy_blocks_per_sm", r.occupancy_blocks_per_sm},
          {"occupancy_theoretical", r.occupancy_theoretical},
          {"occupancy_blocks_per_sm_driver", r.occupancy_blocks_per_sm_driver},
          {"registers_driver", r.registers_driver},
          {"static_smem_driver", r.static_smem_driver},
          {"smem_config_bytes", r.smem_config_bytes},
          {"launched_kernel", r.launched_kernel},
          {"compile_ms", r.compile_ms},
          {"jit_cache_hit", r.jit_cache_hit},
          {"metrics", metrics},
          {"metrics_note", r.metrics_note},
          {"created_at", r.created_at},
          {"commit", r.commit},
          {"seed", r.seed}};
}

RunResult result_from_json(const json& j) {
  RunResult r;
  read(j, "id", r.id);
  if (j.contains("config")) r.config = config_from_json(j.at("config"));
  read(j, "config_name", r.config_name);
  read(j, "device", r.device);
  read(j, "arch", r.arch);
  std::string disp = "not_run";
  read(j, "disposition", disp);
  r.disposition = parse_disposition(disp);
  read(j, "reason", r.reason);
  read(j, "ms_median", r.ms_median);
  read(j, "ms_min", r.ms_min);
  read(j, "ms_max", r.ms_max);
  read(j, "reps", r.reps);
  read(j, "l2_flushed", r.l2_flushed);
  read(j, "tflops", r.tflops);
  read(j, "gbps", r.gbps);
  if (j.contains("verify")) {
    const auto& v = j.at("verify");
    read(v, "checked", r.verify.checked);
    read(v, "rel_fro_error", r.verify.rel_fro_error);
    read(v, "max_abs_error", r.verify.max_abs_error);
    read(v, "mismatches", r.verify.mismatches);
    read(v, "nonfinite", r.verify.nonfinite);
    read(v, "atol", r.verify.atol);
    read(v, "rtol", r.verify.rtol);
  }
  read(j, "registers", r.registers);
  read(j, "static_smem", r.static_smem);
  read(j, "dynamic_smem", r.dynamic_smem);
  read(j, "local_bytes", r.local_bytes);
  read(j, "grid_size", r.grid_size);
  read(j, "block_size", r.block_size);
  read(j, "occupancy_blocks_per_sm", r.occupancy_blocks_per_sm);
  read(j, "occupancy_theoretical", r.occupancy_theoretical);
  read(j, "occupancy_blocks_per_sm_driver", r.occupancy_blocks_per_sm_driver);
  read(j, "registers_driver", r.registers_driver);
  read(j, "static_smem_driver", r.static_smem_driver);
  read(j, "smem_config_bytes", r.smem_config_bytes);
  read(j, "launched_kernel", r.launched_kernel);
  read(j, "compile_ms", r.compile_ms);
  read(j, "jit_cache_hit", r.jit_cache_hit);
  if (j.contains("metrics") && j.at("metrics").is_object())
    for (const auto& [k, v] : j.at("metrics").items()) {
      MetricValue m;
      read(v, "value", m.value);
      read(v, "unit", m.unit);
      read(v, "source", m.source);
      r.metrics[k] = m;
    }
  read(j, "metrics_note", r.metrics_note);
  read(j, "created_at", r.created_at);
  read(j, "commit", r.commit);
  read(j, "seed", r.seed);
  return r;
}

json to_json(const Request& r) {
  json j = {{"id", r.id}, {"op", r.op}};
  if (r.op == "run") {
    j["config"] = to_json(r.config);
    j["options"] = to_json(r.options);
  }
  if (!r.extra.is_null())
    for (const auto& [k, v] : r.extra.items()) j[k] = v;
  return j;
}

Request request_from_json(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("a request must be a JSON object");
  Request r;
  read(j, "id", r.id);
  read(j, "op", r.op);
  if (r.op.empty()) throw std::invalid_argument("request has no 'op'");
  if (r.op == "run") {
    if (!j.contains("config")) throw std::invalid_argument("run request has no 'config'");
    r.config = config_from_json(j.at("config"));
    if (j.contains("options")) r.options = options_from_json(j.at("options"));
  }
  r.extra = json::object();
  for (const auto& [k, v] : j.items())
    if (k != "id" && k != "op" && k != "config" && k != "options") r.extra[k] = v;
  return r;
}

}  // namespace gemmscope
