// Report presets: `gemmscope --report PRESET.json --out DIR` drives the real UI through a fixed
// path (problem, parameter change, extra runs, sweep, captures, report) and then quits.
// The format is documented in app/gui/README.md; parse errors name the field.
#pragma once
#include <functional>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "app/gui/app_state.h"
#include "app/gui/gui_controller.h"

namespace gemmscope {

class PresetDriver {
 public:
  // Throws std::invalid_argument naming what is wrong with the preset.
  PresetDriver(const nlohmann::json& preset, std::string out_dir);
  // Called once per frame, after events are applied and before panels draw.
  void step(AppState&, GuiController&);
  bool finished() const { return finished_; }
  int exit_code() const { return exit_code_; }
  double timeout_s() const { return timeout_s_; }

 private:
  using Step = std::function<bool(AppState&, GuiController&)>;  // true when done
  void add_run(const nlohmann::json& spec, bool change_after_defaults);
  std::vector<Step> steps_;
  size_t current_ = 0;
  int idle_frames_ = 0;
  bool finished_ = false;
  int exit_code_ = 0;
  double timeout_s_ = 150;
  std::string out_dir_;
};

}  // namespace gemmscope
