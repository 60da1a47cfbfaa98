# P9 seed kernel, corrected: C = A @ B by rank-1 (outer-product) updates, for a small K.
#
# Mapping: a 2-D grid, one program per BLOCK_SIZE_M x BLOCK_SIZE_N tile of C
# (axis 0: tile row pid_m, axis 1: tile column pid_n). The program keeps its tile in
# registers and, for each k in [0, K), loads column k of A (BLOCK_SIZE_M values) and
# row k of B (BLOCK_SIZE_N values) and adds their outer product: K rank-1 updates on
# the FMA units, then one masked store of the tile.
#
# This is the seed document's kernel (000_dfe69af3133a2876.txt) written with proper
# M, N, K: the seed called the inner dimension "N", took C to be square (M x M) and masked
# B's and C's columns against M, so it is wrong for any C that is not square (it reads and
# writes out of bounds when N < M). Masks here cover ragged M and N edges;
# the k loop runs exactly K times, so K needs no mask. All addressing goes through
# the strides, so any of the four A/B layouts works (row-major C is written through
# stride_cm / stride_cn too). Offsets are 32-bit: the card restricts M*N, M*K, K*N.
import triton
import triton.language as tl


@triton.jit
def outer_product_kernel(
    a_ptr, b_ptr, c_ptr,
    M, N, K,
    stride_am, stride_ak,
    stride_bk, stride_bn,
    stride_cm, stride_cn,
    BLOCK_SIZE_M: tl.constexpr,
    BLOCK_SIZE_N: tl.constexpr,
):
    pid_m = tl.program_id(axis=0)
    pid_n = tl.program_id(axis=1)

    offs_m = pid_m * BLOCK_SIZE_M + tl.arange(0, BLOCK_SIZE_M)
    offs_n = pid_n * BLOCK_SIZE_N + tl.arange(0, BLOCK_SIZE_N)
    mask_m = offs_m < M
    mask_n = offs_n < N

    acc = tl.zeros((BLOCK_SIZE_M, BLOCK_SIZE_N), dtype=tl.float32)
    for k in range(0, K):
        a = tl.load(a_ptr + offs_m * stride_am + k * stride_ak, mask=mask_m, other=0.0)  # A[:, k]
        b = tl.load(b_ptr + k * stride_bk + offs_n * stride_bn, mask=mask_n, other=0.0)  # B[k, :]
        acc += a[:, None] * b[None, :]  # rank-1 update, fp32 FMA

    c_ptrs = c_ptr + offs_m[:, None] * stride_cm + offs_n[None, :] * stride_cn
    tl.store(c_ptrs, acc, mask=mask_m[:, None] & mask_n[None, :])
