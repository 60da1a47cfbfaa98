// CUPTI errors: the call, the error, where, and for "cannot profile here" errors what to do.
#include "metrics/cupti_check.h"

#include <cupti.h>

#include <cstring>
#include <string>

namespace gemmscope {

namespace {

// Results that mean "profiling cannot run here", with what to do about it; empty for other errors.
std::string unavailable_hint(CUptiResult r) {
  switch (r) {
    case CUPTI_ERROR_INSUFFICIENT_PRIVILEGES:
    case CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES:
      return "GPU performance counters are restricted to administrators: run gemmscope-runner as root, or load "
             "the NVIDIA driver with NVreg_RestrictProfilingToAdminUsers=0 "
             "(https://developer.nvidia.com/ERR_NVGPUCTRPERM); on a vGPU the hypervisor must allow profiling";
    case CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED:
    case CUPTI_ERROR_OLD_PROFILER_API_INITIALIZED:
    case CUPTI_ERROR_DISABLED:
    case CUPTI_ERROR_HARDWARE_BUSY:
      return "another profiler (Nsight Compute, Nsight Systems, cuda-gdb or another CUPTI client) holds the "
             "counters: run the runner without it";
    case CUPTI_ERROR_NOT_SUPPORTED:
    case CUPTI_ERROR_VIRTUALIZED_DEVICE_NOT_SUPPORTED:
    case CUPTI_ERROR_CONFIDENTIAL_COMPUTING_NOT_SUPPORTED:
    case CUPTI_ERROR_CMP_DEVICE_NOT_SUPPORTED:
    case CUPTI_ERROR_MIG_DEVICE_NOT_SUPPORTED:
    case CUPTI_ERROR_SLI_DEVICE_NOT_SUPPORTED:
    case CUPTI_ERROR_WSL_DEVICE_NOT_SUPPORTED:
      return "this GPU or its configuration (vGPU, MIG, SLI, WSL, confidential computing, CMP) does not support "
             "the range profiler; it needs compute capability 7.5 or newer on bare metal";
    case CUPTI_ERROR_NOT_INITIALIZED:
      return "CUPTI could not reach the CUDA driver: check the driver is installed and matches CUDA 13";
    default:
      return {};
  }
}

[[noreturn]] void throw_cupti(CUptiResult r, const char* call, const char* file, int line) {
  const char* base = std::strrchr(file, '/');
  std::string where = std::string(base ? base + 1 : file) + ":" + std::to_string(line);
  std::string message = std::string(call) + " failed: " + cupti_result_text(r) + " at " + where;
  std::string hint = unavailable_hint(r);
  if (!hint.empty()) throw CuptiUnavailable(message + ". " + hint);
  throw std::runtime_error(message);
}

}  // namespace

std::string cupti_result_text(CUptiResult r) {
  const char* name = nullptr;
  const char* message = nullptr;
  if (cuptiGetResultString(r, &name) != CUPTI_SUCCESS || !name) name = "unknown CUPTI error";
  std::string text = name;
  if (cuptiGetErrorMessage(r, &message) == CUPTI_SUCCESS && message && *message && std::strcmp(message, name) != 0)
    text += std::string(" (") + message + ")";
  return text;
}

void check_cupti(CUptiResult r, const char* call, const char* file, int line) {
  if (r != CUPTI_SUCCESS) throw_cupti(r, call, file, line);
}

}  // namespace gemmscope
