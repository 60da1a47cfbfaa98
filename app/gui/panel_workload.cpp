// Workload panel: the problem (seed P9/P6 or a custom shape), the family, and one control per
// tunable of the family's parameter table; a value that breaks a rule is marked with the reason.
#include <algorithm>
#include <cstdio>
#include <string>

#include "imgui.h"

#include "app/gui/app_state.h"
#include "app/gui/gui_style.h"
#include "app/gui/panel.h"
#include "model/kernel_card.h"
#include "model/kernel_family.h"
#include "model/metric_catalog.h"
#include "model/validate.h"

namespace gemmscope {
namespace {


class WorkloadPanel final : public Panel {
 public:
  const char* title() const override { return "Workload"; }

  void draw(AppState& s, RunSession& session) override {
    bool changed = false;
    changed |= draw_problem(s);
    changed |= draw_family(s);
    ImGui::SeparatorText("Parameters");
    const GpuSpec spec = s.here();
    const Validation valid = validate(s.config, spec);
    if (const FamilyPtr f = find_family(s.config.family)) {
      ImGui::PushStyleColor(ImGuiCol_Text, kGrey);
      ImGui::TextWrapped("%s", f->summary().c_str());
      ImGui::PopStyleColor();
      if (s.card && f->card() && f->card()->path == s.card->path) {
        ImGui::TextColored(kGrey, "watching %s (version %s, %d read)", s.card->path.c_str(), s.card->hash.substr(0, 8).c_str(),
                           s.card->versions);
        if (!s.card->error.empty()) {
          ImGui::PushStyleColor(ImGuiCol_Text, kRed);
          ImGui::TextWrapped("The last save does not read (the version above stays): %s", s.card->error.c_str());
          ImGui::PopStyleColor();
        }
      }
      for (const ParamDecl& d : f->params()) changed |= draw_param(s, d, spec, valid);
    }
    ImGui::Spacing();
    if (!valid.ok()) {
      ImGui::PushStyleColor(ImGuiCol_Text, kRed);
      ImGui::TextWrapped("Cannot run on %s: %s", spec.name.c_str(), valid.message().c_str());
      ImGui::PopStyleColor();
    } else {
      ImGui::TextColored(kGreen, "Valid on %s", spec.name.c_str());
    }
    ImGui::TextWrapped("Config: %s", config_name(s.config).c_str());

    ImGui::SeparatorText("Run");
    changed |= draw_options(s);
    const std::string blocker = s.run_blocker();
    ImGui::BeginDisabled(!valid.ok() || s.sweep_running || !blocker.empty());
    if (ImGui::Button("Run now")) s.request_run(session);
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::Checkbox("auto-run", &s.auto_run);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("run again whenever a parameter changes");
    ImGui::SameLine();
    // Without a device every run fails at once: live mode would only spin.
    if (!s.has_device()) s.live = false;
    ImGui::BeginDisabled(!s.has_device());
    ImGui::Checkbox("Live", &s.live);
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (!blocker.empty()) ImGui::TextColored(kGrey, "(%s)", s.runner ? "no GPU: runs are off" : "waiting for the runner");
    else if (s.sweep_running) ImGui::TextColored(kGrey, "(runner busy with a sweep)");
    else if (s.run_in_flight) ImGui::TextColored(kGrey, "running...");
    if (!blocker.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", blocker.c_str());

    // With auto-run a change runs at once; live mode re-runs whenever the previous run came back.
    if (valid.ok() && blocker.empty() && !s.sweep_running && ((changed && s.auto_run) || (s.live && !s.run_in_flight)))
      s.request_run(session);
  }

 private:
  bool draw_problem(AppState& s) {
    const ProblemShape p9 = problem_p9(), p6 = problem_p6();
    int which = custom_mode_ ? 2 : s.config.shape == p9 ? 0 : s.config.shape == p6 ? 1 : 2;
    const int before = which;
    ImGui::SeparatorText("Problem");
    ImGui::RadioButton("P9  32768x32768x32", &which, 0);
    ImGui::RadioButton("P6  256x256x524288", &which, 1);
    ImGui::RadioButton("Custom", &which, 2);
    bool changed = which != before;
    custom_mode_ = which == 2;
    KernelConfig c = s.config;
    if (which == 0) c.shape = p9;
    if (which == 1) c.shape = p6;
    if (which == 2) {
      ImGui::PushItemWidth(110);
      ImGui::InputScalar("M", ImGuiDataType_S64, &custom_.m, nullptr, nullptr, "%lld");
      changed |= ImGui::IsItemDeactivatedAfterEdit();
      ImGui::SameLine();
      ImGui::InputScalar("N", ImGuiDataType_S64, &custom_.n, nullptr, nullptr, "%lld");
      changed |= ImGui::IsItemDeactivatedAfterEdit();
      ImGui::SameLine();
      ImGui::InputScalar("K", ImGuiDataType_S64, &custom_.k, nullptr, nullptr, "%lld");
      changed |= ImGui::IsItemDeactivatedAfterEdit();
      ImGui::PopItemWidth();
      bool a_col = custom_.a_layout == Layout::ColMajor, b_col = custom_.b_layout == Layout::ColMajor;
      changed |= ImGui::Checkbox("A column-major", &a_col);
      ImGui::SameLine();
      changed |= ImGui::Checkbox("B column-major", &b_col);
      custom_.a_layout = a_col ? Layout::ColMajor : Layout::RowMajor;
      custom_.b_layout = b_col ? Layout::ColMajor : Layout::RowMajor;
      c.shape = custom_;
    }
    if (changed) {
      // A new problem starts from its own seed family when a seed family was chosen (P6 is not a
      // tall-skinny problem), else from the chosen family's defaults for it.
      std::string family = c.family;
      if (family.rfind("seed_", 0) == 0) family = default_family_for(c.shape);
      const FamilyPtr f = find_family(family);
      s.set_config(f ? f->defaults(c.shape) : c);
    }
    return changed;
  }

  bool draw_family(AppState& s) {
    ImGui::SeparatorText("Kernel family");
    bool changed = false;
    if (ImGui::BeginCombo("Family", s.config.family.c_str())) {
      for (const auto& f : all_families()) {
        if (ImGui::Selectable(f->name().c_str(), f->name() == s.config.family)) {
          s.set_config(f->defaults(s.config.shape));
          changed = true;
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", f->summary().c_str());
      }
      ImGui::EndCombo();
    }
    return changed;
  }

  // Every value the table offers; those that make this config invalid are greyed and say why. A
  // range (split_k) is typed in, with the reason beside it.
  bool draw_param(AppState& s, const ParamDecl& d, const GpuSpec& spec, const Validation& valid) {
    const int current = s.config.params.find(d.name).value_or(d.default_value);
    bool changed = false;
    ImGui::SetNextItemWidth(140);
    if (d.is_range()) {
      int v = current;
      ImGui::InputInt(d.name.c_str(), &v, 1, 8);
      if (ImGui::IsItemDeactivatedAfterEdit() || (v != current && !ImGui::IsItemActive())) {
        v = std::clamp(v, d.min, d.max);
        if (v != current) {
          KernelConfig next = s.config;
          next.set(d.name, v);
          s.set_config(next);
          changed = true;
        }
      }
    } else if (ImGui::BeginCombo(d.name.c_str(), d.format(current).c_str())) {
      for (int v : d.values) {
        KernelConfig candidate = s.config;
        candidate.set(d.name, v);
        const Validation why = validate(candidate, spec);
        if (!why.ok()) ImGui::PushStyleColor(ImGuiCol_Text, kGrey);
        if (ImGui::Selectable(d.format(v).c_str(), v == current)) {
          s.set_config(candidate);
          changed = true;
        }
        if (!why.ok()) {
          ImGui::PopStyleColor();
          ImGui::SameLine(90);
          ImGui::TextColored(kRed, "%s", why.errors.front().message().c_str());
        }
      }
      ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered() && !d.description.empty()) ImGui::SetTooltip("%s (%s)", d.description.c_str(), d.offered_text().c_str());
    // The reason sits beside the control whose value the rule names.
    if (const ConfigError* why = valid.about(d.name)) {
      ImGui::SameLine();
      ImGui::TextColored(kRed, "%s", why->rule.c_str());
    }
    return changed;
  }

  bool draw_options(AppState& s) {
    bool changed = false;
    ImGui::PushItemWidth(90);
    ImGui::InputInt("reps", &s.options.reps, 0, 0);
    changed |= ImGui::IsItemDeactivatedAfterEdit();
    ImGui::SameLine();
    ImGui::InputInt("warm-up", &s.options.warmup, 0, 0);
    changed |= ImGui::IsItemDeactivatedAfterEdit();
    ImGui::PopItemWidth();
    s.options.reps = std::clamp(s.options.reps, 1, kMaxReps);
    s.options.warmup = std::clamp(s.options.warmup, 0, kMaxWarmup);
    changed |= ImGui::Checkbox("verify", &s.options.verify);
    ImGui::SameLine();
    changed |= ImGui::Checkbox("flush L2", &s.options.flush_l2);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110);
    const bool is_list = !s.options.metrics.empty() &&
                         std::find(metric_set_names().begin(), metric_set_names().end(), s.options.metrics) == metric_set_names().end();
    if (ImGui::BeginCombo("metrics", s.options.metrics.empty() ? "none" : is_list ? "names..." : s.options.metrics.c_str())) {
      if (ImGui::Selectable("none", s.options.metrics.empty())) s.options.metrics.clear(), changed = true;
      for (const auto& set : metric_set_names()) {
        if (ImGui::Selectable(set.c_str(), s.options.metrics == set)) s.options.metrics = set, changed = true;
        if (ImGui::IsItemHovered()) {
          std::string names;
          for (const auto& n : metric_set(set)) names += n + "\n";
          ImGui::SetTooltip("%s", names.c_str());
        }
      }
      if (ImGui::Selectable("names...", is_list)) names_open_ = true;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    changed |= ImGui::Checkbox("timeline", &s.options.timeline);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("one more launch, unreplayed, with counters sampled over its duration (CUPTI PM sampling):\n"
                        "SM busy, issue throughput, occupancy and DRAM curves in the Live panel");
    if (is_list || names_open_) {
      // A comma-separated list of Nsight Compute names, as `ncu --metrics` takes them.
      if (!names_open_) std::snprintf(names_, sizeof names_, "%s", s.options.metrics.c_str()), names_open_ = true;
      ImGui::SetNextItemWidth(-1);
      if (ImGui::InputTextWithHint("##names", "dram__bytes_read.sum,lts__t_sector_hit_rate.pct", names_, sizeof names_,
                                   ImGuiInputTextFlags_EnterReturnsTrue)) {
        try {
          metric_set(names_);
          s.options.metrics = names_;
          names_error_.clear();
          changed = true;
        } catch (const std::exception& e) {
          names_error_ = e.what();
        }
      }
      if (!names_error_.empty()) ImGui::TextColored(kRed, "%s", names_error_.c_str());
    }
    return changed;
  }

  ProblemShape custom_{4096, 4096, 4096};
  bool custom_mode_ = false;
  bool names_open_ = false;
  char names_[1024] = "";
  std::string names_error_;
};

}  // namespace

std::unique_ptr<Panel> make_workload_panel() { return std::make_unique<WorkloadPanel>(); }

}  // namespace gemmscope
