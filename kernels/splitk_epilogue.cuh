// Split-K's slices and epilogues (SPLIT_K and REDUCTION from the compile options). A slice's
// partial result goes to C itself when unsplit, is added into a zeroed C (REDUCTION 1: red.global.add, in its
// vector form on sm_90), or lands in the slice's own plane of workspace[SPLIT_K][M][N]
// (REDUCTION 2), which splitk_reduce_slices then sums.
#pragma once
#include "gemm_common.cuh"

// The K tiles (of block_k) that this block's slice, blockIdx.z of SPLIT_K, owns: n_tiles of them
// from t_begin, the last ending at k_end (K itself for the last slice).
struct KSlice {
  int t_begin, n_tiles, k_end;
};
__device__ __forceinline__ KSlice k_slice(int K, int block_k) {
  const int k_tiles = (K + block_k - 1) / block_k;
  const int per_slice = (k_tiles + SPLIT_K - 1) / SPLIT_K;
  const int t_begin = blockIdx.z * per_slice;
  const int n_tiles = max(0, min(k_tiles, t_begin + per_slice) - t_begin);
  return {t_begin, n_tiles, min(K, (t_begin + n_tiles) * block_k)};
}

// Row r, columns c..c+3 (or c..c+1) of a slice's partial result.
__device__ __forceinline__ void splitk_put4(float* C, float* workspace, int M, int N, int r, int c, float4 v) {
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
  (void)workspace, (void)M;
}
__device__ __forceinline__ void splitk_put2(float* C, float* workspace, int M, int N, int r, int c, float2 v) {
#if SPLIT_K == 1
  *reinterpret_cast<float2*>(C + (gs_size_t)r * N + c) = v;
#elif REDUCTION == 1
  float* dst = C + (gs_size_t)r * N + c;
#if __CUDA_ARCH__ >= 900
  asm volatile("red.global.add.v2.f32 [%0], {%1, %2};" ::"l"(dst), "f"(v.x), "f"(v.y) : "memory");
#else
  atomicAdd(dst, v.x), atomicAdd(dst + 1, v.y);
#endif
#else
  *reinterpret_cast<float2*>(workspace + ((gs_size_t)blockIdx.z * M + r) * N + c) = v;
#endif
  (void)workspace, (void)M;
}

// One element, where a row is not 16-byte aligned (N % 4 != 0) or a chunk runs past N.
__device__ __forceinline__ void splitk_put1(float* C, float* workspace, int M, int N, int r, int c, float v) {
#if SPLIT_K == 1
  C[(gs_size_t)r * N + c] = v;
#elif REDUCTION == 1
  atomicAdd(C + (gs_size_t)r * N + c, v);
#else
  workspace[((gs_size_t)blockIdx.z * M + r) * N + c] = v;
#endif
  (void)workspace, (void)M;
}

// The second pass: C = the sum of the slices, added in slice order so the result is deterministic.
// float4s when every slice plane starts 16-byte aligned (M*N % 4 == 0), else one by one.
__device__ __forceinline__ void splitk_reduce_slices(float* __restrict__ C, const float* __restrict__ workspace, int M, int N) {
  const gs_size_t total = (gs_size_t)M * N, first = (gs_size_t)blockIdx.x * blockDim.x + threadIdx.x;
  const gs_size_t stride = (gs_size_t)gridDim.x * blockDim.x;
  if (total % 4 != 0) {
    for (gs_size_t i = first; i < total; i += stride) {
      float s = 0.f;
      for (int z = 0; z < SPLIT_K; ++z) s += workspace[(gs_size_t)z * total + i];
      C[i] = s;
    }
    return;
  }
  const float4* ws = reinterpret_cast<const float4*>(workspace);
  const gs_size_t total4 = total / 4;
  for (gs_size_t i = first; i < total4; i += stride) {
    float4 s = make_float4(0.f, 0.f, 0.f, 0.f);
#pragma unroll 4
    for (int z = 0; z < SPLIT_K; ++z) {
      const float4 v = ws[(gs_size_t)z * total4 + i];
      s.x += v.x, s.y += v.y, s.z += v.z, s.w += v.w;
    }
    reinterpret_cast<float4*>(C)[i] = s;
  }
}
