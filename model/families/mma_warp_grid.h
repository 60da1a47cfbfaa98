// How the tensor-core families (tc_splitk, tc_store_bound) lay their warps over a block tile:
// WARPS_N = 2^ceil(log2(warps)/2), the rest along M, so 8 warps on 128x128 give 64x32 warp tiles
// (a 16x8 mma tile is taller than wide, so the warp tile comes out nearly square in mma tiles).
#pragma once
#include <algorithm>

namespace gemmscope {

struct WarpGrid {
  int warps_m = 1, warps_n = 1;
};

inline WarpGrid mma_warp_grid(int threads) {
  const int warps = std::max(1, threads / 32);
  int wn = 1;
  while (wn * wn * 2 <= warps) wn *= 2;
  return {warps / wn, wn};
}

}  // namespace gemmscope
