// One check per API (driver, NVRTC, cuBLAS): each failure throws CudaError naming the call, the
// API's own error text, and the context the caller gives (usually the config name). Never exits.
#pragma once
#include <cublas_v2.h>
#include <cuda.h>
#include <nvrtc.h>
#include <stdexcept>
#include <string>

namespace gemmscope {

struct CudaError : std::runtime_error {
  CudaError(const std::string& what, bool sticky) : std::runtime_error(what), sticky_context(sticky) {}
  // A fault (illegal address, launch failure) poisons the context: the runner must be restarted.
  bool sticky_context = false;
};

std::string driver_error_text(CUresult);
// "call failed for context [file:line]"
std::string failed_call(const char* call, const std::string& context, const char* file, int line);
bool is_sticky(CUresult);
[[noreturn]] void throw_driver(CUresult, const char* call, const std::string& context, const char* file, int line);
[[noreturn]] void throw_nvrtc(nvrtcResult, const char* call, const std::string& context, const char* file, int line);
[[noreturn]] void throw_cublas(cublasStatus_t, const char* call, const std::string& context, const char* file, int line);

}  // namespace gemmscope

// CU_CHECK(call, context): context is a std::string saying which config or buffer.
#define CU_CHECK(call, ctx)                                                                          \
  do {                                                                                               \
    CUresult gs_r_ = (call);                                                                         \
    if (gs_r_ != CUDA_SUCCESS) ::gemmscope::throw_driver(gs_r_, #call, (ctx), __FILE__, __LINE__);   \
  } while (0)
#define NVRTC_CHECK(call, ctx)                                                                       \
  do {                                                                                               \
    nvrtcResult gs_r_ = (call);                                                                      \
    if (gs_r_ != NVRTC_SUCCESS) ::gemmscope::throw_nvrtc(gs_r_, #call, (ctx), __FILE__, __LINE__);   \
  } while (0)
#define CUBLAS_CHECK(call, ctx)                                                                      \
  do {                                                                                               \
    cublasStatus_t gs_r_ = (call);                                                                   \
    if (gs_r_ != CUBLAS_STATUS_SUCCESS) ::gemmscope::throw_cublas(gs_r_, #call, (ctx), __FILE__, __LINE__); \
  } while (0)
