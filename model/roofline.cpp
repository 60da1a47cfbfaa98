#include "model/roofline.h"

#include <algorithm>

namespace gemmscope {

double compute_peak_tflops(const GpuSpec& s, Precision p) {
  // 3xTF32 issues three tensor MMAs per product, so its ceiling is a third of TF32's.
  switch (p) {
    case Precision::FP32: return s.fp32_tflops;
    case Precision::TF32: return s.tf32_tflops;
    case Precision::TF32x3: return s.tf32_tflops / 3.0;
  }
  return s.fp32_tflops;
}

std::vector<Ceiling> ceilings(const GpuSpec& s) {
  std::vector<Ceiling> c;
  c.push_back({"DRAM", true, s.dram_gbps, false});
  if (s.l2_gbps > 0) c.push_back({"L2", true, s.l2_gbps, false});
  c.push_back({"FP32", false, s.fp32_tflops, false});
  if (s.tf32_tflops > 0) c.push_back({"TF32", false, s.tf32_tflops, false});
  if (s.fp16_tflops > 0) c.push_back({"FP16", false, s.fp16_tflops, false});
  const auto& m = s.measured;
  if (m.dram_write_gbps > 0) c.push_back({"DRAM write (measured)", true, m.dram_write_gbps, true});
  if (m.dram_read_gbps > 0) c.push_back({"DRAM read (measured)", true, m.dram_read_gbps, true});
  if (m.dram_copy_gbps > 0) c.push_back({"DRAM copy (measured)", true, m.dram_copy_gbps, true});
  if (m.fp32_tflops > 0) c.push_back({"FP32 FMA (measured)", false, m.fp32_tflops, true});
  if (m.tf32_mma_tflops > 0) c.push_back({"TF32 mma.sync (measured)", false, m.tf32_mma_tflops, true});
  return c;
}

RooflineVerdict judge(const RooflinePoint& p, const GpuSpec& s, Precision prec) {
  RooflineVerdict v;
  const double peak = compute_peak_tflops(s, prec);
  const double bw_tbps = s.dram_gbps / 1e3;
  v.ridge_intensity = bw_tbps > 0 ? peak / bw_tbps : 0;
  const double mem_rate = bw_tbps * p.intensity();
  v.memory_bound = mem_rate < peak;
  v.attainable_tflops = std::min(peak, mem_rate);
  if (v.attainable_tflops > 0) v.pct_of_attainable = 100.0 * p.tflops() / v.attainable_tflops;
  if (peak > 0) v.pct_of_compute_peak = 100.0 * p.tflops() / peak;
  if (s.dram_gbps > 0) v.pct_of_dram_peak = 100.0 * p.gbps() / s.dram_gbps;
  const double t_compute = peak > 0 ? p.flops / (peak * 1e12) : 0;
  const double t_memory = s.dram_gbps > 0 ? p.bytes / (s.dram_gbps * 1e9) : 0;
  v.floor_seconds = std::max(t_compute, t_memory);
  return v;
}

Projection project(const RooflinePoint& p, const GpuSpec& measured_on, const GpuSpec& target, Precision prec) {
  Projection r;
  const RooflineVerdict here = judge(p, measured_on, prec);
  const RooflineVerdict there = judge(p, target, prec);
  r.floor_seconds = there.floor_seconds;
  r.memory_bound = there.memory_bound;
  const double efficiency = here.pct_of_attainable > 0 ? here.pct_of_attainable / 100.0 : 0;
  r.projected_seconds = efficiency > 0 ? there.floor_seconds / efficiency : 0;
  return r;
}

}  // namespace gemmscope
