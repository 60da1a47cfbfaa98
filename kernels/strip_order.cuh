// Which strip of tiles a persistent-strip kernel's block owns: TILES_PER_BLOCK consecutive
// BLOCK_M tiles down M in one BLOCK_N column. Blocks take strips grouped SWIZZLE deep along one
// axis (GRID_ORDER 0: down M; 1: along N), so that blocks running together share operand rows or
// columns in L2. Include after BLOCK_M, BLOCK_N, TILES_PER_BLOCK, SWIZZLE and GRID_ORDER are defined.
#pragma once

struct BlockStrip {
  int n0;       // first column of the strip
  int t_first;  // index of its first M tile
  int n_tiles;  // M tiles in it (fewer at the bottom edge)
};

__device__ __forceinline__ BlockStrip block_strip(int M, int N) {
  const int tiles_m = (M + BLOCK_M - 1) / BLOCK_M, tiles_n = (N + BLOCK_N - 1) / BLOCK_N;
  const int strips_m = (tiles_m + TILES_PER_BLOCK - 1) / TILES_PER_BLOCK;
  // `grouped` is the axis walked SWIZZLE at a time, `other` the one each group spans whole.
  const int grouped = GRID_ORDER == 0 ? strips_m : tiles_n, other = GRID_ORDER == 0 ? tiles_n : strips_m;
  const int pid = blockIdx.x;
  const int per_group = SWIZZLE * other;
  const int first = (pid / per_group) * SWIZZLE;
  const int width = min(SWIZZLE, grouped - first);
  const int in_group = pid % per_group;
  const int g = first + in_group % width, o = in_group / width;
  const int strip_m = GRID_ORDER == 0 ? g : o, tile_n = GRID_ORDER == 0 ? o : g;
  BlockStrip s;
  s.n0 = tile_n * BLOCK_N;
  s.t_first = strip_m * TILES_PER_BLOCK;
  s.n_tiles = min(TILES_PER_BLOCK, tiles_m - s.t_first);
  return s;
}
