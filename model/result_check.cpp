#include "model/result_check.h"

#include <cmath>
#include <cstdio>

#include "model/roofline.h"
#include "model/run_roofline.h"

namespace gemmscope {

namespace {
std::string num(double v) {
  char b[48];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}
}  // namespace

std::string implausibility(const RunResult& r, const GpuSpec& spec) {
  const bool timed = r.disposition == Disposition::Passed || r.disposition == Disposition::Incorrect;
  if (!timed) return "";
  for (auto [name, v] : {std::pair{"ms_median", r.ms_median}, {"ms_min", r.ms_min}, {"ms_max", r.ms_max}})
    if (!std::isfinite(v) || v <= 0) return std::string(name) + "=" + num(v) + " ms: a timed run's time must be positive and finite";
  if (r.ms_min > r.ms_median * 1.000001 || r.ms_median > r.ms_max * 1.000001)
    return "times out of order: min " + num(r.ms_min) + ", median " + num(r.ms_median) + ", max " + num(r.ms_max) + " ms";
  if (r.reps < 1) return "reps=" + std::to_string(r.reps) + ": a timed run has at least one rep";
  if (!std::isfinite(r.tflops) || r.tflops < 0) return "tflops=" + num(r.tflops) + ": must be finite and non-negative";
  const double expected = r.config.shape.flops() / (r.ms_median * 1e-3) / 1e12;
  if (std::fabs(r.tflops - expected) > 0.02 * expected + 1e-9)
    return "tflops=" + num(r.tflops) + " disagrees with 2MNK over the median time (" + num(expected) + ")";
  // Nominal work at more than the precision's peak is impossible; a quarter above it allows for
  // clocks over the datasheet's.
  const double peak = compute_peak_tflops(spec, run_precision(r));
  if (peak > 0 && r.tflops > 1.25 * peak)
    return "tflops=" + num(r.tflops) + " exceeds the " + num(peak) + " TFLOP/s " + to_string(run_precision(r)) + " peak of " + spec.name;
  if (!std::isfinite(r.gbps) || r.gbps < 0) return "gbps=" + num(r.gbps) + ": must be finite and non-negative";
  if (r.verify.checked && (!std::isfinite(r.verify.rel_fro_error) || r.verify.rel_fro_error < 0) && r.verify.nonfinite == 0)
    return "rel_fro_error=" + num(r.verify.rel_fro_error) + ": must be finite and non-negative";
  if (r.verify.mismatches < 0 || r.verify.nonfinite < 0) return "negative mismatch counts";
  if (r.registers < 0 || r.registers > 255) return "registers=" + std::to_string(r.registers) + ": must be 0..255";
  return "";
}

}  // namespace gemmscope
