# P6 seed kernel: a tiled GEMM, C = A @ B, with tl.dot over BLOCK_K-wide steps of K.
#
# Mapping: a 2-D grid, one program per BLOCK_M x BLOCK_N tile of C (axis 0: tile row
# pid_m, axis 1: tile column pid_n). The program walks the whole of K in BLOCK_K steps:
# it loads a BLOCK_M x BLOCK_K tile of A and a BLOCK_K x BLOCK_N tile of B (masked at
# the ragged M, N and K edges), accumulates tl.dot of them into an fp32 BLOCK_M x BLOCK_N
# accumulator, and stores the tile once at the end. Triton software-pipelines the loads
# over num_stages buffers in shared memory.
#
# This is the seed document's matmul_kernel (004_9238643f824ab0fd.txt) with the dot's
# precision made a parameter. The seed called tl.dot(a, b) with Triton's default for fp32
# inputs, which is TF32 on tensor cores: its result failed allclose(atol=1e-4, rtol=1e-4)
# against an FP32 reference at K = 524288. INPUT_PRECISION = "ieee" (the default here)
# gives true FP32 (FMA); "tf32x3" splits each operand into two TF32 parts and keeps FP32
# accuracy on tensor cores; "tf32" reproduces the seed.
#
# On P6 (M = N = 256, K = 524288) this grid has only cdiv(256, BLOCK_M) * cdiv(256, BLOCK_N)
# programs (4 at 128 x 128): a few SMs work through all of K while the rest idle. That is
# the seed's problem; p6_splitk.py is the fix.
# Addressing goes through the strides (any A/B layout); offsets are 32-bit (see the card).
import triton
import triton.language as tl


@triton.jit
def matmul_kernel(
    a_ptr, b_ptr, c_ptr,
    M, N, K,
    stride_am, stride_ak,
    stride_bk, stride_bn,
    stride_cm, stride_cn,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
    INPUT_PRECISION: tl.constexpr,  # "ieee", "tf32" or "tf32x3"
):
    pid_m = tl.program_id(axis=0)
    pid_n = tl.program_id(axis=1)

    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    mask_m = offs_m < M
    mask_n = offs_n < N

    a_ptrs = a_ptr + offs_m[:, None] * stride_am + offs_k[None, :] * stride_ak  # BLOCK_M x BLOCK_K
    b_ptrs = b_ptr + offs_k[:, None] * stride_bk + offs_n[None, :] * stride_bn  # BLOCK_K x BLOCK_N

    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k_left = K - k0  # columns of A / rows of B still in range
        a = tl.load(a_ptrs, mask=mask_m[:, None] & (offs_k[None, :] < k_left), other=0.0)
        b = tl.load(b_ptrs, mask=(offs_k[:, None] < k_left) & mask_n[None, :], other=0.0)
        acc = tl.dot(a, b, acc, input_precision=INPUT_PRECISION)
        a_ptrs += BLOCK_K * stride_ak  # advancing the pointers keeps k * stride out of 32 bits
        b_ptrs += BLOCK_K * stride_bk

    c_ptrs = c_ptr + offs_m[:, None] * stride_cm + offs_n[None, :] * stride_cn
    tl.store(c_ptrs, acc, mask=mask_m[:, None] & mask_n[None, :])
