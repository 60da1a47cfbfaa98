// Roofline math: intensity, attainable rate, bound, achieved ratios, projection onto another GPU.
#pragma once
#include <string>
#include <vector>
#include "gpu_spec.h"
#include "kernel_config.h"

namespace gemmscope {

// Which compute ceiling a run is held against.
double compute_peak_tflops(const GpuSpec&, Precision);
// A ceiling of a spec, for plotting: label, and either a bandwidth (GB/s) or a rate (TFLOP/s).
struct Ceiling {
  std::string label;      // "DRAM", "L2", "FP32", "TF32 mma.sync (measured)"; copy bandwidth is not a ceiling of its own
  bool is_bandwidth = false;
  double value = 0;       // GB/s or TFLOP/s
  bool measured = false;
};
std::vector<Ceiling> ceilings(const GpuSpec&);

struct RooflinePoint {
  double flops = 0, bytes = 0, seconds = 0;
  double intensity() const { return bytes > 0 ? flops / bytes : 0; }  // FLOP/byte
  double tflops() const { return seconds > 0 ? flops / seconds / 1e12 : 0; }
  double gbps() const { return seconds > 0 ? bytes / seconds / 1e9 : 0; }
};

struct RooflineVerdict {
  double attainable_tflops = 0;   // min(compute peak, DRAM bandwidth x intensity)
  double ridge_intensity = 0;     // FLOP/byte where the two meet
  bool memory_bound = false;
  double pct_of_attainable = 0;   // achieved / attainable, in %
  double pct_of_compute_peak = 0, pct_of_dram_peak = 0;
  double floor_seconds = 0;       // the roofline's lower bound on time
};
RooflineVerdict judge(const RooflinePoint&, const GpuSpec&, Precision);

// The physical floor of a problem on a GPU: the compulsory bytes (A and B read once, C written
// once) at the measured read and write bandwidths where known (else the datasheet DRAM figure),
// and the FLOPs at the precision's measured rate where known (else the datasheet). The floor is
// the larger: no kernel runs much faster.
struct PhysicalFloor {
  double memory_seconds = 0, compute_seconds = 0;
  double seconds() const { return memory_seconds > compute_seconds ? memory_seconds : compute_seconds; }
  bool memory_bound() const { return memory_seconds >= compute_seconds; }
  bool measured = false;       // both terms came from measured ceilings
  std::string basis;           // e.g. "4.29 GB written at 3180 GB/s (measured)"
};
PhysicalFloor physical_floor(const ProblemShape&, const GpuSpec&, Precision);

// Time the same work would take on another GPU: at its roofline floor, and at the same
// fraction of attainable as achieved here (the usual first-order projection; at most 100 %).
struct Projection {
  double floor_seconds = 0;
  double projected_seconds = 0;
  bool memory_bound = false;
};
Projection project(const RooflinePoint&, const GpuSpec& measured_on, const GpuSpec& target, Precision);

}  // namespace gemmscope
