#include "model/json_codec.h"

#include <stdexcept>

#include "model/kernel_family.h"

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
  json params = json::object();
  const FamilyPtr f = find_family(c.family);
  for (const auto& [name, v] : c.params.items()) {
    const ParamDecl* d = f ? find_param(f->params(), name) : nullptr;
    if (d && !d->labels.empty()) params[name] = d->format(v);
    else params[name] = v;
  }
  return {{"shape", to_json(c.shape)}, {"family", c.family}, {"params", params}};
}

namespace {

int param_value(const ParamDecl* d, const std::string& family, const std::string& name, const json& v) {
  if (v.is_number_integer()) return v.get<int>();
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_string()) {
    if (!d) throw std::invalid_argument("params." + name + ": the value " + v.dump() + " needs family " + family + "'s table, and the family is unknown");
    if (auto x = d->parse(v.get<std::string>())) return *x;
    throw std::invalid_argument("params." + name + "=" + v.get<std::string>() + ": not one of " + d->offered_text());
  }
  throw std::invalid_argument("params." + name + " has the wrong type: " + v.dump());
}

}  // namespace

KernelConfig config_from_json(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("config must be a JSON object");
  KernelConfig c;
  if (j.contains("shape")) c.shape = shape_from_json(j.at("shape"));
  read(j, "family", c.family);
  const FamilyPtr f = find_family(c.family);
  if (j.contains("params")) {
    const json& p = j.at("params");
    if (!p.is_object()) throw std::invalid_argument("field 'params' must be an object of parameter values");
    // In the family's declaration order (a JSON object's keys come back sorted), then any the
    // family does not declare, which validate() names.
    if (f)
      for (const ParamDecl& d : f->params())
        if (p.contains(d.name)) c.set(d.name, param_value(&d, c.family, d.name, p.at(d.name)));
    for (const auto& [name, v] : p.items())
      if (!c.params.has(name)) c.set(name, param_value(f ? find_param(f->params(), name) : nullptr, c.family, name, v));
  } else {
    // The flat form of stores written before parameters were a table: every field was present,
    // so only the family's own are taken.
    if (!f) {
      for (const auto& [k, v] : j.items())
        if (k != "shape" && k != "family")
          throw std::invalid_argument("field '" + k + "': a parameter needs a known family (" +
                                      (c.family.empty() ? std::string("the config has no 'family'") : "'" + c.family + "' is unknown") + ")");
      return c;
    }
    for (const ParamDecl& d : f->params())
      if (j.contains(d.name)) c.set(d.name, param_value(&d, c.family, d.name, j.at(d.name)));
  }
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
  if (s.measured.tf32_wgmma_tflops > 0) j["measured"]["tf32_wgmma_tflops"] = s.measured.tf32_wgmma_tflops;
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
    try {
      s.cc_major = std::stoi(cc.substr(0, dot));
      s.cc_minor = std::stoi(cc.substr(dot + 1));
    } catch (const std::exception&) {
      throw std::invalid_argument("field 'cc' must look like \"8.9\", got \"" + cc + "\"");
    }
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
    if (m.contains("tf32_wgmma_tflops")) read(m, "tf32_wgmma_tflops", s.measured.tf32_wgmma_tflops);
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
          {"fault_injection", o.fault_injection}, {"timeline", o.timeline}};
}

RunOptions options_from_json(const json& j) {
  RunOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) throw std::invalid_argument("options must be a JSON object");
  read(j, "warmup", o.warmup);
  read(j, "reps", o.reps);
  read(j, "flush_l2", o.flush_l2);
  read(j, "verify", o.verify);
  read(j, "seed", o.seed);
  read(j, "metrics", o.metrics);
  read(j, "timeout_s", o.timeout_s);
  read(j, "fault_injection", o.fault_injection);
  read(j, "timeline", o.timeline);
  if (auto e = check_run_options(o); !e.empty()) throw std::invalid_argument(e.front().message());
  return o;
}

json to_json(const CounterTimeline& t) {
  json curves = json::array();
  for (const auto& c : t.curves) curves.push_back({{"label", c.label}, {"metric", c.metric}, {"pct", c.pct}});
  return {{"t_us", t.t_us}, {"interval_us", t.interval_us}, {"note", t.note}, {"curves", curves}};
}

CounterTimeline timeline_from_json(const json& j) {
  CounterTimeline t;
  read(j, "t_us", t.t_us);
  read(j, "interval_us", t.interval_us);
  read(j, "note", t.note);
  if (j.contains("curves"))
    for (const auto& c : j.at("curves")) {
      TimelineCurve k;
      read(c, "label", k.label);
      read(c, "metric", k.metric);
      read(c, "pct", k.pct);
      if (k.pct.size() != t.t_us.size()) throw std::invalid_argument("timeline curve " + k.label + ": " + std::to_string(k.pct.size()) +
                                                                     " values for " + std::to_string(t.t_us.size()) + " samples");
      t.curves.push_back(k);
    }
  return t;
}

json to_json(const RunResult& r) {
  json metrics = json::object();
  for (const auto& [k, v] : r.metrics) metrics[k] = {{"value", v.value}, {"unit", v.unit}, {"source", v.source}};
  json out = {{"id", r.id},
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
          {"card_hash", r.card_hash},
          {"seed", r.seed}};
  if (!r.timeline.empty() || !r.timeline.note.empty()) out["timeline"] = to_json(r.timeline);
  // Only when a runner said: runs of older stores and of runners that do not say read back as
  // they were written.
  if (r.device_index >= 0) out["device_index"] = r.device_index;
  if (!r.device_uuid.empty()) out["device_uuid"] = r.device_uuid;
  return out;
}

RunResult result_from_json(const json& j) {
  RunResult r;
  read(j, "id", r.id);
  if (j.contains("config")) r.config = config_from_json(j.at("config"));
  read(j, "config_name", r.config_name);
  read(j, "device", r.device);
  read(j, "arch", r.arch);
  read(j, "device_index", r.device_index);
  read(j, "device_uuid", r.device_uuid);
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
  read(j, "card_hash", r.card_hash);
  read(j, "seed", r.seed);
  if (j.contains("timeline") && j.at("timeline").is_object()) r.timeline = timeline_from_json(j.at("timeline"));
  return r;
}

}  // namespace gemmscope
