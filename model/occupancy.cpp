#include "model/occupancy.h"

#include <algorithm>
#include <climits>

namespace gemmscope {

namespace {
long long round_up(long long v, long long unit) { return unit > 0 ? (v + unit - 1) / unit * unit : v; }
constexpr int kSubPartitions = 4;  // register file split per SM quadrant since Volta
}  // namespace

Occupancy theoretical_occupancy(const GpuSpec& s, int threads, int registers, long long smem_bytes,
                                long long smem_config_bytes) {
  Occupancy o;
  if (threads <= 0 || threads > s.max_threads_per_block) return o;
  const int warps_per_block = int((threads + s.warp_size - 1) / s.warp_size);

  o.limit_by_blocks = s.max_blocks_per_sm;
  o.limit_by_warps = s.max_warps_per_sm / warps_per_block;

  // Registers are allocated per warp in units, and each quadrant holds its own warps.
  if (registers <= 0) {
    o.limit_by_regs = INT_MAX;
  } else {
    const long long per_warp = round_up((long long)registers * s.warp_size, s.reg_alloc_unit);
    const long long assumed_per_block = per_warp * round_up(warps_per_block, kSubPartitions);
    if (registers > s.max_regs_per_thread || assumed_per_block > s.max_regs_per_block ||
        per_warp * warps_per_block > s.max_regs_per_block) {
      o.limit_by_regs = 0;
    } else {
      const long long warps_per_quadrant = (s.regs_per_sm / kSubPartitions) / per_warp;
      o.limit_by_regs = int(warps_per_quadrant * kSubPartitions / warps_per_block);
    }
  }

  // Shared memory: the driver reserves some per block and allocates in units. Without its own
  // choice, the estimate is the smallest carveout that still holds as many blocks as the other limits allow.
  const long long per_block = round_up(smem_bytes + s.smem_reserved_per_block, s.smem_alloc_unit);
  const int others = std::min({o.limit_by_blocks, o.limit_by_warps, o.limit_by_regs});
  if (smem_bytes > s.max_smem_per_block) {
    o.limit_by_smem = 0;
    o.smem_config_bytes = s.smem_per_sm;
  } else if (smem_config_bytes > 0) {
    o.smem_config_bytes = smem_config_bytes;
    o.smem_config_estimated = false;
    o.limit_by_smem = int(smem_config_bytes / per_block);
  } else {
    // As many blocks as the other limits allow, or as the whole shared memory holds if fewer.
    const long long target = std::min<long long>(others, s.smem_per_sm / per_block);
    o.smem_config_bytes = s.smem_per_sm;
    for (int kb : s.smem_carveouts_kb)
      if (kb * 1024LL >= per_block * target && kb * 1024LL <= s.smem_per_sm) {
        o.smem_config_bytes = kb * 1024LL;
        break;
      }
    o.limit_by_smem = int(o.smem_config_bytes / per_block);
  }

  o.blocks_per_sm = std::min(others, o.limit_by_smem);
  o.warps_per_sm = o.blocks_per_sm * warps_per_block;
  o.fraction = s.max_warps_per_sm > 0 ? double(o.warps_per_sm) / s.max_warps_per_sm : 0;
  // Name the tightest limit; ties go to the first in this order, as ncu lists them.
  if (o.blocks_per_sm == o.limit_by_regs) o.limiter = "registers";
  if (o.blocks_per_sm == o.limit_by_smem) o.limiter = "shared memory";
  if (o.blocks_per_sm == o.limit_by_warps) o.limiter = "warps";
  if (o.blocks_per_sm == o.limit_by_blocks) o.limiter = "blocks";
  return o;
}

}  // namespace gemmscope
