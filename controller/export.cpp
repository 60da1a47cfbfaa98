#include "controller/export.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <fstream>
#include <set>
#include <tuple>
#include <stdexcept>

#include "controller/result_store.h"
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

CsvColumns csv_columns(const std::vector<std::string>& families, const std::vector<std::string>& metric_names) {
  CsvColumns c;
  c.metrics = metric_names;
  std::sort(c.metrics.begin(), c.metrics.end());
  c.metrics.erase(std::unique(c.metrics.begin(), c.metrics.end()), c.metrics.end());
  // Parameter columns from the families' tables, in declaration order, each family's once.
  for (const auto& name : families)
    if (const FamilyPtr f = find_family(name))
      for (const ParamDecl& d : f->params())
        if (std::find(c.params.begin(), c.params.end(), d.name) == c.params.end()) c.params.push_back(d.name);
  return c;
}

CsvRunWriter::CsvRunWriter(std::ostream& out, CsvColumns columns) : out_(out), c_(std::move(columns)) {
  std::vector<std::string> head = {"id", "created_at", "device", "arch", "commit", "family", "problem", "M", "N", "K", "config"};
  head.insert(head.end(), c_.params.begin(), c_.params.end());
  for (const char* h : {"disposition", "reason", "ms_median", "ms_min", "ms_max", "reps", "l2_flushed", "tflops", "gbps",
                        "rel_fro_error", "max_abs_error", "allclose_atol1e-4_rtol1e-4", "mismatches", "registers", "static_smem",
                        "dynamic_smem", "grid_size", "block_size", "occupancy_theoretical"})
    head.push_back(h);
  for (const auto& m : c_.metrics) head.push_back(m);
  if (c_.devices) head.insert(head.end(), {"device_index", "device_uuid"});
  for (size_t i = 0; i < head.size(); ++i) out_ << (i ? "," : "") << csv_field(head[i]);
  out_ << "\n";
}

namespace {
// A row's fields appended to one string: what csv_field() and num() write, without a string each.
struct CsvLine {
  std::string& s;
  bool first = true;
  void sep() {
    if (!first) s += ',';
    first = false;
  }
  void text(std::string_view v) {
    sep();
    if (v.find_first_of(",\"\n\r") == std::string_view::npos) {
      s += v;
      return;
    }
    s += '"';
    for (char c : v) c == '"' ? s += "\"\"" : s += c;
    s += '"';
  }
  void integer(int64_t v) {
    sep();
    char buf[24];
    s.append(buf, size_t(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
  }
  // As "%.9g" (the C++ standard defines this precision of to_chars by printf's %g).
  void real(double v) {
    sep();
    char buf[40];
    s.append(buf, size_t(std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 9).ptr - buf));
  }
  void empty() { sep(); }
};
}  // namespace

void CsvRunWriter::row(const RunResult& r) {
  const auto& s = r.config.shape;
  line_.clear();
  CsvLine w{line_};
  w.integer(r.id);
  w.text(r.created_at);
  w.text(r.device);
  w.text(r.arch);
  w.text(r.commit);
  w.text(r.config.family);
  w.text(problem_name(s));
  w.integer(s.m);
  w.integer(s.n);
  w.integer(s.k);
  w.text(r.config_name);
  const FamilyPtr f = find_family(r.config.family);
  for (const auto& name : c_.params) {
    const auto v = r.config.params.find(name);
    const ParamDecl* d = f ? find_param(f->params(), name) : nullptr;
    if (!v) w.empty();
    else if (d) w.text(d->format(*v));
    else w.integer(*v);
  }
  w.text(to_string(r.disposition));
  w.text(r.reason);
  w.real(r.ms_median);
  w.real(r.ms_min);
  w.real(r.ms_max);
  w.integer(r.reps);
  w.integer(r.l2_flushed ? 1 : 0);
  w.real(r.tflops);
  w.real(r.gbps);
  w.real(r.verify.rel_fro_error);
  w.real(r.verify.max_abs_error);
  w.text(r.verify.checked ? (r.verify.allclose() ? "pass" : "fail") : "");
  w.integer(r.verify.mismatches);
  w.integer(r.registers);
  w.integer(r.static_smem);
  w.integer(r.dynamic_smem);
  w.integer(r.grid_size);
  w.integer(r.block_size);
  w.real(r.occupancy_theoretical);
  for (const auto& m : c_.metrics) {
    auto it = r.metrics.find(m);
    if (it == r.metrics.end()) w.empty();
    else w.real(it->second.value);
  }
  if (c_.devices) {
    if (r.device_index >= 0) w.integer(r.device_index);
    else w.empty();
    w.text(r.device_uuid);
  }
  line_ += '\n';
  out_.write(line_.data(), std::streamsize(line_.size()));
}

JsonRunWriter::JsonRunWriter(std::ostream& out, JsonAnnotator annotate) : out_(out), annotate_(std::move(annotate)) { out_ << "[\n"; }

void JsonRunWriter::row(const RunResult& r) {
  nlohmann::json j = to_json(r);
  if (annotate_) annotate_(r, j);
  out_ << (rows_++ ? ",\n" : "") << j.dump(2);
}

void JsonRunWriter::raw_row(const std::string& object) {
  if (rows_++) out_.write(",\n", 2);
  out_.write(object.data(), std::streamsize(object.size()));
}

void JsonRunWriter::finish() {
  if (finished_) return;
  finished_ = true;
  out_ << (rows_ ? "\n" : "") << "]\n";
}

CsvColumns csv_columns_for(const std::vector<RunResult>& runs, std::vector<std::string> families, std::vector<std::string> metrics) {
  for (const auto& r : runs) {
    if (std::find(families.begin(), families.end(), r.config.family) == families.end()) families.push_back(r.config.family);
    for (const auto& [k, v] : r.metrics) metrics.push_back(k);
  }
  CsvColumns c = csv_columns(families, metrics);
  for (const auto& r : runs)
    if (!find_family(r.config.family))
      for (const auto& [name, v] : r.config.params.items())
        if (std::find(c.params.begin(), c.params.end(), name) == c.params.end()) c.params.push_back(name);
  c.devices = std::any_of(runs.begin(), runs.end(), [](const RunResult& r) { return r.device_index >= 0 || !r.device_uuid.empty(); });
  return c;
}

void write_csv(std::ostream& out, const std::vector<RunResult>& runs) {
  CsvRunWriter w(out, csv_columns_for(runs));
  for (const auto& r : runs) w.row(r);
}

void write_ncu_csv_header(std::ostream& out) {
  out << "\"ID\",\"Process ID\",\"Process Name\",\"Host Name\",\"Kernel Name\",\"Context\",\"Stream\",\"Block Size\","
         "\"Grid Size\",\"Device\",\"CC\",\"Section Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n";
}

void write_ncu_csv_rows(std::ostream& out, const RunResult& r, int64_t index) {
  auto q = [](const std::string& s) {
    std::string x = "\"";
    for (char c : s) x += c == '"' ? std::string("\"\"") : std::string(1, c);
    return x + "\"";
  };
  std::vector<std::tuple<std::string, std::string, double>> rows;
  for (const auto& [name, m] : r.metrics) rows.emplace_back(name, m.unit, m.value);
  rows.emplace_back("gemmscope__ms_median", "ms", r.ms_median);
  rows.emplace_back("gemmscope__tflops", "TFLOP/s", r.tflops);
  rows.emplace_back("gemmscope__gbps", "GB/s", r.gbps);
  rows.emplace_back("gemmscope__rel_fro_error", "", r.verify.rel_fro_error);
  const std::string cc = r.arch.size() == 5 ? r.arch.substr(3, 1) + "." + r.arch.substr(4, 1) : "";
  const std::string head = q(std::to_string(r.id ? r.id : index)) + "," + q("0") + "," + q("gemmscope-runner") + "," + q("localhost") +
                           "," + q(r.config_name) + "," + q("1") + "," + q("1") + "," + q("(" + std::to_string(r.block_size) + ", 1, 1)") +
                           "," + q(std::to_string(r.grid_size)) + "," + q(r.device) + "," + q(cc) + "," + q("Command line profiler metrics") + ",";
  for (const auto& [name, unit, value] : rows) out << head << q(name) << "," << q(unit) << "," << q(num(value)) << "\n";
}

void write_ncu_csv(std::ostream& out, const std::vector<RunResult>& runs) {
  write_ncu_csv_header(out);
  for (size_t i = 0; i < runs.size(); ++i) write_ncu_csv_rows(out, runs[i], int64_t(i));
}

void write_json(std::ostream& out, const std::vector<RunResult>& runs, const JsonAnnotator& annotate) {
  JsonRunWriter w(out, annotate);
  for (const auto& r : runs) w.row(r);
  w.finish();
}

namespace {
// The extension names the format; anything else is refused before the file is made.
bool csv_path(const std::string& path) {
  const bool csv = path.size() >= 4 && path.substr(path.size() - 4) == ".csv";
  const bool json = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  if (!csv && !json) throw std::invalid_argument("export path '" + path + "': the name must end in .csv or .json");
  return csv;
}
}  // namespace

size_t export_store(const ResultStore& store, const StoreQuery& q, const std::string& path, std::vector<std::string>& bad_rows,
                    const JsonAnnotator& annotate) {
  const bool csv = csv_path(path);
  // A large buffer: a million runs' JSON is 2 GB, and each write is a system call.
  std::vector<char> buffer(size_t(1) << 20);
  std::ofstream out;
  out.rdbuf()->pubsetbuf(buffer.data(), std::streamsize(buffer.size()));
  out.open(path);
  if (!out) throw std::runtime_error("export path '" + path + "': cannot write");
  size_t n = 0;
  if (csv) {
    CsvRunWriter w(out, csv_columns(store.families(q), store.metric_names(q)));
    // A CSV row is all column figures: the deflated part of each run is checked, not inflated. So
    // it has no device_index / device_uuid (a run's cold part holds them); the GUI's export reads
    // whole runs and writes them.
    store.scan(q, [&](RunResult&& r) { w.row(r), ++n; }, bad_rows, ScanDetail::columns);
  } else if (!annotate) {
    // Each run's text made from its columns and stored cold part, with no JSON tree (run_json.h).
    JsonRunWriter w(out);
    store.scan_json(q, [&](const std::string& object) { w.raw_row(object), ++n; }, bad_rows);
    w.finish();
  } else {
    JsonRunWriter w(out, annotate);
    store.scan(q, [&](RunResult&& r) { w.row(r), ++n; }, bad_rows);
    w.finish();
  }
  out.close();  // before the buffer goes
  if (!out) throw std::runtime_error("export path '" + path + "': write failed");
  return n;
}

void export_results(const std::string& path, const std::vector<RunResult>& runs, const JsonAnnotator& annotate) {
  const bool csv = csv_path(path);
  std::ofstream out(path);
  if (!out) throw std::runtime_error("export path '" + path + "': cannot write");
  if (csv) write_csv(out, runs);
  else write_json(out, runs, annotate);
  if (!out) throw std::runtime_error("export path '" + path + "': write failed");
}

}  // namespace gemmscope
