// Family wgmma_splitk: Hopper's wgmma (sm_90a alone) TF32 GEMM for large K (P6), K split over the
// grid's z axis. The 4090 and other GPUs take tc_splitk (mma.sync); this is the extra path.
// TF32 wgmma reads K-major operands only, and row-major B is N-major, so the block computes the
// transposed tile C^T = B^T A^T: wgmma's A (rows = columns of C) comes from registers, loaded from
// B's rows as they lie, and wgmma's B is A's tile in shared memory, which is K-major as it lies.
// Block (x: N tile, y: M tile, z: K slice): BLOCK_N / 64 warpgroups each own 64 columns of C and
// all BLOCK_M rows (one m64n{BLOCK_M}k8 wgmma a k step). A and B tiles of BLOCK_K stream through
// STAGES shared-memory buffers with 16-byte cp.async (zero filled outside the matrix):
//   A: the 128-byte swizzle, BLOCK_K / 32 column blocks of BLOCK_M rows x 128 bytes; eight lanes
//      copy one row's 128 bytes, so a warp's request is four whole L2 lines and its stores miss
//      no bank. (Core-matrix order without swizzle made each request eight rows' 64 bytes, and
//      L2 ran at 91 % of its throughput with DRAM at 41 %: Nsight Compute, H200.)
//   B: rows of BLOCK_N + 8 floats, so the fragment loads (k rows t, columns g) miss no bank.
// Dynamic shared memory: (STAGES * STAGE_FLOATS + tf32x3: 2 * BLOCK_M*BLOCK_K) * 4 + 1024 to align,
// STAGE_FLOATS = BLOCK_M*BLOCK_K + BLOCK_K*(BLOCK_N+8) rounded up to 256 (1024-byte stages).
//
// PRECISION 1 (tf32): B fragments rounded with cvt.rna; A's tile read as it lies (the tensor
// cores ignore the low 13 bits). PRECISION 2 (tf32x3): x = big + small, big = rna(x), small =
// rna(x - big), in registers for B and, for A, by each thread over the chunks it copied, for the
// next tile while this one's wgmmas run (big in place, small in one of two buffers); three
// wgmmas a k step (small*big, big*small, big*big; small*small dropped).
// FLUSH 1 (tf32x3): each BLOCK_K step's products go to a fresh tile (scale-d 0) that is added to
// the FP32 accumulator with FADDs, so the tensor cores' inexact accumulation stays BLOCK_K/8 steps
// long whatever K is. Reduction across slices as in tc_splitk (splitk_epilogue.cuh).
#include "gemm_common.cuh"
#include "ptx.cuh"
#include "splitk_epilogue.cuh"
#include "tile_copy.cuh"
#include "wgmma.cuh"

#define WARPGROUPS (BLOCK_N / 64)
#define THREADS (WARPGROUPS * 128)
#define ACC (BLOCK_M / 2)
#define KSTEPS (BLOCK_K / 8)
#define A_STAGE (BLOCK_M * BLOCK_K)
#define B_STRIDE (BLOCK_N + 8)
#define B_STAGE (BLOCK_K * B_STRIDE)
#define STAGE_FLOATS ((A_STAGE + B_STAGE + 255) / 256 * 256)
#define X3 (PRECISION == 2)
#ifndef FLUSH
#define FLUSH 0
#endif
#define A_COLUMN_BLOCK (BLOCK_M * 32)  // floats of one 32-wide column block of the A tile
#ifndef MIN_BLOCKS
#define MIN_BLOCKS 1
#endif
#define AHEAD (STAGES - 1)  // tiles the copies run ahead of the tensor cores

#if BLOCK_M == 64
#define WGMMA wgmma_n64
#elif BLOCK_M == 128
#define WGMMA wgmma_n128
#else
#define WGMMA wgmma_n256
#endif

// Where chunk e (16 bytes: row e / (BLOCK_K/4), k quad e % (BLOCK_K/4)) of the A tile lies.
__device__ __forceinline__ int a_chunk_offset(int e) {
  const int c = e % (BLOCK_K / 4), r = e / (BLOCK_K / 4);
  return (c / 8) * A_COLUMN_BLOCK + r * 32 + (((c % 8) ^ (r & 7)) * 4);
}

__device__ __forceinline__ void load_stage(float* stage, const float* __restrict__ A, const float* __restrict__ B,
                                           int M, int N, int K, int m0, int n0, int k0, int k_end) {
  float* As = stage;
  float* Bs = stage + A_STAGE;
#pragma unroll
  for (int it = 0; it < (A_STAGE / 4 + THREADS - 1) / THREADS; ++it) {
    const int e = threadIdx.x + it * THREADS;
    if (e >= A_STAGE / 4) break;
    const int c = e % (BLOCK_K / 4), r = e / (BLOCK_K / 4);
    const int row = m0 + r, k = k0 + c * 4;
    cp_async_quad(As + a_chunk_offset(e), A, (gs_size_t)row * K + k, row < M ? min(4, k_end - k) : 0);
  }
  copy_b_rows<B_STRIDE, THREADS>(Bs, B, N, n0, k0, k_end);
}

#if X3
// tf32x3: the A chunks this thread copied (load_stage's), once landed, become big in place and
// small in `small`. A thread's own copies are visible to it after its wait, so no barrier comes
// first; the one before the wgmmas orders the stores for the other warps and the tensor cores.
__device__ __forceinline__ void split_own_chunks(float* As, float* small) {
#pragma unroll
  for (int it = 0; it < (A_STAGE / 4 + THREADS - 1) / THREADS; ++it) {
    const int e = threadIdx.x + it * THREADS;
    if (e >= A_STAGE / 4) break;
    const int o = a_chunk_offset(e);
    float4 x = *reinterpret_cast<float4*>(As + o), lo;
    float* px = &x.x;
    float* pl = &lo.x;
#pragma unroll
    for (int v = 0; v < 4; ++v) {
      const float big = __uint_as_float(to_tf32(px[v]));
      pl[v] = __uint_as_float(to_tf32(px[v] - big));
      px[v] = big;
    }
    *reinterpret_cast<float4*>(As + o) = x;
    *reinterpret_cast<float4*>(small + o) = lo;
  }
}
#endif

extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS)
wgmma_splitk(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
             int M, int N, int K, float* workspace) {
  extern __shared__ __align__(128) float smem_raw[];
  // The swizzle repeats every 1024 bytes: every A tile starts on such a boundary.
  float* smem = smem_raw + ((1024 - (smem_addr(smem_raw) & 1023)) & 1023) / 4;
  const int m0 = blockIdx.y * BLOCK_M, n0 = blockIdx.x * BLOCK_N;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int g = lane >> 2, t = lane & 3;
  const int col = (warp / 4) * 64 + (warp % 4) * 16 + g;  // this thread's first column of the tile

  const KSlice slice = k_slice(K, BLOCK_K);
  const int t_begin = slice.t_begin, n_tiles = slice.n_tiles, k_end = slice.k_end;
#if X3
  float* small_parts = smem + STAGES * STAGE_FLOATS;  // two buffers: tile kt's, and kt+1's being split
#endif

  float acc[ACC];
#pragma unroll
  for (int i = 0; i < ACC; ++i) acc[i] = 0.f;
#if X3 && FLUSH
  float part[ACC];
#else
#define part acc
#endif

#pragma unroll
  for (int s = 0; s < AHEAD; ++s) {
    if (s < n_tiles) load_stage(smem + s * STAGE_FLOATS, A, B, M, N, K, m0, n0, (t_begin + s) * BLOCK_K, k_end);
    cp_async_commit();
  }
  cp_async_wait<AHEAD - 1>();  // tile 0's own copies
#if X3
  if (n_tiles > 0) split_own_chunks(smem, small_parts);
#endif

  for (int kt = 0; kt < n_tiles; ++kt) {
    fence_proxy_async_smem();  // the tensor cores read what cp.async and the split wrote
    __syncthreads();           // every copy (and split) of tile kt landed; every wgmma of tile kt-1 is done
    float* As = smem + (kt % STAGES) * STAGE_FLOATS;
    const float* Bs = As + A_STAGE + t * B_STRIDE + col;
#if X3
    const float* small_a = small_parts + (kt & 1) * A_STAGE;
#endif

    unsigned b_big[KSTEPS][4];
#if X3
    unsigned b_small[KSTEPS][4];
#endif
#pragma unroll
    for (int s = 0; s < KSTEPS; ++s) {
      const float* p = Bs + 8 * s * B_STRIDE;
      const float x[4] = {p[0], p[8], p[4 * B_STRIDE], p[4 * B_STRIDE + 8]};
#pragma unroll
      for (int v = 0; v < 4; ++v) {
        b_big[s][v] = to_tf32(x[v]);
#if X3
        b_small[s][v] = to_tf32(x[v] - __uint_as_float(b_big[s][v]));
#endif
      }
    }
    fence_acc(acc);
#if X3 && FLUSH
    fence_acc(part);
#endif
    wgmma_fence();
#pragma unroll
    for (int s = 0; s < KSTEPS; ++s) {
      const int at = (s / 4) * A_COLUMN_BLOCK + (s % 4) * 8;  // k step s: 32 bytes into its row
      const unsigned long long a_big = wgmma_desc_sw128(As + at);
#if X3
      const unsigned long long a_small = wgmma_desc_sw128(small_a + at);
      WGMMA(part, b_small[s], a_big, !(FLUSH && s == 0));
      WGMMA(part, b_big[s], a_small, 1);
#endif
      WGMMA(part, b_big[s], a_big, 1);
    }
    wgmma_commit();
    // While the tensor cores work: the copies for tile kt + AHEAD, into the stage tile kt-1 used
    // (free since the barrier), then tile kt+1's own copies waited for and, in tf32x3, split into
    // the small-part buffer tile kt-1 used. (Leaving a tile's wgmmas running into the next one,
    // wait_group 1, measured no faster on the H200 and needs its register operands kept apart.)
    {
      const int next = kt + AHEAD;
      if (next < n_tiles)
        load_stage(smem + (next % STAGES) * STAGE_FLOATS, A, B, M, N, K, m0, n0, (t_begin + next) * BLOCK_K, k_end);
      cp_async_commit();
    }
    cp_async_wait<AHEAD - 1>();
#if X3
    if (kt + 1 < n_tiles) split_own_chunks(smem + ((kt + 1) % STAGES) * STAGE_FLOATS, small_parts + ((kt + 1) & 1) * A_STAGE);
#endif
    wgmma_wait<0>();
    fence_acc(acc);
#if X3 && FLUSH
    fence_acc(part);
#pragma unroll
    for (int i = 0; i < ACC; ++i) acc[i] += part[i];
#endif
  }
#if !(X3 && FLUSH)
#undef part
#endif
  cp_async_wait<0>();

  // acc[4j + v0 + 2v1]: row m0 + 8j + 2t + v0 of C, column n0 + col + 8v1.
#pragma unroll
  for (int j = 0; j < BLOCK_M / 8; ++j)
#pragma unroll
    for (int v = 0; v < 4; ++v) {
      const int r = m0 + 8 * j + 2 * t + (v & 1), c = n0 + col + 8 * (v >> 1);
      if (r < M && c < N) splitk_put1(C, workspace, M, N, r, c, acc[4 * j + v]);
    }
}

// Two-pass reduction (splitk_epilogue.cuh).
extern "C" __global__ void __launch_bounds__(256)
wgmma_splitk_reduce(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                    int M, int N, int K, float* workspace) {
  (void)A, (void)B, (void)K;
  splitk_reduce_slices(C, workspace, M, N);
}
