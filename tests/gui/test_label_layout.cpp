// Roofline labels (app/gui/label_layout.h): a label takes its first candidate that stays inside
// the plot and covers no other label or point; none fitting is said, not guessed.
#include <gtest/gtest.h>

#include "app/gui/label_layout.h"

using namespace gemmscope;

TEST(LabelLayout, TwoLabelsOnTheSameLineDoNotOverlap) {
  LabelLayout layout({0, 0, 400, 300});
  // Two ceilings of equal value (the 4090's FP32 and TF32, 82.6 TFLOP/s): same first choice.
  const std::vector<LabelBox> above_then_below = {{200, 90, 390, 102}, {200, 104, 390, 116}};
  EXPECT_EQ(layout.place(above_then_below), 0u);
  EXPECT_EQ(layout.place(above_then_below), 1u) << "the second label moves below the line";
  EXPECT_EQ(layout.place(above_then_below), std::nullopt) << "a third has no room left";
}

TEST(LabelLayout, ACandidateOutsideThePlotOrOnAPointIsPassedOver) {
  LabelLayout layout({0, 0, 400, 300});
  layout.block({250, 40, 262, 52});  // a data point
  const std::vector<LabelBox> c = {{350, 10, 450, 22},   // runs past the right edge (clipped)
                                   {240, 44, 300, 56},   // covers the point
                                   {100, 44, 160, 56}};  // free
  EXPECT_EQ(layout.place(c), 2u);
}

TEST(LabelLayout, BoxesThatOnlyTouchDoNotOverlap) {
  const LabelBox a{0, 0, 10, 10}, b{10, 0, 20, 10}, c{5, 5, 15, 15};
  EXPECT_FALSE(a.overlaps(b));
  EXPECT_TRUE(a.overlaps(c));
  EXPECT_TRUE(c.overlaps(b));
}

// The roofline blocks every point it draws (thousands): the buckets find the one free place
// among them, and a box straddling buckets or the area's edge still blocks.
TEST(LabelLayout, ManyBlockedPointsLeaveOnlyTheFreePlace) {
  LabelLayout layout({0, 0, 640, 480});
  for (int y = 0; y < 480; y += 8)
    for (int x = 0; x < 640; x += 8)
      if (!(x >= 300 && x < 400 && y >= 200 && y < 240)) layout.block({float(x), float(y), float(x) + 4, float(y) + 4});
  layout.block({-50, 460, 700, 470});  // a line across the whole plot and past it
  const std::vector<LabelBox> c = {{10, 10, 70, 22}, {600, 455, 630, 466}, {310, 210, 390, 222}};
  EXPECT_EQ(layout.place(c), 2u);
  EXPECT_EQ(layout.place(c), std::nullopt) << "the free place is taken now";
}
