// Advisor panel: the advisor's reading of the run the user is looking at (the selected one, else
// the latest live run, else the sweep's fastest): the stage its top finding belongs to, with the
// stage's focus metrics as bars against their targets, its guidelines and safety rules; the
// ranked findings with the figures they used; the next configs to try (apply one, or try them all
// as a small sweep, and see whether they paid off); and guided tuning with its path.
#include <algorithm>

#include "model/text_format.h"
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "imgui.h"

#include "app/gui/app_state.h"
#include "app/gui/gui_style.h"
#include "app/gui/panel.h"
#include "app/gui/run_figures.h"
#include "model/advisor/advice.h"
#include "model/advisor/run_compare.h"
#include "model/kernel_family.h"

namespace gemmscope {
namespace {



// A focus metric as a bar: the value against a scale that holds the target, the target as a line.
void focus_bar(const FocusBar& b) {
  ImGui::TextUnformatted(b.label.c_str());
  metric_tooltip(b.metric);
  ImGui::SameLine(200);
  const float w = std::max(60.0f, ImGui::GetContentRegionAvail().x), h = ImGui::GetFrameHeight();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const bool pct = b.unit == "%";
  const double scale = pct ? 100.0 : std::max({b.target * 1.5, b.value * 1.1, 1.0});
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg), 3);
  if (b.known) {
    const float f = float(std::clamp(b.value / scale, 0.0, 1.0));
    dl->AddRectFilled(p, ImVec2(p.x + w * f, p.y + h), ImGui::GetColorU32(b.met() ? kGreen : kRed), 3);
  }
  const float tx = p.x + w * float(std::clamp(b.target / scale, 0.0, 1.0));
  dl->AddLine(ImVec2(tx, p.y - 2), ImVec2(tx, p.y + h + 2), ImGui::GetColorU32(ImVec4(1, 1, 1, 1)), 2.0f);
  const std::string value = !b.known ? "not collected" : pct ? format_number("%.1f %%", b.value) : format_number("%.4g", b.value);
  const std::string text = value + "   (target " + (b.higher_is_better ? ">= " : "<= ") + (pct ? format_number("%.0f %%", b.target) : format_number("%.4g", b.target)) + ")";
  dl->AddText(ImVec2(p.x + 6, p.y + (h - ImGui::GetTextLineHeight()) / 2), ImGui::GetColorU32(ImGuiCol_Text), text.c_str());
  ImGui::Dummy(ImVec2(w, h));
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s\nthe white line is the stage's target%s", b.metric.c_str(), b.known ? "" : "\nnot collected: choose the 'all' counter set in Workload");
}

class AdvisorPanel final : public Panel {
 public:
  const char* title() const override { return "Advisor"; }

  void draw(AppState& s, RunSession& session) override {
    draw_guided(s, session);
    const RunResult* r = s.advised_run();
    if (!r) {
      ImGui::TextColored(kGrey, "No run to read yet: run a config (Workload) or select one on the roofline or in History.");
      return;
    }
    refresh(s, *r);
    ImGui::SeparatorText("Reading");
    ImGui::TextWrapped("%s", r->config_name.c_str());
    ImGui::TextColored(kGrey, "%s  %s%s", short_time(r->ms_median).c_str(), r->device.c_str(),
                       s.selected.size() == 1 ? "  (selected)" : (s.guided && r == s.guided->tuner().best()) ? "  (the guided tuning's best)" : "  (latest run)");
    const StageInfo& stage = stage_info(advice_.stage);
    ImGui::TextColored(advice_.stop ? kGreen : kAmber, "Stage: %s", to_string(advice_.stage).c_str());
    if (stage.focus != to_string(advice_.stage) && stage.focus != "Grid layout and parallelism") ImGui::TextWrapped("%s", stage.focus.c_str());
    for (const auto& b : advice_.focus) focus_bar(b);
    if (ImGui::TreeNode("Guidelines and safety rules of the stage")) {
      for (const auto& g : stage.guidelines) ImGui::BulletText("%s", g.c_str());
      for (const auto& g : stage.safety) ImGui::BulletText("Safety: %s", g.c_str());
      ImGui::TreePop();
    }
    draw_findings();
    draw_suggestions(s, *r, session);
    draw_trial(s, session);
    draw_path(s);
  }

 private:
  // The advice is recomputed only when the run it reads changes.
  void refresh(const AppState& s, const RunResult& r) {
    // The guided tuning's best is advised without the configs the tuning already measured.
    const bool tuned = s.guided && &r == s.guided->tuner().best();
    const std::string key = std::to_string(r.id) + "|" + r.config_name + "|" + std::to_string(r.metrics.size()) + "|" + s.here().name +
                            (tuned ? "|tuned" + std::to_string(s.guided->tuner().runs()) : "");
    if (key == key_) return;
    key_ = key;
    AdviseOptions o;
    if (tuned) o.suggest.exclude = s.guided->tuner().tried();
    advice_ = advise(r, s.spec_for(r), s.reference(), o);
  }

  void draw_findings() {
    ImGui::SeparatorText("Findings");
    if (advice_.findings.empty()) ImGui::TextColored(kGrey, "%s", advice_.summary.c_str());
    int i = 0;
    for (const auto& f : advice_.findings) {
      ImGui::PushID(i++);
      const std::string est = f.estimated_speedup > 0 ? format_number("up to %.2fx: ", f.estimated_speedup) : "";
      const ImVec4 colour = f.kind == FindingClass::Correctness ? (f.id == "near_floor" ? kGreen : kRed) : kAmber;
      ImGui::PushStyleColor(ImGuiCol_Text, colour);
      const bool open = ImGui::TreeNodeEx("##f", i == 1 ? ImGuiTreeNodeFlags_DefaultOpen : 0, "%s%s", est.c_str(), f.title.c_str());
      ImGui::PopStyleColor();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\nstage: %s\nrule: %s\nestimate: %s", f.title.c_str(), to_string(f.stage).c_str(), f.id.c_str(), f.estimate_basis.c_str());
      if (open) {
        ImGui::TextWrapped("%s", f.detail.c_str());
        for (const auto& c : f.checks) {
          ImGui::BulletText("%s", c.text().c_str());
          metric_tooltip(c.metric);
        }
        ImGui::TextColored(kGrey, "estimate: %s", f.estimate_basis.c_str());
        ImGui::TreePop();
      }
      ImGui::PopID();
    }
    if (!advice_.skipped.empty() && ImGui::TreeNode("Rules not read (counters missing)")) {
      for (const auto& k : advice_.skipped) {
        std::string m;
        for (const auto& x : k.missing) m += (m.empty() ? "" : ", ") + x;
        ImGui::BulletText("%s: needs %s", k.rule.c_str(), m.c_str());
      }
      ImGui::TextColored(kGrey, "The 'all' counter set in Workload collects them.");
      ImGui::TreePop();
    }
  }

  void draw_suggestions(AppState& s, const RunResult& r, RunSession& session) {
    ImGui::SeparatorText("Next configs to try");
    if (advice_.suggestions.empty()) {
      const bool tuned = s.guided && &r == s.guided->tuner().best();
      ImGui::TextColored(kGrey, "%s", advice_.stop ? "None: the run is at its floor."
                                     : tuned       ? "None left: the guided tuning measured every config the advice names."
                                                   : "None valid on this GPU and the reference for these findings.");
      return;
    }
    const bool can_run = s.run_blocker().empty() && !s.sweep_running;
    if (ImGui::BeginTable("suggestions", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable)) {
      ImGui::TableSetupColumn("config", ImGuiTableColumnFlags_WidthStretch, 1.0f);
      ImGui::TableSetupColumn("why", ImGuiTableColumnFlags_WidthStretch, 1.4f);
      ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 50);
      ImGui::TableHeadersRow();
      int i = 0;
      for (const auto& sg : advice_.suggestions) {
        ImGui::PushID(i++);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        std::string changes;
        for (const auto& c : sg.changes) changes += (changes.empty() ? "" : ", ") + c.param + " " + c.from + " -> " + c.to;
        cell(changes);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", sg.name.c_str());
        ImGui::TableNextColumn();
        // The reason opens with the change the first column already shows ("SPLIT_K 1 -> 33: ...").
        const size_t colon = sg.reason.find(": ");
        cell(colon == std::string::npos ? sg.reason : sg.reason.substr(colon + 2));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", sg.reason.c_str());
        ImGui::TableNextColumn();
        ImGui::BeginDisabled(!can_run);
        if (ImGui::SmallButton("Apply")) s.apply(sg.config, session);
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("set this config in Workload and run it");
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
    ImGui::BeginDisabled(!can_run);
    if (ImGui::Button(("Try all " + std::to_string(advice_.suggestions.size()) + " as a sweep").c_str()))
      s.try_suggestions(advice_.suggestions, r, session);
    ImGui::EndDisabled();
    if (!can_run && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("%s", s.sweep_running ? "a sweep is running" : s.run_blocker().c_str());
  }

  // Before and after: the configs tried against the run they came from.
  void draw_trial(AppState& s, RunSession& session) {
    if (!s.advice_trial) return;
    const auto& t = *s.advice_trial;
    ImGui::SeparatorText("Did the advice pay off?");
    ImGui::TextColored(kGrey, "before: %s, %s", t.from.config_name.c_str(), short_time(t.from.ms_median).c_str());
    for (const auto& name : t.names) {
      const SweepRow* after = nullptr;
      if (s.sweep_rows_tag == t.tag)
        for (const auto& x : s.sweep.rows())
          if (x.config_name == name) after = &x;
      if (!after) {
        ImGui::BulletText("%s: waiting", name.c_str());
        continue;
      }
      if (!after->passed() || !after->timed()) {
        ImGui::TextColored(kRed, "  %s: %s", name.c_str(), to_string(after->disposition).c_str());
        continue;
      }
      const double speedup = t.from.ms_median / after->ms_median;
      const bool allclose = after->allclose == 1;
      const bool paid = speedup > 1.01 && allclose;
      ImGui::TextColored(paid ? kGreen : kGrey, "  %s  %s  %.2fx %s", name.c_str(), short_time(after->ms_median).c_str(), speedup,
                         paid ? "paid off" : allclose ? "did not help" : "fails allclose");
      if (ImGui::IsItemHovered()) {
        // The comparison reads the whole run: a stored one is fetched the first time it is hovered.
        const RunResult* whole = s.find_run(after->id);
        if (!whole) s.fetch_stored_run(after->id, session);
        std::string moved;
        if (whole)
          for (const auto& m : moved_most(compare_runs(t.from, s.spec_for(t.from), *whole, s.spec_for(*whole)), 5)) moved += m + "\n";
        ImGui::SetTooltip("moved most:\n%s", whole ? moved.c_str() : "(reading the run from the store...)");
      }
    }
  }

  void draw_guided(AppState& s, RunSession& session) {
    const bool active = s.guided && !s.guided->done();
    if (!active) {
      ImGui::BeginDisabled(!s.run_blocker().empty() || s.sweep_running);
      if (ImGui::Button("Guided tuning")) s.start_guided(session);
      ImGui::EndDisabled();
      if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("run, advise, try the advice, keep the best; repeat from the Workload's config until nothing helps or the budget is spent");
      ImGui::SameLine();
      ImGui::SetNextItemWidth(90);
      ImGui::InputInt("runs", &s.guided_budget.max_runs);
      s.guided_budget.max_runs = std::clamp(s.guided_budget.max_runs, 1, 10000);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("the most runs the guided tuning may spend, the start included");
    } else {
      if (ImGui::Button("Cancel guided tuning")) s.cancel_guided(session);
      ImGui::SameLine();
      ImGui::Text("run %d of at most %d", s.guided->tuner().runs(), s.guided_budget.max_runs);
    }
  }

  // The guided tuner's kept configs, with each step's reason (the roofline draws them as arrows).
  void draw_path(const AppState& s) {
    if (!s.guided || s.guided->tuner().path().empty()) return;
    const GuidedTuner& t = s.guided->tuner();
    ImGui::SeparatorText("Guided path");
    ImGui::TextColored(kGrey, "%d runs%s", t.runs(), t.done() ? "; stopped:" : ", running");
    if (t.done()) {
      ImGui::SameLine();
      ImGui::PushStyleColor(ImGuiCol_Text, kGrey);
      ImGui::TextWrapped("%s", t.stop_reason().c_str());
      ImGui::PopStyleColor();
    }
    int i = 0;
    for (const auto& step : t.path()) {
      ImGui::TextColored(kAmber, "%d. %s  %.2fx", ++i, short_time(step.run.ms_median).c_str(), step.speedup_over_start);
      ImGui::SameLine();
      ImGui::TextWrapped("%s", step.run.config_name.c_str());
      ImGui::Indent();
      ImGui::PushStyleColor(ImGuiCol_Text, kGrey);
      ImGui::TextWrapped("%s", step.reason.empty() ? "the starting config" : (step.reason + "  [" + step.finding + "]").c_str());
      ImGui::PopStyleColor();
      if (!step.moved.empty() && ImGui::IsItemHovered()) {
        std::string m;
        for (const auto& x : step.moved) m += x + "\n";
        ImGui::SetTooltip("moved most against the step before:\n%s", m.c_str());
      }
      ImGui::Unindent();
    }
  }

  std::string key_;
  Advice advice_;
};

}  // namespace

std::unique_ptr<Panel> make_advisor_panel() { return std::make_unique<AdvisorPanel>(); }

}  // namespace gemmscope
