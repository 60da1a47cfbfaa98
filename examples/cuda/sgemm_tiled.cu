// sgemm_tiled: a plain CUDA SGEMM, C = A * B in fp32 FMA, for any M, N, K and either layout
// of A and of B. Compiled by NVRTC (no host code, no includes); every card parameter comes in
// as a define (-DBLOCK_M=128 ...), and the layouts as -DA_COL_MAJOR=0/1 -DB_COL_MAJOR=0/1.
//
// Mapping: grid.x over the cdiv(N, BLOCK_N) tile columns of C, grid.y over the cdiv(M, BLOCK_M)
// tile rows; one block of (BLOCK_M / TM) * (BLOCK_N / TN) threads per BLOCK_M x BLOCK_N tile.
// The block walks K in BLOCK_K steps: it stages a BLOCK_M x BLOCK_K tile of A and a
// BLOCK_K x BLOCK_N tile of B in shared memory (loads guarded: out-of-range elements read as 0,
// so ragged M, N and K all work), then each thread accumulates a TM x TN register tile:
// rows tr * TM + i (i < TM) and columns tc + j * (BLOCK_N / TN) (j < TN) of the block's tile,
// where tr = thread / (BLOCK_N / TN) and tc = thread % (BLOCK_N / TN). Spreading a thread's
// columns by BLOCK_N / TN keeps neighbouring threads on neighbouring columns: conflict-free
// shared-memory reads of B and coalesced stores of C. Stores are guarded against M and N.
//
// Addressing uses the element strides the card passes (stride_am, stride_ak, ...), in 64 bits,
// so any size works; A_COL_MAJOR / B_COL_MAJOR only choose the order in which a block loads its
// tiles, so that consecutive threads read consecutive addresses of global memory.

#ifndef BLOCK_M
#define BLOCK_M 128
#endif
#ifndef BLOCK_N
#define BLOCK_N 128
#endif
#ifndef BLOCK_K
#define BLOCK_K 8
#endif
#ifndef TM
#define TM 8
#endif
#ifndef TN
#define TN 8
#endif
#ifndef A_COL_MAJOR
#define A_COL_MAJOR 0
#endif
#ifndef B_COL_MAJOR
#define B_COL_MAJOR 0
#endif

#define THREADS_M (BLOCK_M / TM)
#define THREADS_N (BLOCK_N / TN)
#define THREADS (THREADS_M * THREADS_N)

static_assert(BLOCK_M % TM == 0 && BLOCK_N % TN == 0, "TM must divide BLOCK_M, TN BLOCK_N");
static_assert(THREADS % 32 == 0 && THREADS <= 1024, "threads: a multiple of 32, at most 1024");

// A k-major shared tile is written across k when the global rows run along k (row-major A,
// column-major B); 4 floats of padding then spread those writes over the banks and keep rows
// 16-byte aligned. Tiles written along m or n need none.
#define A_PAD (A_COL_MAJOR ? 0 : 4)
#define B_PAD (B_COL_MAJOR ? 4 : 0)

typedef long long i64;

extern "C" __global__ void __launch_bounds__(THREADS)
sgemm_tiled(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
            int M, int N, int K,
            int stride_am, int stride_ak, int stride_bk, int stride_bn,
            int stride_cm, int stride_cn) {
  __shared__ float As[BLOCK_K][BLOCK_M + A_PAD];  // As[kk][i] = A[m0 + i][k0 + kk]
  __shared__ float Bs[BLOCK_K][BLOCK_N + B_PAD];  // Bs[kk][j] = B[k0 + kk][n0 + j]

  const int m0 = blockIdx.y * BLOCK_M;
  const int n0 = blockIdx.x * BLOCK_N;
  const int tr = threadIdx.x / THREADS_N;
  const int tc = threadIdx.x % THREADS_N;

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

  for (int k0 = 0; k0 < K; k0 += BLOCK_K) {
    // Stage the A tile: element e of the tile, consecutive e along the storage's fast axis.
#pragma unroll
    for (int e0 = 0; e0 < BLOCK_M * BLOCK_K; e0 += THREADS) {
      const int e = e0 + threadIdx.x;
      if (BLOCK_M * BLOCK_K % THREADS == 0 || e < BLOCK_M * BLOCK_K) {
#if A_COL_MAJOR
        const int i = e % BLOCK_M, kk = e / BLOCK_M;
#else
        const int i = e / BLOCK_K, kk = e % BLOCK_K;
#endif
        const int r = m0 + i, k = k0 + kk;
        As[kk][i] = (r < M && k < K) ? A[(i64)r * stride_am + (i64)k * stride_ak] : 0.f;
      }
    }
    // Stage the B tile likewise.
#pragma unroll
    for (int e0 = 0; e0 < BLOCK_K * BLOCK_N; e0 += THREADS) {
      const int e = e0 + threadIdx.x;
      if (BLOCK_K * BLOCK_N % THREADS == 0 || e < BLOCK_K * BLOCK_N) {
#if B_COL_MAJOR
        const int kk = e % BLOCK_K, j = e / BLOCK_K;
#else
        const int kk = e / BLOCK_N, j = e % BLOCK_N;
#endif
        const int c = n0 + j, k = k0 + kk;
        Bs[kk][j] = (c < N && k < K) ? B[(i64)k * stride_bk + (i64)c * stride_bn] : 0.f;
      }
    }
    __syncthreads();

    // TM x TN outer products per kk, from registers.
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
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();  // the tiles are overwritten by the next step
  }

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int r = m0 + tr * TM + i;
    if (r >= M) continue;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int c = n0 + tc + j * THREADS_N;
      if (c < N) C[(i64)r * stride_cm + (i64)c * stride_cn] = acc[i][j];
    }
  }
}
