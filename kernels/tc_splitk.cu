// Family tc_splitk: tensor-core GEMM for large K (e.g. P6): mma.sync m16n8k8 TF32 (sm_80+, so
// sm_89 and sm_90 alike), K split across the grid's z axis.
// Block (x: N tile, y: M tile, z: K slice) owns a BLOCK_M x BLOCK_N tile of one K slice; its
// WARPS_M x WARPS_N warps each own a (BLOCK_M/WARPS_M) x (BLOCK_N/WARPS_N) warp tile of
// 16x8 mma tiles. A and B tiles of BLOCK_K stream through STAGES shared-memory buffers with
// 16-byte cp.async (zero filled outside the matrix); rows are padded (A: BLOCK_K+4, B:
// BLOCK_N+8 floats) so fragment loads are free of bank conflicts.
// Dynamic shared memory: STAGES * (BLOCK_M * (BLOCK_K + 4) + BLOCK_K * (BLOCK_N + 8)) * 4 bytes.
// Needs row-major A and B. K % 4 != 0 or N % 4 != 0 (rows not 16-byte aligned) compile with
// ALIGNED16=0: 4-byte copies masked element by element, and scalar stores.
//
// PRECISION 1 (tf32): operands rounded to TF32 with cvt.rna, one mma per step.
// PRECISION 2 (tf32x3): x = big + small with big = rna(x), small = rna(x - big); three mmas,
// the small terms first (big*small, small*big, then big*big); small*small is dropped.
// The tensor cores' own accumulation is not IEEE round-to-nearest, so in tf32x3 each BLOCK_K
// step accumulates into a fresh register tile that is then added to the FP32 accumulator with
// ordinary FADDs: the inexact chain stays BLOCK_K/8 steps long whatever K is (plain tf32
// accumulates in place: its operand rounding dominates). A fragments come from ldmatrix.x4.
// Reduction across slices as in simt_splitk: REDUCTION 1 red.global.add into a zeroed C,
// 2 workspace[SPLIT_K][M][N] + tc_splitk_reduce.
#include "gemm_common.cuh"
#include "ptx.cuh"
#include "splitk_epilogue.cuh"
#include "tile_copy.cuh"

#define WARPS (THREADS / 32)
#define WARP_TILE_M (BLOCK_M / WARPS_M)
#define WARP_TILE_N (BLOCK_N / WARPS_N)
#define MT (WARP_TILE_M / 16)
#define NT (WARP_TILE_N / 8)
#define A_STRIDE (BLOCK_K + 4)
#define B_STRIDE (BLOCK_N + 8)
#define A_STAGE (BLOCK_M * A_STRIDE)
#define B_STAGE (BLOCK_K * B_STRIDE)
#define STAGE_FLOATS (A_STAGE + B_STAGE)
#ifndef MIN_BLOCKS
#define MIN_BLOCKS 1
#endif


// The A fragment of one m16k8 tile: ldmatrix.x4 of four 8x(4 x 32-bit) matrices (rows 0-7 and
// 8-15, k 0-3 and 4-7) gives a0..a3 = (g,t), (g+8,t), (g,t+4), (g+8,t+4). Lane l points at row
// l & 15, k (l >> 4) * 4; rows of A_STRIDE floats (16-byte multiple) are free of bank conflicts.
__device__ __forceinline__ void ldmatrix_x4(float (&x)[4], const float* p) {
  unsigned r0, r1, r2, r3;
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];"
               : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(smem_addr(p)));
  x[0] = __uint_as_float(r0), x[1] = __uint_as_float(r1), x[2] = __uint_as_float(r2), x[3] = __uint_as_float(r3);
}

__device__ __forceinline__ void load_stage(float* stage, const float* __restrict__ A, const float* __restrict__ B,
                                           int M, int N, int K, int m0, int n0, int k0, int k_end) {
  float* As = stage;
  float* Bs = stage + A_STAGE;
#pragma unroll
  for (int it = 0; it < (BLOCK_M * BLOCK_K / 4 + THREADS - 1) / THREADS; ++it) {
    const int e = threadIdx.x + it * THREADS;
    if (e >= BLOCK_M * BLOCK_K / 4) break;
    const int i = e / (BLOCK_K / 4), kq = (e % (BLOCK_K / 4)) * 4;
    const int r = m0 + i, k = k0 + kq;
    cp_async_quad(As + i * A_STRIDE + kq, A, (gs_size_t)r * K + k, r < M ? min(4, k_end - k) : 0);
  }
  copy_b_rows<B_STRIDE, THREADS>(Bs, B, N, n0, k0, k_end);
}

extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS)
tc_splitk(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
          int M, int N, int K, float* workspace) {
  extern __shared__ __align__(16) float smem[];
  const int m0 = blockIdx.y * BLOCK_M, n0 = blockIdx.x * BLOCK_N;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int wm = warp / WARPS_N, wn = warp % WARPS_N;
  const int g = lane >> 2, t = lane & 3;

  const KSlice slice = k_slice(K, BLOCK_K);
  const int t_begin = slice.t_begin, n_tiles = slice.n_tiles, k_end = slice.k_end;

  float acc[MT][NT][4];
#pragma unroll
  for (int i = 0; i < MT; ++i)
#pragma unroll
    for (int j = 0; j < NT; ++j)
#pragma unroll
      for (int v = 0; v < 4; ++v) acc[i][j][v] = 0.f;

#pragma unroll
  for (int s = 0; s < STAGES - 1; ++s) {
    if (s < n_tiles) load_stage(smem + s * STAGE_FLOATS, A, B, M, N, K, m0, n0, (t_begin + s) * BLOCK_K, k_end);
    cp_async_commit();
  }

  for (int kt = 0; kt < n_tiles; ++kt) {
    cp_async_wait<STAGES - 2>();
    __syncthreads();
    {
      const int next = kt + STAGES - 1;
      if (next < n_tiles)
        load_stage(smem + (next % STAGES) * STAGE_FLOATS, A, B, M, N, K, m0, n0, (t_begin + next) * BLOCK_K, k_end);
      cp_async_commit();
    }
    const float* As = smem + (kt % STAGES) * STAGE_FLOATS + (wm * WARP_TILE_M + (lane & 15)) * A_STRIDE + (lane >> 4) * 4;
    const float* Bs = smem + (kt % STAGES) * STAGE_FLOATS + A_STAGE + t * B_STRIDE + wn * WARP_TILE_N + g;

#if PRECISION == 2
    float part[MT][NT][4];
#pragma unroll
    for (int i = 0; i < MT; ++i)
#pragma unroll
      for (int j = 0; j < NT; ++j)
#pragma unroll
        for (int v = 0; v < 4; ++v) part[i][j][v] = 0.f;
#else
#define part acc
#endif

#pragma unroll
    for (int kk = 0; kk < BLOCK_K; kk += 8) {
      unsigned a_big[MT][4], b_big[NT][2];
#if PRECISION == 2
      unsigned a_small[MT][4], b_small[NT][2];
#endif
#pragma unroll
      for (int i = 0; i < MT; ++i) {
        float x[4];
        ldmatrix_x4(x, As + i * 16 * A_STRIDE + kk);
#pragma unroll
        for (int v = 0; v < 4; ++v) {
          a_big[i][v] = to_tf32(x[v]);
#if PRECISION == 2
          a_small[i][v] = to_tf32(x[v] - __uint_as_float(a_big[i][v]));
#endif
        }
      }
#pragma unroll
      for (int j = 0; j < NT; ++j) {
        const float* p = Bs + kk * B_STRIDE + j * 8;
        const float x[2] = {p[0], p[4 * B_STRIDE]};
#pragma unroll
        for (int v = 0; v < 2; ++v) {
          b_big[j][v] = to_tf32(x[v]);
#if PRECISION == 2
          b_small[j][v] = to_tf32(x[v] - __uint_as_float(b_big[j][v]));
#endif
        }
      }
      // One pass over every tile per product, so consecutive mmas are independent.
#if PRECISION == 2
#pragma unroll
      for (int i = 0; i < MT; ++i)
#pragma unroll
        for (int j = 0; j < NT; ++j) mma_tf32(part[i][j], a_big[i], b_small[j]);
#pragma unroll
      for (int i = 0; i < MT; ++i)
#pragma unroll
        for (int j = 0; j < NT; ++j) mma_tf32(part[i][j], a_small[i], b_big[j]);
#endif
#pragma unroll
      for (int i = 0; i < MT; ++i)
#pragma unroll
        for (int j = 0; j < NT; ++j) mma_tf32(part[i][j], a_big[i], b_big[j]);
    }
#if PRECISION == 2
#pragma unroll
    for (int i = 0; i < MT; ++i)
#pragma unroll
      for (int j = 0; j < NT; ++j)
#pragma unroll
        for (int v = 0; v < 4; ++v) acc[i][j][v] += part[i][j][v];
#else
#undef part
#endif
  }
  cp_async_wait<0>();

  // c0,c1: row g, cols 2t,2t+1; c2,c3: row g+8. N % 4 == 0: a pair is wholly in or out.
#pragma unroll
  for (int i = 0; i < MT; ++i)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int r = m0 + wm * WARP_TILE_M + i * 16 + g + h * 8;
      if (r >= M) continue;
#pragma unroll
      for (int j = 0; j < NT; ++j) {
        const int c = n0 + wn * WARP_TILE_N + j * 8 + 2 * t;
        if (c >= N) continue;
#if ALIGNED16
        splitk_put2(C, workspace, M, N, r, c, make_float2(acc[i][j][2 * h], acc[i][j][2 * h + 1]));
#else
        splitk_put1(C, workspace, M, N, r, c, acc[i][j][2 * h]);
        if (c + 1 < N) splitk_put1(C, workspace, M, N, r, c + 1, acc[i][j][2 * h + 1]);
#endif
      }
    }
}

// Two-pass reduction (splitk_epilogue.cuh).
extern "C" __global__ void __launch_bounds__(256)
tc_splitk_reduce(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                 int M, int N, int K, float* workspace) {
  (void)A, (void)B, (void)K;
  splitk_reduce_slices(C, workspace, M, N);
}
