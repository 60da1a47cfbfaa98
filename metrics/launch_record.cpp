// CUPTI activity records of kernel launches (CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, which unlike
// KIND_KERNEL does not serialise the launches it watches).
#include "metrics/launch_record.h"

#include <cupti_activity.h>

#include <cstdlib>
#include <mutex>

#include "metrics/cupti_check.h"

namespace gemmscope {

namespace {

constexpr size_t kBufferBytes = 1 << 20;
constexpr size_t kAlign = 8;  // CUPTI wants activity buffers 8-byte aligned

// CUPTI hands completed buffers to a plain C callback with no user pointer, so the records of the
// recording in progress land here. One recording at a time (record_launches holds `busy`).
struct Collector {
  std::mutex busy;
  std::mutex records_mutex;
  std::vector<KernelLaunch> records;
  bool callbacks_registered = false;
};
Collector& collector() {
  static Collector c;
  return c;
}

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(kAlign, kBufferBytes));
  *size = *buffer ? kBufferBytes : 0;
  *max_records = 0;  // as many as fit
}

void CUPTIAPI buffer_completed(CUcontext, uint32_t, uint8_t* buffer, size_t, size_t valid) {
  Collector& c = collector();
  CUpti_Activity* record = nullptr;
  std::lock_guard<std::mutex> lock(c.records_mutex);
  while (cuptiActivityGetNextRecord(buffer, valid, &record) == CUPTI_SUCCESS) {
    if (record->kind != CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL && record->kind != CUPTI_ACTIVITY_KIND_KERNEL) continue;
    const auto* k = reinterpret_cast<const CUpti_ActivityKernel10*>(record);
    KernelLaunch l;
    l.name = k->name ? k->name : "";
    l.grid_size = int64_t(k->gridX) * k->gridY * k->gridZ;
    l.block_size = int64_t(k->blockX) * k->blockY * k->blockZ;
    l.registers = k->registersPerThread;
    l.static_smem = k->staticSharedMemory;
    l.dynamic_smem = k->dynamicSharedMemory;
    l.smem_config_bytes = k->sharedMemoryExecuted;
    l.local_bytes_per_thread = k->localMemoryPerThread;
    l.duration_ns = k->end > k->start ? double(k->end - k->start) : 0.0;
    c.records.push_back(std::move(l));
  }
  std::free(buffer);
}

}  // namespace

std::vector<KernelLaunch> record_launches(const std::function<void()>& work) {
  Collector& c = collector();
  std::lock_guard<std::mutex> one_at_a_time(c.busy);
  if (!c.callbacks_registered) {
    check_cupti(cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed), "cuptiActivityRegisterCallbacks",
                __FILE__, __LINE__);
    c.callbacks_registered = true;
  }
  {
    std::lock_guard<std::mutex> lock(c.records_mutex);
    c.records.clear();
  }
  GEMMSCOPE_CUPTI(cuptiActivityEnable, CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
  try {
    work();
  } catch (...) {
    cuptiActivityDisable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
    cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    throw;
  }
  GEMMSCOPE_CUPTI(cuptiActivityDisable, CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
  GEMMSCOPE_CUPTI(cuptiActivityFlushAll, CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  std::lock_guard<std::mutex> lock(c.records_mutex);
  return std::move(c.records);
}

const KernelLaunch* main_launch(const std::vector<KernelLaunch>& launches, int64_t grid_size, int64_t block_size) {
  const KernelLaunch* best = nullptr;
  if (grid_size > 0 && block_size > 0)
    for (const KernelLaunch& l : launches)
      if (l.grid_size == grid_size && l.block_size == block_size && (!best || l.duration_ns > best->duration_ns)) best = &l;
  if (best) return best;
  for (const KernelLaunch& l : launches)
    if (!best || l.duration_ns > best->duration_ns) best = &l;
  return best;
}

}  // namespace gemmscope
