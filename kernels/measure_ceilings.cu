// Kernels that measure the running GPU's ceilings (MeasuredCeilings): DRAM write, read and copy
// bandwidth, the FP32 FMA rate and the TF32 mma.sync rate. They take their own arguments (not
// the GEMM signature); the runner's ceiling code launches them. No defines needed; sm_80+.
//
// Bandwidth kernels: grid-stride loops over float4 elements. Use buffers much larger than L2
// (>= 8x, e.g. 1 GiB) so the figure is DRAM; grid = 4 * SMs blocks of 256 threads (or more);
// warm up once, then time each launch with events and take the median.
//   ceil_dram_write(float4* dst, unsigned long long n4, float value)
//       writes n4 float4s: bytes = 16 * n4.
//   ceil_dram_read(const float4* src, unsigned long long n4, float* sink)
//       reads n4 float4s: bytes = 16 * n4. sink (>= 1 float) is written only if the sum is
//       negative, which on non-negative data never happens; it keeps the loads alive.
//   ceil_dram_copy(const float4* src, float4* dst, unsigned long long n4)
//       bytes = 32 * n4 (read + write), the convention of METHOD.md.
// Rate kernels: no memory traffic except one store per thread at the end (to out, which needs
// grid * block floats). Launch enough warps to fill every SM: grid = 8 * SMs, block 256.
//   ceil_fp32_fma(float* out, int iters, float seed)
//       each thread runs 16 independent FMA chains for iters steps:
//       FLOP = 2 * 16 * iters * grid * block.
//   ceil_tf32_mma(float* out, int iters, float seed)
//       each warp issues 8 independent m16n8k8 TF32 mma.sync per step for iters steps:
//       FLOP = 2 * 16 * 8 * 8 * 8 * iters * (grid * block / 32).
// iters of 4096 (FMA) and 2048 (mma) make each launch last a few milliseconds on an H100.

typedef unsigned long long gs_count_t;

extern "C" __global__ void __launch_bounds__(256) ceil_dram_write(float4* dst, gs_count_t n4, float value) {
  const float4 v = make_float4(value, value, value, value);
  for (gs_count_t i = (gs_count_t)blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += (gs_count_t)gridDim.x * blockDim.x)
    asm volatile("st.global.cs.v4.f32 [%0], {%1, %2, %3, %4};" ::"l"(dst + i), "f"(v.x), "f"(v.y), "f"(v.z), "f"(v.w) : "memory");
}

extern "C" __global__ void __launch_bounds__(256) ceil_dram_read(const float4* __restrict__ src, gs_count_t n4, float* sink) {
  float s = 0.f;
  const gs_count_t stride = (gs_count_t)gridDim.x * blockDim.x;
  gs_count_t i = (gs_count_t)blockIdx.x * blockDim.x + threadIdx.x;
  for (; i + 3 * stride < n4; i += 4 * stride) {  // four loads in flight per thread
    const float4 a = __ldcs(src + i), b = __ldcs(src + i + stride), c = __ldcs(src + i + 2 * stride), d = __ldcs(src + i + 3 * stride);
    s += (a.x + a.y + a.z + a.w) + (b.x + b.y + b.z + b.w) + (c.x + c.y + c.z + c.w) + (d.x + d.y + d.z + d.w);
  }
  for (; i < n4; i += stride) {
    const float4 a = __ldcs(src + i);
    s += a.x + a.y + a.z + a.w;
  }
  if (s < 0.f) sink[0] = s;
}

extern "C" __global__ void __launch_bounds__(256) ceil_dram_copy(const float4* __restrict__ src, float4* __restrict__ dst, gs_count_t n4) {
  for (gs_count_t i = (gs_count_t)blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += (gs_count_t)gridDim.x * blockDim.x)
    __stcs(dst + i, __ldcs(src + i));
}

extern "C" __global__ void __launch_bounds__(256) ceil_fp32_fma(float* out, int iters, float seed) {
  float x[16];
  const float a = seed * 1e-3f, b = 1.0f - seed * 1e-6f;
#pragma unroll
  for (int c = 0; c < 16; ++c) x[c] = seed + float(threadIdx.x + c);
  for (int it = 0; it < iters; ++it)
#pragma unroll
    for (int c = 0; c < 16; ++c) x[c] = fmaf(x[c], b, a);
  float s = 0.f;
#pragma unroll
  for (int c = 0; c < 16; ++c) s += x[c];
  out[(gs_count_t)blockIdx.x * blockDim.x + threadIdx.x] = s;
}

extern "C" __global__ void __launch_bounds__(256) ceil_tf32_mma(float* out, int iters, float seed) {
  unsigned a[4], b[2];
#pragma unroll
  for (int v = 0; v < 4; ++v) a[v] = __float_as_uint(seed + float(threadIdx.x % 7 + v)) & 0xffffe000u;
#pragma unroll
  for (int v = 0; v < 2; ++v) b[v] = __float_as_uint(seed * 0.5f + float(v)) & 0xffffe000u;
  float d[8][4];
#pragma unroll
  for (int c = 0; c < 8; ++c)
#pragma unroll
    for (int v = 0; v < 4; ++v) d[c][v] = 0.f;
  for (int it = 0; it < iters; ++it)
#pragma unroll
    for (int c = 0; c < 8; ++c)
      asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                   : "+f"(d[c][0]), "+f"(d[c][1]), "+f"(d[c][2]), "+f"(d[c][3])
                   : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  float s = 0.f;
#pragma unroll
  for (int c = 0; c < 8; ++c) s += d[c][0] + d[c][1] + d[c][2] + d[c][3];
  out[(gs_count_t)blockIdx.x * blockDim.x + threadIdx.x] = s;
}
