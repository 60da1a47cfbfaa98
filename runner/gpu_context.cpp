#include "runner/gpu_context.h"

#include "runner/cuda_check.h"

namespace gemmscope {

DeviceBuffer::DeviceBuffer(size_t bytes, const std::string& what) : bytes_(bytes) {
  if (bytes) CU_CHECK(cuMemAlloc(&ptr_, bytes), what + " (" + std::to_string(bytes) + " bytes)");
}

DeviceBuffer::~DeviceBuffer() {
  if (ptr_) cuMemFree(ptr_);  // errors here are sticky-context fallout; nothing to do about them
}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& o) noexcept {
  if (this != &o) {
    if (ptr_) cuMemFree(ptr_);
    ptr_ = o.ptr_, bytes_ = o.bytes_;
    o.ptr_ = 0, o.bytes_ = 0;
  }
  return *this;
}

LoadedModule::LoadedModule(const std::string& cubin, const std::string& what) : what_(what) {
  CU_CHECK(cuModuleLoadData(&module_, cubin.data()), what);
}

LoadedModule::~LoadedModule() {
  if (module_) cuModuleUnload(module_);
}

CUfunction LoadedModule::function(const std::string& entry) const {
  CUfunction f = nullptr;
  CU_CHECK(cuModuleGetFunction(&f, module_, entry.c_str()), what_ + " entry " + entry);
  return f;
}

GpuContext::GpuContext(int ordinal) {
  CU_CHECK(cuInit(0), "driver initialisation");
  int count = 0;
  CU_CHECK(cuDeviceGetCount(&count), "device count");
  if (ordinal < 0 || ordinal >= count)
    throw CudaError("device " + std::to_string(ordinal) + " does not exist (" + std::to_string(count) + " CUDA devices found)", false);
  CU_CHECK(cuDeviceGet(&device_, ordinal), "device " + std::to_string(ordinal));
  // The primary context is the one cuBLAS and the runtime use, so all share one.
  CU_CHECK(cuDevicePrimaryCtxRetain(&context_, device_), "primary context");
  CU_CHECK(cuCtxSetCurrent(context_), "primary context");
  CU_CHECK(cuStreamCreate(&stream_, CU_STREAM_NON_BLOCKING), "stream");

  DeviceAttributes a;
  char name[256] = {};
  CU_CHECK(cuDeviceGetName(name, sizeof name, device_), "device name");
  a.name = name;
  auto attr = [&](CUdevice_attribute which, const char* what) {
    int v = 0;
    CU_CHECK(cuDeviceGetAttribute(&v, which, device_), what);
    return v;
  };
  a.cc_major = attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, "compute capability");
  a.cc_minor = attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, "compute capability");
  a.sms = attr(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, "SM count");
  a.clock_khz = attr(CU_DEVICE_ATTRIBUTE_CLOCK_RATE, "clock rate");
  a.mem_clock_khz = attr(CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, "memory clock");
  a.bus_width_bits = attr(CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, "memory bus width");
  a.l2_bytes = attr(CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, "L2 size");
  size_t total = 0;
  CU_CHECK(cuDeviceTotalMem(&total, device_), "device memory");
  a.dram_bytes = (long long)total;
  a.max_threads_per_sm = attr(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, "threads per SM");
  a.max_blocks_per_sm = attr(CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR, "blocks per SM");
  a.regs_per_sm = attr(CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR, "registers per SM");
  a.max_regs_per_block = attr(CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK, "registers per block");
  a.max_threads_per_block = attr(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, "threads per block");
  a.warp_size = attr(CU_DEVICE_ATTRIBUTE_WARP_SIZE, "warp size");
  a.smem_per_sm = attr(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR, "shared memory per SM");
  a.max_smem_per_block_optin = attr(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, "shared memory per block");
  a.reserved_smem_per_block = attr(CU_DEVICE_ATTRIBUTE_RESERVED_SHARED_MEMORY_PER_BLOCK, "reserved shared memory");
  a.max_grid_x = attr(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, "grid x");
  a.max_grid_y = attr(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y, "grid y");
  a.max_grid_z = attr(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z, "grid z");
  spec_ = spec_from_attributes(a);
}

GpuContext::~GpuContext() {
  if (stream_) cuStreamDestroy(stream_);
  if (context_) cuDevicePrimaryCtxRelease(device_);
}

std::string GpuContext::driver_version() const {
  int v = 0;
  cuDriverGetVersion(&v);
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

}  // namespace gemmscope
