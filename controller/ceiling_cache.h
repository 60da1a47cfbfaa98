// Measured ceilings are taken once per device and kept in the user's data folder, keyed by the
// device name, so floors and rooflines use them without re-measuring.
#pragma once
#include <optional>
#include <string>
#include "model/gpu_spec.h"

namespace gemmscope {

// $GEMMSCOPE_CEILINGS, else next to the default store: .../gemmscope/ceilings.json
std::string default_ceiling_cache_path();
std::optional<MeasuredCeilings> load_ceilings(const std::string& path, const std::string& device_name);
// Adds or replaces this device's entry; throws naming the path on failure.
void save_ceilings(const std::string& path, const std::string& device_name, const MeasuredCeilings&);

}  // namespace gemmscope
