// Family store_bound: a GEMM whose time is the write of C (tall-skinny, small K, e.g. P9).
// One block owns a BLOCK_M x BLOCK_N tile of C. It stages the A rows and B columns of that tile
// for the whole K in dynamic shared memory (As[K][BLOCK_M], Bs[K][BLOCK_N]: K * (BLOCK_M +
// BLOCK_N) * 4 bytes, the plan's dynamic_smem), then each thread computes a TM x TN register
// tile in FP32 FMA and writes it with 16-byte stores (st.global.cs when STREAM_STORES, so the
// write-once C does not evict A and B from L2).
//
// Thread map: THREADS_N = BLOCK_N / TN threads across N. Thread (tr, tc) owns rows
// tr*TM .. tr*TM+TM-1 and, in each row, the float4 chunks (j*THREADS_N + tc), j < TN/4, so that
// a warp's store of one chunk row covers consecutive 16-byte pieces of C.
// Tile order: the 1-D grid walks tiles along N within groups of SWIZZLE tile rows
// (GRID_ORDER 0), or along M within groups of SWIZZLE tile columns (GRID_ORDER 1).
// Edges are masked (rows, columns); 16-byte paths need N % 4 == 0 (C and B rows) and
// K % 4 == 0 (A rows) and fall back to scalar accesses otherwise.
#include "gemm_common.cuh"

#ifndef STREAM_STORES
#define STREAM_STORES 1
#endif
#define THREADS_N (BLOCK_N / TN)
#define THREADS_M (BLOCK_M / TM)

__device__ __forceinline__ void store_c4(float* p, float4 v) {
#if STREAM_STORES
  asm volatile("st.global.cs.v4.f32 [%0], {%1, %2, %3, %4};" ::"l"(p), "f"(v.x), "f"(v.y), "f"(v.z), "f"(v.w) : "memory");
#else
  *reinterpret_cast<float4*>(p) = v;
#endif
}

__device__ __forceinline__ void store_c1(float* p, float v) {
#if STREAM_STORES
  asm volatile("st.global.cs.f32 [%0], %1;" ::"l"(p), "f"(v) : "memory");
#else
  *p = v;
#endif
}

// The tile (tile_m, tile_n) of block `pid`, grouped SWIZZLE tiles deep along the minor axis.
__device__ __forceinline__ void tile_of_block(int pid, int tiles_m, int tiles_n, int& tile_m, int& tile_n) {
#if GRID_ORDER == 0
  const int per_group = SWIZZLE * tiles_n;
  const int first = (pid / per_group) * SWIZZLE;
  const int rows = min(SWIZZLE, tiles_m - first);
  const int in_group = pid % per_group;
  tile_m = first + in_group % rows;
  tile_n = in_group / rows;
#else
  const int per_group = SWIZZLE * tiles_m;
  const int first = (pid / per_group) * SWIZZLE;
  const int cols = min(SWIZZLE, tiles_n - first);
  const int in_group = pid % per_group;
  tile_n = first + in_group % cols;
  tile_m = in_group / cols;
#endif
}

extern "C" __global__ void __launch_bounds__(THREADS)
store_bound(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
            int M, int N, int K, float* workspace) {
  (void)workspace;
  extern __shared__ __align__(16) float smem[];
  float* As = smem;                              // [K][BLOCK_M]
  float* Bs = smem + (gs_size_t)K * BLOCK_M;     // [K][BLOCK_N]

  const int tiles_m = (M + BLOCK_M - 1) / BLOCK_M, tiles_n = (N + BLOCK_N - 1) / BLOCK_N;
  int tile_m, tile_n;
  tile_of_block(blockIdx.x, tiles_m, tiles_n, tile_m, tile_n);
  const int m0 = tile_m * BLOCK_M, n0 = tile_n * BLOCK_N;

  // Stage A (transposed to k-major) and B for the whole K; zeros outside the matrix.
#if !A_COL_MAJOR
  if ((K & 3) == 0) {
    const int kq = K / 4;
    for (int e = threadIdx.x; e < BLOCK_M * kq; e += THREADS) {
      const int i = e % BLOCK_M, k = (e / BLOCK_M) * 4;
      float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
      if (m0 + i < M) v = __ldg(reinterpret_cast<const float4*>(A + (gs_size_t)(m0 + i) * K + k));
      As[(k + 0) * BLOCK_M + i] = v.x;
      As[(k + 1) * BLOCK_M + i] = v.y;
      As[(k + 2) * BLOCK_M + i] = v.z;
      As[(k + 3) * BLOCK_M + i] = v.w;
    }
  } else
#endif
  {
    for (int e = threadIdx.x; e < BLOCK_M * K; e += THREADS) {
      const int i = e % BLOCK_M, k = e / BLOCK_M;
      As[k * BLOCK_M + i] = m0 + i < M ? __ldg(A + a_index(m0 + i, k, M, K)) : 0.f;
    }
  }
#if !B_COL_MAJOR
  if ((N & 3) == 0) {
    for (int e = threadIdx.x; e < K * (BLOCK_N / 4); e += THREADS) {
      const int j = (e % (BLOCK_N / 4)) * 4, k = e / (BLOCK_N / 4);
      float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
      if (n0 + j < N) v = __ldg(reinterpret_cast<const float4*>(B + (gs_size_t)k * N + n0 + j));
      *reinterpret_cast<float4*>(Bs + k * BLOCK_N + j) = v;
    }
  } else
#endif
  {
    for (int e = threadIdx.x; e < K * BLOCK_N; e += THREADS) {
      const int j = e % BLOCK_N, k = e / BLOCK_N;
      Bs[k * BLOCK_N + j] = n0 + j < N ? __ldg(B + b_index(k, n0 + j, K, N)) : 0.f;
    }
  }
  __syncthreads();

  const int tr = threadIdx.x / THREADS_N, tc = threadIdx.x % THREADS_N;
  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

  const float* a_ptr = As + tr * TM;
  const float* b_ptr = Bs + tc * 4;
#pragma unroll 4
  for (int k = 0; k < K; ++k) {
    float a[TM], b[TN];
#pragma unroll
    for (int i = 0; i < TM; i += 4) {
      const float4 v = *reinterpret_cast<const float4*>(a_ptr + k * BLOCK_M + i);
      a[i] = v.x, a[i + 1] = v.y, a[i + 2] = v.z, a[i + 3] = v.w;
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

  const bool vec_ok = (N & 3) == 0;
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int r = m0 + tr * TM + i;
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
