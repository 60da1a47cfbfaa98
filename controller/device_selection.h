// Which GPUs a session runs on, as the user names them (--devices all|0,2,3, --runner-cmd), and
// the runner pool that follows. Shared by the CLI and (later) the GUI's device list.
#pragma once
#include <string>
#include <vector>

#include "controller/runner_pool.h"

namespace gemmscope {

inline constexpr int kMaxDeviceIndex = 1023;  // as --device's range

struct DeviceSelection {
  bool all = false;          // every device the first runner's host counts
  std::vector<int> indices;  // otherwise these, in the order given, none twice
};

// "all", or device indices separated by commas ("0,2,3"; blanks around them are allowed).
// Throws std::invalid_argument naming the value and the rule it breaks.
DeviceSelection parse_device_selection(const std::string& text);

// The pool for local devices (`runner` is the local runner's command, to which "--device N" is
// added; an empty selection names no local runner) and the commands given as they are (remote
// runners, say). Throws std::invalid_argument when that names no runner at all.
PoolOptions pool_options(const std::vector<std::string>& runner, const DeviceSelection& local,
                         const std::vector<std::vector<std::string>>& commands);

}  // namespace gemmscope
