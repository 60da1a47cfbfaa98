// Checking CUPTI calls: every call goes through GEMMSCOPE_CUPTI, whose error names the call, CUPTI's
// message and where; errors that mean "counters cannot be read here" throw CuptiUnavailable with
// what to do about it (permissions, another profiler attached, unsupported GPU).
#pragma once
#include <cupti_result.h>

#include <stdexcept>
#include <string>

namespace gemmscope {

// CUPTI cannot run here: the message says why and how to enable it.
class CuptiUnavailable : public std::runtime_error {
  using runtime_error::runtime_error;
};

// CUPTI's name and message for r.
std::string cupti_result_text(CUptiResult r);

// Throws CuptiUnavailable or std::runtime_error when r is not CUPTI_SUCCESS.
void check_cupti(CUptiResult r, const char* call, const char* file, int line);

}  // namespace gemmscope

#define GEMMSCOPE_CUPTI(fn, params) ::gemmscope::check_cupti(fn(params), #fn, __FILE__, __LINE__)
