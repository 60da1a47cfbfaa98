// CUPTI Range Profiler wrapper: host side (config images, passes, evaluation; no context) and target
// side (enable, set config, start/stop around one launch sequence, decode; one per context).
#include "metrics/range_profiler.h"

#include <cupti_profiler_target.h>
#include <cupti_range_profiler.h>
#include <cupti_result.h>
#include <cupti_target.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "metrics/cupti_check.h"
#include "model/metric_catalog.h"
#include "metrics/profiler_host.h"

namespace gemmscope {

namespace {

constexpr const char* kDurationMetric = "gpu__time_duration.sum";
constexpr size_t kMaxRanges = 64;  // kernels one launch_once may issue

std::vector<std::string> with_duration(const std::vector<std::string>& metrics) {
  std::vector<std::string> out;
  for (const std::string& m : metrics)
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  if (std::find(out.begin(), out.end(), kDurationMetric) == out.end()) out.emplace_back(kDurationMetric);
  return out;
}

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Combines one metric's per-range values by its rollup (see the header).
double combine_ranges(const std::string& metric, const std::vector<double>& values, const std::vector<double>& ns) {
  if (values.size() == 1) return values[0];
  if (ends_with(metric, ".sum")) {
    double sum = 0;
    for (double v : values) sum += v;
    return sum;
  }
  if (ends_with(metric, ".max")) return *std::max_element(values.begin(), values.end());
  if (ends_with(metric, ".min")) return *std::min_element(values.begin(), values.end());
  double weighted = 0, total = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    weighted += values[i] * ns[i];
    total += ns[i];
  }
  return total > 0 ? weighted / total : NAN;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::string support_level(CUpti_Profiler_Support_Level level) {
  switch (level) {
    case CUPTI_PROFILER_CONFIGURATION_SUPPORTED: return "supported";
    case CUPTI_PROFILER_CONFIGURATION_DISABLED: return "disabled";
    case CUPTI_PROFILER_CONFIGURATION_UNSUPPORTED: return "unsupported";
    default: return "unknown";
  }
}

}  // namespace

// [SECTION] Target side

struct RangeProfiler::State {
  CUcontext ctx = nullptr;
  CUdevice dev = 0;
  std::string chip;
  std::vector<uint8_t> availability;
  bool profiler_initialized = false;
  CUpti_RangeProfiler_Object* object = nullptr;  // non-null while enabled
  bool configured = false;                       // `object` has had a SetConfig: its config is fixed for good
  std::unique_ptr<HostConfig> config;            // the set `object` is configured for; null: none usable
  std::vector<uint8_t> counter_data;

  void enable() {
    CUpti_RangeProfiler_Enable_Params p{CUpti_RangeProfiler_Enable_Params_STRUCT_SIZE};
    p.ctx = ctx;
    GEMMSCOPE_CUPTI(cuptiRangeProfilerEnable, &p);
    object = p.pRangeProfilerObject;
  }
  void disable() noexcept {
    if (!object) return;
    CUpti_RangeProfiler_Disable_Params p{CUpti_RangeProfiler_Disable_Params_STRUCT_SIZE};
    p.pRangeProfilerObject = object;
    cuptiRangeProfilerDisable(&p);
    object = nullptr;
  }
  // A fresh profiler object, unconfigured: the only way a new metric set takes effect.
  void reenable() {
    disable();
    config.reset();
    configured = false;
    enable();
  }

  ~State() {
    disable();
    config.reset();
    if (profiler_initialized) {
      CUpti_Profiler_DeInitialize_Params p{CUpti_Profiler_DeInitialize_Params_STRUCT_SIZE};
      cuptiProfilerDeInitialize(&p);
    }
  }
};

RangeProfiler::RangeProfiler(CUcontext ctx, CUdevice dev) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.ctx = ctx;
  s.dev = dev;
  try {
    CUpti_Profiler_Initialize_Params init{CUpti_Profiler_Initialize_Params_STRUCT_SIZE};
    GEMMSCOPE_CUPTI(cuptiProfilerInitialize, &init);
    s.profiler_initialized = true;

    CUpti_Profiler_DeviceSupported_Params support{CUpti_Profiler_DeviceSupported_Params_STRUCT_SIZE};
    support.cuDevice = dev;
    support.api = CUPTI_PROFILER_RANGE_PROFILING;
    GEMMSCOPE_CUPTI(cuptiProfilerDeviceSupported, &support);
    if (support.isSupported != CUPTI_PROFILER_CONFIGURATION_SUPPORTED) {
      std::string why;
      auto note = [&](const char* what, CUpti_Profiler_Support_Level level) {
        if (level != CUPTI_PROFILER_CONFIGURATION_SUPPORTED)
          why += std::string(why.empty() ? "" : ", ") + what + " " + support_level(level);
      };
      note("architecture (needs compute capability 7.5+):", support.architecture);
      note("SLI:", support.sli);
      note("vGPU:", support.vGpu);
      note("confidential computing:", support.confidentialCompute);
      note("CMP:", support.cmp);
      note("WSL:", support.wsl);
      throw CuptiUnavailable("the CUPTI range profiler does not support this device: " + why);
    }

    // A CUdevice from cuDeviceGet(&dev, ordinal) is the ordinal, which is what CUPTI's index means.
    CUpti_Device_GetChipName_Params chip{CUpti_Device_GetChipName_Params_STRUCT_SIZE};
    chip.deviceIndex = static_cast<size_t>(dev);
    GEMMSCOPE_CUPTI(cuptiDeviceGetChipName, &chip);
    s.chip = chip.pChipName;

    CUpti_Profiler_GetCounterAvailability_Params avail{CUpti_Profiler_GetCounterAvailability_Params_STRUCT_SIZE};
    avail.ctx = ctx;
    GEMMSCOPE_CUPTI(cuptiProfilerGetCounterAvailability, &avail);
    s.availability.resize(avail.counterAvailabilityImageSize);
    avail.pCounterAvailabilityImage = s.availability.data();
    GEMMSCOPE_CUPTI(cuptiProfilerGetCounterAvailability, &avail);

    // Enabled now so permission problems surface here; the first collect() configures this object.
    s.enable();
  } catch (const CuptiUnavailable&) {
    throw;
  } catch (const std::exception& e) {
    throw CuptiUnavailable(std::string("CUPTI range profiler unavailable: ") + e.what());
  }
}

RangeProfiler::~RangeProfiler() = default;

const std::string& RangeProfiler::chip_name() const { return state_->chip; }

CounterSample RangeProfiler::collect(const std::vector<std::string>& counter_metrics,
                                     const std::function<void()>& launch_once,
                                     const PassSetup& setup) {
  State& s = *state_;
  const auto t0 = std::chrono::steady_clock::now();
  CounterSample sample;
  const std::vector<std::string> metrics = with_duration(counter_metrics);
  std::unique_ptr<HostConfig> new_config;
  if (!s.object || !s.config || s.config->metrics != metrics)  // host side first: a refused metric changes nothing
    new_config = std::make_unique<HostConfig>(s.chip, s.availability.data(), metrics, CUPTI_PROFILER_TYPE_RANGE_PROFILER);
  try {
    if (new_config) {
      if (!s.object || s.configured) s.reenable();  // the first config after Enable sticks: a new set needs a new object
      CUpti_RangeProfiler_GetCounterDataSize_Params size{CUpti_RangeProfiler_GetCounterDataSize_Params_STRUCT_SIZE};
      size.pRangeProfilerObject = s.object;
      size.pMetricNames = new_config->metric_ptrs.data();
      size.numMetrics = new_config->metric_ptrs.size();
      size.maxNumOfRanges = kMaxRanges;
      size.maxNumRangeTreeNodes = kMaxRanges;
      GEMMSCOPE_CUPTI(cuptiRangeProfilerGetCounterDataSize, &size);
      s.counter_data.assign(size.counterDataSize, 0);
      s.config = std::move(new_config);
      sample.setup_ms = ms_since(t0);
    }
    const HostConfig& config = *s.config;
    sample.passes = config.passes;

    // A clean counter data image for every sample; then the same config again (re-using one config is safe).
    CUpti_RangeProfiler_CounterDataImage_Initialize_Params image{
        CUpti_RangeProfiler_CounterDataImage_Initialize_Params_STRUCT_SIZE};
    image.pRangeProfilerObject = s.object;
    image.counterDataSize = s.counter_data.size();
    image.pCounterData = s.counter_data.data();
    GEMMSCOPE_CUPTI(cuptiRangeProfilerCounterDataImageInitialize, &image);

    CUpti_RangeProfiler_SetConfig_Params set{CUpti_RangeProfiler_SetConfig_Params_STRUCT_SIZE};
    set.pRangeProfilerObject = s.object;
    set.configSize = config.image.size();
    set.pConfig = config.image.data();
    set.counterDataImageSize = s.counter_data.size();
    set.pCounterDataImage = s.counter_data.data();
    set.range = CUPTI_AutoRange;
    // With a pass setup the caller replays the whole sequence itself (user replay), restoring and
    // flushing as Nsight Compute does before each pass; launch_once must then be repeatable.
    const bool user_replay = !setup.empty();
    set.replayMode = user_replay ? CUPTI_UserReplay : CUPTI_KernelReplay;
    set.maxRangesPerPass = kMaxRanges;
    set.numNestingLevels = 1;
    set.minNestingLevel = 1;
    set.passIndex = 0;
    set.targetNestingLevel = 1;
    s.configured = true;
    GEMMSCOPE_CUPTI(cuptiRangeProfilerSetConfig, &set);

    CUpti_RangeProfiler_Stop_Params stop{CUpti_RangeProfiler_Stop_Params_STRUCT_SIZE};
    stop.pRangeProfilerObject = s.object;
    for (int pass = 0; !stop.isAllPassSubmitted; ++pass) {
      if (pass > config.passes + 1)
        throw std::runtime_error("cuptiRangeProfilerStop: not all " + std::to_string(config.passes) + " passes were submitted after " +
                                 std::to_string(pass) + " replays");
      if (setup.restore) setup.restore();
      CUpti_RangeProfiler_Start_Params start{CUpti_RangeProfiler_Start_Params_STRUCT_SIZE};
      start.pRangeProfilerObject = s.object;
      GEMMSCOPE_CUPTI(cuptiRangeProfilerStart, &start);
      try {
        if (setup.flush) setup.flush();  // after Start: see PassSetup
        launch_once();
      } catch (...) {
        cuptiRangeProfilerStop(&stop);
        throw;
      }
      GEMMSCOPE_CUPTI(cuptiRangeProfilerStop, &stop);
      if (!user_replay && !stop.isAllPassSubmitted)
        throw std::runtime_error("cuptiRangeProfilerStop: not all " + std::to_string(config.passes) +
                                 " passes were submitted under kernel replay");
    }

    CUpti_RangeProfiler_DecodeData_Params decode{CUpti_RangeProfiler_DecodeData_Params_STRUCT_SIZE};
    decode.pRangeProfilerObject = s.object;
    GEMMSCOPE_CUPTI(cuptiRangeProfilerDecodeData, &decode);
    if (decode.numOfRangeDropped > 0)
      throw std::runtime_error("cuptiRangeProfilerDecodeData dropped " + std::to_string(decode.numOfRangeDropped) +
                               " ranges: launch_once launched more than " + std::to_string(kMaxRanges) + " kernels");

    CUpti_RangeProfiler_GetCounterDataInfo_Params info{CUpti_RangeProfiler_GetCounterDataInfo_Params_STRUCT_SIZE};
    info.pCounterDataImage = s.counter_data.data();
    info.counterDataImageSize = s.counter_data.size();
    GEMMSCOPE_CUPTI(cuptiRangeProfilerGetCounterDataInfo, &info);
    const size_t skip = setup.flush ? size_t(std::max(setup.flush_kernels, 0)) : 0;  // the flush's own ranges
    if (info.numTotalRanges <= skip)
      throw std::runtime_error("launch_once launched no kernel: " + std::to_string(info.numTotalRanges) +
                               " range(s) profiled, " + std::to_string(skip) + " of them the pass setup's flush");
    sample.ranges = static_cast<int>(info.numTotalRanges - skip);

    // per_range[r][m]: metric m of range skip + r.
    const size_t n_metrics = config.metrics.size();
    std::vector<std::vector<double>> per_range(info.numTotalRanges - skip);
    for (size_t r = 0; r < per_range.size(); ++r) per_range[r] = config.evaluate(s.counter_data, skip + r);
    const size_t duration_index =
        std::find(config.metrics.begin(), config.metrics.end(), kDurationMetric) - config.metrics.begin();
    std::vector<double> ns, column;
    for (const auto& range : per_range) ns.push_back(range[duration_index]);
    for (size_t m = 0; m < n_metrics; ++m) {
      column.clear();
      for (const auto& range : per_range) column.push_back(range[m]);
      sample.values[config.metrics[m]] = combine_ranges(config.metrics[m], column, ns);
    }
  } catch (...) {
    // After a failure mid-sample the object's state is unknown: the next sample re-enables (configured stays).
    s.config.reset();
    throw;
  }
  sample.wall_ms = ms_since(t0);
  return sample;
}

int count_passes(const std::string& chip_name, const std::vector<std::string>& counter_metrics) {
  return HostConfig(chip_name, nullptr, with_duration(counter_metrics), CUPTI_PROFILER_TYPE_RANGE_PROFILER).passes;
}

}  // namespace gemmscope
