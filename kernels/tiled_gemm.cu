// The P6 seed baseline and its split-K forms: BLOCK_M x BLOCK_N x BLOCK_K tiles staged in shared
// memory, a TM x TN register tile per thread, 2-D grid (x: N tiles, y: M tiles), z: K slices.
// SPLIT_K == 1 writes C; REDUCTION 1 (atomic) adds into a zeroed C; 2 (two-pass) writes
// slice partials to the workspace and tiled_gemm_reduce sums them.
#include "gemm_common.cuh"

#define THREADS_N (BLOCK_N / TN)

extern "C" __global__ void __launch_bounds__(THREADS)
tiled_gemm(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
           int M, int N, int K, float* workspace) {
  __shared__ float As[BLOCK_K][BLOCK_M + 1];  // k-major so a thread's TM values sit in a row
  __shared__ float Bs[BLOCK_K][BLOCK_N];
  const int m0 = blockIdx.y * BLOCK_M;
  const int n0 = blockIdx.x * BLOCK_N;
  const int tr = threadIdx.x / THREADS_N, tc = threadIdx.x % THREADS_N;

  // K range of this slice, in whole BLOCK_K steps.
  const int k_tiles = (K + BLOCK_K - 1) / BLOCK_K;
  const int tiles_per_slice = (k_tiles + SPLIT_K - 1) / SPLIT_K;
  const int k_begin = blockIdx.z * tiles_per_slice * BLOCK_K;
  const int k_end = min(K, k_begin + tiles_per_slice * BLOCK_K);

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

  for (int k0 = k_begin; k0 < k_end; k0 += BLOCK_K) {
    for (int e = threadIdx.x; e < BLOCK_M * BLOCK_K; e += THREADS) {
#if A_COL_MAJOR
      const int i = e % BLOCK_M, kk = e / BLOCK_M;
#else
      const int i = e / BLOCK_K, kk = e % BLOCK_K;
#endif
      const int r = m0 + i, k = k0 + kk;
      As[kk][i] = (r < M && k < k_end) ? A[a_index(r, k, M, K)] : 0.f;
    }
    for (int e = threadIdx.x; e < BLOCK_K * BLOCK_N; e += THREADS) {
#if B_COL_MAJOR
      const int kk = e % BLOCK_K, j = e / BLOCK_K;
#else
      const int kk = e / BLOCK_N, j = e % BLOCK_N;
#endif
      const int c = n0 + j, k = k0 + kk;
      Bs[kk][j] = (c < N && k < k_end) ? B[b_index(k, c, K, N)] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BLOCK_K; ++kk) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; ++i) a[i] = As[kk][tr * TM + i];
#pragma unroll
      for (int j = 0; j < TN; ++j) b[j] = Bs[kk][tc + j * THREADS_N];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int r = m0 + tr * TM + i;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int c = n0 + tc + j * THREADS_N;
      if (r >= M || c >= N) continue;
#if SPLIT_K == 1
      C[(gs_size_t)r * N + c] = acc[i][j];
#elif REDUCTION == 1
      atomicAdd(&C[(gs_size_t)r * N + c], acc[i][j]);
#else
      workspace[((gs_size_t)blockIdx.z * M + r) * N + c] = acc[i][j];
#endif
    }
  }
  (void)workspace;
}

// Two-pass reduction: C[i] = sum over slices of workspace[slice][i], fixed order (deterministic).
extern "C" __global__ void __launch_bounds__(256)
tiled_gemm_reduce(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                  int M, int N, int K, float* workspace) {
  (void)A, (void)B, (void)K;
  const gs_size_t total = (gs_size_t)M * N;
  for (gs_size_t i = (gs_size_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (gs_size_t)gridDim.x * blockDim.x) {
    float s = 0.f;
#pragma unroll 4
    for (int z = 0; z < SPLIT_K; ++z) s += workspace[(gs_size_t)z * total + i];
    C[i] = s;
  }
}
