// Screenshots: read the back buffer after ImGui renders (before the swap) and write a PNG of
// the whole window or of one panel's rectangle. UI thread only, with the GL context current.
#pragma once
#include <string>
#include "app/gui/app_state.h"

namespace gemmscope {

// Serves every pending CaptureRequest of `s`; `fb_scale` maps ImGui coordinates to pixels.
void serve_captures(AppState& s, int fb_width, int fb_height, float fb_scale_x, float fb_scale_y);

}  // namespace gemmscope
