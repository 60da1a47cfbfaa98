#include "controller/ceiling_cache.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "controller/result_store.h"
#include "model/json_codec.h"
#include "model/run_result.h"

namespace gemmscope {

std::string default_ceiling_cache_path() {
  if (const char* e = std::getenv("GEMMSCOPE_CEILINGS")) return e;
  return (std::filesystem::path(default_store_path()).parent_path() / "ceilings.json").string();
}

namespace {
nlohmann::json read_all(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nlohmann::json::object();
  try {
    nlohmann::json j;
    in >> j;
    return j.is_object() ? j : nlohmann::json::object();
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json::object();  // a damaged cache is re-measured, not fatal
  }
}
}  // namespace

std::optional<MeasuredCeilings> load_ceilings(const std::string& path, const std::string& device) {
  const nlohmann::json all = read_all(path);
  if (!all.contains(device)) return std::nullopt;
  MeasuredCeilings c;
  const auto& m = all.at(device);
  c.dram_write_gbps = m.value("dram_write_gbps", 0.0);
  c.dram_read_gbps = m.value("dram_read_gbps", 0.0);
  c.dram_copy_gbps = m.value("dram_copy_gbps", 0.0);
  c.fp32_tflops = m.value("fp32_tflops", 0.0);
  c.tf32_mma_tflops = m.value("tf32_mma_tflops", 0.0);
  c.tf32_wgmma_tflops = m.value("tf32_wgmma_tflops", 0.0);
  if (c.empty()) return std::nullopt;
  return c;
}

void save_ceilings(const std::string& path, const std::string& device, const MeasuredCeilings& c) {
  nlohmann::json all = read_all(path);
  all[device] = {{"dram_write_gbps", c.dram_write_gbps}, {"dram_read_gbps", c.dram_read_gbps}, {"dram_copy_gbps", c.dram_copy_gbps},
                 {"fp32_tflops", c.fp32_tflops},         {"tf32_mma_tflops", c.tf32_mma_tflops}, {"measured_at", utc_now()}};
  if (c.tf32_wgmma_tflops > 0) all[device]["tf32_wgmma_tflops"] = c.tf32_wgmma_tflops;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::ofstream out(path);
  if (!out) throw std::runtime_error("ceiling cache " + path + ": cannot write");
  out << all.dump(2) << "\n";
}

}  // namespace gemmscope
