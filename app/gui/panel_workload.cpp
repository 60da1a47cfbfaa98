// Workload panel: the problem (seed P9/P6 or a custom shape), the family, and one control per
// tunable offering the family's choices; a choice that breaks a rule is marked with the reason.
#include <algorithm>
#include <cstdio>
#include <string>

#include "imgui.h"

#include "app/gui/app_state.h"
#include "app/gui/gui_style.h"
#include "app/gui/panel.h"
#include "model/kernel_family.h"
#include "model/validate.h"

namespace gemmscope {
namespace {

const ImVec4 kGrey(0.55f, 0.55f, 0.55f, 1.0f);

class WorkloadPanel final : public Panel {
 public:
  const char* title() const override { return "Workload"; }

  void draw(AppState& s, GuiController& c) override {
    bool changed = false;
    changed |= draw_problem(s);
    changed |= draw_family(s);
    ImGui::SeparatorText("Parameters");
    const GpuSpec spec = s.here();
    if (const KernelFamily* f = find_family(s.config.family)) {
      ImGui::PushStyleColor(ImGuiCol_Text, kGrey);
      ImGui::TextWrapped("%s", f->summary().c_str());
      ImGui::PopStyleColor();
      for (Param p : f->params()) changed |= draw_param(s, *f, p, spec);
    }
    const Check invalid = validate(s.config, spec);
    ImGui::Spacing();
    if (invalid) {
      ImGui::PushStyleColor(ImGuiCol_Text, kRed);
      ImGui::TextWrapped("Cannot run on %s: %s", spec.name.c_str(), invalid->message().c_str());
      ImGui::PopStyleColor();
    }
    else ImGui::TextColored(ImVec4(0.4f, 0.85f, 0.4f, 1.0f), "Valid on %s", spec.name.c_str());
    ImGui::TextWrapped("Config: %s", s.config.name().c_str());

    ImGui::SeparatorText("Run");
    changed |= draw_options(s);
    ImGui::BeginDisabled(invalid.has_value() || s.sweep_running);
    if (ImGui::Button("Run now")) s.request_run(c);
    ImGui::EndDisabled();
    ImGui::SameLine();
    // Without a device every run fails at once: live mode would only spin.
    if (!s.has_device()) s.live = false;
    ImGui::BeginDisabled(!s.has_device());
    ImGui::Checkbox("Live", &s.live);
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (s.sweep_running) ImGui::TextColored(kGrey, "(runner busy with a sweep)");
    else if (s.run_in_flight) ImGui::TextColored(kGrey, "running...");

    // A change re-runs at once; live mode re-runs whenever the previous run came back.
    if (!invalid && !s.sweep_running && (changed || (s.live && !s.run_in_flight))) s.request_run(c);
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
      // A new problem starts from the family's defaults for it (the seed tiles for seed families).
      const KernelFamily* f = find_family(c.family);
      s.set_config(f ? f->defaults(c.shape) : c);
    }
    return changed;
  }

  bool draw_family(AppState& s) {
    ImGui::SeparatorText("Kernel family");
    bool changed = false;
    if (ImGui::BeginCombo("Family", s.config.family.c_str())) {
      for (const auto& f : families()) {
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

  // Every choice the family offers; those that make this config invalid are greyed and say why.
  bool draw_param(AppState& s, const KernelFamily& f, Param p, const GpuSpec& spec) {
    const std::string name = param_name(p);
    const int current = get_param(s.config, p);
    bool changed = false;
    ImGui::SetNextItemWidth(140);
    if (ImGui::BeginCombo(name.c_str(), param_value_string(p, current).c_str())) {
      for (int v : f.choices(p)) {
        KernelConfig candidate = s.config;
        set_param(candidate, p, v);
        const Check why = validate(candidate, spec);
        if (why) ImGui::PushStyleColor(ImGuiCol_Text, kGrey);
        if (ImGui::Selectable(param_value_string(p, v).c_str(), v == current)) {
          KernelConfig next = s.config;
          set_param(next, p, v);
          s.set_config(next);
          changed = true;
        }
        if (why) {
          ImGui::PopStyleColor();
          ImGui::SameLine(90);
          ImGui::TextColored(kRed, "%s", why->message().c_str());
        }
      }
      ImGui::EndCombo();
    }
    // The reason sits beside the control whose value the rule names.
    if (Check why = validate(s.config, spec); why && why->param == name) {
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
    s.options.reps = std::max(1, s.options.reps);
    s.options.warmup = std::max(0, s.options.warmup);
    changed |= ImGui::Checkbox("verify", &s.options.verify);
    ImGui::SameLine();
    changed |= ImGui::Checkbox("flush L2", &s.options.flush_l2);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(100);
    if (ImGui::BeginCombo("metrics", s.options.metrics.empty() ? "none" : s.options.metrics.c_str())) {
      for (const char* set : {"", "seed", "roofline", "occupancy", "all"})
        if (ImGui::Selectable(*set ? set : "none", s.options.metrics == set)) {
          s.options.metrics = set;
          changed = true;
        }
      ImGui::EndCombo();
    }
    return changed;
  }

  ProblemShape custom_{4096, 4096, 4096};
  bool custom_mode_ = false;
};

}  // namespace

std::unique_ptr<Panel> make_workload_panel() { return std::make_unique<WorkloadPanel>(); }

}  // namespace gemmscope
