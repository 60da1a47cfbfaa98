// Family store_bound: a GEMM whose time is the write of C (tall-skinny, small K, e.g. P9).
// A block owns a column strip of TILES_PER_BLOCK tiles of BLOCK_M x BLOCK_N (one tile column,
// consecutive tile rows). It stages the B slice (K x BLOCK_N, k-major) once, and the A rows of
// each tile (BLOCK_M x K, m-major, rows padded to KP + 4 floats) into one of two buffers with
// cp.async, so the A of tile t+1 arrives while tile t computes and tile t's stores drain.
// Each thread computes a TM x TN register tile in FP32 FMA (A read as float4 along k, B as
// float4 along n) and writes it with 16-byte stores (st.global.cs when STREAM_STORES, so the
// write-once C does not evict A and B from L2).
// Dynamic shared memory: (KP * BLOCK_N + 2 * KP * (BLOCK_M + 4)) * 4 bytes, KP = K rounded up to 4.
//
// Thread map: THREADS_N = BLOCK_N / TN threads across N. Thread (tr, tc) owns rows
// tr*TM .. tr*TM+TM-1 and, in each row, the float4 chunks (j*THREADS_N + tc), j < TN/4, so that
// a warp's store of one chunk row covers consecutive 16-byte pieces of C.
// Strip order: the 1-D grid walks strips along N within groups of SWIZZLE strip rows
// (GRID_ORDER 0), or along M within groups of SWIZZLE tile columns (GRID_ORDER 1).
// Edges are masked (rows, columns, K padded with zeros); 16-byte B loads and C stores need
// N % 4 == 0 (else B and C use scalar accesses); A takes any layout and K.
#include "gemm_common.cuh"
#include "ptx.cuh"

#ifndef TILES_PER_BLOCK
#define TILES_PER_BLOCK 8
#endif
#include "strip_order.cuh"  // after TILES_PER_BLOCK: it sizes the strips
// KC (optional): K rounded up to 4, fixed at JIT time from the config's shape, so that the k
// loop unrolls fully with immediate shared-memory offsets (P9: K = 32).
#ifdef KC
#define KP_OF(K) (KC)
#else
#define KP_OF(K) (((K) + 3) & ~3)
#endif
#define THREADS_N (BLOCK_N / TN)
#define THREADS_M (BLOCK_M / TM)

// A rows m0 .. m0+BLOCK_M-1 into As[KP][A_STRIDE_T] (k-major, so a thread reads its TM rows of
// one k as float4s) with 4-byte cp.async; zeros outside M and past K. Row-major A: consecutive
// threads take consecutive k of a row (coalesced reads); column-major A: consecutive rows.
#define A_STRIDE_T (BLOCK_M + 4)
__device__ __forceinline__ void stage_a(float* As, const float* __restrict__ A, int M, int K, int KP, int m0) {
#pragma unroll 4
  for (int e = threadIdx.x; e < BLOCK_M * KP; e += THREADS) {
#if A_COL_MAJOR
    const int i = e % BLOCK_M, k = e / BLOCK_M;
#else
    const int i = e / KP, k = e % KP;
#endif
    const bool in = m0 + i < M && k < K;
    cp_async4(As + k * A_STRIDE_T + i, A + (in ? a_index(m0 + i, k, M, K) : 0), in ? 4 : 0);
  }
  cp_async_commit();
}

// MIN_BLOCKS caps registers so that this many blocks fit one SM (more warps to overlap the
// stores of one tile with the FMAs of another).
#ifndef MIN_BLOCKS
#define MIN_BLOCKS 1
#endif

extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS)
store_bound(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
            int M, int N, int K, float* workspace) {
  (void)workspace;
  extern __shared__ __align__(16) float smem[];
  const int KP = KP_OF(K);
  const int a_buf = KP * A_STRIDE_T;
  float* Bs = smem;                                   // [KP][BLOCK_N]
  float* As0 = smem + (gs_size_t)KP * BLOCK_N;        // [2][KP][A_STRIDE_T]

  const BlockStrip strip = block_strip(M, N);
  const int n0 = strip.n0, t_first = strip.t_first, n_tiles = strip.n_tiles;

  stage_a(As0, A, M, K, KP, t_first * BLOCK_M);
#if !B_COL_MAJOR
  if ((N & 3) == 0) {
    for (int e = threadIdx.x; e < KP * (BLOCK_N / 4); e += THREADS) {
      const int j = (e % (BLOCK_N / 4)) * 4, k = e / (BLOCK_N / 4);
      float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
      if (n0 + j < N && k < K) v = __ldg(reinterpret_cast<const float4*>(B + (gs_size_t)k * N + n0 + j));
      *reinterpret_cast<float4*>(Bs + k * BLOCK_N + j) = v;
    }
  } else
#endif
  {
    for (int e = threadIdx.x; e < KP * BLOCK_N; e += THREADS) {
      const int j = e % BLOCK_N, k = e / BLOCK_N;
      Bs[k * BLOCK_N + j] = (n0 + j < N && k < K) ? __ldg(B + b_index(k, n0 + j, K, N)) : 0.f;
    }
  }

  const int tr = threadIdx.x / THREADS_N, tc = threadIdx.x % THREADS_N;
  // The whole column strip lies inside C with 16-byte rows: unmasked stores.
  const bool cols_in = (N & 3) == 0 && n0 + BLOCK_N <= N;
  const float* b_ptr = Bs + tc * 4;
  for (int t = 0; t < n_tiles; ++t) {
    if (t + 1 < n_tiles) {
      stage_a(As0 + ((t + 1) & 1) * a_buf, A, M, K, KP, (t_first + t + 1) * BLOCK_M);
      cp_async_wait<1>();
    } else {
      cp_async_wait<0>();
    }
    __syncthreads();  // tile t's A (and, at t = 0, B) is visible to every thread

    float acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
      for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;
    const float* a_ptr = As0 + (t & 1) * a_buf + tr * TM;
#if defined(KC) && KC <= 64
#pragma unroll
#else
#pragma unroll 4
#endif
    for (int k = 0; k < KP; ++k) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM / 4; ++i) {
        const float4 v = *reinterpret_cast<const float4*>(a_ptr + k * A_STRIDE_T + 4 * i);
        a[4 * i] = v.x, a[4 * i + 1] = v.y, a[4 * i + 2] = v.z, a[4 * i + 3] = v.w;
      }
#pragma unroll
      for (int j = 0; j < TN / 4; ++j) {
        const float4 v = *reinterpret_cast<const float4*>(b_ptr + k * BLOCK_N + j * THREADS_N * 4);
        b[4 * j] = v.x, b[4 * j + 1] = v.y, b[4 * j + 2] = v.z, b[4 * j + 3] = v.w;
      }
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }

    const int m0 = (t_first + t) * BLOCK_M;
    const int r0 = m0 + tr * TM;
    if (cols_in && r0 + TM <= M) {
      float* p = C + (gs_size_t)r0 * N + n0 + tc * 4;
#pragma unroll
      for (int i = 0; i < TM; ++i, p += N)
#pragma unroll
        for (int j = 0; j < TN / 4; ++j)
          store_c4(p + j * THREADS_N * 4, make_float4(acc[i][4 * j], acc[i][4 * j + 1], acc[i][4 * j + 2], acc[i][4 * j + 3]));
    } else {
      const bool vec_ok = (N & 3) == 0;
#pragma unroll
      for (int i = 0; i < TM; ++i) {
        const int r = r0 + i;
        if (r >= M) break;
        float* c_row = C + (gs_size_t)r * N;
#pragma unroll
        for (int j = 0; j < TN / 4; ++j) {
          const int c = n0 + (j * THREADS_N + tc) * 4;
          if (vec_ok && c + 3 < N) {
            store_c4(c_row + c, make_float4(acc[i][4 * j], acc[i][4 * j + 1], acc[i][4 * j + 2], acc[i][4 * j + 3]));
          } else {
#pragma unroll
            for (int v = 0; v < 4; ++v)
              if (c + v < N) store_c1(c_row + c + v, acc[i][4 * j + v]);
          }
        }
      }
    }
    __syncthreads();  // every thread is done with this A buffer before it is refilled
  }
}
