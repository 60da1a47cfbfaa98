// Figures of one run as the panels, the heatmap and the report show them: the roofline point
// (from DRAM counters when collected, else the nominal work), and named figures for colouring.
#pragma once
#include <string>
#include <vector>
#include "model/gpu_spec.h"
#include "model/roofline.h"
#include "model/run_result.h"

namespace gemmscope {

// The five metrics of the seed documents, by Nsight Compute name.
const std::vector<std::string>& seed_metric_names();
// Short label for a metric name ("SM throughput"), the name itself when unknown.
std::string metric_label(const std::string& name);

struct RunPoint {
  RooflinePoint point;
  bool from_counters = false;  // DRAM bytes measured, not the compulsory traffic
};
// nullopt-like: seconds == 0 when the run has no time (failed runs are not plotted).
RunPoint roofline_point(const RunResult&);

// Named figures for heatmaps, sorting and baselines; higher_is_better tells how a delta reads.
struct FigureInfo {
  std::string name;
  std::string unit;
  bool higher_is_better = true;
};
const std::vector<FigureInfo>& figure_list();
// NaN when the run lacks the figure.
double figure_value(const RunResult&, const std::string& figure, const GpuSpec& here);

bool passed(const RunResult&);
std::string short_time(double ms);  // "1.23 ms", "456 us"

}  // namespace gemmscope
