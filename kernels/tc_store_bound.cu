// Family tc_store_bound: a small-K GEMM bound by the write of C (e.g. P9) on tensor cores:
// mma.sync m16n8k8 TF32 (sm_80+, so sm_89 and sm_90 alike) in tf32x3 (PRECISION 2: x = big +
// small, three mmas big*small, small*big, big*big; FP32-level error) or tf32 (PRECISION 1).
// A block owns a strip of TILES_PER_BLOCK tiles of BLOCK_M x BLOCK_N (one tile column,
// consecutive tile rows). It stages the whole-K B slice once and the whole-K A rows of each tile
// into shared memory, split into big/small TF32 parts ONCE at staging and laid out in mma
// fragment order, so each lane reads a fragment with one or two conflict-free LDS.128 and no
// warp converts anything in the inner loop. The A rows of tile t+1 are loaded into registers
// while tile t computes and are written to the other of two A buffers.
// The whole K (KC = K rounded up to 8, zeros past K) is unrolled at JIT time.
//
// Shared memory (floats, P = 2 for tf32x3, 1 for tf32):
//   B: KC * BLOCK_N * P, slot (ks, jn, lane) = {b0, b1 big, b0, b1 small}
//   A: 2 buffers of KC * BLOCK_M * P, slot (ks, im, lane): {a0..a3 big}, and {a0..a3 small}
//      128 floats further on
//   EPILOGUE 2 only: WARPS * 16 * EPI_STRIDE (a 16-row staging tile per warp).
//
// Column permutation: mma column n of the warp's n8 tile j maps to warp column
// (j/2)*16 + 4*(n/2) + 2*(j%2) + n%2, so the accumulators of tiles 2p and 2p+1 give each lane
// (g, t) four consecutive columns 16p + 4t .. +3 of rows g and g+8: one 16-byte store each.
// EPILOGUE 1: those float4s go straight to C (a warp instruction writes 8 rows x 64 bytes).
// EPILOGUE 2: a warp stages 16 rows of its tile in shared memory (row stride = 16 mod 32 floats:
// conflict-free) and writes them back row-contiguous (a warp instruction writes whole 128-byte
// lines, 512 bytes). All epilogues use st.global.cs so the write-once C does not evict A and B.
// EPILOGUE 3 (warp-specialised): STORE_WARPS more warps do nothing but store. The math warps
// write each finished tile into one of two C buffers in shared memory and go on to the next tile
// at once; the store warps stream the buffer out in whole rows. So the mma work of tile t+1
// overlaps the DRAM writes of tile t, where in 1 and 2 every warp stalls on its own stores
// (the SM's store queue is full) while the tensor cores sit idle. Named barriers hand the
// buffers over (FULL: math -> store, EMPTY: store -> math); the math warps sync among themselves
// on a third. The C buffers are unpadded, their quads XOR-swizzled by row parity, so both the
// fragment-order writes and the row reads are conflict-free.
// EPILOGUE 4 (sm_90: the bulk copy engine): the math warps write each tile into one of two C
// buffers in shared memory and warp 0 hands its rows to cp.async.bulk (one 16-byte-aligned copy a
// row), which writes them to C while every warp computes the next tile; before a buffer is
// written again, warp 0 waits until its copies have read it. No warp waits for DRAM, and no
// registers are held by stores (4 store warps in 3 cost the math warps their registers).
// Measured on the H200 (bench/results/limits-h200-2026-12-02.md), both lose to epilogue 1 with
// small blocks, two or three an SM: 3's math warps spill under the 168-register cap of a
// 384-thread block, and 4's one-copy-a-row writes at about 2 TB/s.
// Edges are masked (rows, columns, K); 16-byte stores need N % 4 == 0, else scalar stores.
// Operands are read with scalar loads in any layout (A and B are small next to C).
#include "gemm_common.cuh"
#include "ptx.cuh"

#ifndef TILES_PER_BLOCK
#define TILES_PER_BLOCK 8
#endif
#include "strip_order.cuh"  // after TILES_PER_BLOCK: it sizes the strips
#ifndef MIN_BLOCKS
#define MIN_BLOCKS 1
#endif
#ifndef EPILOGUE
#define EPILOGUE 1
#endif
#if EPILOGUE == 4 && defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 900
#error "EPILOGUE 4 uses the bulk copy engine (cp.async.bulk): sm_90 or later"
#endif
#if EPILOGUE == 3
#ifndef STORE_WARPS
#define STORE_WARPS 4
#endif
#else
#undef STORE_WARPS
#define STORE_WARPS 0
#endif
// THREADS are the math threads; the block also holds the store warps.
#define BLOCK_THREADS (THREADS + 32 * STORE_WARPS)
#define WARPS (THREADS / 32)
#define WTM (BLOCK_M / WARPS_M)
#define WTN (BLOCK_N / WARPS_N)
#define MT (WTM / 16)
#define NT (WTN / 8)
#define KS (KC / 8)
#define MI (BLOCK_M / 16)
#define NJ (BLOCK_N / 8)
#if PRECISION == 2
#define PP 2
#else
#define PP 1
#endif
#define FA (4 * PP)  // floats per A fragment slot
#define FB (2 * PP)  // floats per B fragment slot
#define B_FLOATS (KC * BLOCK_N * PP)
#define A_FLOATS (KC * BLOCK_M * PP)
#define A_SLOTS (KS * MI * 32)
#define B_SLOTS (KS * NJ * 32)
#define A_SLOTS_PER_THREAD ((A_SLOTS + THREADS - 1) / THREADS)
// Prefetch the next tile's A into registers only while that costs few registers.
#define PREFETCH_A (A_SLOTS_PER_THREAD <= 4)
#define EPI_STRIDE (WTN + ((48 - WTN % 32) % 32))  // == 16 (mod 32)
#define C_FLOATS (BLOCK_M * BLOCK_N)                // one C buffer of epilogues 3 and 4
#define C_QUADS (C_FLOATS / 4)
#define ST_THREADS (32 * STORE_WARPS)
#define ST_ITERS ((C_QUADS + ST_THREADS - 1) / ST_THREADS)  // float4s per store thread per tile
#define ST_BATCH (ST_ITERS < 8 ? ST_ITERS : 8)

#if EPILOGUE == 3
// Named barriers: 0 is __syncthreads; 1 the math warps alone; 2 + b the buffer b is full;
// 4 + b it is empty again. A count covers every thread that arrives or waits.
#define BAR_MATH 1
#define BAR_FULL 2
#define BAR_EMPTY 4
__device__ __forceinline__ void bar_sync(int id, int n) { asm volatile("bar.sync %0, %1;" ::"r"(id), "r"(n) : "memory"); }
__device__ __forceinline__ void bar_arrive(int id, int n) { asm volatile("bar.arrive %0, %1;" ::"r"(id), "r"(n) : "memory"); }
#endif

// Row g + 8h, columns 16p + 4t .. +3 of the warp's mma row i: the column permutation puts them in
// tiles 2p and 2p+1, so each epilogue stores them as one float4.
__device__ __forceinline__ float4 acc_quad(const float (&acc)[MT][NT][4], int i, int p, int h) {
  return make_float4(acc[i][2 * p][2 * h], acc[i][2 * p][2 * h + 1], acc[i][2 * p + 1][2 * h], acc[i][2 * p + 1][2 * h + 1]);
}

#if EPILOGUE >= 3
// Epilogue 3 XORs the quads of a C buffer row by row parity, so rows g and g+1 hit other banks
// (a row is a multiple of 32 floats from 32 columns on; a 16-column row is 4 quads, which already
// alternate). Epilogue 4 keeps rows plain: the copy engine reads them as they are.
__device__ __forceinline__ int c_swizzle(int row) { return EPILOGUE == 3 && BLOCK_N >= 32 ? (row & 1) << 2 : 0; }

// This warp's accumulators into a row-major BLOCK_M x BLOCK_N C buffer.
__device__ __forceinline__ void put_c_tile(float* Cb, const float (&acc)[MT][NT][4], int wm, int wn, int g, int t) {
#pragma unroll
  for (int i = 0; i < MT; ++i)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = wm * WTM + i * 16 + g + 8 * h;
#pragma unroll
      for (int p = 0; p < NT / 2; ++p) {
        const int q = (wn * WTN + p * 16) / 4 + t;
        *reinterpret_cast<float4*>(Cb + row * BLOCK_N + 4 * (q ^ c_swizzle(row))) = acc_quad(acc, i, p, h);
      }
    }
}
#endif


// Four consecutive columns c..c+3 of row r: one 16-byte store when whole and aligned, else masked scalars.
__device__ __forceinline__ void store_row4(float* __restrict__ C, int r, int c, float4 v, int M, int N, bool full) {
  if (full) {
    store_c4(C + (gs_size_t)r * N + c, v);
    return;
  }
  if (r >= M) return;
  float* p = C + (gs_size_t)r * N + c;
  if ((N & 3) == 0 && c + 3 < N) {
    store_c4(p, v);
  } else {
    const float x[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int e = 0; e < 4; ++e)
      if (c + e < N) store_c1(p + e, x[e]);
  }
}

// Split x into the floats of a slot: big at [0], small at [half] (tf32x3), or big alone.
__device__ __forceinline__ void split_store(float* slot, int idx, int half, float x) {
  const unsigned big = to_tf32(x);
  slot[idx] = __uint_as_float(big);
#if PRECISION == 2
  slot[idx + half] = __uint_as_float(to_tf32(x - __uint_as_float(big)));
#else
  (void)half;
#endif
}

__device__ __forceinline__ float load_a(const float* __restrict__ A, int r, int k, int M, int K) {
  return (r < M && k < K) ? __ldg(A + a_index(r, k, M, K)) : 0.f;
}

// The four A values of slot s (rows g, g+8; k t, t+4 of one m16k8 tile) of the tile at row m0.
__device__ __forceinline__ void load_a_slot(float (&x)[4], const float* __restrict__ A, int M, int K, int m0, int s) {
  const int ks = s / (MI * 32), im = (s / 32) % MI, lane = s % 32;
  const int r = m0 + im * 16 + (lane >> 2), k = ks * 8 + (lane & 3);
  x[0] = load_a(A, r, k, M, K);
  x[1] = load_a(A, r + 8, k, M, K);
  x[2] = load_a(A, r, k + 4, M, K);
  x[3] = load_a(A, r + 8, k + 4, M, K);
}
// A slot's big and small float4s lie 128 floats apart (the halves of its warp's 32 slots), so a
// warp's LDS.128 of one half reads 512 contiguous bytes and its STS.128 writes them: no bank
// conflicts (interleaved, a lane's 32 bytes made every LDS.128 two-way conflicted, and scalar
// stores four-way).
__device__ __forceinline__ void put_a_slot(float* As, int s, const float (&x)[4]) {
  float* slot = As + (s / 32) * (32 * FA) + (s % 32) * 4;
  float big[4];
#pragma unroll
  for (int v = 0; v < 4; ++v) big[v] = __uint_as_float(to_tf32(x[v]));
  *reinterpret_cast<float4*>(slot) = make_float4(big[0], big[1], big[2], big[3]);
#if PRECISION == 2
  float small[4];
#pragma unroll
  for (int v = 0; v < 4; ++v) small[v] = __uint_as_float(to_tf32(x[v] - big[v]));
  *reinterpret_cast<float4*>(slot + 128) = make_float4(small[0], small[1], small[2], small[3]);
#endif
}

extern "C" __global__ void __launch_bounds__(BLOCK_THREADS, MIN_BLOCKS)
tc_store_bound(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
               int M, int N, int K, float* workspace) {
  (void)workspace;
  extern __shared__ __align__(16) float smem[];
  float* Bs = smem;                 // [B_SLOTS][FB]
  float* As0 = smem + B_FLOATS;     // [2][A_SLOTS][FA]
#if EPILOGUE == 2
  float* Es = smem + B_FLOATS + 2 * A_FLOATS + (threadIdx.x / 32) * (16 * EPI_STRIDE);
#elif EPILOGUE == 3
  float* Cs = smem + B_FLOATS + 2 * A_FLOATS;  // [2][BLOCK_M][BLOCK_N], swizzled
#elif EPILOGUE == 4
  float* Cs = smem + B_FLOATS + 2 * A_FLOATS;  // [2][BLOCK_M][BLOCK_N], rows contiguous for the copies
  const bool bulk = (N & 3) == 0;              // every row starts 16-byte aligned
#endif

  const BlockStrip strip = block_strip(M, N);
  const int n0 = strip.n0, t_first = strip.t_first, n_tiles = strip.n_tiles;

  // B slice, once: slot (ks, jn, lane (g, t)) holds B[8ks + t][col] and B[8ks + t + 4][col] for
  // the permuted column col of mma column g of n8 tile jn.
  for (int s = threadIdx.x; s < B_SLOTS; s += BLOCK_THREADS) {
    const int ks = s / (NJ * 32), jn = (s / 32) % NJ, lane = s % 32;
    const int g = lane >> 2, t = lane & 3;
    const int col = n0 + (jn >> 1) * 16 + 4 * (g >> 1) + 2 * (jn & 1) + (g & 1);
    const int k = ks * 8 + t;
    float* slot = Bs + s * FB;
    const bool cin = col < N;
    split_store(slot, 0, 2, (cin && k < K) ? __ldg(B + b_index(k, col, K, N)) : 0.f);
    split_store(slot, 1, 2, (cin && k + 4 < K) ? __ldg(B + b_index(k + 4, col, K, N)) : 0.f);
  }
  // A of the first tile.
  for (int s = threadIdx.x; s < A_SLOTS; s += BLOCK_THREADS) {
    float x[4];
    load_a_slot(x, A, M, K, t_first * BLOCK_M, s);
    put_a_slot(As0, s, x);
  }
  __syncthreads();

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int wm = warp / WARPS_N, wn = warp % WARPS_N;
  const int g = lane >> 2, t = lane & 3;
#if EPILOGUE != 4  // 4 asks per tile whether rows may be copied whole (bulk)
  const bool cols_full = (N & 3) == 0 && n0 + BLOCK_N <= N;
#endif

#if EPILOGUE == 3
  if (threadIdx.x >= THREADS) {  // a store warp: stream out each tile the math warps hand over
    const int st = threadIdx.x - THREADS;
    for (int tt = 0; tt < n_tiles; ++tt) {
      const int buf = tt & 1, m0 = (t_first + tt) * BLOCK_M;
      bar_sync(BAR_FULL + buf, BLOCK_THREADS);
      const float* Cb = Cs + buf * C_FLOATS;
      const bool full = cols_full && m0 + BLOCK_M <= M;
      // ST_BATCH loads, then ST_BATCH stores, each from its own registers: a store holds its
      // registers until the SM has taken its data, so a batch keeps several in flight (a larger
      // batch spilled: the store warps get the math warps' register budget, no more).
      for (int b0 = 0; b0 < ST_ITERS; b0 += ST_BATCH) {
        float4 v[ST_BATCH];
#pragma unroll
        for (int j = 0; j < ST_BATCH; ++j) {
          const int e = st + (b0 + j) * ST_THREADS, row = e / (BLOCK_N / 4), q = e % (BLOCK_N / 4);
          if (e < C_QUADS) v[j] = *reinterpret_cast<const float4*>(Cb + row * BLOCK_N + 4 * (q ^ c_swizzle(row)));
        }
#pragma unroll
        for (int j = 0; j < ST_BATCH; ++j) {
          const int e = st + (b0 + j) * ST_THREADS, row = e / (BLOCK_N / 4), q = e % (BLOCK_N / 4);
          if (e < C_QUADS) store_row4(C, m0 + row, n0 + 4 * q, v[j], M, N, full);
        }
      }
      // Only where the math warps will wait for it: an arrival nobody waits for would leave
      // the barrier half-counted at exit.
      if (tt + 2 < n_tiles) bar_arrive(BAR_EMPTY + buf, BLOCK_THREADS);
    }
    return;
  }
#endif

  for (int tt = 0; tt < n_tiles; ++tt) {
    const int m0 = (t_first + tt) * BLOCK_M;
    const bool has_next = tt + 1 < n_tiles;
#if PREFETCH_A
    float pre[A_SLOTS_PER_THREAD][4];
    if (has_next) {
#pragma unroll
      for (int q = 0; q < A_SLOTS_PER_THREAD; ++q) {
        const int s = threadIdx.x + q * THREADS;
        if (s < A_SLOTS) load_a_slot(pre[q], A, M, K, m0 + BLOCK_M, s);
      }
    }
#endif
    const float* As = As0 + (tt & 1) * A_FLOATS;

    float acc[MT][NT][4];
#pragma unroll
    for (int i = 0; i < MT; ++i)
#pragma unroll
      for (int j = 0; j < NT; ++j)
#pragma unroll
        for (int v = 0; v < 4; ++v) acc[i][j][v] = 0.f;

#pragma unroll
    for (int ks = 0; ks < KS; ++ks) {
      unsigned af[MT][FA], bf[NT][FB];
#pragma unroll
      for (int i = 0; i < MT; ++i) {
        const float* p = As + (ks * MI + wm * MT + i) * (32 * FA) + lane * 4;
#pragma unroll
        for (int h = 0; h < FA / 4; ++h) {
          const float4 v = *reinterpret_cast<const float4*>(p + 128 * h);
          af[i][4 * h] = __float_as_uint(v.x), af[i][4 * h + 1] = __float_as_uint(v.y);
          af[i][4 * h + 2] = __float_as_uint(v.z), af[i][4 * h + 3] = __float_as_uint(v.w);
        }
      }
#pragma unroll
      for (int j = 0; j < NT; ++j) {
        const float* p = Bs + ((ks * NJ + wn * NT + j) * 32 + lane) * FB;
#if PRECISION == 2
        const float4 v = *reinterpret_cast<const float4*>(p);
        bf[j][0] = __float_as_uint(v.x), bf[j][1] = __float_as_uint(v.y), bf[j][2] = __float_as_uint(v.z), bf[j][3] = __float_as_uint(v.w);
#else
        const float2 v = *reinterpret_cast<const float2*>(p);
        bf[j][0] = __float_as_uint(v.x), bf[j][1] = __float_as_uint(v.y);
#endif
      }
#if PRECISION == 2
#pragma unroll
      for (int i = 0; i < MT; ++i)
#pragma unroll
        for (int j = 0; j < NT; ++j) mma_tf32(acc[i][j], &af[i][0], &bf[j][2]);  // big x small
#pragma unroll
      for (int i = 0; i < MT; ++i)
#pragma unroll
        for (int j = 0; j < NT; ++j) mma_tf32(acc[i][j], &af[i][4], &bf[j][0]);  // small x big
#endif
#pragma unroll
      for (int i = 0; i < MT; ++i)
#pragma unroll
        for (int j = 0; j < NT; ++j) mma_tf32(acc[i][j], &af[i][0], &bf[j][0]);  // big x big
    }

    // The next tile's A into the other buffer (last read in tile tt-1, before the barrier below).
    if (has_next) {
      float* An = As0 + ((tt + 1) & 1) * A_FLOATS;
#if PREFETCH_A
#pragma unroll
      for (int q = 0; q < A_SLOTS_PER_THREAD; ++q) {
        const int s = threadIdx.x + q * THREADS;
        if (s < A_SLOTS) put_a_slot(An, s, pre[q]);
      }
#else
      for (int s = threadIdx.x; s < A_SLOTS; s += THREADS) {
        float x[4];
        load_a_slot(x, A, M, K, m0 + BLOCK_M, s);
        put_a_slot(An, s, x);
      }
#endif
    }

#if EPILOGUE == 1 || EPILOGUE == 2
    const bool full = cols_full && m0 + BLOCK_M <= M;
    const int wr0 = m0 + wm * WTM, wc0 = n0 + wn * WTN;
#endif
#if EPILOGUE == 1
#pragma unroll
    for (int i = 0; i < MT; ++i)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int r = wr0 + i * 16 + g + 8 * h;
#pragma unroll
        for (int p = 0; p < NT / 2; ++p)
          store_row4(C, r, wc0 + p * 16 + 4 * t,
                     acc_quad(acc, i, p, h),
                     M, N, full);
      }
#elif EPILOGUE == 2
#pragma unroll
    for (int i = 0; i < MT; ++i) {
#pragma unroll
      for (int h = 0; h < 2; ++h)
#pragma unroll
        for (int p = 0; p < NT / 2; ++p)
          *reinterpret_cast<float4*>(Es + (g + 8 * h) * EPI_STRIDE + p * 16 + 4 * t) =
              acc_quad(acc, i, p, h);
      __syncwarp();
#pragma unroll
      for (int it = 0; it < WTN / 8; ++it) {
        const int e = lane + 32 * it;
        const int row = e / (WTN / 4), cq = e % (WTN / 4);
        store_row4(C, wr0 + i * 16 + row, wc0 + 4 * cq, *reinterpret_cast<const float4*>(Es + row * EPI_STRIDE + 4 * cq), M, N, full);
      }
      __syncwarp();
    }
#elif EPILOGUE == 4
    {
      const int buf = tt & 1;
      // Warp 0's copies of tile tt-2 have read buffer buf (tile tt-1's may still be running).
      if (warp == 0 && tt >= 2) bulk_wait_read<1>();
      __syncthreads();
      float* Cb = Cs + buf * C_FLOATS;
      put_c_tile(Cb, acc, wm, wn, g, t);
      fence_proxy_async_smem();  // the copy engine reads what ordinary stores wrote
      __syncthreads();           // also makes the next tile's A visible
      const int rows = min(BLOCK_M, M - m0), cols = min(BLOCK_N, N - n0);
      if (bulk) {
        if (warp == 0) {
          for (int r = lane; r < rows; r += 32) bulk_store(C + (gs_size_t)(m0 + r) * N + n0, Cb + r * BLOCK_N, cols * 4);
          bulk_commit();
        }
      } else {  // N % 4 != 0: rows are not 16-byte aligned; every math thread stores from the buffer
        for (int e = threadIdx.x; e < C_QUADS; e += THREADS) {
          const int row = e / (BLOCK_N / 4), q = e % (BLOCK_N / 4);
          store_row4(C, m0 + row, n0 + 4 * q, *reinterpret_cast<const float4*>(Cb + row * BLOCK_N + 4 * q), M, N, false);
        }
      }
    }
#else  // EPILOGUE 3
    {
      // Hand the tile to the store warps: wait until they have emptied this buffer (two tiles
      // ago), fill it and go on.
      const int buf = tt & 1;
      if (tt >= 2) bar_sync(BAR_EMPTY + buf, BLOCK_THREADS);
      put_c_tile(Cs + buf * C_FLOATS, acc, wm, wn, g, t);
      bar_arrive(BAR_FULL + buf, BLOCK_THREADS);
    }
    bar_sync(BAR_MATH, THREADS);  // the next tile's A is visible to the math warps
#endif
#if EPILOGUE == 1 || EPILOGUE == 2
    __syncthreads();  // the next tile's A is visible; every warp is done with this tile's buffer
#endif
  }
#if EPILOGUE == 4
  if (warp == 0) bulk_wait_all();  // shared memory must outlive the copies that read it
#endif
}
