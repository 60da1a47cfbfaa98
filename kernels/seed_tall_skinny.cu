// The P9 seed baseline as written: one block per BLOCK_M x BLOCK_N tile of C, an outer-product
// loop over k (one column of A and one row of B per step, staged in shared memory), then one
// masked store. As Triton lays a tile over its threads, each thread owns a TM x TN patch
// (TN = 4 adjacent columns where the tile allows), so a k step costs TM + TN shared loads.
#include "gemm_common.cuh"

#define ELEMS (BLOCK_M * BLOCK_N / THREADS)
#define TN (ELEMS >= 4 && BLOCK_N >= 4 ? 4 : (ELEMS >= 2 && BLOCK_N >= 2 ? 2 : 1))
#define TM (ELEMS / TN)
#define THREADS_N (BLOCK_N / TN)

extern "C" __global__ void __launch_bounds__(THREADS)
seed_tall_skinny(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                 int M, int N, int K, float* workspace) {
  (void)workspace;
  __shared__ float a_col[BLOCK_M];
  __shared__ float b_row[BLOCK_N];
  const int m0 = blockIdx.x * BLOCK_M;
  const int n0 = blockIdx.y * BLOCK_N;
  const int tr = threadIdx.x / THREADS_N, tc = threadIdx.x % THREADS_N;
  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

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
    float a[TM], b[TN];
#pragma unroll
    for (int i = 0; i < TM; ++i) a[i] = a_col[tr * TM + i];
#pragma unroll
    for (int j = 0; j < TN; ++j) b[j] = b_row[tc * TN + j];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
      for (int j = 0; j < TN; ++j) acc[i][j] += a[i] * b[j];
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int r = m0 + tr * TM + i;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int c = n0 + tc * TN + j;
      if (r < M && c < N) C[(gs_size_t)r * N + c] = acc[i][j];
    }
  }
}
