// Figures of one run as the panels, the heatmap and the report show them: named figures for
// colouring, sorting and baselines, and short labels for the seed metrics. The roofline reading
// itself is the model's (run_roofline()).
#pragma once
#include <string>
#include <vector>

#include "model/gpu_spec.h"
#include "model/run_roofline.h"
#include "model/run_result.h"

namespace gemmscope {

// Short label for a metric name ("SM throughput"), the name itself when unknown.
std::string metric_label(const std::string& name);

// Named figures for heatmaps, sorting and baselines; higher_is_better tells how a delta reads.
struct FigureInfo {
  std::string name;
  std::string unit;
  bool higher_is_better = true;
};
const std::vector<FigureInfo>& figure_list();
const FigureInfo* find_figure(const std::string& name);
// A run's value of a figure: SweepRow::figure() (sweep_rows.h), from the few figures a row keeps.

bool passed(const RunResult&);
std::string short_time(double ms);  // "1.23 ms", "456 us"

}  // namespace gemmscope
