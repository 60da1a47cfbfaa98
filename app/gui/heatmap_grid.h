// The sweep heatmap's cells: sweep runs folded onto two parameters, each cell the best run of the
// figure over the axes not shown. Plain data, so the panel only draws it and tests read it.
#pragma once
#include <string>
#include <vector>

#include "app/gui/sweep_rows.h"
#include "model/gpu_spec.h"

namespace gemmscope {

struct HeatmapGrid {
  // Each column's (row's) first and last parameter value, ascending. An axis with more distinct
  // values than kMaxHeatmapCells (a split_k range of 1000) groups consecutive values into ranges,
  // so columns stay readable; otherwise first == last.
  std::vector<int> x_values, y_values;
  std::vector<int> x_last, y_last;
  // Row-major from the top row (the highest y value) down, x_values.size() wide.
  std::vector<double> value;   // the best figure of the cell's passed runs; NaN when it has none
  std::vector<int> best_run;   // index into the rows of the run behind `value`; -1 when none
  std::vector<int> count;      // passed runs with the figure in the cell
  double lo = 0, hi = 1;       // the colour range (hi > lo)
  bool higher_is_better = true;
  size_t at(size_t col, size_t row_from_top) const { return row_from_top * x_values.size() + col; }
};

inline constexpr size_t kMaxHeatmapCells = 40;  // per axis

// Runs whose config lacks `x` or `y` sit at value 0 of that axis. `ran_on` judges the figures.
// Only the rows `view` admits count: a pool of mixed GPUs shows one model's cells unless asked.
HeatmapGrid heatmap_grid(const SweepRows& runs, const std::string& x, const std::string& y, const std::string& figure,
                         const GpuSpec& ran_on, const ModelView& view = {});

}  // namespace gemmscope
