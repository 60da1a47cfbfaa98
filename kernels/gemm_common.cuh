// Shared by every GEMM source: operand indexing by layout. Compiled by NVRTC (no host headers).
// A is M x K, B is K x N, C is M x N row-major; A_COL_MAJOR / B_COL_MAJOR come from the config.
#pragma once
#ifndef A_COL_MAJOR
#define A_COL_MAJOR 0
#endif
#ifndef B_COL_MAJOR
#define B_COL_MAJOR 0
#endif

typedef unsigned long long gs_size_t;

__device__ __forceinline__ gs_size_t a_index(int row, int k, int M, int K) {
#if A_COL_MAJOR
  return (gs_size_t)k * M + row;
#else
  return (gs_size_t)row * K + k;
#endif
}

__device__ __forceinline__ gs_size_t b_index(int k, int col, int K, int N) {
#if B_COL_MAJOR
  return (gs_size_t)col * K + k;
#else
  return (gs_size_t)k * N + col;
#endif
}
