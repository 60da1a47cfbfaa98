// Panel: one dockable window of the GUI. Each panel lives in its own panel_*.cpp and is
// registered in make_panels(), the one list; main() draws them inside Begin()/End().
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace gemmscope {

struct AppState;
class RunSession;

class Panel {
 public:
  virtual ~Panel() = default;
  // The ImGui window name: also the dock slot, the capture name and the report caption.
  virtual const char* title() const = 0;
  // Called between Begin() and End() on the UI thread; never blocks.
  virtual void draw(AppState&, RunSession&) = 0;
};

std::vector<std::unique_ptr<Panel>> make_panels();

// Short lowercase names used by presets and --capture ("roofline" for "Roofline").
std::string panel_key(const char* title);

}  // namespace gemmscope
