// The order in which a persistent-strip kernel's blocks take (strip_m, tile_n) strips: grouped
// SWIZZLE deep along the minor axis (GRID_ORDER 0: down M first; 1: along N first), so that
// blocks running together share operand rows or columns in L2.
#pragma once

__device__ __forceinline__ void strip_of_block(int pid, int strips_m, int tiles_n, int& strip_m, int& tile_n) {
#if GRID_ORDER == 0
  const int per_group = SWIZZLE * tiles_n;
  const int first = (pid / per_group) * SWIZZLE;
  const int rows = min(SWIZZLE, strips_m - first);
  const int in_group = pid % per_group;
  strip_m = first + in_group % rows;
  tile_n = in_group / rows;
#else
  const int per_group = SWIZZLE * strips_m;
  const int first = (pid / per_group) * SWIZZLE;
  const int cols = min(SWIZZLE, tiles_n - first);
  const int in_group = pid % per_group;
  tile_n = first + in_group % cols;
  strip_m = in_group / cols;
#endif
}
