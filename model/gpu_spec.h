// GpuSpec: one GPU's peaks and occupancy limits, loaded from assets/gpus/*.json or read off a device.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace gemmscope {

// A figure measured on the running GPU sits beside its datasheet value, never over it.
struct MeasuredCeilings {
  double dram_write_gbps = 0, dram_read_gbps = 0, dram_copy_gbps = 0;
  double fp32_tflops = 0, tf32_mma_tflops = 0;
  double tf32_wgmma_tflops = 0;  // Hopper's wgmma (sm_90a); 0 where the GPU has none or it was not measured
  bool empty() const { return dram_write_gbps == 0 && dram_read_gbps == 0 && fp32_tflops == 0; }
};

struct GpuSpec {
  std::string key;          // file stem or "detected"
  std::string name;         // "NVIDIA GeForce RTX 4090"
  int cc_major = 0, cc_minor = 0;
  int sms = 0;
  double boost_clock_mhz = 0;
  // Datasheet peaks (dense). L2 bandwidth is often not published: 0 means unknown.
  double dram_gbps = 0, l2_gbps = 0;
  double fp32_tflops = 0, tf32_tflops = 0, fp16_tflops = 0;
  long long l2_bytes = 0, dram_bytes = 0;
  // Occupancy limits, per SM unless said otherwise.
  int max_threads_per_sm = 0, max_warps_per_sm = 0, max_blocks_per_sm = 0;
  int regs_per_sm = 65536, max_regs_per_thread = 255, max_regs_per_block = 65536;
  int max_threads_per_block = 1024;
  long long smem_per_sm = 0, max_smem_per_block = 0;    // bytes; per-block is the opt-in maximum
  int smem_reserved_per_block = 1024;                   // the driver's per-block reservation
  int reg_alloc_unit = 256, warp_alloc_granularity = 4, smem_alloc_unit = 128;
  // The shared-memory sizes an SM can be configured with (the L1/shared carveout), in KB; the
  // driver picks the smallest that keeps a kernel's occupancy. Empty: only smem_per_sm.
  std::vector<int> smem_carveouts_kb;
  int max_grid_x = 2147483647, max_grid_y = 65535, max_grid_z = 65535;
  int warp_size = 32;
  std::string source;       // where the figures come from
  MeasuredCeilings measured;

  std::string arch() const { return "sm_" + std::to_string(cc_major) + std::to_string(cc_minor); }
};

// What the driver reports about a device; the runner fills it, the model turns it into a spec.
struct DeviceAttributes {
  std::string name;
  int cc_major = 0, cc_minor = 0, sms = 0;
  long long clock_khz = 0, mem_clock_khz = 0;
  int bus_width_bits = 0;
  long long l2_bytes = 0, dram_bytes = 0;
  int max_threads_per_sm = 0, max_blocks_per_sm = 0, regs_per_sm = 0, max_regs_per_block = 0;
  int max_threads_per_block = 0, warp_size = 32;
  long long smem_per_sm = 0, max_smem_per_block_optin = 0;
  int reserved_smem_per_block = 0;
  int max_grid_x = 0, max_grid_y = 0, max_grid_z = 0;
};
// Peaks follow from clocks, widths and the architecture's per-SM rates (FP32 lanes, dense
// tensor FLOP/clock), which the model keeps in one table.
GpuSpec spec_from_attributes(const DeviceAttributes&);

// Loads one spec file; throws std::runtime_error naming the file and the bad field.
GpuSpec load_gpu_spec(const std::string& path);
// Loads every *.json in a folder, sorted by key.
std::vector<GpuSpec> load_gpu_specs(const std::string& dir);
// The folder holding the spec files: $GEMMSCOPE_ASSETS/gpus, else next to the executable, else the source tree.
std::string default_gpu_spec_dir();
std::optional<GpuSpec> find_spec(const std::vector<GpuSpec>& specs, const std::string& key);
// The spec of a device by the name its driver reports: an exact name, else one name a prefix of the
// other, else the same model ("NVIDIA H100 80GB HBM3" and "NVIDIA H100 80GB HBM3 (SXM5)").
std::optional<GpuSpec> match_spec_by_name(const std::vector<GpuSpec>& specs, const std::string& device_name);

// The spec of the GPU a run ran on, by the name its driver reported: a spec remembered with the
// runs (the store's devices table, the runner's own), else a spec file of that model, else `fallback`.
GpuSpec spec_for_device(const std::string& device_name, const std::vector<GpuSpec>& remembered, const std::vector<GpuSpec>& files,
                        const GpuSpec& fallback);

}  // namespace gemmscope
