#include "app/gui/preset.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <stdexcept>

#include "app/gui/panel.h"
#include "app/gui/run_figures.h"
#include "model/json_codec.h"
#include "model/families/card_family.h"
#include "model/kernel_family.h"
#include "model/sweep_plan.h"
#include "model/validate.h"

namespace gemmscope {
namespace {

using nlohmann::json;

// Every key of `j` must be one of `known`: a misspelt key ("famly") is an error, not a default.
void only_keys(const json& j, const std::string& where, std::initializer_list<const char*> known) {
  if (!j.is_object()) throw std::invalid_argument(where + " must be a JSON object");
  for (const auto& [k, v] : j.items())
    if (std::none_of(known.begin(), known.end(), [&](const char* n) { return k == n; })) {
      std::string list;
      for (const char* n : known) list += (list.empty() ? "" : ", ") + std::string(n);
      throw std::invalid_argument(where + "." + k + ": unknown key (known: " + list + ")");
    }
}

template <class T>
T get(const json& j, const char* key, T fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw std::invalid_argument(where + "." + key + " has the wrong type: " + j.at(key).dump());
  }
}

// The family's defaults for the problem with the `config` overrides, as the CLI's --set gives them.
// A card's path is resolved against `base` and added to `cards`.
KernelConfig preset_config(const json& j, const std::string& where, bool with_overrides, const std::string& base,
                           std::vector<std::string>* cards) {
  const ProblemShape shape = shape_from_json(j.value("problem", json("p9")));
  std::string family = get<std::string>(j, "family", default_family_for(shape), where);
  if (j.contains("card")) {
    if (j.contains("family")) throw std::invalid_argument(where + ": card and family both name a family; give one");
    try {
      std::filesystem::path path = get<std::string>(j, "card", "", where);
      if (path.is_relative() && !base.empty()) path = (std::filesystem::path(base) / path).lexically_normal();
      family = load_card_family(path.string())->name();
      if (cards && std::find(cards->begin(), cards->end(), path.string()) == cards->end()) cards->push_back(path.string());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + ".card: " + e.what());
    }
  }
  std::vector<std::pair<std::string, std::string>> overrides;
  if (with_overrides && j.contains("config")) {
    const json& c = j.at("config");
    if (!c.is_object()) throw std::invalid_argument(where + ".config must be an object of parameter values");
    for (const auto& [k, v] : c.items()) overrides.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  }
  try {
    return make_config(shape, family, overrides);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
}

std::string title_for_key(const std::string& key) {
  for (const char* t : {"Workload", "Live", "Roofline", "Sweep", "History", "Report", "Advisor", "Compare"})
    if (panel_key(t) == key) return t;
  if (key == "window") return "";
  throw std::invalid_argument("capture: unknown panel '" + key + "' (window, workload, live, roofline, sweep, history, report, advisor, compare)");
}

}  // namespace

PresetDriver::PresetDriver(const json& p, std::string out_dir, std::string base_dir)
    : out_dir_(std::move(out_dir)), base_dir_(std::move(base_dir)) {
  only_keys(p, "preset",
            {"title", "also_run", "problem", "family", "card", "config", "options", "pin_baseline", "sweep", "heatmap", "reference", "guided",
             "hold", "show_devices", "capture", "timeout_s"});
  timeout_s_ = get<double>(p, "timeout_s", 150.0, "preset");
  if (!(timeout_s_ > 0)) throw std::invalid_argument("preset.timeout_s must be positive");
  const std::string title = get<std::string>(p, "title", "gemmscope report", "preset");
  const std::string reference = get<std::string>(p, "reference", "", "preset");
  RunOptions options;
  try {
    options = options_from_json(p.value("options", json::object()));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("preset.options: ") + e.what());
  }
  const KernelConfig main_config = preset_config(p, "preset", true, base_dir_, &cards_);
  const FamilyPtr family = find_family(main_config.family);

  steps_.push_back([reference, options](AppState& s, RunSession&) {
    if (!reference.empty()) s.reference_key = reference;
    s.options = options;
    return s.runner.has_value();  // hello answered (ok or not)
  });
  const json also = p.value("also_run", json::array());
  if (!also.is_array()) throw std::invalid_argument("preset.also_run must be an array");
  for (size_t i = 0; i < also.size(); ++i) {
    const std::string where = "preset.also_run[" + std::to_string(i) + "]";
    only_keys(also[i], where, {"problem", "family", "card", "config"});
    add_run(also[i], false, where);
  }
  add_run(p, true, "preset");

  if (get<bool>(p, "pin_baseline", true, "preset")) {
    // The run before the parameter change (the family's defaults) becomes the baseline.
    steps_.push_back([](AppState& s, RunSession& c) {
      if (s.live_runs.size() >= 2 && s.live_runs[s.live_runs.size() - 2].id > 0) {
        s.baseline = s.live_runs[s.live_runs.size() - 2].id;
        c.set_baseline(s.baseline);
      }
      return true;
    });
  }
  if (p.contains("guided") && !p.at("guided").is_null()) {
    // Guided tuning from the preset's config, waited for to the end (the Advisor shows its path).
    const json& g = p.at("guided");
    only_keys(g, "preset.guided", {"max_runs", "max_steps"});
    TuneBudget budget;
    budget.max_runs = get<int>(g, "max_runs", budget.max_runs, "preset.guided");
    budget.max_steps = get<int>(g, "max_steps", budget.max_steps, "preset.guided");
    if (budget.max_runs < 1 || budget.max_steps < 1)
      throw std::invalid_argument("preset.guided: max_runs and max_steps are at least 1 (" + g.dump() + ")");
    auto started = std::make_shared<bool>(false);
    steps_.push_back([budget, started](AppState& s, RunSession& c) {
      if (!s.has_device()) return true;
      if (!*started) {
        s.guided_budget = budget;
        s.focus_panel = "Advisor";
        s.start_guided(c);
        *started = true;
        return false;
      }
      return !s.guided || s.guided->done();
    });
  }
  if (p.contains("sweep") && !p.at("sweep").is_null()) {
    const json& sw = p.at("sweep");
    only_keys(sw, "preset.sweep", {"axes", "tag"});
    SweepSpace axes;
    for (const auto& a : sw.value("axes", json::array())) {
      if (!a.is_string()) throw std::invalid_argument("preset.sweep.axes: each axis is a string like \"block_m=32..256\"");
      try {
        axes.push_back(parse_axis(a.get<std::string>(), *family));
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("preset.sweep.axes: ") + e.what());
      }
    }
    const std::string tag = get<std::string>(sw, "tag", "", "preset.sweep");
    auto started = std::make_shared<bool>(false);
    steps_.push_back([axes, tag, started](AppState& s, RunSession& c) {
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
  only_keys(heat, "preset.heatmap", {"x", "y", "figure"});
  for (const char* axis : {"x", "y"})
    if (heat.contains(axis) && !find_param(family->params(), get<std::string>(heat, axis, "", "preset.heatmap")))
      throw std::invalid_argument("preset.heatmap." + std::string(axis) + "=" + heat.at(axis).dump() + ": not a parameter of family " +
                                  family->name() + " (" + param_names(family->params()) + ")");
  if (heat.contains("figure") && !find_figure(get<std::string>(heat, "figure", "", "preset.heatmap"))) {
    std::string names;
    for (const auto& f : figure_list()) names += (names.empty() ? "" : ", ") + f.name;
    throw std::invalid_argument("preset.heatmap.figure=" + heat.at("figure").dump() + ": not a figure (" + names + ")");
  }
  steps_.push_back([heat](AppState& s, RunSession&) {
    if (heat.contains("x")) s.heat_x = heat.at("x").get<std::string>();
    if (heat.contains("y")) s.heat_y = heat.at("y").get<std::string>();
    if (heat.contains("figure")) s.heat_figure = heat.at("figure").get<std::string>();
    // Compare the fastest sweep run with the latest live run on the roofline.
    if (const RunResult* best = s.sweep.best()) s.selected.insert(best->id);
    if (!s.live_runs.empty() && passed(s.live_runs.back())) s.selected.insert(s.live_runs.back().id);
    s.focus_panel = "Roofline";
    return true;
  });
  // Load the history before it is captured (its panel, a hidden tab so far, has not asked yet).
  auto waited = std::make_shared<int>(0);
  steps_.push_back([waited](AppState& s, RunSession& c) {
    if (!s.store.open) return true;
    if (*waited == 0) {
      StoreQuery q;
      q.newest_first = true;
      q.limit = 500;
      c.query_history(q);
    }
    return s.history_loaded || ++*waited > 300;
  });

  // Hold steps: one panel in front for a number of frames, counted apart in the report's frame
  // times (the scale benchmark's steady frames with a large store or sweep shown).
  const json holds = p.value("hold", json::array());
  if (!holds.is_array()) throw std::invalid_argument("preset.hold must be an array of {\"panel\": ..., \"frames\": N}");
  for (size_t i = 0; i < holds.size(); ++i) {
    const std::string where = "preset.hold[" + std::to_string(i) + "]";
    only_keys(holds[i], where, {"panel", "frames"});
    const std::string panel = title_for_key(get<std::string>(holds[i], "panel", "window", where));
    const int frames = get<int>(holds[i], "frames", 120, where);
    if (frames < 1 || frames > 100000) throw std::invalid_argument(where + ".frames must be 1..100000");
    auto left = std::make_shared<int>(-1);
    steps_.push_back([panel, frames, left](AppState& s, RunSession&) {
      if (*left < 0) {
        *left = frames;
        if (!panel.empty()) s.focus_panel = panel;
      }
      s.frames.holding = (*left)-- > 0;
      return !s.frames.holding;
    });
  }

  // The Run > Devices window open over the captures (the pool's runners and their states).
  if (get<bool>(p, "show_devices", false, "preset"))
    steps_.push_back([](AppState& s, RunSession&) {
      s.show_devices = true;
      return true;
    });

  ReportJob job;
  job.dir = out_dir_;
  job.title = title;
  job.preset_json = p.dump(2);
  const json capture = p.value("capture", json::array({"window", "live", "roofline", "sweep", "history"}));
  if (!capture.is_array()) throw std::invalid_argument("preset.capture must be an array of panel names");
  for (const auto& key : capture) {
    if (!key.is_string()) throw std::invalid_argument("preset.capture: each entry is a panel name");
    job.panels.push_back(title_for_key(key.get<std::string>()));
  }
  steps_.push_back([job](AppState& s, RunSession&) {
    if (!s.report || s.report->dir != job.dir || s.report->title != job.title) s.report = job;
    return s.report->done;
  });
}

void PresetDriver::add_run(const json& spec, bool change_after_defaults, const std::string& where) {
  const KernelConfig defaults = preset_config(spec, where, false, base_dir_, &cards_);
  const KernelConfig changed = preset_config(spec, where, true, base_dir_, &cards_);
  // The family's defaults first, then the changed parameters: the path a user takes.
  std::vector<KernelConfig> runs;
  if (change_after_defaults && !(changed == defaults)) runs.push_back(defaults);
  runs.push_back(changed);
  for (const KernelConfig& cfg : runs) {
    auto posted = std::make_shared<bool>(false);
    steps_.push_back([this, cfg, posted, where](AppState& s, RunSession& c) {
      if (!*posted) {
        s.set_config(cfg);
        *posted = true;
        if (!s.has_device()) return true;  // nothing to run on; the report says why
        if (Validation v = validate(cfg, s.here()); !v.ok()) {
          refused_.push_back(where + ": " + config_name(cfg) + ": " + v.message());
          s.message("preset run refused: " + refused_.back(), true);
          return true;
        }
        s.request_run(c);
      }
      return !s.run_in_flight;
    });
  }
}

void PresetDriver::step(AppState& s, RunSession& c) {
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
    if (!s.report || !s.report->ok) failure_ = "the report was not written" + (s.report ? ": " + s.report->error : std::string());
    else if (!refused_.empty()) {
      failure_ = std::to_string(refused_.size()) + " run(s) of the preset were invalid on " + s.here().name + ":";
      for (const auto& r : refused_) failure_ += "\n  " + r;
    }
    exit_code_ = failure_.empty() ? 0 : 1;
  }
}

}  // namespace gemmscope
