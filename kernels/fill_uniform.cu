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
