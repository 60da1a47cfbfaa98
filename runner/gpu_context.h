// GpuContext: the runner's device, its primary context and stream, and owned device buffers.
#pragma once
#include <cuda.h>
#include <string>
#include "model/gpu_spec.h"

namespace gemmscope {

// A device allocation freed on destruction; moves only.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(size_t bytes, const std::string& what);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(o.ptr_), bytes_(o.bytes_) { o.ptr_ = 0, o.bytes_ = 0; }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  CUdeviceptr get() const { return ptr_; }
  size_t bytes() const { return bytes_; }
  float* f32() const { return reinterpret_cast<float*>(ptr_); }

 private:
  CUdeviceptr ptr_ = 0;
  size_t bytes_ = 0;
};

// A loaded module; kernels are looked up by their extern "C" names.
class LoadedModule {
 public:
  LoadedModule(const std::string& cubin, const std::string& what);
  ~LoadedModule();
  LoadedModule(const LoadedModule&) = delete;
  LoadedModule& operator=(const LoadedModule&) = delete;
  CUfunction function(const std::string& entry) const;

 private:
  CUmodule module_ = nullptr;
  std::string what_;
};

class GpuContext {
 public:
  explicit GpuContext(int ordinal);  // throws CudaError (e.g. no device) naming the call
  ~GpuContext();
  GpuContext(const GpuContext&) = delete;
  GpuContext& operator=(const GpuContext&) = delete;
  CUdevice device() const { return device_; }
  CUcontext context() const { return context_; }
  CUstream stream() const { return stream_; }
  const GpuSpec& spec() const { return spec_; }  // the detected spec
  std::string arch() const { return spec_.arch(); }
  std::string driver_version() const;

 private:
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  CUstream stream_ = nullptr;
  GpuSpec spec_;
};

}  // namespace gemmscope
