// write_png: RGB or RGBA pixels (top row first) to a PNG file, encoded by libpng.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gemmscope {

// channels is 3 or 4; returns false and sets `error` when the file cannot be written.
bool write_png(const std::string& path, int width, int height, int channels, const std::vector<uint8_t>& pixels,
               std::string& error);

}  // namespace gemmscope
