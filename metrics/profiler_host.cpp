#include "metrics/profiler_host.h"

#include <cmath>
#include <stdexcept>

#include "metrics/cupti_check.h"
#include "model/metric_catalog.h"

namespace gemmscope {

namespace {

void deinit_host_object(CUpti_Profiler_Host_Object* object) {
  if (!object) return;
  CUpti_Profiler_Host_Deinitialize_Params p{CUpti_Profiler_Host_Deinitialize_Params_STRUCT_SIZE};
  p.pHostObject = object;
  cuptiProfilerHostDeinitialize(&p);  // nothing useful to do on failure while cleaning up
}

HostObjectPtr make_host_object(const std::string& chip, const uint8_t* availability, CUpti_ProfilerType type) {
  CUpti_Profiler_Host_Initialize_Params p{CUpti_Profiler_Host_Initialize_Params_STRUCT_SIZE};
  p.profilerType = type;
  p.pChipName = chip.c_str();
  p.pCounterAvailabilityImage = availability;
  const CUptiResult r = cuptiProfilerHostInitialize(&p);
  if (r == CUPTI_ERROR_INVALID_CHIP_NAME) {
    std::string known;
    for (const std::string& c : supported_chips()) known += (known.empty() ? "" : " ") + c;
    throw std::invalid_argument("CUPTI does not know chip '" + chip + "'; known chips: " + known);
  }
  check_cupti(r, "cuptiProfilerHostInitialize", __FILE__, __LINE__);
  return HostObjectPtr(p.pHostObject, deinit_host_object);
}

CUptiResult add_metrics(CUpti_Profiler_Host_Object* object, const std::vector<const char*>& names) {
  CUpti_Profiler_Host_ConfigAddMetrics_Params p{CUpti_Profiler_Host_ConfigAddMetrics_Params_STRUCT_SIZE};
  p.pHostObject = object;
  p.ppMetricNames = const_cast<const char**>(names.data());
  p.numMetrics = names.size();
  return cuptiProfilerHostConfigAddMetrics(&p);
}

// Why CUPTI refuses one metric, in words.
std::string refusal_reason(const std::string& chip, const std::string& metric, CUptiResult r, CUpti_ProfilerType type) {
  if (const MetricInfo* m = find_metric(metric)) {
    if (m->source == MetricSource::Launch)
      return "a launch attribute, not a counter: the runner records it from the launch";
    if (m->source == MetricSource::Derived) return "computed by gemmscope: collect its inputs (counter_metrics())";
  }
  HostObjectPtr probe = make_host_object(chip, nullptr, type);
  const std::string base = metric.substr(0, metric.find('.'));
  CUpti_Profiler_Host_GetMetricProperties_Params p{CUpti_Profiler_Host_GetMetricProperties_Params_STRUCT_SIZE};
  p.pHostObject = probe.get();
  p.pMetricName = base.c_str();
  if (cuptiProfilerHostGetMetricProperties(&p) != CUPTI_SUCCESS)
    return "no metric '" + base + "' on " + chip + (type == CUPTI_PROFILER_TYPE_PM_SAMPLING ? " for PM sampling" : "") + " (" +
           cupti_result_text(r) + ")";
  return "'" + base + "' exists on " + chip + " but not with this rollup/submetric (" + cupti_result_text(r) + ")";
}

// Names every metric of `names` that CUPTI refuses for the chip on its own; empty when each is accepted.
std::string refused_metrics(const std::string& chip, const std::vector<std::string>& names, CUpti_ProfilerType type) {
  std::string refused;
  for (const std::string& n : names) {
    HostObjectPtr one = make_host_object(chip, nullptr, type);
    const char* name = n.c_str();
    const CUptiResult r = add_metrics(one.get(), {name});
    if (r != CUPTI_SUCCESS) refused += (refused.empty() ? "" : "; ") + n + ": " + refusal_reason(chip, n, r, type);
  }
  return refused;
}

}  // namespace

HostConfig::HostConfig(const std::string& chip, const uint8_t* availability, std::vector<std::string> names,
                       CUpti_ProfilerType type)
    : metrics(std::move(names)), object(nullptr, deinit_host_object) {
  for (const std::string& m : metrics) metric_ptrs.push_back(m.c_str());
  object = make_host_object(chip, availability, type);
  const CUptiResult r = add_metrics(object.get(), metric_ptrs);
  if (r != CUPTI_SUCCESS) {
    const std::string refused = refused_metrics(chip, metrics, type);
    if (!refused.empty()) throw std::invalid_argument("CUPTI refuses metric(s) for chip " + chip + ": " + refused);
    check_cupti(r, "cuptiProfilerHostConfigAddMetrics", __FILE__, __LINE__);
  }
  CUpti_Profiler_Host_GetConfigImageSize_Params size{CUpti_Profiler_Host_GetConfigImageSize_Params_STRUCT_SIZE};
  size.pHostObject = object.get();
  GEMMSCOPE_CUPTI(cuptiProfilerHostGetConfigImageSize, &size);
  image.resize(size.configImageSize);
  CUpti_Profiler_Host_GetConfigImage_Params get{CUpti_Profiler_Host_GetConfigImage_Params_STRUCT_SIZE};
  get.pHostObject = object.get();
  get.configImageSize = image.size();
  get.pConfigImage = image.data();
  GEMMSCOPE_CUPTI(cuptiProfilerHostGetConfigImage, &get);
  CUpti_Profiler_Host_GetNumOfPasses_Params np{CUpti_Profiler_Host_GetNumOfPasses_Params_STRUCT_SIZE};
  np.configImageSize = image.size();
  np.pConfigImage = image.data();
  GEMMSCOPE_CUPTI(cuptiProfilerHostGetNumOfPasses, &np);
  passes = static_cast<int>(np.numOfPasses);
}

std::vector<double> HostConfig::evaluate(const std::vector<uint8_t>& counter_data, size_t index) const {
  std::vector<double> values(metrics.size(), NAN);
  CUpti_Profiler_Host_EvaluateToGpuValues_Params eval{CUpti_Profiler_Host_EvaluateToGpuValues_Params_STRUCT_SIZE};
  eval.pHostObject = object.get();
  eval.pCounterDataImage = counter_data.data();
  eval.counterDataImageSize = counter_data.size();
  eval.rangeIndex = index;
  eval.ppMetricNames = const_cast<const char**>(metric_ptrs.data());
  eval.numMetrics = metric_ptrs.size();
  eval.pMetricValues = values.data();
  GEMMSCOPE_CUPTI(cuptiProfilerHostEvaluateToGpuValues, &eval);
  return values;
}

std::vector<std::string> supported_chips() {
  CUpti_Profiler_Host_GetSupportedChips_Params p{CUpti_Profiler_Host_GetSupportedChips_Params_STRUCT_SIZE};
  GEMMSCOPE_CUPTI(cuptiProfilerHostGetSupportedChips, &p);
  std::vector<std::string> names;
  for (size_t i = 0; i < p.numChips; ++i) names.emplace_back(p.ppChipNames[i]);
  return names;
}

}  // namespace gemmscope
