#include "app/gui/heatmap_grid.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/gui/run_figures.h"

namespace gemmscope {

HeatmapGrid heatmap_grid(const SweepRows& runs, const std::string& x, const std::string& y, const std::string& figure,
                         const GpuSpec& ran_on, const ModelView& view) {
  HeatmapGrid g;
  if (const FigureInfo* fi = find_figure(figure)) g.higher_is_better = fi->higher_is_better;
  const FigureKey key = figure_key(figure);
  // Each row's (x, y), read once.
  std::vector<std::pair<int, int>> at_xy(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!view.admits(runs[i].device)) continue;
    at_xy[i] = {runs.param(i, x).value_or(0), runs.param(i, y).value_or(0)};
    g.x_values.push_back(at_xy[i].first);
    g.y_values.push_back(at_xy[i].second);
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
    const SweepRow& r = runs[i];
    if (!view.admits(r.device)) continue;
    const double v = r.passed() ? r.figure(key, ran_on) : std::nan("");
    if (std::isnan(v)) continue;
    const size_t col = index(g.x_values, at_xy[i].first);
    const size_t row = ny - 1 - index(g.y_values, at_xy[i].second);
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
