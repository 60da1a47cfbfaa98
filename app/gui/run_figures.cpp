#include "app/gui/run_figures.h"

#include <cstdio>
#include <map>

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
