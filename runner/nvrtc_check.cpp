// NVRTC errors, kept apart from the driver's so that the JIT library (used by CI with no GPU
// and no libcuda) links NVRTC alone.
#include "runner/cuda_check.h"

namespace gemmscope {

std::string failed_call(const char* call, const std::string& context, const char* file, int line) {
  std::string s = std::string(call) + " failed";
  if (!context.empty()) s += " for " + context;
  return s + " [" + file + ":" + std::to_string(line) + "]";
}

void throw_nvrtc(nvrtcResult r, const char* call, const std::string& context, const char* file, int line) {
  throw CudaError(failed_call(call, context, file, line) + ": " + nvrtcGetErrorString(r), false);
}

}  // namespace gemmscope
