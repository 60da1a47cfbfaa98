# Split-K GEMM for a large K: C = A @ B with K cut into SPLIT_K slices, summed by atomics.
#
# Mapping: a 3-D grid, one program per (BLOCK_M x BLOCK_N tile of C, slice of K):
# axis 0: tile row pid_m, axis 1: tile column pid_n, axis 2: slice pid_k. K is split
# into whole BLOCK_K steps, cdiv(cdiv(K, BLOCK_K), SPLIT_K) of them per slice (the last
# slice may be shorter, or empty if SPLIT_K does not divide the steps evenly). Each program
# accumulates tl.dot over its slice in fp32 and adds its partial tile into C with
# tl.atomic_add, so the card sets zero_output = true (C is zeroed before the launch).
#
# Why: on P6 (M = N = 256, K = 524288) the plain tiled kernel has 4 programs of 128 x 128;
# SPLIT_K = 33 makes 132 of them, one per SM of an H100/H200 (32: 128, a 4090's SMs).
# The atomics cost SPLIT_K read-modify-writes of C (256 KB each), small beside reading
# A and B (1 GB), and make the result's rounding order vary from run to run (fp32
# addition is not associative); the error stays at FP32 level.
# INPUT_PRECISION as in p6_tiled.py: "ieee" (FP32 FMA), "tf32x3" (FP32-level accuracy on
# tensor cores), "tf32" (fast, fails allclose 1e-4 at this K).
# Addressing goes through the strides (any A/B layout); offsets are 32-bit (see the card).
import triton
import triton.language as tl


@triton.jit
def matmul_splitk_kernel(
    a_ptr, b_ptr, c_ptr,
    M, N, K,
    stride_am, stride_ak,
    stride_bk, stride_bn,
    stride_cm, stride_cn,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
    SPLIT_K: tl.constexpr,
    INPUT_PRECISION: tl.constexpr,  # "ieee", "tf32" or "tf32x3"
):
    pid_m = tl.program_id(axis=0)
    pid_n = tl.program_id(axis=1)
    pid_k = tl.program_id(axis=2)

    # This program's slice of K: [k_begin, k_end), a whole number of BLOCK_K steps.
    steps_per_slice = tl.cdiv(tl.cdiv(K, BLOCK_K), SPLIT_K)
    k_begin = pid_k * steps_per_slice * BLOCK_K
    k_end = tl.minimum(K, k_begin + steps_per_slice * BLOCK_K)

    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    mask_m = offs_m < M
    mask_n = offs_n < N

    a_ptrs = a_ptr + offs_m[:, None] * stride_am + (k_begin + offs_k)[None, :] * stride_ak
    b_ptrs = b_ptr + (k_begin + offs_k)[:, None] * stride_bk + offs_n[None, :] * stride_bn

    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(k_begin, k_end, BLOCK_K):
        k_left = k_end - k0
        a = tl.load(a_ptrs, mask=mask_m[:, None] & (offs_k[None, :] < k_left), other=0.0)
        b = tl.load(b_ptrs, mask=(offs_k[:, None] < k_left) & mask_n[None, :], other=0.0)
        acc = tl.dot(a, b, acc, input_precision=INPUT_PRECISION)
        a_ptrs += BLOCK_K * stride_ak
        b_ptrs += BLOCK_K * stride_bk

    c_ptrs = c_ptr + offs_m[:, None] * stride_cm + offs_n[None, :] * stride_cn
    # relaxed: only the sum matters, no ordering with other memory operations is needed
    tl.atomic_add(c_ptrs, acc, mask=mask_m[:, None] & mask_n[None, :], sem="relaxed")
