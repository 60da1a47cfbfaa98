#include "controller/export.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <tuple>
#include <stdexcept>

#include "model/kernel_family.h"
#include "model/json_codec.h"

namespace gemmscope {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string num(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

void write_csv(std::ostream& out, const std::vector<RunResult>& runs) {
  std::set<std::string> metric_names;
  // Parameter columns from the families' tables, in declaration order, each family's once.
  std::vector<std::string> params;
  std::set<std::string> seen_families;
  for (const auto& r : runs) {
    for (const auto& [k, v] : r.metrics) metric_names.insert(k);
    if (!seen_families.insert(r.config.family).second) continue;
    if (const FamilyPtr f = find_family(r.config.family)) {
      for (const ParamDecl& d : f->params())
        if (std::find(params.begin(), params.end(), d.name) == params.end()) params.push_back(d.name);
    } else {
      for (const auto& [name, v] : r.config.params.items())
        if (std::find(params.begin(), params.end(), name) == params.end()) params.push_back(name);
    }
  }
  std::vector<std::string> head = {"id", "created_at", "device", "arch", "commit", "family", "problem", "M", "N", "K", "config"};
  head.insert(head.end(), params.begin(), params.end());
  for (const char* h : {"disposition", "reason", "ms_median", "ms_min", "ms_max", "reps", "l2_flushed", "tflops", "gbps",
                        "rel_fro_error", "max_abs_error", "allclose_atol1e-4_rtol1e-4", "mismatches", "registers", "static_smem",
                        "dynamic_smem", "grid_size", "block_size", "occupancy_theoretical"})
    head.push_back(h);
  for (const auto& m : metric_names) head.push_back(m);
  for (size_t i = 0; i < head.size(); ++i) out << (i ? "," : "") << csv_field(head[i]);
  out << "\n";
  for (const auto& r : runs) {
    const auto& s = r.config.shape;
    std::vector<std::string> row = {std::to_string(r.id), r.created_at, r.device, r.arch, r.commit, r.config.family, problem_name(s),
                                    std::to_string(s.m), std::to_string(s.n), std::to_string(s.k), r.config_name};
    const FamilyPtr f = find_family(r.config.family);
    for (const auto& name : params) {
      const auto v = r.config.params.find(name);
      const ParamDecl* d = f ? find_param(f->params(), name) : nullptr;
      row.push_back(!v ? "" : d ? d->format(*v) : std::to_string(*v));
    }
    for (const std::string& v :
         {to_string(r.disposition), r.reason, num(r.ms_median), num(r.ms_min), num(r.ms_max), std::to_string(r.reps),
          std::string(r.l2_flushed ? "1" : "0"), num(r.tflops), num(r.gbps), num(r.verify.rel_fro_error), num(r.verify.max_abs_error),
          std::string(r.verify.checked ? (r.verify.allclose() ? "pass" : "fail") : ""), std::to_string(r.verify.mismatches),
          std::to_string(r.registers), std::to_string(r.static_smem), std::to_string(r.dynamic_smem), std::to_string(r.grid_size),
          std::to_string(r.block_size), num(r.occupancy_theoretical)})
      row.push_back(v);
    for (const auto& m : metric_names) {
      auto it = r.metrics.find(m);
      row.push_back(it == r.metrics.end() ? "" : num(it->second.value));
    }
    for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
    out << "\n";
  }
}

void write_ncu_csv(std::ostream& out, const std::vector<RunResult>& runs) {
  auto q = [](const std::string& s) {
    std::string r = "\"";
    for (char c : s) r += c == '"' ? std::string("\"\"") : std::string(1, c);
    return r + "\"";
  };
  out << "\"ID\",\"Process ID\",\"Process Name\",\"Host Name\",\"Kernel Name\",\"Context\",\"Stream\",\"Block Size\","
         "\"Grid Size\",\"Device\",\"CC\",\"Section Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n";
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    std::vector<std::tuple<std::string, std::string, double>> rows;
    for (const auto& [name, m] : r.metrics) rows.emplace_back(name, m.unit, m.value);
    rows.emplace_back("gemmscope__ms_median", "ms", r.ms_median);
    rows.emplace_back("gemmscope__tflops", "TFLOP/s", r.tflops);
    rows.emplace_back("gemmscope__gbps", "GB/s", r.gbps);
    rows.emplace_back("gemmscope__rel_fro_error", "", r.verify.rel_fro_error);
    const std::string cc = r.arch.size() == 5 ? r.arch.substr(3, 1) + "." + r.arch.substr(4, 1) : "";
    const std::string head = q(std::to_string(r.id ? r.id : int64_t(i))) + "," + q("0") + "," + q("gemmscope-runner") + "," +
                             q("localhost") + "," + q(r.config_name) + "," + q("1") + "," + q("1") + "," +
                             q("(" + std::to_string(r.block_size) + ", 1, 1)") + "," + q(std::to_string(r.grid_size)) + "," +
                             q(r.device) + "," + q(cc) + "," + q("Command line profiler metrics") + ",";
    for (const auto& [name, unit, value] : rows) out << head << q(name) << "," << q(unit) << "," << q(num(value)) << "\n";
  }
}

void write_json(std::ostream& out, const std::vector<RunResult>& runs, const JsonAnnotator& annotate) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : runs) {
    arr.push_back(to_json(r));
    if (annotate) annotate(r, arr.back());
  }
  out << arr.dump(2) << "\n";
}

void export_results(const std::string& path, const std::vector<RunResult>& runs, const JsonAnnotator& annotate) {
  const bool csv = path.size() >= 4 && path.substr(path.size() - 4) == ".csv";
  const bool json = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  if (!csv && !json) throw std::invalid_argument("export path '" + path + "': the name must end in .csv or .json");
  std::ofstream out(path);
  if (!out) throw std::runtime_error("export path '" + path + "': cannot write");
  if (csv) write_csv(out, runs);
  else write_json(out, runs, annotate);
  if (!out) throw std::runtime_error("export path '" + path + "': write failed");
}

}  // namespace gemmscope
