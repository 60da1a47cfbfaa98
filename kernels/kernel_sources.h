// The CUDA sources of kernels/, embedded at build time (see embed_sources.cmake).
#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace gemmscope {

struct EmbeddedSource {
  std::string_view name;  // file name, e.g. "tiled_gemm.cu"
  std::string_view text;
};

const std::vector<EmbeddedSource>& embedded_kernel_sources();
std::optional<std::string_view> find_kernel_source(std::string_view name);

}  // namespace gemmscope
