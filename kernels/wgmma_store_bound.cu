// Family wgmma_store_bound: a small-K GEMM bound by the write of C (P9) on Hopper's wgmma (sm_90a
// alone), in tf32x3 (PRECISION 2: three products, FP32-level error) or tf32 (PRECISION 1). The
// 4090 and other GPUs take tc_store_bound (mma.sync); this is the extra path.
// Why it can hide the arithmetic under the stores where tc_store_bound cannot: wgmma runs
// asynchronously, so a warpgroup issues tile i's products and then stores tile i-1 from a second
// set of accumulators while the tensor cores work. With mma.sync every warp that stalls on a full
// store queue also stops its own products (bench/results/limits-h200-2026-12-02.md, steps 1-11).
//
// Block: WARPGROUPS warpgroups, one strip of TILES_PER_BLOCK tiles of BLOCK_M = 64 x WARPGROUPS
// rows down M in one BLOCK_N column (strip_order.cuh); warpgroup w computes rows 64w..64w+63 of
// each tile (one m64n{BLOCK_N}k8 wgmma a k step and product), with its own A buffers, so the
// warpgroups only meet at the start, when the block stages its B slice.
// Both operands come from shared memory as K-major tiles in the 128-byte swizzle (rows of 32
// floats of K, KC / 32 column blocks; KC = K rounded up to 32, zeros past K):
//   B^T: the whole-K slice of the block's columns, transposed at staging (row-major B is N-major,
//        which TF32 wgmma does not read), rounded or split into big and small parts there once.
//        Row r of it holds column perm(r) of the slice: r = 16q + 8h + 2t + v maps to
//        16q + 4t + 2h + v, so that a thread's accumulators of n8 tiles 2q and 2q+1 are four
//        consecutive columns (one 16-byte store; a warp instruction writes 8 rows x 64 bytes).
//   A: each warpgroup's 64 x KC tile through two buffers by 16-byte cp.async, the next tile's
//      copies in flight while this one computes; each thread splits (or rounds) the chunks it
//      copied, big in place and small in a buffer of its own.
// Dynamic shared memory (floats): parts x (BLOCK_N x KC + WARPGROUPS x 2 x 64 x KC), x 4 bytes,
// + 1024 to align (parts = 2 in tf32x3). Every tile is a multiple of 1024 bytes, as the swizzle needs.
// Edges: rows and columns masked, K zero-filled (ALIGNED16=0 copies element by element when K is
// not a multiple of 4); 16-byte stores where N is a multiple of 4, else scalar ones. B may be in
// either layout (read element by element at staging); A must be row-major (its K-major tile).
#include "gemm_common.cuh"
#include "ptx.cuh"
#include "wgmma.cuh"

#define BLOCK_M (64 * WARPGROUPS)
#define THREADS (128 * WARPGROUPS)
#define SWIZZLE 1
#define GRID_ORDER 0
#include "strip_order.cuh"  // after BLOCK_M, BLOCK_N and TILES_PER_BLOCK: it sizes the strips
#ifndef MIN_BLOCKS
#define MIN_BLOCKS 1
#endif
#define X3 (PRECISION == 2)
#define PARTS (X3 ? 2 : 1)
#define KSTEPS (KC / 8)
#define ACC (BLOCK_N / 2)
#define B_PART (BLOCK_N * KC)  // floats of one part of the B^T slice
#define A_PART (64 * KC)       // floats of one part of one A buffer
#define A_CHUNKS (A_PART / 4)

#if BLOCK_N == 64
#define WGMMA wgmma_ss_n64
#else
#define WGMMA wgmma_ss_n128
#endif

// Float offset of (row r, k) in a K-major swizzled tile of `rows` rows.
__device__ __forceinline__ int sw_offset(int r, int k, int rows) {
  return (k / 32) * rows * 32 + r * 32 + ((((k % 32) / 4) ^ (r & 7)) * 4) + (k % 4);
}

__device__ __forceinline__ void wg_barrier(int wg) {
  asm volatile("bar.sync %0, 128;" ::"r"(wg + 1) : "memory");  // 0 is __syncthreads'
}

// The copies of one warpgroup's A tile (rows m0..m0+63) into `buf`; each thread's chunks are
// e = lane_in_wg + 128 i, the ones split_own_chunks() later converts.
__device__ __forceinline__ void load_a(float* buf, const float* __restrict__ A, int M, int K, int m0, int tid) {
#pragma unroll
  for (int i = 0; i < (A_CHUNKS + 127) / 128; ++i) {
    const int e = tid + 128 * i;
    if (A_CHUNKS % 128 == 0 || e < A_CHUNKS) {
      const int r = e / (KC / 4), k = (e % (KC / 4)) * 4;
      const int row = m0 + r;
      cp_async_quad(buf + sw_offset(r, k, 64), A, (gs_size_t)row * K + k, row < M ? min(4, K - k) : 0);
    }
  }
}

// tf32x3: big = rna(x) in place, small = rna(x - big) at the same offset of `small`; tf32: x
// rounded in place (the tensor cores would otherwise drop A's low 13 bits, a bias of 2^-11).
__device__ __forceinline__ void split_own_chunks(float* buf, float* small, int tid) {
  (void)small;
#pragma unroll
  for (int i = 0; i < (A_CHUNKS + 127) / 128; ++i) {
    const int e = tid + 128 * i;
    if (A_CHUNKS % 128 == 0 || e < A_CHUNKS) {
      const int o = sw_offset(e / (KC / 4), (e % (KC / 4)) * 4, 64);
      float4 x = *reinterpret_cast<float4*>(buf + o);
      float* px = &x.x;
#if X3
      float4 lo;
      float* pl = &lo.x;
#endif
#pragma unroll
      for (int v = 0; v < 4; ++v) {
        const float big = __uint_as_float(to_tf32(px[v]));
#if X3
        pl[v] = __uint_as_float(to_tf32(px[v] - big));
#endif
        px[v] = big;
      }
      *reinterpret_cast<float4*>(buf + o) = x;
#if X3
      *reinterpret_cast<float4*>(small + o) = lo;
#endif
    }
  }
}

// The block's B^T slice (columns n0.., permuted as the header says), rounded or split.
__device__ __forceinline__ void stage_b(float* big, float* small, const float* __restrict__ B, int N, int K, int n0) {
  (void)small;
  for (int e = threadIdx.x; e < KC * BLOCK_N; e += THREADS) {
    const int k = e / BLOCK_N, p = e % BLOCK_N;  // consecutive threads read consecutive columns
    const int q = p / 16, rem = p % 16;
    const int r = 16 * q + 8 * ((rem % 4) / 2) + 2 * (rem / 4) + rem % 2;
    const int col = n0 + p;
    const float x = (k < K && col < N) ? B[b_index(k, col, K, N)] : 0.f;
    const float hi = __uint_as_float(to_tf32(x));
    const int o = sw_offset(r, k, BLOCK_N);
    big[o] = hi;
#if X3
    small[o] = __uint_as_float(to_tf32(x - hi));
#endif
  }
}

// The products of one tile into `d` (a fresh tile: the first wgmma's scale-d is 0).
__device__ __forceinline__ void issue_tile(float (&d)[ACC], const float* a_big, const float* a_small, const float* b_big,
                                           const float* b_small) {
  (void)a_small, (void)b_small;
  fence_acc(d);
  wgmma_fence();
#pragma unroll
  for (int s = 0; s < KSTEPS; ++s) {
    const int at = (s / 4) * 64 * 32 + (s % 4) * 8, bt = (s / 4) * BLOCK_N * 32 + (s % 4) * 8;  // 32 bytes a k step
    const unsigned long long ab = wgmma_desc_sw128(a_big + at), bb = wgmma_desc_sw128(b_big + bt);
#if X3
    WGMMA(d, wgmma_desc_sw128(a_small + at), bb, s > 0);
    WGMMA(d, ab, wgmma_desc_sw128(b_small + bt), 1);
    WGMMA(d, ab, bb, 1);
#else
    WGMMA(d, ab, bb, s > 0);
#endif
  }
  wgmma_commit();
}

// d[4j + v0 + 2v1] is row 16 warp + g + 8 v1, slice column perm(8j + 2t + v0): for j = 2q + h,
// column 16q + 4t + 2h + v0, so d[8q + 2v1 + {0, 1, 4, 5}] are four consecutive columns.
__device__ __forceinline__ void store_tile(const float (&d)[ACC], float* __restrict__ C, int M, int N, int m0, int n0, int tid) {
  const int g = (tid % 32) >> 2, t = tid & 3;
  const bool vec = N % 4 == 0;
#pragma unroll
  for (int v1 = 0; v1 < 2; ++v1) {
    const int row = m0 + 16 * (tid / 32) + g + 8 * v1;
    if (row >= M) continue;
    float* out = C + (gs_size_t)row * N;
#pragma unroll
    for (int q = 0; q < BLOCK_N / 16; ++q) {
      const int col = n0 + 16 * q + 4 * t;
      const float4 v = make_float4(d[8 * q + 2 * v1], d[8 * q + 2 * v1 + 1], d[8 * q + 2 * v1 + 4], d[8 * q + 2 * v1 + 5]);
      if (vec && col + 3 < N) {
        store_c4(out + col, v);
      } else {
        const float e[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
        for (int c = 0; c < 4; ++c)
          if (col + c < N) store_c1(out + col + c, e[c]);
      }
    }
  }
}

struct WgTiles {
  float* a;      // two A buffers (big parts, or the rounded tile)
  float* small;  // tf32x3: two buffers of A's small parts
  const float* b_big;
  const float* b_small;
  int wg, tid, n0, row0, n_tiles;  // row0: this warpgroup's first row of tile 0
};

// Tile i: its A copies landed and split, the next tile's copies started, its products issued into
// `cur`, then (STORE_PREV) tile i-1's stores from `prev` while they run, then the wait. The store is
// a template choice, not a run-time `i > 0`: a branch between the wgmmas and their wait makes ptxas
// serialise every wgmma of the kernel (its warnings C7517/C7518).
template <bool STORE_PREV>
__device__ __forceinline__ void tile_step(float (&cur)[ACC], float (&prev)[ACC], int i, const WgTiles& w,
                                          const float* __restrict__ A, float* __restrict__ C, int M, int N, int K) {
  float* a = w.a + (i & 1) * A_PART;
  float* small = w.small + (i & 1) * A_PART;
  cp_async_wait<0>();  // tile i's copies, this thread's; the barrier makes them everyone's
  split_own_chunks(a, small, w.tid);
  fence_proxy_async_smem();  // the tensor cores read what cp.async and the split wrote
  wg_barrier(w.wg);          // and every warp of the warpgroup is past tile i-1's wait
  if (i + 1 < w.n_tiles) load_a(w.a + ((i + 1) & 1) * A_PART, A, M, K, w.row0 + (i + 1) * BLOCK_M, w.tid);
  cp_async_commit();
  issue_tile(cur, a, small, w.b_big, w.b_small);
  if (STORE_PREV) store_tile(prev, C, M, N, w.row0 + (i - 1) * BLOCK_M, w.n0, w.tid);
  wgmma_wait<0>();
  fence_acc(cur);
}

extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS)
wgmma_store_bound(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C, int M, int N, int K,
                  float* workspace) {
  (void)workspace;
  extern __shared__ __align__(128) float smem_raw[];
  float* smem = smem_raw + ((1024 - (smem_addr(smem_raw) & 1023)) & 1023) / 4;  // the swizzle repeats every 1024 bytes
  const BlockStrip strip = block_strip(M, N);
  WgTiles w;
  w.wg = threadIdx.x / 128;
  w.tid = threadIdx.x % 128;
  w.n0 = strip.n0;
  w.row0 = strip.t_first * BLOCK_M + 64 * w.wg;
  w.n_tiles = strip.n_tiles;
  float* b_big = smem;
  float* b_small = smem + B_PART;  // tf32x3 only
  w.b_big = b_big;
  w.b_small = b_small;
  w.a = smem + PARTS * B_PART + w.wg * 2 * PARTS * A_PART;
  w.small = w.a + 2 * A_PART;  // tf32x3 only

  load_a(w.a, A, M, K, w.row0, w.tid);  // tile 0's copies run while the block stages B
  cp_async_commit();
  stage_b(b_big, b_small, B, N, K, w.n0);
  fence_proxy_async_smem();
  __syncthreads();

  // Accumulators by name, never an array picked at run time (that would go to local memory).
  float acc0[ACC], acc1[ACC];
  tile_step<false>(acc0, acc1, 0, w, A, C, M, N, K);
  int i = 1;
  for (; i + 1 < w.n_tiles; i += 2) {
    tile_step<true>(acc1, acc0, i, w, A, C, M, N, K);
    tile_step<true>(acc0, acc1, i + 1, w, A, C, M, N, K);
  }
  if (i < w.n_tiles) {
    tile_step<true>(acc1, acc0, i, w, A, C, M, N, K);
    store_tile(acc1, C, M, N, w.row0 + i * BLOCK_M, w.n0, w.tid);
  } else {
    store_tile(acc0, C, M, N, w.row0 + (i - 1) * BLOCK_M, w.n0, w.tid);
  }
}
