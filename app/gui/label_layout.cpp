#include "app/gui/label_layout.h"

#include <algorithm>
#include <cmath>

namespace gemmscope {

LabelLayout::LabelLayout(LabelBox area) : area_(area) {
  cols_ = std::clamp(int(std::ceil((area.x1 - area.x0) / kBucket)), 1, 4096);
  rows_ = std::clamp(int(std::ceil((area.y1 - area.y0) / kBucket)), 1, 4096);
  bucket_.resize(size_t(cols_) * size_t(rows_));
}

void LabelLayout::buckets(const LabelBox& b, int& x0, int& y0, int& x1, int& y1) const {
  auto col = [&](float x) { return std::clamp(int(std::floor((x - area_.x0) / kBucket)), 0, cols_ - 1); };
  auto row = [&](float y) { return std::clamp(int(std::floor((y - area_.y0) / kBucket)), 0, rows_ - 1); };
  x0 = col(b.x0), x1 = col(b.x1), y0 = row(b.y0), y1 = row(b.y1);
}

void LabelLayout::block(LabelBox b) {
  const auto index = uint32_t(taken_.size());
  taken_.push_back(b);
  int x0, y0, x1, y1;
  buckets(b, x0, y0, x1, y1);
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) bucket_[size_t(y) * size_t(cols_) + size_t(x)].push_back(index);
}

std::optional<size_t> LabelLayout::place(const std::vector<LabelBox>& candidates) {
  for (size_t i = 0; i < candidates.size(); ++i) {
    const LabelBox& c = candidates[i];
    if (!c.inside(area_)) continue;
    int x0, y0, x1, y1;
    buckets(c, x0, y0, x1, y1);
    bool free = true;
    for (int y = y0; free && y <= y1; ++y)
      for (int x = x0; free && x <= x1; ++x)
        for (const uint32_t t : bucket_[size_t(y) * size_t(cols_) + size_t(x)])
          if (c.overlaps(taken_[t])) {
            free = false;
            break;
          }
    if (!free) continue;
    block(c);
    return i;
  }
  return std::nullopt;
}

}  // namespace gemmscope
