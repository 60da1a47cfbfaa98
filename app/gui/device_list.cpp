#include "app/gui/device_list.h"

#include <stdexcept>

#include "controller/device_selection.h"
#include "controller/shell_words.h"

namespace gemmscope {

std::string short_uuid(const std::string& uuid) {
  if (uuid.empty()) return "-";
  // nvidia-smi's form, GPU-<8 hex>-...: its first group tells a host's GPUs apart.
  if (uuid.rfind("GPU-", 0) == 0)
    if (const size_t dash = uuid.find('-', 4); dash != std::string::npos && dash > 4) return uuid.substr(0, dash);
  return uuid.size() <= 20 ? uuid : uuid.substr(0, 16) + "...";
}

std::string gpu_label(int device_index, size_t slot) {
  return device_index >= 0 ? "gpu" + std::to_string(device_index) : "runner " + std::to_string(slot);
}

std::string run_gpu_label(int device_index) { return device_index >= 0 ? "gpu" + std::to_string(device_index) : "-"; }

std::string runner_state(const RunnerInfo& r, const RunnerProgress* p) {
  if (p && p->state == MemberState::Removed)
    return "out of the pool" + (p->last_failure.empty() ? std::string() : ": " + p->last_failure);
  if (!r.ok) return "no GPU: " + r.error;
  if (p && p->busy) return "busy";
  return "ready";
}

std::vector<std::string> args_without_pool(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--devices=", 0) == 0 || a.rfind("--runner-cmd=", 0) == 0 || a.rfind("--size=", 0) == 0) continue;
    if (a == "--devices" || a == "--size") {
      ++i;  // its value
      continue;
    }
    if (a == "--runner-cmd") {
      // It takes every value up to the next option.
      while (i + 1 < args.size() && args[i + 1].rfind("-", 0) != 0) ++i;
      continue;
    }
    out.push_back(a);
  }
  return out;
}

std::vector<std::string> pool_args(const std::string& devices, const std::vector<std::string>& runner_cmds) {
  std::vector<std::string> out;
  if (devices.find_first_not_of(" \t") != std::string::npos) {
    try {
      parse_device_selection(devices);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--devices ") + e.what());
    }
    out.insert(out.end(), {"--devices", devices});
  }
  for (const std::string& text : runner_cmds) {
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      split_shell_words(text);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--runner-cmd ") + e.what());
    }
    // One flag a command: a command's own words may start with '-', which would end a take_all list.
    out.insert(out.end(), {"--runner-cmd", text});
  }
  return out;
}

}  // namespace gemmscope
