// One number in a printf format ("%.2fx"), for the messages and tables every layer writes.
#pragma once
#include <cstdio>
#include <string>

namespace gemmscope {

inline std::string format_number(const char* format, double v) {
  char b[64];
  std::snprintf(b, sizeof b, format, v);
  return b;
}

}  // namespace gemmscope
