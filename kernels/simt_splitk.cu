// Family simt_splitk: FP32 SIMT GEMM for large K (e.g. P6), K split across the grid's z axis.
// Block (x: N tile, y: M tile, z: K slice) owns a BLOCK_M x BLOCK_N tile of one K slice. Tiles
// of BLOCK_K stream through STAGES shared-memory buffers, both operands k-major so that a thread
// reads its TM rows of A and TN columns of B of one k as float4s:
//   B: 16-byte cp.async of B rows (zero filled outside the matrix), Bs[k][BLOCK_N];
//   A: 16-byte global loads along k into registers (issued STAGES-1 tiles ahead, before the
//      compute of the current tile), then transposed by scalar st.shared into As[k][BLOCK_M]
//      after it. Row i of k is stored at column i ^ SW(k) (an XOR on multiples of 4 rows, so
//      float4 groups stay whole): the scalar stores of a warp (rows x 4-k groups) hit 32 banks.
// The fragments of k+1 are read while k's TM x TN FMAs run (double-buffered registers).
// Dynamic shared memory: STAGES * BLOCK_K * (BLOCK_M + BLOCK_N) * 4 bytes.
// Needs row-major A and B. K % 4 != 0 or N % 4 != 0 (rows not 16-byte aligned) compile with
// ALIGNED16=0: 4-byte copies and loads masked element by element, and scalar stores.
// SPLIT_K == 1 stores C; REDUCTION 1 adds into a zeroed C with red.global.add (v4 on sm_90);
// REDUCTION 2 writes slice partials to workspace[SPLIT_K][M][N] and simt_splitk_reduce sums
// them in slice order (deterministic).
//
// Thread map: THREADS_N = BLOCK_N / TN threads across N; thread (tr, tc) owns rows
// tr*TM .. +TM-1 and the float4 column chunks (j*THREADS_N + tc), j < TN/4.
#include "gemm_common.cuh"
#include "ptx.cuh"
#include "splitk_epilogue.cuh"
#include "tile_copy.cuh"

#define THREADS_N (BLOCK_N / TN)
#define A_STAGE (BLOCK_K * BLOCK_M)
#define B_STAGE (BLOCK_K * BLOCK_N)
#define STAGE_FLOATS (A_STAGE + B_STAGE)
#define KQ (BLOCK_K / 4)  // float4 chunks per A row of a tile
#define A_CHUNKS ((BLOCK_M * KQ + THREADS - 1) / THREADS)
// A warp's 32 chunks cover 32/KQ rows x KQ chunks; the XOR spreads the KQ chunk groups over banks.
#define SW_ROWS ((32 / KQ) < 4 ? 4 : (32 / KQ))
#define SW(k) (((((k) >> 2) & (KQ - 1)) * SW_ROWS) & (BLOCK_M - 1))


// One BLOCK_K step of B (BLOCK_K rows) into a stage.
__device__ __forceinline__ void load_b(float* stage, const float* __restrict__ B, int N, int n0, int k0, int k_end) {
  float* Bs = stage + A_STAGE;
  copy_b_rows<BLOCK_N, THREADS>(Bs, B, N, n0, k0, k_end);
}

// One BLOCK_K step of A (BLOCK_M rows) into registers: chunk e is row e / KQ, k 4 * (e % KQ).
__device__ __forceinline__ void load_a(float4 (&r)[A_CHUNKS], const float* __restrict__ A, int M, int K, int m0, int k0, int k_end) {
#pragma unroll
  for (int it = 0; it < A_CHUNKS; ++it) {
    const int e = threadIdx.x + it * THREADS;
    const int i = e / KQ, k = k0 + (e % KQ) * 4;
    r[it] = make_float4(0.f, 0.f, 0.f, 0.f);
    if (e < BLOCK_M * KQ && m0 + i < M && k < k_end) {
      const float* p = A + (gs_size_t)(m0 + i) * K + k;
#if ALIGNED16
      r[it] = __ldg(reinterpret_cast<const float4*>(p));
#else
      r[it].x = __ldg(p);
      if (k + 1 < k_end) r[it].y = __ldg(p + 1);
      if (k + 2 < k_end) r[it].z = __ldg(p + 2);
      if (k + 3 < k_end) r[it].w = __ldg(p + 3);
#endif
    }
  }
}
__device__ __forceinline__ void store_a(float* stage, const float4 (&r)[A_CHUNKS]) {
#pragma unroll
  for (int it = 0; it < A_CHUNKS; ++it) {
    const int e = threadIdx.x + it * THREADS;
    if (e >= BLOCK_M * KQ) break;
    const int i = e / KQ, k = (e % KQ) * 4;
    const int col = i ^ SW(k);
    stage[(k + 0) * BLOCK_M + col] = r[it].x;
    stage[(k + 1) * BLOCK_M + col] = r[it].y;
    stage[(k + 2) * BLOCK_M + col] = r[it].z;
    stage[(k + 3) * BLOCK_M + col] = r[it].w;
  }
}

// MIN_BLOCKS 2 caps registers at 128 for two 256-thread blocks per SM.
#ifndef MIN_BLOCKS
#define MIN_BLOCKS 1
#endif

__device__ __forceinline__ void load_frag(float (&a)[TM], float (&b)[TN], const float* As, const float* Bs, int k, int row0, int tc) {
#pragma unroll
  for (int i = 0; i < TM / 4; ++i) {
    const float4 v = *reinterpret_cast<const float4*>(As + k * BLOCK_M + ((row0 + 4 * i) ^ SW(k)));
    a[4 * i] = v.x, a[4 * i + 1] = v.y, a[4 * i + 2] = v.z, a[4 * i + 3] = v.w;
  }
#pragma unroll
  for (int j = 0; j < TN / 4; ++j) {
    const float4 v = *reinterpret_cast<const float4*>(Bs + k * BLOCK_N + (j * THREADS_N + tc) * 4);
    b[4 * j] = v.x, b[4 * j + 1] = v.y, b[4 * j + 2] = v.z, b[4 * j + 3] = v.w;
  }
}

extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS)
simt_splitk(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
            int M, int N, int K, float* workspace) {
  extern __shared__ __align__(16) float smem[];
  const int m0 = blockIdx.y * BLOCK_M, n0 = blockIdx.x * BLOCK_N;
  const int tr = threadIdx.x / THREADS_N, tc = threadIdx.x % THREADS_N;

  const KSlice slice = k_slice(K, BLOCK_K);
  const int t_begin = slice.t_begin, n_tiles = slice.n_tiles, k_end = slice.k_end;

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

  float4 a_regs[A_CHUNKS];
#pragma unroll
  for (int s = 0; s < STAGES - 1; ++s) {
    if (s < n_tiles) {
      const int k0 = (t_begin + s) * BLOCK_K;
      load_b(smem + s * STAGE_FLOATS, B, N, n0, k0, k_end);
      load_a(a_regs, A, M, K, m0, k0, k_end);
      store_a(smem + s * STAGE_FLOATS, a_regs);
    }
    cp_async_commit();
  }

  for (int t = 0; t < n_tiles; ++t) {
    cp_async_wait<STAGES - 2>();
    __syncthreads();  // tile t is visible to all; every thread is done with tile t-1's stage
    const int next = t + STAGES - 1;
    float* next_stage = smem + (next % STAGES) * STAGE_FLOATS;
    if (next < n_tiles) {
      const int k0 = (t_begin + next) * BLOCK_K;
      load_b(next_stage, B, N, n0, k0, k_end);
      load_a(a_regs, A, M, K, m0, k0, k_end);  // lands in registers while tile t computes
    }
    cp_async_commit();

    const float* As = smem + (t % STAGES) * STAGE_FLOATS;
    const float* Bs = As + A_STAGE;
    float a[2][TM], b[2][TN];
    load_frag(a[0], b[0], As, Bs, 0, tr * TM, tc);
#pragma unroll
    for (int k = 0; k < BLOCK_K; ++k) {
      if (k + 1 < BLOCK_K) load_frag(a[(k + 1) & 1], b[(k + 1) & 1], As, Bs, k + 1, tr * TM, tc);
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[k & 1][i], b[k & 1][j], acc[i][j]);
    }
    if (next < n_tiles) store_a(next_stage, a_regs);  // visible after the next iteration's barrier
  }
  cp_async_wait<0>();

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int r = m0 + tr * TM + i;
    if (r >= M) break;
#pragma unroll
    for (int j = 0; j < TN / 4; ++j) {
      const int c = n0 + (j * THREADS_N + tc) * 4;
      if (c >= N) continue;
#if ALIGNED16  // N % 4 == 0: a chunk is wholly in or out
      splitk_put4(C, workspace, M, N, r, c, make_float4(acc[i][4 * j], acc[i][4 * j + 1], acc[i][4 * j + 2], acc[i][4 * j + 3]));
#else
#pragma unroll
      for (int q = 0; q < 4; ++q)
        if (c + q < N) splitk_put1(C, workspace, M, N, r, c + q, acc[i][4 * j + q]);
#endif
    }
  }
}

// Two-pass reduction (splitk_epilogue.cuh).
extern "C" __global__ void __launch_bounds__(256)
simt_splitk_reduce(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                   int M, int N, int K, float* workspace) {
  (void)A, (void)B, (void)K;
  splitk_reduce_slices(C, workspace, M, N);
}
