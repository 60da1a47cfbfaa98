// The P9 seed baseline as written: one block per BLOCK_M x BLOCK_N tile of C, an outer-product
// loop over k (one column of A and one row of B per step), then one masked store.
// Thread t owns the tile elements t, t+THREADS, ... (row-major in the tile), so stores coalesce.
#include "gemm_common.cuh"

#define ELEMS (BLOCK_M * BLOCK_N / THREADS)

extern "C" __global__ void __launch_bounds__(THREADS)
seed_tall_skinny(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                 int M, int N, int K, float* workspace) {
  (void)workspace;
  __shared__ float a_col[BLOCK_M];
  __shared__ float b_row[BLOCK_N];
  const int m0 = blockIdx.x * BLOCK_M;
  const int n0 = blockIdx.y * BLOCK_N;
  float acc[ELEMS];
#pragma unroll
  for (int i = 0; i < ELEMS; ++i) acc[i] = 0.f;

  for (int k = 0; k < K; ++k) {
    for (int i = threadIdx.x; i < BLOCK_M; i += THREADS) {
      const int r = m0 + i;
      a_col[i] = r < M ? A[a_index(r, k, M, K)] : 0.f;
    }
    for (int j = threadIdx.x; j < BLOCK_N; j += THREADS) {
      const int c = n0 + j;
      b_row[j] = c < N ? B[b_index(k, c, K, N)] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int i = 0; i < ELEMS; ++i) {
      const int e = threadIdx.x + i * THREADS;
      acc[i] += a_col[e / BLOCK_N] * b_row[e % BLOCK_N];
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < ELEMS; ++i) {
    const int e = threadIdx.x + i * THREADS;
    const int r = m0 + e / BLOCK_N, c = n0 + e % BLOCK_N;
    if (r < M && c < N) C[(gs_size_t)r * N + c] = acc[i];
  }
}
