// The roofline reading of one run, the one every printer uses (CLI, GUI panels, reports): its
// point, its verdict on the GPU it ran on, and its projection onto a reference GPU.
#pragma once
#include <string>
#include <vector>

#include "model/gpu_spec.h"
#include "model/roofline.h"
#include "model/run_result.h"

namespace gemmscope {

// The five metrics of the seed documents, by Nsight Compute name.
const std::vector<std::string>& seed_metric_names();

// The arithmetic a run's config ran (its family's reading of the config; FP32 when the family is unknown).
Precision run_precision(const RunResult&);

struct RunRoofline {
  // FLOPs are the nominal 2MNK; bytes are DRAM read + written when those counters were collected,
  // else the compulsory traffic (A and B read once, C written once).
  RooflinePoint point;
  bool bytes_from_counters = false;
  Precision precision = Precision::FP32;
  RooflineVerdict here;          // on the GPU the run ran on
  // Onto the reference GPU, at this run's share of its roofline here (capped at 100 %, so a figure
  // shown for the reference never claims more than its peaks).
  Projection projection;
  double reference_tflops = 0, reference_pct_of_compute_peak = 0, reference_pct_of_dram_peak = 0;
  bool measured() const { return point.seconds > 0; }
};
// ran_on: the spec of the GPU the run was measured on (not necessarily this machine's).
RunRoofline run_roofline(const RunResult&, const GpuSpec& ran_on, const GpuSpec& reference);
// The same in two steps, for views that keep a few figures of a run and not the run: the part no
// spec changes (point, where its bytes came from, precision), then its verdict and projection.
RunRoofline roofline_point(const RunResult&);
RunRoofline judge_roofline(RunRoofline point, const GpuSpec& ran_on, const GpuSpec& reference);

}  // namespace gemmscope
