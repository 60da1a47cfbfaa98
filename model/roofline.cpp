#include "model/roofline.h"

#include <algorithm>
#include <cstdio>

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
  if (m.fp32_tflops > 0) c.push_back({"FP32 FMA (measured)", false, m.fp32_tflops, true});
  if (m.tf32_mma_tflops > 0) c.push_back({"TF32 mma.sync (measured)", false, m.tf32_mma_tflops, true});
  if (m.tf32_wgmma_tflops > 0) c.push_back({"TF32 wgmma (measured)", false, m.tf32_wgmma_tflops, true});
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

PhysicalFloor physical_floor(const ProblemShape& s, const GpuSpec& g, Precision p) {
  PhysicalFloor f;
  const double read_bytes = 4.0 * (double(s.m) * s.k + double(s.k) * s.n), write_bytes = 4.0 * double(s.m) * s.n;
  const auto& m = g.measured;
  const double read_bw = (m.dram_read_gbps > 0 ? m.dram_read_gbps : g.dram_gbps) * 1e9;
  const double write_bw = (m.dram_write_gbps > 0 ? m.dram_write_gbps : g.dram_gbps) * 1e9;
  // Reads and writes share the DRAM bus, so their times add.
  f.memory_seconds = read_bytes / read_bw + write_bytes / write_bw;
  double rate = compute_peak_tflops(g, p);
  bool rate_measured = false;
  if (p == Precision::FP32 && m.fp32_tflops > 0) rate = m.fp32_tflops, rate_measured = true;
  // Tensor cores: the faster measured instruction (wgmma where the GPU has it), as a floor is
  // what any kernel could reach.
  const double tensor = std::max(m.tf32_mma_tflops, m.tf32_wgmma_tflops);
  const char* instruction = m.tf32_wgmma_tflops > m.tf32_mma_tflops ? ", wgmma" : "";
  if (p == Precision::FP32) instruction = "";
  if (p == Precision::TF32 && tensor > 0) rate = tensor, rate_measured = true;
  if (p == Precision::TF32x3 && tensor > 0) rate = tensor / 3, rate_measured = true;
  f.compute_seconds = rate > 0 ? s.flops() / (rate * 1e12) : 0;
  f.measured = rate_measured && m.dram_read_gbps > 0 && m.dram_write_gbps > 0;
  char buf[256];
  if (f.memory_bound())
    snprintf(buf, sizeof buf, "%.3g GB read at %.0f GB/s + %.3g GB written at %.0f GB/s (%s)", read_bytes / 1e9, read_bw / 1e9,
             write_bytes / 1e9, write_bw / 1e9, m.dram_write_gbps > 0 ? "measured" : "datasheet");
  else
    snprintf(buf, sizeof buf, "%.3g GFLOP at %.1f TFLOP/s %s (%s%s)", s.flops() / 1e9, rate, to_string(p).c_str(),
             rate_measured ? "measured" : "datasheet", rate_measured ? instruction : "");
  f.basis = buf;
  return f;
}

Projection project(const RooflinePoint& p, const GpuSpec& measured_on, const GpuSpec& target, Precision prec) {
  Projection r;
  const RooflineVerdict here = judge(p, measured_on, prec);
  const RooflineVerdict there = judge(p, target, prec);
  r.floor_seconds = there.floor_seconds;
  r.memory_bound = there.memory_bound;
  // Capped at 1: a run that beats its roofline here (hot L2, counters below the compulsory bytes)
  // is projected to the target's floor, not past it.
  const double efficiency = here.pct_of_attainable > 0 ? std::min(1.0, here.pct_of_attainable / 100.0) : 0;
  r.projected_seconds = efficiency > 0 ? there.floor_seconds / efficiency : 0;
  return r;
}

}  // namespace gemmscope
