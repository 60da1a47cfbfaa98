// Inline-PTX wrappers shared by the fast families: cp.async, TF32 conversion and mma.sync, and
// streaming (evict-first) global stores. Compiled by NVRTC (no host headers).
#pragma once
#ifndef STREAM_STORES
#define STREAM_STORES 1
#endif

__device__ __forceinline__ unsigned smem_addr(const void* p) { return (unsigned)__cvta_generic_to_shared(p); }

// 16 / 4 bytes from global to shared; src_bytes 0 fills zeros (a masked element). The 16-byte
// form bypasses L1 (.cg), the 4-byte one may not (.ca is the only form for 4 bytes).
__device__ __forceinline__ void cp_async16(void* dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" ::"r"(smem_addr(dst)), "l"(src), "r"(src_bytes) : "memory");
}
__device__ __forceinline__ void cp_async4(void* dst, const void* src, int src_bytes) {
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;" ::"r"(smem_addr(dst)), "l"(src), "r"(src_bytes) : "memory");
}
// Floats off .. off+3 of `base` into dst (16-byte aligned), those from `avail` on zero-filled
// (avail <= 0: all). With ALIGNED16 (every row of the operand starts 16-byte aligned: K, N
// multiples of 4) a whole chunk is in or out and one 16-byte copy does it; else four 4-byte ones.
#ifndef ALIGNED16
#define ALIGNED16 1
#endif
__device__ __forceinline__ void cp_async_quad(float* dst, const float* base, unsigned long long off, int avail) {
#if ALIGNED16
  cp_async16(dst, base + (avail > 0 ? off : 0), avail > 0 ? 16 : 0);
#else
#pragma unroll
  for (int q = 0; q < 4; ++q) cp_async4(dst + q, base + (q < avail ? off + q : 0), q < avail ? 4 : 0);
#endif
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;" ::: "memory"); }
template <int N_>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;" ::"n"(N_) : "memory"); }

// FP32 to TF32, rounded to nearest (ties away), as the bits of a float.
__device__ __forceinline__ unsigned to_tf32(float x) {
  unsigned r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
  return r;
}

// d += a * b for one m16n8k8 TF32 tile (a: 4 registers, b: 2). Not volatile: the compiler may
// interleave independent mmas.
__device__ __forceinline__ void mma_tf32(float (&d)[4], const unsigned* a, const unsigned* b) {
  asm("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// C stores: streaming (.cs, evict-first) unless STREAM_STORES is 0, so that an output written
// once does not push the re-read operands out of L2.
__device__ __forceinline__ void store_c4(float* p, float4 v) {
#if STREAM_STORES
  asm volatile("st.global.cs.v4.f32 [%0], {%1, %2, %3, %4};" ::"l"(p), "f"(v.x), "f"(v.y), "f"(v.z), "f"(v.w) : "memory");
#else
  *reinterpret_cast<float4*>(p) = v;
#endif
}
__device__ __forceinline__ void store_c1(float* p, float v) {
#if STREAM_STORES
  asm volatile("st.global.cs.f32 [%0], %1;" ::"l"(p), "f"(v) : "memory");
#else
  *p = v;
#endif
}

// The bulk copy engine (sm_90): shared -> global copies that run while the threads go on, in
// per-thread groups. Ordinary stores to the shared source need fence_proxy_async_smem() first.
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 900
__device__ __forceinline__ void fence_proxy_async_smem() { asm volatile("fence.proxy.async.shared::cta;" ::: "memory"); }
// bytes: a multiple of 16; both addresses 16-byte aligned.
__device__ __forceinline__ void bulk_store(float* dst, const float* src, int bytes) {
  asm volatile("cp.async.bulk.global.shared::cta.bulk_group [%0], [%1], %2;" ::"l"(dst), "r"(smem_addr(src)), "r"(bytes) : "memory");
}
__device__ __forceinline__ void bulk_commit() { asm volatile("cp.async.bulk.commit_group;" ::: "memory"); }
// Until at most N_ of this thread's newest groups still read their shared source.
template <int N_>
__device__ __forceinline__ void bulk_wait_read() { asm volatile("cp.async.bulk.wait_group.read %0;" ::"n"(N_) : "memory"); }
// Until every group of this thread has completed (its writes done).
__device__ __forceinline__ void bulk_wait_all() { asm volatile("cp.async.bulk.wait_group 0;" ::: "memory"); }
#endif
