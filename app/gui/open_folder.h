// Opens a folder in the desktop's file manager (xdg-open), without waiting for it.
#pragma once
#include <string>

namespace gemmscope {

// "" when xdg-open was started; otherwise why not (no xdg-open, no display).
std::string open_folder(const std::string& path);

}  // namespace gemmscope
