// The TF32 rate of wgmma (Hopper's asynchronous warpgroup mma; sm_90a only), beside
// measure_ceilings.cu's mma.sync rate, so that floors and rooflines can show both. The runner
// compiles this file for sm_90a on a 9.0 GPU alone.
//   ceil_tf32_wgmma(float* out, int iters, float seed)
//       each warpgroup (128 threads, 2 a block) issues 8 m64n128k8 TF32 wgmmas a step into one
//       accumulator tile (64 floats a thread), STEPS_IN_FLIGHT commit groups deep, for iters
//       steps: 2 * 64 * 128 * 8 FLOPs a wgmma. A and B are a warpgroup's own 2 KB and 4 KB of
//       shared memory (no swizzle, K-major 8x16-byte core matrices), filled from the seed.
#include "ptx.cuh"
#include "wgmma.cuh"

// A and B both from shared memory (wgmma.cuh has the register-A forms the GEMM uses).
__device__ __forceinline__ void wgmma_m64n128k8_tf32(float (&d)[64], unsigned long long a, unsigned long long b) {
  asm volatile(
      "{\n"
      "wgmma.mma_async.sync.aligned.m64n128k8.f32.tf32.tf32 "
      "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}, %64, %65, 1, 1, 1;\n"
      "}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
      : "l"(a), "l"(b));
}

#define STEPS_IN_FLIGHT 1

extern "C" __global__ void __launch_bounds__(256) ceil_tf32_wgmma(float* out, int iters, float seed) {
  __shared__ __align__(128) float As[2][64 * 8];
  __shared__ __align__(128) float Bs[2][128 * 8];
  for (int i = threadIdx.x; i < 2 * 64 * 8; i += blockDim.x) (&As[0][0])[i] = seed * float(1 + i % 7);
  for (int i = threadIdx.x; i < 2 * 128 * 8; i += blockDim.x) (&Bs[0][0])[i] = seed * float(1 + i % 5);
  fence_proxy_async_smem();  // the tensor cores read what ordinary stores wrote
  __syncthreads();
  const int wg = threadIdx.x / 128;
  // No swizzle: 8-row core matrices 128 bytes apart along K, 256 apart along M or N.
  const unsigned long long da = wgmma_desc(As[wg], 128, 256), db = wgmma_desc(Bs[wg], 128, 256);
  float d[64];
#pragma unroll
  for (int i = 0; i < 64; ++i) d[i] = 0.f;
  fence_acc(d);
  wgmma_fence();
  for (int it = 0; it < iters; ++it) {
#pragma unroll
    for (int j = 0; j < 8; ++j) wgmma_m64n128k8_tf32(d, da, db);
    wgmma_commit();
    wgmma_wait<STEPS_IN_FLIGHT>();
  }
  wgmma_wait<0>();
  fence_acc(d);
  float s = 0.f;
#pragma unroll
  for (int i = 0; i < 64; ++i) s += d[i];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}
