// CUPTI's host side, shared by the range profiler and the PM sampler: a metric set's config image,
// its pass count, and the object that evaluates counter data into metric values. Needs no GPU: given a
// chip name ("GH100", "AD102") it runs in CI.
#pragma once
#include <cupti_profiler_host.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gemmscope {

using HostObjectPtr = std::unique_ptr<CUpti_Profiler_Host_Object, void (*)(CUpti_Profiler_Host_Object*)>;

// A host object holding one metric set for one profiler type (range profiler or PM sampling), its
// config image and pass count. Throws std::invalid_argument naming every metric CUPTI refuses and
// why, or the chip when CUPTI does not know it; std::runtime_error naming the CUPTI call otherwise.
struct HostConfig {
  std::vector<std::string> metrics;
  std::vector<const char*> metric_ptrs;  // into `metrics`
  HostObjectPtr object;
  std::vector<uint8_t> image;
  int passes = 0;

  HostConfig(const std::string& chip, const uint8_t* counter_availability, std::vector<std::string> names,
             CUpti_ProfilerType type);

  // Every metric of the set for range (or sample) `index` of a decoded counter data image.
  std::vector<double> evaluate(const std::vector<uint8_t>& counter_data, size_t index) const;
};

// The chip names CUPTI's host API accepts.
std::vector<std::string> supported_chips();

}  // namespace gemmscope
