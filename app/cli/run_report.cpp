#include "app/cli/run_report.h"

#include <cstdio>

#include "model/occupancy.h"
#include "model/roofline.h"
#include "model/run_roofline.h"

namespace gemmscope::cli {

namespace {

std::string fmt(const char* f, double a) {
  char b[64];
  snprintf(b, sizeof b, f, a);
  return b;
}

std::string here_line(const RunRoofline& rr, const GpuSpec& s) {
  const RooflineVerdict& v = rr.here;
  return s.name + ": " + fmt("%.1f%%", v.pct_of_compute_peak) + " of " + to_string(rr.precision) + " peak (" +
         fmt("%.1f", compute_peak_tflops(s, rr.precision)) + " TFLOP/s), " + fmt("%.1f%%", v.pct_of_dram_peak) + " of DRAM (" +
         fmt("%.0f", s.dram_gbps) + " GB/s), " + fmt("%.1f%%", v.pct_of_attainable) + " of attainable; roofline floor " +
         fmt("%.3f ms", v.floor_seconds * 1e3) + " (" + (v.memory_bound ? "memory" : "compute") + "-bound)";
}

std::string reference_line(const RunRoofline& rr, const GpuSpec& ref) {
  return "projected onto " + ref.name + ": " + fmt("%.3f ms", rr.projection.projected_seconds * 1e3) + ", " +
         fmt("%.1f%%", rr.reference_pct_of_compute_peak) + " of its " + to_string(rr.precision) + " peak (" +
         fmt("%.1f", compute_peak_tflops(ref, rr.precision)) + " TFLOP/s), " + fmt("%.1f%%", rr.reference_pct_of_dram_peak) +
         " of its DRAM (" + fmt("%.0f", ref.dram_gbps) + " GB/s), at this run's share of its roofline here; floor there " +
         fmt("%.3f ms", rr.projection.floor_seconds * 1e3) + " (" + (rr.projection.memory_bound ? "memory" : "compute") + "-bound)";
}

}  // namespace

std::string describe_run(const RunResult& r, const GpuSpec& here, const GpuSpec& ref) {
  std::string s;
  auto line = [&](const std::string& k, const std::string& v) { s += k + std::string(12 - std::min<size_t>(11, k.size()), ' ') + v + "\n"; };
  line("config", r.config_name);
  line("device", r.device + (r.arch.empty() ? "" : " (" + r.arch + ")"));
  line("status", to_string(r.disposition) + (r.reason.empty() ? "" : ": " + r.reason));
  if (r.reps == 0) return s;
  line("time", fmt("%.4f ms", r.ms_median) + " median of " + std::to_string(r.reps) + fmt(" (min %.4f", r.ms_min) +
                   fmt(", max %.4f)", r.ms_max) + (r.l2_flushed ? ", L2 flushed" : ", hot L2"));
  line("rate", fmt("%.2f TFLOP/s", r.tflops) + fmt("   %.1f GB/s", r.gbps) + " (nominal: 2MNK FLOPs; A, B read and C written once)");
  const RunRoofline rr = run_roofline(r, here, ref);
  line("% of peak", here_line(rr, here) + (rr.bytes_from_counters ? " [bytes: DRAM counters]" : " [bytes: compulsory traffic]"));
  line("reference", reference_line(rr, ref));
  if (r.verify.checked)
    line("error", fmt("rel. Frobenius %.3g", r.verify.rel_fro_error) + fmt(", max abs %.3g", r.verify.max_abs_error) +
                      "; allclose(atol=1e-4, rtol=1e-4): " +
                      (r.verify.allclose() ? std::string("PASS")
                                           : "FAIL (" + std::to_string(r.verify.mismatches) + " elements" +
                                                 (r.verify.nonfinite ? ", " + std::to_string(r.verify.nonfinite) + " not finite" : "") + ")"));
  if (r.block_size > 0) {  // cuBLAS runs have one only when the launch was recorded
    const bool jit = !r.config.family.empty() && r.config.family != "cublas";
    if (r.config.family == "cublas") line("launched", r.launched_kernel);
    line("kernel", std::to_string(r.registers) + " regs/thread, " + std::to_string(r.static_smem) + " B static + " +
                       std::to_string(r.dynamic_smem) + " B dynamic smem, " + std::to_string(r.local_bytes) + " B local; grid " +
                       std::to_string(r.grid_size) + ", block " + std::to_string(r.block_size) +
                       (r.smem_config_bytes > 0 ? ", " + std::to_string(r.smem_config_bytes / 1024) + " KB shared memory configured" : "") +
                       (!jit ? "" : r.jit_cache_hit ? ", JIT cache hit" : fmt(", compiled in %.0f ms", r.compile_ms)));
    const int64_t smem = r.static_smem + r.dynamic_smem;
    const Occupancy oh = theoretical_occupancy(here, int(r.block_size), r.registers, smem, r.smem_config_bytes);
    const Occupancy orf = theoretical_occupancy(ref, int(r.block_size), r.registers, smem);
    line("occupancy", "theoretical " + fmt("%.1f%%", 100 * oh.fraction) + " here (" + std::to_string(oh.blocks_per_sm) +
                          " blocks/SM, limited by " + oh.limiter + "); " + fmt("%.1f%%", 100 * orf.fraction) + " on " + ref.name +
                          " (" + std::to_string(orf.blocks_per_sm) + " blocks/SM, " + orf.limiter + ")");
  }
  if (!r.metrics.empty()) {
    s += "metrics:\n";
    for (const auto& [k, v] : r.metrics) {
      char b[256];
      snprintf(b, sizeof b, "  %-58s %16.6g %-10s %s\n", k.c_str(), v.value, v.unit.c_str(), v.source == "cupti" ? "" : ("[" + v.source + "]").c_str());
      s += b;
    }
  }
  if (!r.metrics_note.empty()) line("counters", r.metrics_note);
  if (!r.timeline.empty()) {
    // Each curve's level at the start, middle and end of the launch, and its mean: a tail or a
    // slow start shows as an edge lower than the middle.
    line("timeline", r.timeline.note);
    const size_t n = r.timeline.t_us.size();
    for (const auto& c : r.timeline.curves) {
      double sum = 0;
      for (double v : c.pct) sum += v;
      auto at = [&](double f) { return c.pct[std::min(n - 1, size_t(f * double(n - 1) + 0.5))]; };
      char b[200];
      snprintf(b, sizeof b, "  %-20s mean %5.1f %%   at 10/50/90 %% of the launch: %5.1f %5.1f %5.1f %%\n", c.label.c_str(), sum / double(n), at(0.1),
               at(0.5), at(0.9));
      s += b;
    }
  } else if (!r.timeline.note.empty()) {
    line("timeline", r.timeline.note);
  }
  return s;
}

std::string table_header() {
  char b[256];
  snprintf(b, sizeof b, "%-56s %-12s %10s %9s %9s %10s %5s %6s", "config", "status", "ms", "TFLOP/s", "GB/s", "rel.err", "regs", "occ%");
  return b;
}

std::string table_row(const RunResult& r, const GpuSpec&) {
  char b[512];
  snprintf(b, sizeof b, "%-56s %-12s %10.4f %9.2f %9.1f %10.3g %5d %6.1f", r.config_name.c_str(), to_string(r.disposition).c_str(),
           r.ms_median, r.tflops, r.gbps, r.verify.rel_fro_error, r.registers, 100 * r.occupancy_theoretical);
  return b;
}

}  // namespace gemmscope::cli
