#include "app/gui/run_figures.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "model/occupancy.h"

namespace gemmscope {

std::string metric_label(const std::string& name) {
  static const std::map<std::string, std::string> labels = {
      {"sm__throughput.avg.pct_of_peak_sustained_elapsed", "SM throughput"},
      {"launch__grid_size", "Grid size"},
      {"sm__warps_active.avg.pct_of_peak_sustained_active", "Achieved occupancy"},
      {"dram__throughput.avg.pct_of_peak_sustained_elapsed", "DRAM throughput"},
      {"lts__t_sector_hit_rate.pct", "L2 hit rate"},
      {"dram__bytes_read.sum", "DRAM bytes read"},
      {"dram__bytes_write.sum", "DRAM bytes written"}};
  auto it = labels.find(name);
  return it == labels.end() ? name : it->second;
}

const std::vector<FigureInfo>& figure_list() {
  static const std::vector<FigureInfo> list = {
      {"TFLOP/s", "TFLOP/s", true},
      {"time", "ms", false},
      {"GB/s", "GB/s", true},
      {"% of attainable", "%", true},
      {"theoretical occupancy", "%", true},
      {"registers", "reg/thread", false},
      {"SM throughput", "%", true},
      {"Achieved occupancy", "%", true},
      {"DRAM throughput", "%", true},
      {"L2 hit rate", "%", true},
      {"rel. error", "", false},
  };
  return list;
}

const FigureInfo* find_figure(const std::string& name) {
  for (const auto& f : figure_list())
    if (f.name == name) return &f;
  return nullptr;
}

double figure_value(const RunResult& r, const std::string& f, const GpuSpec& here) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (r.ms_median <= 0 && f != "registers" && f != "theoretical occupancy") return nan;
  if (f == "TFLOP/s") return r.tflops;
  if (f == "time") return r.ms_median;
  if (f == "GB/s") return r.gbps;
  if (f == "% of attainable") return run_roofline(r, here, here).here.pct_of_attainable;
  if (f == "theoretical occupancy") {
    // Stored as a fraction; a value above 1 is taken as already in percent.
    if (r.occupancy_theoretical > 0) return r.occupancy_theoretical <= 1 ? 100.0 * r.occupancy_theoretical : r.occupancy_theoretical;
    if (r.block_size <= 0) return nan;
    return 100.0 * theoretical_occupancy(here, int(r.block_size), r.registers, r.static_smem + r.dynamic_smem, r.smem_config_bytes).fraction;
  }
  if (f == "registers") return r.registers > 0 ? r.registers : nan;
  if (f == "rel. error") return r.verify.checked ? r.verify.rel_fro_error : nan;
  for (const auto& name : seed_metric_names())
    if (metric_label(name) == f) {
      auto it = r.metrics.find(name);
      return it == r.metrics.end() ? nan : it->second.value;
    }
  return nan;
}

bool passed(const RunResult& r) { return r.disposition == Disposition::Passed; }

std::string short_time(double ms) {
  char buf[64];
  if (ms <= 0) return "-";
  if (ms < 1) std::snprintf(buf, sizeof buf, "%.1f us", ms * 1e3);
  else if (ms < 1000) std::snprintf(buf, sizeof buf, "%.3f ms", ms);
  else std::snprintf(buf, sizeof buf, "%.2f s", ms / 1e3);
  return buf;
}

}  // namespace gemmscope
