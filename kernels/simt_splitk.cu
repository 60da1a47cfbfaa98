// Family simt_splitk: FP32 SIMT GEMM for large K (e.g. P6), K split across the grid's z axis.
// Block (x: N tile, y: M tile, z: K slice) owns a BLOCK_M x BLOCK_N tile of one K slice. A and
// B tiles of BLOCK_K stream through STAGES shared-memory buffers with 16-byte cp.async (zero
// filled outside the matrix); each thread keeps a TM x TN register tile and reads A four k at a
// time (LDS.128 along k) and B as float4 along n.
// Dynamic shared memory: STAGES * (BLOCK_M * (BLOCK_K + 4) + BLOCK_K * BLOCK_N) * 4 bytes.
// Needs row-major A and B, K % 4 == 0 and N % 4 == 0 (16-byte rows); the family refuses others.
// SPLIT_K == 1 stores C; REDUCTION 1 adds into a zeroed C with red.global.add (v4 on sm_90);
// REDUCTION 2 writes slice partials to workspace[SPLIT_K][M][N] and simt_splitk_reduce sums
// them in slice order (deterministic).
//
// Thread map: THREADS_N = BLOCK_N / TN threads across N; thread (tr, tc) owns rows
// tr*TM .. +TM-1 and the float4 column chunks (j*THREADS_N + tc), j < TN/4.
#include "gemm_common.cuh"

#define THREADS_N (BLOCK_N / TN)
#define A_STRIDE (BLOCK_K + 4)
#define A_STAGE (BLOCK_M * A_STRIDE)
#define B_STAGE (BLOCK_K * BLOCK_N)
#define STAGE_FLOATS (A_STAGE + B_STAGE)

__device__ __forceinline__ unsigned smem_addr(const void* p) { return (unsigned)__cvta_generic_to_shared(p); }

// 16 bytes from global to shared; src_bytes 0 fills zeros (masked chunk).
__device__ __forceinline__ void cp_async16(void* dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" ::"r"(smem_addr(dst)), "l"(src), "r"(src_bytes) : "memory");
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;" ::: "memory"); }
template <int N_>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;" ::"n"(N_) : "memory"); }

// One BLOCK_K step of A (BLOCK_M rows) and B (BLOCK_K rows) into a stage. k_end is a multiple of 4.
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
    const bool in = r < M && k < k_end;
    cp_async16(As + i * A_STRIDE + kq, A + (in ? (gs_size_t)r * K + k : 0), in ? 16 : 0);
  }
#pragma unroll
  for (int it = 0; it < (BLOCK_K * BLOCK_N / 4 + THREADS - 1) / THREADS; ++it) {
    const int e = threadIdx.x + it * THREADS;
    if (e >= BLOCK_K * BLOCK_N / 4) break;
    const int kk = e / (BLOCK_N / 4), j = (e % (BLOCK_N / 4)) * 4;
    const int k = k0 + kk, c = n0 + j;
    const bool in = k < k_end && c < N;
    cp_async16(Bs + kk * BLOCK_N + j, B + (in ? (gs_size_t)k * N + c : 0), in ? 16 : 0);
  }
}

// MIN_BLOCKS > 1 caps registers for more blocks per SM; on the H100 the 8x8 tile ran faster
// uncapped (167 registers, 1 block/SM) than capped to 128 with a small spill.
#ifndef MIN_BLOCKS
#define MIN_BLOCKS 1
#endif

extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS)
simt_splitk(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
            int M, int N, int K, float* workspace) {
  extern __shared__ __align__(16) float smem[];
  const int m0 = blockIdx.y * BLOCK_M, n0 = blockIdx.x * BLOCK_N;
  const int tr = threadIdx.x / THREADS_N, tc = threadIdx.x % THREADS_N;

  const int k_tiles = (K + BLOCK_K - 1) / BLOCK_K;
  const int per_slice = (k_tiles + SPLIT_K - 1) / SPLIT_K;
  const int t_begin = blockIdx.z * per_slice;
  const int n_tiles = max(0, min(k_tiles, t_begin + per_slice) - t_begin);
  const int k_end = min(K, (t_begin + n_tiles) * BLOCK_K);

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

#pragma unroll
  for (int s = 0; s < STAGES - 1; ++s) {
    if (s < n_tiles) load_stage(smem + s * STAGE_FLOATS, A, B, M, N, K, m0, n0, (t_begin + s) * BLOCK_K, k_end);
    cp_async_commit();
  }

  for (int t = 0; t < n_tiles; ++t) {
    cp_async_wait<STAGES - 2>();
    __syncthreads();  // tile t is visible to all; every thread is done with tile t-1's stage
    {
      const int next = t + STAGES - 1;
      if (next < n_tiles)
        load_stage(smem + (next % STAGES) * STAGE_FLOATS, A, B, M, N, K, m0, n0, (t_begin + next) * BLOCK_K, k_end);
      cp_async_commit();
    }
    const float* As = smem + (t % STAGES) * STAGE_FLOATS + tr * TM * A_STRIDE;
    const float* Bs = smem + (t % STAGES) * STAGE_FLOATS + A_STAGE + tc * 4;
#pragma unroll
    for (int kk = 0; kk < BLOCK_K; kk += 4) {
      float4 a[TM];
#pragma unroll
      for (int i = 0; i < TM; ++i) a[i] = *reinterpret_cast<const float4*>(As + i * A_STRIDE + kk);
#pragma unroll
      for (int q = 0; q < 4; ++q) {
        float b[TN];
#pragma unroll
        for (int j = 0; j < TN / 4; ++j) {
          const float4 v = *reinterpret_cast<const float4*>(Bs + (kk + q) * BLOCK_N + j * THREADS_N * 4);
          b[4 * j] = v.x, b[4 * j + 1] = v.y, b[4 * j + 2] = v.z, b[4 * j + 3] = v.w;
        }
#pragma unroll
        for (int i = 0; i < TM; ++i) {
          const float av = q == 0 ? a[i].x : q == 1 ? a[i].y : q == 2 ? a[i].z : a[i].w;
#pragma unroll
          for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(av, b[j], acc[i][j]);
        }
      }
    }
  }
  cp_async_wait<0>();

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int r = m0 + tr * TM + i;
    if (r >= M) break;
#pragma unroll
    for (int j = 0; j < TN / 4; ++j) {
      const int c = n0 + (j * THREADS_N + tc) * 4;
      if (c >= N) continue;  // N % 4 == 0: a chunk is wholly in or out
      const float4 v = make_float4(acc[i][4 * j], acc[i][4 * j + 1], acc[i][4 * j + 2], acc[i][4 * j + 3]);
#if SPLIT_K == 1
      *reinterpret_cast<float4*>(C + (gs_size_t)r * N + c) = v;
#elif REDUCTION == 1
      float* dst = C + (gs_size_t)r * N + c;
#if __CUDA_ARCH__ >= 900
      asm volatile("red.global.add.v4.f32 [%0], {%1, %2, %3, %4};" ::"l"(dst), "f"(v.x), "f"(v.y), "f"(v.z), "f"(v.w) : "memory");
#else
      atomicAdd(dst, v.x), atomicAdd(dst + 1, v.y), atomicAdd(dst + 2, v.z), atomicAdd(dst + 3, v.w);
#endif
#else
      *reinterpret_cast<float4*>(workspace + ((gs_size_t)blockIdx.z * M + r) * N + c) = v;
#endif
    }
  }
  (void)workspace;
}

// Two-pass reduction: C = sum over the SPLIT_K slices of workspace, in slice order. M*N % 4 == 0.
extern "C" __global__ void __launch_bounds__(256)
simt_splitk_reduce(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                   int M, int N, int K, float* workspace) {
  (void)A, (void)B, (void)K;
  const gs_size_t total4 = (gs_size_t)M * N / 4;
  const float4* ws = reinterpret_cast<const float4*>(workspace);
  for (gs_size_t i = (gs_size_t)blockIdx.x * blockDim.x + threadIdx.x; i < total4; i += (gs_size_t)gridDim.x * blockDim.x) {
    float4 s = make_float4(0.f, 0.f, 0.f, 0.f);
#pragma unroll 4
    for (int z = 0; z < SPLIT_K; ++z) {
      const float4 v = ws[(gs_size_t)z * total4 + i];
      s.x += v.x, s.y += v.y, s.z += v.z, s.w += v.w;
    }
    reinterpret_cast<float4*>(C)[i] = s;
  }
}
