#include "runner/cuda_check.h"

// Driver and cuBLAS errors; NVRTC's live in nvrtc_check.cpp so the JIT links no driver.

namespace gemmscope {

std::string driver_error_text(CUresult r) {
  const char* name = nullptr;
  const char* text = nullptr;
  cuGetErrorName(r, &name);
  cuGetErrorString(r, &text);
  return std::string(name ? name : "CUDA_ERROR_?") + " (" + (text ? text : "no description") + ")";
}

bool is_sticky(CUresult r) {
  switch (r) {
    case CUDA_ERROR_ILLEGAL_ADDRESS:
    case CUDA_ERROR_LAUNCH_FAILED:
    case CUDA_ERROR_HARDWARE_STACK_ERROR:
    case CUDA_ERROR_ILLEGAL_INSTRUCTION:
    case CUDA_ERROR_MISALIGNED_ADDRESS:
    case CUDA_ERROR_INVALID_ADDRESS_SPACE:
    case CUDA_ERROR_INVALID_PC:
    case CUDA_ERROR_ASSERT:
    case CUDA_ERROR_LAUNCH_TIMEOUT:
    case CUDA_ERROR_ECC_UNCORRECTABLE:
      return true;
    default:
      return false;
  }
}


void throw_driver(CUresult r, const char* call, const std::string& context, const char* file, int line) {
  throw CudaError(failed_call(call, context, file, line) + ": " + driver_error_text(r), is_sticky(r));
}

void throw_cublas(cublasStatus_t r, const char* call, const std::string& context, const char* file, int line) {
  throw CudaError(failed_call(call, context, file, line) + ": " + cublasGetStatusName(r) + " (" + cublasGetStatusString(r) + ")", false);
}

}  // namespace gemmscope
