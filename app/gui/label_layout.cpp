#include "app/gui/label_layout.h"

#include <algorithm>

namespace gemmscope {

std::optional<size_t> LabelLayout::place(const std::vector<LabelBox>& candidates) {
  for (size_t i = 0; i < candidates.size(); ++i) {
    const LabelBox& c = candidates[i];
    if (!c.inside(area_)) continue;
    if (std::any_of(taken_.begin(), taken_.end(), [&](const LabelBox& t) { return c.overlaps(t); })) continue;
    taken_.push_back(c);
    return i;
  }
  return std::nullopt;
}

}  // namespace gemmscope
