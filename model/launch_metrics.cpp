#include "model/launch_metrics.h"

#include "model/metric_catalog.h"
#include "model/occupancy.h"

namespace gemmscope {

std::map<std::string, MetricValue> launch_metrics(const RunResult& r, const GpuSpec& spec) {
  std::map<std::string, MetricValue> out;
  if (r.block_size <= 0) return out;
  const int64_t smem = r.static_smem + r.dynamic_smem;
  const Occupancy o = theoretical_occupancy(spec, int(r.block_size), r.registers, smem, r.smem_config_bytes);
  auto put = [&](const char* name, double v, bool from_config = false) {
    const MetricInfo* m = find_metric(name);
    out[name] = {v, m ? m->unit : "", from_config && o.smem_config_estimated ? "model" : "launch"};
  };
  put("launch__grid_size", double(r.grid_size));
  put("launch__block_size", double(r.block_size));
  put("launch__registers_per_thread", r.registers);
  put("launch__shared_mem_per_block_static", double(r.static_smem));
  put("launch__shared_mem_per_block_dynamic", double(r.dynamic_smem));
  put("launch__occupancy_limit_registers", o.limit_by_regs > 1000000 ? spec.max_blocks_per_sm : o.limit_by_regs);
  put("launch__shared_mem_config_size", double(o.smem_config_bytes), true);
  put("launch__occupancy_limit_shared_mem", o.limit_by_smem, true);
  put("launch__occupancy_limit_warps", o.limit_by_warps);
  put("launch__occupancy_limit_blocks", o.limit_by_blocks);
  if (o.blocks_per_sm > 0) put("launch__waves_per_multiprocessor", double(r.grid_size) / (double(o.blocks_per_sm) * spec.sms));
  put("sm__maximum_warps_per_active_cycle_pct", 100.0 * o.fraction);
  return out;
}

}  // namespace gemmscope
