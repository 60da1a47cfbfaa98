#include "model/run_roofline.h"

#include <algorithm>

#include "model/kernel_family.h"

namespace gemmscope {

const std::vector<std::string>& seed_metric_names() {
  static const std::vector<std::string> names = {
      "sm__throughput.avg.pct_of_peak_sustained_elapsed", "launch__grid_size",
      "sm__warps_active.avg.pct_of_peak_sustained_active", "dram__throughput.avg.pct_of_peak_sustained_elapsed",
      "lts__t_sector_hit_rate.pct"};
  return names;
}

Precision run_precision(const RunResult& r) {
  if (const FamilyPtr f = find_family(r.config.family)) return f->precision(r.config);
  return Precision::FP32;
}

RunRoofline roofline_point(const RunResult& r) {
  RunRoofline out;
  out.precision = run_precision(r);
  out.point.flops = r.config.shape.flops();
  out.point.bytes = r.config.shape.min_bytes();
  out.point.seconds = r.ms_median > 0 ? r.ms_median / 1e3 : 0;
  auto rd = r.metrics.find("dram__bytes_read.sum");
  auto wr = r.metrics.find("dram__bytes_write.sum");
  if (rd != r.metrics.end() && wr != r.metrics.end() && rd->second.value + wr->second.value > 0) {
    out.point.bytes = rd->second.value + wr->second.value;
    out.bytes_from_counters = true;
  }
  return out;
}

RunRoofline judge_roofline(RunRoofline out, const GpuSpec& ran_on, const GpuSpec& reference) {
  if (!out.measured()) return out;
  out.here = judge(out.point, ran_on, out.precision);
  out.projection = project(out.point, ran_on, reference, out.precision);
  if (out.projection.projected_seconds > 0) {
    out.reference_tflops = out.point.flops / out.projection.projected_seconds / 1e12;
    const double peak = compute_peak_tflops(reference, out.precision);
    if (peak > 0) out.reference_pct_of_compute_peak = std::min(100.0, 100.0 * out.reference_tflops / peak);
    if (reference.dram_gbps > 0)
      out.reference_pct_of_dram_peak =
          std::min(100.0, 100.0 * out.point.bytes / out.projection.projected_seconds / 1e9 / reference.dram_gbps);
  }
  return out;
}

RunRoofline run_roofline(const RunResult& r, const GpuSpec& ran_on, const GpuSpec& reference) {
  return judge_roofline(roofline_point(r), ran_on, reference);
}

}  // namespace gemmscope
