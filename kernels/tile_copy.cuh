// The split-K families' copy of B's BLOCK_K rows of a tile (BLOCK_N columns from n0) into shared
// memory rows STRIDE floats apart, with 16-byte cp.async (zero filled past k_end or N), by the
// block's NTHREADS threads. Uses the family's BLOCK_K and BLOCK_N; consecutive threads take
// consecutive 16-byte chunks of a row, so a warp's copies are whole L2 lines.
#pragma once
#include "gemm_common.cuh"
#include "ptx.cuh"

template <int STRIDE, int NTHREADS>
__device__ __forceinline__ void copy_b_rows(float* Bs, const float* __restrict__ B, int N, int n0, int k0, int k_end) {
#pragma unroll
  for (int it = 0; it < (BLOCK_K * BLOCK_N / 4 + NTHREADS - 1) / NTHREADS; ++it) {
    const int e = threadIdx.x + it * NTHREADS;
    if (e >= BLOCK_K * BLOCK_N / 4) break;
    const int kk = e / (BLOCK_N / 4), j = (e % (BLOCK_N / 4)) * 4;
    const int k = k0 + kk, c = n0 + j;
    cp_async_quad(Bs + kk * STRIDE + j, B, (gs_size_t)k * N + c, k < k_end ? min(4, N - c) : 0);
  }
}
