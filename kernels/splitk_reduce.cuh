// The second pass of a two-pass split-K: C = the sum of the SPLIT_K slices of
// workspace[SPLIT_K][M][N], added in slice order so the result is deterministic. M*N % 4 == 0.
#pragma once
#include "gemm_common.cuh"

__device__ __forceinline__ void splitk_reduce_slices(float* __restrict__ C, const float* __restrict__ workspace, int M, int N) {
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
