#include "metrics/pm_sampler.h"

#include <cupti_pmsampling.h>
#include <cupti_profiler_target.h>
#include <cupti_target.h>

#include <algorithm>
#include <stdexcept>

#include "metrics/profiler_host.h"

namespace gemmscope {

struct PmSampler::State {
  size_t device_index = 0;
  PmSamplerOptions options;
  bool profiler_initialized = false;
  std::unique_ptr<HostConfig> config;
  CUpti_PmSampling_Object* object = nullptr;
  std::vector<uint8_t> counter_data;
  bool started = false;

  ~State() {
    if (started) {
      CUpti_PmSampling_Stop_Params stop{CUpti_PmSampling_Stop_Params_STRUCT_SIZE};
      stop.pPmSamplingObject = object;
      cuptiPmSamplingStop(&stop);  // cleaning up: nothing to do on failure
    }
    if (object) {
      CUpti_PmSampling_Disable_Params p{CUpti_PmSampling_Disable_Params_STRUCT_SIZE};
      p.pPmSamplingObject = object;
      cuptiPmSamplingDisable(&p);
    }
    config.reset();
    if (profiler_initialized) {
      CUpti_Profiler_DeInitialize_Params p{CUpti_Profiler_DeInitialize_Params_STRUCT_SIZE};
      cuptiProfilerDeInitialize(&p);
    }
  }
};

PmSampler::PmSampler(CUdevice dev, std::vector<std::string> metrics, PmSamplerOptions options)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.device_index = static_cast<size_t>(dev);  // cuDeviceGet's CUdevice is the ordinal, CUPTI's index
  s.options = options;
  CUpti_Profiler_Initialize_Params init{CUpti_Profiler_Initialize_Params_STRUCT_SIZE};
  GEMMSCOPE_CUPTI(cuptiProfilerInitialize, &init);
  s.profiler_initialized = true;

  CUpti_Device_GetChipName_Params chip{CUpti_Device_GetChipName_Params_STRUCT_SIZE};
  chip.deviceIndex = s.device_index;
  GEMMSCOPE_CUPTI(cuptiDeviceGetChipName, &chip);

  CUpti_PmSampling_GetCounterAvailability_Params avail{CUpti_PmSampling_GetCounterAvailability_Params_STRUCT_SIZE};
  avail.deviceIndex = s.device_index;
  GEMMSCOPE_CUPTI(cuptiPmSamplingGetCounterAvailability, &avail);
  std::vector<uint8_t> availability(avail.counterAvailabilityImageSize);
  avail.pCounterAvailabilityImage = availability.data();
  GEMMSCOPE_CUPTI(cuptiPmSamplingGetCounterAvailability, &avail);

  s.config = std::make_unique<HostConfig>(chip.pChipName, availability.data(), std::move(metrics),
                                          CUPTI_PROFILER_TYPE_PM_SAMPLING);
  if (s.config->passes != 1)
    throw std::invalid_argument("PM sampling needs a one-pass metric set; this one needs " +
                                std::to_string(s.config->passes) + " passes on " + chip.pChipName);

  CUpti_PmSampling_Enable_Params enable{CUpti_PmSampling_Enable_Params_STRUCT_SIZE};
  enable.deviceIndex = s.device_index;
  GEMMSCOPE_CUPTI(cuptiPmSamplingEnable, &enable);
  s.object = enable.pPmSamplingObject;

  CUpti_PmSampling_SetConfig_Params set{CUpti_PmSampling_SetConfig_Params_STRUCT_SIZE};
  set.pPmSamplingObject = s.object;
  set.configSize = s.config->image.size();
  set.pConfig = s.config->image.data();
  set.hardwareBufferSize = options.hardware_buffer_bytes;
  set.samplingInterval = options.interval_ns;
  set.triggerMode = CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_TIME_INTERVAL;
  set.hwBufferAppendMode = CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_OLDEST;
  GEMMSCOPE_CUPTI(cuptiPmSamplingSetConfig, &set);

  CUpti_PmSampling_GetCounterDataSize_Params size{CUpti_PmSampling_GetCounterDataSize_Params_STRUCT_SIZE};
  size.pPmSamplingObject = s.object;
  size.pMetricNames = s.config->metric_ptrs.data();
  size.numMetrics = s.config->metric_ptrs.size();
  size.maxSamples = options.max_samples;
  GEMMSCOPE_CUPTI(cuptiPmSamplingGetCounterDataSize, &size);
  s.counter_data.resize(size.counterDataSize);
}

PmSampler::~PmSampler() = default;

const std::vector<std::string>& PmSampler::metrics() const { return state_->config->metrics; }

void PmSampler::start() {
  State& s = *state_;
  if (s.started) throw std::logic_error("PmSampler::start: already started");
  CUpti_PmSampling_CounterDataImage_Initialize_Params image{CUpti_PmSampling_CounterDataImage_Initialize_Params_STRUCT_SIZE};
  image.pPmSamplingObject = s.object;
  image.counterDataSize = s.counter_data.size();
  image.pCounterData = s.counter_data.data();
  GEMMSCOPE_CUPTI(cuptiPmSamplingCounterDataImageInitialize, &image);
  CUpti_PmSampling_Start_Params start{CUpti_PmSampling_Start_Params_STRUCT_SIZE};
  start.pPmSamplingObject = s.object;
  GEMMSCOPE_CUPTI(cuptiPmSamplingStart, &start);
  s.started = true;
}

std::vector<PmSample> PmSampler::stop_and_decode() {
  State& s = *state_;
  if (!s.started) throw std::logic_error("PmSampler::stop_and_decode: not started");
  CUpti_PmSampling_Stop_Params stop{CUpti_PmSampling_Stop_Params_STRUCT_SIZE};
  stop.pPmSamplingObject = s.object;
  s.started = false;
  GEMMSCOPE_CUPTI(cuptiPmSamplingStop, &stop);

  // Each call decodes what fits; the loop ends when the hardware buffer is drained.
  for (int call = 0;; ++call) {
    CUpti_PmSampling_DecodeData_Params decode{CUpti_PmSampling_DecodeData_Params_STRUCT_SIZE};
    decode.pPmSamplingObject = s.object;
    decode.pCounterDataImage = s.counter_data.data();
    decode.counterDataImageSize = s.counter_data.size();
    GEMMSCOPE_CUPTI(cuptiPmSamplingDecodeData, &decode);
    if (decode.overflow)
      throw std::runtime_error("cuptiPmSamplingDecodeData: the hardware buffer overflowed (" +
                               std::to_string(s.options.hardware_buffer_bytes >> 20) + " MB at one sample per " +
                               std::to_string(s.options.interval_ns) + " ns): sample less often or for less time");
    if (decode.decodeStopReason == CUPTI_PM_SAMPLING_DECODE_STOP_REASON_END_OF_RECORDS) break;
    if (decode.decodeStopReason == CUPTI_PM_SAMPLING_DECODE_STOP_REASON_COUNTER_DATA_FULL)
      throw std::runtime_error("cuptiPmSamplingDecodeData: more than " + std::to_string(s.options.max_samples) +
                               " samples: raise max_samples or sample less often");
    if (call > 1000) throw std::runtime_error("cuptiPmSamplingDecodeData: the buffer did not drain after 1000 calls");
  }

  CUpti_PmSampling_GetCounterDataInfo_Params info{CUpti_PmSampling_GetCounterDataInfo_Params_STRUCT_SIZE};
  info.pCounterDataImage = s.counter_data.data();
  info.counterDataImageSize = s.counter_data.size();
  GEMMSCOPE_CUPTI(cuptiPmSamplingGetCounterDataInfo, &info);
  std::vector<PmSample> samples(info.numCompletedSamples);
  for (size_t i = 0; i < samples.size(); ++i) {
    CUpti_PmSampling_CounterData_GetSampleInfo_Params sample{CUpti_PmSampling_CounterData_GetSampleInfo_Params_STRUCT_SIZE};
    sample.pPmSamplingObject = s.object;
    sample.pCounterDataImage = s.counter_data.data();
    sample.counterDataImageSize = s.counter_data.size();
    sample.sampleIndex = i;
    GEMMSCOPE_CUPTI(cuptiPmSamplingCounterDataGetSampleInfo, &sample);
    samples[i].start_ns = sample.startTimestamp;
    samples[i].end_ns = sample.endTimestamp;
    samples[i].values = s.config->evaluate(s.counter_data, i);
  }
  return samples;
}

std::vector<std::string> dram_sampling_metrics() {
  return {"dram__bytes_read.sum", "dram__bytes_write.sum", "lts__t_sectors_srcunit_tex.sum", "sm__cycles_active.avg"};
}

// [SECTION] Reading a series

std::vector<std::pair<size_t, size_t>> find_bursts(const std::vector<PmSample>& samples, size_t activity,
                                                   double threshold_fraction) {
  double peak = 0;
  for (const PmSample& s : samples) {
    if (activity >= s.values.size()) throw std::invalid_argument("find_bursts: activity metric index out of range");
    peak = std::max(peak, s.values[activity]);
  }
  std::vector<std::pair<size_t, size_t>> bursts;
  if (peak <= 0) return bursts;
  const double threshold = peak * threshold_fraction;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].values[activity] <= threshold) continue;
    size_t j = i;
    while (j + 1 < samples.size() && samples[j + 1].values[activity] > threshold) ++j;
    bursts.emplace_back(i, j);
    i = j;
  }
  return bursts;
}

BurstTotals integrate_burst(const std::vector<PmSample>& samples, std::pair<size_t, size_t> burst,
                            const std::vector<std::pair<size_t, size_t>>& all_bursts) {
  if (burst.first > burst.second || burst.second >= samples.size())
    throw std::invalid_argument("integrate_burst: burst [" + std::to_string(burst.first) + ", " +
                                std::to_string(burst.second) + "] is not within the " + std::to_string(samples.size()) +
                                " samples");
  const size_t n_metrics = samples[burst.first].values.size();
  const size_t first = burst.first > 0 ? burst.first - 1 : 0;
  const size_t last = std::min(burst.second + 1, samples.size() - 1);
  BurstTotals out;
  out.start_ns = samples[first].start_ns;
  out.end_ns = samples[last].end_ns;
  out.totals.assign(n_metrics, 0);
  for (size_t i = first; i <= last; ++i)
    for (size_t m = 0; m < n_metrics; ++m) out.totals[m] += samples[i].values[m];

  // Idle: at least two samples from every burst, so no edge of a busy stretch counts as idle.
  std::vector<double> idle(n_metrics, 0);
  double idle_ns = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const bool near_burst = std::any_of(all_bursts.begin(), all_bursts.end(), [&](const auto& b) {
      return i + 2 >= b.first && i <= b.second + 2;
    });
    if (near_burst) continue;
    ++out.idle_samples;
    idle_ns += double(samples[i].end_ns - samples[i].start_ns);
    for (size_t m = 0; m < n_metrics; ++m) idle[m] += samples[i].values[m];
  }
  out.background.assign(n_metrics, 0);
  const double window_ns = double(out.end_ns - out.start_ns);
  if (idle_ns > 0)
    for (size_t m = 0; m < n_metrics; ++m) out.background[m] = idle[m] / idle_ns * window_ns;
  for (size_t m = 0; m < n_metrics; ++m) out.totals[m] -= out.background[m];
  return out;
}

}  // namespace gemmscope
