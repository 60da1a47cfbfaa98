// RunResult: what one run of one config produced, with a disposition and the reason when it did not pass.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include "kernel_config.h"
#include "model/counter_timeline.h"

namespace gemmscope {

// As the CUTLASS profiler does: a run either passed, or says which way it did not.
enum class Disposition {
  Passed,        // ran, verified within its precision's bound
  Incorrect,     // ran, but the error exceeds the bound (never reported as fast)
  Invalid,       // the config breaks a rule (validate); never compiled
  CompileError,  // NVRTC refused it; the log is in `reason`
  LaunchError,   // launch or CUDA error (a fault included)
  Timeout,       // the watchdog killed the runner
  Crashed,       // the runner died
  NoDevice,      // no GPU, or the runner could not start
  NotRun
};
std::string to_string(Disposition);
// ISO-8601 UTC now, for created_at.
std::string utc_now();
Disposition parse_disposition(const std::string&);

struct Verification {
  bool checked = false;
  double rel_fro_error = 0;     // ||C - ref||_F / ||ref||_F, reference cuBLAS pedantic FP32
  double max_abs_error = 0;
  int64_t mismatches = 0;       // elements failing |c - r| <= atol + rtol*|r|
  int64_t nonfinite = 0;
  double atol = 1e-4, rtol = 1e-4;
  bool allclose() const { return checked && mismatches == 0 && nonfinite == 0; }
};

// A metric value with where it came from ("cupti", "launch" for the runner's own record).
struct MetricValue {
  double value = 0;
  std::string unit;
  std::string source;
};

struct RunResult {
  int64_t id = 0;                 // store row id, 0 until stored
  KernelConfig config;
  std::string config_name;
  std::string device;             // GPU name as detected: the model (device_model_key)
  std::string arch;               // "sm_90"
  // Which GPU of a pool measured it: its CUDA ordinal on its host (-1: not said, as runs stored
  // before pools) and its UUID, which also tells apart device 0 of two hosts.
  int device_index = -1;
  std::string device_uuid;
  Disposition disposition = Disposition::NotRun;
  std::string reason;
  // Timing (ms), over `reps` timed launches after warm-up.
  double ms_median = 0, ms_min = 0, ms_max = 0;
  int reps = 0;
  bool l2_flushed = true;
  double tflops = 0, gbps = 0;    // nominal work: 2MNK FLOPs, A+B read once, C written once
  Verification verify;
  // Compiled kernel (main step).
  int registers = 0;
  int64_t static_smem = 0, dynamic_smem = 0, local_bytes = 0;
  int64_t grid_size = 0, block_size = 0;
  int occupancy_blocks_per_sm = 0;     // the model's calculator, on the running GPU
  double occupancy_theoretical = 0;    // on the running GPU
  int occupancy_blocks_per_sm_driver = 0;  // cuOccupancyMaxActiveBlocksPerMultiprocessor, as a cross-check
  int registers_driver = 0;                // cuFuncGetAttribute, as a cross-check of the cubin reading
  int64_t static_smem_driver = 0;
  // From CUPTI's record of the launch (0 / empty where none was made): the shared memory per SM
  // the driver configured, and the kernel described (for cuBLAS, the one it chose).
  int64_t smem_config_bytes = 0;
  std::string launched_kernel;
  double compile_ms = 0;
  bool jit_cache_hit = false;
  std::map<std::string, MetricValue> metrics;
  std::string metrics_note;            // why counters are missing, when they are
  CounterTimeline timeline;            // with RunOptions::timeline: counters over one launch
  std::string created_at;              // ISO-8601 UTC
  std::string commit;                  // build's git commit
  std::string card_hash;               // a kernel card's version (card and source), "" for built-in families
  int64_t seed = 0;
};

// The key results are grouped by when a pool mixes GPU models, so that only runs of one model are
// compared: the driver's device name (two H200s share it, an H100 has its own), which is also the
// store's indexed `device` column; the architecture where a run has no name (it never reached a GPU).
std::string device_model_key(const RunResult&);

}  // namespace gemmscope
