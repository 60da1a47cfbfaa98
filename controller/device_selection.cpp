#include "controller/device_selection.h"

#include <algorithm>
#include <stdexcept>

namespace gemmscope {

namespace {

std::string trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

DeviceSelection parse_device_selection(const std::string& text) {
  const std::string what = "'" + text + "'";
  const std::string rule = "give all, or device indices 0-" + std::to_string(kMaxDeviceIndex) + " separated by commas (0,2,3)";
  DeviceSelection s;
  if (trimmed(text) == "all") {
    s.all = true;
    return s;
  }
  if (trimmed(text).empty()) throw std::invalid_argument(what + ": names no device; " + rule);
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    const std::string item = trimmed(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (item.empty()) throw std::invalid_argument(what + ": an empty entry between commas; " + rule);
    if (item == "all") throw std::invalid_argument(what + ": all stands alone, not in a list; " + rule);
    if (!std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; }))
      throw std::invalid_argument(what + ": '" + item + "' is not a device index; " + rule);
    if (item.size() > 4 || std::stoi(item) > kMaxDeviceIndex)
      throw std::invalid_argument(what + ": device " + item + " is past the largest index, " + std::to_string(kMaxDeviceIndex));
    const int d = std::stoi(item);
    if (std::find(s.indices.begin(), s.indices.end(), d) != s.indices.end())
      throw std::invalid_argument(what + ": device " + item + " is named twice (one runner a GPU)");
    s.indices.push_back(d);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return s;
}

PoolOptions pool_options(const std::vector<std::string>& runner, const DeviceSelection& local,
                         const std::vector<std::vector<std::string>>& commands) {
  PoolOptions p;
  auto on_device = [&](int d) {
    std::vector<std::string> c = runner;
    c.push_back("--device");
    c.push_back(std::to_string(d));
    return c;
  };
  if (local.all) {
    // Device 0's runner counts the others (RunnerPool::hello); they join after it.
    p.commands.push_back(on_device(0));
    p.every_device = runner;
  }
  for (const int d : local.indices) p.commands.push_back(on_device(d));
  for (const auto& c : commands) {
    if (c.empty()) throw std::invalid_argument("a runner command is empty");
    p.commands.push_back(c);
  }
  if (p.commands.empty()) throw std::invalid_argument("no runner: name devices or give a runner command");
  return p;
}

}  // namespace gemmscope
