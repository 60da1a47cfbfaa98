#include "model/gpu_spec.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "model/json_codec.h"

namespace gemmscope {

namespace {

// Per-SM, per-clock rates by architecture, from NVIDIA's architecture whitepapers (dense).
struct ArchRates {
  int cc;               // major*10 + minor
  int fp32_lanes;       // FP32 FMA lanes per SM
  int tf32_flops_clk;   // dense TF32 tensor FLOP per clock per SM
  int fp16_flops_clk;   // dense FP16 (FP32 accumulate) tensor FLOP per clock per SM
};
constexpr ArchRates kArchRates[] = {
    {70, 64, 0, 1024},   {75, 64, 0, 512},      {80, 64, 1024, 2048},  {86, 128, 256, 512},
    {87, 128, 512, 1024}, {89, 128, 256, 512},  {90, 128, 2048, 4096}, {100, 128, 2048, 4096},
    {120, 128, 256, 512},
};

const ArchRates& rates_for(int cc) {
  const ArchRates* best = &kArchRates[0];
  for (const auto& r : kArchRates)
    if (r.cc <= cc) best = &r;  // the newest architecture not newer than the device
  return *best;
}

}  // namespace

GpuSpec spec_from_attributes(const DeviceAttributes& a) {
  GpuSpec s;
  s.key = "detected";
  s.name = a.name;
  s.cc_major = a.cc_major;
  s.cc_minor = a.cc_minor;
  s.sms = a.sms;
  s.boost_clock_mhz = double(a.clock_khz) / 1e3;
  // DDR: two transfers per memory clock.
  s.dram_gbps = 2.0 * double(a.mem_clock_khz) * 1e3 * (a.bus_width_bits / 8.0) / 1e9;
  const ArchRates& r = rates_for(a.cc_major * 10 + a.cc_minor);
  const double clk_hz = double(a.clock_khz) * 1e3;
  s.fp32_tflops = a.sms * r.fp32_lanes * 2.0 * clk_hz / 1e12;
  s.tf32_tflops = a.sms * double(r.tf32_flops_clk) * clk_hz / 1e12;
  s.fp16_tflops = a.sms * double(r.fp16_flops_clk) * clk_hz / 1e12;
  s.l2_bytes = a.l2_bytes;
  s.dram_bytes = a.dram_bytes;
  s.max_threads_per_sm = a.max_threads_per_sm;
  s.max_warps_per_sm = a.max_threads_per_sm / std::max(1, a.warp_size);
  s.max_blocks_per_sm = a.max_blocks_per_sm;
  s.regs_per_sm = a.regs_per_sm;
  s.max_regs_per_block = a.max_regs_per_block;
  s.max_threads_per_block = a.max_threads_per_block;
  s.smem_per_sm = a.smem_per_sm;
  s.max_smem_per_block = a.max_smem_per_block_optin;
  s.smem_reserved_per_block = a.reserved_smem_per_block;
  s.max_grid_x = a.max_grid_x;
  s.max_grid_y = a.max_grid_y;
  s.max_grid_z = a.max_grid_z;
  s.warp_size = a.warp_size;
  // Carveout sizes by architecture (CUDA programming guide, compute capabilities table).
  if (s.cc_major == 9 || s.cc_major == 10) s.smem_carveouts_kb = {0, 8, 16, 32, 64, 100, 132, 164, 196, 228};
  else if (s.cc_major == 8 && (s.cc_minor == 0 || s.cc_minor == 7)) s.smem_carveouts_kb = {0, 8, 16, 32, 64, 100, 132, 164};
  else if (s.cc_major == 8 || s.cc_major == 12) s.smem_carveouts_kb = {0, 8, 16, 32, 64, 100};
  s.source = "detected: driver attributes; peaks = SMs x per-SM rate of sm_" + std::to_string(r.cc) +
             " x max clock " + std::to_string(int(s.boost_clock_mhz)) + " MHz";
  return s;
}

GpuSpec load_gpu_spec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("GPU spec " + path + ": cannot open");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("GPU spec " + path + ": not valid JSON (" + e.what() + ")");
  }
  try {
    return spec_from_json(j, std::filesystem::path(path).stem().string());
  } catch (const std::exception& e) {
    throw std::runtime_error("GPU spec " + path + ": " + e.what());
  }
}

std::vector<GpuSpec> load_gpu_specs(const std::string& dir) {
  std::vector<GpuSpec> specs;
  if (!std::filesystem::is_directory(dir)) throw std::runtime_error("GPU spec folder " + dir + " does not exist");
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") specs.push_back(load_gpu_spec(e.path().string()));
  std::sort(specs.begin(), specs.end(), [](const GpuSpec& a, const GpuSpec& b) { return a.key < b.key; });
  return specs;
}

std::string default_gpu_spec_dir() {
  if (const char* env = std::getenv("GEMMSCOPE_ASSETS")) return std::string(env) + "/gpus";
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = 0;
    auto dir = std::filesystem::path(buf).parent_path();
    for (auto p : {dir / "assets/gpus", dir / "../assets/gpus", dir / "../../assets/gpus", dir / "../share/gemmscope/assets/gpus"})
      if (std::filesystem::is_directory(p)) return std::filesystem::weakly_canonical(p).string();
  }
  return std::string(GEMMSCOPE_SOURCE_ASSETS) + "/gpus";
}

std::optional<GpuSpec> find_spec(const std::vector<GpuSpec>& specs, const std::string& key) {
  for (const auto& s : specs)
    if (s.key == key) return s;
  return std::nullopt;
}

std::optional<GpuSpec> match_spec_by_name(const std::vector<GpuSpec>& specs, const std::string& device) {
  if (device.empty()) return std::nullopt;
  for (const auto& s : specs)
    if (s.name == device) return s;
  for (const auto& s : specs)
    if (s.name.rfind(device, 0) == 0 || device.rfind(s.name, 0) == 0) return s;
  // The model: the words up to the second space after the vendor ("NVIDIA H100 80GB").
  const size_t cut = device.find(' ', 7);
  const std::string model = device.substr(0, cut);
  if (cut != std::string::npos)
    for (const auto& s : specs)
      if (s.name.find(model) != std::string::npos) return s;
  return std::nullopt;
}

GpuSpec spec_for_device(const std::string& device, const std::vector<GpuSpec>& remembered, const std::vector<GpuSpec>& files,
                        const GpuSpec& fallback) {
  for (const auto& s : remembered)
    if (s.name == device) return s;
  if (auto s = match_spec_by_name(files, device)) return *s;
  return fallback;
}

}  // namespace gemmscope
