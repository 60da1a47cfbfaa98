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
  auto uniq = [](std::vector<int>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  uniq(g.x_values), uniq(g.y_values);
  const size_t nx = g.x_values.size(), ny = g.y_values.size();
  g.value.assign(nx * ny, std::numeric_limits<double>::quiet_NaN());
  g.best_run.assign(nx * ny, -1);
  g.count.assign(nx * ny, 0);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    const double v = passed(r) ? figure_value(r, figure, ran_on) : std::nan("");
    if (std::isnan(v)) continue;
    const size_t col = size_t(std::lower_bound(g.x_values.begin(), g.x_values.end(), value_of(r, x)) - g.x_values.begin());
    const size_t row = ny - 1 - size_t(std::lower_bound(g.y_values.begin(), g.y_values.end(), value_of(r, y)) - g.y_values.begin());
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
