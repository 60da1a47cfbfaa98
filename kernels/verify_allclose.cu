// Verification against the reference on the GPU: sums for the relative Frobenius error, the largest
// absolute error, and counts of elements failing allclose(atol, rtol) or not finite.
// stats: [0] sum (c-r)^2, [1] sum r^2, [2] max |c-r| (as float bits), [3] mismatches, [4] non-finite.
extern "C" __global__ void verify_allclose(const float* __restrict__ c, const float* __restrict__ ref,
                                           unsigned long long n, float atol, float rtol, double* stats) {
  double diff2 = 0, ref2 = 0;
  float max_abs = 0;
  unsigned long long bad = 0, nonfinite = 0;
  for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += (unsigned long long)gridDim.x * blockDim.x) {
    const float x = c[i], r = ref[i];
    if (!isfinite(x)) { ++nonfinite; continue; }
    const float d = fabsf(x - r);
    diff2 += (double)d * d;
    ref2 += (double)r * r;
    max_abs = fmaxf(max_abs, d);
    if (d > atol + rtol * fabsf(r)) ++bad;
  }
  for (int off = 16; off > 0; off >>= 1) {
    diff2 += __shfl_down_sync(0xffffffffu, diff2, off);
    ref2 += __shfl_down_sync(0xffffffffu, ref2, off);
    max_abs = fmaxf(max_abs, __shfl_down_sync(0xffffffffu, max_abs, off));
    bad += __shfl_down_sync(0xffffffffu, bad, off);
    nonfinite += __shfl_down_sync(0xffffffffu, nonfinite, off);
  }
  if ((threadIdx.x & 31) == 0) {
    atomicAdd(&stats[0], diff2);
    atomicAdd(&stats[1], ref2);
    atomicMax((unsigned int*)&stats[2], __float_as_uint(max_abs));  // non-negative floats order as their bits
    atomicAdd((unsigned long long*)&stats[3], bad);
    atomicAdd((unsigned long long*)&stats[4], nonfinite);
  }
}

// A deliberately faulting kernel, for the tests that check a fault is survived.
extern "C" __global__ void deliberate_fault(float* p) { p[threadIdx.x] = *(volatile float*)(0x10); }
// A deliberately hanging kernel, for the watchdog test.
extern "C" __global__ void deliberate_hang(volatile int* flag) { while (*flag == 0) { } }
