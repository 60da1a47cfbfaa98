// The tuning stages as data, as the seed documents write them: a focus, the metrics to check with
// their targets, guidelines, and safety rules. The advisor shows the stage its top finding
// belongs to beside the run.
#pragma once
#include <string>
#include <vector>

#include "model/advisor/finding.h"

namespace gemmscope {

// A metric a stage watches, with its target. `target` < 0: the target depends on the GPU and the
// launch (a whole wave of blocks), computed by focus_bars().
struct FocusMetric {
  std::string metric;
  double target = 0;
  bool higher_is_better = true;
};

struct StageInfo {
  Stage stage = Stage::TileSizes;
  std::string focus;                      // one line
  std::vector<FocusMetric> metrics;
  std::vector<std::string> guidelines;
  std::vector<std::string> safety;
};

// Every stage, in the loop's order.
const std::vector<StageInfo>& stages();
const StageInfo& stage_info(Stage);

}  // namespace gemmscope
