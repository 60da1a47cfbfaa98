#include "kernels/kernel_sources.h"

namespace gemmscope {

std::optional<std::string_view> find_kernel_source(std::string_view name) {
  for (const auto& s : embedded_kernel_sources())
    if (s.name == name) return s.text;
  return std::nullopt;
}

}  // namespace gemmscope
