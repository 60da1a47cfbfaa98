// Report presets: `gemmscope --report PRESET.json --out DIR` drives the real UI through a fixed
// path (problem, parameter change, extra runs, sweep, captures, report) and then quits.
// The format is documented in app/gui/README.md; a key it does not know, an axis or figure the
// family does not have, or a bad value is an error naming the field, before anything runs.
#pragma once
#include <functional>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "app/gui/app_state.h"
#include "controller/run_session.h"

namespace gemmscope {

class PresetDriver {
 public:
  // Throws std::invalid_argument naming what is wrong with the preset. A card path in the preset
  // is relative to `base_dir` (the preset's folder).
  PresetDriver(const nlohmann::json& preset, std::string out_dir, std::string base_dir = "");
  // Called once per frame, after events are applied and before panels draw.
  void step(AppState&, RunSession&);
  bool finished() const { return finished_; }
  // 0 when the report was written and every run the preset asked for was valid; else 1.
  int exit_code() const { return exit_code_; }
  // Why exit_code() is not 0 ("" when it is).
  const std::string& failure() const { return failure_; }
  double timeout_s() const { return timeout_s_; }
  // The kernel cards the preset opens (a replay runner needs them to read their stored runs).
  const std::vector<std::string>& cards() const { return cards_; }

 private:
  using Step = std::function<bool(AppState&, RunSession&)>;  // true when done
  void add_run(const nlohmann::json& spec, bool change_after_defaults, const std::string& where);
  std::vector<Step> steps_;
  size_t current_ = 0;
  int idle_frames_ = 0;
  bool finished_ = false;
  int exit_code_ = 0;
  std::string failure_;
  std::vector<std::string> refused_;  // runs the preset asked for that were invalid, with the reason
  double timeout_s_ = 150;
  std::string out_dir_, base_dir_;
  std::vector<std::string> cards_;
};

}  // namespace gemmscope
