#include "model/advisor/run_compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "model/launch_metrics.h"
#include "model/metric_catalog.h"
#include "model/text_format.h"

namespace gemmscope {

namespace {

struct Figure {
  std::string label, unit;
  double value;
};

// Every figure of one run by name: its own record first, then launch metrics, then counters.
std::map<std::string, Figure> figures(const RunResult& r, const GpuSpec& g) {
  std::map<std::string, Figure> f;
  if (r.reps > 0) {
    f["gemmscope__time_ms"] = {"Time (median)", "ms", r.ms_median};
    f["gemmscope__nominal_tflops"] = {"Nominal TFLOP/s", "TFLOP/s", r.tflops};
    f["gemmscope__nominal_gbps"] = {"Nominal GB/s", "GB/s", r.gbps};
  }
  if (r.verify.checked) f["gemmscope__rel_fro_error"] = {"Relative Frobenius error", "", r.verify.rel_fro_error};
  if (r.block_size > 0) f["gemmscope__local_bytes"] = {"Local memory per thread", "byte", double(r.local_bytes)};
  for (const auto& [k, v] : launch_metrics(r, g)) {
    const MetricInfo* i = find_metric(k);
    f[k] = {i ? i->label : k, v.unit, v.value};
  }
  for (const auto& [k, v] : r.metrics) {
    const MetricInfo* i = find_metric(k);
    f[k] = {i ? i->label : k, v.unit, v.value};
  }
  return f;
}

}  // namespace

double MetricDelta::relative() const {
  if (!baseline || !current || *baseline == 0) return 0;
  return *current / *baseline - 1;
}

std::vector<MetricDelta> compare_runs(const RunResult& a, const GpuSpec& ga, const RunResult& b, const GpuSpec& gb) {
  const auto fa = figures(a, ga), fb = figures(b, gb);
  std::map<std::string, MetricDelta> all;
  for (const auto& [k, f] : fa) {
    auto& d = all[k];
    d.metric = k, d.label = f.label, d.unit = f.unit, d.baseline = f.value;
  }
  for (const auto& [k, f] : fb) {
    auto& d = all[k];
    d.metric = k, d.label = f.label, d.unit = f.unit, d.current = f.value;
  }
  std::vector<MetricDelta> v;
  for (auto& [k, d] : all) v.push_back(d);
  std::stable_sort(v.begin(), v.end(), [](const MetricDelta& x, const MetricDelta& y) {
    const bool bx = x.baseline && x.current, by = y.baseline && y.current;
    if (bx != by) return bx;
    return std::fabs(x.relative()) > std::fabs(y.relative());
  });
  return v;
}

std::vector<std::string> moved_most(const std::vector<MetricDelta>& v, size_t n) {
  std::vector<std::string> out;
  for (const auto& d : v) {
    if (out.size() >= n) break;
    if (!d.baseline || !d.current || d.relative() == 0) continue;
    char pct[32];
    std::snprintf(pct, sizeof pct, "%+.0f%%", 100 * d.relative());
    out.push_back(d.metric + " " + format_number("%.4g", *d.baseline) + " -> " + format_number("%.4g", *d.current) + (d.unit.empty() ? "" : " " + d.unit) + " (" + pct + ")");
  }
  return out;
}

}  // namespace gemmscope
