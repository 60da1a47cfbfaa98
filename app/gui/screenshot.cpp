#include "app/gui/screenshot.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <GLFW/glfw3.h>  // brings the GL 1.x declarations (glReadPixels) without a loader

#include "app/gui/png_writer.h"

namespace gemmscope {

void serve_captures(AppState& s, int fb_width, int fb_height, float fb_scale_x, float fb_scale_y) {
  for (const auto& req : s.captures) {
    int x = 0, y = 0, w = fb_width, h = fb_height;
    if (!req.panel.empty()) {
      auto it = s.panel_rects.find(req.panel);
      if (it == s.panel_rects.end()) {
        s.message("screenshot: panel '" + req.panel + "' is not visible", true);
        continue;
      }
      const auto& r = it->second;
      x = int(r[0] * fb_scale_x), w = int(r[2] * fb_scale_x), h = int(r[3] * fb_scale_y);
      // GL rows start at the bottom; ImGui's at the top.
      y = fb_height - int((r[1] + r[3]) * fb_scale_y);
      x = std::clamp(x, 0, fb_width - 1), y = std::clamp(y, 0, fb_height - 1);
      w = std::min(w, fb_width - x), h = std::min(h, fb_height - y);
    }
    if (w <= 0 || h <= 0) continue;
    std::vector<uint8_t> pixels(size_t(w) * size_t(h) * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(x, y, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    std::vector<uint8_t> flipped(pixels.size());
    const size_t stride = size_t(w) * 3;
    for (int row = 0; row < h; ++row)
      std::copy_n(pixels.begin() + long(size_t(h - 1 - row) * stride), stride, flipped.begin() + long(size_t(row) * stride));
    std::string error;
    if (write_png(req.path, w, h, 3, flipped, error)) {
      s.written_pngs.push_back(req.path);
      s.message("wrote " + req.path);
    } else {
      s.message("screenshot failed: " + error, true);
    }
  }
  s.captures.clear();
}

}  // namespace gemmscope
