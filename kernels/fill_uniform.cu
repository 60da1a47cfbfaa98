// Inputs: uniform in [0, 1) from (seed, index) by a counter-based hash, so a seed names the data.
extern "C" __global__ void fill_uniform(float* __restrict__ out, unsigned long long n, unsigned long long seed) {
  for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += (unsigned long long)gridDim.x * blockDim.x) {
    unsigned long long x = i + seed * 0x9E3779B97F4A7C15ull;  // splitmix64
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    out[i] = (float)(x >> 40) * (1.0f / 16777216.0f);  // 24 random bits: exactly representable, < 1
  }
}

// L2 flush by reading a buffer twice the L2 size: it evicts everything, writing back dirty lines
// now rather than during the next timed kernel, and leaves only clean lines behind (a memset
// flush would leave the L2 full of dirty lines that the kernel then pays to write back).
extern "C" __global__ void l2_flush_read(const float4* __restrict__ buf, unsigned long long n4, float* sink) {
  float s = 0.f;
  for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < n4;
       i += (unsigned long long)gridDim.x * blockDim.x) {
    const float4 v = __ldcg(buf + i);
    s += v.x + v.y + v.z + v.w;
  }
  if (s == -1.f) sink[0] = s;  // never true on the non-negative fill: keeps the loads alive
}
