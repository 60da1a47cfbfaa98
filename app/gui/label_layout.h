// Places text labels on a plot so that none overlaps another, a data point or the plot's edge:
// each label offers candidate boxes in order of preference and takes the first that fits.
// Pixels only, no ImGui, so it is tested on its own.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

namespace gemmscope {

struct LabelBox {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // pixels, x0 < x1 and y0 < y1
  bool overlaps(const LabelBox& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  bool inside(const LabelBox& area) const { return x0 >= area.x0 && x1 <= area.x1 && y0 >= area.y0 && y1 <= area.y1; }
};

// What is taken is kept in square buckets of the area, so a candidate is checked against the
// boxes near it only: thousands of blocked points cost no more a label than a few.
class LabelLayout {
 public:
  explicit LabelLayout(LabelBox area);
  // Something labels must not cover (a data point, a legend).
  void block(LabelBox b);
  // The first candidate inside the area that overlaps nothing taken; it is then taken. Nullopt when
  // none fits (the caller decides: usually the first candidate, drawn anyway).
  std::optional<size_t> place(const std::vector<LabelBox>& candidates);

 private:
  static constexpr float kBucket = 32;  // pixels
  // The buckets a box touches, clamped to the area (a box beyond it lands in the edge buckets).
  void buckets(const LabelBox& b, int& x0, int& y0, int& x1, int& y1) const;
  LabelBox area_;
  int cols_ = 1, rows_ = 1;
  std::vector<LabelBox> taken_;
  std::vector<std::vector<uint32_t>> bucket_;  // row-major, indices into taken_
};

}  // namespace gemmscope
