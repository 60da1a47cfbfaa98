#include "app/gui/heatmap_grid.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/gui/run_figures.h"

namespace gemmscope {

HeatmapGrid heatmap_grid(const std::vector<RunResult>& runs, const std::string& x, const std::string& y,
                         const std::string& figure, const GpuSpec& ran_on) {
  HeatmapGrid g;
  if (const FigureInfo* fi = find_figure(figure)) g.higher_is_better = fi->higher_is_better;
  auto value_of = [](const RunResult& r, const std::string& name) { return r.config.params.find(name).value_or(0); };
  for (const auto& r : runs) {
    g.x_values.push_back(value_of(r, x));
    g.y_values.push_back(value_of(r, y));
  }
  // Distinct values, then grouped into at most kMaxHeatmapCells consecutive ranges of equal count.
  auto columns = [](std::vector<int>& first, std::vector<int>& last) {
    std::sort(first.begin(), first.end());
    first.erase(std::unique(first.begin(), first.end()), first.end());
    if (first.size() <= kMaxHeatmapCells) {
      last = first;
      return;
    }
    const size_t per = (first.size() + kMaxHeatmapCells - 1) / kMaxHeatmapCells;
    std::vector<int> f, l;
    for (size_t i = 0; i < first.size(); i += per) f.push_back(first[i]), l.push_back(first[std::min(first.size(), i + per) - 1]);
    first = f, last = l;
  };
  columns(g.x_values, g.x_last), columns(g.y_values, g.y_last);
  // The column (row from the bottom) holding a value: the last whose first value is not above it.
  auto index = [](const std::vector<int>& first, int v) { return size_t(std::upper_bound(first.begin(), first.end(), v) - first.begin()) - 1; };
  const size_t nx = g.x_values.size(), ny = g.y_values.size();
  g.value.assign(nx * ny, std::numeric_limits<double>::quiet_NaN());
  g.best_run.assign(nx * ny, -1);
  g.count.assign(nx * ny, 0);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    const double v = passed(r) ? figure_value(r, figure, ran_on) : std::nan("");
    if (std::isnan(v)) continue;
    const size_t col = index(g.x_values, value_of(r, x));
    const size_t row = ny - 1 - index(g.y_values, value_of(r, y));
    const size_t at = g.at(col, row);
    ++g.count[at];
    if (g.best_run[at] < 0 || (g.higher_is_better ? v > g.value[at] : v < g.value[at])) {
      g.value[at] = v;
      g.best_run[at] = int(i);
    }
    lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (hi >= lo) g.lo = lo, g.hi = hi;
  if (g.hi == g.lo) g.hi = g.lo + 1;
  return g;
}

}  // namespace gemmscope
