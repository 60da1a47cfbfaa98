#include "app/gui/preset.h"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "app/gui/panel.h"
#include "app/gui/run_figures.h"
#include "controller/sweep.h"
#include "model/kernel_family.h"
#include "model/protocol.h"

namespace gemmscope {
namespace {

using nlohmann::json;

KernelConfig base_config(const json& j, const std::string& where) {
  const ProblemShape shape = shape_from_json(j.value("problem", json("p9")));
  const std::string family = j.value("family", std::string("seed_tall_skinny"));
  const KernelFamily* f = find_family(family);
  if (!f) throw std::invalid_argument(where + ".family: unknown family '" + family + "'");
  return f->defaults(shape);
}

// Config overrides by parameter name, values as the CLI writes them ("tf32", "atomic", "128").
KernelConfig with_overrides(KernelConfig c, const json& overrides, const std::string& where) {
  if (overrides.is_null()) return c;
  if (!overrides.is_object()) throw std::invalid_argument(where + ".config must be an object of parameter values");
  for (const auto& [k, v] : overrides.items())
    set_param(c, parse_param(k), parse_param_value(parse_param(k), v.is_string() ? v.get<std::string>() : v.dump()));
  return c;
}

std::string title_for_key(const std::string& key) {
  for (const char* t : {"Workload", "Live", "Roofline", "Sweep", "History", "Report"})
    if (panel_key(t) == key) return t;
  if (key == "window") return "";
  throw std::invalid_argument("capture: unknown panel '" + key + "' (window, workload, live, roofline, sweep, history, report)");
}

// Runs one config as the Workload panel would, and waits for its result.
bool run_and_wait(AppState& s, GuiController& c, const KernelConfig& cfg, bool& posted) {
  if (!posted) {
    s.set_config(cfg);
    if (!s.has_device()) return true;  // nothing to run on; the report says why
    s.request_run(c);
    posted = true;
    return !s.run_in_flight;  // refused as invalid: go on
  }
  return !s.run_in_flight;
}

}  // namespace

PresetDriver::PresetDriver(const json& p, std::string out_dir) : out_dir_(std::move(out_dir)) {
  if (!p.is_object()) throw std::invalid_argument("a preset must be a JSON object");
  timeout_s_ = p.value("timeout_s", 150.0);
  const std::string title = p.value("title", std::string("gemmscope report"));
  const std::string reference = p.value("reference", std::string(""));
  const RunOptions options = options_from_json(p.value("options", json::object()));

  steps_.push_back([reference, options](AppState& s, GuiController&) {
    if (!reference.empty()) s.reference_key = reference;
    s.options = options;
    return s.runner.has_value();  // hello answered (ok or not)
  });
  for (const auto& extra : p.value("also_run", json::array())) add_run(extra, false);
  add_run(p, true);

  if (p.value("pin_baseline", true)) {
    // The run before the parameter change (the family's defaults) becomes the baseline.
    steps_.push_back([](AppState& s, GuiController& c) {
      if (s.live_runs.size() >= 2 && s.live_runs[s.live_runs.size() - 2].id > 0) {
        s.baseline = s.live_runs[s.live_runs.size() - 2].id;
        c.set_baseline(s.baseline);
      }
      return true;
    });
  }
  if (p.contains("sweep") && !p.at("sweep").is_null()) {
    const json& sw = p.at("sweep");
    std::vector<std::pair<Param, std::vector<int>>> axes;
    for (const auto& a : sw.value("axes", json::array())) axes.push_back(parse_axis(a.get<std::string>()));
    const std::string tag = sw.value("tag", std::string(""));
    auto started = std::make_shared<bool>(false);
    steps_.push_back([axes, tag, started](AppState& s, GuiController& c) {
      if (!s.has_device()) return true;
      if (!*started) {
        if (!axes.empty()) {
          for (auto& [param, axis] : s.sweep_axes) axis.enabled = false;
          for (const auto& [param, values] : axes) s.sweep_axes[param] = {true, {values.begin(), values.end()}};
        }
        s.sweep_tag = tag;
        s.focus_panel = "Sweep";
        s.start_sweep(c);
        *started = true;
        return false;
      }
      return !s.sweep_running;
    });
  }
  const json heat = p.value("heatmap", json::object());
  steps_.push_back([heat](AppState& s, GuiController&) {
    if (heat.contains("x")) s.heat_x = parse_param(heat.at("x").get<std::string>());
    if (heat.contains("y")) s.heat_y = parse_param(heat.at("y").get<std::string>());
    if (heat.contains("figure")) s.heat_figure = heat.at("figure").get<std::string>();
    // Compare the fastest sweep run with the latest live run on the roofline.
    const RunResult* best = nullptr;
    for (const auto& r : s.sweep_results)
      if (passed(r) && (!best || r.ms_median < best->ms_median)) best = &r;
    if (best) s.selected.insert(best->id);
    if (!s.live_runs.empty() && passed(s.live_runs.back())) s.selected.insert(s.live_runs.back().id);
    s.focus_panel = "Roofline";
    return true;
  });
  // Load the history before it is captured (its panel, a hidden tab so far, has not asked yet).
  auto waited = std::make_shared<int>(0);
  steps_.push_back([waited](AppState& s, GuiController& c) {
    if (!c.store_open()) return true;
    if (*waited == 0) c.query_history({});
    return s.history_loaded || ++*waited > 300;
  });

  ReportJob job;
  job.dir = out_dir_;
  job.title = title;
  job.preset_json = p.dump(2);
  for (const auto& key : p.value("capture", json::array({"window", "live", "roofline", "sweep", "history"})))
    job.panels.push_back(title_for_key(key.get<std::string>()));
  steps_.push_back([job](AppState& s, GuiController&) {
    if (!s.report || s.report->dir != job.dir || s.report->title != job.title) s.report = job;
    return s.report->done;
  });
}

void PresetDriver::add_run(const json& spec, bool change_after_defaults) {
  const std::string where = change_after_defaults ? "preset" : "also_run[]";
  const KernelConfig defaults = base_config(spec, where);
  const KernelConfig changed = with_overrides(defaults, spec.value("config", json()), where);
  auto posted = std::make_shared<bool>(false);
  if (change_after_defaults && !(changed == defaults)) {
    // The family's defaults first, then the changed parameters: the path a user takes.
    auto posted_defaults = std::make_shared<bool>(false);
    steps_.push_back([defaults, posted_defaults](AppState& s, GuiController& c) { return run_and_wait(s, c, defaults, *posted_defaults); });
  }
  steps_.push_back([changed, posted](AppState& s, GuiController& c) { return run_and_wait(s, c, changed, *posted); });
}

void PresetDriver::step(AppState& s, GuiController& c) {
  if (finished_) return;
  // A couple of frames between steps, so every change is drawn once.
  if (idle_frames_ > 0) {
    --idle_frames_;
    return;
  }
  if (current_ < steps_.size() && steps_[current_](s, c)) {
    ++current_;
    idle_frames_ = 2;
    return;
  }
  if (current_ >= steps_.size()) {
    finished_ = true;
    exit_code_ = s.report && s.report->ok ? 0 : 1;
  }
}

}  // namespace gemmscope
